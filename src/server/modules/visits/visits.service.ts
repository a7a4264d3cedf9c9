import { createHash } from 'node:crypto';
import { type Expression, type SqlBool, sql } from 'kysely';
import type { z } from 'zod';
import { TAG_CODES, type TagCode, tagPermission } from '../../../contract/tags.js';
import type {
  FormField,
  MyDayQuery,
  PatrolListQuery,
  PatrolPoints,
  PlanItem,
  VisitCreate,
  VisitListQuery,
  VisitRuleInput,
  VisitStatsQuery,
} from '../../../contract/visits.js';
import type { Actor } from '../../platform/access/actor.js';
import { inSubtree } from '../../platform/access/scope.js';
import type { Conn, Tx } from '../../platform/db/index.js';
import { escapeLike } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors/app-error.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';
import { metres } from '../cases/cases.service.js';
import { timingsFor } from '../cases/cases.timings.js';
import { chinaDate } from '../cases/engine/calendar.js';
import { nextDue, redatePlans, refreshPlans } from './visits.plans.js';

const field = (path: string, zh: string, en: string, lang: 'zh' | 'en') =>
  new AppError('VALIDATION_FAILED', { fields: path }, [
    { path, code: 'custom', message: lang === 'zh' ? zh : en },
  ]);

/** The tags whose records the actor may see (a visit under a rule is as sensitive as its tags). */
export function visibleTags(actor: Actor): TagCode[] {
  return TAG_CODES.filter((c) => actor.can(tagPermission(c)));
}

function pathsIn(actor: Actor, permission: string, column: string): Expression<SqlBool> {
  const paths = actor.pathsFor(permission);
  return paths.length ? sql<SqlBool>`${sql.ref(column)} <@ ${sql.val(paths)}::ltree[]` : sql<SqlBool>`false`;
}

/** Visits the actor may read: in their visit.read scope with tags they may see, or their own. */
export function visitVisible(actor: Actor, alias = 'v'): Expression<SqlBool> {
  const tags = visibleTags(actor);
  return sql<SqlBool>`(${sql.ref(`${alias}.visitorUserId`)} = ${actor.userId} OR (${pathsIn(actor, 'visit.read', `${alias}.areaPath`)} AND ${sql.ref(`${alias}.tags`)} <@ ${sql.val(tags)}::text[]))`;
}

function ageOn(birth: string | null, today: string): number | null {
  if (!birth) return null;
  const [y, m, d] = birth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
}

const days = (a: string, b: string) =>
  Math.round((Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000);

export function visitsService(s: Services) {
  const timings = timingsFor(s);
  const today = () => chinaDate(s.clock.now());

  async function names(conn: Conn, paths: string[]) {
    const ids = [...new Set(paths.flatMap((p) => p.split('.').map(Number)))];
    if (!ids.length) return new Map<number, { name: string; kind: string }>();
    const rows = await conn
      .selectFrom('areas')
      .select(['id', 'name', 'kind'])
      .where('id', 'in', ids)
      .execute();
    return new Map(rows.map((r) => [r.id, { name: r.name, kind: r.kind }]));
  }
  const addressOf = (path: string, n: Map<number, { name: string; kind: string }>) =>
    path
      .split('.')
      .map(Number)
      .map((id) => n.get(id))
      .filter(
        (x): x is { name: string; kind: string } =>
          !!x && ['compound', 'building', 'unit', 'house'].includes(x.kind),
      )
      .map((x) => x.name)
      .join('');

  async function ruleRow(conn: Conn, ctx: Ctx, id: number, forUpdate = false) {
    let q = conn
      .selectFrom('visitRules as r')
      .innerJoin('areas as a', 'a.id', 'r.areaId')
      .selectAll('r')
      .select(['a.name as areaName', 'a.path as areaPath'])
      .where('r.id', '=', id)
      .where(
        sql<SqlBool>`(${pathsIn(ctx.actor, 'visit.read', 'a.path')} OR ${pathsIn(ctx.actor, 'visit.manage', 'a.path')} OR a.path @> ${sql.val(ctx.actor.pathsFor('visit.read'))}::ltree[])`,
      );
    if (forUpdate) q = q.forUpdate();
    const r = await q.executeTakeFirst();
    if (!r) throw new AppError('NOT_FOUND');
    return r;
  }

  async function presentRule(conn: Conn, ctx: Ctx, r: Awaited<ReturnType<typeof ruleRow>>) {
    const n = await conn
      .selectFrom('visitPlans')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('ruleId', '=', r.id)
      .executeTakeFirstOrThrow();
    return {
      id: r.id,
      name: r.name,
      areaId: r.areaId,
      areaName: r.areaName,
      tags: r.tags as VisitRuleInput['tags'],
      minAge: r.minAge,
      intervalCount: r.intervalCount,
      intervalUnit: r.intervalUnit as VisitRuleInput['intervalUnit'],
      mustVisit: r.mustVisit,
      visitor: r.visitor as 'grid_worker' | 'pair',
      form: r.form as FormField[],
      active: r.active,
      planCount: n.n,
      version: r.version,
      abilities: ctx.actor.canAt('visit.manage', r.areaPath) ? ['update'] : [],
    };
  }

  function checkRuleInput(ctx: Ctx, input: VisitRuleInput) {
    const keys = new Set<string>();
    input.form.forEach((f, i) => {
      if (keys.has(f.key)) throw field(`form.${i}.key`, '字段键重复', 'Duplicate field key', ctx.lang);
      keys.add(f.key);
      if (f.kind === 'choice' && (!f.options || f.options.length < 2))
        throw field(
          `form.${i}.options`,
          '选择题至少需要两个选项',
          'A choice needs at least two options',
          ctx.lang,
        );
    });
    // A repeated tag could never match (the plan SQL counts distinct tags against cardinality).
    if (new Set(input.tags).size !== input.tags.length)
      throw field('tags', '标签重复', 'Duplicate tag', ctx.lang);
    for (const t of input.tags)
      if (!ctx.actor.can(tagPermission(t as TagCode)))
        throw field('tags', '无权使用该标签', 'You may not use this tag', ctx.lang);
  }

  async function manageableArea(conn: Conn, ctx: Ctx, areaId: number) {
    const a = await conn
      .selectFrom('areas as a')
      .select(['a.id', 'a.path', 'a.kind'])
      .where('a.id', '=', areaId)
      .where(pathsIn(ctx.actor, 'visit.manage', 'a.path'))
      .executeTakeFirst();
    if (!a)
      throw field('areaId', '所选区域不存在或不在您的范围内', 'Unknown area or outside your scope', ctx.lang);
    return a;
  }

  return {
    today,

    // —— rules ——

    /** Rules over the actor's areas or above them (a grid worker sees the community's rules). */
    async rules(ctx: Ctx, areaId?: number) {
      let q = s.db
        .selectFrom('visitRules as r')
        .innerJoin('areas as a', 'a.id', 'r.areaId')
        .selectAll('r')
        .select(['a.name as areaName', 'a.path as areaPath'])
        .where(
          sql<SqlBool>`(${pathsIn(ctx.actor, 'visit.read', 'a.path')} OR ${pathsIn(ctx.actor, 'visit.manage', 'a.path')} OR a.path @> ${sql.val(ctx.actor.pathsFor('visit.read'))}::ltree[])`,
        )
        .orderBy('r.id');
      if (areaId) q = q.where('r.areaId', '=', areaId);
      const rows = await q.execute();
      return Promise.all(rows.map((r) => presentRule(s.db, ctx, r)));
    },

    async createRule(ctx: Ctx, input: VisitRuleInput) {
      checkRuleInput(ctx, input);
      const timing = await timings.get();
      return inTx(s, ctx, async (trx, audit) => {
        await manageableArea(trx, ctx, input.areaId);
        const row = await trx
          .insertInto('visitRules')
          .values({
            ...input,
            minAge: input.minAge ?? null,
            form: JSON.stringify(input.form),
            tags: input.tags,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const r = await refreshPlans(trx, timing.calendar, { ruleIds: [row.id] }, today());
        await audit({
          action: 'visit_rule.create',
          entityType: 'visit_rule',
          entityId: row.id,
          detail: { ...input, form: undefined, plans: r.inserted },
        });
        return presentRule(trx, ctx, await ruleRow(trx, ctx, row.id));
      });
    },

    async updateRule(ctx: Ctx, id: number, version: number, input: VisitRuleInput) {
      checkRuleInput(ctx, input);
      const timing = await timings.get();
      return inTx(s, ctx, async (trx, audit) => {
        const before = await ruleRow(trx, ctx, id, true);
        if (!ctx.actor.canAt('visit.manage', before.areaPath)) throw new AppError('FORBIDDEN');
        if (before.version !== version) throw new AppError('STALE_VERSION');
        await manageableArea(trx, ctx, input.areaId);
        await trx
          .updateTable('visitRules')
          .set({
            ...input,
            minAge: input.minAge ?? null,
            form: JSON.stringify(input.form),
            version: version + 1,
            updatedAt: s.clock.now(),
          })
          .where('id', '=', id)
          .execute();
        const r = await refreshPlans(trx, timing.calendar, { ruleIds: [id] }, today());
        await redatePlans(trx, timing.calendar, [id]);
        await audit({
          action: 'visit_rule.update',
          entityType: 'visit_rule',
          entityId: id,
          detail: {
            name: input.name,
            tags: input.tags,
            active: input.active,
            added: r.inserted,
            removed: r.deleted,
          },
        });
        return presentRule(trx, ctx, await ruleRow(trx, ctx, id));
      });
    },

    // —— pairs ——

    async pairs(ctx: Ctx, q: { personId?: number; userId?: number }) {
      let query = s.db
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
        .where(
          sql<SqlBool>`(${pathsIn(ctx.actor, 'visit.manage', 'a.path')} OR vp.user_id = ${ctx.actor.userId})`,
        )
        .orderBy('vp.id', 'desc')
        .limit(500);
      if (q.personId) query = query.where('vp.personId', '=', q.personId);
      if (q.userId) query = query.where('vp.userId', '=', q.userId);
      return query.execute();
    },

    async addPair(ctx: Ctx, input: { personId: number; userId: number; note?: string }) {
      return inTx(s, ctx, async (trx, audit) => {
        const p = await trx
          .selectFrom('people as p')
          .innerJoin('areas as a', 'a.id', 'p.areaId')
          .select(['p.id', 'p.name'])
          .where('p.id', '=', input.personId)
          .where(pathsIn(ctx.actor, 'visit.manage', 'a.path'))
          .executeTakeFirst();
        if (!p)
          throw field(
            'personId',
            '人员不存在或不在您的范围内',
            'Unknown person or outside your scope',
            ctx.lang,
          );
        const u = await trx
          .selectFrom('users')
          .select(['id', 'displayName'])
          .where('id', '=', input.userId)
          .where('status', '=', 'active')
          .executeTakeFirst();
        if (!u) throw field('userId', '帮扶人不存在或已停用', 'Unknown or disabled user', ctx.lang);
        const row = await trx
          .insertInto('visitPairs')
          .values({ personId: p.id, userId: u.id, note: input.note ?? null })
          .onConflict((oc) => oc.columns(['personId', 'userId']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!row) throw new AppError('DUPLICATE', { field: ctx.lang === 'zh' ? '结对关系' : 'pairing' });
        await audit({
          action: 'visit_pair.create',
          entityType: 'visit_pair',
          entityId: row.id,
          detail: { personId: p.id, userId: u.id },
        });
        return {
          id: row.id,
          personId: p.id,
          personName: p.name,
          userId: u.id,
          userName: u.displayName,
          note: input.note ?? null,
        };
      });
    },

    async removePair(ctx: Ctx, id: number) {
      await inTx(s, ctx, async (trx, audit) => {
        const r = await trx
          .deleteFrom('visitPairs as vp')
          .where('vp.id', '=', id)
          .where((eb) =>
            eb.exists(
              eb
                .selectFrom('people as p')
                .innerJoin('areas as a', 'a.id', 'p.areaId')
                .select('p.id')
                .whereRef('p.id', '=', 'vp.personId')
                .where(pathsIn(ctx.actor, 'visit.manage', 'a.path')),
            ),
          )
          .returning(['vp.personId', 'vp.userId'])
          .executeTakeFirst();
        if (!r) throw new AppError('NOT_FOUND');
        await audit({ action: 'visit_pair.delete', entityType: 'visit_pair', entityId: id, detail: r });
      });
    },

    // —— the grid worker's day ——

    /** Plans the actor visits: grid rules in their visit.record scope, pair rules of people paired to them. */
    planScope(actor: Actor): Expression<SqlBool> {
      return sql<SqlBool>`((r.visitor = 'grid_worker' AND ${pathsIn(actor, 'visit.record', 'a.path')}) OR (r.visitor = 'pair' AND EXISTS (SELECT 1 FROM visit_pairs pr WHERE pr.person_id = p.id AND pr.user_id = ${actor.userId})) OR ${pathsIn(actor, 'visit.read', 'a.path')})`;
    },

    async plans(
      ctx: Ctx,
      q: {
        areaId?: number;
        ruleId?: number;
        status: 'overdue' | 'due' | 'never' | 'all';
        horizon?: number;
        q?: string;
        page: number;
        pageSize: number;
        mine?: boolean;
      },
    ) {
      const t = today();
      const tags = visibleTags(ctx.actor);
      let base = s.db
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
            sql<SqlBool>`((r.visitor = 'grid_worker' AND ${pathsIn(ctx.actor, 'visit.record', 'a.path')} AND ${tagsVisible}) OR (r.visitor = 'pair' AND EXISTS (SELECT 1 FROM visit_pairs pr WHERE pr.person_id = p.id AND pr.user_id = ${ctx.actor.userId})))`,
          )
        : base.where(pathsIn(ctx.actor, 'visit.read', 'a.path')).where(tagsVisible);
      if (q.status === 'overdue') base = base.where('vp.dueOn', '<', t);
      if (q.status === 'due')
        base = base.where(sql<SqlBool>`vp.due_on <= ${t}::date + ${q.horizon ?? 7}::int`);
      if (q.status === 'never')
        base = base.where('vp.lastVisitOn', 'is', null).where('r.mustVisit', '=', true);
      if (q.ruleId) base = base.where('r.id', '=', q.ruleId);
      if (q.areaId) base = base.where(inSubtree('a.path', q.areaId));
      if (q.q) base = base.where('p.name', 'like', `${escapeLike(q.q)}%`);
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
      const n = await names(
        s.db,
        rows.map((r) => r.path),
      );
      const personTags = rows.length
        ? await s.db
            .selectFrom('personTags')
            .select(['personId', 'tag'])
            .where(
              'personId',
              'in',
              rows.map((r) => r.personId),
            )
            .where('tag', 'in', tags.length ? tags : ['-'])
            .execute()
        : [];
      const items: z.infer<typeof PlanItem>[] = rows.map((r) => ({
        planId: r.planId,
        personId: r.personId,
        personName: r.personName,
        age: ageOn(r.birthDate as string | null, t),
        address: addressOf(r.path, n),
        houseId: r.houseId,
        tags: personTags.filter((x) => x.personId === r.personId).map((x) => x.tag),
        ruleId: r.ruleId,
        ruleName: r.ruleName,
        mustVisit: r.mustVisit,
        dueOn: r.dueOn as string,
        overdueDays: days(t, r.dueOn as string),
        lastVisitOn: (r.lastVisitOn as string | null) ?? null,
        visitor: null,
        form: (r.form as FormField[]) ?? [],
      }));
      return { items, total: total.n, overdue: total.overdue, dueToday: total.dueToday };
    },

    async openPatrol(ctx: Ctx) {
      const p = await s.db
        .selectFrom('patrols as pt')
        .innerJoin('areas as a', 'a.id', 'pt.areaId')
        .select(['pt.id', 'pt.startedAt', 'a.name as areaName'])
        .where('pt.userId', '=', ctx.actor.userId)
        .where('pt.endedAt', 'is', null)
        .executeTakeFirst();
      return p ? { id: p.id, startedAt: p.startedAt.toISOString(), areaName: p.areaName } : null;
    },

    // —— visits ——

    async recordVisit(ctx: Ctx, input: VisitCreate, idempotencyKey?: string) {
      const timing = await timings.get();
      const now = s.clock.now();
      const visitedAt = input.visitedAt ? new Date(input.visitedAt) : now;
      if (visitedAt.getTime() > now.getTime() + 5 * 60_000)
        throw field('visitedAt', '走访时间不能晚于现在', 'The visit cannot be in the future', ctx.lang);
      if (visitedAt.getTime() < now.getTime() - 30 * 86_400_000)
        throw field(
          'visitedAt',
          '只能补录 30 天内的走访',
          'Only visits of the last 30 days can be recorded',
          ctx.lang,
        );
      const key = idempotencyKey ? `visit:${idempotencyKey}` : null;
      const bodyHash = createHash('sha256').update(JSON.stringify(input)).digest('hex');
      return inTx(s, ctx, async (trx, audit) => {
        if (key) {
          await sql`SELECT pg_advisory_xact_lock(hashtext(${`${ctx.actor.userId}:${key}`}))`.execute(trx);
          const prior = await trx
            .selectFrom('idempotencyKeys')
            .select(['bodyHash', 'entityId'])
            .where('userId', '=', ctx.actor.userId)
            .where('key', '=', key)
            .executeTakeFirst();
          if (prior) {
            if (prior.bodyHash !== bodyHash) throw new AppError('IDEMPOTENCY_MISMATCH');
            return { id: prior.entityId, replayed: true };
          }
        }
        const person = await trx
          .selectFrom('people as p')
          .innerJoin('areas as a', 'a.id', 'p.areaId')
          .select(['p.id', 'p.areaId', 'a.path'])
          .where('p.id', '=', input.personId)
          .where(
            sql<SqlBool>`(${pathsIn(ctx.actor, 'visit.record', 'a.path')} OR EXISTS (SELECT 1 FROM visit_pairs pr WHERE pr.person_id = p.id AND pr.user_id = ${ctx.actor.userId}))`,
          )
          .executeTakeFirst();
        if (!person)
          throw field(
            'personId',
            '人员不存在或不在您的范围内',
            'Unknown person or outside your scope',
            ctx.lang,
          );
        let rule: {
          id: number;
          tags: string[];
          form: FormField[];
          intervalUnit: string;
          intervalCount: number;
        } | null = null;
        let plan: { id: number; dueOn: string; lastVisitOn: string | null } | null = null;
        if (input.ruleId) {
          const r = await trx
            .selectFrom('visitRules')
            .selectAll()
            .where('id', '=', input.ruleId)
            .executeTakeFirst();
          const pl = r
            ? await trx
                .selectFrom('visitPlans')
                .select(['id', 'dueOn', 'lastVisitOn'])
                .where('ruleId', '=', r.id)
                .where('personId', '=', person.id)
                .forUpdate()
                .executeTakeFirst()
            : undefined;
          // A plan under tags the actor may not see does not exist for them (a 403 here would tell
          // that the person carries the tag); the paired visitor of a pair rule needs no tag.
          const paired =
            r?.visitor === 'pair' &&
            !!(await trx
              .selectFrom('visitPairs')
              .select('id')
              .where('personId', '=', person.id)
              .where('userId', '=', ctx.actor.userId)
              .executeTakeFirst());
          if (!r || !pl || !(paired || r.tags.every((t) => ctx.actor.can(tagPermission(t as TagCode)))))
            throw field('ruleId', '该人员没有此走访计划', 'No such visit plan for this person', ctx.lang);
          rule = {
            id: r.id,
            tags: r.tags,
            form: r.form as FormField[],
            intervalUnit: r.intervalUnit,
            intervalCount: r.intervalCount,
          };
          plan = { id: pl.id, dueOn: pl.dueOn as string, lastVisitOn: pl.lastVisitOn as string | null };
        }
        // The rule's form: required answers present, choices among the options, nothing else.
        const fields = rule?.form ?? [];
        for (const k of Object.keys(input.form))
          if (!fields.some((f) => f.key === k))
            throw field(`form.${k}`, '表单中没有该项', 'No such form field', ctx.lang);
        for (const f of fields) {
          const v = input.form[f.key];
          if (f.required && (v === undefined || v === ''))
            throw field(`form.${f.key}`, `请填写“${f.label}”`, `"${f.label}" is required`, ctx.lang);
          if (v === undefined) continue;
          if (f.kind === 'yesno' && typeof v !== 'boolean')
            throw field(`form.${f.key}`, '请选择是或否', 'Answer yes or no', ctx.lang);
          if (f.kind !== 'yesno' && typeof v !== 'string')
            throw field(`form.${f.key}`, '请填写文字', 'Text expected', ctx.lang);
          if (f.kind === 'choice' && !(f.options ?? []).includes(v as string))
            throw field(`form.${f.key}`, '请从选项中选择', 'Pick one of the options', ctx.lang);
        }
        const row = await trx
          .insertInto('visits')
          .values({
            personId: person.id,
            ruleId: rule?.id ?? null,
            areaId: person.areaId,
            areaPath: person.path,
            tags: rule?.tags ?? [],
            visitorUserId: ctx.actor.userId,
            visitedAt,
            dueOn: plan?.dueOn ?? null,
            method: input.method,
            met: input.met,
            findings: input.findings,
            form: JSON.stringify(input.form),
            lat: input.location?.lat ?? null,
            lng: input.location?.lng ?? null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        if (plan && rule) {
          const day = chinaDate(visitedAt);
          const last = plan.lastVisitOn && plan.lastVisitOn > day ? plan.lastVisitOn : day;
          await trx
            .updateTable('visitPlans')
            .set({ lastVisitOn: last, dueOn: nextDue(timing.calendar, rule, last) })
            .where('id', '=', plan.id)
            .execute();
        }
        if (input.attachmentIds?.length) {
          const r = await trx
            .updateTable('caseAttachments')
            .set({ visitId: row.id })
            .where('id', 'in', input.attachmentIds)
            .where('uploadedBy', '=', ctx.actor.userId)
            .where('caseId', 'is', null)
            .where('visitId', 'is', null)
            .executeTakeFirst();
          if (Number(r.numUpdatedRows) !== new Set(input.attachmentIds).size)
            throw field(
              'attachmentIds',
              '附件不存在或已被使用',
              'Unknown or already used attachment',
              ctx.lang,
            );
        }
        if (key)
          await trx
            .insertInto('idempotencyKeys')
            .values({ userId: ctx.actor.userId, key, bodyHash, entityId: row.id })
            .execute();
        await audit({
          action: 'visit.record',
          entityType: 'visit',
          entityId: row.id,
          detail: { personId: person.id, ruleId: rule?.id ?? null },
        });
        return { id: row.id, replayed: false };
      });
    },

    /** Visits by id, as the actor may read them, in the order given: three queries for a page. */
    async visitsById(ctx: Ctx, ids: number[]) {
      if (!ids.length) return [];
      const rows = await s.db
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
        .where(visitVisible(ctx.actor))
        .execute();
      const found = rows.map((v) => v.id);
      const att = found.length
        ? await s.db
            .selectFrom('caseAttachments')
            .select(['id', 'visitId', 'name', 'mime', 'size'])
            .where('visitId', 'in', found)
            .orderBy('id')
            .execute()
        : [];
      const cases = found.length
        ? await s.db
            .selectFrom('cases')
            .select(['id', 'sourceId', 'no', 'title', 'state'])
            .where('sourceKind', '=', 'visit')
            .where('sourceId', 'in', found)
            .orderBy('id')
            .execute()
        : [];
      const byId = new Map(rows.map((v) => [v.id, v]));
      return ids
        .map((id) => byId.get(id))
        .filter((v): v is (typeof rows)[number] => !!v)
        .map((v) => ({
          id: v.id,
          personId: v.personId,
          personName: v.personName,
          ruleId: v.ruleId,
          ruleName: v.ruleName,
          visitor: { id: v.visitorUserId, name: v.visitorName },
          visitedAt: v.visitedAt.toISOString(),
          method: v.method,
          met: v.met,
          findings: v.findings,
          form: v.form as Record<string, unknown>,
          formFields: (v.ruleForm as FormField[] | null) ?? [],
          attachments: att
            .filter((a) => a.visitId === v.id)
            .map((a) => ({
              id: a.id,
              name: a.name,
              mime: a.mime,
              size: a.size,
              url: `/api/cases/attachments/${a.id}`,
            })),
          location: v.lat !== null && v.lng !== null ? { lat: v.lat, lng: v.lng } : null,
          cases: cases
            .filter((c) => c.sourceId === v.id)
            .map((c) => ({ id: c.id, no: c.no, title: c.title, state: c.state })),
        }));
    },

    async visit(ctx: Ctx, id: number) {
      const [v] = await this.visitsById(ctx, [id]);
      if (!v) throw new AppError('NOT_FOUND');
      return v;
    },

    async visits(ctx: Ctx, q: z.infer<typeof VisitListQuery>) {
      let base = s.db
        .selectFrom('visits as v')
        .innerJoin('people as p', 'p.id', 'v.personId')
        .where(visitVisible(ctx.actor));
      if (q.personId) base = base.where('v.personId', '=', q.personId);
      if (q.ruleId) base = base.where('v.ruleId', '=', q.ruleId);
      if (q.from) base = base.where('v.visitedAt', '>=', new Date(`${q.from}T00:00:00+08:00`));
      if (q.to)
        base = base.where('v.visitedAt', '<', new Date(Date.parse(`${q.to}T00:00:00+08:00`) + 86_400_000));
      if (q.areaId) base = base.where(inSubtree('v.areaPath', q.areaId));
      if (q.q) base = base.where('p.name', 'like', `${escapeLike(q.q)}%`);
      const ids = await base
        .select('v.id')
        .orderBy('v.visitedAt', 'desc')
        .orderBy('v.id', 'desc')
        .offset((q.page - 1) * q.pageSize)
        .limit(q.pageSize)
        .execute();
      const total = await base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
      return {
        items: await this.visitsById(
          ctx,
          ids.map((r) => r.id),
        ),
        total: total.n,
      };
    },

    // —— patrols ——

    async startPatrol(ctx: Ctx, areaId: number) {
      return inTx(s, ctx, async (trx, audit) => {
        const a = await trx
          .selectFrom('areas as a')
          .select(['a.id', 'a.path'])
          .where('a.id', '=', areaId)
          .where(pathsIn(ctx.actor, 'visit.record', 'a.path'))
          .executeTakeFirst();
        if (!a)
          throw field(
            'areaId',
            '所选网格不存在或不在您的范围内',
            'Unknown grid or outside your scope',
            ctx.lang,
          );
        const open = await trx
          .selectFrom('patrols')
          .select('id')
          .where('userId', '=', ctx.actor.userId)
          .where('endedAt', 'is', null)
          .executeTakeFirst();
        const stillOpen = () =>
          new AppError('CASE_RULE', {
            zh: '您有一次巡查尚未结束',
            en: 'You have a patrol that has not ended',
          });
        if (open) throw stillOpen();
        // Two starts at once both pass the check above: the unique index (one open patrol per
        // user) refuses the second, which gets the same answer instead of a 500.
        const row = await trx
          .insertInto('patrols')
          .values({ areaId: a.id, areaPath: a.path, userId: ctx.actor.userId, startedAt: s.clock.now() })
          .returning('id')
          .executeTakeFirstOrThrow()
          .catch((e: unknown) => {
            if ((e as { code?: string }).code === '23505') throw stillOpen();
            throw e;
          });
        await audit({
          action: 'patrol.start',
          entityType: 'patrol',
          entityId: row.id,
          detail: { areaId: a.id },
        });
        return row.id;
      });
    },

    async addPoints(ctx: Ctx, id: number, input: z.infer<typeof PatrolPoints>) {
      return inTx(s, ctx, async (trx, audit) => {
        const p = await trx
          .selectFrom('patrols')
          .selectAll()
          .where('id', '=', id)
          .where('userId', '=', ctx.actor.userId)
          .forUpdate()
          .executeTakeFirst();
        if (!p) throw new AppError('NOT_FOUND');
        if (p.endedAt) throw new AppError('CASE_RULE', { zh: '巡查已结束', en: 'The patrol has ended' });
        const route = p.route as [number, number, string][];
        if (route.length + input.points.length > 5000)
          throw new AppError('CASE_RULE', { zh: '轨迹点过多', en: 'Too many route points' });
        // Points may arrive late (offline) or twice (a retried batch): keep one per instant, in order.
        const seen = new Set(route.map((x) => x[2]));
        const fresh: [number, number, string][] = [];
        for (const x of input.points) {
          const at = new Date(x.at).toISOString();
          if (seen.has(at)) continue; // also a repeated instant within this batch
          seen.add(at);
          fresh.push([x.lat, x.lng, at]);
        }
        const all = [...route, ...fresh].sort((a, b) => a[2].localeCompare(b[2]));
        let dist = 0;
        for (let i = 1; i < all.length; i++)
          dist += metres(all[i - 1]![0], all[i - 1]![1], all[i]![0], all[i]![1]);
        await trx
          .updateTable('patrols')
          .set({ route: JSON.stringify(all), distanceM: Math.round(dist), version: p.version + 1 })
          .where('id', '=', id)
          .execute();
        if (fresh.length)
          await audit({
            action: 'patrol.points',
            entityType: 'patrol',
            entityId: id,
            detail: { added: fresh.length },
          });
        return { count: all.length };
      });
    },

    async finishPatrol(ctx: Ctx, id: number, note?: string) {
      await inTx(s, ctx, async (trx, audit) => {
        const p = await trx
          .selectFrom('patrols')
          .select(['id', 'endedAt'])
          .where('id', '=', id)
          .where('userId', '=', ctx.actor.userId)
          .forUpdate()
          .executeTakeFirst();
        if (!p) throw new AppError('NOT_FOUND');
        // Finishing twice (a phone retrying after a lost answer) changes nothing and is not an error.
        if (p.endedAt) return;
        await trx
          .updateTable('patrols')
          .set({ endedAt: s.clock.now(), note: note ?? null })
          .where('id', '=', id)
          .execute();
        await audit({ action: 'patrol.finish', entityType: 'patrol', entityId: id });
      });
    },

    patrolVisible(actor: Actor): Expression<SqlBool> {
      return sql<SqlBool>`(pt.user_id = ${actor.userId} OR ${pathsIn(actor, 'visit.read', 'pt.areaPath')})`;
    },

    /** Patrols the actor may read, in the order of `ids`, with the cases raised on them: two queries. */
    async patrolsById(ctx: Ctx, ids: number[], conn: Conn = s.db) {
      if (ids.length === 0) return [];
      const rows = await conn
        .selectFrom('patrols as pt')
        .innerJoin('areas as a', 'a.id', 'pt.areaId')
        .innerJoin('users as u', 'u.id', 'pt.userId')
        .selectAll('pt')
        .select(['a.name as areaName', 'u.displayName as userName'])
        .where('pt.id', 'in', ids)
        .where(this.patrolVisible(ctx.actor))
        .execute();
      const cases = await conn
        .selectFrom('cases')
        .select(['id', 'no', 'title', 'state', 'sourceId'])
        .where('sourceKind', '=', 'patrol')
        .where('sourceId', 'in', ids)
        .orderBy('id')
        .execute();
      const byId = new Map(rows.map((p) => [p.id, p]));
      const now = s.clock.now();
      return ids.flatMap((id) => {
        const p = byId.get(id);
        if (!p) return [];
        const end = p.endedAt ?? now;
        return [
          {
            id: p.id,
            areaId: p.areaId,
            areaName: p.areaName,
            user: { id: p.userId, name: p.userName },
            startedAt: p.startedAt.toISOString(),
            endedAt: p.endedAt ? p.endedAt.toISOString() : null,
            minutes: Math.round((end.getTime() - p.startedAt.getTime()) / 60_000),
            distanceM: p.distanceM,
            route: (p.route as [number, number, string][]).map((x) => [x[0], x[1]] as [number, number]),
            note: p.note,
            cases: cases.filter((c) => c.sourceId === id).map(({ sourceId: _, ...c }) => c),
            abilities: p.userId === ctx.actor.userId && !p.endedAt ? ['points', 'finish'] : [],
          },
        ];
      });
    },

    async patrol(ctx: Ctx, id: number, conn: Conn = s.db) {
      const [p] = await this.patrolsById(ctx, [id], conn);
      if (!p) throw new AppError('NOT_FOUND');
      return p;
    },

    async patrols(ctx: Ctx, q: z.infer<typeof PatrolListQuery>) {
      let base = s.db.selectFrom('patrols as pt').where(this.patrolVisible(ctx.actor));
      if (q.mine === 'true') base = base.where('pt.userId', '=', ctx.actor.userId);
      if (q.from) base = base.where('pt.startedAt', '>=', new Date(`${q.from}T00:00:00+08:00`));
      if (q.to)
        base = base.where('pt.startedAt', '<', new Date(Date.parse(`${q.to}T00:00:00+08:00`) + 86_400_000));
      if (q.areaId) base = base.where(inSubtree('pt.areaPath', q.areaId));
      const ids = await base
        .select('pt.id')
        .orderBy('pt.startedAt', 'desc')
        .offset((q.page - 1) * q.pageSize)
        .limit(q.pageSize)
        .execute();
      const total = await base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
      return {
        items: await this.patrolsById(
          ctx,
          ids.map((r) => r.id),
        ),
        total: total.n,
      };
    },

    // —— supervision ——

    /** Per grid under the area: plans, visits on time and late, overdue, never visited, patrol coverage. */
    async stats(ctx: Ctx, q: z.infer<typeof VisitStatsQuery>) {
      const paths = ctx.actor.pathsFor('visit.read');
      if (!paths.length) throw new AppError('FORBIDDEN');
      const area = q.areaId
        ? await s.db.selectFrom('areas').select(['id', 'path']).where('id', '=', q.areaId).executeTakeFirst()
        : await s.db
            .selectFrom('areas')
            .select(['id', 'path'])
            .where('id', '=', Number(paths[0]!.split('.').pop()))
            .executeTakeFirst();
      if (
        !area ||
        !paths.some((p) => area.path === p || area.path.startsWith(`${p}.`) || p.startsWith(`${area.path}.`))
      )
        throw new AppError('NOT_FOUND');
      const from = new Date(`${q.from}T00:00:00+08:00`);
      const to = new Date(Date.parse(`${q.to}T00:00:00+08:00`) + 86_400_000);
      const t = today();
      const tags = visibleTags(ctx.actor);
      const scope = sql<SqlBool>`g.path <@ ${sql.val(paths)}::ltree[]`;
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
        WITH g AS (SELECT id, name, path, code FROM areas g WHERE g.kind = 'grid' AND g.path <@ ${area.path}::ltree AND ${scope}),
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
        ORDER BY g.code`.execute(s.db);
      return {
        from: q.from,
        to: q.to,
        days: days(q.to, q.from) + 1,
        rows: r.rows.map((x) => ({
          areaId: x.areaId,
          areaName: x.areaName,
          workerNames: x.workerNames ?? [],
          plans: x.plans,
          due: x.doneOnTime + x.doneLate + x.overdue,
          doneOnTime: x.doneOnTime,
          doneLate: x.doneLate,
          overdue: x.overdue,
          neverVisited: x.neverVisited,
          visits: x.visits,
          patrols: x.patrols,
          patrolDays: x.patrolDays,
          patrolMinutes: x.patrolMinutes,
        })),
      };
    },
  };
}

export type VisitsService = ReturnType<typeof visitsService>;
export type { MyDayQuery, Tx };
