import { type Expression, type SqlBool, sql } from 'kysely';
import type { z } from 'zod';
import { areaLabel } from '../../../contract/areas.js';
import {
  type Case,
  type CaseListItem,
  type CaseListQuery,
  type CaseMapQuery,
  type CaseState,
  type NearQuery,
  OPEN_STATES,
  type TimelineEntry,
} from '../../../contract/cases.js';
import { maskId, maskPhone } from '../../../contract/identifiers.js';
import { type Around, aroundColumns } from '../../engines/cases/around.js';
import { type CaseRow, perm } from '../../engines/cases/definition.js';
import { type CaseTypeRegistry, caseTypesOf } from '../../engines/cases/registry.js';
import { abilitiesOf, blockedOf, visibleTo } from '../../engines/cases/rules.js';
import { type Separation, separationFor } from '../../engines/cases/separation.js';
import type { Actor } from '../../platform/access/actor.js';
import { inSubtree } from '../../platform/access/scope.js';
import { countTotal } from '../../platform/db/count.js';
import { type Conn, escapeLike, prepared } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors/app-error.js';
import { metres } from '../../platform/geo.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';

const REVEAL_LIMIT = 30;
const OPEN = OPEN_STATES as string[];

/** `(type = t AND area_path <@ paths)` over every type for a per-type permission suffix. */
function typeScope(
  actor: Actor,
  types: readonly string[],
  suffix: 'accept' | 'verify' | 'supervise',
  type?: string,
): Expression<SqlBool> {
  const parts: Expression<SqlBool>[] = [];
  for (const t of type ? [type] : types) {
    const paths = actor.pathsFor(`${t}.${suffix}`);
    if (paths.length) parts.push(sql<SqlBool>`(c.type = ${t} AND c.area_path <@ ${sql.val(paths)}::ltree[])`);
  }
  return parts.length ? sql<SqlBool>`(${sql.join(parts, sql` OR `)})` : sql<SqlBool>`false`;
}

export function boxFilter(
  actor: Actor,
  types: readonly string[],
  box: CaseListQuery['box'],
  now: Date,
  type?: string,
  separation?: Separation,
): Expression<SqlBool> {
  const me = actor.userId;
  switch (box) {
    case 'accept':
      return sql<SqlBool>`(c.state = 'reported' AND ${typeScope(actor, types, 'accept', type)})`;
    case 'dispatch':
      return sql<SqlBool>`(c.state = 'accepted' AND ${typeScope(actor, types, 'accept', type)})`;
    case 'mine':
      return sql<SqlBool>`(c.assignee_user_id = ${me} AND c.state IN ('dispatched','handling','pending'))`;
    case 'verify': {
      // Separation of duties: a case one handled oneself waits for someone else's check.
      const on = (type ? [type] : types).filter((t) => separation?.on(t) ?? false);
      const own = on.length
        ? sql<SqlBool>` AND (c.assignee_user_id IS DISTINCT FROM ${me} OR NOT (c.type = ANY (${sql.val(on)}::text[])))`
        : sql``;
      return sql<SqlBool>`(c.state = 'feedback' AND ${typeScope(actor, types, 'verify', type)}${own})`;
    }
    case 'overdue':
      return sql<SqlBool>`(c.state IN ('reported','accepted','dispatched','handling','feedback') AND c.stage_due_at < ${now})`;
    case 'supervised':
      return sql<SqlBool>`(c.state IN ('reported','accepted','dispatched','handling','feedback','pending') AND (c.sla_level >= 2 OR c.supervision_level > 0 OR c.pending_extension IS NOT NULL) AND ${typeScope(actor, types, 'supervise', type)})`;
    case 'reported':
      return sql<SqlBool>`c.reporter_user_id = ${me}`;
    default:
      return sql<SqlBool>`true`;
  }
}

type Names = Map<number, { name: string; kind: string }>;

/** A category code and, for a group, its children in any type's tree (filters by group). */
function categoryAndChildren(types: CaseTypeRegistry, code: string): string[] {
  const out = new Set([code]);
  for (const d of types.defs) for (const c of d.categories) if (c.parent === code) out.add(c.code);
  return [...out];
}

export function casesService(s: Services) {
  const types = caseTypesOf(s);
  const defOf = (type: string) => types.def(type);
  async function names(conn: Conn, paths: string[]): Promise<Names> {
    const ids = [...new Set(paths.flatMap((p) => p.split('.').map(Number)))];
    if (!ids.length) return new Map();
    const rows = await conn
      .selectFrom('areas')
      .select(['id', 'name', 'kind'])
      .where('id', 'in', ids)
      .execute();
    return new Map(rows.map((r) => [r.id, { name: r.name, kind: r.kind }]));
  }
  const pathNames = (path: string, n: Names) =>
    path
      .split('.')
      .map(Number)
      .map((id) => n.get(id))
      .filter((x): x is { name: string; kind: string } => !!x && x.kind !== 'district')
      .map((x) => x.name);

  function categoryName(type: string, code: string, lang: 'zh' | 'en') {
    const cat = defOf(type).categories.find((c) => c.code === code);
    return cat ? cat[lang] : code;
  }

  async function users(conn: Conn, ids: (number | null)[]) {
    const want = [...new Set(ids.filter((x): x is number => x !== null))];
    if (!want.length) return new Map<number, string>();
    const rows = await conn
      .selectFrom('users')
      .select(['id', 'displayName'])
      .where('id', 'in', want)
      .execute();
    return new Map(rows.map((r) => [r.id, r.displayName]));
  }
  const ref = (m: Map<number, string>, id: number | null) =>
    id === null ? null : { id, name: m.get(id) ?? '?' };
  const iso = (d: Date | null) => (d ? d.toISOString() : null);

  function listItem(c: CaseRow, n: Names, u: Map<number, string>, lang: 'zh' | 'en'): CaseListItem {
    return {
      id: c.id,
      no: c.no,
      type: c.type as CaseListItem['type'],
      category: c.category,
      categoryName: categoryName(c.type, c.category, lang),
      urgency: c.urgency as 'normal' | 'urgent',
      state: c.state as CaseState,
      title: c.title,
      areaId: c.areaId,
      // The place with what tells it apart ("友谊河社区 / 第一网格"): grids' names repeat.
      areaName: areaLabel(
        c.areaPath
          .split('.')
          .map(Number)
          .map((id) => n.get(id))
          .filter((x): x is { name: string; kind: string } => !!x),
      ),
      location: c.lat !== null && c.lng !== null ? { lat: c.lat, lng: c.lng } : null,
      reportedAt: c.reportedAt.toISOString(),
      stageDueAt: iso(c.stageDueAt),
      dueAt: iso(c.dueAt),
      slaLevel: c.slaLevel,
      supervisionLevel: c.supervisionLevel,
      assignee: ref(u, c.assigneeUserId),
      outcome: c.outcome,
      public: c.public,
    };
  }

  async function find(conn: Conn, ctx: Ctx, id: number): Promise<CaseRow> {
    const c = await conn
      .selectFrom('cases as c')
      .selectAll('c')
      .where('c.id', '=', id)
      .where(visibleTo(ctx.actor, types.codes))
      .executeTakeFirst();
    if (!c) throw new AppError('NOT_FOUND');
    return c;
  }

  async function attachmentsOf(conn: Conn, caseId: number) {
    const rows = await conn
      .selectFrom('caseAttachments')
      .select(['id', 'eventId', 'name', 'mime', 'size'])
      .where('caseId', '=', caseId)
      .orderBy('id')
      .execute();
    return rows.map(attachmentRef);
  }
  const attachmentRef = (a: {
    id: number;
    eventId: number | null;
    name: string;
    mime: string;
    size: number;
  }) => ({
    eventId: a.eventId,
    a: { id: a.id, name: a.name, mime: a.mime, size: a.size, url: `/api/cases/attachments/${a.id}` },
  });

  /** The names, users, attachments and parties around a case row (`aroundColumns`), in one statement. */
  async function around(conn: Conn, c: CaseRow): Promise<Around> {
    const [row] = await prepared(
      conn,
      sql<Around>`SELECT ${aroundColumns('c')} FROM (SELECT ${c.id}::bigint AS id, ${c.areaPath}::text AS area_path,
        ${c.reporterUserId}::bigint AS reporter_user_id, ${c.ownerUserId}::bigint AS owner_user_id,
        ${c.assigneeUserId}::bigint AS assignee_user_id) c`,
    );
    if (!row) throw new Error('around: no row');
    return row;
  }

  const decryptMasked = (enc: string | null, mask: (v: string | null) => string | null) =>
    enc ? mask(s.keyring.decrypt(enc)) : null;

  /** The inbox's filter (`box` and the query's filters) within what the actor sees. */
  function filtered(ctx: Ctx, q: Omit<CaseListQuery, 'page' | 'pageSize'>, separation: Separation) {
    const now = s.clock.now();
    let base = s.db
      .selectFrom('cases as c')
      .where(visibleTo(ctx.actor, types.codes))
      .where(boxFilter(ctx.actor, types.codes, q.box, now, q.type, separation));
    if (q.type) base = base.where('c.type', '=', q.type);
    if (q.state) base = base.where('c.state', '=', q.state);
    if (q.category) base = base.where('c.category', 'in', categoryAndChildren(types, q.category));
    if (q.urgency) base = base.where('c.urgency', '=', q.urgency);
    if (q.sla !== undefined) base = base.where('c.slaLevel', '>=', q.sla);
    const instant = (
      { reported: 'c.reportedAt', accepted: 'c.acceptedAt', due: 'c.dueAt', closed: 'c.closedAt' } as const
    )[q.dateField ?? 'reported'];
    if (q.from) base = base.where(instant, '>=', new Date(`${q.from}T00:00:00+08:00`));
    if (q.to)
      base = base.where(instant, '<', new Date(new Date(`${q.to}T00:00:00+08:00`).getTime() + 86_400_000));
    if (q.valid === 'true') base = base.where('c.state', '<>', 'rejected');
    if (q.open === 'true') base = base.where('c.state', 'not in', ['closed', 'rejected']);
    if (q.rated === 'true') base = base.where('c.rating', 'is not', null);
    if (q.mediated === 'true') base = base.where('c.mediatedAt', 'is not', null);
    if (q.public) base = base.where('c.public', '=', q.public === 'true');
    if (q.located) base = base.where('c.lat', q.located === 'true' ? 'is not' : 'is', null);
    if (q.areaId) base = base.where(inSubtree('c.areaPath', q.areaId));
    if (q.personId)
      base = base.where(
        sql<SqlBool>`c.id IN (SELECT r.id FROM cases r WHERE r.reporter_person_id = ${q.personId}
          UNION SELECT dp.case_id FROM dispute_parties dp WHERE dp.person_id = ${q.personId})`,
      );
    if (q.q) {
      const like = `%${escapeLike(q.q)}%`;
      base = base.where((eb) => eb.or([eb('c.no', '=', q.q!.toUpperCase()), eb('c.title', 'ilike', like)]));
    }
    return base;
  }

  /** `filtered` in the order asked (`sort`, validated by the contract), newest first on ties. */
  function ordered(ctx: Ctx, q: Omit<CaseListQuery, 'page' | 'pageSize'>, separation: Separation) {
    const sortable: Record<string, string> = {
      id: 'c.id',
      reportedAt: 'c.reportedAt',
      stageDueAt: 'c.stageDueAt',
      dueAt: 'c.dueAt',
      closedAt: 'c.closedAt',
    };
    const sortKey =
      q.sort?.replace(/^-/, '') ?? (q.box === 'overdue' || q.box === 'mine' ? 'stageDueAt' : 'id');
    const desc = q.sort ? q.sort.startsWith('-') : sortKey === 'id';
    const col = sortable[sortKey] ?? 'c.id';
    // NULLS LAST only where there can be nulls: `id DESC NULLS LAST` is not the primary key's
    // order, and would sort every visible case to show 20 (0.4 s at a million).
    const nullable = col === 'c.stageDueAt' || col === 'c.closedAt';
    return filtered(ctx, q, separation)
      .selectAll('c')
      .orderBy(sql.ref(col), (ob) => {
        const o = desc ? ob.desc() : ob.asc();
        return nullable ? o.nullsLast() : o;
      })
      .orderBy('c.id', 'desc');
  }

  return {
    find,

    filtered,
    ordered,
    names,
    pathNames,
    users,
    categoryName,

    async list(ctx: Ctx, q: CaseListQuery) {
      const separation = await separationFor(s).get();
      const base = filtered(ctx, q, separation);
      const rows = await ordered(ctx, q, separation)
        .offset((q.page - 1) * q.pageSize)
        .limit(q.pageSize)
        .execute();
      // The true total when counting is cheap, else the planner's estimate, said to be one.
      // A short budget: the inbox is the most opened page, and an estimate is said to be one.
      const counted = await countTotal(s.db, base.select(sql`1`.as('x')), { budgetMs: 150 });
      const n = await names(
        s.db,
        rows.map((r) => r.areaPath),
      );
      const u = await users(
        s.db,
        rows.map((r) => r.assigneeUserId),
      );
      const disputes = rows.filter((r) => r.type === 'dispute').map((r) => r.id);
      const partyCounts = new Map(
        disputes.length
          ? (
              await s.db
                .selectFrom('disputeParties')
                .select(['caseId', sql<number>`count(*)::int`.as('n')])
                .where('caseId', 'in', disputes)
                .groupBy('caseId')
                .execute()
            ).map((p) => [p.caseId, p.n] as const)
          : [],
      );
      return {
        items: rows.map((r) => {
          const item = listItem(r, n, u, ctx.lang);
          if (r.type !== 'dispute') return item;
          const scale = (r.detail as { scale?: string } | null)?.scale ?? null;
          return { ...item, scale, partyCount: partyCounts.get(r.id) ?? 0 };
        }),
        total: counted.total,
        totalExact: counted.exact,
      };
    },

    async counts(ctx: Ctx, type?: string) {
      const now = s.clock.now();
      const separation = await separationFor(s).get();
      const boxes = ['accept', 'dispatch', 'mine', 'verify', 'overdue', 'supervised', 'reported'] as const;
      let q = s.db
        .selectFrom('cases as c')
        .where(visibleTo(ctx.actor, types.codes))
        .where('c.state', 'not in', ['closed', 'rejected']);
      if (type) q = q.where('c.type', '=', type);
      const row = await q
        .select(
          boxes.map((b) =>
            sql<number>`(count(*) FILTER (WHERE ${boxFilter(ctx.actor, types.codes, b, now, type, separation)}))::int`.as(
              b,
            ),
          ),
        )
        .executeTakeFirstOrThrow();
      return row as Record<(typeof boxes)[number], number>;
    },

    async map(ctx: Ctx, q: z.infer<typeof CaseMapQuery>) {
      let base = s.db
        .selectFrom('cases as c')
        .select([
          'c.id',
          'c.no',
          'c.type',
          'c.category',
          'c.state',
          'c.slaLevel',
          'c.title',
          'c.lat',
          'c.lng',
        ])
        .where(visibleTo(ctx.actor, types.codes))
        .where('c.lat', 'is not', null)
        .where('c.state', 'in', q.state ? [q.state] : OPEN);
      if (q.type) base = base.where('c.type', '=', q.type);
      if (q.category) base = base.where('c.category', 'in', categoryAndChildren(types, q.category));
      if (q.areaId) base = base.where(inSubtree('c.areaPath', q.areaId));
      const rows = await base.orderBy('c.id', 'desc').limit(2000).execute();
      return rows.map((r) => ({
        ...r,
        type: r.type as CaseListItem['type'],
        state: r.state as CaseState,
        lat: r.lat!,
        lng: r.lng!,
      }));
    },

    /** Possible duplicates: same type and category, within `radius` metres and `hours`, not rejected. */
    async near(ctx: Ctx, q: z.infer<typeof NearQuery>) {
      const since = new Date(s.clock.now().getTime() - q.hours * 3600_000);
      const dLat = q.radius / 111_320;
      const dLng = q.radius / (111_320 * Math.max(0.1, Math.cos((q.lat * Math.PI) / 180)));
      const rows = await s.db
        .selectFrom('cases as c')
        .select(['c.id', 'c.no', 'c.title', 'c.state', 'c.reportedAt', 'c.lat', 'c.lng'])
        .where(visibleTo(ctx.actor, types.codes))
        .where('c.type', '=', q.type)
        .where('c.category', '=', q.category)
        .where('c.reportedAt', '>=', since)
        .where('c.state', '!=', 'rejected')
        .where('c.lat', '>=', q.lat - dLat)
        .where('c.lat', '<=', q.lat + dLat)
        .where('c.lng', '>=', q.lng - dLng)
        .where('c.lng', '<=', q.lng + dLng)
        .orderBy('c.id', 'desc')
        .limit(50)
        .execute();
      return rows
        .map((r) => ({
          id: r.id,
          no: r.no,
          title: r.title,
          state: r.state as CaseState,
          reportedAt: r.reportedAt.toISOString(),
          distance: Math.round(metres(q.lat, q.lng, r.lat!, r.lng!)),
        }))
        .filter((r) => r.distance <= q.radius)
        .sort((a, b) => a.distance - b.distance)
        .slice(0, 10);
    },

    /** A case as its page shows it; `known` when the statement that read or wrote it read them too. */
    async present(ctx: Ctx, c: CaseRow, known?: Around): Promise<Case> {
      const def = defOf(c.type);
      const separation = await separationFor(s).get();
      const a = known ?? (await around(s.db, c));
      const n = new Map(a.aroundNames.map((x) => [x.id, { name: x.name, kind: x.kind }])) as Names;
      const u = new Map(a.aroundUsers.map((x) => [x.id, x.name]));
      const att = a.aroundAtt.map(attachmentRef);
      const parties = a.aroundParties;
      const pe = c.pendingExtension as { amount: number; unit: string; reason: string; by: string } | null;
      return {
        ...listItem(c, n, u, ctx.lang),
        description: c.description,
        areaPathNames: pathNames(c.areaPath, n),
        address: c.address,
        channel: c.channel as Case['channel'],
        reporter: ref(u, c.reporterUserId),
        contactName: c.contactName,
        contactPhone: decryptMasked(c.contactPhoneEnc, maskPhone),
        reporterPersonId: c.reporterPersonId,
        owner: ref(u, c.ownerUserId),
        organisationId: c.organisationId,
        department: c.department,
        acceptedAt: iso(c.acceptedAt),
        dispatchedAt: iso(c.dispatchedAt),
        closedAt: iso(c.closedAt),
        reworkCount: c.reworkCount,
        extensionCount: c.extensionCount,
        pendingExtension: pe ? { amount: pe.amount, unit: pe.unit, reason: pe.reason, by: pe.by } : null,
        rating: c.rating,
        mergedIntoId: c.mergedIntoId,
        source:
          c.sourceKind && c.sourceId !== null
            ? { kind: c.sourceKind as 'visit' | 'patrol', id: c.sourceId }
            : null,
        detail: (c.detail ?? {}) as Record<string, unknown>,
        parties: parties.map((p) => ({
          id: p.id,
          role: p.role,
          personId: p.personId,
          name: p.name,
          idNumber: decryptMasked(p.idEnc, maskId),
          phone: decryptMasked(p.phoneEnc, maskPhone),
          address: p.address,
        })),
        attachments: att.map((x) => x.a),
        version: c.version,
        abilities: abilitiesOf(ctx.actor, c, def, s.clock.now(), separation),
        blocked: blockedOf(ctx.actor, c, def, s.clock.now(), ctx.lang, separation),
      };
    },

    async timeline(ctx: Ctx, id: number): Promise<TimelineEntry[]> {
      await find(s.db, ctx, id);
      const rows = await s.db
        .selectFrom('caseEvents')
        .selectAll()
        .where('caseId', '=', id)
        .orderBy('id')
        .execute();
      const att = await attachmentsOf(s.db, id);
      return rows.map((e) => ({
        id: e.id,
        at: e.at.toISOString(),
        actor: e.actorName,
        kind: e.kind as TimelineEntry['kind'],
        fromState: e.fromState as CaseState | null,
        toState: e.toState as CaseState | null,
        comment: e.comment,
        data: e.data as Record<string, unknown>,
        attachments: att.filter((x) => x.eventId === e.id).map((x) => x.a),
        location: e.lat !== null && e.lng !== null ? { lat: e.lat, lng: e.lng } : null,
      }));
    },

    /**
     * People a case can be dispatched to: active users with a role under the case's community.
     * Suggested order: the grid workers of the case's grid first, then the others by their
     * current open load (fewest first), then by name; each with that load.
     */
    async assignable(ctx: Ctx, caseId: number, q?: string) {
      const c = await find(s.db, ctx, caseId);
      if (!ctx.actor.canAt(perm(defOf(c.type).code, 'accept'), c.areaPath)) throw new AppError('FORBIDDEN');
      // The community (or the street, for a case filed at street level) bounds who can be picked.
      const ids = c.areaPath.split('.');
      const bound = ids.slice(0, Math.min(ids.length, 3)).join('.');
      let query = s.db
        .selectFrom('userRoles as ur')
        .innerJoin('users as u', 'u.id', 'ur.userId')
        .innerJoin('roles as r', 'r.id', 'ur.roleId')
        .innerJoin('areas as a', 'a.id', 'ur.areaId')
        .select([
          'u.id',
          'u.displayName',
          sql<string[]>`array_agg(DISTINCT r.name_zh)`.as('roles'),
          sql<string>`min(a.name)`.as('areaName'),
          // A grid worker assigned on the grid the case lies in (or under).
          sql<boolean>`bool_or(r.code = 'grid_worker' AND a.kind = 'grid' AND ${c.areaPath}::ltree <@ a.path)`.as(
            'ofGrid',
          ),
          sql<number>`(SELECT count(*)::int FROM cases o WHERE o.assignee_user_id = u.id AND o.state IN ('dispatched','handling','pending'))`.as(
            'openLoad',
          ),
        ])
        .where('u.status', '=', 'active')
        .where('ur.pending', '=', false)
        .where('r.adminKind', 'is', null)
        .where('r.code', 'not in', ['resident'])
        .where(sql<SqlBool>`(a.path <@ ${bound}::ltree OR ${bound}::ltree <@ a.path)`)
        .groupBy(['u.id', 'u.displayName'])
        .orderBy(
          sql`bool_or(r.code = 'grid_worker' AND a.kind = 'grid' AND ${c.areaPath}::ltree <@ a.path)`,
          'desc',
        )
        .orderBy('openLoad')
        .orderBy('u.displayName')
        .limit(100);
      if (q) query = query.where('u.displayName', 'ilike', `%${escapeLike(q)}%`);
      const rows = await query.execute();
      return rows.map((r) => ({
        id: r.id,
        name: r.displayName,
        roles: r.roles,
        areaName: r.areaName,
        ofGrid: !!r.ofGrid,
        openLoad: r.openLoad,
      }));
    },

    /** One masked value in clear, with a stated purpose; audited without the value; 30 an hour. */
    async reveal(
      ctx: Ctx,
      caseId: number,
      body: { field: 'contactPhone' | 'partyIdNumber' | 'partyPhone'; partyId?: number; purpose: string },
    ) {
      return inTx(s, ctx, async (trx, audit) => {
        const c = await find(trx, ctx, caseId);
        const needed = c.type === 'dispute' ? 'dispute.reveal' : 'person.reveal';
        if (!ctx.actor.canAt(needed, c.areaPath)) throw new AppError('FORBIDDEN');
        await sql`SELECT pg_advisory_xact_lock(hashtext(${`jiayuan:reveal:${ctx.actor.userId}`}))`.execute(
          trx,
        );
        const used = await trx
          .selectFrom('auditLog')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('actorId', '=', ctx.actor.userId)
          .where('action', 'in', ['person.reveal', 'case.reveal'])
          .where('at', '>', new Date(s.clock.now().getTime() - 3600_000))
          .executeTakeFirst();
        if ((used?.n ?? 0) >= REVEAL_LIMIT) throw new AppError('RATE_LIMITED');
        let enc: string | null = null;
        if (body.field === 'contactPhone') enc = c.contactPhoneEnc;
        else {
          const p = body.partyId
            ? await trx
                .selectFrom('disputeParties')
                .selectAll()
                .where('id', '=', body.partyId)
                .where('caseId', '=', c.id)
                .executeTakeFirst()
            : undefined;
          if (!p) throw new AppError('NOT_FOUND');
          enc = body.field === 'partyIdNumber' ? p.idEnc : p.phoneEnc;
        }
        await audit({
          action: 'case.reveal',
          entityType: 'case',
          entityId: c.id,
          detail: { field: body.field, partyId: body.partyId ?? null, purpose: body.purpose },
        });
        return { value: enc ? s.keyring.decrypt(enc) : null };
      });
    },
  };
}

export type CasesService = ReturnType<typeof casesService>;
