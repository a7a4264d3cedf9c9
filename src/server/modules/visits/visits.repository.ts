import { type Expression, type Insertable, type SqlBool, sql, type Updateable } from 'kysely';
import { TAG_CODES, type TagCode, tagPermission } from '../../../contract/tags.js';
import type { Actor } from '../../platform/access/actor.js';
import { areaLabelSql } from '../../platform/access/area-label.js';
import { inSubtree } from '../../platform/access/scope.js';
import { countTotal } from '../../platform/db/count.js';
import type { Conn } from '../../platform/db/index.js';
import { escapeLike } from '../../platform/db/index.js';
import type { PatrolsTable, VisitRulesTable, VisitsTable } from '../../platform/db/schema.js';

/** The tags whose records the actor may see (a visit under a rule is as sensitive as its tags). */
export function visibleTags(actor: Actor): TagCode[] {
  return TAG_CODES.filter((c) => actor.can(tagPermission(c)));
}

export function pathsIn(actor: Actor, permission: string, column: string): Expression<SqlBool> {
  const paths = actor.pathsFor(permission);
  return paths.length ? sql<SqlBool>`${sql.ref(column)} <@ ${sql.val(paths)}::ltree[]` : sql<SqlBool>`false`;
}

/** Visits the actor may read: in their visit.read scope with tags they may see, or their own. */
export function visitVisible(actor: Actor, alias = 'v'): Expression<SqlBool> {
  const tags = visibleTags(actor);
  return sql<SqlBool>`(${sql.ref(`${alias}.visitorUserId`)} = ${actor.userId} OR (${pathsIn(actor, 'visit.read', `${alias}.areaPath`)} AND ${sql.ref(`${alias}.tags`)} <@ ${sql.val(tags)}::text[]))`;
}

/** Plans the actor visits: grid rules in their visit.record scope, pair rules of people paired to them. */
export function planScope(actor: Actor): Expression<SqlBool> {
  return sql<SqlBool>`((r.visitor = 'grid_worker' AND ${pathsIn(actor, 'visit.record', 'a.path')}) OR (r.visitor = 'pair' AND EXISTS (SELECT 1 FROM visit_pairs pr WHERE pr.person_id = p.id AND pr.user_id = ${actor.userId})) OR ${pathsIn(actor, 'visit.read', 'a.path')})`;
}

/** Patrols the actor may read: their own, or in their visit.read scope. */
export function patrolVisible(actor: Actor): Expression<SqlBool> {
  return sql<SqlBool>`(pt.user_id = ${actor.userId} OR ${pathsIn(actor, 'visit.read', 'pt.areaPath')})`;
}

/** Rules over the actor's areas or above them (a grid worker sees the community's rules). */
const ruleReadable = (actor: Actor) =>
  sql<SqlBool>`(${pathsIn(actor, 'visit.read', 'a.path')} OR ${pathsIn(actor, 'visit.manage', 'a.path')} OR a.path @> ${sql.val(actor.pathsFor('visit.read'))}::ltree[])`;

const chinaDay = (d: string) => new Date(`${d}T00:00:00+08:00`);
const dayAfter = (d: string) => new Date(Date.parse(`${d}T00:00:00+08:00`) + 86_400_000);

export type AreaNames = Map<number, { name: string; kind: string }>;

export interface PlanFilter {
  areaId?: number;
  ruleId?: number;
  status: 'overdue' | 'due' | 'never' | 'all';
  horizon?: number;
  q?: string;
  page: number;
  pageSize: number;
  mine?: boolean;
}

/**
 * Every query of the visits module, built on the connection or transaction it is given; scope
 * predicates are the ones above. The services decide, this reads and writes.
 */
export function visitsRepo(conn: Conn) {
  return {
    /** Names and kinds of every area on the given paths. */
    async names(paths: string[]): Promise<AreaNames> {
      const ids = [...new Set(paths.flatMap((p) => p.split('.').map(Number)))];
      if (!ids.length) return new Map<number, { name: string; kind: string }>();
      const rows = await conn
        .selectFrom('areas')
        .select(['id', 'name', 'kind'])
        .where('id', 'in', ids)
        .execute();
      return new Map(rows.map((r) => [r.id, { name: r.name, kind: r.kind }]));
    },

    /** An area the actor manages visits of. */
    manageableArea(actor: Actor, areaId: number) {
      return conn
        .selectFrom('areas as a')
        .select(['a.id', 'a.path', 'a.kind'])
        .where('a.id', '=', areaId)
        .where(pathsIn(actor, 'visit.manage', 'a.path'))
        .executeTakeFirst();
    },

    // —— rules ——

    rule(actor: Actor, id: number, forUpdate = false) {
      let q = conn
        .selectFrom('visitRules as r')
        .innerJoin('areas as a', 'a.id', 'r.areaId')
        .selectAll('r')
        .select([areaLabelSql('a').as('areaName'), 'a.path as areaPath'])
        .where('r.id', '=', id)
        .where(ruleReadable(actor));
      if (forUpdate) q = q.forUpdate();
      return q.executeTakeFirst();
    },

    rules(actor: Actor, areaId?: number) {
      let q = conn
        .selectFrom('visitRules as r')
        .innerJoin('areas as a', 'a.id', 'r.areaId')
        .selectAll('r')
        .select([areaLabelSql('a').as('areaName'), 'a.path as areaPath'])
        .where(ruleReadable(actor))
        .orderBy('r.id');
      if (areaId) q = q.where('r.areaId', '=', areaId);
      return q.execute();
    },

    async planCount(ruleId: number): Promise<number> {
      const n = await conn
        .selectFrom('visitPlans')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('ruleId', '=', ruleId)
        .executeTakeFirstOrThrow();
      return n.n;
    },

    async insertRule(values: Insertable<VisitRulesTable>): Promise<number> {
      const row = await conn
        .insertInto('visitRules')
        .values(values)
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async updateRule(id: number, values: Updateable<VisitRulesTable>): Promise<void> {
      await conn.updateTable('visitRules').set(values).where('id', '=', id).execute();
    },

    // —— pairs ——

    /** Pairings the actor manages or is the helper of (the list shows 500; an export up to `limit`). */
    pairs(actor: Actor, q: { personId?: number; userId?: number }, limit = 500) {
      let query = conn
        .selectFrom('visitPairs as vp')
        .innerJoin('people as p', 'p.id', 'vp.personId')
        .innerJoin('areas as a', 'a.id', 'p.areaId')
        .innerJoin('users as u', 'u.id', 'vp.userId')
        .select([
          'vp.id',
          'vp.personId',
          'p.name as personName',
          'vp.userId',
          'u.displayName as userName',
          'vp.note',
        ])
        .where(sql<SqlBool>`(${pathsIn(actor, 'visit.manage', 'a.path')} OR vp.user_id = ${actor.userId})`)
        .orderBy('vp.id', 'desc')
        .limit(limit);
      if (q.personId) query = query.where('vp.personId', '=', q.personId);
      if (q.userId) query = query.where('vp.userId', '=', q.userId);
      return query.execute();
    },

    /** A person in the actor's visit.manage scope. */
    managedPerson(actor: Actor, personId: number) {
      return conn
        .selectFrom('people as p')
        .innerJoin('areas as a', 'a.id', 'p.areaId')
        .select(['p.id', 'p.name'])
        .where('p.id', '=', personId)
        .where(pathsIn(actor, 'visit.manage', 'a.path'))
        .executeTakeFirst();
    },

    activeUser(userId: number) {
      return conn
        .selectFrom('users')
        .select(['id', 'displayName'])
        .where('id', '=', userId)
        .where('status', '=', 'active')
        .executeTakeFirst();
    },

    /** The new pairing's id, or undefined when the pair exists already. */
    async insertPair(personId: number, userId: number, note: string | null) {
      const row = await conn
        .insertInto('visitPairs')
        .values({ personId, userId, note })
        .onConflict((oc) => oc.columns(['personId', 'userId']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return row?.id;
    },

    /** Deletes a pairing of a person in the actor's visit.manage scope; what it was, or undefined. */
    deletePair(actor: Actor, id: number) {
      return conn
        .deleteFrom('visitPairs as vp')
        .where('vp.id', '=', id)
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('people as p')
              .innerJoin('areas as a', 'a.id', 'p.areaId')
              .select('p.id')
              .whereRef('p.id', '=', 'vp.personId')
              .where(pathsIn(actor, 'visit.manage', 'a.path')),
          ),
        )
        .returning(['vp.personId', 'vp.userId'])
        .executeTakeFirst();
    },

    // —— plans ——

    /** The plans a to-do or a list counts: scoped, filtered (the rows and the totals share it). */
    planBase(actor: Actor, tags: TagCode[], q: Omit<PlanFilter, 'page' | 'pageSize'>, today: string) {
      const t = today;
      let base = conn
        .selectFrom('visitPlans as vp')
        .innerJoin('visitRules as r', 'r.id', 'vp.ruleId')
        .innerJoin('people as p', 'p.id', 'vp.personId')
        .innerJoin('areas as a', 'a.id', 'p.areaId')
        .where('r.active', '=', true);
      const tagsVisible = sql<SqlBool>`r.tags <@ ${sql.val(tags)}::text[]`;
      // A pairing is the grant for its person: the paired visitor (a party member holds no tag
      // permission) sees the pair rule's plan; everything else needs all of the rule's tags.
      base = q.mine
        ? base.where(
            sql<SqlBool>`((r.visitor = 'grid_worker' AND ${pathsIn(actor, 'visit.record', 'a.path')} AND ${tagsVisible}) OR (r.visitor = 'pair' AND EXISTS (SELECT 1 FROM visit_pairs pr WHERE pr.person_id = p.id AND pr.user_id = ${actor.userId})))`,
          )
        : base.where(pathsIn(actor, 'visit.read', 'a.path')).where(tagsVisible);
      if (q.status === 'overdue') base = base.where('vp.dueOn', '<', t);
      if (q.status === 'due')
        base = base.where(sql<SqlBool>`vp.due_on <= ${t}::date + ${q.horizon ?? 7}::int`);
      if (q.status === 'never')
        base = base.where('vp.lastVisitOn', 'is', null).where('r.mustVisit', '=', true);
      if (q.ruleId) base = base.where('r.id', '=', q.ruleId);
      if (q.areaId) base = base.where(inSubtree('a.path', q.areaId));
      if (q.q) base = base.where('p.name', 'like', `${escapeLike(q.q)}%`);
      return base;
    },

    /** A page of plans and the counts of the whole selection. */
    async plans(actor: Actor, tags: TagCode[], q: PlanFilter, today: string) {
      const t = today;
      const base = this.planBase(actor, tags, q, t);
      const rows = await base
        .select([
          'vp.id as planId',
          'p.id as personId',
          'p.name as personName',
          'p.birthDate',
          'p.areaId as houseId',
          'a.path',
          'r.id as ruleId',
          'r.name as ruleName',
          'r.mustVisit',
          'r.tags',
          'r.visitor',
          'r.form',
          'vp.dueOn',
          'vp.lastVisitOn',
        ])
        // Urgency first (overdue, due today, later), then walking order through the buildings.
        .orderBy(sql`CASE WHEN vp.due_on < ${t}::date THEN 0 WHEN vp.due_on = ${t}::date THEN 1 ELSE 2 END`)
        .orderBy('a.path')
        .orderBy('vp.dueOn')
        .offset((q.page - 1) * q.pageSize)
        .limit(q.pageSize)
        .execute();
      const total = await base
        .select([
          sql<number>`count(*)::int`.as('n'),
          sql<number>`(count(*) FILTER (WHERE vp.due_on < ${t}::date))::int`.as('overdue'),
          sql<number>`(count(*) FILTER (WHERE vp.due_on = ${t}::date))::int`.as('dueToday'),
        ])
        .executeTakeFirstOrThrow();
      return { rows, total };
    },

    /** The given people's tags among those the actor may see. */
    personTags(personIds: number[], tags: TagCode[]) {
      if (!personIds.length) return Promise.resolve([]);
      return conn
        .selectFrom('personTags')
        .select(['personId', 'tag'])
        .where('personId', 'in', personIds)
        .where('tag', 'in', tags.length ? tags : ['-'])
        .execute();
    },

    // —— visits ——

    /** A person the actor may visit: in their visit.record scope, or paired to them. */
    visitablePerson(actor: Actor, personId: number) {
      return conn
        .selectFrom('people as p')
        .innerJoin('areas as a', 'a.id', 'p.areaId')
        .select(['p.id', 'p.areaId', 'a.path'])
        .where('p.id', '=', personId)
        .where(
          sql<SqlBool>`(${pathsIn(actor, 'visit.record', 'a.path')} OR EXISTS (SELECT 1 FROM visit_pairs pr WHERE pr.person_id = p.id AND pr.user_id = ${actor.userId}))`,
        )
        .executeTakeFirst();
    },

    ruleById(id: number) {
      return conn.selectFrom('visitRules').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** The person's plan under a rule, locked for the visit that moves it. */
    planForUpdate(ruleId: number, personId: number) {
      return conn
        .selectFrom('visitPlans')
        .select(['id', 'dueOn', 'lastVisitOn'])
        .where('ruleId', '=', ruleId)
        .where('personId', '=', personId)
        .forUpdate()
        .executeTakeFirst();
    },

    async isPaired(personId: number, userId: number): Promise<boolean> {
      return !!(await conn
        .selectFrom('visitPairs')
        .select('id')
        .where('personId', '=', personId)
        .where('userId', '=', userId)
        .executeTakeFirst());
    },

    async insertVisit(values: Insertable<VisitsTable>): Promise<number> {
      const row = await conn.insertInto('visits').values(values).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },

    async movePlan(planId: number, lastVisitOn: string, dueOn: string): Promise<void> {
      await conn.updateTable('visitPlans').set({ lastVisitOn, dueOn }).where('id', '=', planId).execute();
    },

    /** Links the uploader's unused attachments to a visit; how many it linked. */
    async linkAttachments(visitId: number, ids: number[], userId: number): Promise<number> {
      const r = await conn
        .updateTable('caseAttachments')
        .set({ visitId })
        .where('id', 'in', ids)
        .where('uploadedBy', '=', userId)
        .where('caseId', 'is', null)
        .where('visitId', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    /** Visits by id as the actor may read them, with their attachments and the cases raised on them. */
    async visitsById(actor: Actor, ids: number[]) {
      const rows = await conn
        .selectFrom('visits as v')
        .innerJoin('people as p', 'p.id', 'v.personId')
        .innerJoin('users as u', 'u.id', 'v.visitorUserId')
        .leftJoin('visitRules as r', 'r.id', 'v.ruleId')
        .selectAll('v')
        .select([
          'p.name as personName',
          'u.displayName as visitorName',
          'r.name as ruleName',
          'r.form as ruleForm',
        ])
        .where('v.id', 'in', ids)
        .where(visitVisible(actor))
        .execute();
      const found = rows.map((v) => v.id);
      const att = found.length
        ? await conn
            .selectFrom('caseAttachments')
            .select(['id', 'visitId', 'name', 'mime', 'size'])
            .where('visitId', 'in', found)
            .orderBy('id')
            .execute()
        : [];
      const cases = found.length
        ? await conn
            .selectFrom('cases')
            .select(['id', 'sourceId', 'no', 'title', 'state'])
            .where('sourceKind', '=', 'visit')
            .where('sourceId', 'in', found)
            .orderBy('id')
            .execute()
        : [];
      return { rows, att, cases };
    },

    /** A page of the visits the actor may read (ids, newest first) and their number. */
    async visitIds(
      actor: Actor,
      q: {
        personId?: number;
        ruleId?: number;
        from?: string;
        to?: string;
        areaId?: number;
        q?: string;
        sort?: string;
        page: number;
        pageSize: number;
      },
      /** `countCap`: counted exactly up to this many (an export's row cap), else platform/db/count.ts's default */
      opts: { count?: boolean; countCap?: number } = {},
    ) {
      let base = conn
        .selectFrom('visits as v')
        .innerJoin('people as p', 'p.id', 'v.personId')
        .where(visitVisible(actor));
      if (q.personId) base = base.where('v.personId', '=', q.personId);
      if (q.ruleId) base = base.where('v.ruleId', '=', q.ruleId);
      if (q.from) base = base.where('v.visitedAt', '>=', chinaDay(q.from));
      if (q.to) base = base.where('v.visitedAt', '<', dayAfter(q.to));
      if (q.areaId) base = base.where(inSubtree('v.areaPath', q.areaId));
      if (q.q) base = base.where('p.name', 'like', `${escapeLike(q.q)}%`);
      const desc = !q.sort || q.sort.startsWith('-');
      const byName = q.sort?.replace(/^-/, '') === 'personName';
      const ids = await base
        .select('v.id')
        .orderBy(byName ? sql`p.name COLLATE "C"` : sql.ref('v.visitedAt'), desc ? 'desc' : 'asc')
        .orderBy('v.id', desc ? 'desc' : 'asc')
        .offset((q.page - 1) * q.pageSize)
        .limit(q.pageSize)
        .execute();
      // The true total when counting is cheap, else the planner's estimate, said to be one.
      const total =
        opts.count === false
          ? { total: -1, exact: true }
          : await countTotal(conn, base.select(sql`1`.as('x')), { cap: opts.countCap });
      return { ids: ids.map((r) => r.id), total: total.total, exact: total.exact };
    },

    // —— patrols ——

    openPatrolOf(userId: number) {
      return conn
        .selectFrom('patrols as pt')
        .innerJoin('areas as a', 'a.id', 'pt.areaId')
        .select(['pt.id', 'pt.startedAt', areaLabelSql('a').as('areaName')])
        .where('pt.userId', '=', userId)
        .where('pt.endedAt', 'is', null)
        .executeTakeFirst();
    },

    /** An area in the actor's visit.record scope (where they may patrol). */
    patrolArea(actor: Actor, areaId: number) {
      return conn
        .selectFrom('areas as a')
        .select(['a.id', 'a.path'])
        .where('a.id', '=', areaId)
        .where(pathsIn(actor, 'visit.record', 'a.path'))
        .executeTakeFirst();
    },

    insertPatrol(values: { areaId: number; areaPath: string; userId: number; startedAt: Date }) {
      return conn.insertInto('patrols').values(values).returning('id').executeTakeFirstOrThrow();
    },

    /** One of the user's own patrols, locked. */
    ownPatrolForUpdate(id: number, userId: number) {
      return conn
        .selectFrom('patrols')
        .selectAll()
        .where('id', '=', id)
        .where('userId', '=', userId)
        .forUpdate()
        .executeTakeFirst();
    },

    async updatePatrol(id: number, values: Updateable<PatrolsTable>): Promise<void> {
      await conn.updateTable('patrols').set(values).where('id', '=', id).execute();
    },

    /** Patrols by id as the actor may read them, with the cases raised on them. */
    async patrolsById(actor: Actor, ids: number[]) {
      const rows = await conn
        .selectFrom('patrols as pt')
        .innerJoin('areas as a', 'a.id', 'pt.areaId')
        .innerJoin('users as u', 'u.id', 'pt.userId')
        .selectAll('pt')
        .select([areaLabelSql('a').as('areaName'), 'u.displayName as userName'])
        .where('pt.id', 'in', ids)
        .where(patrolVisible(actor))
        .execute();
      const cases = await conn
        .selectFrom('cases')
        .select(['id', 'no', 'title', 'state', 'sourceId'])
        .where('sourceKind', '=', 'patrol')
        .where('sourceId', 'in', ids)
        .orderBy('id')
        .execute();
      return { rows, cases };
    },

    /** A page of the patrols the actor may read (ids, latest first) and their number. */
    async patrolIds(
      actor: Actor,
      q: {
        mine?: string;
        from?: string;
        to?: string;
        areaId?: number;
        sort?: string;
        page: number;
        pageSize: number;
      },
      /** `countCap`: counted exactly up to this many (an export's row cap), else platform/db/count.ts's default */
      opts: { count?: boolean; countCap?: number } = {},
    ) {
      let base = conn.selectFrom('patrols as pt').where(patrolVisible(actor));
      if (q.mine === 'true') base = base.where('pt.userId', '=', actor.userId);
      if (q.from) base = base.where('pt.startedAt', '>=', chinaDay(q.from));
      if (q.to) base = base.where('pt.startedAt', '<', dayAfter(q.to));
      if (q.areaId) base = base.where(inSubtree('pt.areaPath', q.areaId));
      const desc = !q.sort || q.sort.startsWith('-');
      const key = q.sort?.replace(/^-/, '');
      const col =
        key === 'distanceM'
          ? sql`pt.distance_m`
          : key === 'minutes'
            ? sql`coalesce(pt.ended_at, now()) - pt.started_at`
            : sql.ref('pt.startedAt');
      const ids = await base
        .select('pt.id')
        .orderBy(col, desc ? 'desc' : 'asc')
        .orderBy('pt.id', desc ? 'desc' : 'asc')
        .offset((q.page - 1) * q.pageSize)
        .limit(q.pageSize)
        .execute();
      // The true total when counting is cheap, else the planner's estimate, said to be one.
      const total =
        opts.count === false
          ? { total: -1, exact: true }
          : await countTotal(conn, base.select(sql`1`.as('x')), { cap: opts.countCap });
      return { ids: ids.map((r) => r.id), total: total.total, exact: total.exact };
    },

    // —— supervision figures ——

    area(id: number) {
      return conn.selectFrom('areas').select(['id', 'path']).where('id', '=', id).executeTakeFirst();
    },

    /** Per grid under `areaPath` in `paths`: plans, visits on time and late, overdue, never visited, patrols. */
    async gridFigures(q: {
      areaPath: string;
      paths: string[];
      tags: TagCode[];
      from: Date;
      to: Date;
      today: string;
    }) {
      const { from, to, tags } = q;
      const t = q.today;
      const scope = sql<SqlBool>`g.path <@ ${sql.val(q.paths)}::ltree[]`;
      const r = await sql<{
        areaId: number;
        areaName: string;
        workerNames: string[] | null;
        plans: number;
        overdue: number;
        neverVisited: number;
        visits: number;
        doneOnTime: number;
        doneLate: number;
        patrols: number;
        patrolDays: number;
        patrolMinutes: number;
      }>`
        WITH g AS (SELECT id, name, path, code FROM areas g WHERE g.kind = 'grid' AND g.path <@ ${q.areaPath}::ltree AND ${scope}),
        pl AS (
          SELECT g.id, count(*)::int AS plans,
                 count(*) FILTER (WHERE vp.due_on < ${t}::date)::int AS overdue,
                 count(*) FILTER (WHERE vp.last_visit_on IS NULL AND r.must_visit)::int AS never_visited
          FROM g JOIN areas a ON a.path <@ g.path JOIN people p ON p.area_id = a.id
          JOIN visit_plans vp ON vp.person_id = p.id JOIN visit_rules r ON r.id = vp.rule_id AND r.active AND r.tags <@ ${sql.val(tags)}::text[]
          GROUP BY g.id),
        vi AS (
          SELECT g.id, count(*)::int AS visits,
                 count(*) FILTER (WHERE v.due_on IS NOT NULL AND (v.visited_at AT TIME ZONE 'Asia/Shanghai')::date <= v.due_on)::int AS done_on_time,
                 count(*) FILTER (WHERE v.due_on IS NOT NULL AND (v.visited_at AT TIME ZONE 'Asia/Shanghai')::date > v.due_on)::int AS done_late
          FROM g JOIN visits v ON v.area_path <@ g.path AND v.visited_at >= ${from} AND v.visited_at < ${to} AND v.tags <@ ${sql.val(tags)}::text[]
          GROUP BY g.id),
        pa AS (
          SELECT g.id, count(*)::int AS patrols,
                 count(DISTINCT (pt.started_at AT TIME ZONE 'Asia/Shanghai')::date)::int AS patrol_days,
                 coalesce(sum(extract(epoch FROM coalesce(pt.ended_at, pt.started_at) - pt.started_at) / 60), 0)::int AS patrol_minutes
          FROM g JOIN patrols pt ON pt.area_path <@ g.path AND pt.started_at >= ${from} AND pt.started_at < ${to}
          GROUP BY g.id),
        w AS (
          SELECT ur.area_id AS id, array_agg(DISTINCT u.display_name) AS worker_names
          FROM user_roles ur JOIN roles ro ON ro.id = ur.role_id AND ro.code = 'grid_worker' JOIN users u ON u.id = ur.user_id
          WHERE ur.area_id IN (SELECT id FROM g) AND NOT ur.pending GROUP BY ur.area_id)
        SELECT g.id AS area_id, g.name AS area_name, w.worker_names,
               coalesce(pl.plans, 0) AS plans, coalesce(pl.overdue, 0) AS overdue, coalesce(pl.never_visited, 0) AS never_visited,
               coalesce(vi.visits, 0) AS visits, coalesce(vi.done_on_time, 0) AS done_on_time, coalesce(vi.done_late, 0) AS done_late,
               coalesce(pa.patrols, 0) AS patrols, coalesce(pa.patrol_days, 0) AS patrol_days, coalesce(pa.patrol_minutes, 0) AS patrol_minutes
        FROM g LEFT JOIN pl ON pl.id = g.id LEFT JOIN vi ON vi.id = g.id LEFT JOIN pa ON pa.id = g.id LEFT JOIN w ON w.id = g.id
        ORDER BY g.code`.execute(conn);
      return r.rows;
    },
  };
}

export type VisitsRepo = ReturnType<typeof visitsRepo>;
export type RuleRow = NonNullable<Awaited<ReturnType<VisitsRepo['rule']>>>;
