import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { safeCell, writeXlsx } from './xlsx.js';

async function* rowsOf<T>(items: T[]): AsyncIterable<T> {
  for (const i of items) yield i;
}

async function toBuffer(run: (out: PassThrough) => Promise<unknown>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((r) => out.on('end', r));
  await run(out);
  await ended;
  return Buffer.concat(chunks);
}

describe('safeCell', () => {
  it('quotes what a spreadsheet would take as a formula', () => {
    for (const v of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '\0x']) expect(safeCell(v)).toBe(`'${v}`);
    for (const v of ['张三', '1=1', '', "'=x"]) expect(safeCell(v)).toBe(v);
  });
});

describe('writeXlsx', () => {
  it('formula payloads come back as quoted text; the watermark is everywhere; IDs are text', async () => {
    const watermark = '导出人 张三 2026-11-21 14:03 仅限工作使用';
    let result: { rows: number } | null = null;
    const buf = await toBuffer(async (out) => {
      result = await writeXlsx(out, {
        sheetName: '实有人口',
        watermark,
        columns: [
          { header: '姓名', key: 'name' },
          { header: '身份证号', key: 'idNumber', width: 22 },
          { header: '年龄', key: 'age' },
          { header: '备注', key: 'note' },
        ],
        rows: rowsOf([
          { name: '=HYPERLINK("http://evil","点我")', idNumber: '11010519491231002X', age: 76, note: null },
          { name: '+1+cmd|calc', idNumber: '430681195603120110', age: 70, note: '@SUM(A1:A9)' },
          { name: '李四', idNumber: null, age: null, note: '-2' },
        ]),
      });
    });
    expect(result).toEqual({ rows: 3 });

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    expect(wb.creator).toBe(watermark);
    expect(wb.description).toBe(watermark);
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe('实有人口');
    expect(ws.getCell('A1').value).toBe(watermark);
    expect(ws.getCell('A1').font?.color?.argb).toBe('FF808080');
    expect(ws.model.merges).toContain('A1:D1');
    expect(ws.headerFooter.oddHeader).toContain(watermark);
    expect(ws.headerFooter.oddFooter).toContain(watermark);
    expect(ws.getRow(2).values).toEqual([undefined, '姓名', '身份证号', '年龄', '备注']);

    const a3 = ws.getCell('A3');
    expect(a3.value).toBe('\'=HYPERLINK("http://evil","点我")');
    expect(a3.type).toBe(ExcelJS.ValueType.String);
    expect(a3.formula).toBeUndefined();
    expect(ws.getCell('A4').value).toBe("'+1+cmd|calc");
    expect(ws.getCell('D4').value).toBe("'@SUM(A1:A9)");
    expect(ws.getCell('D5').value).toBe("'-2");
    expect(ws.getCell('B4').value).toBe('430681195603120110');
    expect(ws.getCell('B4').numFmt).toBe('@');
    expect(ws.getCell('C3').value).toBe(76);
    expect(ws.getCell('B5').value).toBeNull();
    expect(ws.rowCount).toBe(5);
  });
});
