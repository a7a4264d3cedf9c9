import { DUTIES, type Role } from '../../../contract/roles.js';
import type { PendingGrant, UserSummary } from '../../../contract/users.js';
import type { Actor } from '../../platform/access/actor.js';
import { dutiesOf } from '../../platform/access/duties.js';
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
      pending: r.pending,
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
    duties: DUTIES.filter((d) => d !== 'common' && dutiesOf(r.permissions).has(d)),
    abilities: actor.can('role.manage') && !r.builtin ? ['update', 'delete'] : [],
  };
}

export function presentGrant(
  g: {
    assignmentId: number;
    userId: number;
    username: string;
    displayName: string;
    role: string;
    roleNameZh: string;
    roleNameEn: string;
    areaId: number;
    areaName: string;
    permissions: string[];
    requestedById: number | null;
    requestedBy: string | null;
    requestedAt: Date;
  },
  actor: Actor,
  lang: 'zh' | 'en',
  label: (permission: string) => string,
): PendingGrant {
  const own = g.userId === actor.userId || g.requestedById === actor.userId;
  return {
    assignmentId: g.assignmentId,
    userId: g.userId,
    username: g.username,
    displayName: g.displayName,
    role: g.role,
    roleName: lang === 'zh' ? g.roleNameZh : g.roleNameEn,
    areaId: g.areaId,
    areaName: g.areaName,
    permissions: g.permissions,
    permissionLabels: g.permissions.map(label),
    requestedBy: g.requestedBy,
    requestedAt: g.requestedAt.toISOString(),
    abilities: own ? [] : ['decide'],
  };
}
