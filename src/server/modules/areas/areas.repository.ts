import { type Expression, type SqlBool, sql } from 'kysely';
import type { AreaKind } from '../../../contract/areas.js';
import { type Conn, escapeLike } from '../../platform/db/index.js';

export interface AreaRecord {
  id: number;
  parentId: number | null;
  kind: AreaKind;
  code: string;
  name: string;
  sortOrder: number;
  path: string;
  depth: number;
  boundary: string | null;
  center: { x: number; y: number } | null;
  status: 'active' | 'archived';
  version: number;
  childCount: number;
}

const childCount = sql<number>`(SELECT count(*)::int FROM areas c WHERE c.parent_id = a.id)`;

/** Every query of the areas module. Built from a connection or a transaction. */
export function areasRepo(db: Conn) {
  const base = () =>
    db
      .selectFrom('areas as a')
      .select([
        'a.id',
        'a.parentId',
        'a.kind',
        'a.code',
        'a.name',
        'a.sortOrder',
        sql<string>`a.path::text`.as('path'),
        'a.depth',
        sql<string | null>`a.boundary::text`.as('boundary'),
        'a.center',
        'a.status',
        'a.version',
        childCount.as('childCount'),
      ]);

  return {
    async find(id: number, scope: Expression<SqlBool>, forUpdate = false): Promise<AreaRecord | undefined> {
      let q = base().where('a.id', '=', id).where(scope);
      if (forUpdate) q = q.forUpdate('a');
      return (await q.executeTakeFirst()) as AreaRecord | undefined;
    },

    async findUnscoped(id: number): Promise<AreaRecord | undefined> {
      return (await base().where('a.id', '=', id).executeTakeFirst()) as AreaRecord | undefined;
    },

    async ancestors(paths: string[]): Promise<Map<number, { id: number; name: string; kind: AreaKind }>> {
      const ids = [...new Set(paths.flatMap((p) => p.split('.').map(Number)))];
      if (ids.length === 0) return new Map();
      const rows = await db
        .selectFrom('areas')
        .select(['id', 'name', 'kind'])
        .where('id', 'in', ids)
        .execute();
      return new Map(rows.map((r) => [r.id, r as { id: number; name: string; kind: AreaKind }]));
    },

    async list(opts: {
      scope: Expression<SqlBool>;
      q?: string;
      parentId?: number;
      kind?: AreaKind;
      status?: string;
      sort: { column: 'name' | 'code' | 'sortOrder' | 'id'; desc: boolean };
      limit: number;
      offset: number;
    }): Promise<{ rows: AreaRecord[]; total: number }> {
      let q = db.selectFrom('areas as a').where(opts.scope);
      if (opts.parentId) q = q.where('a.parentId', '=', opts.parentId);
      if (opts.kind) q = q.where('a.kind', '=', opts.kind);
      if (opts.status) q = q.where('a.status', '=', opts.status);
      if (opts.q) {
        // Search text is literal: LIKE's wildcards and escape are escaped, for the code prefix too.
        const escaped = escapeLike(opts.q);
        q = q.where((eb) =>
          eb.or([eb('a.name', 'ilike', `%${escaped}%`), eb('a.code', 'like', `${escaped}%`)]),
        );
      }
      const totalRow = await q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirst();
      const rows = await base()
        .where(({ eb }) => eb('a.id', 'in', q.select('a.id')))
        .orderBy(`a.${opts.sort.column}`, opts.sort.desc ? 'desc' : 'asc')
        .orderBy('a.id')
        .limit(opts.limit)
        .offset(opts.offset)
        .execute();
      return { rows: rows as AreaRecord[], total: totalRow?.n ?? 0 };
    },

    /** Nodes under the given roots down to `maxDepth`, parents before children. */
    async subtree(roots: string[], maxDepth: number, includeArchived: boolean) {
      if (roots.length === 0) return [];
      let q = db
        .selectFrom('areas as a')
        .select([
          'a.id',
          'a.parentId',
          'a.kind',
          'a.code',
          'a.name',
          'a.status',
          'a.depth',
          childCount.as('childCount'),
          sql<boolean>`a.boundary IS NOT NULL`.as('hasBoundary'),
        ])
        .where(sql<SqlBool>`a.path <@ ${sql.val(roots)}::ltree[]`)
        .where('a.depth', '<=', maxDepth);
      if (!includeArchived) q = q.where('a.status', '=', 'active');
      return q.orderBy('a.depth').orderBy('a.sortOrder').orderBy('a.id').execute();
    },

    async children(parentId: number, scope: Expression<SqlBool>, includeArchived: boolean) {
      let q = db
        .selectFrom('areas as a')
        .select([
          'a.id',
          'a.parentId',
          'a.kind',
          'a.code',
          'a.name',
          'a.status',
          'a.depth',
          childCount.as('childCount'),
          sql<boolean>`a.boundary IS NOT NULL`.as('hasBoundary'),
        ])
        .where('a.parentId', '=', parentId)
        .where(scope);
      if (!includeArchived) q = q.where('a.status', '=', 'active');
      return q.orderBy('a.sortOrder').orderBy('a.id').limit(2000).execute();
    },

    async features(rootPath: string, scope: Expression<SqlBool>) {
      return db
        .selectFrom('areas as a')
        .select([
          'a.id',
          'a.name',
          'a.kind',
          'a.code',
          'a.parentId',
          sql<string>`a.boundary::text`.as('boundary'),
        ])
        .where(sql<SqlBool>`a.path <@ ${rootPath}::ltree`)
        .where('a.boundary', 'is not', null)
        .where('a.status', '=', 'active')
        .where(scope)
        .orderBy('a.depth')
        .orderBy('a.id')
        .limit(1000)
        .execute();
    },

    async locate(lng: number, lat: number, scope: Expression<SqlBool>): Promise<AreaRecord | undefined> {
      return (await base()
        .where('a.kind', '=', 'grid')
        .where('a.status', '=', 'active')
        .where(sql<SqlBool>`a.boundary @> point(${lng}, ${lat})`)
        .where(scope)
        .orderBy('a.depth', 'desc')
        .orderBy('a.id')
        .limit(1)
        .executeTakeFirst()) as AreaRecord | undefined;
    },

    async nextCode(parentId: number | null, parentCode: string, suffixLen: number): Promise<string> {
      const row = await db
        .selectFrom('areas')
        .select(sql<string | null>`max(substr(code, ${parentCode.length + 1}))`.as('maxSuffix'))
        .where('parentId', parentId === null ? 'is' : '=', parentId as number)
        .where(sql<SqlBool>`length(code) = ${parentCode.length + suffixLen}`)
        .executeTakeFirst();
      const next = Number(row?.maxSuffix ?? 0) + 1;
      return parentCode + String(next).padStart(suffixLen, '0');
    },

    async codeExists(code: string): Promise<boolean> {
      return !!(await db.selectFrom('areas').select('id').where('code', '=', code).executeTakeFirst());
    },

    async insert(v: {
      parentId: number | null;
      parentPath: string | null;
      kind: AreaKind;
      code: string;
      name: string;
      sortOrder: number;
      boundary: string | null;
      center: string | null;
    }): Promise<number> {
      const r = await sql<{ id: number }>`
        WITH nid AS (SELECT nextval(pg_get_serial_sequence('areas', 'id')) AS id)
        INSERT INTO areas (id, parent_id, kind, code, name, sort_order, path, depth, boundary, center)
        SELECT nid.id, ${v.parentId}, ${v.kind}, ${v.code}, ${v.name}, ${v.sortOrder},
               (${v.parentPath ? `${v.parentPath}.` : ''} || nid.id::text)::ltree,
               ${v.parentPath ? v.parentPath.split('.').length + 1 : 1},
               ${v.boundary}::polygon, ${v.center}::point
        FROM nid RETURNING id`.execute(db);
      return r.rows[0]!.id;
    },

    async update(
      id: number,
      patch: Partial<{
        name: string;
        sortOrder: number;
        boundary: string | null;
        center: string | null;
        status: string;
      }>,
    ) {
      const set: Record<string, unknown> = { updatedAt: new Date() };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.sortOrder !== undefined) set.sortOrder = patch.sortOrder;
      if (patch.status !== undefined) set.status = patch.status;
      if (patch.boundary !== undefined) set.boundary = sql`${patch.boundary}::polygon`;
      if (patch.center !== undefined) set.center = sql`${patch.center}::point`;
      await db
        .updateTable('areas')
        .set({ ...set, version: sql`version + 1` } as never)
        .where('id', '=', id)
        .execute();
    },

    /** Moves a subtree under a new parent: paths, depths and code prefixes follow. */
    async move(node: AreaRecord, parent: { id: number; path: string }, newCode: string) {
      const parentDepth = parent.path.split('.').length;
      await sql`
        UPDATE areas SET
          path = ${parent.path}::ltree || subpath(path, nlevel(${node.path}::ltree) - 1),
          depth = ${parentDepth} + nlevel(path) - nlevel(${node.path}::ltree) + 1,
          code = ${newCode} || substr(code, ${node.code.length + 1}),
          updated_at = now()
        WHERE path <@ ${node.path}::ltree`.execute(db);
      await db
        .updateTable('areas')
        .set({ parentId: parent.id, version: sql`version + 1` } as never)
        .where('id', '=', node.id)
        .execute();
    },

    async setSubtreeStatus(path: string, status: 'active' | 'archived') {
      await sql`UPDATE areas SET status = ${status}, version = version + 1, updated_at = now()
                WHERE path <@ ${path}::ltree AND status <> ${status}`.execute(db);
    },

    async remove(id: number) {
      await db.deleteFrom('areas').where('id', '=', id).execute();
    },

    async staff(areaId: number) {
      return db
        .selectFrom('userRoles as ur')
        .innerJoin('users as u', 'u.id', 'ur.userId')
        .innerJoin('roles as r', 'r.id', 'ur.roleId')
        .select(['ur.id as assignmentId', 'u.id as userId', 'u.username', 'u.displayName', 'r.code as role'])
        .where('ur.areaId', '=', areaId)
        .where('ur.pending', '=', false)
        .orderBy('r.code')
        .orderBy('u.displayName')
        .execute();
    },

    /** The staff of an area for the export: the role's name in both languages, a sign-in name. */
    async staffWords(areaId: number) {
      return db
        .selectFrom('userRoles as ur')
        .innerJoin('users as u', 'u.id', 'ur.userId')
        .innerJoin('roles as r', 'r.id', 'ur.roleId')
        .select(['u.username', 'u.displayName', 'r.nameZh', 'r.nameEn', 'ur.createdAt'])
        .where('ur.areaId', '=', areaId)
        .where('ur.pending', '=', false)
        .orderBy('r.code')
        .orderBy('u.displayName')
        .execute();
    },

    async staffAssignment(areaId: number, assignmentId: number) {
      return db
        .selectFrom('userRoles as ur')
        .innerJoin('roles as r', 'r.id', 'ur.roleId')
        .innerJoin('users as u', 'u.id', 'ur.userId')
        .select(['ur.id', 'ur.userId', 'u.username', 'r.code as role'])
        .where('ur.id', '=', assignmentId)
        .where('ur.areaId', '=', areaId)
        .executeTakeFirst();
    },

    /** Active staff accounts whose home is inside `path`'s community or street (for assignment). */
    async candidates(scopePath: string, q: string | undefined) {
      let query = db
        .selectFrom('users as u')
        .innerJoin('areas as h', 'h.id', 'u.areaId')
        .select(['u.id', 'u.username', 'u.displayName'])
        .where('u.status', '=', 'active')
        .where(sql<SqlBool>`h.path <@ ${scopePath}::ltree`);
      if (q) {
        const like = `%${escapeLike(q)}%`;
        query = query.where((eb) =>
          eb.or([eb('u.username', 'ilike', like), eb('u.displayName', 'ilike', like)]),
        );
      }
      return query.orderBy('u.displayName').orderBy('u.id').limit(20).execute();
    },
  };
}
export type AreasRepo = ReturnType<typeof areasRepo>;
