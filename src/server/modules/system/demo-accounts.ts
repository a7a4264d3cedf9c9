/** The demo accounts the README lists (password Jiayuan@2026); created by the demo seed. */
export const DEMO_PASSWORD = 'Jiayuan@2026';

export const DEMO_ACCOUNTS: { username: string; displayName: string; role: string }[] = [
  { username: 'street_admin', displayName: '王建国', role: 'street_admin' },
  { username: 'community_admin', displayName: '李秀英', role: 'community_secretary' },
  { username: 'community_worker', displayName: '张丽', role: 'community_worker' },
  { username: 'grid_a', displayName: '刘洋', role: 'grid_worker' },
  { username: 'grid_b', displayName: '陈静', role: 'grid_worker' },
  { username: 'compound_head', displayName: '赵国强', role: 'compound_head' },
  { username: 'building_head', displayName: '周桂兰', role: 'building_head' },
  { username: 'volunteer', displayName: '吴晓明', role: 'volunteer' },
  { username: 'party_member', displayName: '孙志刚', role: 'party_member' },
  { username: 'cobuild_unit', displayName: '汨罗市供电公司', role: 'cobuild_unit' },
  { username: 'resident', displayName: '黄美华', role: 'resident' },
  { username: 'sys_admin', displayName: '系统管理员', role: 'sys_admin' },
  { username: 'security_admin', displayName: '安全管理员', role: 'security_admin' },
  { username: 'audit_admin', displayName: '审计管理员', role: 'audit_admin' },
];
