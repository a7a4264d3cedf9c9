import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Id, IdempotencyKey, IdParams, Ok, pageOf } from '../../../contract/common.js';
import {
  MyDay,
  MyDayQuery,
  Pair,
  PairInput,
  Patrol,
  PatrolFinish,
  PatrolListQuery,
  PatrolPoints,
  PatrolStart,
  PlanItem,
  Visit,
  VisitCreate,
  VisitListQuery,
  VisitRule,
  VisitRuleInput,
  VisitStats,
  VisitStatsQuery,
} from '../../../contract/visits.js';
import { sendExport } from '../../engines/sheets/index.js';
import { ifMatchVersion, setEtag } from '../../platform/http/etag.js';
import type { Services } from '../../platform/services.js';
import { exportPatrols, exportPlans, exportStats, exportVisits } from './visits.export.js';
import { visitsService } from './visits.service.js';

const tags = ['visits'];
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
type Exported = { stream: NodeJS.ReadableStream; rows: number; capped: boolean; disposition: string };
const PlansQuery = z.strictObject({
  areaId: Id.optional(),
  ruleId: Id.optional(),
  status: z.enum(['overdue', 'due', 'never', 'all']).default('all'),
  q: z.string().trim().max(40).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const visitsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services: s }) => {
  const svc = visitsService(s);
  /** An export's answer: the .xlsx stream with its name and row count. */
  const sendXlsx = (reply: FastifyReply, r: Exported) => {
    reply
      .header('content-type', XLSX_TYPE)
      .header('content-disposition', r.disposition)
      .header('x-export-rows', String(r.rows));
    if (r.capped) reply.header('x-export-capped', 'true');
    return reply.send(r.stream);
  };
  // Exports are POSTs with the CSRF header and the filter as the body: each is audited and
  // counted against a rate limit (side effects), so a cross-site page cannot start one (issue 14).
  app.post(
    '/visits/plans/export',
    {
      config: { permission: 'visit.read' },
      schema: {
        tags,
        summary: 'Visit plans (filters) as .xlsx, audited',
        body: PlansQuery.omit({ page: true, pageSize: true }),
      },
    },
    async (req, reply) => sendXlsx(reply, await exportPlans(s, svc, req.ctx(), req.body)),
  );
  app.post(
    '/visits/stats/export',
    {
      config: { permission: 'visit.read' },
      schema: {
        tags,
        summary: 'Visits and patrol coverage per grid as .xlsx, audited',
        body: VisitStatsQuery,
      },
    },
    async (req, reply) => sendXlsx(reply, await exportStats(s, svc, req.ctx(), req.body)),
  );
  app.post(
    '/visits/export',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'The visits log (filters, sort) as .xlsx: what the actor may read, audited',
        body: VisitListQuery.omit({ page: true, pageSize: true }),
      },
    },
    async (req, reply) => sendXlsx(reply, await exportVisits(s, svc, req.ctx(), req.body)),
  );
  app.post(
    '/patrols/export',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'The patrol log (filters, sort) as .xlsx: what the actor may read, audited',
        body: PatrolListQuery.omit({ page: true, pageSize: true }),
      },
    },
    async (req, reply) => sendXlsx(reply, await exportPatrols(s, svc, req.ctx(), req.body)),
  );

  app.get(
    '/visits/my-day',
    {
      config: { permission: 'visit.record' },
      schema: {
        tags,
        summary: "The visitor's day: due and overdue visits, overdue first, then walking order",
        querystring: MyDayQuery,
        response: { 200: MyDay },
      },
    },
    async (req) => {
      const ctx = req.ctx();
      const q = req.query;
      const list = await svc.plans(ctx, {
        areaId: q.areaId,
        status: 'due',
        horizon: q.horizon,
        q: q.q,
        page: 1,
        pageSize: 100,
        mine: true,
      });
      const today = svc.today();
      return {
        today,
        // Counted over all the due plans, not only the first page of items.
        overdue: list.overdue,
        dueToday: list.dueToday,
        upcoming: list.total - list.overdue - list.dueToday,
        items: list.items,
        openPatrol: await svc.openPatrol(ctx),
      };
    },
  );

  app.get(
    '/visits/plans',
    {
      config: { permission: 'visit.read' },
      schema: {
        tags,
        summary: 'Visit plans in scope (supervision)',
        querystring: PlansQuery,
        response: { 200: pageOf(PlanItem) },
      },
    },
    async (req) => {
      const r = await svc.plans(req.ctx(), req.query);
      return { items: r.items, total: r.total, page: req.query.page, pageSize: req.query.pageSize };
    },
  );

  app.get(
    '/visits/stats',
    {
      config: { permission: 'visit.read' },
      schema: {
        tags,
        summary: 'Visits and patrol coverage per grid',
        querystring: VisitStatsQuery,
        response: { 200: VisitStats },
      },
    },
    async (req) => svc.stats(req.ctx(), req.query),
  );

  app.post(
    '/visits',
    {
      config: { permission: 'visit.record' },
      schema: {
        tags,
        summary: 'Record a visit (Idempotency-Key: an offline visit sent twice is stored once)',
        body: VisitCreate,
        headers: z.object({ 'idempotency-key': IdempotencyKey.optional() }),
        response: { 200: Visit, 201: Visit },
      },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const r = await svc.recordVisit(ctx, req.body, req.headers['idempotency-key']);
      return reply.code(r.replayed ? 200 : 201).send(await svc.visit(ctx, r.id));
    },
  );

  app.get(
    '/visits',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Visits the actor may read',
        querystring: VisitListQuery,
        response: { 200: pageOf(Visit) },
      },
    },
    async (req, reply) => {
      const r = await svc.visits(req.ctx(), req.query);
      // The true total when counting is cheap, else the planner's estimate, said to be one.
      if (!r.totalExact) reply.header('x-total-estimated', 'true');
      return {
        items: r.items,
        total: r.total,
        totalExact: r.totalExact,
        page: req.query.page,
        pageSize: req.query.pageSize,
      };
    },
  );

  app.get(
    '/visits/:id',
    { config: { permission: 'authenticated' }, schema: { tags, params: IdParams, response: { 200: Visit } } },
    async (req) => svc.visit(req.ctx(), req.params.id),
  );

  // —— rules and pairs ——

  app.get(
    '/visit-rules',
    {
      config: { permission: 'visit.read' },
      schema: {
        tags,
        querystring: z.strictObject({ areaId: Id.optional() }),
        response: { 200: z.array(VisitRule) },
      },
    },
    async (req) => svc.rules(req.ctx(), req.query.areaId),
  );

  app.post(
    '/visit-rules/export',
    {
      config: { permission: 'visit.read' },
      schema: {
        tags,
        summary: 'Export the visit rules as .xlsx (audited)',
        body: z.strictObject({ areaId: Id.optional() }),
      },
    },
    async (req, reply) => sendExport(reply, await svc.exportRules(req.ctx(), req.body.areaId)),
  );

  app.post(
    '/visit-rules',
    {
      config: { permission: 'visit.manage' },
      schema: {
        tags,
        summary: 'Add a visit rule (plans derived at once)',
        body: VisitRuleInput,
        response: { 201: VisitRule },
      },
    },
    async (req, reply) => {
      const r = await svc.createRule(req.ctx(), req.body);
      setEtag(reply, r.version);
      return reply.code(201).send(r);
    },
  );

  app.put(
    '/visit-rules/:id',
    {
      config: { permission: 'visit.manage' },
      schema: {
        tags,
        summary: 'Change a visit rule (If-Match; plans follow at once)',
        params: IdParams,
        body: VisitRuleInput,
        response: { 200: VisitRule },
      },
    },
    async (req, reply) => {
      const r = await svc.updateRule(req.ctx(), req.params.id, ifMatchVersion(req), req.body);
      setEtag(reply, r.version);
      return r;
    },
  );

  app.get(
    '/visit-pairs',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        querystring: z.strictObject({ personId: Id.optional(), userId: Id.optional() }),
        response: { 200: z.array(Pair) },
      },
    },
    async (req) => svc.pairs(req.ctx(), req.query),
  );

  app.post(
    '/visit-pairs/export',
    {
      config: { permission: 'visit.read' },
      schema: {
        tags,
        summary: 'Export the pairings (结对帮扶) in scope as .xlsx (audited)',
        body: z.strictObject({
          personId: Id.optional(),
          userId: Id.optional(),
          q: z.string().trim().max(100).optional(),
        }),
      },
    },
    async (req, reply) => sendExport(reply, await svc.exportPairs(req.ctx(), req.body)),
  );

  app.post(
    '/visit-pairs',
    {
      config: { permission: 'visit.manage' },
      schema: {
        tags,
        summary: 'Pair a person with a cadre or party member (结对帮扶)',
        body: PairInput,
        response: { 201: Pair },
      },
    },
    async (req, reply) => reply.code(201).send(await svc.addPair(req.ctx(), req.body)),
  );

  app.delete(
    '/visit-pairs/:id',
    { config: { permission: 'visit.manage' }, schema: { tags, params: IdParams, response: { 200: Ok } } },
    async (req) => {
      await svc.removePair(req.ctx(), req.params.id);
      return { ok: true as const };
    },
  );

  // —— patrols ——

  app.post(
    '/patrols',
    {
      config: { permission: 'visit.record' },
      schema: { tags, summary: 'Start a patrol of a grid', body: PatrolStart, response: { 201: Patrol } },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const id = await svc.startPatrol(ctx, req.body.areaId);
      return reply.code(201).send(await svc.patrol(ctx, id));
    },
  );

  app.post(
    '/patrols/:id/points',
    {
      config: { permission: 'visit.record' },
      schema: {
        tags,
        summary: 'Add route positions (late or repeated batches are merged by time)',
        params: IdParams,
        body: PatrolPoints,
        response: { 200: z.object({ count: z.number() }) },
      },
    },
    async (req) => svc.addPoints(req.ctx(), req.params.id, req.body),
  );

  app.post(
    '/patrols/:id/finish',
    {
      config: { permission: 'visit.record' },
      schema: { tags, params: IdParams, body: PatrolFinish, response: { 200: Patrol } },
    },
    async (req) => {
      const ctx = req.ctx();
      await svc.finishPatrol(ctx, req.params.id, req.body.note);
      return svc.patrol(ctx, req.params.id);
    },
  );

  app.get(
    '/patrols',
    {
      config: { permission: 'authenticated' },
      schema: { tags, querystring: PatrolListQuery, response: { 200: pageOf(Patrol) } },
    },
    async (req, reply) => {
      const r = await svc.patrols(req.ctx(), req.query);
      // The true total when counting is cheap, else the planner's estimate, said to be one.
      if (!r.totalExact) reply.header('x-total-estimated', 'true');
      return {
        items: r.items,
        total: r.total,
        totalExact: r.totalExact,
        page: req.query.page,
        pageSize: req.query.pageSize,
      };
    },
  );

  app.get(
    '/patrols/:id',
    {
      config: { permission: 'authenticated' },
      schema: { tags, params: IdParams, response: { 200: Patrol } },
    },
    async (req) => svc.patrol(req.ctx(), req.params.id),
  );
};
