import type { Role } from '../../../contract/roles.js';
import type { UserSummary } from '../../../contract/users.js';
import type { Actor } from '../../platform/access/actor.js';
import type { UserRecord } from './accounts.repository.js';

const USER_ACTIONS = ['update', 'disable', 'reset_password'] as const;

export function presentUser(u: UserRecord, actor: Actor, lang: 'zh' | 'en'): UserSummary {
  const abilities: string[] = actor.abilitiesAt('user', USER_ACTIONS, u.areaPath);
  if (actor.canAt('role.assign', u.areaPath) && u.id !== actor.userId) abilities.push('assign_role');
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    areaId: u.areaId,
    areaName: u.areaName,
    status: u.status === 'active' && u.locked ? 'locked' : u.status,
    roles: u.roles.map((r) => ({
      assignmentId: r.assignmentId,
      role: r.role,
      roleName: lang === 'zh' ? r.roleName : r.roleNameEn,
      areaId: r.areaId,
      areaName: r.areaName,
    })),
    totpEnabled: u.totpEnabled,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
    version: u.version,
    abilities,
  };
}

export function presentRole(
  r: {
    id: number;
    code: string;
    nameZh: string;
    nameEn: string;
    builtin: boolean;
    adminKind: string | null;
    permissions: string[];
    userCount: number;
    version: number;
  },
  actor: Actor,
): Role {
  return {
    ...r,
    adminKind: r.adminKind as Role['adminKind'],
    abilities: actor.can('role.manage') && !r.builtin ? ['update', 'delete'] : [],
  };
}
