import ExcelJS from 'exceljs';
import { idCheckDigit } from '../../../../contract/identifiers.js';

/**
 * Deliberately messy ledgers, built at test time (no binary files in git): title rows and merged
 * cells above the header, full-width digits and spaces, ID numbers stored as numbers, 15-digit
 * old IDs, lower-case x, dates as Excel serials and as text in every format the importer
 * accepts, the same person twice, blank rows, a GBK CSV and a UTF-8-BOM CSV, a wrong check
 * digit, a future birth date. `expect` is what the pipeline must land (today = 2026-11-21).
 */

export const FIXTURE_TODAY = new Date(2026, 10, 21);

/** A valid 18-digit ID number. */
export function makeId(region: string, yyyymmdd: string, seq: string): string {
  const first17 = region + yyyymmdd + seq;
  return first17 + idCheckDigit(first17);
}

/** The same ID with a wrong check character. */
export function wrongCheck(id: string): string {
  const right = id[17]!;
  const wrong = right === '0' ? '1' : right === 'X' ? '0' : right === '9' ? 'X' : String(Number(right) + 1);
  return id.slice(0, 17) + wrong;
}

/** Full-width digits and letters (and spaces → U+3000). */
export function fullWidth(s: string): string {
  return Array.from(s)
    .map((c) =>
      c === ' ' ? '\u3000' : /[0-9A-Za-z]/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c,
    )
    .join('');
}

/** An ID ending in X, of the given sex (odd sequence: male, even: female). */
function idWithX(region: string, yyyymmdd: string, sex: 'M' | 'F'): string {
  for (let s = sex === 'M' ? 1 : 0; s < 1000; s += 2) {
    const id = makeId(region, yyyymmdd, String(s).padStart(3, '0'));
    if (id.endsWith('X')) return id;
  }
  throw new Error('no X check digit found');
}

// —— GBK: Node decodes GBK but cannot encode it; invert the decoder for the characters needed ——

let gbkTable: Map<string, number[]> | null = null;
function encodeGbk(s: string): Buffer {
  if (!gbkTable) {
    gbkTable = new Map();
    const dec = new TextDecoder('gbk');
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const ch = dec.decode(Uint8Array.of(lead, trail));
        if (ch.length === 1 && ch !== '\ufffd' && !gbkTable.has(ch)) gbkTable.set(ch, [lead, trail]);
      }
    }
  }
  const bytes: number[] = [];
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c < 0x80) bytes.push(c);
    else {
      const b = gbkTable.get(ch);
      if (!b) throw new Error(`not in GBK: ${ch}`);
      bytes.push(...b);
    }
  }
  return Buffer.from(bytes);
}

const csvLine = (cells: string[]) =>
  cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');

// —— the ledgers ——

type Fixture = { name: string; buffer: Buffer; expect: { created: number; failedRows: number[] } };

async function communityLedger(): Promise<Fixture> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('实有人口');
  const headers = [
    '序号',
    '姓 名',
    '性别',
    '民族',
    '身份证号码（必填）',
    '出生年月',
    '联系电话',
    '户籍地址',
    '现住址',
    '与户主关系',
    '人员类别',
    '文化程度',
    '政治面貌',
    '工作单位',
    '备注',
  ];
  ws.getCell('A1').value = '津市市襄阳街道 兰州社区 实有人口台账';
  ws.mergeCells('A1:O1');
  ws.getCell('A2').value = '填报单位：兰州社区居委会';
  ws.mergeCells('A2:F2');
  ws.getCell('G2').value = '填报日期：2026年11月';
  ws.mergeCells('G2:O2');
  ws.getRow(3).values = headers;

  const zhang = makeId('430681', '19560312', '011');
  const li = makeId('430681', '19580701', '022');
  const wang = makeId('430602', '19900101', '123');
  const qian = idWithX('430602', '19900105', 'F');
  const sun = makeId('430681', '19850615', '042'); // female (even sequence)
  const zhou = wrongCheck(makeId('110105', '19700202', '031'));
  const wu = makeId('110105', '20300101', '015'); // born in the future
  const feng = makeId('430681', '19750808', '057');
  const chen = makeId('430602', '19950520', '068');
  const wei = makeId('110105', '19800808', '079');

  const rows: Record<number, (ExcelJS.CellValue | undefined)[]> = {
    // date as an Excel date cell, phone as a number
    4: [
      { formula: 'ROW()-3', result: 1 },
      '张三',
      '男',
      '汉',
      zhang,
      new Date(Date.UTC(1956, 2, 12)),
      13812345678,
      '湖南省津市市襄阳街道兰州社区1组',
      '兰州社区1栋101',
      '户主',
      '户籍',
      '初中',
      '党员',
      '',
      '',
    ],
    // full-width spaces and digits everywhere
    5: [
      2,
      '李　四',
      '女',
      '汉族',
      fullWidth(li),
      '1958.07.01',
      fullWidth('139 0736 1234'),
      '　湖南省津市市襄阳街道兰州社区1组　',
      '兰州社区1栋101',
      '妻',
      '户籍人口',
      '小学',
      '群众',
      null,
      null,
    ],
    // 6: blank
    // an 18-digit ID stored as a number: digits already lost
    7: [
      3,
      '王五',
      '男',
      '汉',
      Number(wang),
      '1990-01-01',
      '13912345678',
      null,
      '兰州社区2栋',
      '户主',
      '常住',
      '本科',
      '群众',
    ],
    // a 15-digit old ID, stored as a number (exact below 2^53); date as text with 年月日
    8: [
      4,
      '赵六',
      '男',
      '汉',
      Number('430681560312013'),
      '1956年3月12日',
      '0736-7223456',
      null,
      '兰州社区3栋',
      '户主',
      '户籍',
      '高中',
      '群众',
    ],
    // lower-case x, rich-text name, date with slashes
    9: [
      5,
      { richText: [{ text: '钱' }, { font: { bold: true }, text: '七' }] },
      '女',
      '回',
      qian.toLowerCase(),
      '1990/1/5',
      '07367223456',
      null,
      '兰州社区3栋',
      '配偶',
      '常住',
      '大学本科',
      '共青团员',
      '津市市人民医院',
    ],
    // typed sex disagrees with the ID (a warning; the ID wins)
    10: [
      6,
      '孙八',
      '男',
      '汉',
      sun,
      '19850615',
      '138 1234 5679',
      null,
      '兰州社区4栋',
      '户主',
      '流动',
      '大专',
      '群众',
    ],
    // wrong check digit
    11: [
      7,
      '周九',
      '男',
      '汉',
      zhou,
      '1970-02-02',
      null,
      null,
      '兰州社区5栋',
      '户主',
      '户籍',
      '初中',
      '群众',
    ],
    // birth date in the future
    12: [8, '吴十', '男', '汉', wu, '2030-01-01', null, null, '兰州社区5栋', '子', '户籍', null, null],
    // the same person as row 4 again
    13: [
      9,
      '张三',
      '男',
      '汉',
      zhang,
      '1956-03-12',
      null,
      null,
      '兰州社区1栋101',
      '户主',
      '户籍',
      '初中',
      '党员',
    ],
    // a name that is only digits (columns shifted)
    14: [10, '13812345678', '男', '汉', chen, '1995-05-20', null, null, null, null, null, null, null],
    // no ID number at all
    15: [11, '郑十一', '女', '汉', null, '1960-01-01', null, null, '兰州社区6栋', '户主', '户籍', null, null],
    // disagreeing birth date, bad phone, labels to map
    16: [
      12,
      '冯十二',
      '男',
      '土家',
      feng,
      '1956-3-12',
      '12345',
      null,
      '兰州社区7栋',
      '长子',
      '暂住',
      '大学本科',
      '中共党员',
      null,
      '=HYPERLINK("http://x")',
    ],
    // 17: blank
    // a date serial in a plain cell; unknown labels
    18: [
      13,
      '卫十三',
      '男',
      '汉',
      wei,
      29441,
      '13712345678',
      null,
      '兰州社区8栋',
      '表哥',
      '外星',
      '幼儿园',
      '无党派',
    ],
  };
  for (const [r, values] of Object.entries(rows)) {
    const row = ws.getRow(Number(r));
    values.forEach((v, i) => {
      if (v !== undefined && v !== null && v !== '') row.getCell(i + 1).value = v;
    });
  }
  ws.getCell('F4').numFmt = 'yyyy-mm-dd';
  ws.getCell('E7').numFmt = '0';
  ws.getCell('E8').numFmt = '0';
  const buffer = Buffer.from(await wb.xlsx.writeBuffer());
  // lands: 4 张三, 5 李四, 8 赵六, 9 钱七, 10 孙八, 16 冯十二, 18 卫十三
  return {
    name: '兰州社区实有人口台账.xlsx',
    buffer,
    expect: { created: 7, failedRows: [7, 11, 12, 13, 14, 15] },
  };
}

/** Every accepted text date format, one per row, each agreeing with its ID. */
async function datesLedger(): Promise<Fixture> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  ws.addRow(['姓名', '公民身份号码', '出生日期', '手机号']);
  const formats: [string, (y: string, m: string, d: string) => string | number | Date][] = [
    ['19560312', (y, m, d) => `${y}.${m}.${d}`],
    ['19601105', (y, m, d) => `${y}-${Number(m)}-${Number(d)}`],
    ['19700101', (y, m, d) => `${y}/${m}/${d}`],
    ['19800229', (y, m, d) => `${y}年${Number(m)}月${Number(d)}日`],
    ['19910930', (y, m, d) => `${y}${m}${d}`],
    ['20010704', (y, m, d) => fullWidth(`${y}.${m}.${d}`)],
    ['19560312', () => 20526], // an Excel serial in a plain number cell
    ['19650815', () => '23969'], // an Excel serial as text
    ['19720607', (y, m) => `${y}.${m}`], // 出生年月: year and month only
    ['19881212', (y, m, d) => new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)))],
  ];
  formats.forEach(([date, fmt], i) => {
    const id = makeId(i % 2 ? '430602' : '110105', date, String(100 + i * 7).padStart(3, '0'));
    const value = fmt(date.slice(0, 4), date.slice(4, 6), date.slice(6, 8));
    const row = ws.addRow([`测试${'甲乙丙丁戊己庚辛壬癸'[i]}`, id, value, `1381234${String(5000 + i)}`]);
    if (value instanceof Date) row.getCell(3).numFmt = 'yyyy/m/d';
  });
  const buffer = Buffer.from(await wb.xlsx.writeBuffer());
  return { name: 'dates.xlsx', buffer, expect: { created: formats.length, failedRows: [] } };
}

/** A whole ID column stored as numbers: every 18-digit one fails, the text ones land. */
async function numericIdsLedger(): Promise<Fixture> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  ws.addRow(['户籍人口花名册']);
  ws.mergeCells('A1:D1');
  ws.addRow([]);
  ws.addRow(['姓名', '身份证', '性别', '电话']);
  ws.addRow(['甲一', Number(makeId('430681', '19620303', '111')), '男', 13812345678]);
  ws.addRow(['乙二', makeId('430681', '19620304', '121'), '男', 13812345679]);
  ws.addRow(['丙三', Number(makeId('430681', '19620305', '132')), '女', 13812345670]);
  ws.getColumn(2).numFmt = '0';
  const buffer = Buffer.from(await wb.xlsx.writeBuffer());
  return { name: 'ids-as-numbers.xlsx', buffer, expect: { created: 1, failedRows: [4, 6] } };
}

/** GBK-encoded CSV with a title line, blank lines, quoted commas, 15-digit IDs and lower-case x. */
function gbkCsv(): Fixture {
  const x = idWithX('430681', '19880808', 'F');
  const lines = [
    csvLine(['兰州社区流动人口登记表', '', '', '', '', '', '']),
    csvLine(['姓名', '身份证号', '性别', '出生日期', '联系电话', '人员类型', '现居住地址']),
    csvLine([
      '黄一',
      makeId('430602', '19900909', '011'),
      '男',
      '1990-09-09',
      '13812340001',
      '流动人口',
      '兰州社区9栋, 3单元',
    ]),
    csvLine(['黄二', x.toLowerCase(), '女', '1988/08/08', '+86 138 1234 0002', '暂住', '兰州社区9栋']),
    '',
    csvLine(['黄三', '430681880808021', '女', '1988年8月8日', '0736-7223457', '流动', '兰州社区9栋']),
    csvLine(['黄四', wrongCheck(makeId('430602', '19920202', '033')), '男', '', '', '流动', '']),
    ',,,,,,',
    csvLine(['黄一', makeId('430602', '19900909', '011'), '男', '', '', '流动', '']),
    csvLine(['黄五', '4.30602E+17', '男', '', '', '流动', '']),
  ];
  const buffer = encodeGbk(`${lines.join('\r\n')}\r\n`);
  // lands: 黄一 (3), 黄二 (4), 黄三 (6); fails: 黄四 (7), 黄一 again (9), 黄五 (10)
  return { name: '流动人口.csv', buffer, expect: { created: 3, failedRows: [7, 9, 10] } };
}

/** UTF-8 with BOM, LF line ends, full-width values, a future birth date and a duplicate. */
function bomCsv(): Fixture {
  const a = makeId('110105', '19491231', '002');
  const lines = [
    csvLine([
      '*姓名',
      '*证件号码',
      '民族',
      '出生年月',
      '手机号码',
      '与户主关系名称',
      '学历',
      '政治面貌',
      '服务处所',
      '备注',
    ]),
    csvLine([
      '刘一',
      fullWidth(a),
      '汉',
      '1949.12',
      fullWidth('13812341111'),
      '本人',
      '研究生',
      '中共预备党员',
      '某公司',
      '"引号"',
    ]),
    csvLine([
      '刘二',
      makeId('110105', '19520101', '013'),
      '满',
      '1952.01',
      '13812341112',
      '次子',
      '硕士',
      '团员',
      '',
      '',
    ]),
    csvLine(['刘三', makeId('110105', '20271231', '024'), '汉', '', '', '女', '', '', '', '']),
    csvLine(['刘一', a, '汉', '', '', '', '', '', '', '']),
    csvLine(['  ', '', '', '', '', '', '', '', '', '']),
    csvLine([
      '刘四',
      makeId('430681', '20260101', '035'),
      '汉',
      '2026-01-01',
      '',
      '孙女',
      '',
      '',
      '',
      '新生儿',
    ]),
  ];
  const buffer = Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from(`${lines.join('\n')}\n`, 'utf8'),
  ]);
  // lands: 刘一 (2), 刘二 (3), 刘四 (7); fails: 刘三 future (4), 刘一 again (5)
  return { name: 'utf8-bom.csv', buffer, expect: { created: 3, failedRows: [4, 5] } };
}

export async function messyLedgers(): Promise<
  { name: string; buffer: Buffer; expect: { created: number; failedRows: number[] } }[]
> {
  return [await communityLedger(), await datesLedger(), await numericIdsLedger(), gbkCsv(), bomCsv()];
}
