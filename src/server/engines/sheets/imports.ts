import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { FastifyRequest } from 'fastify';
import type { Tx } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors/app-error.js';
import { receiveFile } from '../../platform/http/upload.js';
import type { Ctx, Services } from '../../platform/services.js';
import type { HeaderTable } from './headers.js';
import { inLanguage, LedgerError, type RowError, readLedger } from './read.js';

/**
 * A ledger import in one request (organisations, houses, disputes: ledgers of hundreds or a few
 * thousand rows): the upload received and sniffed, the header found by the module's synonyms,
 * required columns checked (400 naming the column), every row handed to the module as its fields'
 * raw text, total rows (合计 …) left out and listed. The module checks and applies its rows (one
 * transaction, or the case engine's per case) and records the job with `recordImport`, which keeps
 * the failed rows (encrypted) for the error sheet (`POST /api/imports/:id/errors.xlsx`) and the
 * job in the importer's list. People, the big ledger, keep their staged preview/confirm flow
 * (modules/registry/import.service.ts) on the same tables.
 */

export type LedgerKind = 'people' | 'organisations' | 'houses' | 'disputes';

const MAX_UPLOAD = 30 * 1024 * 1024;
export const LEDGER_UPLOAD_MAX = MAX_UPLOAD;

/** What an upload is, by content: an .xlsx is a zip (PK\x03\x04); a .csv is text (no NUL). */
export async function sniffLedger(file: string): Promise<'xlsx' | 'csv' | null> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(8192);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead);
    if (bytesRead === 0) return null;
    if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return 'xlsx';
    if (head.includes(0)) return null;
    return 'csv';
  } finally {
    await fh.close();
  }
}

/**
 * Receives the request's ledger into a private temporary directory and gives `use` its path and a
 * clean file name (`名单.xlsx`); the directory is removed afterwards, whatever happens.
 */
export async function withLedgerUpload<T>(
  req: FastifyRequest,
  lang: 'zh' | 'en',
  use: (file: { path: string }, fileName: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'jiayuan-import-'));
  try {
    const file = path.join(dir, 'upload');
    const got = await receiveFile(req, file);
    if (!got) throw new AppError('IMPORT_BAD_FILE', { reason: lang === 'zh' ? '没有文件' : 'no file' });
    const kind = await sniffLedger(file);
    if (!kind)
      throw new AppError('IMPORT_BAD_FILE', {
        reason: lang === 'zh' ? '请上传 .xlsx 或 .csv 文件' : 'upload an .xlsx or .csv file',
      });
    const given =
      path
        .basename((got.filename || 'ledger').replace(/\\/g, '/'))
        .replace(/\p{Cc}/gu, '')
        .trim() || 'ledger';
    const base = given.replace(/\.(xlsx|xls|csv|txt)$/i, '') || 'ledger';
    return await use({ path: file }, `${base}.${kind}`.slice(0, 200));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The area a one-request import lands in: required, named on `query.areaId` when missing. */
export function requireImportArea(areaId: number | undefined, lang: 'zh' | 'en'): number {
  if (areaId !== undefined) return areaId;
  const message = lang === 'zh' ? '请选择导入到哪个区域' : 'choose the area to import into';
  throw new AppError('VALIDATION_FAILED', { fields: 'areaId' }, [
    { path: 'query.areaId', code: 'required', message },
  ]);
}

export interface ReadImport<F extends string> {
  headerRow: number;
  headers: string[];
  /** column → field */
  mapping: (F | null)[];
  rows: { rowNo: number; cells: (string | null)[] }[];
  /** total rows left out */
  skipped: number[];
  /** a row's fields as typed: the first mapped column with a value */
  raw(cells: (string | null)[]): Partial<Record<F, string>>;
  /** the ledger's title of a field's column (for messages), or the field's label */
  column(f: F): string;
}

/**
 * Reads a whole (small) ledger for an import: refuses an unreadable file (400), one without the
 * required columns (400 naming them) or with more than `maxRows` rows (400).
 */
export async function readImport<F extends string>(
  ctx: Ctx,
  file: { path: string },
  fileName: string,
  opts: {
    headers: HeaderTable<F>;
    /** the field's column title in the template and in messages: [zh, en] */
    labels: Record<F, [string, string]>;
    required: F[];
    maxRows: number;
  },
): Promise<ReadImport<F>> {
  const zh = ctx.lang === 'zh';
  const refuse = (e: unknown): AppError => {
    if (e instanceof AppError) return e;
    if (e instanceof LedgerError) {
      const reason = zh ? e.zh : e.en;
      if (e.code === 'too_large')
        return new AppError('UPLOAD_TOO_LARGE_UNPACKED', { field: 'file', reason }, [
          { path: 'file', code: 'too_large_unpacked', message: reason },
        ]);
      return new AppError('IMPORT_BAD_FILE', { reason });
    }
    return new AppError('IMPORT_BAD_FILE', {
      reason: zh ? '文件损坏或格式不受支持' : 'damaged or unsupported format',
    });
  };
  let ledger: Awaited<ReturnType<typeof readLedger>>;
  try {
    ledger = await readLedger(file, fileName, opts.headers);
  } catch (e) {
    throw refuse(e);
  }
  const mapping = opts.headers.guess(ledger.headers);
  const missing = opts.required.filter((f) => !mapping.includes(f));
  if (missing.length) {
    const names = missing.map((f) => `“${opts.labels[f][zh ? 0 : 1]}”`).join(zh ? '、' : ', ');
    const reason = zh
      ? `找不到${names}列：请按模板填写表头（第一行或标题下的一行）`
      : `no ${names} column: use the template's column titles`;
    throw new AppError('IMPORT_BAD_FILE', { reason }, [
      { path: 'file', code: 'missing_column', message: reason },
    ]);
  }
  const rows: ReadImport<F>['rows'] = [];
  try {
    for await (const r of ledger.rows()) {
      if (rows.length >= opts.maxRows)
        throw new AppError('IMPORT_BAD_FILE', {
          reason: zh ? `超过 ${opts.maxRows} 行，请拆分后导入` : `more than ${opts.maxRows} rows: split it`,
        });
      rows.push(r);
    }
  } catch (e) {
    throw refuse(e);
  }
  if (rows.length === 0)
    throw new AppError('IMPORT_BAD_FILE', { reason: zh ? '没有数据行' : 'no data rows' });
  const headers = ledger.headers;
  return {
    headerRow: ledger.headerRow,
    headers,
    mapping,
    rows,
    skipped: ledger.skippedTotals,
    raw(cells) {
      const out: Partial<Record<F, string>> = {};
      mapping.forEach((f, i) => {
        if (!f || out[f] !== undefined) return;
        const v = cells[i];
        if (v !== null && v !== undefined && v.trim() !== '') out[f] = v.trim();
      });
      return out;
    },
    column(f) {
      const i = mapping.indexOf(f);
      const h = i < 0 ? '' : (headers[i] ?? '').trim();
      return h || opts.labels[f][zh ? 0 : 1];
    },
  };
}

/** A job as the importer's list and the result page show it. */
export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Records a finished one-request import in the importer's jobs (inside the importing
 * transaction): its counts, errors and warnings, the skipped total rows, and the failed rows'
 * cells encrypted for the error sheet (the importer's own, for a day).
 */
export async function recordImport(
  trx: Tx,
  s: Services,
  ctx: Ctx,
  job: {
    kind: LedgerKind;
    fileName: string;
    areaId: number | null;
    read: Pick<ReadImport<string>, 'headerRow' | 'headers' | 'mapping' | 'rows' | 'skipped'>;
    counts: ImportCounts;
    errors: RowError[];
    warnings: RowError[];
  },
): Promise<number> {
  const failedRows = new Set(job.errors.map((e) => e.row));
  const now = s.clock.now();
  const row = await trx
    .insertInto('imports')
    .values({
      userId: ctx.actor.userId,
      areaId: job.areaId,
      kind: job.kind,
      fileName: job.fileName,
      status: 'done',
      headerRow: job.read.headerRow,
      columns: JSON.stringify(
        job.read.headers.map((header, index) => ({ index, header, field: job.read.mapping[index] ?? null })),
      ),
      total: job.read.rows.length,
      processed: job.read.rows.length,
      ...job.counts,
      failed: failedRows.size,
      errors: JSON.stringify(job.errors.slice(0, 5000)),
      warnings: JSON.stringify(job.warnings.slice(0, 5000)),
      skipped: JSON.stringify(job.read.skipped),
      finishedAt: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const failed = job.read.rows.filter((r) => failedRows.has(r.rowNo));
  for (let i = 0; i < failed.length; i += 1000) {
    await trx
      .insertInto('importRows')
      .values(
        failed.slice(i, i + 1000).map((r) => ({
          importId: row.id,
          rowNo: r.rowNo,
          cellsEnc: s.keyring.encrypt(JSON.stringify(r.cells)),
        })),
      )
      .execute();
  }
  return row.id;
}

/**
 * An import template: the column titles (required ones marked 必填 and shaded), and a second
 * sheet giving each column's example and allowed words (an example row in the first sheet would
 * be imported by whoever forgets to delete it). The reader ignores the （必填） marks.
 */
export async function ledgerTemplate(opts: {
  sheetName: string;
  columns: { header: string; required?: boolean; example?: string; note?: string; width?: number }[];
  lang: 'zh' | 'en';
}): Promise<Buffer> {
  const zh = opts.lang === 'zh';
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = 'Jiayuan (家园)';
  wb.created = new Date();
  const ws = wb.addWorksheet(opts.sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = opts.columns.map((c, i) => ({
    key: `c${i}`,
    width: c.width ?? Math.min(40, Math.max(12, Array.from(c.header).length * 2 + 6)),
    style: { numFmt: '@' },
  }));
  const head = ws.addRow(
    opts.columns.map((c) => (c.required ? `${c.header}（${zh ? '必填' : 'required'}）` : c.header)),
  );
  head.font = { bold: true };
  head.eachCell((c, i) => {
    c.fill = {
      type: 'pattern',
      pattern: 'solid',
      fgColor: { argb: opts.columns[i - 1]?.required ? 'FFFFF2CC' : 'FFF2F2F2' },
    };
    const note = opts.columns[i - 1]?.note;
    if (note) c.note = note;
  });
  head.commit();
  ws.commit();

  const help = wb.addWorksheet(zh ? '填写说明' : 'How to fill in');
  help.columns = [
    { key: 'h', width: 22 },
    { key: 'r', width: 8 },
    { key: 'e', width: 28 },
    { key: 'n', width: 70 },
  ];
  const hh = help.addRow(zh ? ['列', '必填', '示例', '说明'] : ['Column', 'Required', 'Example', 'Notes']);
  hh.font = { bold: true };
  hh.commit();
  for (const c of opts.columns) {
    help.addRow([c.header, c.required ? (zh ? '是' : 'yes') : '', c.example ?? '', c.note ?? '']).commit();
  }
  help
    .addRow([
      zh
        ? '在第一张表的表头下逐行填写；“合计”“小计”等汇总行会自动跳过，不会导入。'
        : 'Fill in one row per record under the titles of the first sheet; total rows (合计, 小计 …) are skipped.',
    ])
    .commit();
  help.commit();
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}

/** A job as `ImportJob` (contract/registry.ts) shows it: the importer's own only (else 404). */
export async function importJobOf(s: Services, ctx: Ctx, id: number) {
  const j = await s.db
    .selectFrom('imports')
    .selectAll()
    .where('id', '=', id)
    .where('userId', '=', ctx.actor.userId)
    .executeTakeFirst();
  if (!j) throw new AppError('NOT_FOUND');
  return {
    id: j.id,
    kind: j.kind as LedgerKind,
    skipped: (j.skipped ?? []) as number[],
    status: j.status as 'preview' | 'queued' | 'running' | 'done' | 'failed',
    fileName: j.fileName,
    total: j.total,
    processed: j.processed,
    created: j.created,
    updated: j.updated,
    unchanged: j.unchanged,
    failed: j.failed,
    // In the reader's language, whatever language the file was imported in.
    errors: inLanguage((j.errors ?? []) as RowError[], ctx.lang),
    warnings: inLanguage((j.warnings ?? []) as RowError[], ctx.lang),
    createdAt: j.createdAt.toISOString(),
    finishedAt: j.finishedAt ? j.finishedAt.toISOString() : null,
  };
}
