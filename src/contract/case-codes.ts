/**
 * Code tables of the case types (STANDARDS.md "Case workflow and time limits", "Code tables"),
 * as data, each with its source. Stored codes are stable; labels are zh/en.
 */

/** A time limit: an amount of working minutes/hours/days, or calendar days. */
export type LimitUnit = 'wmin' | 'whour' | 'wday' | 'day';
export interface Limit {
  amount: number;
  unit: LimitUnit;
}
export const LIMIT_UNITS: { code: LimitUnit; zh: string; en: string }[] = [
  { code: 'wmin', zh: '工作分钟', en: 'working minutes' },
  { code: 'whour', zh: '工作小时', en: 'working hours' },
  { code: 'wday', zh: '工作日', en: 'working days' },
  { code: 'day', zh: '自然日', en: 'calendar days' },
];

export interface Category {
  code: string;
  /** Parent code; null for a top-level group. Cases are filed under leaves. */
  parent: string | null;
  zh: string;
  en: string;
  /** 处置时限 of the category (handling stage); leaves inherit their group's when absent. */
  handle?: Limit;
}

const c = (code: string, parent: string | null, zh: string, en: string, handle?: Limit): Category => ({
  code,
  parent,
  zh,
  en,
  ...(handle ? { handle } : {}),
});
const wd = (amount: number): Limit => ({ amount, unit: 'wday' });
const wh = (amount: number): Limit => ({ amount, unit: 'whour' });

/**
 * Grid event categories (网格事件). Source: the national digital urban-management parts and
 * events classification (部件事件分类) as local practice applies it; limits per STANDARDS.md
 * (exposed garbage 1 working day, accumulated garbage 4, dirty road 5 working hours, illegal
 * building 15 working days) and local defaults for the rest.
 */
export const EVENT_CATEGORIES: Category[] = [
  c('safety', null, '安全隐患', 'Safety hazards', wd(3)),
  c('safety.structure', 'safety', '房屋及构筑物安全', 'Unsafe buildings and structures', wd(3)),
  c('safety.gas', 'safety', '燃气安全', 'Gas safety', wh(4)),
  c('safety.electric', 'safety', '私拉乱接电线', 'Unsafe wiring', wd(2)),
  c('safety.ebike', 'safety', '电动车违规停放充电', 'E-bikes charged indoors or in corridors', wd(1)),
  c('fire', null, '消防安全', 'Fire safety', wd(2)),
  c('fire.hydrant', 'fire', '消防栓损坏', 'Damaged fire hydrant', wd(3)),
  c('fire.exit', 'fire', '消防通道堵塞', 'Blocked fire exit or lane', wh(4)),
  c('fire.extinguisher', 'fire', '灭火器缺失过期', 'Missing or expired extinguishers', wd(3)),
  c('environment', null, '环境卫生', 'Environment and sanitation', wd(1)),
  c('environment.exposed_garbage', 'environment', '暴露垃圾', 'Exposed garbage', wd(1)),
  c('environment.accumulated_garbage', 'environment', '积存垃圾渣土', 'Accumulated garbage', wd(4)),
  c('environment.dirty_road', 'environment', '道路不洁', 'Dirty road', wh(5)),
  c('environment.sewage', 'environment', '污水外溢', 'Sewage overflow', wd(1)),
  c('environment.green', 'environment', '绿地脏乱、毁绿', 'Neglected or damaged green space', wd(3)),
  c('order', null, '市容秩序', 'Street order', wd(1)),
  c('order.parking', 'order', '违章停车', 'Illegal parking', wh(2)),
  c('order.vending', 'order', '占道经营、流动摊贩', 'Street vending, occupied road', wh(4)),
  c('order.ads', 'order', '乱张贴、非法小广告', 'Illegal posters and flyers', wd(1)),
  c('order.building', 'order', '违法建设', 'Illegal building', wd(15)),
  c('facility', null, '设施损坏', 'Facility damage', wd(3)),
  c('facility.road', 'facility', '道路破损', 'Damaged road surface', wd(5)),
  c('facility.manhole', 'facility', '井盖缺失破损', 'Missing or broken manhole cover', wh(4)),
  c('facility.streetlight', 'facility', '路灯不亮', 'Street light out', wd(3)),
  c('facility.water', 'facility', '供水管道漏水', 'Water main leak', wd(1)),
  c('public_order', null, '治安问题', 'Public order', wd(1)),
  c('public_order.disturbance', 'public_order', '噪音扰民、聚众滋事', 'Noise and disturbance', wd(1)),
  c('public_order.rental', 'public_order', '出租屋治安隐患', 'Rental house security risk', wd(3)),
  c('public_order.suspicious', 'public_order', '可疑人员物品', 'Suspicious persons or objects', wh(2)),
  c('other', null, '其他', 'Other', wd(5)),
  c('other.other', 'other', '其他事件', 'Other event', wd(5)),
];

/**
 * Resident request categories (居民诉求). Source: hotline work orders (GB/T 33358 and local
 * rules, STANDARDS.md): emergencies the same day, consultation/help 3 working days,
 * suggestion/complaint/report 13 working days.
 */
export const REQUEST_CATEGORIES: Category[] = [
  c('emergency', null, '紧急求助', 'Emergency help', wh(4)),
  c('emergency.emergency', 'emergency', '紧急求助', 'Emergency help', wh(4)),
  c('consult', null, '咨询', 'Consultation', wd(3)),
  c('consult.policy', 'consult', '政策咨询', 'Policy question', wd(3)),
  c('consult.service', 'consult', '办事咨询', 'Service question', wd(3)),
  c('help', null, '求助', 'Help', wd(3)),
  c('help.living', 'help', '生活求助', 'Help with daily life', wd(3)),
  c('help.repair', 'help', '维修求助', 'Repairs', wd(3)),
  c('suggestion', null, '建议', 'Suggestion', wd(13)),
  c('suggestion.suggestion', 'suggestion', '意见建议', 'Suggestion', wd(13)),
  c('complaint', null, '投诉', 'Complaint', wd(13)),
  c('complaint.property', 'complaint', '物业投诉', 'Property management', wd(13)),
  c('complaint.noise', 'complaint', '噪音投诉', 'Noise', wd(13)),
  c('complaint.other', 'complaint', '其他投诉', 'Other complaint', wd(13)),
  c('report', null, '举报', 'Report', wd(13)),
  c('report.report', 'report', '举报', 'Report', wd(13)),
];

/**
 * Dispute types (事件类型) of GB/T 31000-2015 社会治安综合治理基础数据规范: 16 classes with
 * second-level codes (the sub-codes used in community mediation are listed; each class has a
 * 99 其他 sub-code). Mediation limit: 人民调解法 practice, 30 days unless agreed otherwise.
 */
export const DISPUTE_TYPES: Category[] = [
  c('01', null, '婚恋家庭纠纷', 'Marriage and family', { amount: 30, unit: 'day' }),
  c('0101', '01', '婚姻纠纷', 'Marriage'),
  c('0102', '01', '家庭纠纷', 'Family'),
  c('0103', '01', '继承纠纷', 'Inheritance'),
  c('0104', '01', '赡养抚养扶养纠纷', 'Support and maintenance'),
  c('0199', '01', '其他婚恋家庭纠纷', 'Other family'),
  c('02', null, '邻里纠纷', 'Neighbours', { amount: 30, unit: 'day' }),
  c('0201', '02', '相邻关系纠纷', 'Adjoining property'),
  c('0202', '02', '噪音扰民纠纷', 'Noise between neighbours'),
  c('0203', '02', '漏水纠纷', 'Water leaks'),
  c('0299', '02', '其他邻里纠纷', 'Other neighbour'),
  c('03', null, '人格权纠纷', 'Personality rights', { amount: 30, unit: 'day' }),
  c('0399', '03', '人格权纠纷', 'Personality rights'),
  c('04', null, '物权纠纷', 'Property rights', { amount: 30, unit: 'day' }),
  c('0401', '04', '所有权纠纷', 'Ownership'),
  c('0402', '04', '物业及其管理纠纷', 'Property management'),
  c('0499', '04', '其他物权纠纷', 'Other property rights'),
  c('05', null, '侵权纠纷', 'Torts', { amount: 30, unit: 'day' }),
  c('0501', '05', '人身损害赔偿纠纷', 'Personal injury'),
  c('0502', '05', '财产损害赔偿纠纷', 'Property damage'),
  c('0599', '05', '其他侵权纠纷', 'Other tort'),
  c('06', null, '合同纠纷', 'Contracts', { amount: 30, unit: 'day' }),
  c('0601', '06', '房屋租赁合同纠纷', 'House rental contracts'),
  c('0602', '06', '买卖合同纠纷', 'Sales contracts'),
  c('0699', '06', '其他合同纠纷', 'Other contract'),
  c('07', null, '劳动人事纠纷', 'Labour and personnel', { amount: 30, unit: 'day' }),
  c('0701', '07', '劳动报酬纠纷', 'Wages'),
  c('0702', '07', '工伤纠纷', 'Work injury'),
  c('0799', '07', '其他劳动人事纠纷', 'Other labour'),
  c('08', null, '金融借贷纠纷', 'Finance and loans', { amount: 30, unit: 'day' }),
  c('0801', '08', '民间借贷纠纷', 'Private loans'),
  c('0899', '08', '其他金融借贷纠纷', 'Other finance'),
  c('09', null, '土地及资源权属纠纷', 'Land and resource rights', { amount: 30, unit: 'day' }),
  c('0999', '09', '土地及资源权属纠纷', 'Land and resource rights'),
  c('10', null, '其他民商事纠纷', 'Other civil and commercial', { amount: 30, unit: 'day' }),
  c('1099', '10', '其他民商事纠纷', 'Other civil and commercial'),
  c('11', null, '城乡建设发展纠纷', 'Urban and rural development', { amount: 30, unit: 'day' }),
  c('1101', '11', '征收纠纷', 'Expropriation'),
  c('1102', '11', '拆违纠纷', 'Demolition of illegal building'),
  c('1103', '11', '市政市容纠纷', 'Municipal works and appearance'),
  c('1199', '11', '其他城乡建设发展纠纷', 'Other development'),
  c('12', null, '涉民政纠纷', 'Civil affairs', { amount: 30, unit: 'day' }),
  c('1299', '12', '涉民政纠纷', 'Civil affairs'),
  c('13', null, '其他行政执法纠纷', 'Other administrative enforcement', { amount: 30, unit: 'day' }),
  c('1399', '13', '其他行政执法纠纷', 'Other administrative enforcement'),
  c('14', null, '涉法涉诉纠纷', 'Litigation-related', { amount: 30, unit: 'day' }),
  c('1499', '14', '涉法涉诉纠纷', 'Litigation-related'),
  c('15', null, '涉组织涉纪检纠纷', 'Organisation and discipline', { amount: 30, unit: 'day' }),
  c('1599', '15', '涉组织涉纪检纠纷', 'Organisation and discipline'),
  c('16', null, '涉民族宗教纠纷', 'Ethnicity and religion', { amount: 30, unit: 'day' }),
  c('1699', '16', '涉民族宗教纠纷', 'Ethnicity and religion'),
];

/** 事件规模 of GB/T 31000-2015. */
export const DISPUTE_SCALES = [
  { code: '01', zh: '个体性', en: 'Individual' },
  { code: '02', zh: '一般群体性', en: 'Group' },
  { code: '03', zh: '重大群体性', en: 'Major group' },
];

export const PARTY_ROLES = [
  { code: 'applicant', zh: '申请人', en: 'Applicant' },
  { code: 'respondent', zh: '被申请人', en: 'Respondent' },
  { code: 'third', zh: '第三人', en: 'Third party' },
];

export const MEDIATION_METHODS = [
  { code: 'joint', zh: '面对面调解', en: 'Joint session' },
  { code: 'separate', zh: '背对背调解', en: 'Separate sessions' },
  { code: 'phone', zh: '电话调解', en: 'By phone' },
  { code: 'onsite', zh: '现场调解', en: 'On site' },
  { code: 'joint_bodies', zh: '联合调解', en: 'With other bodies' },
];

export const DISPUTE_OUTCOMES = [
  { code: 'agreement', zh: '调解成功，达成协议', en: 'Agreement reached' },
  { code: 'failed', zh: '调解不成', en: 'Mediation failed' },
  { code: 'referred', zh: '移交其他部门', en: 'Referred to another body' },
];

/** Where a case came from. */
export const CASE_CHANNELS = [
  { code: 'grid', zh: '网格员上报', en: 'Grid worker' },
  { code: 'staff', zh: '工作人员登记', en: 'Staff' },
  { code: 'resident', zh: '居民自主上报', en: 'Resident online' },
  { code: 'window', zh: '窗口受理', en: 'Service window' },
  { code: 'phone', zh: '电话受理', en: 'Phone' },
  { code: 'visit', zh: '走访发现', en: 'Found on a visit' },
  { code: 'open311', zh: 'Open311 接口', en: 'Open311' },
];

/** Leaves of a category tree: cases are filed under these. */
export function leaves(cats: Category[]): Category[] {
  const parents = new Set(cats.map((x) => x.parent).filter(Boolean));
  return cats.filter((x) => x.parent !== null && !parents.has(x.code));
}

/** The handling limit of a category: its own, or its group's. */
export function handleLimitOf(cats: Category[], code: string): Limit | undefined {
  const cat = cats.find((x) => x.code === code);
  if (!cat) return undefined;
  if (cat.handle) return cat.handle;
  return cat.parent ? handleLimitOf(cats, cat.parent) : undefined;
}
