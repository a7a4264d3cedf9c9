import { toHalfWidth } from '../../../../contract/identifiers.js';
import type { IMPORT_FIELDS } from '../../../../contract/registry.js';

export type ImportField = (typeof IMPORT_FIELDS)[number];

/**
 * Column titles seen in community ledgers (台账) for each import field. Matching is on the
 * normalised title (see normalizeHeader): exact first, then "title contains synonym" for the
 * longer synonyms, so 本人联系电话 and 身份证号码（18位） still map.
 */
export const HEADER_SYNONYMS: Record<ImportField, string[]> = {
  name: ['姓名', '名字', '居民姓名', '人员姓名', '成员姓名', '姓名(户主及成员)', 'name'],
  idNumber: [
    '身份证号',
    '身份证号码',
    '公民身份号码',
    '公民身份证号码',
    '证件号码',
    '证件号',
    '身份证',
    '身份证件号码',
    '居民身份证号码',
    'idnumber',
    'idno',
  ],
  sex: ['性别', 'sex', 'gender'],
  ethnicity: ['民族', '族别', 'ethnicity'],
  birthDate: ['出生日期', '出生年月', '出生年月日', '生日', '出生时间', 'birthdate', 'dateofbirth'],
  phone: [
    '联系电话',
    '手机号',
    '手机号码',
    '电话',
    '电话号码',
    '联系方式',
    '手机',
    '联系手机',
    '本人电话',
    'phone',
    'mobile',
  ],
  registeredAddress: ['户籍地址', '户籍地', '户口所在地', '户籍所在地', '户籍详址', '户籍住址', '户口地址'],
  currentAddress: [
    '现住址',
    '居住地址',
    '现居住地址',
    '现住地址',
    '实际居住地址',
    '居住地',
    '现居住地',
    '住址',
    '地址',
  ],
  relationToHead: ['与户主关系', '与户主关系名称', '与户主的关系', '家庭关系', '关系'],
  residenceType: ['人员类别', '人员类型', '人口类别', '人口类型', '居住类型', '户籍类型'],
  education: ['文化程度', '学历', '最高学历', '受教育程度'],
  politicalStatus: ['政治面貌'],
  employer: ['工作单位', '服务处所', '工作单位及职务', '就业单位', '单位'],
  note: ['备注', '说明', '备注说明', 'note', 'remark', 'remarks'],
};

/**
 * Half-width, lower-case, without spaces, '*', '#', ':' and bracketed decorations such as
 * （必填）, (选填), 【必填】, (18位).
 */
export function normalizeHeader(h: string | null | undefined): string {
  if (!h) return '';
  return toHalfWidth(String(h))
    .replace(/[(【[<《][^)】\]>》]*[)】\]>》]/g, '')
    .replace(/[\s*＊#:：·.、\-_]/g, '')
    .replace(/^\d+/, '')
    .toLowerCase();
}

const EXACT = new Map<string, ImportField>();
const CONTAINS: [string, ImportField][] = [];
for (const [field, names] of Object.entries(HEADER_SYNONYMS) as [ImportField, string[]][]) {
  for (const n of names) {
    const k = normalizeHeader(n);
    if (!EXACT.has(k)) EXACT.set(k, field);
    if (Array.from(k).length >= 3) CONTAINS.push([k, field]);
  }
}
// longest synonym first: 户籍地址 before 地址, 身份证号码 before 身份证
CONTAINS.sort((a, b) => b[0].length - a[0].length);

function matchExact(h: string | null | undefined): ImportField | null {
  return EXACT.get(normalizeHeader(h)) ?? null;
}

function matchContains(h: string | null | undefined): ImportField | null {
  const k = normalizeHeader(h);
  if (!k) return null;
  for (const [syn, field] of CONTAINS) if (k.includes(syn)) return field;
  return null;
}

/** The field one header names, or null. */
export function matchHeader(h: string | null | undefined): ImportField | null {
  return matchExact(h) ?? matchContains(h);
}

/**
 * Column → field for a header row. Exact titles claim their field first, then titles that
 * contain a synonym; a field goes to one column only (the first).
 */
export function guessMapping(headers: string[]): (ImportField | null)[] {
  const out: (ImportField | null)[] = headers.map(() => null);
  const taken = new Set<ImportField>();
  for (const match of [matchExact, matchContains]) {
    headers.forEach((h, i) => {
      if (out[i]) return;
      const f = match(h);
      if (f && !taken.has(f)) {
        taken.add(f);
        out[i] = f;
      }
    });
  }
  return out;
}
