/** Chinese texts of the workbench's lists part (issue 16); spread into `zh` in messages.zh-CN.ts. */
export const listsZh = {
  'lists.children.title': '{name}的下级区域',
  'lists.staff.title': '{name}的工作人员',
  'lists.grants.title': '待审批的授权',
  'lists.roles.title': '角色与权限',
  'lists.roles.permissions': '权限（文字）',
  'lists.rules.title': '走访规则',
  'lists.pairs.title': '结对关系',
  'lists.open311.title': 'Open311 接入密钥',
} as const;
