import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams, Ok, pageOf } from '../../../contract/common.js';
import {
  AUDIENCE_LABELS,
  BoardPhoto,
  Correction,
  KindInfo,
  ObjectionInput,
  Publication,
  PublicationDraft,
  PublicationEdit,
  PublicationItem,
  PublicationListQuery,
  PublicListQuery,
  ResidentListQuery,
  ResidentNotice,
  ResidentNoticeItem,
  STATUS_LABELS,
  StepDecision,
  TakeDown,
  VersionBody,
} from '../../../contract/publications.js';
import { publicationsEngine } from '../../engines/publications/engine.js';
import { kindInfo } from '../../engines/publications/kinds.js';
import { exportLedger, pagedRows, sendExport } from '../../engines/sheets/index.js';
import type { Services } from '../../platform/services.js';

const tags = ['notices'];
const Created = z.object({ id: z.number() });

/**
 * 通知公告 and 公示: the staff ledger and workflow (draft → steps → publish → correct / take down,
 * board photos), the resident side (list, read, mark read, object) and the public reads.
 */
export const noticesRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services: s }) => {
  const pub = publicationsEngine(s);

  app.get(
    '/notices/kinds',
    {
      config: { permission: 'notice.read' },
      schema: { tags, summary: 'Declared kinds of publication', response: { 200: z.array(KindInfo) } },
    },
    async () => pub.kinds().map(kindInfo),
  );
  app.get(
    '/notices',
    {
      config: { permission: 'notice.read' },
      schema: {
        tags,
        summary: 'The publications ledger (scoped, filtered by kind, status, area, archive class and year)',
        querystring: PublicationListQuery,
        response: { 200: pageOf(PublicationItem) },
      },
    },
    async (req) => pub.list(req.ctx(), req.query),
  );
  app.post(
    '/notices/export',
    {
      config: { permission: 'notice.read' },
      schema: {
        tags,
        summary: 'The publications ledger as .xlsx, audited',
        body: PublicationListQuery.omit({ page: true, pageSize: true }),
      },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const zh = ctx.lang === 'zh';
      const q = { ...req.body, page: 1, pageSize: 100 };
      const r = await exportLedger(s, ctx, {
        action: 'publication.export',
        entityType: 'publication',
        query: req.body,
        count: async (cap) => Math.min((await pub.list(ctx, { ...q, pageSize: 1 })).total, cap),
        async *rows(n) {
          for await (const p of pagedRows(n, async (page) => (await pub.list(ctx, { ...q, page })).items))
            yield {
              title: p.title,
              kind: p.kindName,
              area: p.areaName,
              audience: AUDIENCE_LABELS[p.audience][ctx.lang],
              status: STATUS_LABELS[p.status][ctx.lang],
              version: p.versionNo,
              publishedAt: p.publishedAt ? p.publishedAt.slice(0, 10) : null,
              displayUntil: p.displayUntil,
              objectionUntil: p.objectionUntil,
              reads: p.reads,
              objections: p.objections,
              archive: p.archiveYear ? `${p.archiveClass} ${p.archiveYear}` : p.archiveClass,
            };
        },
        sheetName: zh ? '公开事项' : 'Publications',
        fileName: zh ? '公开事项台账' : 'publications',
        asciiName: 'publications',
        columns: [
          { header: zh ? '标题' : 'Title', key: 'title', width: 36 },
          { header: zh ? '类别' : 'Kind', key: 'kind', width: 12 },
          { header: zh ? '区域' : 'Area', key: 'area', width: 24 },
          { header: zh ? '公开范围' : 'Audience', key: 'audience', width: 12 },
          { header: zh ? '状态' : 'Status', key: 'status', width: 12 },
          { header: zh ? '版本' : 'Version', key: 'version', width: 6 },
          { header: zh ? '发布日期' : 'Published', key: 'publishedAt', width: 12 },
          { header: zh ? '公示至' : 'On display until', key: 'displayUntil', width: 12 },
          { header: zh ? '异议截止' : 'Objections until', key: 'objectionUntil', width: 12 },
          { header: zh ? '已读人数' : 'Read by', key: 'reads', width: 8 },
          { header: zh ? '异议数' : 'Objections', key: 'objections', width: 8 },
          { header: zh ? '归档' : 'Archive', key: 'archive', width: 12 },
        ],
      });
      return sendExport(reply, r);
    },
  );
  app.get(
    '/notices/:id',
    {
      config: { permission: 'notice.read' },
      schema: {
        tags,
        summary: 'One publication with its steps, files and versions',
        params: IdParams,
        response: { 200: Publication },
      },
    },
    async (req) => pub.get(req.ctx(), req.params.id),
  );
  app.post(
    '/notices',
    {
      config: { permission: 'notice.draft' },
      schema: {
        tags,
        summary: 'Draft a publication of a declared kind',
        body: PublicationDraft,
        response: { 201: Created },
      },
    },
    async (req, reply) => reply.code(201).send(await pub.draft(req.ctx(), req.body)),
  );
  app.put(
    '/notices/:id',
    {
      config: { permission: 'notice.draft' },
      schema: {
        tags,
        summary: 'Edit a draft',
        params: IdParams,
        body: PublicationEdit,
        response: { 200: Created },
      },
    },
    async (req) => pub.edit(req.ctx(), req.params.id, req.body),
  );
  app.post(
    '/notices/:id/submit',
    {
      config: { permission: 'notice.draft' },
      schema: {
        tags,
        summary: 'Submit a draft to its approval steps',
        params: IdParams,
        body: VersionBody,
        response: { 200: Created },
      },
    },
    async (req) => pub.submit(req.ctx(), req.params.id, req.body.version),
  );
  app.post(
    '/notices/:id/decide',
    {
      config: { permission: 'notice.read' },
      schema: {
        tags,
        summary: "Decide the waiting approval step (its permission is the kind's; checked by the engine)",
        params: IdParams,
        body: StepDecision,
        response: { 200: Created },
      },
    },
    async (req) => pub.decide(req.ctx(), req.params.id, req.body),
  );
  app.post(
    '/notices/:id/publish',
    {
      config: { permission: 'notice.publish' },
      schema: {
        tags,
        summary: 'Publish: freeze the snapshot, fix the periods',
        params: IdParams,
        body: VersionBody,
        response: { 200: Created },
      },
    },
    async (req) => pub.publish(req.ctx(), req.params.id, req.body.version),
  );
  app.post(
    '/notices/:id/correct',
    {
      config: { permission: 'notice.publish' },
      schema: {
        tags,
        summary: 'A correction: a new linked version (the old stays)',
        params: IdParams,
        body: Correction,
        response: { 201: Created },
      },
    },
    async (req, reply) => reply.code(201).send(await pub.correct(req.ctx(), req.params.id, req.body)),
  );
  app.post(
    '/notices/:id/take-down',
    {
      config: { permission: 'notice.publish' },
      schema: {
        tags,
        summary: 'Take down (refused before the minimum display)',
        params: IdParams,
        body: TakeDown,
        response: { 200: Created },
      },
    },
    async (req) => pub.takeDown(req.ctx(), req.params.id, req.body),
  );
  app.post(
    '/notices/:id/photos',
    {
      config: { permission: 'notice.publish' },
      schema: {
        tags,
        summary: 'A dated photo of the notice board (an uploaded attachment)',
        params: IdParams,
        body: BoardPhoto,
        response: { 200: Created },
      },
    },
    async (req) => pub.addPhoto(req.ctx(), req.params.id, req.body),
  );

  // —— the resident side ——
  app.get(
    '/resident/notices',
    {
      config: { permission: 'notice.view' },
      schema: {
        tags,
        summary: "Notices for the actor's place, newest first",
        querystring: ResidentListQuery,
        response: { 200: pageOf(ResidentNoticeItem) },
      },
    },
    async (req) => pub.residentList(req.ctx(), req.query, req.lang),
  );
  app.get(
    '/resident/notices/:id',
    {
      config: { permission: 'notice.view' },
      schema: {
        tags,
        summary: 'One notice, with my objections and their replies',
        params: IdParams,
        response: { 200: ResidentNotice },
      },
    },
    async (req) => pub.residentGet(req.ctx(), req.params.id, req.lang),
  );
  app.post(
    '/resident/notices/:id/read',
    {
      config: { permission: 'notice.view' },
      schema: { tags, summary: 'Mark as read (the read receipt)', params: IdParams, response: { 200: Ok } },
    },
    async (req) => pub.markRead(req.ctx(), req.params.id),
  );
  app.post(
    '/resident/notices/:id/objections',
    {
      config: { permission: 'pub_objection.report' },
      schema: {
        tags,
        summary: 'Object during the objection window (a case of the objection type)',
        params: IdParams,
        body: ObjectionInput,
        response: { 201: Created },
      },
    },
    async (req, reply) => reply.code(201).send(await pub.object(req.ctx(), req.params.id, req.body.text)),
  );

  // —— public: no session ——
  app.get(
    '/public/notices',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        summary: 'Public notices for an area (and those above it)',
        querystring: PublicListQuery,
        response: { 200: pageOf(ResidentNoticeItem) },
      },
    },
    async (req) => pub.residentList(null, req.query, req.lang),
  );
  app.get(
    '/public/notices/:id',
    {
      config: { permission: 'public' },
      schema: { tags, summary: 'One public notice', params: IdParams, response: { 200: ResidentNotice } },
    },
    async (req) => pub.residentGet(null, req.params.id, req.lang),
  );
};
