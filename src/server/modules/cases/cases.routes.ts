import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import {
  Assignable,
  AssignableQuery,
  Attachment,
  CalendarYear,
  CalendarYearPut,
  Case,
  CaseCreateHead,
  CaseLimit,
  CaseLimitRow,
  CaseListItem,
  CaseListQuery,
  CaseMapPoint,
  CaseMapQuery,
  CaseTransition,
  CaseType,
  CaseTypeInfo,
  IndicatorQuery,
  IndicatorResult,
  NearCase,
  NearQuery,
  Notification,
  NotificationQuery,
  OfficeHours,
  type STATE_LABELS,
  TimelineEntry,
} from '../../../contract/cases.js';
import { Id, IdempotencyKey, IdParams, Ok, pageOf } from '../../../contract/common.js';
import { DEFAULT_PERIODS } from '../../engines/calendar/calendar.js';
import { caseEngine, parseReport } from '../../engines/cases/engine.js';
import {
  breakdowns,
  computeIndicators,
  INDICATOR_DEFS,
  readableUnder,
} from '../../engines/cases/indicators.js';
import { caseTypesOf } from '../../engines/cases/registry.js';
import { timingsFor } from '../../engines/cases/timings.js';
import { attachmentStore, MAX_ATTACHMENT } from '../../engines/files/files.js';
import { unreadCount } from '../../engines/notifications/notifications.js';
import { sendExport } from '../../engines/sheets/index.js';
import { AppError } from '../../platform/errors/app-error.js';
import { setEtag } from '../../platform/http/etag.js';
import { multipartOptions } from '../../platform/http/upload.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';
import { exportCases, exportIndicators } from './cases.export.js';
import { caseRulesRoutes } from './cases.rules.routes.js';
import { casesService } from './cases.service.js';
import { disputeImportRoutes } from './dispute-import.routes.js';

const tags = ['cases'];
const RevealCaseBody = z.strictObject({
  field: z.enum(['contactPhone', 'partyIdNumber', 'partyPhone']),
  partyId: Id.optional(),
  purpose: z.string().trim().min(2).max(200),
});
const YearParams = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100) });
const chinaDay = (d: string) => new Date(`${d}T00:00:00+08:00`);

export const casesRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services: s }) => {
  const timings = timingsFor(s);
  const engine = caseEngine(s, timings);
  const svc = casesService(s);
  const files = attachmentStore(s);
  const types = caseTypesOf(s);
  const defOf = (type: string) => types.def(type);

  app.get(
    '/cases/types',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Every declared case type: names, categories and actions (the pages label cases with it)',
        response: { 200: z.array(CaseTypeInfo) },
      },
    },
    async () =>
      types.defs.map((d) => ({
        code: d.code,
        prefix: d.prefix,
        zh: d.zh,
        en: d.en,
        categories: d.categories.map((c) => ({ code: c.code, parent: c.parent, zh: c.zh, en: c.en })),
        actions: Object.entries(d.actions).flatMap(([a, def]) => (def ? [a] : [])),
        ...(d.words ? { words: d.words } : {}),
      })),
  );

  app.get(
    '/cases',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Cases the actor sees, by inbox (box) and filters',
        querystring: CaseListQuery,
        response: { 200: pageOf(CaseListItem) },
      },
    },
    async (req, reply) => {
      const r = await svc.list(req.ctx(), req.query);
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

  // POST with the CSRF header and the filter as the body: an export is audited and counted
  // against a rate limit (side effects), so a cross-site page cannot start one (issue 14).
  app.post(
    '/cases/export',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'The inbox (box, filters, sort) as .xlsx: what the actor sees, phones masked, audited',
        body: CaseListQuery.omit({ page: true, pageSize: true }),
      },
    },
    async (req, reply) => sendExport(reply, await exportCases(s, svc, req.ctx(), req.body)),
  );

  app.get(
    '/cases/counts',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Open cases per inbox, for the tab badges',
        querystring: z.strictObject({ type: CaseType.optional() }),
        response: { 200: z.record(z.string(), z.number()) },
      },
    },
    async (req) => svc.counts(req.ctx(), req.query.type),
  );

  app.get(
    '/cases/map',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Open cases with a location (≤ 2000)',
        querystring: CaseMapQuery,
        response: { 200: z.array(CaseMapPoint) },
      },
    },
    async (req) => svc.map(req.ctx(), req.query),
  );

  app.get(
    '/cases/near',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Possible duplicates near a point',
        querystring: NearQuery,
        response: { 200: z.array(NearCase) },
      },
    },
    async (req) => svc.near(req.ctx(), req.query),
  );

  app.get(
    '/cases/assignable',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Who a case can be dispatched to',
        querystring: AssignableQuery,
        response: { 200: z.array(Assignable) },
      },
    },
    async (req) => svc.assignable(req.ctx(), req.query.caseId, req.query.q),
  );

  /** The case indicators of an area (default: the actor's first read scope) and period. */
  async function indicators(ctx: Ctx, q: z.infer<typeof IndicatorQuery>, where: 'query' | 'body') {
    if (q.to < q.from)
      throw new AppError('VALIDATION_FAILED', { fields: `${where}.to` }, [
        {
          path: `${where}.to`,
          code: 'custom',
          message: ctx.lang === 'zh' ? '结束日期不能早于开始日期' : 'The end date is before the start date',
        },
      ]);
    const asked = q.type ? [q.type] : types.codes;
    const readable = asked.filter((t) => ctx.actor.can(`${t}.read`));
    if (!readable.length) throw new AppError('FORBIDDEN');
    // The subtree asked for (default: the actor's first read scope), within what the actor may read.
    let area = q.areaId
      ? await s.db
          .selectFrom('areas')
          .select(['id', 'name', 'path'])
          .where('id', '=', q.areaId)
          .executeTakeFirst()
      : undefined;
    if (!q.areaId) {
      const first = ctx.actor.pathsFor(`${readable[0]}.read`)[0]!;
      area = await s.db
        .selectFrom('areas')
        .select(['id', 'name', 'path'])
        .where('id', '=', Number(first.split('.').pop()))
        .executeTakeFirst();
    }
    if (
      !area ||
      !readable.some((t) =>
        ctx.actor
          .pathsFor(`${t}.read`)
          .some((p) => area!.path === p || area!.path.startsWith(`${p}.`) || p.startsWith(`${area!.path}.`)),
      )
    )
      throw new AppError('NOT_FOUND');
    const scope = readableUnder(ctx.actor, readable, area.path, types.codes);
    const input = {
      scope,
      type: q.type,
      from: chinaDay(q.from),
      to: new Date(chinaDay(q.to).getTime() + 86_400_000),
      now: s.clock.now(),
    };
    const [values, b] = await Promise.all([computeIndicators(s.db, input), breakdowns(s.db, input)]);
    const keys = q.type
      ? types.def(q.type).indicators
      : [
          'reported',
          'closed',
          'closureRate',
          'onTimeRate',
          'timelyAcceptRate',
          'reworkRate',
          'extensionRate',
          'avgHours',
          'satisfaction',
          'mediationRate',
          'successRate',
        ];
    // Dispute figures only for those who may read disputes.
    const shown = [
      ...new Set(['reported', 'closed', ...keys, ...(keys.includes('satisfaction') ? ['avgRating'] : [])]),
    ].filter((k) => readable.includes('dispute') || !['mediationRate', 'successRate'].includes(k));
    return {
      areaId: area.id,
      areaName: area.name,
      from: q.from,
      to: q.to,
      figures: shown.map((k) => {
        const [value, numerator, denominator] = values[k]!;
        const d = INDICATOR_DEFS[k]!;
        return { key: k, name: d[ctx.lang], value, numerator, denominator, unit: d.unit };
      }),
      byState: b.byState.map((r) => ({ state: r.state as keyof typeof STATE_LABELS, count: r.count })),
      byCategory: b.byCategory.map((r) => ({
        category: r.category,
        name: defOf(r.type).categories.find((c) => c.code === r.category)?.[ctx.lang] ?? r.category,
        count: r.count,
      })),
    };
  }

  app.get(
    '/cases/indicators',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Case indicators for an area and period (docs/indicators.md)',
        querystring: IndicatorQuery,
        response: { 200: IndicatorResult },
      },
    },
    async (req) => indicators(req.ctx(), req.query, 'query'),
  );

  app.post(
    '/cases/indicators/export',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary:
          'The case indicators of an area and period as .xlsx (figures, by state, by category), audited',
        body: IndicatorQuery,
      },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      return sendExport(
        reply,
        await exportIndicators(s, ctx, req.body, await indicators(ctx, req.body, 'body')),
      );
    },
  );

  // The disputes ledger: its template and import (dispute-import.routes.ts).
  await app.register(disputeImportRoutes, { services: s });

  // Multipart is parsed only where a file is expected (other routes refuse it as 415).
  await app.register(async (upload) => {
    await upload.register(multipart, multipartOptions(MAX_ATTACHMENT));
    upload.post(
      '/cases/attachments',
      {
        config: { permission: 'authenticated', upload: { field: 'file', maxBytes: MAX_ATTACHMENT } },
        schema: {
          tags,
          summary: 'Upload a photo or document (multipart `file`; JPEG/PNG/WebP/PDF ≤ 10 MB)',
          response: { 201: Attachment },
        },
      },
      async (req, reply) => {
        const a = await files.upload(req.ctx(), req);
        return reply.code(201).send(a);
      },
    );
  });

  app.get(
    '/cases/attachments/:id',
    {
      config: { permission: 'authenticated' },
      schema: { tags, summary: 'An attachment file (case scope applies)', params: IdParams },
    },
    async (req, reply) => {
      const f = await files.open(req.ctx(), req.params.id);
      const safe = encodeURIComponent(f.name);
      reply
        .header('content-type', f.mime)
        .header('content-length', String(f.size))
        .header(
          'content-disposition',
          `${f.mime === 'application/pdf' ? 'attachment' : 'inline'}; filename*=UTF-8''${safe}`,
        )
        .header('cache-control', 'private, no-store');
      return reply.send(f.stream);
    },
  );

  app.post(
    '/cases',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Report a case (上报); Idempotency-Key makes a retried submission create one case',
        // The type's declaration validates the rest (engines/cases: CaseTypeDef.input).
        body: CaseCreateHead,
        headers: z.object({ 'idempotency-key': IdempotencyKey.optional() }),
        response: { 200: Case, 201: Case },
      },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const r = await engine.create(ctx, parseReport(types, req.body, ctx.lang), {
        idempotencyKey: req.headers['idempotency-key'],
      });
      const c = await svc.find(s.db, ctx, r.id);
      setEtag(reply, c.version);
      return reply.code(r.replayed ? 200 : 201).send(await svc.present(ctx, c));
    },
  );

  app.get(
    '/cases/:id',
    { config: { permission: 'authenticated' }, schema: { tags, params: IdParams, response: { 200: Case } } },
    async (req, reply) => {
      const ctx = req.ctx();
      const c = await svc.find(s.db, ctx, req.params.id);
      setEtag(reply, c.version);
      return svc.present(ctx, c);
    },
  );

  app.get(
    '/cases/:id/timeline',
    {
      config: { permission: 'authenticated' },
      schema: { tags, params: IdParams, response: { 200: z.array(TimelineEntry) } },
    },
    async (req) => svc.timeline(req.ctx(), req.params.id),
  );

  app.post(
    '/cases/:id/transitions',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Take an action on a case (If-Match optional: a stale version answers 412)',
        params: IdParams,
        body: CaseTransition,
        response: { 200: Case },
      },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const h = req.headers['if-match'];
      let ifMatch: number | undefined;
      if (typeof h === 'string' && h.trim()) {
        const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(h.trim());
        if (!m) throw new AppError('STALE_VERSION');
        ifMatch = Number(m[1]);
      }
      const { row, around } = await engine.transition(ctx, req.params.id, req.body, ifMatch);
      setEtag(reply, row.version);
      return svc.present(ctx, row, around);
    },
  );

  app.post(
    '/cases/:id/reveal',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Reveal a masked contact or party field (purpose stated, audited)',
        params: IdParams,
        body: RevealCaseBody,
        response: { 200: z.object({ value: z.string().nullable() }) },
      },
    },
    async (req) => svc.reveal(req.ctx(), req.params.id, req.body),
  );

  // —— notifications ——

  app.get(
    '/notifications',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'My notifications',
        querystring: NotificationQuery,
        response: { 200: pageOf(Notification) },
      },
    },
    async (req) => {
      const ctx = req.ctx();
      let q = s.db.selectFrom('notifications').where('userId', '=', ctx.actor.userId);
      if (req.query.unread === 'true') q = q.where('readAt', 'is', null);
      if (req.query.unread === 'false') q = q.where('readAt', 'is not', null);
      const rows = await q
        .selectAll()
        .orderBy('id', 'desc')
        .offset((req.query.page - 1) * req.query.pageSize)
        .limit(req.query.pageSize)
        .execute();
      const total = await q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
      return {
        items: rows.map((n) => ({
          id: n.id,
          at: n.createdAt.toISOString(),
          caseId: n.caseId,
          kind: n.kind,
          title: ctx.lang === 'zh' ? n.titleZh : n.titleEn,
          body: ctx.lang === 'zh' ? n.bodyZh : n.bodyEn,
          readAt: n.readAt ? n.readAt.toISOString() : null,
        })),
        total: total.n,
        page: req.query.page,
        pageSize: req.query.pageSize,
      };
    },
  );

  app.get(
    '/notifications/unread-count',
    {
      config: { permission: 'authenticated' },
      schema: { tags, response: { 200: z.object({ count: z.number() }) } },
    },
    async (req) => ({ count: await unreadCount(s.db, req.ctx().actor.userId) }),
  );

  app.post(
    '/notifications/:id/read',
    { config: { permission: 'authenticated' }, schema: { tags, params: IdParams, response: { 200: Ok } } },
    async (req) => {
      const r = await s.db
        .updateTable('notifications')
        .set({ readAt: s.clock.now() })
        .where('id', '=', req.params.id)
        .where('userId', '=', req.ctx().actor.userId)
        .where('readAt', 'is', null)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) {
        const mine = await s.db
          .selectFrom('notifications')
          .select('id')
          .where('id', '=', req.params.id)
          .where('userId', '=', req.ctx().actor.userId)
          .executeTakeFirst();
        if (!mine) throw new AppError('NOT_FOUND');
      }
      return { ok: true as const };
    },
  );

  app.post(
    '/notifications/read-all',
    {
      config: { permission: 'authenticated' },
      schema: { tags, response: { 200: z.object({ updated: z.number() }) } },
    },
    async (req) => {
      const r = await s.db
        .updateTable('notifications')
        .set({ readAt: s.clock.now() })
        .where('userId', '=', req.ctx().actor.userId)
        .where('readAt', 'is', null)
        .executeTakeFirst();
      return { updated: Number(r.numUpdatedRows) };
    },
  );

  // —— working-day calendar, office hours, time limits ——

  app.get(
    '/calendar/office-hours',
    { config: { permission: 'authenticated' }, schema: { tags, response: { 200: OfficeHours } } },
    async () => {
      const row = await s.db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', 'cases.officeHours')
        .executeTakeFirst();
      return (row?.value as OfficeHours | undefined) ?? { periods: DEFAULT_PERIODS };
    },
  );

  app.put(
    '/calendar/office-hours',
    {
      config: { permission: 'case.configure' },
      schema: { tags, body: OfficeHours, response: { 200: OfficeHours } },
    },
    async (req) => {
      const ctx = req.ctx();
      const p = req.body.periods;
      for (let i = 0; i < p.length; i++) {
        if (p[i]!.end <= p[i]!.start || (i > 0 && p[i]!.start < p[i - 1]!.end))
          throw new AppError('VALIDATION_FAILED', { fields: `periods.${i}` }, [
            {
              path: `periods.${i}`,
              code: 'custom',
              message:
                ctx.lang === 'zh' ? '时段须按先后排列且不重叠' : 'Periods must be in order and not overlap',
            },
          ]);
      }
      await inTx(s, ctx, async (trx, audit) => {
        const value = JSON.stringify(req.body);
        await trx
          .insertInto('settings')
          .values({ key: 'cases.officeHours', value })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value, updatedAt: new Date() }))
          .execute();
        await audit({
          action: 'calendar.office_hours',
          entityType: 'settings',
          entityId: 'cases.officeHours',
          detail: { periods: req.body.periods },
        });
      });
      timings.invalidate();
      return req.body;
    },
  );

  app.get(
    '/calendar/:year',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Holidays and make-up working days of a year',
        params: YearParams,
        response: { 200: CalendarYear },
      },
    },
    async (req) => {
      const y = req.params.year;
      const meta = await s.db
        .selectFrom('calendarYears')
        .selectAll()
        .where('year', '=', y)
        .executeTakeFirst();
      const days = await s.db
        .selectFrom('workCalendar')
        .selectAll()
        .where('day', '>=', `${y}-01-01`)
        .where('day', '<=', `${y}-12-31`)
        .orderBy('day')
        .execute();
      return {
        year: y,
        status: (meta?.status ?? 'none') as 'official' | 'provisional' | 'none',
        source: meta?.source ?? null,
        days: days.map((d) => ({ date: d.day, kind: d.kind as 'holiday' | 'workday', name: d.name })),
      };
    },
  );

  app.put(
    '/calendar/:year',
    {
      config: { permission: 'case.configure' },
      schema: {
        tags,
        summary: 'Replace a year of the calendar (deadlines already set stay)',
        params: YearParams,
        body: CalendarYearPut,
        response: { 200: CalendarYear },
      },
    },
    async (req) => {
      const ctx = req.ctx();
      const y = req.params.year;
      const seen = new Set<string>();
      req.body.days.forEach((d, i) => {
        const wrongYear = !d.date.startsWith(`${y}-`);
        const dow = new Date(`${d.date}T00:00:00Z`).getUTCDay();
        const weekend = dow === 0 || dow === 6;
        const problem = wrongYear
          ? ['日期不在该年度内', 'The date is not in this year']
          : seen.has(d.date)
            ? ['日期重复', 'Duplicate date']
            : d.kind === 'workday' && !weekend
              ? ['调休上班日应为周六或周日', 'A make-up working day must be a Saturday or Sunday']
              : null;
        seen.add(d.date);
        if (problem)
          throw new AppError('VALIDATION_FAILED', { fields: `days.${i}.date` }, [
            {
              path: `days.${i}.date`,
              code: 'custom',
              message: ctx.lang === 'zh' ? problem[0]! : problem[1]!,
            },
          ]);
      });
      await inTx(s, ctx, async (trx, audit) => {
        await trx
          .deleteFrom('workCalendar')
          .where('day', '>=', `${y}-01-01`)
          .where('day', '<=', `${y}-12-31`)
          .execute();
        if (req.body.days.length)
          await trx
            .insertInto('workCalendar')
            .values(req.body.days.map((d) => ({ day: d.date, kind: d.kind, name: d.name })))
            .execute();
        await trx
          .insertInto('calendarYears')
          .values({ year: y, status: req.body.status, source: req.body.source ?? null })
          .onConflict((oc) =>
            oc.column('year').doUpdateSet({
              status: req.body.status,
              source: req.body.source ?? null,
              updatedAt: new Date(),
            }),
          )
          .execute();
        await audit({
          action: 'calendar.update',
          entityType: 'calendar',
          entityId: y,
          detail: { status: req.body.status, days: req.body.days.length },
        });
      });
      timings.invalidate();
      return {
        year: y,
        status: req.body.status,
        source: req.body.source ?? null,
        days: [...req.body.days].sort((a, b) => a.date.localeCompare(b.date)),
      };
    },
  );

  app.get(
    '/case-limits',
    {
      config: { permission: 'authenticated' },
      schema: { tags, summary: 'Time-limit overrides', response: { 200: z.array(CaseLimitRow) } },
    },
    async () => {
      const rows = await s.db
        .selectFrom('caseLimits')
        .selectAll()
        .orderBy('type')
        .orderBy('category')
        .orderBy('stage')
        .execute();
      return rows as z.infer<typeof CaseLimitRow>[];
    },
  );

  app.post(
    '/case-limits',
    {
      config: { permission: 'case.configure' },
      schema: {
        tags,
        summary: 'Add or replace a time-limit override',
        body: CaseLimit,
        response: { 201: CaseLimitRow },
      },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const b = req.body;
      if (!types.find(b.type))
        throw new AppError('VALIDATION_FAILED', { fields: 'type' }, [
          {
            path: 'type',
            code: 'custom',
            message: ctx.lang === 'zh' ? '没有这种案件类型' : 'Unknown case type',
          },
        ]);
      if (b.category !== '*' && !defOf(b.type).categories.some((c) => c.code === b.category))
        throw new AppError('VALIDATION_FAILED', { fields: 'category' }, [
          {
            path: 'category',
            code: 'custom',
            message: ctx.lang === 'zh' ? '该类型没有此分类' : 'No such category for this type',
          },
        ]);
      const row = await inTx(s, ctx, async (trx, audit) => {
        const r = await trx
          .insertInto('caseLimits')
          .values(b)
          .onConflict((oc) =>
            oc
              .columns(['type', 'category', 'urgency', 'stage'])
              .doUpdateSet({ amount: b.amount, unit: b.unit }),
          )
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit({ action: 'case_limit.set', entityType: 'case_limit', entityId: r.id, detail: { ...b } });
        return r;
      });
      timings.invalidate();
      return reply.code(201).send(row as z.infer<typeof CaseLimitRow>);
    },
  );

  app.delete(
    '/case-limits/:id',
    { config: { permission: 'case.configure' }, schema: { tags, params: IdParams, response: { 200: Ok } } },
    async (req) => {
      const ctx = req.ctx();
      await inTx(s, ctx, async (trx, audit) => {
        const r = await trx
          .deleteFrom('caseLimits')
          .where('id', '=', req.params.id)
          .returningAll()
          .executeTakeFirst();
        if (!r) throw new AppError('NOT_FOUND');
        await audit({
          action: 'case_limit.delete',
          entityType: 'case_limit',
          entityId: r.id,
          detail: { type: r.type, category: r.category, stage: r.stage },
        });
      });
      timings.invalidate();
      return { ok: true as const };
    },
  );

  // Separation of duties per type (the switch on the time-limits page).
  await caseRulesRoutes(app, { services: s });
};
