/**
 * The demo street every module's demo seed works on (demo mode only): the names and codes by
 * which a seed finds, in the database, the areas and accounts that other modules' seeds made.
 */
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

/**
 * The demo street, modelled on the seeds: 汨罗市 → 城关街道 with 9 communities, 友谊河 detailed
 * (the areas module's seed builds it; other seeds find its rows by these codes and names).
 */
export const DEMO = {
  district: { code: '430681', name: '汨罗市' },
  street: { code: '430681001', name: '城关街道' },
  detailed: '友谊河社区',
  communities: [
    '友谊河社区',
    '金盆社区',
    '建设路社区',
    '罗城社区',
    '高泉社区',
    '大众社区',
    '桃花社区',
    '新市社区',
    '汨水社区',
  ],
};
