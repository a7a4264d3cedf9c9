import { type Expression, type SqlBool, sql } from 'kysely';
import type { SecuritySettings } from '../../../contract/auth.js';
import { areaLabelSql } from '../../platform/access/area-label.js';
import { accountLockedSql } from '../../platform/auth/throttle.js';
import { countTotal } from '../../platform/db/count.js';
import { type Conn, escapeLike } from '../../platform/db/index.js';

/** When the list reads "locked": the current lockout settings at `now`. */
export interface LockView {
  now: Date;
  settings: SecuritySettings;
}

export interface UserRecord {
  id: number;
  username: string;
  displayName: string;
  areaId: number;
  areaName: string;
  areaPath: string;
  status: 'active' | 'disabled';
  locked: boolean;
  totpEnabled: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
  version: number;
  roles: {
    assignmentId: number;
    role: string;
    roleName: string;
    roleNameEn: string;
    areaId: number;
    areaName: string;
    adminKind: string | null;
    /** Waiting for a second person's approval: gives nothing yet. */
    pending: boolean;
  }[];
}

const contains = (q: string) => `%${escapeLike(q)}%`;

export interface UserFilter {
  scope: Expression<SqlBool>;
  q?: string;
  status?: string;
  role?: string;
  areaId?: number;
}

export function accountsRepo(db: Conn) {
  function filtered(opts: UserFilter) {
    // Staff only: residents' accounts are listed by the residents module (resident accounts).
    let q = db
      .selectFrom('users as u')
      .innerJoin('areas as h', 'h.id', 'u.areaId')
      .where(opts.scope)
      .where('u.kind', '=', 'staff');
    if (opts.q) {
      const like = contains(opts.q);
      q = q.where((eb) => eb.or([eb('u.username', 'ilike', like), eb('u.displayName', 'ilike', like)]));
    }
    if (opts.status) q = q.where('u.status', '=', opts.status);
    if (opts.areaId) q = q.where(sql<SqlBool>`h.path <@ (SELECT path FROM areas WHERE id = ${opts.areaId})`);
    if (opts.role) {
      q = q.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('userRoles as ur')
            .innerJoin('roles as r', 'r.id', 'ur.roleId')
            .select('ur.id')
            .whereRef('ur.userId', '=', 'u.id')
            .where('r.code', '=', opts.role!),
        ),
      );
    }
    return q;
  }

  const base = (lock: LockView) =>
    db
      .selectFrom('users as u')
      .innerJoin('areas as h', 'h.id', 'u.areaId')
      .select([
        'u.id',
        'u.username',
        'u.displayName',
        'u.areaId',
        areaLabelSql('h').as('areaName'),
        sql<string>`h.path::text`.as('areaPath'),
        'u.status',
        accountLockedSql('u.username', lock.now, lock.settings).as('locked'),
        'u.totpEnabled',
        'u.lastLoginAt',
        'u.createdAt',
        'u.version',
        sql<UserRecord['roles']>`coalesce((
          SELECT json_agg(json_build_object('assignmentId', ur.id, 'role', r.code, 'roleName', r.name_zh, 'roleNameEn', r.name_en,
                                            'areaId', a.id, 'areaName', ${areaLabelSql('a')}, 'adminKind', r.admin_kind,
                                            'pending', ur.pending) ORDER BY ur.id)
          FROM user_roles ur JOIN roles r ON r.id = ur.role_id JOIN areas a ON a.id = ur.area_id
          WHERE ur.user_id = u.id), '[]'::json)`.as('roles'),
      ]);

  return {
    async find(
      id: number,
      scope: Expression<SqlBool>,
      lock: LockView,
      forUpdate = false,
    ): Promise<UserRecord | undefined> {
      // Locked on its own first, then read: see registry.repository's find (a concurrent change of
      // the account's area made the loser of the race a 404 instead of a 412).
      if (forUpdate) await db.selectFrom('users').select('id').where('id', '=', id).forUpdate().execute();
      const q = base(lock).where('u.id', '=', id).where(scope);
      return (await q.executeTakeFirst()) as UserRecord | undefined;
    },

    async list(opts: {
      scope: Expression<SqlBool>;
      lock: LockView;
      q?: string;
      status?: string;
      role?: string;
      areaId?: number;
      sort: { column: 'username' | 'displayName' | 'createdAt' | 'lastLoginAt'; desc: boolean };
      limit: number;
      offset: number;
    }): Promise<{ rows: UserRecord[]; total: number; exact: boolean }> {
      const q = filtered(opts);
      const counted = await countTotal(db, q.select(sql`1`.as('x')));
      const ids = q.select('u.id');
      const rows = await base(opts.lock)
        .where('u.id', 'in', ids)
        .orderBy(`u.${opts.sort.column}`, opts.sort.desc ? 'desc' : 'asc')
        .orderBy('u.id')
        .limit(opts.limit)
        .offset(opts.offset)
        .execute();
      return { rows: rows as UserRecord[], total: counted.total, exact: counted.exact };
    },

    async count(opts: UserFilter, cap: number): Promise<number> {
      const r = await db
        .selectFrom(filtered(opts).select(sql`1`.as('x')).limit(cap).as('c'))
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirst();
      return r?.n ?? 0;
    },

    /** Accounts for an export, in the list's order, `limit` at a time from `offset`. */
    async exportPage(
      opts: UserFilter & {
        lock: LockView;
        sort: { column: 'username' | 'displayName' | 'createdAt' | 'lastLoginAt'; desc: boolean };
      },
      offset: number,
      limit: number,
    ) {
      return (await base(opts.lock)
        .where('u.id', 'in', filtered(opts).select('u.id'))
        .orderBy(`u.${opts.sort.column}`, opts.sort.desc ? 'desc' : 'asc')
        .orderBy('u.id')
        .limit(limit)
        .offset(offset)
        .execute()) as UserRecord[];
    },

    async usernameTaken(username: string): Promise<boolean> {
      return !!(await db
        .selectFrom('users')
        .select('id')
        .where(sql<SqlBool>`lower(username) = ${username.toLowerCase()}`)
        .executeTakeFirst());
    },

    /** Grants waiting for approval, at areas the scope covers, oldest first. */
    pendingGrants(scope: Expression<SqlBool>) {
      return db
        .selectFrom('userRoles as ur')
        .innerJoin('users as u', 'u.id', 'ur.userId')
        .innerJoin('roles as r', 'r.id', 'ur.roleId')
        .innerJoin('areas as a', 'a.id', 'ur.areaId')
        .leftJoin('users as q', 'q.id', 'ur.createdBy')
        .select([
          'ur.id as assignmentId',
          'u.id as userId',
          'u.username',
          'u.displayName',
          'r.code as role',
          'r.nameZh as roleNameZh',
          'r.nameEn as roleNameEn',
          'a.id as areaId',
          areaLabelSql('a').as('areaName'),
          'ur.createdBy as requestedById',
          'q.username as requestedBy',
          'ur.createdAt as requestedAt',
          sql<
            string[]
          >`coalesce((SELECT array_agg(permission ORDER BY permission) FROM role_permissions rp WHERE rp.role_id = r.id), '{}')`.as(
            'permissions',
          ),
        ])
        .where('ur.pending', '=', true)
        .where(scope)
        .orderBy('ur.id')
        .limit(500)
        .execute();
    },

    roles() {
      return db
        .selectFrom('roles as r')
        .select([
          'r.id',
          'r.code',
          'r.nameZh',
          'r.nameEn',
          'r.builtin',
          'r.adminKind',
          'r.version',
          sql<
            string[]
          >`coalesce((SELECT array_agg(permission ORDER BY permission) FROM role_permissions rp WHERE rp.role_id = r.id), '{}')`.as(
            'permissions',
          ),
          sql<number>`(SELECT count(DISTINCT user_id)::int FROM user_roles ur WHERE ur.role_id = r.id)`.as(
            'userCount',
          ),
        ])
        .orderBy('r.builtin', 'desc')
        .orderBy('r.id');
    },
  };
}
