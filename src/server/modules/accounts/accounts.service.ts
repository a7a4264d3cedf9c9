import { sql } from 'kysely';
import type { SecuritySettings } from '../../../contract/auth.js';
import type { ListQuery } from '../../../contract/common.js';
import { areaIdInScope, pathInScope } from '../../platform/access/scope.js';
import { diff } from '../../platform/audit/audit.js';
import { checkPasswordPolicy, generatePassword, hashPassword } from '../../platform/auth/password.js';
import type { Tx } from '../../platform/db/index.js';
import { AppError, notFound } from '../../platform/errors/app-error.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';
import { accountsRepo, type UserRecord } from './accounts.repository.js';

const USER_SORTS = {
  username: 'username',
  displayName: 'displayName',
  createdAt: 'createdAt',
  lastLoginAt: 'lastLoginAt',
} as const;

export function accountsService(s: Services) {
  const scope = (ctx: Ctx, permission = 'user.read') => areaIdInScope(ctx.actor, permission, 'u.areaId');

  async function forAction(
    ctx: Ctx,
    id: number,
    permission: string,
    trx: Tx | typeof s.db = s.db,
  ): Promise<UserRecord> {
    const u = await accountsRepo(trx).find(id, scope(ctx), s.clock.now(), true);
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
    return (await accountsRepo(trx).find(id, sql`true` as never, s.clock.now()))!;
  }

  return {
    async get(ctx: Ctx, id: number) {
      const u = await accountsRepo(s.db).find(id, scope(ctx), s.clock.now());
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
        now: s.clock.now(),
        q: q.q,
        status: q.status,
        role: q.role,
        areaId: q.areaId,
        sort: { column, desc },
        limit: q.pageSize,
        offset: (q.page - 1) * q.pageSize,
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
        }).map((i) => ({ ...i, path: 'password' }));
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
          .where('key', '=', u.username.toLowerCase())
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

    async assignRole(ctx: Ctx, id: number, roleCode: string, areaId: number) {
      return inTx(s, ctx, async (trx, audit) => {
        const u = await forAction(ctx, id, 'role.assign', trx);
        if (id === ctx.actor.userId) throw new AppError('FORBIDDEN');
        const role = await trx
          .selectFrom('roles')
          .select(['id', 'code', 'adminKind'])
          .where('code', '=', roleCode)
          .executeTakeFirst();
        if (!role)
          throw new AppError('VALIDATION_FAILED', {}, [
            { path: 'role', code: 'invalid_value', message: roleCode },
          ]);
        const area = await areaInScope(ctx, areaId, 'role.assign', trx);
        if (!area) throw notFound();
        const kinds = new Set(u.roles.map((r) => r.adminKind).filter(Boolean));
        if (role.adminKind) kinds.add(role.adminKind);
        if (kinds.size > 1) throw new AppError('ADMIN_ROLES_EXCLUSIVE');
        const inserted = await trx
          .insertInto('userRoles')
          .values({ userId: id, roleId: role.id, areaId, createdBy: ctx.actor.userId })
          .onConflict((oc) => oc.columns(['userId', 'roleId', 'areaId']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!inserted) throw new AppError('DUPLICATE', { field: 'role' });
        await audit({
          action: 'role.assign',
          entityType: 'user',
          entityId: id,
          detail: { role: role.code, areaId, areaName: area.name, assignmentId: inserted.id },
        });
        return reload(trx, id);
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
          detail: { role: asg.role, areaId: asg.areaId, areaName: asg.areaName, assignmentId },
        });
        return reload(trx, id);
      });
    },

    roles: () => accountsRepo(s.db).roles().execute(),

    async createRole(
      ctx: Ctx,
      input: { code: string; nameZh: string; nameEn: string; permissions: string[] },
    ) {
      for (const p of input.permissions)
        if (!s.registry.has(p)) throw new AppError('UNKNOWN_PERMISSION', { permission: p });
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
      return inTx(s, ctx, async (trx, audit) => {
        const before = await accountsRepo(trx).roles().where('r.id', '=', id).forUpdate().executeTakeFirst();
        if (!before) throw notFound();
        if (before.builtin) throw new AppError('ROLE_BUILTIN');
        if (before.version !== version) throw new AppError('STALE_VERSION');
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
