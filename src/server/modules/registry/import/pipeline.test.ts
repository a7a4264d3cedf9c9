import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLedger, writeErrorSheet } from '../../../engines/sheets/index.js';
import { FIXTURE_TODAY, makeId, messyLedgers } from './fixtures.js';
import { guessMapping, LEDGER_HEADERS } from './headers.js';
import {
  dedupeKey,
  duplicateError,
  type ImportErrorT,
  type NormalizedPerson,
  normalizeRow,
} from './normalize.js';

type Outcome = {
  headerRow: number;
  headers: string[];
  created: (NormalizedPerson & { row: number })[];
  failed: { rowNo: number; cells: (string | null)[]; errors: ImportErrorT[] }[];
  warnings: ImportErrorT[];
};

/** What the import service does, without the database: read → map → normalise → de-duplicate. */
async function runPipeline(buffer: Buffer, name: string): Promise<Outcome> {
  const ledger = await readLedger({ buffer }, name, LEDGER_HEADERS);
  const mapping = guessMapping(ledger.headers);
  const idColumn = ledger.headers[mapping.indexOf('idNumber')] ?? '';
  const seen = new Map<string, number>();
  const out: Outcome = {
    headerRow: ledger.headerRow,
    headers: ledger.headers,
    created: [],
    failed: [],
    warnings: [],
  };
  for await (const { rowNo, cells } of ledger.rows()) {
    const r = normalizeRow(cells, mapping, ledger.headers, rowNo, { today: FIXTURE_TODAY, lang: 'zh' });
    if (!r.ok) {
      out.failed.push({ rowNo, cells, errors: r.errors });
      continue;
    }
    const key = dedupeKey(r.person);
    const first = seen.get(key);
    if (first !== undefined) {
      out.failed.push({ rowNo, cells, errors: [duplicateError(rowNo, first, idColumn)] });
      continue;
    }
    seen.set(key, rowNo);
    out.created.push({ ...r.person, row: rowNo });
    out.warnings.push(...r.warnings);
  }
  return out;
}

const fixtures = await messyLedgers();
const results = new Map<string, Outcome>();

beforeAll(async () => {
  for (const f of fixtures) results.set(f.name, await runPipeline(f.buffer, f.name));
});

describe('messy ledgers end to end', () => {
  it.each(fixtures.map((f) => [f.name, f] as const))('%s: exactly the expected rows land', (name, f) => {
    const r = results.get(name)!;
    expect(r.created.length).toBe(f.expect.created);
    expect(r.failed.map((x) => x.rowNo)).toEqual(f.expect.failedRows);
    for (const x of r.failed) {
      expect(x.errors.length).toBeGreaterThan(0);
      for (const e of x.errors) {
        expect(e.row).toBe(x.rowNo);
        expect(e.column.trim()).not.toBe('');
        expect(e.message).toMatch(/\p{Script=Han}/u);
      }
    }
    for (const w of r.warnings) {
      expect(w.column.trim()).not.toBe('');
      expect(w.message).toMatch(/\p{Script=Han}/u);
    }
  });

  it('community ledger: header under title rows, every kind of mess handled', () => {
    const r = results.get('兰州社区实有人口台账.xlsx')!;
    expect(r.headerRow).toBe(3);
    expect(r.headers[4]).toBe('身份证号码（必填）');
    const by = (n: string) => r.created.find((p) => p.name === n)!;
    expect(r.created.map((p) => p.row)).toEqual([4, 5, 8, 9, 10, 16, 18]);

    expect(by('张三')).toMatchObject({
      idNumber: makeId('430681', '19560312', '011'),
      sex: 'M',
      birthDate: '1956-03-12',
      phone: '13812345678',
      ethnicity: '汉族',
      relationToHead: 'head',
      residenceType: 'registered',
      education: 'junior',
      politicalStatus: 'cpc',
      employer: null,
      note: null,
    });
    // full-width digits and spaces
    expect(by('李四')).toMatchObject({
      idNumber: makeId('430681', '19580701', '022'),
      sex: 'F',
      phone: '13907361234',
      registeredAddress: '湖南省津市市襄阳街道兰州社区1组',
      relationToHead: 'spouse',
      education: 'primary',
      politicalStatus: 'masses',
    });
    // 15-digit ID stored as a number: converted, with a warning
    expect(by('赵六')).toMatchObject({
      idNumber: makeId('430681', '19560312', '013'),
      birthDate: '1956-03-12',
      phone: '0736-7223456',
      education: 'senior',
    });
    expect(r.warnings).toContainEqual(
      expect.objectContaining({
        row: 8,
        column: '身份证号码（必填）',
        message: expect.stringContaining('15位旧号码已转换为18位'),
      }),
    );
    // lower-case x upper-cased; rich text read as plain
    expect(by('钱七').idNumber).toMatch(/X$/);
    expect(by('钱七')).toMatchObject({
      ethnicity: '回族',
      phone: '0736-7223456',
      education: 'bachelor',
      politicalStatus: 'league',
    });
    // typed sex disagrees: the ID wins, the column is named
    expect(by('孙八').sex).toBe('F');
    expect(r.warnings).toContainEqual(
      expect.objectContaining({
        row: 10,
        column: '性别',
        message: expect.stringContaining('与身份证号不符'),
      }),
    );
    // disagreeing birth date, invalid phone, mapped labels
    expect(by('冯十二')).toMatchObject({
      birthDate: '1975-08-08',
      phone: null,
      relationToHead: 'son',
      residenceType: 'floating',
      education: 'bachelor',
      politicalStatus: 'cpc',
      ethnicity: '土家族',
      note: '=HYPERLINK("http://x")',
    });
    const w16 = r.warnings.filter((w) => w.row === 16);
    expect(w16.map((w) => w.column).sort()).toEqual(['出生年月', '联系电话'].sort());
    // unknown labels: warnings and nulls; the serial date agrees with the ID
    expect(by('卫十三')).toMatchObject({
      relationToHead: null,
      residenceType: null,
      education: null,
      politicalStatus: null,
    });
    const w18 = r.warnings.filter((w) => w.row === 18).map((w) => w.column);
    expect(w18.sort()).toEqual(['与户主关系', '人员类别', '政治面貌', '文化程度'].sort());

    const reasons = Object.fromEntries(
      r.failed.map((x) => [x.rowNo, x.errors.map((e) => `${e.column}|${e.message}`)]),
    );
    expect(reasons[7]).toEqual([
      '身份证号码（必填）|身份证号为科学计数法（4.30602E+17），精度已丢失，请将该列设为文本后重新导出',
    ]);
    expect(reasons[11]![0]).toContain('校验位');
    expect(reasons[12]![0]).toContain('晚于今天');
    expect(reasons[13]).toEqual(['身份证号码（必填）|与第4行重复']);
    expect(reasons[14]![0]).toMatch(/^姓 名\|.*纯数字/);
    expect(reasons[15]![0]).toMatch(/^身份证号码（必填）\|身份证号为空/);
  });

  it('dates in every format agree with their IDs (no birth-date warnings)', () => {
    const r = results.get('dates.xlsx')!;
    expect(r.headerRow).toBe(1);
    expect(r.warnings).toEqual([]);
    expect(r.created.map((p) => p.birthDate)).toEqual([
      '1956-03-12',
      '1960-11-05',
      '1970-01-01',
      '1980-02-29',
      '1991-09-30',
      '2001-07-04',
      '1956-03-12',
      '1965-08-15',
      '1972-06-07',
      '1988-12-12',
    ]);
  });

  it('IDs stored as numbers are refused with the reason; GBK and BOM CSVs read', () => {
    const n = results.get('ids-as-numbers.xlsx')!;
    expect(n.headerRow).toBe(3);
    expect(n.failed.every((x) => x.errors[0]!.message.includes('科学计数法'))).toBe(true);
    const gbk = results.get('流动人口.csv')!;
    expect(gbk.headerRow).toBe(2);
    expect(gbk.created.map((p) => [p.name, p.residenceType])).toEqual([
      ['黄一', 'floating'],
      ['黄二', 'floating'],
      ['黄三', 'floating'],
    ]);
    expect(gbk.created[0]!.currentAddress).toBe('兰州社区9栋, 3单元');
    expect(gbk.created[1]).toMatchObject({ phone: '13812340002', sex: 'F' });
    expect(gbk.created[2]).toMatchObject({
      idNumber: makeId('430681', '19880808', '021'),
      phone: '0736-7223457',
    });
    const bom = results.get('utf8-bom.csv')!;
    expect(bom.headers[0]).toBe('*姓名');
    expect(bom.created[0]).toMatchObject({
      name: '刘一',
      idNumber: '11010519491231002X',
      phone: '13812341111',
      relationToHead: 'head',
      education: 'postgraduate',
      politicalStatus: 'cpc_probation',
      employer: '某公司',
      note: '"引号"',
    });
    expect(bom.created[1]).toMatchObject({
      relationToHead: 'son',
      ethnicity: '满族',
      politicalStatus: 'league',
    });
    expect(bom.created[2]).toMatchObject({ relationToHead: 'grandchild', birthDate: '2026-01-01' });
  });

  it('the error sheet re-imports: fixed rows land, ID digits kept', async () => {
    const r = results.get('兰州社区实有人口台账.xlsx')!;
    const sheet = await writeErrorSheet(r.headers, r.failed);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(sheet as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).values).toEqual([undefined, ...r.headers, '原行号', '错误原因']);
    expect(ws.rowCount).toBe(1 + r.failed.length);
    const zhangAgain = ws.getRow(2 + r.failed.findIndex((x) => x.rowNo === 13));
    expect(zhangAgain.getCell(5).value).toBe(makeId('430681', '19560312', '011'));
    expect(zhangAgain.getCell(5).numFmt).toBe('@');
    expect(zhangAgain.getCell(r.headers.length + 1).value).toBe(13);
    expect(String(zhangAgain.getCell(r.headers.length + 2).value)).toContain('与第4行重复');

    // the user fixes 周九's check digit and re-imports the sheet
    const zhouRow = ws.getRow(2 + r.failed.findIndex((x) => x.rowNo === 11));
    zhouRow.getCell(5).value = makeId('110105', '19700202', '031');
    const fixed = Buffer.from(await wb.xlsx.writeBuffer());
    const again = await runPipeline(fixed, 'fixed.xlsx');
    expect(again.headerRow).toBe(1);
    expect(again.created.map((p) => p.name)).toEqual(['周九', '张三']);
    // 张三 lands here because the duplicate's first occurrence is not in this file
    expect(again.failed.map((x) => x.cells[1])).toEqual(['王五', '吴十', '13812345678', '郑十一']);
  });
});
