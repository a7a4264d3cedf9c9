import { ACTION_LABELS, CASE_ACTIONS } from './cases.js';

/**
 * The audit log in words (issue 16): every action an entry records has a name (the filter's
 * choices, searchable in Chinese) and a sentence, in both languages. A sentence's placeholders
 * are filled by the audit presenter: `{actor}` (the operator's name), `{target}` (what was acted
 * on, in words: "区域 友谊河社区 / 第一网格", "案件 E2026-000123") and fields of the entry's
 * detail (`{assignee}`, `{rows}` …). A placeholder with nothing to fill is dropped.
 */
export interface AuditActionWords {
  zh: string;
  en: string;
  sentenceZh: string;
  sentenceEn: string;
}

const w = (zh: string, en: string, sentenceZh: string, sentenceEn: string): AuditActionWords => ({
  zh,
  en,
  sentenceZh,
  sentenceEn,
});

/** Case actions: how each reads in a sentence (the label of the action is the case engine's). */
const CASE_SENTENCES: Record<string, [string, string]> = {
  report: ['{actor} 上报了{target}', '{actor} reported {target}'],
  accept: ['{actor} 受理了{target}', '{actor} accepted {target}'],
  reject: ['{actor} 对{target}不予受理', '{actor} rejected {target}'],
  dispatch: ['{actor} 将{target}派遣给 {assignee}', '{actor} dispatched {target} to {assignee}'],
  sign: ['{actor} 签收了{target}', '{actor} signed for {target}'],
  return: ['{actor} 退回了{target}', '{actor} returned {target}'],
  feedback: ['{actor} 反馈了{target}的处置结果', '{actor} reported back on {target}'],
  verify: ['{actor} 核查了{target}：{passed}', '{actor} verified {target}: {passed}'],
  rate: ['{actor} 评价了{target}（{rating} 星）', '{actor} rated {target} ({rating} stars)'],
  extend_request: ['{actor} 为{target}申请延期', '{actor} asked to extend {target}'],
  extend_decide: [
    '{actor} 审批了{target}的延期申请：{approved}',
    '{actor} decided the extension of {target}: {approved}',
  ],
  suspend: ['{actor} 将{target}挂账', '{actor} put {target} on the pending list'],
  resume: ['{actor} 恢复办理{target}', '{actor} resumed {target}'],
  supervise: ['{actor} 督办了{target}', '{actor} supervised {target}'],
  remind: ['{actor} 催办了{target}', '{actor} sent a reminder on {target}'],
  reopen: ['{actor} 重新办理{target}', '{actor} reopened {target}'],
  comment: ['{actor} 为{target}添加了备注', '{actor} commented on {target}'],
  mediate: ['{actor} 记录了{target}的一次调解', '{actor} recorded a mediation session of {target}'],
  conclude: ['{actor} 登记了{target}的调解结果', '{actor} recorded the outcome of {target}'],
  follow_up: ['{actor} 回访了{target}', '{actor} followed up {target}'],
  set_public: [
    '{actor} 设置了{target}是否对外公开：{public}',
    '{actor} set whether {target} is public: {public}',
  ],
  escalate: [
    '系统对{target}发出超时预警（第 {level} 级）',
    'The system warned of the deadline of {target} (level {level})',
  ],
};

const caseActions: Record<string, AuditActionWords> = {};
for (const a of [...CASE_ACTIONS, 'report', 'escalate'] as const) {
  const label = ACTION_LABELS[a];
  const [sz, se] = CASE_SENTENCES[a] ?? [`{actor} ${label.zh}{target}`, `{actor}: ${label.en} {target}`];
  caseActions[`case.${a}`] = w(`案件${label.zh}`, `Case: ${label.en.toLowerCase()}`, sz, se);
}

/** Every action the platform and its modules write, by code. */
export const AUDIT_ACTIONS: Record<string, AuditActionWords> = {
  'auth.login': w('登录', 'Sign in', '{actor} 登录系统', '{actor} signed in'),
  'auth.logout': w('退出登录', 'Sign out', '{actor} 退出登录', '{actor} signed out'),
  'auth.mfa': w(
    '二次验证',
    'Second-step check',
    '{actor} 完成二次验证',
    '{actor} passed the second-step check',
  ),
  'auth.lockout': w(
    '登录锁定',
    'Sign-in lockout',
    '{actor} 多次登录失败，账号被暂时锁定',
    '{actor} was locked out after failed sign-ins',
  ),
  'auth.password_change': w(
    '修改密码',
    'Change password',
    '{actor} 修改了自己的密码',
    '{actor} changed their password',
  ),
  'auth.totp_setup': w(
    '设置动态口令',
    'Set up one-time codes',
    '{actor} 开始设置动态口令',
    '{actor} began setting up one-time codes',
  ),
  'auth.totp_enable': w(
    '启用动态口令',
    'Turn on one-time codes',
    '{actor} 启用了动态口令',
    '{actor} turned on one-time codes',
  ),
  'auth.totp_disable': w(
    '停用动态口令',
    'Turn off one-time codes',
    '{actor} 停用了动态口令',
    '{actor} turned off one-time codes',
  ),
  'auth.unlock_address': w(
    '解除地址锁定',
    'Unlock an address',
    '{actor} 解除了来源地址 {target} 的登录锁定',
    '{actor} unlocked sign-ins from {target}',
  ),

  'area.create': w('新建区域', 'Create an area', '{actor} 新建了{target}', '{actor} created {target}'),
  'area.update': w('修改区域', 'Edit an area', '{actor} 修改了{target}', '{actor} edited {target}'),
  'area.move': w('调整区域归属', 'Move an area', '{actor} 调整了{target}的上级', '{actor} moved {target}'),
  'area.archive': w('归档区域', 'Archive an area', '{actor} 归档了{target}', '{actor} archived {target}'),
  'area.restore': w('恢复区域', 'Restore an area', '{actor} 恢复了{target}', '{actor} restored {target}'),
  'area.delete': w('删除区域', 'Delete an area', '{actor} 删除了{target}', '{actor} deleted {target}'),

  'user.create': w('新建用户', 'Create a user', '{actor} 新建了{target}', '{actor} created {target}'),
  'user.update': w('修改用户', 'Edit a user', '{actor} 修改了{target}', '{actor} edited {target}'),
  'user.disable': w('停用用户', 'Disable a user', '{actor} 停用了{target}', '{actor} disabled {target}'),
  'user.enable': w('启用用户', 'Enable a user', '{actor} 启用了{target}', '{actor} enabled {target}'),
  'user.unlock': w('解锁用户', 'Unlock a user', '{actor} 解锁了{target}', '{actor} unlocked {target}'),
  'user.reset_password': w(
    '重置密码',
    'Reset a password',
    '{actor} 重置了{target}的密码',
    "{actor} reset {target}'s password",
  ),
  'role.create': w('新建角色', 'Create a role', '{actor} 新建了{target}', '{actor} created {target}'),
  'role.update': w('修改角色', 'Edit a role', '{actor} 修改了{target}', '{actor} edited {target}'),
  'role.delete': w('删除角色', 'Delete a role', '{actor} 删除了{target}', '{actor} deleted {target}'),
  'role.assign': w(
    '授予角色',
    'Assign a role',
    '{actor} 授予{target}角色“{role}”（{areaName}）',
    '{actor} gave {target} the role "{role}" at {areaName}',
  ),
  'role.request': w(
    '申请授予角色',
    'Request a role',
    '{actor} 申请授予{target}角色“{role}”（{areaName}），待第二人审批',
    '{actor} asked to give {target} the role "{role}" at {areaName}, awaiting a second person',
  ),
  'role.approve': w(
    '批准授权',
    'Approve a grant',
    '{actor} 批准授予{target}角色“{role}”（{areaName}）',
    '{actor} approved the role "{role}" at {areaName} for {target}',
  ),
  'role.reject': w(
    '驳回授权',
    'Reject a grant',
    '{actor} 驳回了授予{target}角色“{role}”的申请',
    '{actor} rejected the role "{role}" for {target}',
  ),
  'role.unassign': w(
    '收回角色',
    'Remove a role',
    '{actor} 收回了{target}的角色“{role}”（{areaName}）',
    '{actor} removed the role "{role}" at {areaName} from {target}',
  ),
  'setting.security': w(
    '修改安全设置',
    'Change security settings',
    '{actor} 修改了安全设置',
    '{actor} changed the security settings',
  ),

  'person.create': w(
    '登记人员',
    'Register a person',
    '{actor} 登记了{target}',
    '{actor} registered {target}',
  ),
  'person.update': w(
    '修改人员信息',
    'Edit a person',
    '{actor} 修改了{target}的信息',
    "{actor} edited {target}'s record",
  ),
  'person.move': w(
    '人员迁入迁出',
    'Move a person',
    '{actor} 调整了{target}的居住地',
    '{actor} moved {target}',
  ),
  'person.reveal': w(
    '查看完整信息',
    'Reveal personal data',
    '{actor} 查看了{target}的完整{field}，事由：{purpose}',
    "{actor} revealed {target}'s full {field}; purpose: {purpose}",
  ),
  'person.search.identifier': w(
    '按证件号查找人员',
    'Search by identifier',
    '{actor} 按完整{kind}查找人员',
    '{actor} searched people by a whole {kind}',
  ),
  'person.export': w(
    '导出实有人口',
    'Export people',
    '{actor} 导出了实有人口台账（{rows} 条）',
    '{actor} exported the people ledger ({rows} rows)',
  ),
  'person.import': w(
    '导入实有人口',
    'Import people',
    '{actor} 导入了台账“{fileName}”（共 {total} 行）',
    '{actor} imported the ledger "{fileName}" ({total} rows)',
  ),
  'person.import.errors': w(
    '下载导入错误表',
    'Download import errors',
    '{actor} 下载了导入错误表（{rows} 行）',
    '{actor} downloaded the import error sheet ({rows} rows)',
  ),
  'person.id.handover': w(
    '身份证号接续',
    'ID number handed over',
    '{target}的身份证号由新登记接续',
    "{target}'s ID number was taken over by a new record",
  ),
  'person.tag.add': w(
    '添加关爱关注',
    'Add a care tag',
    '{actor} 为{target}添加了标签“{tag}”',
    '{actor} tagged {target} "{tag}"',
  ),
  'person.tag.update': w(
    '修改关爱关注',
    'Edit a care tag',
    '{actor} 修改了{target}的标签“{tag}”',
    '{actor} edited the tag "{tag}" of {target}',
  ),
  'person.tag.remove': w(
    '移除关爱关注',
    'Remove a care tag',
    '{actor} 移除了{target}的标签“{tag}”',
    '{actor} removed the tag "{tag}" from {target}',
  ),
  'household.create': w(
    '登记户',
    'Register a household',
    '{actor} 登记了{target}',
    '{actor} registered {target}',
  ),
  'household.update': w('修改户', 'Edit a household', '{actor} 修改了{target}', '{actor} edited {target}'),
  'house.update': w('修改房屋', 'Edit a house', '{actor} 修改了{target}的信息', '{actor} edited {target}'),
  'house.rental.create': w(
    '登记出租',
    'Register a rental',
    '{actor} 登记了{target}的出租',
    '{actor} registered a rental of {target}',
  ),
  'org.create': w(
    '登记组织',
    'Register an organisation',
    '{actor} 登记了{target}',
    '{actor} registered {target}',
  ),
  'org.update': w('修改组织', 'Edit an organisation', '{actor} 修改了{target}', '{actor} edited {target}'),

  ...caseActions,
  'case.reveal': w(
    '查看案件当事人信息',
    'Reveal case personal data',
    '{actor} 查看了{target}的完整{field}，事由：{purpose}',
    '{actor} revealed the full {field} on {target}; purpose: {purpose}',
  ),
  'case_limit.set': w(
    '设置办理时限',
    'Set a time limit',
    '{actor} 设置了办理时限',
    '{actor} set a time limit',
  ),
  'case_limit.delete': w(
    '删除办理时限',
    'Remove a time limit',
    '{actor} 删除了一条办理时限',
    '{actor} removed a time limit',
  ),
  'calendar.update': w(
    '修改工作日历',
    'Edit the work calendar',
    '{actor} 修改了工作日历',
    '{actor} edited the work calendar',
  ),
  'calendar.office_hours': w(
    '修改办公时间',
    'Edit office hours',
    '{actor} 修改了办公时间',
    '{actor} edited the office hours',
  ),
  'open311_key.create': w(
    '新建接入密钥',
    'Create an access key',
    '{actor} 新建了外部接入密钥“{name}”',
    '{actor} created the access key "{name}"',
  ),
  'open311_key.revoke': w(
    '吊销接入密钥',
    'Revoke an access key',
    '{actor} 吊销了外部接入密钥“{name}”',
    '{actor} revoked the access key "{name}"',
  ),

  'visit_rule.create': w(
    '新建走访规则',
    'Create a visit rule',
    '{actor} 新建了走访规则',
    '{actor} created a visit rule',
  ),
  'visit_rule.update': w(
    '修改走访规则',
    'Edit a visit rule',
    '{actor} 修改了走访规则',
    '{actor} edited a visit rule',
  ),
  'visit_pair.create': w(
    '新建结对',
    'Pair a worker',
    '{actor} 新建了结对关系',
    '{actor} paired a worker with a resident',
  ),
  'visit_pair.delete': w('解除结对', 'Unpair a worker', '{actor} 解除了结对关系', '{actor} ended a pairing'),
  'visit.record': w(
    '记录走访',
    'Record a visit',
    '{actor} 记录了一次走访{target}',
    '{actor} recorded a visit {target}',
  ),
  'patrol.start': w('开始巡查', 'Start a patrol', '{actor} 开始巡查', '{actor} started a patrol'),
  'patrol.points': w(
    '上传巡查轨迹',
    'Upload patrol track',
    '{actor} 上传了巡查轨迹（{added} 个点）',
    '{actor} uploaded a patrol track ({added} points)',
  ),
  'patrol.finish': w('结束巡查', 'Finish a patrol', '{actor} 结束了巡查', '{actor} finished a patrol'),

  'dashboard.export': w(
    '导出统计报表',
    'Export the dashboard',
    '{actor} 导出了统计报表',
    '{actor} exported the dashboard',
  ),
  'audit.verify': w(
    '校验审计日志',
    'Verify the audit log',
    '{actor} 校验了审计日志哈希链',
    '{actor} verified the audit hash chain',
  ),
  'audit.export': w(
    '导出审计日志',
    'Export the audit log',
    '{actor} 导出了审计日志（{rows} 条）',
    '{actor} exported the audit log ({rows} rows)',
  ),
  'system.bootstrap': w(
    '系统初始化',
    'System set up',
    '系统创建了首个管理员{target}',
    'The system created the first administrator {target}',
  ),
  'system.seed_demo': w(
    '生成演示数据',
    'Demo data seeded',
    '系统生成了演示数据',
    'The system seeded the demo data',
  ),
  'system.duty_conflicts': w(
    '三权分立冲突',
    'Duty conflicts found',
    '系统发现有账号同时持有相互冲突的职责',
    'The system found accounts holding conflicting duties',
  ),
};

/** The words of an action; an action nobody described reads as "other operation", never as its code. */
export function auditActionWords(action: string): AuditActionWords {
  return (
    AUDIT_ACTIONS[action] ??
    w(
      '其他操作',
      'Other operation',
      '{actor} 进行了一项操作{target}',
      '{actor} performed an operation {target}',
    )
  );
}

/** What an entry's entity is, in words ("区域 …", "user …"). */
export const AUDIT_ENTITY_TYPES: Record<string, { zh: string; en: string }> = {
  area: { zh: '区域', en: 'area' },
  user: { zh: '用户', en: 'user' },
  role: { zh: '角色', en: 'role' },
  person: { zh: '人员', en: 'person' },
  household: { zh: '户', en: 'household' },
  house: { zh: '房屋', en: 'house' },
  organisation: { zh: '组织', en: 'organisation' },
  case: { zh: '案件', en: 'case' },
  import: { zh: '导入批次', en: 'import' },
  visit: { zh: '走访', en: 'visit' },
  visit_rule: { zh: '走访规则', en: 'visit rule' },
  visit_pair: { zh: '结对', en: 'pairing' },
  patrol: { zh: '巡查', en: 'patrol' },
  case_limit: { zh: '办理时限', en: 'time limit' },
  calendar: { zh: '工作日历', en: 'work calendar' },
  setting: { zh: '设置', en: 'setting' },
  settings: { zh: '设置', en: 'settings' },
  open311_key: { zh: '接入密钥', en: 'access key' },
  address: { zh: '来源地址', en: 'address' },
};

/** Labels of the fields an entry's changes and detail carry (any module's audit views). */
export const AUDIT_FIELDS: Record<string, { zh: string; en: string }> = {
  name: { zh: '名称', en: 'Name' },
  kind: { zh: '类别', en: 'Kind' },
  code: { zh: '编码', en: 'Code' },
  status: { zh: '状态', en: 'Status' },
  parentId: { zh: '上级区域', en: 'Parent area' },
  areaId: { zh: '所属区域', en: 'Area' },
  areaName: { zh: '区域', en: 'Area' },
  sortOrder: { zh: '排序', en: 'Order' },
  boundary: { zh: '边界', en: 'Boundary' },
  username: { zh: '登录名', en: 'Username' },
  displayName: { zh: '姓名', en: 'Name' },
  phone: { zh: '联系电话', en: 'Phone' },
  idNumber: { zh: '公民身份号码', en: 'ID number' },
  sex: { zh: '性别', en: 'Sex' },
  birthDate: { zh: '出生日期', en: 'Birth date' },
  ethnicity: { zh: '民族', en: 'Ethnicity' },
  education: { zh: '文化程度', en: 'Education' },
  politicalStatus: { zh: '政治面貌', en: 'Political status' },
  employer: { zh: '工作单位', en: 'Employer' },
  residenceType: { zh: '人口类型', en: 'Residence type' },
  registeredAddress: { zh: '户籍地址', en: 'Registered address' },
  currentAddress: { zh: '现住址', en: 'Current address' },
  householdId: { zh: '所属户', en: 'Household' },
  headPersonId: { zh: '户主', en: 'Head of household' },
  houseId: { zh: '房屋', en: 'House' },
  relationToHead: { zh: '与户主关系', en: 'Relation to head' },
  floatingRegisteredOn: { zh: '暂住登记日期', en: 'Temporary residence registered' },
  floatingExpiresOn: { zh: '暂住登记到期', en: 'Temporary residence expires' },
  inflowReason: { zh: '流入原因', en: 'Reason for moving here' },
  floatingResidenceKind: { zh: '居住方式', en: 'Residence kind' },
  healthArchive: { zh: '健康档案', en: 'Health record' },
  note: { zh: '备注', en: 'Note' },
  use: { zh: '房屋用途', en: 'House use' },
  ownerPersonId: { zh: '产权人', en: 'Owner' },
  floorArea: { zh: '建筑面积', en: 'Floor area' },
  creditCode: { zh: '统一社会信用代码', en: 'Credit code' },
  address: { zh: '地址', en: 'Address' },
  contactName: { zh: '联系人', en: 'Contact' },
  contactPhone: { zh: '联系电话', en: 'Contact phone' },
  permissions: { zh: '权限', en: 'Permissions' },
  role: { zh: '角色', en: 'Role' },
  tag: { zh: '标签', en: 'Tag' },
  no: { zh: '案件编号', en: 'Case number' },
  type: { zh: '案件类型', en: 'Case type' },
  category: { zh: '类别', en: 'Category' },
  channel: { zh: '来源渠道', en: 'Channel' },
  from: { zh: '原状态', en: 'From' },
  to: { zh: '新状态', en: 'To' },
  assignee: { zh: '处置人', en: 'Assignee' },
  department: { zh: '处置部门', en: 'Department' },
  passed: { zh: '核查通过', en: 'Passed' },
  approved: { zh: '批准', en: 'Approved' },
  rating: { zh: '评价', en: 'Rating' },
  reason: { zh: '原因', en: 'Reason' },
  outcome: { zh: '调解结果', en: 'Outcome' },
  agreement: { zh: '协议内容', en: 'Agreement' },
  referredTo: { zh: '移交单位', en: 'Referred to' },
  dueAt: { zh: '办理期限', en: 'Due' },
  amount: { zh: '延期数量', en: 'Amount' },
  unit: { zh: '单位', en: 'Unit' },
  level: { zh: '级别', en: 'Level' },
  public: { zh: '对外公开', en: 'Public' },
  field: { zh: '查看项', en: 'Field' },
  purpose: { zh: '事由', en: 'Purpose' },
  rows: { zh: '行数', en: 'Rows' },
  capped: { zh: '超出上限被截断', en: 'Capped' },
  query: { zh: '筛选条件', en: 'Filters' },
  fileName: { zh: '文件名', en: 'File name' },
  total: { zh: '总行数', en: 'Total rows' },
  failed: { zh: '失败行数', en: 'Failed rows' },
  created: { zh: '新增', en: 'Created' },
  updated: { zh: '更新', en: 'Updated' },
  skipped: { zh: '跳过', en: 'Skipped' },
  ok: { zh: '校验通过', en: 'Intact' },
  checked: { zh: '已校验条数', en: 'Entries checked' },
  firstBrokenSeq: { zh: '首个断点序号', en: 'First broken entry' },
  mfaPending: { zh: '待二次验证', en: 'Second step pending' },
  added: { zh: '新增点数', en: 'Points added' },
  date: { zh: '日期', en: 'Date' },
  place: { zh: '地点', en: 'Place' },
  method: { zh: '方式', en: 'Method' },
  participants: { zh: '参加人员', en: 'Participants' },
  notes: { zh: '记录', en: 'Notes' },
  days: { zh: '天数', en: 'Days' },
  periods: { zh: '时段', en: 'Periods' },
  figures: { zh: '指标数', en: 'Figures' },
  tail: { zh: '密钥尾号', en: 'Key ending' },
  users: { zh: '用户数', en: 'Users' },
  module: { zh: '模块', en: 'Module' },
  stage: { zh: '办理阶段', en: 'Stage' },
  personId: { zh: '人员', en: 'Person' },
  userId: { zh: '用户', en: 'User' },
  ruleId: { zh: '走访规则', en: 'Visit rule' },
  successorId: { zh: '接续的新登记', en: 'Successor record' },
  duplicateOfId: { zh: '重复的案件', en: 'Duplicate of' },
  assigneeUserId: { zh: '处置人', en: 'Assignee' },
  returnedBy: { zh: '退回人', en: 'Returned by' },
  onBehalf: { zh: '代为评价', en: 'On behalf' },
  pendingDuplicateOf: { zh: '待接续的重复登记', en: 'Pending duplicate of' },
  plans: { zh: '生成的走访计划', en: 'Plans made' },
  assignmentId: { zh: '授权记录', en: 'Assignment' },
  people: { zh: '人数', en: 'People' },
  households: { zh: '户数', en: 'Households' },
  houses: { zh: '房屋数', en: 'Houses' },
  rentals: { zh: '出租登记数', en: 'Rentals' },
  tags: { zh: '标签数', en: 'Tags' },
  organisations: { zh: '组织数', en: 'Organisations' },
  cases: { zh: '案件数', en: 'Cases' },
  visits: { zh: '走访数', en: 'Visits' },
  patrols: { zh: '巡查数', en: 'Patrols' },
  accounts: { zh: '账号', en: 'Accounts' },
  conflict: { zh: '冲突', en: 'Conflict' },
  title: { zh: '标题', en: 'Title' },
  urgency: { zh: '紧急程度', en: 'Urgency' },
  description: { zh: '描述', en: 'Description' },
};

/** Area kinds in words (the web has its own copy in its messages; the server needs them for the audit log). */
export const AREA_KIND_WORDS: Record<string, { zh: string; en: string }> = {
  district: { zh: '区县', en: 'District' },
  street: { zh: '街道', en: 'Street' },
  community: { zh: '社区', en: 'Community' },
  grid: { zh: '网格', en: 'Grid' },
  compound: { zh: '小区', en: 'Compound' },
  group: { zh: '居民小组', en: 'Residents group' },
  building: { zh: '楼栋', en: 'Building' },
  unit: { zh: '单元', en: 'Unit' },
  house: { zh: '房屋', en: 'House' },
};
