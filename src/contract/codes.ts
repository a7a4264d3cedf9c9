/**
 * Code tables the registry and later modules use, as data, each with its source
 * (STANDARDS.md). Keys are stable codes stored in the database; labels are zh/en.
 */
export interface Code {
  code: string;
  zh: string;
  en: string;
}

const table = (rows: [string, string, string][]): Code[] => rows.map(([code, zh, en]) => ({ code, zh, en }));

/** Residence type of a person (DOMAIN §3). */
export const RESIDENCE_TYPES = table([
  ['registered', '户籍人口', 'Registered'],
  ['resident', '常住人口', 'Resident'],
  ['floating', '流动人口', 'Floating'],
]);

/** House use (DOMAIN §3). */
export const HOUSE_USES = table([
  ['owner', '自住', 'Owner-occupied'],
  ['rental', '出租', 'Rented out'],
  ['vacant', '空置', 'Vacant'],
  ['commercial', '商用', 'Commercial'],
]);

/** Rental use (GB/T 31000-2015). */
export const RENTAL_USES = table([
  ['housing', '住房', 'Housing'],
  ['dormitory', '宿舍', 'Dormitory'],
  ['shop', '商铺', 'Shop'],
  ['office', '办公', 'Office'],
  ['warehouse', '仓库', 'Warehouse'],
  ['factory', '厂房', 'Factory'],
]);

/** Residence kind of floating people (GB/T 31000-2015). */
export const FLOATING_RESIDENCE_KINDS = table([
  ['bought', '自购', 'Own home'],
  ['rented', '租赁', 'Rented'],
  ['lodging', '寄宿', 'Lodging'],
  ['staying', '借住', 'Staying with others'],
  ['unit_dorm', '单位宿舍', 'Employer dormitory'],
  ['temp_dorm', '临时宿舍', 'Temporary dormitory'],
]);

/** Inflow reasons of floating people (GB/T 31000-2015, abridged). */
export const INFLOW_REASONS = table([
  ['work', '务工', 'Work'],
  ['business', '经商', 'Business'],
  ['family', '投亲靠友', 'Family and friends'],
  ['study', '学习', 'Study'],
  ['other', '其他', 'Other'],
]);

/** Relation to the head of household (GB/T 4761, abridged). */
export const RELATIONS = table([
  ['head', '户主', 'Head'],
  ['spouse', '配偶', 'Spouse'],
  ['son', '子', 'Son'],
  ['daughter', '女', 'Daughter'],
  ['father', '父亲', 'Father'],
  ['mother', '母亲', 'Mother'],
  ['grandchild', '孙子女', 'Grandchild'],
  ['sibling', '兄弟姐妹', 'Sibling'],
  ['in_law', '儿媳/女婿', 'Child-in-law'],
  ['other', '其他', 'Other'],
]);

export const EDUCATION = table([
  ['none', '未上学', 'None'],
  ['primary', '小学', 'Primary'],
  ['junior', '初中', 'Junior secondary'],
  ['senior', '高中/中专', 'Senior secondary'],
  ['college', '大专', 'College'],
  ['bachelor', '本科', 'Bachelor'],
  ['postgraduate', '研究生', 'Postgraduate'],
]);

export const POLITICAL_STATUS = table([
  ['cpc', '中共党员', 'CPC member'],
  ['cpc_probation', '中共预备党员', 'CPC probationary member'],
  ['league', '共青团员', 'CYL member'],
  ['democratic', '民主党派', 'Democratic party member'],
  ['masses', '群众', 'None (masses)'],
]);

export const SEXES = table([
  ['M', '男', 'Male'],
  ['F', '女', 'Female'],
]);

/** Organisation kinds (DOMAIN §3). */
export const ORG_KINDS = table([
  ['cobuild', '共建单位', 'Co-building unit'],
  ['enterprise', '企业', 'Enterprise'],
  ['market', '市场', 'Market'],
  ['social', '社会组织', 'Social organisation'],
  ['team', '群众队伍', 'Residents team'],
]);

/** GB/T 31000-2015 key-youth types. */
export const KEY_YOUTH_TYPES = table([
  ['01', '闲散青少年', 'Idle youth'],
  ['02', '有不良行为或严重不良行为青少年', 'Youth with misconduct'],
  ['03', '流浪乞讨未成年人', 'Homeless minors'],
  ['04', '服刑人员未成年子女', 'Minor children of prisoners'],
  ['05', '农村留守儿童', 'Left-behind children'],
  ['99', '其他', 'Other'],
]);

/** GB/T 31000-2015 community-correction categories. */
export const CORRECTION_CATEGORIES = table([
  ['01', '管制', 'Public surveillance'],
  ['02', '缓刑', 'Probation'],
  ['03', '假释', 'Parole'],
  ['04', '暂予监外执行', 'Temporary service outside prison'],
  ['05', '剥夺政治权利', 'Deprivation of political rights'],
]);

export const DISABILITY_KINDS = table([
  ['visual', '视力残疾', 'Visual'],
  ['hearing', '听力残疾', 'Hearing'],
  ['speech', '言语残疾', 'Speech'],
  ['physical', '肢体残疾', 'Physical'],
  ['intellectual', '智力残疾', 'Intellectual'],
  ['mental', '精神残疾', 'Mental'],
  ['multiple', '多重残疾', 'Multiple'],
]);

export const MENTAL_RISK_LEVELS = table([
  ['0', '0级', 'Level 0'],
  ['1', '1级', 'Level 1'],
  ['2', '2级', 'Level 2'],
  ['3', '3级', 'Level 3'],
  ['4', '4级', 'Level 4'],
  ['5', '5级', 'Level 5'],
]);

export function label(codes: Code[], code: string | null | undefined, lang: 'zh' | 'en'): string {
  if (!code) return '';
  const c = codes.find((x) => x.code === code);
  return c ? c[lang] : code;
}
