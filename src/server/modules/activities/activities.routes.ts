import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ACTIVITY_STATUS_LABELS,
  Activity,
  ActivityCreate,
  ActivityListQuery,
  ActivityPage,
  AddToRoll,
  CheckBody,
  CheckResult,
  ConfirmHours,
  MyHours,
  OfficerCheck,
  OWNER_KIND_LABELS,
  QrCode,
  RollEntry,
  SignupResult,
} from '../../../contract/activities.js';
import { IdParams, Ok } from '../../../contract/common.js';
import { activitiesEngine } from '../../engines/activities/engine.js';
import { activityKindsOf } from '../../engines/activities/kinds.js';
import { exportLedger, localStamp, pagedRows, sendExport } from '../../engines/sheets/index.js';
import type { Services } from '../../platform/services.js';

/** China local time as shown in exports: 2026-12-07 09:00. */
const stamp = (iso: string) => {
  const l = localStamp(new Date(iso));
  return l.time;
};
const tags = ['activities'];

/** The activities engine over HTTP: what every kind shares (sign-up, roll, QR check-in, hours). */
export const activitiesRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services: s },
) => {
  const eng = activitiesEngine(s);

  app.get(
    '/activities/kinds',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'The kinds of activity the loaded modules declare',
        response: { 200: z.array(z.object({ code: z.string(), name: z.string(), module: z.string() })) },
      },
    },
    async (req) =>
      activityKindsOf(s).codes.map((code) => {
        const d = activityKindsOf(s).def(code);
        return { code, name: req.ctx().lang === 'zh' ? d.zh : d.en, module: d.module };
      }),
  );
  app.get(
    '/activities',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary:
          'Activities the actor may see (organisers by scope; residents the published ones around them)',
        querystring: ActivityListQuery,
        response: { 200: ActivityPage },
      },
    },
    async (req) => eng.list(req.ctx(), req.query),
  );
  app.post(
    '/activities/export',
    {
      config: { permission: 'activity.read' },
      schema: {
        tags,
        summary: 'The activity ledger (filters) as .xlsx, audited',
        body: ActivityListQuery.omit({ page: true, pageSize: true }),
      },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const zh = ctx.lang === 'zh';
      const q = { ...req.body, page: 1, pageSize: 100 };
      const r = await exportLedger(s, ctx, {
        action: 'activity.export',
        entityType: 'activity',
        query: req.body,
        count: async () => (await eng.list(ctx, { ...q, pageSize: 1 })).total,
        async *rows(n) {
          for await (const a of pagedRows(n, async (page) => (await eng.list(ctx, { ...q, page })).items))
            yield {
              title: a.title,
              kind: a.kindName,
              owner: `${a.ownerName}（${OWNER_KIND_LABELS[a.ownerKind][zh ? 'zh' : 'en']}）`,
              area: a.areaName,
              place: a.placeName,
              startsAt: stamp(a.startsAt),
              endsAt: stamp(a.endsAt),
              capacity: a.capacity,
              confirmed: a.confirmed,
              waitlisted: a.waitlisted,
              checkedIn: a.checkedIn,
              status: ACTIVITY_STATUS_LABELS[a.status][zh ? 'zh' : 'en'],
            };
        },
        sheetName: zh ? '活动' : 'Activities',
        fileName: zh ? '活动台账' : 'activities',
        asciiName: 'activities',
        columns: [
          { header: zh ? '活动' : 'Activity', key: 'title', width: 24 },
          { header: zh ? '类别' : 'Kind', key: 'kind', width: 10 },
          { header: zh ? '组织者' : 'Organiser', key: 'owner', width: 24 },
          { header: zh ? '所属区域' : 'Area', key: 'area', width: 16 },
          { header: zh ? '地点' : 'Place', key: 'place', width: 20 },
          { header: zh ? '开始' : 'Starts', key: 'startsAt', width: 18 },
          { header: zh ? '结束' : 'Ends', key: 'endsAt', width: 18 },
          { header: zh ? '名额' : 'Places', key: 'capacity', width: 8 },
          { header: zh ? '已报名' : 'Signed up', key: 'confirmed', width: 8 },
          { header: zh ? '候补' : 'Waitlist', key: 'waitlisted', width: 8 },
          { header: zh ? '已签到' : 'Checked in', key: 'checkedIn', width: 8 },
          { header: zh ? '状态' : 'Status', key: 'status', width: 10 },
        ],
      });
      return sendExport(reply, r);
    },
  );
  app.get(
    '/activities/my-hours',
    {
      config: { permission: 'authenticated' },
      schema: { tags, summary: 'My attendance and hours', response: { 200: MyHours } },
    },
    async (req) => eng.myHours(req.ctx()),
  );
  app.post(
    '/activities',
    {
      config: { permission: 'activity.organise' },
      schema: {
        tags,
        summary: 'Create an activity (a draft)',
        body: ActivityCreate,
        response: { 201: Activity },
      },
    },
    async (req, reply) => reply.code(201).send(await eng.create(req.ctx(), req.body)),
  );
  app.get(
    '/activities/:id',
    {
      config: { permission: 'authenticated' },
      schema: { tags, summary: 'One activity', params: IdParams, response: { 200: Activity } },
    },
    async (req) => eng.get(req.ctx(), req.params.id),
  );
  app.post(
    '/activities/:id/publish',
    {
      config: { permission: 'activity.organise' },
      schema: {
        tags,
        summary: 'Publish (refused for a risky one without insurance)',
        params: IdParams,
        response: { 200: Activity },
      },
    },
    async (req) => eng.publish(req.ctx(), req.params.id),
  );
  app.post(
    '/activities/:id/signup',
    {
      config: { permission: 'activity.join' },
      schema: {
        tags,
        summary: 'Sign up: a place or the waitlist',
        params: IdParams,
        response: { 200: SignupResult },
      },
    },
    async (req) => eng.signup(req.ctx(), req.params.id),
  );
  app.delete(
    '/activities/:id/signup',
    {
      config: { permission: 'activity.join' },
      schema: {
        tags,
        summary: 'Cancel my sign-up (the waitlist moves up)',
        params: IdParams,
        response: { 200: Ok },
      },
    },
    async (req) => eng.cancelSignup(req.ctx(), req.params.id),
  );
  app.get(
    '/activities/:id/roll',
    {
      config: { permission: 'activity.read' },
      schema: {
        tags,
        summary: 'The roll: places, waitlist, check-ins, hours',
        params: IdParams,
        response: { 200: z.array(RollEntry) },
      },
    },
    async (req) => eng.roll(req.ctx(), req.params.id),
  );
  app.post(
    '/activities/:id/roll',
    {
      config: { permission: 'activity.organise' },
      schema: {
        tags,
        summary: 'Put someone on the roll (reserved place first)',
        params: IdParams,
        body: AddToRoll,
        response: { 200: SignupResult },
      },
    },
    async (req) => eng.addToRoll(req.ctx(), req.params.id, req.body.userId, req.body.reserved),
  );
  app.get(
    '/activities/:id/qr',
    {
      config: { permission: 'activity.organise' },
      schema: {
        tags,
        summary: 'The current check-in QR code (turns every 30 s)',
        params: IdParams,
        response: { 200: QrCode },
      },
    },
    async (req) => eng.qr(req.ctx(), req.params.id, `${req.protocol}://${req.host}`),
  );
  app.post(
    '/activities/checkin',
    {
      config: { permission: 'activity.join' },
      schema: {
        tags,
        summary: 'Scan: check in, or out on a later code',
        body: CheckBody,
        response: { 200: CheckResult },
      },
    },
    async (req) => eng.scan(req.ctx(), req.body),
  );
  app.post(
    '/activities/:id/check',
    {
      config: { permission: 'activity.organise' },
      schema: {
        tags,
        summary: 'Officer check-in/out from the roll',
        params: IdParams,
        body: OfficerCheck,
        response: { 200: CheckResult },
      },
    },
    async (req) => eng.officerCheck(req.ctx(), req.params.id, req.body),
  );
  app.post(
    '/activities/:id/confirm',
    {
      config: { permission: 'activity.organise' },
      schema: {
        tags,
        summary: 'Confirm (or reject) pending hours: only confirmed hours count',
        params: IdParams,
        body: ConfirmHours,
        response: { 200: z.object({ confirmed: z.number(), rejected: z.number() }) },
      },
    },
    async (req) => eng.confirm(req.ctx(), req.params.id, req.body.items),
  );
};
