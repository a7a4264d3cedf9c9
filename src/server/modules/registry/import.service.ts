import { type SqlBool, sql } from 'kysely';
import type { z } from 'zod';
import { maskId, maskPhone } from '../../../contract/identifiers.js';
import type { ImportConfirm, ImportField, ImportJob, ImportPreview } from '../../../contract/registry.js';
import {
  inLanguage,
  LEDGER_LIMITS,
  LedgerError,
  type LedgerLimits,
  type RowError,
  readLedger,
  rowError,
  writeErrorSheet,
} from '../../engines/sheets/index.js';
import { areaIdInScope } from '../../platform/access/scope.js';
import { writeAudit } from '../../platform/audit/audit.js';
import type { Tx } from '../../platform/db/index.js';
import { AppError, notFound } from '../../platform/errors/app-error.js';
import { type Ctx, personChanged, type Services } from '../../platform/services.js';
import { guessMapping, LEDGER_HEADERS } from './import/headers.js';
import { dedupeKey, duplicateError, type NormalizedPerson, normalizeRow } from './import/normalize.js';
import { encodeId, encodeName, encodePhone, handOverIdNumber } from './registry.repository.js';
import { invalid, todayOf } from './registry.service.js';

type Field = z.infer<typeof ImportField>;
type Job = z.infer<typeof ImportJob>;

/** Rows a ledger may have; staged and applied rows per batch; errors and warnings kept per job. */
export const IMPORT_MAX_ROWS = 200_000;
/**
 * The failed rows sheet holds what the importer typed, identifiers in clear (so that a fixed row
 * re-imports as is): only the importer may download it, and only this long after the import.
 */
export const ERROR_SHEET_HOURS = 24;
const BATCH = 1000;
const KEEP = 5000;

const RESTARTED_ZH = '服务重启，导入未完成，未写入任何数据，请重新确认导入';
const RESTARTED_EN = 'The server restarted before the import finished; nothing was written: confirm it again';
const RESTARTED = `${RESTARTED_ZH} / ${RESTARTED_EN}`;

/** At start: jobs a stop or crash left queued or running wrote nothing (one transaction): fail them. */
export async function failUnfinishedImports(s: Services): Promise<void> {
  await s.db
    .updateTable('imports')
    .set({
      status: 'failed',
      errors: JSON.stringify([
        { row: 0, column: '', message: RESTARTED, zh: RESTARTED_ZH, en: RESTARTED_EN },
      ]),
      finishedAt: s.clock.now(),
    })
    .where('status', 'in', ['queued', 'running'])
    .execute();
}

interface ImportRow {
  id: number;
  userId: number;
  areaId: number | null;
  fileName: string;
  status: string;
  headerRow: number;
  columns: unknown;
  mapping: unknown;
  residenceType: string | null;
  total: number;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: unknown;
  warnings: unknown;
  kind: string;
  skipped: unknown;
  createdAt: Date;
  finishedAt: Date | null;
}

type Column = { index: number; header: string; field: Field | null };

/** A job as its reader sees it: errors and warnings in the reader's language. */
export function presentJob(j: ImportRow, lang: 'zh' | 'en'): Job {
  return {
    id: j.id,
    kind: (j.kind ?? 'people') as Job['kind'],
    skipped: (j.skipped ?? []) as number[],
    status: j.status as Job['status'],
    fileName: j.fileName,
    total: j.total,
    processed: j.processed,
    created: j.created,
    updated: j.updated,
    unchanged: j.unchanged,
    failed: j.failed,
    errors: inLanguage((j.errors ?? []) as RowError[], lang),
    warnings: inLanguage((j.warnings ?? []) as RowError[], lang),
    createdAt: j.createdAt.toISOString(),
    finishedAt: j.finishedAt ? j.finishedAt.toISOString() : null,
  };
}

const ID_LIKE = /^\d{17}[\dXx]$|^\d{15}$/;
const PHONE_LIKE = /^1\d{10}$/;

/** A sample cell as the preview may show it: identifiers masked, guessed or not. */
function sampleCell(v: string | null, field: Field | null): string | null {
  if (v === null) return null;
  const t = v.trim();
  if (field === 'idNumber' || ID_LIKE.test(t)) return maskId(t);
  if (field === 'phone' || PHONE_LIKE.test(t)) return maskPhone(t);
  return v;
}

/** The rows of a ledger, a read error turned into the answer (`refuse`). */
async function* refusing<T>(rows: AsyncIterable<T>, refuse: (e: unknown) => unknown): AsyncGenerator<T> {
  try {
    yield* rows;
  } catch (e) {
    throw refuse(e);
  }
}

export function importService(s: Services) {
  /**
   * A job the actor may see: their own only. Holding person.import where it landed is not enough
   * (issue 14): the job's errors and its error sheet are the importer's, and anyone else gets 404.
   */
  async function visibleJob(ctx: Ctx, id: number): Promise<ImportRow> {
    const j = (await s.db
      .selectFrom('imports')
      .selectAll()
      .where('id', '=', id)
      .where('userId', '=', ctx.actor.userId)
      .executeTakeFirst()) as ImportRow | undefined;
    if (!j) throw notFound();
    return j;
  }

  /** What an .xlsx may unpack to: the defaults, the total from IMPORT_UNPACKED_MAX_MB. */
  function ledgerLimits(): Partial<LedgerLimits> {
    const total = s.config.importUnpackedMaxMb * 1024 * 1024;
    return {
      maxTotalBytes: total,
      maxEntryBytes: Math.min(LEDGER_LIMITS.maxEntryBytes, total),
      maxMetaBytes: Math.min(LEDGER_LIMITS.maxMetaBytes, total),
    };
  }

  /** A ledger that cannot be read: 413 naming the upload field when it unpacks beyond the limits. */
  function ledgerRefusal(ctx: Ctx, e: unknown): AppError {
    if (e instanceof AppError) return e;
    if (e instanceof LedgerError && e.code === 'too_large') {
      const reason = ctx.lang === 'zh' ? e.zh : e.en;
      return new AppError('UPLOAD_TOO_LARGE_UNPACKED', { field: 'file', reason }, [
        { path: 'file', code: 'too_large_unpacked', message: reason },
      ]);
    }
    s.log.warn(`import: unreadable file: ${(e as Error)?.message ?? e}`);
    return new AppError('IMPORT_BAD_FILE', {
      reason: ctx.lang === 'zh' ? '文件损坏或格式不受支持' : 'damaged or unsupported format',
    });
  }

  async function setProgress(id: number, processed: number) {
    await s.db.updateTable('imports').set({ processed }).where('id', '=', id).execute();
  }

  /** Normalises every staged row, dedupes within the file, applies all good rows in one transaction. */
  async function run(ctx: Ctx, id: number): Promise<void> {
    const job = (await s.db
      .updateTable('imports')
      .set({ status: 'running' })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .returningAll()
      .executeTakeFirst()) as ImportRow | undefined;
    if (!job) return;
    try {
      const columns = job.columns as Column[];
      const headers = columns.map((c) => c.header);
      const mapping = job.mapping as (Field | null)[];
      const today = new Date(`${todayOf(s.clock.now())}T12:00:00Z`);
      const errors: RowError[] = [];
      const warnings: RowError[] = [];
      const failedRows = new Set<number>();
      const seen = new Map<string, number>();
      const idColumn = headers[mapping.indexOf('idNumber')] ?? '';
      const fail = (e: RowError) => {
        failedRows.add(e.row);
        if (errors.length < KEEP) errors.push(e);
      };

      // One pass, one transaction: each batch of staged rows is normalised, deduplicated against
      // the rows before it and applied at once, so memory holds a batch (not the ledger) and a
      // crash leaves nothing of the import.
      const counts = { created: 0, updated: 0, unchanged: 0 };
      await s.db.transaction().execute(async (trx) => {
        let after = 0;
        let processed = 0;
        for (;;) {
          const rows = await trx
            .selectFrom('importRows')
            .select(['rowNo', 'cellsEnc'])
            .where('importId', '=', id)
            .where('rowNo', '>', after)
            .orderBy('rowNo')
            .limit(BATCH)
            .execute();
          if (rows.length === 0) break;
          after = rows.at(-1)!.rowNo;
          const chunk: { rowNo: number; person: NormalizedPerson }[] = [];
          for (const r of rows) {
            const cells = JSON.parse(s.keyring.decrypt(r.cellsEnc)) as (string | null)[];
            const n = normalizeRow(cells, mapping, headers, r.rowNo, { today, lang: ctx.lang });
            if (!n.ok) {
              for (const e of n.errors) fail(e);
              continue;
            }
            const key = dedupeKey(n.person);
            const first = seen.get(key);
            if (first !== undefined) {
              fail(duplicateError(r.rowNo, first, idColumn, ctx.lang));
              continue;
            }
            seen.set(key, r.rowNo);
            for (const w of n.warnings) if (warnings.length < KEEP) warnings.push(w);
            chunk.push({ rowNo: r.rowNo, person: n.person });
          }
          if (chunk.length) await applyChunk(trx, ctx, job, chunk, counts);
          processed += rows.length;
          // Progress for the bar, on its own connection: it commits now, the rows at the end.
          await setProgress(id, Math.min(job.total, processed));
        }
        const failed = failedRows.size;
        await trx
          .updateTable('imports')
          .set({
            status: 'done',
            processed: job.total,
            ...counts,
            failed,
            errors: JSON.stringify(errors.sort((a, b) => a.row - b.row).slice(0, KEEP)),
            warnings: JSON.stringify(warnings.slice(0, KEEP)),
            finishedAt: s.clock.now(),
          })
          .where('id', '=', id)
          .execute();
        // One entry for the whole import, with its counts, in the same transaction.
        await writeAudit(
          trx,
          ctx.audit,
          {
            action: 'person.import',
            entityType: 'import',
            entityId: id,
            detail: { fileName: job.fileName, areaId: job.areaId, total: job.total, ...counts, failed },
          },
          s.clock.now(),
        );
      });
    } catch (e) {
      s.log.error(e);
      await s.db
        .updateTable('imports')
        .set({
          status: 'failed',
          errors: JSON.stringify([
            rowError(
              0,
              '',
              '导入失败，未写入任何数据，请重试',
              'The import failed and wrote nothing; try again',
              ctx.lang,
            ),
          ]),
          finishedAt: s.clock.now(),
        })
        .where('id', '=', id)
        .execute()
        .catch(() => {});
    }
  }

  /** Upsert by ID hash: created, updated (changed fields only) or unchanged. */
  async function applyChunk(
    trx: Tx,
    ctx: Ctx,
    job: ImportRow,
    chunk: { rowNo: number; person: NormalizedPerson }[],
    counts: { created: number; updated: number; unchanged: number },
  ) {
    const updatedIds: number[] = [];
    const hashes = chunk.map((c) => (c.person.idNumber ? s.keyring.lookupHash(c.person.idNumber) : null));
    const known = hashes.filter((h): h is string => !!h);
    const existing = known.length
      ? await trx
          .selectFrom('people as p')
          .innerJoin('areas as a', 'a.id', 'p.areaId')
          .selectAll('p')
          .select(sql<string>`a.path::text`.as('areaPath'))
          .where('p.idHash', 'in', known)
          .execute()
      : [];
    // The record that holds each number (not a registration held pending for it).
    const byHash = new Map(existing.filter((e) => e.duplicateOf === null).map((e) => [e.idHash!, e]));
    const inserts: Record<string, unknown>[] = [];
    /** Rows whose number is held out of the importer's reach: see below. */
    const pending: { values: Record<string, unknown>; holder: (typeof existing)[number] }[] = [];
    for (const [k, { person }] of chunk.entries()) {
      const hash = hashes[k];
      let current: (typeof existing)[number] | undefined = hash ? byHash.get(hash) : undefined;
      if (!hash) {
        // Without an ID number a person is the same one by name and birth date in the target node.
        current = await trx
          .selectFrom('people as p')
          .innerJoin('areas as a', 'a.id', 'p.areaId')
          .selectAll('p')
          .select(sql<string>`a.path::text`.as('areaPath'))
          .where('p.idHash', 'is', null)
          .where('p.name', '=', person.name)
          .where('p.areaId', '=', job.areaId!)
          .where(
            person.birthDate
              ? sql<SqlBool>`p.birth_date = ${person.birthDate}`
              : sql<SqlBool>`p.birth_date IS NULL`,
          )
          .orderBy('p.id')
          .limit(1)
          .executeTakeFirst();
      }
      const values = () => ({
        ...encodeName(person.name),
        areaId: job.areaId,
        ...encodeId(s.keyring, person.idNumber),
        ...encodePhone(s.keyring, person.phone),
        sex: person.sex,
        birthDate: person.birthDate,
        ethnicity: person.ethnicity,
        education: person.education,
        politicalStatus: person.politicalStatus,
        employer: person.employer,
        residenceType: person.residenceType ?? job.residenceType ?? 'resident',
        registeredAddress: person.registeredAddress,
        currentAddress: person.currentAddress,
        relationToHead: person.relationToHead,
        note: person.note,
      });
      // A number held by a record out of the importer's reach is answered as a new one (no
      // existence oracle, docs/registry.md): the row is kept as a registration pending for that
      // record, or continues the number at once when that record has moved out.
      if (current && hash && !ctx.actor.canAt('person.import', current.areaPath)) {
        pending.push({ values: values(), holder: current });
        counts.created++;
        continue;
      }
      if (current) {
        const set = changedFields(current, person);
        if (Object.keys(set).length === 0) counts.unchanged++;
        else {
          await trx
            .updateTable('people')
            .set({ ...set, version: sql`version + 1`, updatedAt: sql`now()` } as never)
            .where('id', '=', current.id)
            .execute();
          counts.updated++;
          updatedIds.push(current.id);
        }
        continue;
      }
      inserts.push(values());
      counts.created++;
    }
    if (inserts.length)
      await trx
        .insertInto('people')
        .values(inserts as never)
        .execute();
    for (const { values, holder } of pending) {
      const row = await trx
        .insertInto('people')
        .values({ ...values, duplicateOf: holder.id } as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      if (holder.status === 'moved_out') await handOverIdNumber(trx, holder.id, true, row.id);
    }
    // People whose facts changed (a birth date, a move): other modules follow (visit plans).
    await personChanged(s, trx, updatedIds);
  }

  /** Only fields the ledger gives a value for, and only where it differs from what is stored. */
  function changedFields(cur: Record<string, unknown>, p: NormalizedPerson): Record<string, unknown> {
    const set: Record<string, unknown> = {};
    if (p.name && p.name !== cur.name) Object.assign(set, encodeName(p.name));
    if (p.phone && s.keyring.lookupHash(p.phone) !== cur.phoneHash)
      Object.assign(set, encodePhone(s.keyring, p.phone));
    const plain = [
      'sex',
      'birthDate',
      'ethnicity',
      'registeredAddress',
      'currentAddress',
      'relationToHead',
      'residenceType',
      'education',
      'politicalStatus',
      'employer',
      'note',
    ] as const;
    for (const k of plain) {
      const v = p[k];
      if (v !== null && v !== undefined && v !== cur[k]) set[k] = v;
    }
    return set;
  }

  return {
    async upload(ctx: Ctx, file: { path: string }, fileName: string): Promise<z.infer<typeof ImportPreview>> {
      let ledger: Awaited<ReturnType<typeof readLedger>>;
      try {
        ledger = await readLedger(file, fileName, LEDGER_HEADERS, ledgerLimits());
      } catch (e) {
        throw ledgerRefusal(ctx, e);
      }
      const guess = guessMapping(ledger.headers);
      const columns: Column[] = ledger.headers.map((header, index) => ({
        index,
        header,
        field: guess[index] ?? null,
      }));
      const sample: Record<string, string | null>[] = [];
      // A limit met while reading the rows (a bomb past the header) refuses the whole upload.
      const rows = refusing(ledger.rows(), (e) => (e instanceof LedgerError ? ledgerRefusal(ctx, e) : e));
      const id = await s.db.transaction().execute(async (trx) => {
        const job = await trx
          .insertInto('imports')
          .values({
            userId: ctx.actor.userId,
            fileName: fileName.slice(0, 200),
            status: 'preview',
            headerRow: ledger.headerRow,
            columns: JSON.stringify(columns),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        let batch: { importId: number; rowNo: number; cellsEnc: string }[] = [];
        let total = 0;
        for await (const row of rows) {
          if (++total > IMPORT_MAX_ROWS) {
            throw new AppError('IMPORT_BAD_FILE', {
              reason:
                ctx.lang === 'zh'
                  ? `超过 ${IMPORT_MAX_ROWS} 行，请拆分后导入`
                  : `more than ${IMPORT_MAX_ROWS} rows: split it`,
            });
          }
          if (sample.length < 10) {
            sample.push(
              Object.fromEntries(
                columns.map((c) => [String(c.index), sampleCell(row.cells[c.index] ?? null, c.field)]),
              ),
            );
          }
          // Nothing plain at rest: the staged cells are encrypted.
          batch.push({
            importId: job.id,
            rowNo: row.rowNo,
            cellsEnc: s.keyring.encrypt(JSON.stringify(row.cells)),
          });
          if (batch.length >= BATCH) {
            await trx.insertInto('importRows').values(batch).execute();
            batch = [];
          }
        }
        if (batch.length) await trx.insertInto('importRows').values(batch).execute();
        if (total === 0 && ledger.skippedTotals.length === 0) {
          throw new AppError('IMPORT_BAD_FILE', {
            reason: ctx.lang === 'zh' ? '没有数据行' : 'no data rows',
          });
        }
        if (total === 0) {
          throw new AppError('IMPORT_BAD_FILE', {
            reason: ctx.lang === 'zh' ? '只有合计行，没有数据行' : 'only total rows, no data rows',
          });
        }
        await trx
          .updateTable('imports')
          .set({ total, skipped: JSON.stringify(ledger.skippedTotals) })
          .where('id', '=', job.id)
          .execute();
        return { id: job.id, total };
      });
      return {
        id: id.id,
        fileName: fileName.slice(0, 200),
        headerRow: ledger.headerRow,
        columns,
        sample,
        total: id.total,
        skipped: [...ledger.skippedTotals],
      };
    },

    async confirm(ctx: Ctx, id: number, body: z.infer<typeof ImportConfirm>): Promise<Job> {
      const job = (await s.db
        .selectFrom('imports')
        .selectAll()
        .where('id', '=', id)
        .where('userId', '=', ctx.actor.userId)
        .where('kind', '=', 'people')
        .executeTakeFirst()) as ImportRow | undefined;
      if (!job) throw notFound();
      const columns = job.columns as Column[];
      const mapping: (Field | null)[] = columns.map(() => null);
      const issues: { path: string; code: string; message: string }[] = [];
      for (const [k, field] of Object.entries(body.mapping)) {
        const i = Number(k);
        if (i >= columns.length) {
          issues.push({
            path: `mapping.${k}`,
            code: 'invalid_key',
            message: ctx.lang === 'zh' ? '没有这一列' : 'no such column',
          });
        } else if (field && mapping.includes(field)) {
          issues.push({
            path: `mapping.${k}`,
            code: 'duplicate',
            message: ctx.lang === 'zh' ? '同一字段只能对应一列' : 'a field can map one column only',
          });
        } else mapping[i] = field;
      }
      if (!mapping.includes('name')) {
        issues.push({
          path: 'mapping',
          code: 'required',
          message: ctx.lang === 'zh' ? '请指定姓名列' : 'map the name column',
        });
      }
      if (issues.length) throw new AppError('VALIDATION_FAILED', {}, issues);
      const area = await s.db
        .selectFrom('areas as a')
        .select(['a.id', sql<string>`a.path::text`.as('path')])
        .where('a.id', '=', body.areaId)
        .where(areaIdInScope(ctx.actor, 'person.read', 'a.id'))
        .executeTakeFirst();
      if (!area) throw invalid('areaId', 'not_found', ctx.lang === 'zh' ? '区域不存在' : 'no such area');
      if (!ctx.actor.canAt('person.import', area.path)) throw new AppError('FORBIDDEN');
      const queued = (await s.db
        .updateTable('imports')
        .set({
          status: 'queued',
          mapping: JSON.stringify(mapping),
          areaId: area.id,
          residenceType: body.residenceType,
          processed: 0,
          created: 0,
          updated: 0,
          unchanged: 0,
          failed: 0,
          errors: '[]',
          warnings: '[]',
          finishedAt: null,
        })
        .where('id', '=', id)
        .where('status', 'in', ['preview', 'failed'])
        .returningAll()
        .executeTakeFirst()) as ImportRow | undefined;
      if (!queued) throw new AppError('IMPORT_NOT_READY', { status: job.status });
      // In-process background work: the answer goes now, the job reports progress as it runs.
      setImmediate(() => {
        run(ctx, id).catch((e) => s.log.error(e));
      });
      return presentJob(queued, ctx.lang);
    },

    async get(ctx: Ctx, id: number): Promise<Job> {
      return presentJob(await visibleJob(ctx, id), ctx.lang);
    },

    async mine(ctx: Ctx, page: number, pageSize: number) {
      const base = s.db.selectFrom('imports').where('userId', '=', ctx.actor.userId);
      const total = (await base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirst())?.n ?? 0;
      const rows = (await base
        .selectAll()
        .orderBy('id', 'desc')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute()) as ImportRow[];
      return { items: rows.map((r) => presentJob(r, ctx.lang)), total, page, pageSize };
    },

    /** The failed rows with their original cells and what was wrong, as a workbook to fix and re-import. */
    async errorSheet(ctx: Ctx, id: number): Promise<{ fileName: string; body: Buffer }> {
      const job = await visibleJob(ctx, id);
      if (job.status !== 'done') throw new AppError('IMPORT_NOT_READY', { status: job.status });
      const finished = job.finishedAt?.getTime() ?? 0;
      if (s.clock.now().getTime() - finished > ERROR_SHEET_HOURS * 3600_000)
        throw new AppError('IMPORT_ERRORS_EXPIRED', { hours: ERROR_SHEET_HOURS });
      const errors = (job.errors ?? []) as RowError[];
      const byRow = new Map<number, RowError[]>();
      for (const e of errors) if (e.row > 0) byRow.set(e.row, [...(byRow.get(e.row) ?? []), e]);
      const rowNos = [...byRow.keys()].sort((a, b) => a - b);
      const staged = rowNos.length
        ? await s.db
            .selectFrom('importRows')
            .select(['rowNo', 'cellsEnc'])
            .where('importId', '=', id)
            .where('rowNo', 'in', rowNos)
            .orderBy('rowNo')
            .execute()
        : [];
      const headers = (job.columns as Column[]).map((c) => c.header);
      const body = await writeErrorSheet(
        headers,
        staged.map((r) => ({
          rowNo: r.rowNo,
          cells: JSON.parse(s.keyring.decrypt(r.cellsEnc)) as (string | null)[],
          errors: byRow.get(r.rowNo) ?? [],
        })),
        ctx.lang,
      );
      await s.db.transaction().execute(async (trx) =>
        writeAudit(
          trx,
          ctx.audit,
          {
            action: 'person.import.errors',
            entityType: 'import',
            entityId: id,
            detail: { rows: staged.length },
          },
          s.clock.now(),
        ),
      );
      return { fileName: job.fileName.replace(/\.(xlsx|csv)$/i, ''), body };
    },
  };
}
export type ImportService = ReturnType<typeof importService>;
