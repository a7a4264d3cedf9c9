import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { inLanguage, type RowError } from './read.js';

/**
 * The rows that failed, as an .xlsx the user fixes and imports again: the original columns
 * (header in row 1, so the importer finds it), then 原行号 and 错误原因 (Row, What is wrong in English). The original columns
 * are text cells (numFmt '@'), so an ID number keeps its 18 digits when edited and re-imported.
 * Values are written back exactly as read (no export quoting), so a fixed row re-imports as is.
 */
export async function writeErrorSheet(
  headers: string[],
  rows: { rowNo: number; cells: (string | null)[]; errors: RowError[] }[],
  lang: 'zh' | 'en' = 'zh',
): Promise<Buffer> {
  const zh = lang === 'zh';
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
  const ws = wb.addWorksheet(zh ? '导入失败的行' : 'Rows not imported', {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  const n = headers.length;
  ws.columns = [
    ...headers.map((h, i) => ({
      key: `c${i}`,
      width: Math.min(40, Math.max(10, Array.from(h).length * 2 + 4)),
      style: { numFmt: '@' },
    })),
    { key: 'rowNo', width: 8 },
    { key: 'reason', width: 60 },
  ];

  const head = ws.addRow([...headers, zh ? '原行号' : 'Row', zh ? '错误原因' : 'What is wrong']);
  head.font = { bold: true };
  head.eachCell((c) => {
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
  });
  head.commit();

  for (const r of rows) {
    const cells: (string | number | null)[] = [];
    for (let i = 0; i < n; i++) cells.push(r.cells[i] ?? null);
    // In the reader's language (each error keeps both), whatever language the file was imported in.
    const reason = inLanguage(r.errors, lang)
      .map((e) => (e.column ? `${e.column}${zh ? '：' : ': '}${e.message}` : e.message))
      .join(zh ? '；' : '; ');
    const row = ws.addRow([...cells, r.rowNo, reason]);
    for (let i = 1; i <= n; i++) row.getCell(i).numFmt = '@';
    const rc = row.getCell(n + 2);
    rc.font = { color: { argb: 'FFC00000' } };
    rc.alignment = { wrapText: true, vertical: 'top' };
    row.commit();
  }
  ws.commit();
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}
