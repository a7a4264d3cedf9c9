import { sql } from 'kysely';
import type { SecuritySettings } from '../../../contract/auth.js';
import type { ListQuery } from '../../../contract/common.js';
import { exportLedger, localStamp } from '../../engines/sheets/index.js';
import {
  assertMayHold,
  type DutyConflict,
  dutiesOf,
  dutyConflict,
  dutyConflictError,
  needsApproval,
} from '../../platform/access/duties.js';
import { areaIdInScope, pathInScope } from '../../platform/access/scope.js';
import { diff } from '../../platform/audit/audit.js';
import { rememberPassword } from '../../platform/auth/history.js';
import { checkPasswordPolicy, generatePassword, hashPassword } from '../../platform/auth/password.js';
import { accountKey, addressThrottles, clearAddress } from '../../platform/auth/throttle.js';
import type { Tx } from '../../platform/db/index.js';
import { AppError, notFound } from '../../platform/errors/app-error.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';
import { accountsRepo, type LockView, type UserRecord } from './accounts.repository.js';

/** Why a custom role's permissions are refused (ROLE_DUTIES), in both languages. */
const ROLE_DUTY_TEXT: Record<'audit' | DutyConflict, { zh: string; en: string }> = {
  audit: {
    zh: '包含审计权限：审计权限只属于内置的审计管理员',
    en: 'carry audit permissions: only the built-in audit administrator holds them',
  },
  audit_alone: {
    zh: '包含审计权限：审计权限只属于内置的审计管理员',
    en: 'carry audit permissions: only the built-in audit administrator holds them',
  },
  security_system: {
    zh: '同时包含安全管理与系统管理权限',
    en: 'mix security and system administration permissions',
  },
  security_business: {
    zh: '同时包含安全管理与业务数据权限',
    en: 'mix security administration and business-data permissions',
  },
};

/** A custom role stays within one side of 三权分立, and never carries audit (docs/security.md). */
function checkCustomRole(permissions: string[]): void {
  const duties = dutiesOf(permissions);
  if (duties.has('audit')) throw new AppError('ROLE_DUTIES', ROLE_DUTY_TEXT.audit);
  const c = dutyConflict(duties);
  if (c) throw new AppError('ROLE_DUTIES', ROLE_DUTY_TEXT[c]);
}

async function rolePermissions(trx: Tx, roleId: number): Promise<string[]> {
  const rows = await trx
    .selectFrom('rolePermissions')
    .select('permission')
    .where('roleId', '=', roleId)
    .execute();
  return rows.map((r) => r.permission);
}

const USER_SORTS = {
  username: 'username',
  displayName: 'displayName',
  createdAt: 'createdAt',
  lastLoginAt: 'lastLoginAt',
} as const;

/**
 * Editing a role changes what every holder has, without a new grant: so a role that is assigned
 * (or requested) may not gain permissions that need approval — that would hand business, system
 * or audit rights past the second person — and no holder may end up across incompatible duties.
 */
async function checkWidening(trx: Tx, roleId: number, before: string[], after: string[]): Promise<void> {
  const added = after.filter((p) => !before.includes(p));
  if (added.length === 0) return;
  const holders = await trx
    .selectFrom('userRoles')
    .select('userId')
    .distinct()
    .where('roleId', '=', roleId)
    .orderBy('userId')
    .execute();
  if (holders.length === 0) return;
  if (needsApproval(added))
    throw new AppError('ROLE_WIDEN_IN_USE', {
      permission: added.filter((p) => needsApproval([p])).join(', '),
    });
  for (const { userId } of holders) {
    await sql`SELECT id FROM users WHERE id = ${userId} FOR UPDATE`.execute(trx);
    const others = await sql<{ permission: string }>`
      SELECT DISTINCT rp.permission FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id
      WHERE ur.user_id = ${userId} AND ur.role_id <> ${roleId}`.execute(trx);
    const c = dutyConflict(dutiesOf([...others.rows.map((r) => r.permission), ...after]));
    if (c) throw dutyConflictError(c);
  }
}

export function accountsService(s: Services) {
  const scope = (ctx: Ctx, permission = 'user.read') => areaIdInScope(ctx.actor, permission, 'u.areaId');
  const lockView = async (): Promise<LockView> => ({
    now: s.clock.now(),
    settings: await s.settings.security(),
  });

  async function forAction(
    ctx: Ctx,
    id: number,
    permission: string,
    trx: Tx | typeof s.db = s.db,
  ): Promise<UserRecord> {
    const u = await accountsRepo(trx).find(id, scope(ctx), await lockView(), true);
    if (!u) throw notFound();
    if (!ctx.actor.canAt(permission, u.areaPath)) throw new AppError('FORBIDDEN');
    return u;
  }

  async function areaInScope(ctx: Ctx, areaId: number, permission: string, trx: Tx | typeof s.db) {
    const a = await trx
      .selectFrom('areas as a')
      .select(['a.id', 'a.name', sql<string>`a.path::text`.as('path'), 'a.status'])
      .where('a.id', '=', areaId)
      .where(pathInScope(ctx.actor, permission, 'a.path'))
      .executeTakeFirst();
    return a;
  }

  async function reload(trx: Tx, id: number) {
    return (await accountsRepo(trx).find(id, sql`true` as never, await lockView()))!;
  }

  return {
    async get(ctx: Ctx, id: number) {
      const u = await accountsRepo(s.db).find(id, scope(ctx), await lockView());
      if (!u) throw notFound();
      return u;
    },

    async list(ctx: Ctx, q: ListQuery & { status?: string; role?: string; areaId?: number }) {
      const desc = q.sort?.startsWith('-') ?? false;
      const key = (q.sort?.replace(/^-/, '') ?? 'username') as keyof typeof USER_SORTS;
      const column = USER_SORTS[key];
      if (!column) {
        throw new AppError('VALIDATION_FAILED', {}, [
          { path: 'query.sort', code: 'invalid_value', message: Object.keys(USER_SORTS).join(' | ') },
        ]);
      }
      return accountsRepo(s.db).list({
        scope: scope(ctx),
        lock: await lockView(),
        q: q.q,
        status: q.status,
        role: q.role,
        areaId: q.areaId,
        sort: { column, desc },
        limit: q.pageSize,
        offset: (q.page - 1) * q.pageSize,
      });
    },

    /**
     * The accounts ledger as .xlsx through the sheets engine: the list's filter in the actor's
     * scope, statuses and roles in words, audited (user.export) before the first byte.
     */
    async exportUsers(
      ctx: Ctx,
      q: { q?: string; status?: string; role?: string; areaId?: number; sort?: string },
    ) {
      const filter = { scope: scope(ctx), q: q.q, status: q.status, role: q.role, areaId: q.areaId };
      const lock = await lockView();
      const column = USER_SORTS[(q.sort?.replace(/^-/, '') ?? 'username') as keyof typeof USER_SORTS];
      const sort = { column, desc: q.sort?.startsWith('-') ?? false };
      const repo = accountsRepo(s.db);
      const zh = ctx.lang === 'zh';
      const STATUS = zh
        ? { active: '正常', disabled: '已停用', locked: '已锁定' }
        : { active: 'Active', disabled: 'Disabled', locked: 'Locked' };
      const stamp = (d: Date | null) => (d ? localStamp(d).time : null);
      return exportLedger(s, ctx, {
        action: 'user.export',
        entityType: 'user',
        query: q,
        count: (cap) => repo.count(filter, cap),
        async *rows(n) {
          // In the list's order (its sort), a page at a time.
          for (let offset = 0; offset < n; offset += 2000) {
            const batch = await repo.exportPage(
              { ...filter, lock, sort },
              offset,
              Math.min(2000, n - offset),
            );
            if (batch.length === 0) break;
            for (const u of batch) {
              const status = u.status === 'active' && u.locked ? 'locked' : u.status;
              yield {
                username: u.username,
                displayName: u.displayName,
                areaName: u.areaName,
                status: STATUS[status],
                roles: u.roles
                  .map(
                    (r) =>
                      `${zh ? r.roleName : r.roleNameEn}（${r.areaName}）${r.pending ? (zh ? '待审批' : ' pending') : ''}`,
                  )
                  .join(zh ? '、' : ', '),
                totp: u.totpEnabled ? (zh ? '已启用' : 'On') : zh ? '未启用' : 'Off',
                lastLoginAt: stamp(u.lastLoginAt),
                createdAt: stamp(u.createdAt),
              };
            }
          }
        },
        sheetName: zh ? '账户' : 'Accounts',
        fileName: zh ? '账户' : 'accounts',
        asciiName: 'accounts',
        columns: zh
          ? [
              { header: '用户名', key: 'username', width: 16 },
              { header: '姓名', key: 'displayName', width: 10 },
              { header: '所属区域', key: 'areaName', width: 16 },
              { header: '状态', key: 'status', width: 8 },
              { header: '角色与范围', key: 'roles', width: 40 },
              { header: '两步验证', key: 'totp', width: 10 },
              { header: '最近登录', key: 'lastLoginAt', width: 18 },
              { header: '创建时间', key: 'createdAt', width: 18 },
            ]
          : [
              { header: 'Username', key: 'username', width: 16 },
              { header: 'Name', key: 'displayName', width: 14 },
              { header: 'Area', key: 'areaName', width: 16 },
              { header: 'Status', key: 'status', width: 10 },
              { header: 'Roles and scopes', key: 'roles', width: 40 },
              { header: 'Two-step', key: 'totp', width: 10 },
              { header: 'Last sign-in', key: 'lastLoginAt', width: 18 },
              { header: 'Created', key: 'createdAt', width: 18 },
            ],
      });
    },

    async create(
      ctx: Ctx,
      input: { username: string; displayName: string; areaId: number; password?: string },
    ) {
      const settings = await s.settings.security();
      let initialPassword: string | null = null;
      let password = input.password;
      if (password) {
        const issues = checkPasswordPolicy(password, settings.passwordPolicy, ctx.lang, {
          username: input.username,
          path: 'password',
        });
        if (issues.length) throw new AppError('PASSWORD_POLICY', {}, issues);
      } else {
        password = generatePassword();
        initialPassword = password;
      }
      const hash = await hashPassword(password);
      const user = await inTx(s, ctx, async (trx, audit) => {
        const area = await areaInScope(ctx, input.areaId, 'user.create', trx);
        if (!area) throw notFound();
        if (await accountsRepo(trx).usernameTaken(input.username))
          throw new AppError('DUPLICATE', { field: 'username' });
        const row = await trx
          .insertInto('users')
          .values({
            username: input.username,
            displayName: input.displayName,
            areaId: input.areaId,
            passwordHash: hash,
            passwordChangedAt: s.clock.now(),
            mustChangePassword: true,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await audit({
          action: 'user.create',
          entityType: 'user',
          entityId: row.id,
          changes: diff(null, {
            username: input.username,
            displayName: input.displayName,
            areaId: input.areaId,
          }),
        });
        return reload(trx, row.id);
      });
      return { user, initialPassword };
    },

    async update(ctx: Ctx, id: number, version: number, input: { displayName?: string; areaId?: number }) {
      return inTx(s, ctx, async (trx, audit) => {
        const before = await forAction(ctx, id, 'user.update', trx);
        if (before.version !== version) throw new AppError('STALE_VERSION');
        if (input.areaId !== undefined && !(await areaInScope(ctx, input.areaId, 'user.update', trx)))
          throw notFound();
        await trx
          .updateTable('users')
          .set({
            ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
            ...(input.areaId !== undefined ? { areaId: input.areaId } : {}),
            version: sql`version + 1`,
            updatedAt: s.clock.now(),
          } as never)
          .where('id', '=', id)
          .execute();
        const after = await reload(trx, id);
        await audit({
          action: 'user.update',
          entityType: 'user',
          entityId: id,
          changes: diff(
            { displayName: before.displayName, areaId: before.areaId },
            { displayName: after.displayName, areaId: after.areaId },
          ),
        });
        return after;
      });
    },

    async setStatus(ctx: Ctx, id: number, status: 'active' | 'disabled') {
      return inTx(s, ctx, async (trx, audit) => {
        const before = await forAction(ctx, id, 'user.disable', trx);
        if (status === 'disabled' && id === ctx.actor.userId) throw new AppError('CANNOT_DISABLE_SELF');
        await trx
          .updateTable('users')
          .set({ status, version: sql`version + 1`, updatedAt: s.clock.now() } as never)
          .where('id', '=', id)
          .execute();
        // Disabling ends every session of the account at once.
        if (status === 'disabled') await trx.deleteFrom('sessions').where('userId', '=', id).execute();
        await audit({
          action: status === 'disabled' ? 'user.disable' : 'user.enable',
          entityType: 'user',
          entityId: id,
          changes: diff({ status: before.status }, { status }),
        });
        return reload(trx, id);
      });
    },

    async unlock(ctx: Ctx, id: number) {
      return inTx(s, ctx, async (trx, audit) => {
        const u = await forAction(ctx, id, 'user.disable', trx);
        await trx
          .deleteFrom('loginThrottle')
          .where('kind', '=', 'account')
          .where('key', '=', accountKey(u.username))
          .execute();
        await audit({ action: 'user.unlock', entityType: 'user', entityId: id });
        return reload(trx, id);
      });
    },

    async resetPassword(ctx: Ctx, id: number) {
      const password = generatePassword();
      const hash = await hashPassword(password);
      await inTx(s, ctx, async (trx, audit) => {
        await forAction(ctx, id, 'user.reset_password', trx);
        const old = await trx
          .selectFrom('users')
          .select('passwordHash')
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        await rememberPassword(trx, id, old.passwordHash);
        await trx
          .updateTable('users')
          .set({
            passwordHash: hash,
            mustChangePassword: true,
            passwordChangedAt: s.clock.now(),
            updatedAt: s.clock.now(),
          })
          .where('id', '=', id)
          .execute();
        await trx.deleteFrom('sessions').where('userId', '=', id).execute();
        await audit({ action: 'user.reset_password', entityType: 'user', entityId: id });
      });
      return { initialPassword: password };
    },

    /**
     * Binds a role to an account at a node. The account's permissions, with the role's, must stay
     * within compatible duties (ADMIN_ROLES_EXCLUSIVE); a role carrying business, system or audit
     * permissions is only requested here and gives nothing until a second person approves it.
     */
    async assignRole(ctx: Ctx, id: number, roleCode: string, areaId: number) {
      return inTx(s, ctx, async (trx, audit) => {
        await forAction(ctx, id, 'role.assign', trx);
        if (id === ctx.actor.userId) throw new AppError('FORBIDDEN');
        // Shared lock: the role's permissions cannot change under the check.
        const role = await trx
          .selectFrom('roles')
          .select(['id', 'code', 'adminKind'])
          .where('code', '=', roleCode)
          .forShare()
          .executeTakeFirst();
        if (!role)
          throw new AppError('VALIDATION_FAILED', {}, [
            { path: 'role', code: 'invalid_value', message: roleCode },
          ]);
        const area = await areaInScope(ctx, areaId, 'role.assign', trx);
        if (!area) throw notFound();
        const permissions = await rolePermissions(trx, role.id);
        await assertMayHold(trx, id, permissions);
        const pending = needsApproval(permissions);
        const inserted = await trx
          .insertInto('userRoles')
          .values({ userId: id, roleId: role.id, areaId, createdBy: ctx.actor.userId, pending })
          .onConflict((oc) => oc.columns(['userId', 'roleId', 'areaId']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!inserted) throw new AppError('DUPLICATE', { field: 'role' });
        await audit({
          action: pending ? 'role.request' : 'role.assign',
          entityType: 'user',
          entityId: id,
          detail: { role: role.code, areaId, areaName: area.name, assignmentId: inserted.id },
        });
        return reload(trx, id);
      });
    },

    /** Grants waiting for a second person, in the approver's scope. */
    async pendingGrants(ctx: Ctx) {
      return accountsRepo(s.db).pendingGrants(pathInScope(ctx.actor, 'role.approve', 'a.path'));
    },

    /**
     * The second person: approves (or rejects) a grant at a node in its `role.approve` scope. It
     * may be neither the grant's requester nor its grantee; the duties are checked again.
     */
    async decideGrant(ctx: Ctx, assignmentId: number, approve: boolean) {
      return inTx(s, ctx, async (trx, audit) => {
        const g = await trx
          .selectFrom('userRoles as ur')
          .innerJoin('roles as r', 'r.id', 'ur.roleId')
          .innerJoin('areas as a', 'a.id', 'ur.areaId')
          .select(['ur.id', 'ur.userId', 'ur.createdBy', 'ur.areaId', 'a.name as areaName', 'r.code as role'])
          .where('ur.id', '=', assignmentId)
          .where('ur.pending', '=', true)
          .where(pathInScope(ctx.actor, 'role.approve', 'a.path'))
          .forUpdate('ur')
          .executeTakeFirst();
        if (!g) throw notFound();
        if (g.userId === ctx.actor.userId || g.createdBy === ctx.actor.userId)
          throw new AppError('GRANT_APPROVER_SAME');
        if (approve) {
          await assertMayHold(trx, g.userId, []);
          await trx
            .updateTable('userRoles')
            .set({ pending: false, approvedBy: ctx.actor.userId, approvedAt: s.clock.now() })
            .where('id', '=', g.id)
            .execute();
        } else {
          await trx.deleteFrom('userRoles').where('id', '=', g.id).execute();
        }
        await audit({
          action: approve ? 'role.approve' : 'role.reject',
          entityType: 'user',
          entityId: g.userId,
          detail: {
            role: g.role,
            areaId: g.areaId,
            areaName: g.areaName,
            assignmentId: g.id,
            requestedBy: g.createdBy,
          },
        });
        return { assignmentId: g.id, userId: g.userId, approved: approve };
      });
    },

    async unassignRole(ctx: Ctx, id: number, assignmentId: number) {
      return inTx(s, ctx, async (trx, audit) => {
        const u = await forAction(ctx, id, 'role.assign', trx);
        if (id === ctx.actor.userId) throw new AppError('FORBIDDEN');
        const asg = u.roles.find((r) => r.assignmentId === assignmentId);
        if (!asg) throw notFound();
        await trx.deleteFrom('userRoles').where('id', '=', assignmentId).execute();
        await audit({
          action: 'role.unassign',
          entityType: 'user',
          entityId: id,
          detail: {
            role: asg.role,
            areaId: asg.areaId,
            areaName: asg.areaName,
            assignmentId,
            ...(asg.pending ? { pending: true } : {}),
          },
        });
        return reload(trx, id);
      });
    },

    roles: () => accountsRepo(s.db).roles().execute(),

    /**
     * The roles as .xlsx: each with its permissions in words (the permission registry's labels),
     * the kind and the number of holders; roles are not area-scoped. Audited as `role.export`.
     */
    async exportRoles(ctx: Ctx, q: { q?: string }) {
      const zh = ctx.lang === 'zh';
      const words = new Map(s.registry.permissions.map((p) => [p.name, zh ? p.zh : p.en] as const));
      const ADMIN: Record<string, [string, string]> = {
        system: ['系统管理员', 'System administrator'],
        security: ['安全管理员', 'Security administrator'],
        audit: ['审计管理员', 'Audit administrator'],
      };
      const needle = q.q?.trim().toLowerCase();
      const load = async () =>
        (await accountsRepo(s.db).roles().execute()).filter(
          (r) =>
            !needle ||
            r.code.includes(needle) ||
            r.nameZh.includes(needle) ||
            r.nameEn.toLowerCase().includes(needle),
        );
      return exportLedger(s, ctx, {
        action: 'role.export',
        entityType: 'role',
        query: q,
        count: async () => (await load()).length,
        async *rows(n) {
          for (const r of (await load()).slice(0, n)) {
            const admin = r.adminKind ? ADMIN[r.adminKind] : undefined;
            yield {
              name: zh ? r.nameZh : r.nameEn,
              code: r.code,
              kind: [
                r.builtin ? (zh ? '内置' : 'Built-in') : zh ? '自定义' : 'Custom',
                admin ? admin[zh ? 0 : 1] : '',
              ]
                .filter(Boolean)
                .join(zh ? '、' : ', '),
              permissionCount: r.permissions.length,
              permissions: r.permissions.map((p) => words.get(p) ?? p).join(zh ? '、' : ', '),
              userCount: r.userCount,
            };
          }
        },
        sheetName: zh ? '角色' : 'Roles',
        fileName: zh ? '角色与权限' : 'roles',
        asciiName: 'roles',
        columns: zh
          ? [
              { header: '角色', key: 'name', width: 16 },
              { header: '编码', key: 'code', width: 16 },
              { header: '类型', key: 'kind', width: 16 },
              { header: '权限数', key: 'permissionCount', width: 8 },
              { header: '权限', key: 'permissions', width: 80 },
              { header: '账号数', key: 'userCount', width: 8 },
            ]
          : [
              { header: 'Role', key: 'name', width: 20 },
              { header: 'Code', key: 'code', width: 16 },
              { header: 'Kind', key: 'kind', width: 20 },
              { header: 'Permissions', key: 'permissionCount', width: 12 },
              { header: 'Permissions in words', key: 'permissions', width: 80 },
              { header: 'Accounts', key: 'userCount', width: 10 },
            ],
      });
    },

    async createRole(
      ctx: Ctx,
      input: { code: string; nameZh: string; nameEn: string; permissions: string[] },
    ) {
      for (const p of input.permissions)
        if (!s.registry.has(p)) throw new AppError('UNKNOWN_PERMISSION', { permission: p });
      checkCustomRole(input.permissions);
      return inTx(s, ctx, async (trx, audit) => {
        const exists = await trx
          .selectFrom('roles')
          .select('id')
          .where('code', '=', input.code)
          .executeTakeFirst();
        if (exists) throw new AppError('DUPLICATE', { field: 'code' });
        const r = await trx
          .insertInto('roles')
          .values({
            code: input.code,
            nameZh: input.nameZh,
            nameEn: input.nameEn,
            builtin: false,
            adminKind: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const perms = [...new Set(input.permissions)];
        if (perms.length)
          await trx
            .insertInto('rolePermissions')
            .values(perms.map((permission) => ({ roleId: r.id, permission })))
            .execute();
        await audit({
          action: 'role.create',
          entityType: 'role',
          entityId: r.id,
          changes: diff(null, { ...input, permissions: perms.sort() }),
        });
        return (await accountsRepo(trx).roles().where('r.id', '=', r.id).executeTakeFirst())!;
      });
    },

    async updateRole(
      ctx: Ctx,
      id: number,
      version: number,
      input: { nameZh?: string; nameEn?: string; permissions?: string[] },
    ) {
      for (const p of input.permissions ?? [])
        if (!s.registry.has(p)) throw new AppError('UNKNOWN_PERMISSION', { permission: p });
      if (input.permissions) checkCustomRole(input.permissions);
      return inTx(s, ctx, async (trx, audit) => {
        const before = await accountsRepo(trx).roles().where('r.id', '=', id).forUpdate().executeTakeFirst();
        if (!before) throw notFound();
        if (before.builtin) throw new AppError('ROLE_BUILTIN');
        if (before.version !== version) throw new AppError('STALE_VERSION');
        if (input.permissions) await checkWidening(trx, id, before.permissions, input.permissions);
        await trx
          .updateTable('roles')
          .set({
            ...(input.nameZh ? { nameZh: input.nameZh } : {}),
            ...(input.nameEn ? { nameEn: input.nameEn } : {}),
            version: sql`version + 1`,
          } as never)
          .where('id', '=', id)
          .execute();
        if (input.permissions) {
          await trx.deleteFrom('rolePermissions').where('roleId', '=', id).execute();
          const perms = [...new Set(input.permissions)];
          if (perms.length)
            await trx
              .insertInto('rolePermissions')
              .values(perms.map((permission) => ({ roleId: id, permission })))
              .execute();
        }
        const after = (await accountsRepo(trx).roles().where('r.id', '=', id).executeTakeFirst())!;
        await audit({
          action: 'role.update',
          entityType: 'role',
          entityId: id,
          changes: diff(
            { nameZh: before.nameZh, nameEn: before.nameEn, permissions: before.permissions },
            { nameZh: after.nameZh, nameEn: after.nameEn, permissions: after.permissions },
          ),
        });
        return after;
      });
    },

    async addressThrottles() {
      return addressThrottles(s.db, s.clock.now(), await s.settings.security());
    },

    /** The security administrator clears an address's sign-in count (audited). */
    async unlockAddress(ctx: Ctx, address: string) {
      await inTx(s, ctx, async (trx, audit) => {
        if (!(await clearAddress(trx, address))) throw notFound();
        await audit({ action: 'auth.unlock_address', entityType: 'address', entityId: address });
      });
    },

    async deleteRole(ctx: Ctx, id: number) {
      await inTx(s, ctx, async (trx, audit) => {
        const before = await accountsRepo(trx).roles().where('r.id', '=', id).forUpdate().executeTakeFirst();
        if (!before) throw notFound();
        if (before.builtin) throw new AppError('ROLE_BUILTIN');
        if (before.userCount > 0) throw new AppError('ROLE_IN_USE');
        await trx.deleteFrom('roles').where('id', '=', id).execute();
        await audit({
          action: 'role.delete',
          entityType: 'role',
          entityId: id,
          detail: { code: before.code, permissions: before.permissions },
        });
      });
    },

    async saveSecuritySettings(ctx: Ctx, value: SecuritySettings) {
      const before = await s.settings.security();
      await inTx(s, ctx, async (trx, audit) => {
        await s.settings.saveSecurity(trx, value);
        await audit({
          action: 'setting.security',
          entityType: 'setting',
          entityId: 'security',
          changes: diff(before, value),
        });
      });
      s.settings.invalidate();
      return s.settings.security();
    },
  };
}
