import { type Code, EDUCATION, POLITICAL_STATUS, RELATIONS } from '../../../../contract/codes.js';
import { checkIdNumber, checkPhone, cleanText, toHalfWidth } from '../../../../contract/identifiers.js';
import type { RowError } from '../../../engines/sheets/index.js';
import type { ImportField } from './headers.js';

/**
 * One ledger row → one person, or the reasons it cannot be imported. The ID number is the
 * upsert key, so a row without a valid one is an error; everything else that is wrong but not
 * essential (a bad phone, an unknown label, a typed sex that disagrees with the ID) is a warning
 * and the value is left empty or taken from the ID. Messages name the column as the ledger titles it.
 */

/** A row's error or warning: the sheets engine's row error (its error sheet shows them). */
export type ImportErrorT = RowError;

export interface NormalizedPerson {
  name: string;
  idNumber: string | null;
  sex: 'M' | 'F' | null;
  birthDate: string | null;
  phone: string | null;
  ethnicity: string | null;
  registeredAddress: string | null;
  currentAddress: string | null;
  /** RELATIONS code */
  relationToHead: string | null;
  residenceType: 'registered' | 'resident' | 'floating' | null;
  /** EDUCATION code */
  education: string | null;
  /** POLITICAL_STATUS code */
  politicalStatus: string | null;
  employer: string | null;
  note: string | null;
}

export type NormalizeResult =
  | { ok: true; person: NormalizedPerson; warnings: ImportErrorT[] }
  | { ok: false; errors: ImportErrorT[] };

type Lang = 'zh' | 'en';

/** Column titles used in messages when the ledger has no column for a required field. */
const FIELD_LABELS: Record<ImportField, [string, string]> = {
  name: ['姓名', 'name'],
  idNumber: ['身份证号', 'ID number'],
  sex: ['性别', 'sex'],
  ethnicity: ['民族', 'ethnicity'],
  birthDate: ['出生日期', 'birth date'],
  phone: ['联系电话', 'phone'],
  registeredAddress: ['户籍地址', 'registered address'],
  currentAddress: ['现住址', 'current address'],
  relationToHead: ['与户主关系', 'relation to head'],
  residenceType: ['人员类别', 'residence type'],
  education: ['文化程度', 'education'],
  politicalStatus: ['政治面貌', 'political status'],
  employer: ['工作单位', 'employer'],
  note: ['备注', 'note'],
};

const MAX_LENGTH: Partial<Record<ImportField, number>> = {
  name: 40,
  ethnicity: 20,
  registeredAddress: 200,
  currentAddress: 200,
  employer: 100,
  note: 500,
};

// —— label → code tables ——

const labelKey = (s: string) => toHalfWidth(s).replace(/\s+/g, '').toLowerCase();

function labelMap(codes: Code[], extra: Record<string, string[]>): Map<string, string> {
  const m = new Map<string, string>();
  for (const c of codes) {
    m.set(labelKey(c.code), c.code);
    m.set(labelKey(c.en), c.code);
    m.set(labelKey(c.zh), c.code);
    for (const part of c.zh.split('/')) m.set(labelKey(part), c.code);
  }
  for (const [code, labels] of Object.entries(extra)) for (const l of labels) m.set(labelKey(l), code);
  return m;
}

const RELATION_LABELS = labelMap(RELATIONS, {
  head: ['户主', '本人', '户主本人', '本人(户主)', '户主(本人)'],
  spouse: ['配偶', '妻', '妻子', '夫', '丈夫', '之妻', '之夫', '爱人', '老伴'],
  son: ['子', '儿子', '长子', '次子', '三子', '四子', '五子', '独生子', '养子', '继子', '之子'],
  daughter: ['女', '女儿', '长女', '次女', '三女', '四女', '五女', '独生女', '养女', '继女', '之女'],
  father: ['父亲', '父', '之父', '继父', '养父'],
  mother: ['母亲', '母', '之母', '继母', '养母'],
  grandchild: ['孙子女', '孙子', '孙女', '外孙子女', '外孙子', '外孙女', '外孙', '孙'],
  sibling: ['兄弟姐妹', '兄', '弟', '姐', '妹', '哥哥', '弟弟', '姐姐', '妹妹', '兄弟', '姐妹'],
  in_law: ['儿媳/女婿', '儿媳', '媳', '女婿', '儿媳妇', '长媳', '次媳'],
  other: [
    '其他',
    '其它',
    '祖父',
    '祖母',
    '外祖父',
    '外祖母',
    '祖父母',
    '外祖父母',
    '侄子',
    '侄女',
    '外甥',
    '外甥女',
    '公公',
    '婆婆',
    '岳父',
    '岳母',
    '曾孙子',
    '曾孙女',
    '其他亲属',
    '非亲属',
  ],
});

/**
 * 子女 and the like name a child without saying son or daughter: the code table has 子 and 女,
 * so the sex (from the ID number, else the typed sex) decides; without one the relation is left
 * empty and the row says why.
 */
const CHILD_LABELS = new Set(
  ['子女', '儿女', '之子女', '孩子', '小孩', '子或女', '儿子或女儿', 'child'].map(labelKey),
);

const EDUCATION_LABELS = labelMap(EDUCATION, {
  none: ['未上学', '文盲', '半文盲', '文盲或半文盲', '无', '学龄前', '未上过学'],
  primary: ['小学', '小学毕业', '小学文化'],
  junior: ['初中', '初中毕业', '初级中学'],
  senior: [
    '高中',
    '中专',
    '职高',
    '技校',
    '中职',
    '高中/中专',
    '高中及中专',
    '中等专科',
    '普通高中',
    '高中毕业',
  ],
  college: ['大专', '专科', '大学专科', '高职', '大专及以上'],
  bachelor: ['本科', '大学本科', '大学', '学士'],
  postgraduate: ['研究生', '硕士', '博士', '硕士研究生', '博士研究生', '研究生及以上'],
});

const POLITICAL_LABELS = labelMap(POLITICAL_STATUS, {
  cpc: ['中共党员', '党员', '共产党员', '中国共产党党员'],
  cpc_probation: ['中共预备党员', '预备党员'],
  league: ['共青团员', '团员', '中国共产主义青年团团员'],
  democratic: [
    '民主党派',
    '民革党员',
    '民盟盟员',
    '民建会员',
    '民进会员',
    '农工党党员',
    '致公党党员',
    '九三学社社员',
    '台盟盟员',
  ],
  masses: ['群众', '普通群众', '无'],
});

const RESIDENCE_LABELS = new Map<string, 'registered' | 'resident' | 'floating'>();
for (const [code, labels] of [
  ['registered', ['户籍', '户籍人口', '户籍人员', '户籍居民', '本地户籍', 'registered']],
  ['resident', ['常住', '常住人口', '常住人员', '非户籍常住', '人户分离', 'resident']],
  ['floating', ['流动', '暂住', '流动人口', '暂住人口', '流动人员', '外来人口', '外来人员', 'floating']],
] as const) {
  for (const l of labels) RESIDENCE_LABELS.set(labelKey(l), code);
}

/** The 56 ethnic groups without 族: 汉 → 汉族. */
const ETHNIC_GROUPS = new Set(
  (
    '汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 ' +
    '柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 ' +
    '塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺'
  ).split(' '),
);

// —— dates ——

type LooseDate = { value: string; precision: 'day' | 'month' | 'year' };

const pad2 = (n: number) => String(n).padStart(2, '0');

function ymd(y: number, m: number, d: number): string | null {
  if (y < 1800 || y > 2999 || m < 1 || m > 12 || d < 1) return null;
  if (d > new Date(Date.UTC(y, m, 0)).getUTCDate()) return null;
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

/**
 * A date as ledgers write it: an Excel serial (20526), 1956-03-12, 1956-3-12, 1956/03/12,
 * 1956.03.12, 1956年3月12日, 19560312 (full-width digits too); 出生年月 style 1956.03, 195603,
 * 1956年3月 and a bare year are kept at their precision.
 */
export function parseLooseDate(raw: string): LooseDate | null {
  const s = toHalfWidth(raw)
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/, '')
    .replace(/\s/g, '');
  const day = /^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (day) {
    const v = ymd(Number(day[1]), Number(day[2]), Number(day[3]));
    return v ? { value: v, precision: 'day' } : null;
  }
  const month = /^(\d{4})[-./年](\d{1,2})月?$/.exec(s) ?? /^(\d{4})(\d{2})$/.exec(s);
  if (month) {
    const v = ymd(Number(month[1]), Number(month[2]), 1);
    return v ? { value: v.slice(0, 7), precision: 'month' } : null;
  }
  const year = /^(1[89]\d{2}|20\d{2})年?$/.exec(s);
  if (year) return { value: year[1]!, precision: 'year' };
  const serial = /^(\d{1,5})(?:\.\d+)?$/.exec(s);
  if (serial) {
    // Excel 1900 date system; serial 60 is the fictional 1900-02-29
    const n = Number(serial[1]);
    if (n < 1 || n === 60) return null;
    const days = n < 60 ? n - 1 : n - 2;
    const d = new Date(Date.UTC(1900, 0, 1) + days * 86400000);
    return { value: d.toISOString().slice(0, 10), precision: 'day' };
  }
  return null;
}

// —— the row ——

function parseSex(raw: string): 'M' | 'F' | null {
  const k = labelKey(raw);
  if (['男', '男性', 'm', 'male', '1'].includes(k)) return 'M';
  if (['女', '女性', 'f', 'female', '2'].includes(k)) return 'F';
  return null;
}

const isDigitsOnly = (s: string) => /^[\d\s.,+-]+$/.test(s) || /^\d+(\.\d+)?E\+?\d+$/i.test(s);
const isHan = (s: string) => /^[\p{Script=Han}·•]+$/u.test(s);

export function normalizeRow(
  cells: (string | null)[],
  mapping: (ImportField | null)[],
  headers: string[],
  rowNo: number,
  opts: { today: Date; lang: Lang },
): NormalizeResult {
  const { lang } = opts;
  const t = (zh: string, en: string) => (lang === 'zh' ? zh : en);
  const errors: ImportErrorT[] = [];
  const warnings: ImportErrorT[] = [];

  // the column each field comes from: its first mapped column that holds a value
  const colOf: Partial<Record<ImportField, number>> = {};
  const raw: Partial<Record<ImportField, string>> = {};
  mapping.forEach((f, i) => {
    if (!f) return;
    const v = cells[i];
    if (
      colOf[f] === undefined ||
      (raw[f] === undefined && v !== null && v !== undefined && v.trim() !== '')
    ) {
      colOf[f] = i;
      if (v !== null && v !== undefined && v.trim() !== '') raw[f] = v;
    }
  });
  const column = (f: ImportField) => {
    const i = colOf[f];
    const h = i === undefined ? '' : (headers[i] ?? '').trim();
    return h || FIELD_LABELS[f][lang === 'zh' ? 0 : 1];
  };
  // Both languages kept: the job and its error sheet are shown in their reader's language.
  const err = (f: ImportField, zh: string, en: string) =>
    errors.push({ row: rowNo, column: column(f), message: t(zh, en), zh, en });
  const warn = (f: ImportField, zh: string, en: string) =>
    warnings.push({ row: rowNo, column: column(f), message: t(zh, en), zh, en });

  const text = (f: ImportField): string | null => {
    const v = cleanText(raw[f]);
    if (v === null) return null;
    const max = MAX_LENGTH[f];
    if (max && Array.from(v).length > max) {
      err(f, `内容过长（最多${max}个字），请精简`, `too long (at most ${max} characters)`);
      return null;
    }
    return v;
  };

  // name
  let name = text('name');
  if (name && isHan(name.replace(/ /g, ''))) name = name.replace(/ /g, '');
  if (raw.name === undefined || (name === null && errors.length === 0)) {
    err('name', '姓名不能为空', 'the name is required');
  } else if (name && isDigitsOnly(name)) {
    err(
      'name',
      `姓名“${name}”不能是纯数字，请检查列是否错位`,
      `the name "${name}" is only digits: are the columns shifted?`,
    );
    name = null;
  }

  // ID number: the upsert key
  let idNumber: string | null = null;
  let sex: 'M' | 'F' | null = null;
  let birthDate: string | null = null;
  const idRaw = raw.idNumber ?? '';
  const id = checkIdNumber(idRaw, opts.today);
  if (!id.ok) {
    err('idNumber', id.message.zh, id.message.en);
  } else {
    idNumber = id.value;
    sex = id.sex;
    birthDate = id.birthDate;
    if (id.converted15) {
      warn(
        'idNumber',
        `15位旧号码已转换为18位：补“19”和校验位${id.value[17]}`,
        `the old 15-digit number was converted to 18 digits: added "19" and check character ${id.value[17]}`,
      );
    }
  }

  // typed sex and birth date: the ID's values win
  if (raw.sex !== undefined) {
    const typed = parseSex(raw.sex);
    const shown = cleanText(raw.sex);
    if (typed === null) {
      warn('sex', `无法识别的性别“${shown}”，已忽略`, `unknown sex "${shown}": ignored`);
    } else if (sex && typed !== sex) {
      warn(
        'sex',
        `性别“${shown}”与身份证号不符，已按身份证号取“${sex === 'M' ? '男' : '女'}”`,
        `sex "${shown}" disagrees with the ID number: taken from the ID (${sex})`,
      );
    } else if (!sex) {
      sex = typed;
    }
  }
  if (raw.birthDate !== undefined) {
    const typed = parseLooseDate(raw.birthDate);
    const shown = cleanText(raw.birthDate);
    if (!typed) {
      warn('birthDate', `无法识别的日期“${shown}”，已忽略`, `unrecognised date "${shown}": ignored`);
    } else if (birthDate) {
      const derived =
        typed.precision === 'day' ? birthDate : birthDate.slice(0, typed.precision === 'month' ? 7 : 4);
      if (derived !== typed.value) {
        warn(
          'birthDate',
          `出生日期“${shown}”与身份证号不符，已按身份证号取${birthDate}`,
          `birth date "${shown}" disagrees with the ID number: taken from the ID (${birthDate})`,
        );
      }
    } else if (typed.precision === 'day') {
      birthDate = typed.value;
    }
  }

  // phone: a bad one is a warning, never a reason to drop the person
  let phone: string | null = null;
  if (raw.phone !== undefined) {
    const p = checkPhone(raw.phone);
    if (p.ok) {
      phone = p.value;
      if (p.warning) warn('phone', p.warning.zh, p.warning.en);
    } else {
      const parts = toHalfWidth(raw.phone)
        .split(/[,;、/|]|\s{2,}|或/)
        .map((x) => x.trim())
        .filter(Boolean);
      const firstOk = parts.length > 1 ? parts.map((x) => checkPhone(x)).find((x) => x.ok) : undefined;
      if (firstOk?.ok) {
        phone = firstOk.value;
        warn(
          'phone',
          `有多个号码，只导入了第一个有效号码 ${phone}`,
          `several numbers: imported the first valid one, ${phone}`,
        );
      } else {
        warn('phone', `${p.message.zh}，已留空`, `${p.message.en}: left empty`);
      }
    }
  }

  const coded = <T extends string>(f: ImportField, table: Map<string, T>, zhName: string): T | null => {
    const shown = cleanText(raw[f]);
    if (shown === null) return null;
    const c = table.get(labelKey(shown));
    if (c === undefined) {
      warn(
        f,
        `无法识别的${zhName}“${shown}”，已留空`,
        `unknown ${FIELD_LABELS[f][1]} "${shown}": left empty`,
      );
      return null;
    }
    return c;
  };

  function relation(): string | null {
    const shown = cleanText(raw.relationToHead);
    if (shown === null || !CHILD_LABELS.has(labelKey(shown)))
      return coded('relationToHead', RELATION_LABELS, '与户主关系');
    if (sex) return sex === 'M' ? 'son' : 'daughter';
    warn(
      'relationToHead',
      `“${shown}”无法确定是“子”还是“女”：请填写身份证号或性别，与户主关系已留空`,
      `"${shown}" does not say son or daughter: give the ID number or the sex; the relation was left empty`,
    );
    return null;
  }

  let ethnicity = text('ethnicity');
  if (ethnicity && ETHNIC_GROUPS.has(ethnicity)) ethnicity = `${ethnicity}族`;

  const person: NormalizedPerson = {
    name: name ?? '',
    idNumber,
    sex,
    birthDate,
    phone,
    ethnicity,
    registeredAddress: text('registeredAddress'),
    currentAddress: text('currentAddress'),
    relationToHead: relation(),
    residenceType: coded('residenceType', RESIDENCE_LABELS, '人员类别'),
    education: coded('education', EDUCATION_LABELS, '文化程度'),
    politicalStatus: coded('politicalStatus', POLITICAL_LABELS, '政治面貌'),
    employer: text('employer'),
    note: text('note'),
  };
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, person, warnings };
}

/** The key a file's rows are de-duplicated and upserted on: the ID number. */
export function dedupeKey(p: NormalizedPerson): string {
  return p.idNumber ?? `name:${p.name}`;
}

/** The error for a second occurrence of the same person in one file. */
export function duplicateError(
  rowNo: number,
  firstRowNo: number,
  idColumn: string,
  lang: Lang = 'zh',
): ImportErrorT {
  return {
    row: rowNo,
    column: idColumn || (lang === 'zh' ? '身份证号' : 'ID number'),
    message: lang === 'zh' ? `与第${firstRowNo}行重复` : `duplicate of row ${firstRowNo}`,
    zh: `与第${firstRowNo}行重复`,
    en: `duplicate of row ${firstRowNo}`,
  };
}
