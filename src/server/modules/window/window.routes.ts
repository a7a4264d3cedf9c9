import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Id, IdParams, pageOf } from '../../../contract/common.js';
import {
  ApplicationAccept,
  ApplicationAccepted,
  BookingCreate,
  Matter,
  MatterImportResult,
  MatterInput,
  MatterListQuery,
  NoticeQuery,
  Queue,
  RosterCreate,
  RosterDay,
  RosterEntry,
  Slot,
  SlotCreate,
  SlotQuery,
  Ticket,
  TicketCall,
  TicketFinish,
  TicketIssue,
} from '../../../contract/window.js';
import {
  LEDGER_UPLOAD_MAX,
  requireImportArea,
  sendExport,
  withLedgerUpload,
} from '../../engines/sheets/index.js';
import { multipartOptions } from '../../platform/http/upload.js';
import type { Services } from '../../platform/services.js';
import { windowApplications } from './window.applications.js';
import { windowImport } from './window.import.js';
import { windowQueue } from './window.queue.js';
import { windowRoster } from './window.roster.js';
import { windowService } from './window.service.js';

const tags = ['window'];
const PublicMatter = z.object({
  id: z.number(),
  name: z.string(),
  department: z.string(),
  instant: z.boolean(),
  promisedLimit: z.number().nullable(),
  areaName: z.string(),
});
const ImportQuery = z.strictObject({
  areaId: Id.optional(),
  confirm: z.enum(['true', 'false']).default('false'),
});
const CreateQuery = z.strictObject({ areaId: Id });

export const windowRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services: s }) => {
  const svc = windowService(s);
  const imp = windowImport(s, svc);
  const apps = windowApplications(s, svc);
  const q = windowQueue(s);
  const roster = windowRoster(s);

  // Appointments and the queue (叫号).
  app.post(
    '/window/slots',
    {
      config: { permission: 'window.manage' },
      schema: {
        tags,
        summary: 'Open a bookable slot (matter group, day, hours, capacity, 错时)',
        body: SlotCreate,
        response: { 200: Slot },
      },
    },
    async (req) => q.createSlot(req.ctx(), req.body),
  );
  app.get(
    '/window/slots',
    {
      config: { permission: 'window.read' },
      schema: {
        tags,
        summary: 'A hall’s slots of a day (default today)',
        querystring: SlotQuery,
        response: { 200: z.array(Slot) },
      },
    },
    async (req) => q.slots(req.ctx(), req.query),
  );
  // Rosters (排班): who staffs which window when; the day's coverage against each slot's minimum.
  app.post(
    '/window/rosters',
    {
      config: { permission: 'window.manage' },
      schema: {
        tags,
        summary: 'Put a staff member on a window for a shift (错时 marked); an overlapping shift is 409',
        body: RosterCreate,
        response: { 200: RosterEntry },
      },
    },
    async (req) => roster.add(req.ctx(), req.body),
  );
  app.get(
    '/window/rosters',
    {
      config: { permission: 'window.read' },
      schema: {
        tags,
        summary: 'A hall’s roster of a day (default today) and each slot’s staff against its minimum',
        querystring: SlotQuery,
        response: { 200: RosterDay },
      },
    },
    async (req) => roster.day(req.ctx(), req.query),
  );
  app.delete(
    '/window/rosters/:id',
    {
      config: { permission: 'window.manage' },
      schema: { tags, summary: 'Take a shift off the roster', params: IdParams },
    },
    async (req, reply) => {
      await roster.remove(req.ctx(), req.params.id);
      return reply.code(204).send();
    },
  );
  app.post(
    '/window/slots/:id/bookings',
    {
      config: { permission: 'window.read' },
      schema: {
        tags,
        summary: 'Book a place (by phone or at the window): a full or closed slot is 409',
        params: IdParams,
        body: BookingCreate,
      },
    },
    async (req) => q.book(req.ctx(), req.params.id, req.body),
  );
  app.get(
    '/window/queue',
    {
      config: { permission: 'window.read' },
      schema: {
        tags,
        summary: 'Today’s queue of a hall (the desk and the call screen)',
        querystring: z.strictObject({ areaId: Id }),
        response: { 200: Queue },
      },
    },
    async (req) => q.queue(req.ctx(), req.query.areaId),
  );
  app.post(
    '/window/tickets',
    {
      config: { permission: 'window.read' },
      schema: {
        tags,
        summary: 'Issue a queue ticket at arrival (optionally for a booking)',
        body: TicketIssue,
        response: { 200: Ticket },
      },
    },
    async (req) => q.issue(req.ctx(), req.body),
  );
  app.post(
    '/window/tickets/call-next',
    {
      config: { permission: 'window.read' },
      schema: {
        tags,
        summary: 'Call the next waiting ticket to a window (409 when nobody waits)',
        body: TicketCall,
        response: { 200: Ticket },
      },
    },
    async (req) => q.callNext(req.ctx(), req.body),
  );
  app.post(
    '/window/tickets/:id/finish',
    {
      config: { permission: 'window.read' },
      schema: {
        tags,
        summary: 'Served, or a no-show',
        params: IdParams,
        body: TicketFinish,
        response: { 200: Ticket },
      },
    },
    async (req) => q.finish(req.ctx(), req.params.id, req.body.outcome),
  );

  // 一窗受理: the desk accepts (materials checked, 容缺 or refused) and the application is a case.
  app.post(
    '/window/applications',
    {
      config: { permission: 'service_application.accept' },
      schema: {
        tags,
        summary:
          'Accept an application at the window: materials checked against the matter version, promised dates set; a service_application case',
        body: ApplicationAccept,
        response: { 201: ApplicationAccepted },
      },
    },
    async (req, reply) => {
      const key = req.headers['idempotency-key'];
      const r = await apps.accept(
        req.ctx(),
        req.body,
        typeof key === 'string' && /^[\w-]{8,64}$/.test(key) ? key : undefined,
      );
      return reply.code(201).send(r);
    },
  );

  app.get(
    '/window/matters',
    {
      config: { permission: 'window.read' },
      schema: {
        tags,
        summary: 'The matter catalogue (current versions) the actor’s window works with',
        querystring: MatterListQuery,
        response: { 200: pageOf(Matter) },
      },
    },
    async (req) => svc.list(req.ctx(), req.query),
  );
  app.post(
    '/window/matters/export',
    {
      config: { permission: 'window.read' },
      schema: {
        tags,
        summary: 'The catalogue as .xlsx in the import’s columns, audited',
        body: MatterListQuery.omit({ page: true, pageSize: true }),
      },
    },
    async (req, reply) => sendExport(reply, await imp.exportCatalogue(req.ctx(), req.body)),
  );
  app.get(
    '/window/matters/:id',
    {
      config: { permission: 'window.read' },
      schema: { tags, summary: 'One version of a matter', params: IdParams, response: { 200: Matter } },
    },
    async (req) => svc.get(req.ctx(), req.params.id),
  );
  app.post(
    '/window/matters',
    {
      config: { permission: 'window.manage' },
      schema: {
        tags,
        summary: 'Register a matter in an area (承诺 < 法定 checked)',
        querystring: CreateQuery,
        body: MatterInput,
        response: { 200: Matter },
      },
    },
    async (req) => svc.create(req.ctx(), req.query.areaId, req.body),
  );
  app.put(
    '/window/matters/:id',
    {
      config: { permission: 'window.manage' },
      schema: {
        tags,
        summary: 'A new version of a matter (the old one stays for applications accepted under it)',
        params: IdParams,
        body: MatterInput,
        response: { 200: Matter },
      },
    },
    async (req) => svc.newVersion(req.ctx(), req.params.id, req.body),
  );
  app.get(
    '/window/matters/:id/notice.pdf',
    {
      config: { permission: 'window.read' },
      schema: {
        tags,
        summary: 'The printable 一次性告知单 / 容缺承诺书 naming the missing materials (PDF)',
        params: IdParams,
        querystring: NoticeQuery,
      },
    },
    async (req, reply) => {
      const pdf = await svc.notice(req.ctx(), req.params.id, req.query);
      const name = req.query.kind === 'promise' ? '容缺承诺书' : '一次性告知单';
      reply
        .header('content-type', 'application/pdf')
        .header(
          'content-disposition',
          `inline; filename="notice.pdf"; filename*=UTF-8''${encodeURIComponent(`${name}.pdf`)}`,
        );
      return reply.send(pdf);
    },
  );

  // The public 办事指南: readable without signing in (the resident channel links here).
  app.get(
    '/public/window/matters',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        summary: 'Public: the effective matters of an area and the areas above it',
        querystring: z.strictObject({ areaId: Id.optional(), q: z.string().trim().max(40).optional() }),
        response: { 200: z.object({ items: z.array(PublicMatter) }) },
      },
    },
    async (req) => ({ items: await svc.publicList(req.query) }),
  );
  app.get(
    '/public/window/matters/:id',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        summary: 'Public: one matter’s 办事指南 (the current, effective version)',
        params: IdParams,
        response: { 200: Matter },
      },
    },
    async (req) => svc.guide(req.params.id),
  );

  await app.register(async (upload) => {
    await upload.register(multipart, multipartOptions(LEDGER_UPLOAD_MAX));
    upload.post(
      '/window/matters/import',
      {
        config: { permission: 'window.manage', upload: { field: 'file', maxBytes: LEDGER_UPLOAD_MAX } },
        schema: {
          tags,
          summary:
            'Import the county’s catalogue (.xlsx/.csv): preview, then confirm=true writes all rows or none',
          querystring: ImportQuery,
          response: { 200: MatterImportResult },
        },
      },
      async (req) => {
        const ctx = req.ctx();
        const q = req.query as z.infer<typeof ImportQuery>;
        return withLedgerUpload(req, ctx.lang, (file, name) =>
          imp.run(ctx, file, name, requireImportArea(q.areaId, ctx.lang), q.confirm === 'true'),
        );
      },
    );
  });
};
