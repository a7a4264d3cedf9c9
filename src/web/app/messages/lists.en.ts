import type { listsZh } from './lists.zh-CN.js';

/** English texts of the workbench's lists part; the type makes a missing key a compile error. */
export const listsEn: Record<keyof typeof listsZh, string> = {
  'lists.children.title': 'Areas under {name}',
  'lists.staff.title': 'Staff of {name}',
  'lists.grants.title': 'Grants awaiting approval',
  'lists.roles.title': 'Roles and permissions',
  'lists.roles.permissions': 'Permissions (in words)',
  'lists.rules.title': 'Visit rules',
  'lists.pairs.title': 'Visit pairs',
  'lists.open311.title': 'Open311 access keys',
};
