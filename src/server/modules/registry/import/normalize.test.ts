import { describe, expect, it } from 'vitest';
import { makeId } from './fixtures.js';
import { guessMapping, HEADER_SYNONYMS, matchHeader, normalizeHeader } from './headers.js';
import { dedupeKey, normalizeRow, parseLooseDate } from './normalize.js';

const today = new Date(2026, 10, 21);

describe('headers', () => {
  it('normalises decorations', () => {
    expect(normalizeHeader(' *身份证号码（必填） ')).toBe('身份证号码');
    expect(normalizeHeader('【必填】姓　名')).toBe('姓名');
    expect(normalizeHeader('联系电话:')).toBe('联系电话');
    expect(normalizeHeader('1.姓名')).toBe('姓名');
  });

  it('every synonym maps to its field', () => {
    for (const [field, names] of Object.entries(HEADER_SYNONYMS)) {
      for (const n of names) expect(matchHeader(n), n).toBe(field);
    }
  });

  it('guessMapping: exact titles first, contained ones next, one column per field', () => {
    expect(
      guessMapping([
        '序号',
        '姓名',
        '本人身份证号码（18位）',
        '公民身份号码',
        '户籍地址',
        '现居住地址',
        '手机号码',
        '电话',
        '与户主关系名称',
        '人员类型',
        '学历',
        '政治面貌',
        '服务处所',
        '备注',
        '',
      ]),
    ).toEqual([
      null,
      'name',
      null,
      'idNumber',
      'registeredAddress',
      'currentAddress',
      'phone',
      null,
      'relationToHead',
      'residenceType',
      'education',
      'politicalStatus',
      'employer',
      'note',
      null,
    ]);
    expect(guessMapping(['姓名', '本人身份证号码（18位）'])).toEqual(['name', 'idNumber']);
  });
});

describe('parseLooseDate', () => {
  it('every format', () => {
    for (const s of [
      '1956.03.12',
      '1956-3-12',
      '1956/03/12',
      '1956年3月12日',
      '19560312',
      '１９５６．０３．１２',
      '20526',
    ]) {
      expect(parseLooseDate(s), s).toEqual({ value: '1956-03-12', precision: 'day' });
    }
    expect(parseLooseDate('1956-03-12 00:00:00')).toEqual({ value: '1956-03-12', precision: 'day' });
    expect(parseLooseDate('1956.03')).toEqual({ value: '1956-03', precision: 'month' });
    expect(parseLooseDate('195603')).toEqual({ value: '1956-03', precision: 'month' });
    expect(parseLooseDate('1956年')).toEqual({ value: '1956', precision: 'year' });
    expect(parseLooseDate('1956-02-30')).toBeNull();
    expect(parseLooseDate('不详')).toBeNull();
  });
});

describe('normalizeRow', () => {
  const headers = [
    '姓名',
    '身份证号',
    '性别',
    '出生日期',
    '联系电话',
    '与户主关系',
    '人员类别',
    '文化程度',
    '政治面貌',
  ];
  const mapping = guessMapping(headers);
  const id = makeId('430681', '19560312', '011');
  const row = (over: Partial<Record<string, string | null>>) =>
    headers.map((h) => (h in over ? (over[h] ?? null) : null));

  it('a full row', () => {
    const r = normalizeRow(
      row({
        姓名: ' 张　三 ',
        身份证号: id,
        性别: '男',
        出生日期: '1956年3月12日',
        联系电话: '138-1234-5678',
        与户主关系: '户主',
        人员类别: '户籍人口',
        文化程度: '本科',
        政治面貌: '中共党员',
      }),
      mapping,
      headers,
      5,
      { today, lang: 'zh' },
    );
    expect(r).toEqual({
      ok: true,
      warnings: [],
      person: {
        name: '张三',
        idNumber: id,
        sex: 'M',
        birthDate: '1956-03-12',
        phone: '13812345678',
        ethnicity: null,
        registeredAddress: null,
        currentAddress: null,
        relationToHead: 'head',
        residenceType: 'registered',
        education: 'bachelor',
        politicalStatus: 'cpc',
        employer: null,
        note: null,
      },
    });
    if (r.ok) expect(dedupeKey(r.person)).toBe(id);
  });

  it('errors: all reasons of a row at once, with row, column and language', () => {
    const r = normalizeRow(row({ 姓名: '12345', 身份证号: '4.10105E+17' }), mapping, headers, 9, {
      today,
      lang: 'zh',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      {
        row: 9,
        column: '姓名',
        message: expect.stringContaining('纯数字'),
        zh: expect.stringContaining('纯数字'),
        en: 'the name "12345" is only digits: are the columns shifted?',
      },
      {
        row: 9,
        column: '身份证号',
        message: '身份证号为科学计数法（4.10105E+17），精度已丢失，请将该列设为文本后重新导出',
        zh: '身份证号为科学计数法（4.10105E+17），精度已丢失，请将该列设为文本后重新导出',
        en: 'the ID number is in scientific notation (4.10105E+17): digits were lost; format the column as text and export again',
      },
    ]);
    // Each error keeps both languages (an error sheet is read in its reader's); `message` is the
    // language the row was read in.
    const en = normalizeRow(row({ 身份证号: id }), mapping, headers, 9, { today, lang: 'en' });
    expect(!en.ok && en.errors).toEqual([
      {
        row: 9,
        column: '姓名',
        message: 'the name is required',
        en: 'the name is required',
        zh: expect.any(String),
      },
    ]);
  });

  it('an unmapped ID column is named by its field', () => {
    const r = normalizeRow(['张三'], ['name'], ['姓名'], 2, { today, lang: 'zh' });
    expect(!r.ok && r.errors).toEqual([
      {
        row: 2,
        column: '身份证号',
        message: '身份证号为空',
        zh: '身份证号为空',
        en: 'the ID number is empty',
      },
    ]);
  });

  it('warnings: sex, birth date, phone, labels; the ID wins', () => {
    const r = normalizeRow(
      row({
        姓名: '李四',
        身份证号: id,
        性别: '女',
        出生日期: '1957-01-01',
        联系电话: '123',
        与户主关系: '表哥',
        人员类别: '暂住',
        文化程度: '大学本科',
        政治面貌: '群众',
      }),
      mapping,
      headers,
      3,
      { today, lang: 'zh' },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.person).toMatchObject({
      sex: 'M',
      birthDate: '1956-03-12',
      phone: null,
      relationToHead: null,
      residenceType: 'floating',
      education: 'bachelor',
      politicalStatus: 'masses',
    });
    expect(r.warnings.map((w) => w.column)).toEqual(['性别', '出生日期', '联系电话', '与户主关系']);
    expect(r.warnings.every((w) => w.row === 3)).toBe(true);
  });

  it('15-digit IDs, several phone numbers, month-only birth dates', () => {
    const r = normalizeRow(
      row({
        姓名: '王五',
        身份证号: '430681560312011',
        出生日期: '1956.03',
        联系电话: '13812345678、13912345678',
      }),
      mapping,
      headers,
      4,
      { today, lang: 'zh' },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.person.idNumber).toBe(id);
    expect(r.person.phone).toBe('13812345678');
    expect(r.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/^15位旧号码已转换为18位/),
      expect.stringContaining('多个号码'),
    ]);
  });

  it('too-long text is an error, not silently cut', () => {
    const r = normalizeRow(
      ['张三', id, 'x'.repeat(501)],
      ['name', 'idNumber', 'note'],
      ['姓名', '身份证', '备注'],
      2,
      {
        today,
        lang: 'zh',
      },
    );
    expect(!r.ok && r.errors).toEqual([
      {
        row: 2,
        column: '备注',
        message: expect.stringContaining('500'),
        zh: expect.stringContaining('500'),
        en: expect.stringContaining('500'),
      },
    ]);
  });
});
