import { sql } from 'kysely';
import {
  AREA_CODE_SUFFIX,
  AREA_PARENT_KINDS,
  type AreaCreate,
  type AreaKind,
  type AreaUpdate,
} from '../../../contract/areas.js';
import { AREA_KIND_WORDS } from '../../../contract/audit-words.js';
import type { ListQuery } from '../../../contract/common.js';
import { exportLedger, localStamp } from '../../engines/sheets/index.js';
import { assertMayHold } from '../../platform/access/duties.js';
import { pathInScope } from '../../platform/access/scope.js';
import { diff } from '../../platform/audit/audit.js';
import { AppError, notFound } from '../../platform/errors/app-error.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';
import { centroid, pgToPolygon, polygonToPg, selfIntersects } from './areas.geo.js';
import { codeProblem, parentAllowed, staffRoleAllowed } from './areas.policy.js';
import { type AreaRecord, areasRepo } from './areas.repository.js';

const SORTS = { name: 'name', code: 'code', sortOrder: 'sortOrder', id: 'id' } as const;

/** The list's `sort` (`field` / `-field`) as a column, or a 400 naming the field. */
function sortOf(sort: string | undefined, path: string) {
  const desc = sort?.startsWith('-') ?? false;
  const column = SORTS[(sort?.replace(/^-/, '') ?? 'sortOrder') as keyof typeof SORTS];
  if (!column) {
    throw new AppError('VALIDATION_FAILED', {}, [
      { path, code: 'invalid_value', message: `name | code | sortOrder | id` },
    ]);
  }
  return { column, desc };
}

function auditView(a: AreaRecord) {
  return {
    parentId: a.parentId,
    kind: a.kind,
    code: a.code,
    name: a.name,
    sortOrder: a.sortOrder,
    status: a.status,
    boundary: a.boundary,
  };
}

function checkBoundary(b: AreaCreate['boundary'], lang: 'zh' | 'en') {
  if (b && selfIntersects(b)) {
    throw new AppError('VALIDATION_FAILED', {}, [
      {
        path: 'boundary.coordinates',
        code: 'self_intersection',
        message: lang === 'zh' ? '边界自相交' : 'the ring crosses itself',
      },
    ]);
  }
}

export function areasService(s: Services) {
  const read = (ctx: Ctx) => pathInScope(ctx.actor, 'area.read', 'a.path');

  async function mustFind(ctx: Ctx, id: number): Promise<AreaRecord> {
    const a = await areasRepo(s.db).find(id, read(ctx));
    if (!a) throw notFound();
    return a;
  }

  /** Loads the record in scope of `permission`: out of read scope → 404, readable but not allowed → 403. */
  async function forAction(ctx: Ctx, id: number, permission: string, trx = s.db): Promise<AreaRecord> {
    const a = await areasRepo(trx).find(id, read(ctx), true);
    if (!a) throw notFound();
    if (!ctx.actor.canAt(permission, a.path)) throw new AppError('FORBIDDEN');
    return a;
  }

  return {
    get: mustFind,

    async tree(ctx: Ctx, q: { rootId?: number; depth: number; includeArchived: boolean }) {
      let roots = ctx.actor.pathsFor('area.read');
      if (q.rootId) {
        const root = await mustFind(ctx, q.rootId);
        roots = [root.path];
      }
      if (roots.length === 0) return [];
      const minDepth = Math.min(...roots.map((p) => p.split('.').length));
      return areasRepo(s.db).subtree(roots, minDepth + q.depth - 1, q.includeArchived);
    },

    async children(ctx: Ctx, id: number, includeArchived: boolean) {
      await mustFind(ctx, id);
      return areasRepo(s.db).children(id, read(ctx), includeArchived);
    },

    async list(ctx: Ctx, q: ListQuery & { parentId?: number; kind?: AreaKind; status?: string }) {
      const { column, desc } = sortOf(q.sort, 'query.sort');
      return areasRepo(s.db).list({
        scope: read(ctx),
        q: q.q,
        parentId: q.parentId,
        kind: q.kind,
        status: q.status,
        sort: { column, desc },
        limit: q.pageSize,
        offset: (q.page - 1) * q.pageSize,
      });
    },

    /**
     * An area's children (or any filtered list of areas) as .xlsx: the list's filter and sort in
     * the actor's read scope, kinds and statuses in words, audited as `area.export`.
     */
    async exportAreas(
      ctx: Ctx,
      q: { q?: string; parentId?: number; kind?: AreaKind; status?: string; sort?: string },
    ) {
      const parent = q.parentId ? await mustFind(ctx, q.parentId) : null;
      const zh = ctx.lang === 'zh';
      const sort = sortOf(q.sort, 'body.sort');
      const page = (offset: number, limit: number) =>
        areasRepo(s.db).list({
          scope: read(ctx),
          q: q.q,
          parentId: q.parentId,
          kind: q.kind,
          status: q.status,
          sort,
          limit,
          offset,
        });
      const STATUS = zh
        ? { active: '使用中', archived: '已归档' }
        : { active: 'Active', archived: 'Archived' };
      return exportLedger(s, ctx, {
        action: 'area.export',
        entityType: 'area',
        query: q,
        count: async () => (await page(0, 1)).total,
        async *rows(n) {
          for (let offset = 0; offset < n; offset += 1000) {
            const { rows } = await page(offset, Math.min(1000, n - offset));
            if (rows.length === 0) break;
            for (const a of rows) {
              yield {
                name: a.name,
                kind: AREA_KIND_WORDS[a.kind]?.[zh ? 'zh' : 'en'] ?? a.kind,
                code: a.code,
                status: STATUS[a.status],
                childCount: a.childCount,
                boundary: a.boundary ? (zh ? '有' : 'Yes') : zh ? '无' : 'No',
              };
            }
          }
        },
        sheetName: zh ? '区域' : 'Areas',
        fileName: parent
          ? zh
            ? `${parent.name}的下级区域`
            : `areas under ${parent.name}`
          : zh
            ? '区域'
            : 'areas',
        asciiName: 'areas',
        columns: zh
          ? [
              { header: '名称', key: 'name', width: 20 },
              { header: '类型', key: 'kind', width: 10 },
              { header: '编码', key: 'code', width: 22 },
              { header: '状态', key: 'status', width: 8 },
              { header: '下级数', key: 'childCount', width: 8 },
              { header: '边界', key: 'boundary', width: 6 },
            ]
          : [
              { header: 'Name', key: 'name', width: 20 },
              { header: 'Kind', key: 'kind', width: 12 },
              { header: 'Code', key: 'code', width: 22 },
              { header: 'Status', key: 'status', width: 10 },
              { header: 'Children', key: 'childCount', width: 10 },
              { header: 'Boundary', key: 'boundary', width: 10 },
            ],
      });
    },

    /** An area's staff as .xlsx (name, sign-in name, role in words, since), audited as `area.staff_export`. */
    async exportStaff(ctx: Ctx, id: number) {
      const a = await mustFind(ctx, id);
      const zh = ctx.lang === 'zh';
      const load = () => areasRepo(s.db).staffWords(id);
      return exportLedger(s, ctx, {
        action: 'area.staff_export',
        entityType: 'area',
        query: { areaId: id },
        count: async () => (await load()).length,
        async *rows(n) {
          for (const r of (await load()).slice(0, n)) {
            yield {
              displayName: r.displayName,
              username: r.username,
              role: zh ? r.nameZh : r.nameEn,
              since: localStamp(r.createdAt).time,
            };
          }
        },
        sheetName: zh ? '工作人员' : 'Staff',
        fileName: zh ? `${a.name}工作人员` : `staff of ${a.name}`,
        asciiName: 'area-staff',
        columns: zh
          ? [
              { header: '姓名', key: 'displayName', width: 12 },
              { header: '用户名', key: 'username', width: 16 },
              { header: '职责', key: 'role', width: 16 },
              { header: '任职时间', key: 'since', width: 18 },
            ]
          : [
              { header: 'Name', key: 'displayName', width: 14 },
              { header: 'Username', key: 'username', width: 16 },
              { header: 'Duty', key: 'role', width: 18 },
              { header: 'Since', key: 'since', width: 18 },
            ],
      });
    },

    async features(ctx: Ctx, rootId?: number) {
      const roots = rootId ? [(await mustFind(ctx, rootId)).path] : ctx.actor.pathsFor('area.read');
      const out = [];
      for (const r of roots) out.push(...(await areasRepo(s.db).features(r, read(ctx))));
      return out.map((f) => ({ ...f, boundary: pgToPolygon(f.boundary)! }));
    },

    async locate(ctx: Ctx, lat: number, lng: number) {
      const a = await areasRepo(s.db).locate(lng, lat, read(ctx));
      if (!a) throw notFound();
      return a;
    },

    async create(ctx: Ctx, input: AreaCreate): Promise<AreaRecord> {
      checkBoundary(input.boundary, ctx.lang);
      return inTx(s, ctx, async (trx, audit) => {
        const repo = areasRepo(trx);
        let parent: AreaRecord | null = null;
        if (input.parentId !== null) {
          parent =
            (await repo.find(input.parentId, pathInScope(ctx.actor, 'area.read', 'a.path'), true)) ?? null;
          if (!parent) throw notFound();
          if (!ctx.actor.canAt('area.create', parent.path)) throw new AppError('FORBIDDEN');
          if (parent.status === 'archived') throw new AppError('AREA_ARCHIVED');
        }
        if (!parentAllowed(input.kind, parent?.kind ?? null)) {
          throw new AppError('AREA_BAD_PARENT', {
            kind: input.kind,
            parentKind: parent?.kind ?? (AREA_PARENT_KINDS[input.kind] ? '-' : 'root'),
          });
        }
        if (parent === null) {
          // A new root (district) is the system administrator's: only a holder of area.create on a root.
          const rootHolder = ctx.actor.pathsFor('area.create').some((p) => !p.includes('.'));
          if (!rootHolder) throw new AppError('FORBIDDEN');
        }
        let code = input.code;
        if (code) {
          const problem = codeProblem(input.kind, code, parent?.code ?? null);
          if (problem) throw new AppError('AREA_BAD_CODE', { reason: problem });
          if (await repo.codeExists(code)) throw new AppError('DUPLICATE', { field: 'code' });
        } else {
          if (!parent) throw new AppError('AREA_BAD_CODE', { reason: 'a district needs its GB/T 2260 code' });
          code = await repo.nextCode(parent.id, parent.code, AREA_CODE_SUFFIX[input.kind]);
        }
        const boundary = input.boundary ? polygonToPg(input.boundary) : null;
        const c = input.boundary ? centroid(input.boundary) : null;
        const id = await repo.insert({
          parentId: parent?.id ?? null,
          parentPath: parent?.path ?? null,
          kind: input.kind,
          code,
          name: input.name,
          sortOrder: input.sortOrder ?? 0,
          boundary,
          center: c ? `(${c[0]},${c[1]})` : null,
        });
        const created = (await repo.findUnscoped(id))!;
        await audit({
          action: 'area.create',
          entityType: 'area',
          entityId: id,
          changes: diff(null, auditView(created)),
        });
        return created;
      });
    },

    async update(ctx: Ctx, id: number, version: number, input: AreaUpdate): Promise<AreaRecord> {
      checkBoundary(input.boundary, ctx.lang);
      return inTx(s, ctx, async (trx, audit) => {
        const repo = areasRepo(trx);
        const before = await forAction(ctx, id, 'area.update', trx);
        if (before.version !== version) throw new AppError('STALE_VERSION');
        if (input.parentId !== undefined && input.parentId !== before.parentId) {
          const parent = await repo.find(input.parentId, pathInScope(ctx.actor, 'area.read', 'a.path'), true);
          if (!parent) throw notFound();
          if (!ctx.actor.canAt('area.update', parent.path)) throw new AppError('FORBIDDEN');
          if (parent.path === before.path || parent.path.startsWith(`${before.path}.`))
            throw new AppError('AREA_CYCLE');
          if (!parentAllowed(before.kind, parent.kind)) {
            throw new AppError('AREA_BAD_PARENT', { kind: before.kind, parentKind: parent.kind });
          }
          if (parent.status === 'archived') throw new AppError('AREA_ARCHIVED');
          const newCode = await repo.nextCode(parent.id, parent.code, AREA_CODE_SUFFIX[before.kind]);
          await repo.move(before, parent, newCode);
        }
        const c = input.boundary ? centroid(input.boundary) : null;
        await repo.update(id, {
          name: input.name,
          sortOrder: input.sortOrder,
          boundary:
            input.boundary === undefined ? undefined : input.boundary ? polygonToPg(input.boundary) : null,
          center: input.boundary === undefined ? undefined : c ? `(${c[0]},${c[1]})` : null,
        });
        const after = (await repo.findUnscoped(id))!;
        await audit({
          action:
            input.parentId !== undefined && input.parentId !== before.parentId ? 'area.move' : 'area.update',
          entityType: 'area',
          entityId: id,
          changes: diff(auditView(before), auditView(after)),
        });
        return after;
      });
    },

    async setStatus(ctx: Ctx, id: number, status: 'active' | 'archived'): Promise<AreaRecord> {
      return inTx(s, ctx, async (trx, audit) => {
        const repo = areasRepo(trx);
        const before = await forAction(ctx, id, 'area.archive', trx);
        if (status === 'active' && before.parentId) {
          const parent = await repo.findUnscoped(before.parentId);
          if (parent?.status === 'archived') throw new AppError('AREA_ARCHIVED');
        }
        await repo.setSubtreeStatus(before.path, status);
        const after = (await repo.findUnscoped(id))!;
        await audit({
          action: status === 'archived' ? 'area.archive' : 'area.restore',
          entityType: 'area',
          entityId: id,
          changes: diff({ status: before.status }, { status: after.status }),
        });
        return after;
      });
    },

    async remove(ctx: Ctx, id: number): Promise<void> {
      await inTx(s, ctx, async (trx, audit) => {
        const before = await forAction(ctx, id, 'area.delete', trx);
        if (before.childCount > 0) throw new AppError('AREA_HAS_CHILDREN');
        try {
          await sql`SAVEPOINT area_delete`.execute(trx);
          await areasRepo(trx).remove(id);
          await sql`RELEASE SAVEPOINT area_delete`.execute(trx);
        } catch (e) {
          if ((e as { code?: string }).code === '23503') {
            await sql`ROLLBACK TO SAVEPOINT area_delete`.execute(trx);
            const table = (e as { table?: string }).table ?? 'records';
            throw new AppError('AREA_IN_USE', { what: table });
          }
          throw e;
        }
        await audit({ action: 'area.delete', entityType: 'area', entityId: id, detail: auditView(before) });
      });
    },

    async staff(ctx: Ctx, id: number) {
      await mustFind(ctx, id);
      return areasRepo(s.db).staff(id);
    },

    async staffCandidates(ctx: Ctx, id: number, q?: string) {
      const a = await forAction(ctx, id, 'area.staff');
      // Candidates come from the community (or the actor's outermost scope above it).
      const scopeRoot = ctx.actor
        .pathsFor('area.staff')
        .find((p) => a.path === p || a.path.startsWith(`${p}.`))!;
      return areasRepo(s.db).candidates(scopeRoot, q);
    },

    async assignStaff(ctx: Ctx, id: number, userId: number, role: string) {
      return inTx(s, ctx, async (trx, audit) => {
        const a = await forAction(ctx, id, 'area.staff', trx);
        if (!staffRoleAllowed(a.kind, role)) throw new AppError('AREA_BAD_STAFF_ROLE');
        if (a.status === 'archived') throw new AppError('AREA_ARCHIVED');
        const scopeRoot = ctx.actor
          .pathsFor('area.staff')
          .find((p) => a.path === p || a.path.startsWith(`${p}.`))!;
        const user = await trx
          .selectFrom('users as u')
          .innerJoin('areas as h', 'h.id', 'u.areaId')
          .select(['u.id', 'u.username', 'u.displayName'])
          .where('u.id', '=', userId)
          .where('u.status', '=', 'active')
          .where(sql`h.path <@ ${scopeRoot}::ltree` as never)
          .executeTakeFirst();
        if (!user) throw notFound();
        const roleRow = await trx
          .selectFrom('roles')
          .select('id')
          .where('code', '=', role)
          .executeTakeFirstOrThrow();
        // 三权分立 holds here too: staff roles are business, and may not go to an administrator.
        const perms = await trx
          .selectFrom('rolePermissions')
          .select('permission')
          .where('roleId', '=', roleRow.id)
          .execute();
        await assertMayHold(
          trx,
          userId,
          perms.map((p) => p.permission),
        );
        const inserted = await trx
          .insertInto('userRoles')
          .values({ userId, roleId: roleRow.id, areaId: id, createdBy: ctx.actor.userId })
          .onConflict((oc) => oc.columns(['userId', 'roleId', 'areaId']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!inserted) throw new AppError('DUPLICATE', { field: 'role' });
        await audit({
          action: 'role.assign',
          entityType: 'user',
          entityId: userId,
          detail: { role, areaId: id, areaName: a.name, assignmentId: inserted.id },
        });
        return {
          assignmentId: inserted.id,
          userId,
          username: user.username,
          displayName: user.displayName,
          role,
        };
      });
    },

    async unassignStaff(ctx: Ctx, id: number, assignmentId: number) {
      await inTx(s, ctx, async (trx, audit) => {
        const a = await forAction(ctx, id, 'area.staff', trx);
        const asg = await areasRepo(trx).staffAssignment(id, assignmentId);
        if (!asg || !staffRoleAllowed(a.kind, asg.role)) throw notFound();
        await trx.deleteFrom('userRoles').where('id', '=', assignmentId).execute();
        await audit({
          action: 'role.unassign',
          entityType: 'user',
          entityId: asg.userId,
          detail: { role: asg.role, areaId: id, areaName: a.name, assignmentId },
        });
      });
    },
  };
}
export type AreasService = ReturnType<typeof areasService>;
