import { type ModuleManifest, perm } from '../../platform/module.js';
import { accountsRoutes } from './accounts.routes.js';
import { seedDemoAccounts } from './accounts.seed.js';

const P = (name: string, zh: string, en: string, sensitive = false) =>
  perm('accounts', name, zh, en, sensitive);

/** Accounts, roles and security settings: the security administrator's module. */
export const accountsModule: ModuleManifest = {
  name: 'accounts',
  duty: 'security',
  permissions: [
    P('user.read', '查看账户', 'View accounts'),
    P('user.create', '创建账户', 'Create accounts'),
    P('user.update', '编辑账户', 'Edit accounts'),
    P('user.disable', '停用/启用/解锁账户', 'Disable, enable and unlock accounts'),
    P('user.reset_password', '重置密码', 'Reset passwords', true),
    P('role.read', '查看角色', 'View roles'),
    P('role.manage', '管理自定义角色', 'Manage custom roles', true),
    P('role.assign', '为账户分配角色与数据范围', 'Assign roles and data scopes', true),
    P('setting.security', '安全策略设置', 'Security settings', true),
    // The second person of a grant the security administrator asks for (docs/security.md).
    perm(
      'accounts',
      'role.approve',
      '审批授权（业务、系统、审计权限）',
      'Approve grants of business, system and audit rights',
      true,
      'system',
    ),
  ],
  grants: {
    security_admin: [
      'user.read',
      'user.create',
      'user.update',
      'user.disable',
      'user.reset_password',
      'role.read',
      'role.manage',
      'role.assign',
      'setting.security',
    ],
    sys_admin: ['role.approve'],
  },
  routes: accountsRoutes,
  seedDemo: seedDemoAccounts,
};
