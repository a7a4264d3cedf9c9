import { createReadStream } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import unzipper from 'unzipper';
import { matchHeader } from './headers.js';

/**
 * Reading a ledger (台账) file: .xlsx (first worksheet, streamed) or .csv (UTF-8 with or without
 * BOM, or GBK/GB18030). Finds the header row under title rows, turns every cell into the text a
 * user sees in Excel, and skips blank rows. Rows are streamed: nothing holds the whole sheet.
 */
export interface LedgerRow {
  /** 1-based sheet row (CSV: 1-based record) */
  rowNo: number;
  cells: (string | null)[];
}

export interface Ledger {
  /** 1-based sheet row of the header */
  headerRow: number;
  headers: string[];
  /**
   * The data rows below the header. The first call continues the pass that found the header;
   * a later call reads the file again from the start.
   */
  rows(): AsyncIterable<LedgerRow>;
}

export class LedgerError extends Error {
  constructor(
    readonly code: 'unsupported_format' | 'empty_file' | 'unreadable',
    readonly zh: string,
    readonly en: string,
  ) {
    super(zh);
    this.name = 'LedgerError';
  }
}

/** The header is searched in the first rows only. */
const HEADER_SCAN_ROWS = 15;

type Source = { path: string } | { buffer: Buffer };

export async function readLedger(file: Source, fileName: string): Promise<Ledger> {
  const ext = fileName.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? '';
  let open: () => AsyncIterator<LedgerRow> & { close(): void };
  if (ext === 'xlsx' || ext === 'xlsm') open = () => xlsxRows(file);
  else if (ext === 'csv' || ext === 'txt') {
    const encoding = await detectEncoding(file);
    open = () => csvRows(file, encoding);
  } else if (ext === 'xls' || ext === 'et' || ext === 'wps') {
    throw new LedgerError(
      'unsupported_format',
      '不支持旧版 .xls 文件，请在 Excel/WPS 中另存为 .xlsx 后再导入',
      'old .xls files are not supported: save the file as .xlsx and import it again',
    );
  } else {
    throw new LedgerError(
      'unsupported_format',
      '只支持 .xlsx 和 .csv 文件',
      'only .xlsx and .csv files can be imported',
    );
  }

  // Find the header: the first row (within the first rows) naming at least 2 known fields;
  // failing that, the first non-blank row (the user maps the columns in the preview).
  const it = open();
  const head: LedgerRow[] = [];
  let header: LedgerRow | null = null;
  try {
    while (head.length < HEADER_SCAN_ROWS) {
      const n = await it.next();
      if (n.done) break;
      head.push(n.value);
      if (n.value.cells.filter((c) => matchHeader(c) !== null).length >= 2) {
        header = n.value;
        break;
      }
    }
  } catch (e) {
    it.close();
    throw unreadable(e);
  }
  if (!header) {
    if (head.length === 0) {
      it.close();
      throw new LedgerError('empty_file', '文件中没有数据', 'the file has no data');
    }
    header = head[0]!;
  }
  const headerRow = header.rowNo;
  const headers = trimTrailing(header.cells).map((c) => c ?? '');
  const buffered = head.filter((r) => r.rowNo > headerRow);
  const width = headers.length;
  const shape = (r: LedgerRow): LedgerRow => {
    const cells =
      r.cells.length >= width ? r.cells : [...r.cells, ...Array(width - r.cells.length).fill(null)];
    return { rowNo: r.rowNo, cells };
  };

  let first: (AsyncIterator<LedgerRow> & { close(): void }) | null = it;
  let pending: LedgerRow[] | null = buffered;

  return {
    headerRow,
    headers,
    rows(): AsyncIterable<LedgerRow> {
      return {
        async *[Symbol.asyncIterator]() {
          let source: AsyncIterator<LedgerRow> & { close(): void };
          let before: LedgerRow[] = [];
          if (first) {
            source = first;
            before = pending ?? [];
            first = null;
            pending = null;
          } else {
            source = open();
          }
          try {
            for (const r of before) yield shape(r);
            while (true) {
              const n = await source.next();
              if (n.done) break;
              if (n.value.rowNo > headerRow) yield shape(n.value);
            }
          } finally {
            source.close();
          }
        },
      };
    },
  };
}

function unreadable(e: unknown): Error {
  if (e instanceof LedgerError) return e;
  const detail = e instanceof Error ? e.message : String(e);
  return new LedgerError(
    'unreadable',
    `文件无法读取，请确认是有效的 .xlsx 或 .csv 文件（${detail}）`,
    `the file cannot be read: is it a valid .xlsx or .csv file? (${detail})`,
  );
}

function trimTrailing(cells: (string | null)[]): (string | null)[] {
  let n = cells.length;
  while (n > 0 && (cells[n - 1] === null || cells[n - 1] === '')) n--;
  return cells.slice(0, n);
}

const isBlank = (cells: (string | null)[]) => cells.every((c) => c === null || c.trim() === '');

function sourceStream(file: Source): Readable {
  return 'path' in file ? createReadStream(file.path) : Readable.from([file.buffer]);
}

// —— xlsx ——

const pad2 = (n: number) => String(n).padStart(2, '0');

/** A Date from exceljs (UTC midnight of the sheet's date) → YYYY-MM-DD. */
function dateText(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const r = new Date(d.getTime() + 500); // absorb floating-point error of the serial
  return `${r.getUTCFullYear()}-${pad2(r.getUTCMonth() + 1)}-${pad2(r.getUTCDate())}`;
}

/**
 * A number as Excel shows it. Integers beyond 2^53 have lost digits (Excel keeps 15
 * significant digits): they come back in Excel's scientific form, e.g. 4.10105E+17, so the
 * normaliser can say so instead of storing a wrong ID number.
 */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) {
    if (Number.isSafeInteger(n)) return String(n);
    const [mant, exp] = n.toExponential(5).split('e');
    const m = mant!.replace(/\.?0+$/, '');
    const e = Number(exp);
    return `${m}E${e < 0 ? '-' : '+'}${pad2(Math.abs(e))}`;
  }
  return String(Number(n.toPrecision(15)));
}

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

function isDateFormat(fmt: unknown): boolean {
  if (typeof fmt !== 'string' || !fmt) return false;
  const f = fmt.replace(/"[^"]*"|\\.|\[[^\]]*\]/g, '');
  return /[ymd]/i.test(f) && !/^[#0.,%\s]*$/.test(f);
}

type CellLike = { value: unknown; numFmt?: string; text?: unknown };

function valueText(v: unknown, numFmt: string | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (isDateFormat(numFmt) && v > 0 && v < 2958466) return dateText(new Date(EXCEL_EPOCH + v * 86400000));
    return numberText(v);
  }
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return dateText(v);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText))
      return (o.richText as { text?: string }[]).map((r) => r.text ?? '').join('');
    if ('formula' in o || 'sharedFormula' in o) return valueText(o.result, numFmt);
    if ('error' in o) return String(o.error);
    if ('text' in o) return valueText(o.text, numFmt);
    if ('sharedString' in o) return null;
  }
  return String(v);
}

function cellText(cell: CellLike): string | null {
  const t = valueText(cell.value, cell.numFmt);
  if (t === null && cell.text !== undefined && cell.text !== null) return valueText(cell.text, cell.numFmt);
  return t === '' ? null : t;
}

type ExcelRow = {
  number: number;
  eachCell(opts: { includeEmpty: boolean }, cb: (cell: CellLike, col: number) => void): void;
};

/**
 * ExcelJS's streaming reader walks the zip front to back with unzipper's `Parse`, which now and
 * then loses an entry (about one file in 150 in our fixtures lost `xl/workbook.xml` and failed
 * with "reading 'sheets'"). A ledger must never be misread, so this reader takes the parts from
 * the zip's central directory instead, in the order the sheet needs them: relationships,
 * workbook, shared strings, styles, then the first worksheet in tab order, streamed.
 */
type ZipEntry = { path: string; stream(): Readable };
type ReaderInternals = {
  model?: { sheets?: { rId: string }[] };
  workbookRels?: { Id: string; Target: string }[];
  sharedStrings?: unknown[];
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(entry: Readable, sheetNo: string): Generator<{ eventType: string; value: unknown }>;
};

function sheetPath(target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = ['xl'];
  for (const seg of target.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg && seg !== '.') parts.push(seg);
  }
  return parts.join('/');
}

function xlsxRows(file: Source): AsyncIterator<LedgerRow> & { close(): void } {
  const open = (): Promise<{ files: ZipEntry[] }> =>
    'path' in file ? unzipper.Open.file(file.path) : unzipper.Open.buffer(file.buffer);
  const streams: Readable[] = [];
  const take = (e: ZipEntry) => {
    const st = e.stream();
    streams.push(st);
    return st;
  };
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([]), {
    entries: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
  });
  const r = reader as unknown as ReaderInternals;
  async function* sheet(): AsyncGenerator<ExcelRow> {
    const { files } = await open();
    const parts = new Map(files.map((f) => [f.path.replace(/^\//, ''), f]));
    const part = (p: string) => parts.get(p);
    const rels = part('xl/_rels/workbook.xml.rels');
    const book = part('xl/workbook.xml');
    if (!rels || !book) throw new Error('not a workbook: no xl/workbook.xml');
    await r._parseRels(take(rels));
    await r._parseWorkbook(take(book));
    const strings = part('xl/sharedStrings.xml');
    if (strings) for await (const _ of r._parseSharedStrings(take(strings))) void _;
    r.sharedStrings ??= [];
    const styles = part('xl/styles.xml');
    if (styles) await r._parseStyles(take(styles));
    const first = r.model?.sheets?.[0];
    const rel = first && r.workbookRels?.find((x) => x.Id === first.rId);
    const entry = rel && part(sheetPath(rel.Target));
    if (!rel || !entry) throw new Error('the workbook has no worksheet');
    const sheetNo = rel.Target.match(/sheet(\d+)\.xml$/i)?.[1] ?? '1';
    for (const ev of r._parseWorksheet(take(entry), sheetNo)) {
      if (ev.eventType === 'worksheet') yield* ev.value as AsyncIterable<ExcelRow>;
    }
  }
  async function* gen(): AsyncGenerator<LedgerRow> {
    for await (const row of sheet()) {
      const cells: (string | null)[] = [];
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        while (cells.length < col - 1) cells.push(null);
        cells[col - 1] = cellText(cell);
      });
      if (!isBlank(cells)) yield { rowNo: row.number, cells };
    }
  }
  const g = gen();
  let closed = false;
  return {
    next: () => g.next(),
    close() {
      if (closed) return;
      closed = true;
      void g.return(undefined).catch(() => {});
      for (const st of streams) st.destroy();
    },
  };
}

// —— csv ——

type Encoding = 'utf-8' | 'gb18030';

/** UTF-8 when every byte sequence is valid UTF-8 (one streamed pass), else GB18030 (a GBK superset). */
async function detectEncoding(file: Source): Promise<Encoding> {
  const dec = new TextDecoder('utf-8', { fatal: true });
  try {
    if ('buffer' in file) {
      dec.decode(file.buffer);
      return 'utf-8';
    }
    const fh = await openFile(file.path, 'r');
    try {
      const buf = Buffer.alloc(1 << 20);
      while (true) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, null);
        if (bytesRead === 0) break;
        dec.decode(buf.subarray(0, bytesRead), { stream: true });
      }
      dec.decode();
    } finally {
      await fh.close();
    }
    return 'utf-8';
  } catch (e) {
    if (e instanceof TypeError) return 'gb18030';
    throw e;
  }
}

function csvRows(file: Source, encoding: Encoding): AsyncIterator<LedgerRow> & { close(): void } {
  const stream = sourceStream(file);
  async function* decode(): AsyncGenerator<string> {
    const dec = new TextDecoder(encoding); // drops a leading BOM
    for await (const chunk of stream) {
      const s = dec.decode(chunk as Buffer, { stream: true });
      if (s) yield s;
    }
    const rest = dec.decode();
    if (rest) yield rest;
  }
  async function* gen(): AsyncGenerator<LedgerRow> {
    const text = decode();
    // the delimiter: a comma, or a tab when the first line has tabs and no commas
    let head = '';
    while (!head.includes('\n') && head.length < 65536) {
      const n = await text.next();
      if (n.done) break;
      head += n.value;
    }
    const firstLine = head.split('\n', 1)[0] ?? '';
    const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
    async function* all(): AsyncGenerator<string> {
      if (head) yield head;
      yield* text;
    }
    const parser = parse({
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      bom: true,
    });
    pipeline(Readable.from(all()), parser, () => {}); // an error in the source ends the parser with it
    let rowNo = 0;
    for await (const record of parser as AsyncIterable<string[]>) {
      rowNo++;
      const cells = record.map((c) => (c === '' ? null : c));
      if (!isBlank(cells)) yield { rowNo, cells };
    }
  }
  const g = gen();
  let closed = false;
  return {
    next: () => g.next(),
    close() {
      if (closed) return;
      closed = true;
      void g.return(undefined).catch(() => {});
      stream.destroy();
    },
  };
}
