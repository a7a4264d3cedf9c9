import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  deflateRepeated,
  HEADER_ROW,
  SHEET_HEAD,
  SHEET_TAIL,
  SST_HEAD,
  SST_TAIL,
  workbookParts,
  zip,
} from '../../../../test/helpers/zip.js';
import { headerTable } from './headers.js';
import { isTotalRow, LedgerError, type LedgerRow, numberText, readLedger } from './read.js';

/** The column titles these ledgers use (a module declares its own: the registry's HEADER_SYNONYMS). */
const HEADERS = headerTable({
  name: ['姓名'],
  idNumber: ['身份证号', '证件号码'],
  birthDate: ['出生日期'],
  phone: ['电话'],
  address: ['地址'],
});

const dir = mkdtempSync(path.join(tmpdir(), 'jy-ledger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(rows: AsyncIterable<LedgerRow>): Promise<LedgerRow[]> {
  const out: LedgerRow[] = [];
  for await (const r of rows) out.push(r);
  return out;
}

async function xlsx(build: (ws: ExcelJS.Worksheet, wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb.addWorksheet('Sheet1'), wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('numberText', () => {
  it('shows numbers as Excel does; lost precision in scientific form', () => {
    expect(numberText(13812345678)).toBe('13812345678');
    expect(numberText(430681560312013)).toBe('430681560312013');
    expect(numberText(9007199254740991)).toBe('9007199254740991');
    expect(numberText(Number('410105199001011234'))).toBe('4.10105E+17');
    expect(numberText(Number('430602199001011200'))).toBe('4.30602E+17');
    expect(numberText(1e20)).toBe('1E+20');
    expect(numberText(0.1 + 0.2)).toBe('0.3');
    expect(numberText(-5)).toBe('-5');
  });
});

describe('readLedger: xlsx', () => {
  it('finds the header below title rows, converts every kind of cell, skips blank rows', async () => {
    const buf = await xlsx((ws) => {
      ws.getCell('A1').value = '某社区台账';
      ws.mergeCells('A1:F1');
      ws.getRow(3).values = ['姓名', '身份证号', '出生日期', '电话', '备注', '序号'];
      ws.getRow(4).values = [
        { richText: [{ text: '张' }, { text: '三' }] },
        Number('410105199001011234'),
        new Date(Date.UTC(1990, 0, 1)),
        13812345678,
        true,
        { formula: 'ROW()', result: 4 },
      ];
      ws.getCell('C4').numFmt = 'yyyy"年"m"月"d"日"';
      ws.getRow(6).values = [null, null, '   '];
      ws.getRow(7).values = [
        '李四',
        '430681560312013',
        20526.0,
        null,
        { formula: 'A7&"x"', result: '李四x' },
      ];
      ws.getCell('C7').numFmt = 'yyyy-mm-dd';
    });
    const ledger = await readLedger({ buffer: buf }, 'a.XLSX', HEADERS);
    expect(ledger.headerRow).toBe(3);
    expect(ledger.headers).toEqual(['姓名', '身份证号', '出生日期', '电话', '备注', '序号']);
    const rows = await collect(ledger.rows());
    expect(rows).toEqual([
      { rowNo: 4, cells: ['张三', '4.10105E+17', '1990-01-01', '13812345678', 'TRUE', '4'] },
      { rowNo: 7, cells: ['李四', '430681560312013', '1956-03-12', null, '李四x', null] },
    ]);
  });

  it('reads from a path, and rows() can be read twice', async () => {
    const buf = await xlsx((ws) => {
      ws.addRow(['姓名', '证件号码']);
      for (let i = 0; i < 50; i++) ws.addRow([`人${i}`, String(i)]);
    });
    const file = path.join(dir, 'b.xlsx');
    writeFileSync(file, buf);
    const ledger = await readLedger({ path: file }, 'b.xlsx', HEADERS);
    const a = await collect(ledger.rows());
    const b = await collect(ledger.rows());
    expect(a.length).toBe(50);
    expect(b).toEqual(a);
    expect(a[0]).toEqual({ rowNo: 2, cells: ['人0', '0'] });
    // stopping early is fine
    for await (const _ of ledger.rows()) break;
  });

  it('only the first worksheet; no known header → the first non-blank row', async () => {
    const buf = await xlsx((ws, wb) => {
      ws.getRow(2).values = ['甲', '乙'];
      ws.getRow(3).values = ['1', '2'];
      wb.addWorksheet('second').addRow(['姓名', '身份证号']);
    });
    const ledger = await readLedger({ buffer: buf }, 'c.xlsx', HEADERS);
    expect(ledger.headerRow).toBe(2);
    expect(ledger.headers).toEqual(['甲', '乙']);
    expect(await collect(ledger.rows())).toEqual([{ rowNo: 3, cells: ['1', '2'] }]);
  });

  it('refuses other formats and empty or broken files', async () => {
    await expect(readLedger({ buffer: Buffer.from('x') }, 'a.xls', HEADERS)).rejects.toBeInstanceOf(
      LedgerError,
    );
    await expect(readLedger({ buffer: Buffer.from('x') }, 'a.pdf', HEADERS)).rejects.toMatchObject({
      code: 'unsupported_format',
    });
    await expect(readLedger({ buffer: Buffer.from('not a zip') }, 'a.xlsx', HEADERS)).rejects.toMatchObject({
      code: 'unreadable',
    });
    await expect(readLedger({ buffer: Buffer.from('\n\n,,\n') }, 'a.csv', HEADERS)).rejects.toMatchObject({
      code: 'empty_file',
    });
  });
});

describe('readLedger: hostile archives (issue 14: an 11 MB .xlsx unpacked to ~5 GB and killed the server)', () => {
  const tooLarge = { code: 'too_large' };
  const ROW = '<row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c></row>';
  const read = async (buf: Buffer, limits?: Parameters<typeof readLedger>[3]) => {
    const ledger = await readLedger({ buffer: buf }, 'x.xlsx', HEADERS, limits);
    let n = 0;
    for await (const _ of ledger.rows()) n++;
    return n;
  };
  /** Rows that do not repeat (a ratio of a real sheet, about 10:1). */
  const varied = (bytes: number) => {
    let out = '';
    for (let i = 2; out.length < bytes; i++)
      out += `<row r="${i}"><c r="A${i}" t="inlineStr"><is><t>人${(i * 7919) % 100003}</t></is></c><c r="B${i}"><v>${(i * 104729) % 1000003}</v></c></row>`;
    return SHEET_HEAD + HEADER_ROW + out + SHEET_TAIL;
  };

  it('a small workbook reads with the limits in force', async () => {
    expect(await read(zip(workbookParts({ name: '', data: varied(200_000) })))).toBeGreaterThan(1000);
  });

  it('refuses a part whose declared sizes make it a bomb (64 MiB from ~230 KB), before inflating it', async () => {
    const sheet = await deflateRepeated(ROW, 64 << 20, SHEET_HEAD + HEADER_ROW, SHEET_TAIL);
    const buf = zip(workbookParts({ name: '', deflated: sheet }));
    expect(buf.length).toBeLessThan(300_000);
    await expect(read(buf)).rejects.toMatchObject(tooLarge);
  });

  it('counts while inflating: a part that declares less than it holds is refused past what it declared', async () => {
    const sheet = await deflateRepeated(ROW, 64 << 20, SHEET_HEAD + HEADER_ROW, SHEET_TAIL);
    const buf = zip(workbookParts({ name: '', deflated: sheet, declare: { size: sheet.bytes.length * 2 } }));
    const heap = process.memoryUsage().heapUsed;
    await expect(read(buf)).rejects.toMatchObject(tooLarge);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(64 << 20);
    // and in the shared strings
    const sst = await deflateRepeated('<si><t>甲</t></si>', 64 << 20, SST_HEAD, SST_TAIL);
    const buf2 = zip(
      workbookParts(
        { name: '', data: SHEET_HEAD + HEADER_ROW + SHEET_TAIL },
        { name: '', deflated: sst, declare: { size: 4096 } },
      ),
    );
    await expect(read(buf2)).rejects.toMatchObject(tooLarge);
  });

  it('refuses a part, and all parts together, over the unpacked limits', async () => {
    const big = zip(workbookParts({ name: '', data: varied(600_000) }));
    await expect(read(big, { maxEntryBytes: 500_000 })).rejects.toMatchObject(tooLarge);
    expect(await read(big, { maxEntryBytes: 700_000 })).toBeGreaterThan(1000);
    const strings = `${SST_HEAD}${Array.from({ length: 20_000 }, (_, i) => `<si><t>串${i}</t></si>`).join('')}${SST_TAIL}`;
    const both = zip(workbookParts({ name: '', data: varied(400_000) }, { name: '', data: strings }));
    await expect(read(both, { maxTotalBytes: 600_000 })).rejects.toMatchObject(tooLarge);
    expect(await read(both, { maxTotalBytes: 1_000_000 })).toBeGreaterThan(1000);
  });

  it('bounds the shared strings: their count, each one, all together, and any one XML token', async () => {
    const sst = (items: string[]) =>
      workbookParts(
        { name: '', data: SHEET_HEAD + HEADER_ROW + SHEET_TAIL },
        { name: '', data: SST_HEAD + items.join('') + SST_TAIL },
      );
    const many = zip(sst(Array.from({ length: 1001 }, (_, i) => `<si><t>${i}</t></si>`)));
    await expect(read(many, { maxSharedStrings: 1000 })).rejects.toMatchObject(tooLarge);
    expect(await read(many, { maxSharedStrings: 1001 })).toBe(0);
    // one string of many runs, each short
    const runs = zip(sst([`<si>${'<r><t>ab</t></r>'.repeat(60)}</si>`]));
    await expect(read(runs, { maxStringChars: 100 })).rejects.toMatchObject(tooLarge);
    const total = zip(sst(Array.from({ length: 50 }, () => `<si><t>${'x'.repeat(50)}</t></si>`)));
    await expect(read(total, { maxSharedStringChars: 2000 })).rejects.toMatchObject(tooLarge);
    const token = zip(sst([`<si><t>${'y'.repeat(100_000)}</t></si>`]));
    await expect(read(token, { maxTokenBytes: 65_536, maxStringChars: 1e6 })).rejects.toMatchObject(tooLarge);
  });

  it('refuses archives with too many entries, unknown compression or encryption', async () => {
    const parts = workbookParts({ name: '', data: varied(10_000) });
    await expect(read(zip(parts), { maxEntries: parts.length - 1 })).rejects.toMatchObject(tooLarge);
    await expect(read(zip(parts, { declareEntries: 65_535 }))).rejects.toBeInstanceOf(LedgerError);
    const odd = parts.map((p) => (p.name.includes('sheet1') ? { ...p, method: 12 } : p));
    await expect(read(zip(odd))).rejects.toMatchObject({ code: 'unreadable' });
    const locked = parts.map((p) => (p.name.includes('sheet1') ? { ...p, flags: 1 } : p));
    await expect(read(zip(locked))).rejects.toMatchObject({ code: 'unreadable' });
  });
});

describe('readLedger: csv', () => {
  it('UTF-8 with BOM, quoted fields, CRLF, blank lines keep record numbers', async () => {
    const text =
      '\ufeff姓名,身份证号,地址\r\n张三,"110105194912310021","A栋, 1单元"\r\n\r\n"李""四",x,"多\n行"\r\n';
    const ledger = await readLedger({ buffer: Buffer.from(text, 'utf8') }, 'a.csv', HEADERS);
    expect(ledger.headerRow).toBe(1);
    expect(ledger.headers).toEqual(['姓名', '身份证号', '地址']);
    expect(await collect(ledger.rows())).toEqual([
      { rowNo: 2, cells: ['张三', '110105194912310021', 'A栋, 1单元'] },
      { rowNo: 4, cells: ['李"四', 'x', '多\n行'] },
    ]);
  });

  it('GB18030 bytes are detected, also from a path; tab-separated files work', async () => {
    // 姓名\t身份证号\n王五\t1 in GBK
    const gbk = Buffer.from([
      0xd0, 0xd5, 0xc3, 0xfb, 0x09, 0xc9, 0xed, 0xb7, 0xdd, 0xd6, 0xa4, 0xba, 0xc5, 0x0a, 0xcd, 0xf5, 0xce,
      0xe5, 0x09, 0x31, 0x0a,
    ]);
    const file = path.join(dir, 'g.csv');
    writeFileSync(file, gbk);
    for (const src of [{ buffer: gbk }, { path: file }]) {
      const ledger = await readLedger(src, 'g.csv', HEADERS);
      expect(ledger.headers).toEqual(['姓名', '身份证号']);
      expect(await collect(ledger.rows())).toEqual([{ rowNo: 2, cells: ['王五', '1'] }]);
    }
  });

  it('short rows are padded to the header width', async () => {
    const ledger = await readLedger({ buffer: Buffer.from('姓名,身份证号,电话\n张三\n') }, 'p.csv', HEADERS);
    expect(await collect(ledger.rows())).toEqual([{ rowNo: 2, cells: ['张三', null, null] }]);
  });
});

describe('total rows (issue 16: "合计：7人" was imported as a person)', () => {
  it('knows the totals ledgers end groups and pages with', () => {
    for (const first of [
      '合计：7人',
      '合计',
      '小计',
      '总计 12 户',
      '本页合计',
      '共计：3',
      '合 计',
      '合计(7人)',
      '共7人',
      'Total',
      'Subtotal: 3',
    ])
      expect(isTotalRow([null, first, '', '7']), first).toBe(true);
    expect(isTotalRow(['', '  ', '合计：５人'])).toBe(true);
  });

  it('leaves people and units whose names only contain such words', () => {
    for (const first of ['王合计', '张小计', '合众超市', '总计划科', '共青团员', '计生办', '1', '序号'])
      expect(isTotalRow([first, '合计']), first).toBe(false);
    expect(isTotalRow([null, '', null])).toBe(false);
  });

  it('is left out of the rows and listed by sheet row', async () => {
    const csv = Buffer.from('姓名,身份证号\n张三,1\n合计：1人,\n李四,2\n小计,\n', 'utf8');
    const ledger = await readLedger({ buffer: csv }, 'x.csv', HEADERS);
    const names: string[] = [];
    for await (const r of ledger.rows()) names.push(r.cells[0] ?? '');
    expect(names).toEqual(['张三', '李四']);
    expect(ledger.skippedTotals).toEqual([3, 5]);
  });
});
