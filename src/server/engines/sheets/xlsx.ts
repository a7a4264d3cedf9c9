import ExcelJS from 'exceljs';

/**
 * Streaming .xlsx exports (constant memory: each row is committed and forgotten). Every export
 * carries its watermark three times (a merged grey first row, the printed header and footer,
 * and the workbook properties), and every text cell goes through safeCell (STANDARDS.md
 * "Exports": formula injection).
 */

const pad = (n: number) => String(n).padStart(2, '0');
/** Local (UTC+8) date and minute for an export's watermark and file name. */
export function localStamp(now: Date) {
  const t = new Date(now.getTime() + 8 * 3600_000);
  const d = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
  return { date: d, time: `${d} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}` };
}

/** A cell that a spreadsheet could take as a formula gets a leading apostrophe. */
export function safeCell(v: string): string {
  return /^[=+\-@\t\r\n\0]/.test(v) ? `'${v}` : v;
}

export interface XlsxColumn {
  header: string;
  key: string;
  width?: number;
}

export interface WriteXlsxOptions {
  sheetName: string;
  columns: XlsxColumn[];
  rows: AsyncIterable<Record<string, string | number | null>>;
  /** e.g. "导出人 张三 2026-11-21 14:03 仅限工作使用" */
  watermark: string;
}

/** Columns holding identifiers: always text, never numbers (an ID number would lose digits). */
const ID_KEY = /(^id$|idnumber|idcard|idno|phone|mobile|^tel$|telephone|code$|certno|licen[cs]e)/i;
const ID_HEADER = /身份证|证件|号码|电话|手机|代码|编码|编号|证号/;

export function isIdColumn(c: XlsxColumn): boolean {
  return ID_KEY.test(c.key) || ID_HEADER.test(c.header);
}

/** Sheet names: at most 31 characters, none of : \ / ? * [ ]. */
function sheetNameOf(s: string): string {
  const n = s.replace(/[:\\/?*[\]]/g, ' ').trim() || 'Sheet1';
  return Array.from(n).slice(0, 31).join('');
}

/** Header/footer codes start with '&': a literal ampersand is '&&'. */
const hf = (s: string) => s.replace(/&/g, '&&');

export async function writeXlsx(
  out: NodeJS.WritableStream,
  opts: WriteXlsxOptions,
): Promise<{ rows: number }> {
  const { columns, watermark } = opts;
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out as unknown as import('node:stream').Stream,
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = watermark;
  wb.lastModifiedBy = watermark;
  wb.description = watermark;
  wb.title = opts.sheetName;
  wb.created = new Date();
  wb.modified = wb.created;

  const ws = wb.addWorksheet(sheetNameOf(opts.sheetName), {
    views: [{ state: 'frozen', ySplit: 2 }],
    headerFooter: {
      differentFirst: false,
      differentOddEven: false,
      oddHeader: `&C&"-,Regular"&8&K808080${hf(watermark)}`,
      oddFooter: `&L&8&K808080${hf(watermark)}&R&8第 &P 页 / 共 &N 页`,
    },
  });
  ws.columns = columns.map((c) => ({
    key: c.key,
    width: c.width ?? Math.min(40, Math.max(10, Array.from(c.header).length * 2 + 2)),
    ...(isIdColumn(c) ? { style: { numFmt: '@' } } : {}),
  }));
  const idCols = columns.map(isIdColumn);
  const width = Math.max(1, columns.length);

  // row 1: the watermark across the columns
  const mark = ws.getRow(1);
  mark.getCell(1).value = safeCell(watermark);
  mark.getCell(1).font = { color: { argb: 'FF808080' }, italic: true, size: 9 };
  mark.getCell(1).alignment = { horizontal: 'center', vertical: 'middle' };
  mark.height = 18;
  if (width > 1) ws.mergeCells(1, 1, 1, width);
  mark.commit();

  // row 2: the headers
  const head = ws.getRow(2);
  columns.forEach((c, i) => {
    const cell = head.getCell(i + 1);
    cell.value = safeCell(c.header);
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
  });
  head.commit();

  let n = 0;
  for await (const r of opts.rows) {
    const row = ws.getRow(n + 3);
    columns.forEach((c, i) => {
      const v = r[c.key];
      if (v === null || v === undefined) return;
      const cell = row.getCell(i + 1);
      if (idCols[i]) {
        cell.value = safeCell(String(v));
        cell.numFmt = '@';
      } else if (typeof v === 'number') {
        cell.value = Number.isFinite(v) ? v : String(v);
      } else {
        cell.value = safeCell(v);
      }
    });
    row.commit();
    n++;
  }
  ws.commit();
  await wb.commit();
  return { rows: n };
}
