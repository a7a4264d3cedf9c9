import { createReadStream } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pipeline, Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import type { HeaderTable } from './headers.js';
import { ZipLimitError, type ZipLimits, ZipReader } from './zip.js';

/**
 * Reading a ledger (台账) file: .xlsx (first worksheet, streamed) or .csv (UTF-8 with or without
 * BOM, or GBK/GB18030). Finds the header row under title rows (by the caller's header synonyms,
 * `headerTable`), turns every cell into the text a user sees in Excel, and skips blank rows. Rows
 * are streamed: nothing holds the whole sheet.
 */
export interface LedgerRow {
  /** 1-based sheet row (CSV: 1-based record) */
  rowNo: number;
  cells: (string | null)[];
}

/**
 * What is wrong with one row, as the module reading it says: `row` is the sheet row, `column` the
 * title the ledger gives the column ('' for the row as a whole). The error sheet shows them.
 */
export interface RowError {
  row: number;
  column: string;
  message: string;
  /**
   * The message in both languages (kept with the job): the job, its rows and its error sheet are
   * shown in the language of whoever reads them, not in the one the file was uploaded in.
   */
  zh?: string;
  en?: string;
}

/** A row's error in both languages; `message` in the importing request's. */
export function rowError(row: number, column: string, zh: string, en: string, lang: 'zh' | 'en'): RowError {
  return { row, column, message: lang === 'zh' ? zh : en, zh, en };
}

/** A job's errors or warnings as the reader's language shows them (older jobs: as recorded). */
export function inLanguage(errors: readonly RowError[], lang: 'zh' | 'en'): RowError[] {
  return errors.map((e) => ({ row: e.row, column: e.column, message: e[lang] ?? e.message }));
}

export interface Ledger {
  /** 1-based sheet row of the header */
  headerRow: number;
  headers: string[];
  /**
   * Rows left out as totals ("合计：7人", "小计", "总计 12 户" …: `isTotalRow`), by sheet row,
   * filled as `rows()` reads them: the importer reports them, never imports them.
   */
  skippedTotals: number[];
  /**
   * The data rows below the header. The first call continues the pass that found the header;
   * a later call reads the file again from the start.
   */
  rows(): AsyncIterable<LedgerRow>;
}

export class LedgerError extends Error {
  constructor(
    readonly code: 'unsupported_format' | 'empty_file' | 'unreadable' | 'too_large',
    readonly zh: string,
    readonly en: string,
  ) {
    super(zh);
    this.name = 'LedgerError';
  }
}

/**
 * A total row of a ledger: its first filled cell says 合计/小计/总计/共计/总数/累计 (or Total,
 * Subtotal), alone or followed by a colon, a number or a unit — "合计：7人", "小计 3户",
 * "本页合计", "总计". Real ledgers end each page or household group with one; imported, it became
 * a person named "合计：7人".
 */
const TOTAL_WORD =
  /^(?:本页|本户|全户|本组|本栋|本楼|以上)?(?:合计|小计|总计|共计|总数|累计|汇总|total|subtotal|grandtotal|sum)(?:$|[:：\s(（\d共计为=])/i;
export function isTotalRow(cells: (string | null)[]): boolean {
  const first = cells.find((c) => c !== null && c.trim() !== '');
  if (first === undefined || first === null) return false;
  const t = first
    .replace(/[\s\u3000]+/g, '')
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  return TOTAL_WORD.test(t) || /^共\d+(?:人|户|条|家|个|间|套|件|起)$/.test(t);
}

/** The header is searched in the first rows only. */
const HEADER_SCAN_ROWS = 15;

type Source = { path: string } | { buffer: Buffer };

/**
 * What an .xlsx may unpack to (issue 14). Every limit is checked while reading, so a refusal
 * costs at most the bytes up to it; the archive's declared sizes are checked before inflating.
 * A real ledger of IMPORT_MAX_ROWS rows stays well inside: its worksheet is ~100–200 MB unpacked
 * at a ratio of 5–30, its shared strings a few hundred thousand short texts.
 */
export interface LedgerLimits extends ZipLimits {
  /** Shared strings (distinct texts of the workbook). */
  maxSharedStrings: number;
  /** One text: a shared string or a cell's (Excel's own limit is 32,767 characters). */
  maxStringChars: number;
  /** All shared strings together. */
  maxSharedStringChars: number;
  /** The text of one row, shared strings counted each time a cell uses them. */
  maxRowChars: number;
  /** The text of all rows of the sheet (what staging would store). */
  maxSheetChars: number;
}

const MiB = 1024 * 1024;
export const LEDGER_LIMITS: LedgerLimits = {
  maxEntries: 10_000,
  maxEntryBytes: 256 * MiB,
  maxMetaBytes: 32 * MiB,
  maxTotalBytes: 512 * MiB,
  maxRatio: 200,
  ratioGraceBytes: MiB,
  maxTokenBytes: MiB,
  maxSharedStrings: 2_000_000,
  maxStringChars: 32_767,
  maxSharedStringChars: 64 * MiB,
  maxRowChars: 1_000_000,
  maxSheetChars: 256 * MiB,
};

/**
 * Opens a ledger. `headers` recognises the caller's column titles (its `headerTable`): the header
 * is the first row, within the first rows, naming at least 2 of its fields.
 */
export async function readLedger(
  file: Source,
  fileName: string,
  headers: Pick<HeaderTable<string>, 'match'>,
  limits: Partial<LedgerLimits> = {},
): Promise<Ledger> {
  const lim: LedgerLimits = { ...LEDGER_LIMITS, ...limits };
  const ext = fileName.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? '';
  let open: () => AsyncIterator<LedgerRow> & { close(): void };
  if (ext === 'xlsx' || ext === 'xlsm') open = () => xlsxRows(file, lim);
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
      if (n.value.cells.filter((c) => headers.match(c) !== null).length >= 2) {
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
  const titles = trimTrailing(header.cells).map((c) => c ?? '');
  const buffered = head.filter((r) => r.rowNo > headerRow);
  const width = titles.length;
  const shape = (r: LedgerRow): LedgerRow => {
    const cells =
      r.cells.length >= width ? r.cells : [...r.cells, ...Array(width - r.cells.length).fill(null)];
    return { rowNo: r.rowNo, cells };
  };

  let first: (AsyncIterator<LedgerRow> & { close(): void }) | null = it;
  let pending: LedgerRow[] | null = buffered;
  const skippedTotals: number[] = [];
  const counted = new Set<number>();
  /** A data row, or null for a total row (recorded once, however often the rows are read). */
  const keep = (r: LedgerRow): LedgerRow | null => {
    if (!isTotalRow(r.cells)) return shape(r);
    if (!counted.has(r.rowNo)) {
      counted.add(r.rowNo);
      skippedTotals.push(r.rowNo);
    }
    return null;
  };

  return {
    headerRow,
    headers: titles,
    skippedTotals,
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
            for (const r of before) {
              const k = keep(r);
              if (k) yield k;
            }
            while (true) {
              let n: IteratorResult<LedgerRow>;
              try {
                n = await source.next();
              } catch (e) {
                throw unreadable(e);
              }
              if (n.done) break;
              if (n.value.rowNo > headerRow) {
                const k = keep(n.value);
                if (k) yield k;
              }
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
  if (e instanceof ZipLimitError) return new LedgerError('too_large', e.zh, e.en);
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

function valueText(v: unknown, numFmt: string | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (isDateFormat(numFmt) && v > 0 && v < 2958466) return dateText(new Date(EXCEL_EPOCH + v * 86400000));
    return numberText(v);
  }
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return dateText(v);
  return String(v);
}

/**
 * The parts of the workbook are taken from the zip's central directory (zip.ts: counted and
 * bounded), in the order the sheet needs them: relationships, workbook, shared strings, styles,
 * then the first worksheet in tab order, streamed. (ExcelJS's own streaming reader walks the zip
 * front to back with unzipper's `Parse`, which now and then lost `xl/workbook.xml`.)
 *
 * The shared strings and the worksheet — where a file's volume is — are parsed here, on ExcelJS's
 * SAX events, so that nothing grows without a bound: the count and length of shared strings, the
 * text of a cell, of a row and of the sheet are limited (`LedgerLimits`), and columns stop at
 * Excel's last (XFD). ExcelJS still reads the small parts (relationships, workbook, styles).
 */
type SaxNode = { name: string; attributes: Record<string, string> };
type SaxEvent =
  | { eventType: 'opentag'; value: SaxNode }
  | { eventType: 'closetag'; value: SaxNode }
  | { eventType: 'text'; value: string };
const requireCjs = createRequire(import.meta.url);
const parseSax = requireCjs('exceljs/lib/utils/parse-sax.js') as (
  stream: AsyncIterable<unknown>,
) => AsyncGenerator<SaxEvent[]>;
const excelUtils = requireCjs('exceljs/lib/utils/utils.js') as {
  isDateFmt(fmt: string | undefined): boolean;
  excelToDate(v: number, date1904?: boolean): Date;
};

type ReaderInternals = {
  model?: { sheets?: { rId: string }[] };
  workbookRels?: { Id: string; Target: string }[];
  properties?: { model?: { date1904?: boolean } };
  styles?: { getStyleModel(id: number): { numFmt?: unknown } | null | undefined };
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseStyles(entry: Readable): Promise<void>;
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

/** An element's name without its namespace prefix (`x:row` → `row`). */
const local = (name: string) => {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
};

const limitError = (zh: string, en: string) => new LedgerError('too_large', zh, en);

/** The shared strings: the text of each `<si>` (its `<t>` runs; phonetic runs left out). */
async function sharedStrings(stream: Readable, lim: LedgerLimits): Promise<string[]> {
  const out: string[] = [];
  let total = 0;
  let cur: string | null = null;
  let inText = false;
  let phonetic = 0;
  for await (const events of parseSax(stream)) {
    for (const ev of events) {
      if (ev.eventType === 'text') {
        if (cur !== null && inText && !phonetic) {
          cur += ev.value;
          if (cur.length > lim.maxStringChars)
            throw limitError(
              `共享字符串中有一段文字超过 ${lim.maxStringChars} 个字符`,
              `a shared string is longer than ${lim.maxStringChars} characters`,
            );
        }
        continue;
      }
      const name = local(ev.value.name);
      if (ev.eventType === 'opentag') {
        if (name === 'si') cur = '';
        else if (name === 't') inText = true;
        else if (name === 'rPh') phonetic++;
      } else if (name === 't') inText = false;
      else if (name === 'rPh') phonetic = Math.max(0, phonetic - 1);
      else if (name === 'si' && cur !== null) {
        out.push(cur);
        total += cur.length;
        if (out.length > lim.maxSharedStrings)
          throw limitError(
            `共享字符串超过 ${lim.maxSharedStrings} 个`,
            `more than ${lim.maxSharedStrings} shared strings`,
          );
        if (total > lim.maxSharedStringChars)
          throw limitError(
            `共享字符串合计超过 ${lim.maxSharedStringChars} 个字符`,
            `the shared strings hold more than ${lim.maxSharedStringChars} characters in all`,
          );
        cur = null;
      }
    }
  }
  return out;
}

/** Column number of a cell reference (`AB12` → 28), up to Excel's last column XFD (16384). */
function columnOf(ref: string): number {
  const m = /^\$?([A-Za-z]{1,3})\$?\d*$/.exec(ref);
  let n = 0;
  if (m) for (const ch of m[1]!.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  if (!m || n > 16384) throw new Error(`bad cell reference ${ref.slice(0, 20)}`);
  return n;
}

interface RawCell {
  col: number;
  style: number;
  type: string;
  formula: boolean;
  text: string | null;
}

/** A cell as Excel shows it (its cached result for a formula). */
function rawCellText(
  c: RawCell,
  strings: string[],
  fmtOf: (style: number) => string | undefined,
  date1904: boolean,
): string | null {
  const t = c.text;
  const fmt = fmtOf(c.style);
  let v: unknown = null;
  if (t === null) v = null;
  else if (c.type === 'b') v = Number.parseInt(t, 10) !== 0;
  else if (c.type === 'e' || c.type === 'str' || c.type === 'inlineStr') v = t;
  else if (c.type === 'd') v = /^\d{4}-\d{2}-\d{2}/.exec(t)?.[0] ?? t;
  else if (c.type === 's' && !c.formula) v = strings[Number.parseInt(t, 10)] ?? null;
  else {
    const n = Number.parseFloat(t);
    v = !c.formula && excelUtils.isDateFmt(fmt) ? excelUtils.excelToDate(n, date1904) : n;
  }
  const text = valueText(v, fmt);
  return text === '' ? null : text;
}

/** The rows of a worksheet part, streamed; blank rows left out. */
async function* sheetRows(
  stream: Readable,
  strings: string[],
  fmtOf: (style: number) => string | undefined,
  date1904: boolean,
  lim: LedgerLimits,
): AsyncGenerator<LedgerRow> {
  let inData = false;
  let row: { no: number; cells: (string | null)[]; chars: number } | null = null;
  let lastRow = 0;
  let lastCol = 0;
  let c: RawCell | null = null;
  let inValue = false;
  let inInline = false;
  let phonetic = 0;
  let sheetChars = 0;
  for await (const events of parseSax(stream)) {
    const ready: LedgerRow[] = [];
    for (const ev of events) {
      if (ev.eventType === 'text') {
        if (c && inValue && !phonetic) {
          c.text = (c.text ?? '') + ev.value;
          if (c.text.length > lim.maxStringChars)
            throw limitError(
              `有单元格的内容超过 ${lim.maxStringChars} 个字符`,
              `a cell holds more than ${lim.maxStringChars} characters`,
            );
        }
        continue;
      }
      const name = local(ev.value.name);
      if (ev.eventType === 'opentag') {
        const a = ev.value.attributes;
        switch (name) {
          case 'sheetData':
            inData = true;
            break;
          case 'row':
            if (inData) {
              const no = a.r ? Number.parseInt(a.r, 10) : lastRow + 1;
              if (!Number.isSafeInteger(no) || no < 1)
                throw new Error(`bad row number ${String(a.r).slice(0, 20)}`);
              row = { no, cells: [], chars: 0 };
              lastRow = no;
              lastCol = 0;
            }
            break;
          case 'c':
            if (row) {
              const col = a.r ? columnOf(a.r) : lastCol + 1;
              if (col > 16384) throw new Error('a cell beyond column XFD');
              lastCol = col;
              c = {
                col,
                style: Number.parseInt(a.s ?? '0', 10) || 0,
                type: a.t ?? 'n',
                formula: false,
                text: null,
              };
            }
            break;
          case 'f':
            if (c) c.formula = true;
            break;
          case 'v':
            if (c) {
              inValue = true;
              c.text ??= '';
            }
            break;
          case 'is':
            inInline = true;
            break;
          case 't':
            if (c && inInline) {
              inValue = true;
              c.text ??= '';
            }
            break;
          case 'rPh':
            phonetic++;
            break;
        }
        continue;
      }
      switch (name) {
        case 'v':
        case 't':
          inValue = false;
          break;
        case 'is':
          inInline = false;
          break;
        case 'rPh':
          phonetic = Math.max(0, phonetic - 1);
          break;
        case 'c':
          if (row && c) {
            const text = rawCellText(c, strings, fmtOf, date1904);
            if (text !== null) {
              while (row.cells.length < c.col - 1) row.cells.push(null);
              row.cells[c.col - 1] = text;
              row.chars += text.length;
              sheetChars += text.length;
              if (row.chars > lim.maxRowChars)
                throw limitError(
                  `第 ${row.no} 行的内容超过 ${lim.maxRowChars} 个字符`,
                  `row ${row.no} holds more than ${lim.maxRowChars} characters`,
                );
              if (sheetChars > lim.maxSheetChars)
                throw limitError(
                  `工作表的内容合计超过 ${lim.maxSheetChars} 个字符`,
                  `the sheet holds more than ${lim.maxSheetChars} characters in all`,
                );
            }
          }
          c = null;
          break;
        case 'row':
          if (row && !isBlank(row.cells)) ready.push({ rowNo: row.no, cells: row.cells });
          row = null;
          break;
        case 'sheetData':
          inData = false;
          break;
      }
    }
    yield* ready;
  }
}

function xlsxRows(file: Source, lim: LedgerLimits): AsyncIterator<LedgerRow> & { close(): void } {
  let zip: ZipReader | null = null;
  let closed = false;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([]), {
    entries: 'emit',
    sharedStrings: 'ignore',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'ignore',
  });
  const r = reader as unknown as ReaderInternals;
  async function* gen(): AsyncGenerator<LedgerRow> {
    const z = await ZipReader.open(file, lim);
    zip = z;
    if (closed) z.close();
    const part = (p: string) => z.parts.get(p);
    const rels = part('xl/_rels/workbook.xml.rels');
    const book = part('xl/workbook.xml');
    if (!rels || !book) throw new Error('not a workbook: no xl/workbook.xml');
    await r._parseRels(await z.stream(rels, true));
    await r._parseWorkbook(await z.stream(book, true));
    const stringsPart = part('xl/sharedStrings.xml');
    const strings = stringsPart ? await sharedStrings(await z.stream(stringsPart), lim) : [];
    const styles = part('xl/styles.xml');
    if (styles) await r._parseStyles(await z.stream(styles, true));
    const first = r.model?.sheets?.[0];
    const rel = first && r.workbookRels?.find((x) => x.Id === first.rId);
    const entry = rel && part(sheetPath(rel.Target));
    if (!rel || !entry) throw new Error('the workbook has no worksheet');
    const fmtOf = (style: number) => {
      if (!style) return undefined;
      const f = r.styles?.getStyleModel(style)?.numFmt;
      return typeof f === 'string' ? f : undefined;
    };
    yield* sheetRows(await z.stream(entry), strings, fmtOf, r.properties?.model?.date1904 === true, lim);
  }
  const g = gen();
  return {
    next: () => g.next(),
    close() {
      if (closed) return;
      closed = true;
      void g.return(undefined).catch(() => {});
      (zip as ZipReader | null)?.close();
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
