import type { IMPORT_FIELDS } from '../../../../contract/registry.js';
import { headerTable, normalizeHeader } from '../../../engines/sheets/index.js';

export type ImportField = (typeof IMPORT_FIELDS)[number];

/**
 * Column titles seen in community ledgers (台账) for each import field: the registry's declaration,
 * handed to the sheets engine (`headerTable`), which finds the header row and maps the columns.
 * Matching is on the normalised title (see normalizeHeader): exact first, then "title contains
 * synonym" for the longer synonyms, so 本人联系电话 and 身份证号码（18位） still map.
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

/** The registry's ledger headers, as `readLedger` takes them. */
export const LEDGER_HEADERS = headerTable(HEADER_SYNONYMS);

/** The field one header names, or null. */
export const matchHeader = LEDGER_HEADERS.match;

/** Column → field for a header row (engines/sheets/headers.ts: exact titles first, one column a field). */
export const guessMapping = LEDGER_HEADERS.guess;

export { normalizeHeader };
