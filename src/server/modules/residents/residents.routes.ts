import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EVENT_CATEGORIES, REQUEST_CATEGORIES } from '../../../contract/case-codes.js';
import { STATE_LABELS } from '../../../contract/cases.js';
import { IdempotencyKey, IdParams, Ok, pageOf } from '../../../contract/common.js';
import {
  BindBody,
  CodeRequest,
  CodeSent,
  CorrectionBody,
  MyData,
  MyRequest,
  MyRequestDetail,
  OfficerVerify,
  PhoneChange,
  Place,
  PlaceBody,
  RateBody,
  Rebind,
  RequestReport,
  ResidentAccount,
  ResidentAccountExport,
  ResidentAccountQuery,
  ResidentMe,
  SignIn,
} from '../../../contract/residents.js';
import { sendExport } from '../../engines/sheets/index.js';
import { CSRF_COOKIE, SESSION_COOKIE } from '../../platform/auth/sessions.js';
import type { Services } from '../../platform/services.js';
import { exportAccounts, listAccounts } from './accounts.js';
import { type Meta, residentsService } from './residents.service.js';

const tags = ['residents'];

/** The resident-facing category list: the request type's leaves, in words. */
const categoryName = (code: string, lang: 'zh' | 'en', type = 'request') => {
  const c = (type === 'event' ? EVENT_CATEGORIES : REQUEST_CATEGORIES).find((x) => x.code === code);
  return c ? c[lang] : '';
};

export const residentsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services: s },
) => {
  const svc = residentsService(s);
  const cookieOpts = { path: '/', sameSite: 'lax' as const, secure: s.config.secureCookies };
  const meta = (req: FastifyRequest): Meta => ({
    ip: req.ip ?? null,
    userAgent: req.headers['user-agent'] ?? null,
    requestId: req.id,
    lang: req.lang,
  });
  const setCookies = (reply: FastifyReply, r: { token: string; csrfToken: string; expiresAt: Date }) => {
    reply.setCookie(SESSION_COOKIE, r.token, { ...cookieOpts, httpOnly: true, expires: r.expiresAt });
    reply.setCookie(CSRF_COOKIE, r.csrfToken, { ...cookieOpts, httpOnly: false, expires: r.expiresAt });
  };

  // —— identity ——
  app.post(
    '/resident/code',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        summary: 'Send a sign-in code to a mobile number (rate-limited)',
        body: CodeRequest,
        response: { 200: CodeSent },
      },
    },
    async (req) => svc.requestCode(req.body.phone, meta(req)),
  );

  app.post(
    '/resident/signin',
    {
      config: { permission: 'public' },
      schema: { tags, summary: 'Sign in (or up) with the code', body: SignIn, response: { 200: Ok } },
    },
    async (req, reply) => {
      setCookies(reply, await svc.signIn(req.body.phone, req.body.code, meta(req)));
      return { ok: true as const };
    },
  );

  app.get(
    '/resident/me',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'The resident account: state, household members, unread messages',
        response: { 200: ResidentMe },
      },
    },
    async (req) => svc.me(req.ctx()),
  );

  app.post(
    '/resident/bind',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Bind to the registry by name and ID number (one answer for every kind of no match)',
        body: BindBody,
        response: { 200: ResidentMe },
      },
    },
    async (req) => svc.bind(req.ctx(), req.body, meta(req)),
  );

  // —— any resident account, verified or not: the place whose public notices it reads, settings ——
  app.get(
    '/resident/places',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Communities and streets an unverified account may choose (names only)',
        response: { 200: z.array(Place) },
      },
    },
    async (req) => svc.places(req.ctx()),
  );

  app.put(
    '/resident/place',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Choose the community or street whose public notices an unverified account reads (audited)',
        body: PlaceBody,
        response: { 200: ResidentMe },
      },
    },
    async (req) => svc.choosePlace(req.ctx(), req.body.areaId),
  );

  app.post(
    '/resident/phone/code',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Change of number, step 1: a code to the new number (rate-limited)',
        body: CodeRequest,
        response: { 200: CodeSent },
      },
    },
    async (req) => svc.phoneCode(req.ctx(), req.body.phone, meta(req)),
  );

  app.post(
    '/resident/phone',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Change of number, step 2: the code moves the account to the new number (audited)',
        body: PhoneChange,
        response: { 200: ResidentMe },
      },
    },
    async (req) => svc.changePhone(req.ctx(), req.body),
  );

  // —— a verified resident: own data, own requests ——
  app.get(
    '/resident/categories',
    {
      config: { permission: 'resident.self' },
      schema: {
        tags,
        summary: 'The categories a resident reports under',
        response: { 200: z.array(z.object({ code: z.string(), name: z.string(), group: z.string() })) },
      },
    },
    async (req) =>
      REQUEST_CATEGORIES.filter((c) => c.parent && c.parent !== 'emergency').map((c) => ({
        code: c.code,
        name: c[req.lang],
        group: categoryName(c.parent!, req.lang),
      })),
  );

  app.get(
    '/resident/data',
    {
      config: { permission: 'resident.self' },
      schema: {
        tags,
        summary: 'What the community holds about me and my household (masked)',
        response: { 200: MyData },
      },
    },
    async (req) => svc.myData(req.ctx()),
  );

  app.post(
    '/resident/corrections',
    {
      config: { permission: 'resident.self' },
      schema: {
        tags,
        summary: 'Ask the community to correct data (a case to the community worker)',
        body: CorrectionBody,
        response: { 201: z.object({ id: z.number() }) },
      },
    },
    async (req, reply) => reply.code(201).send(await svc.requestCorrection(req.ctx(), req.body)),
  );

  const presentRequest = (
    lang: 'zh' | 'en',
    c: Awaited<ReturnType<typeof svc.myRequests>>[number],
    userId: number,
  ) => ({
    id: c.id,
    no: c.no,
    title: c.title,
    category: categoryName(c.category, lang, c.type),
    state: STATE_LABELS[c.state as keyof typeof STATE_LABELS]?.[lang] ?? '',
    reportedAt: c.reportedAt.toISOString(),
    rating: c.rating,
    forName: c.forName,
    viaOpen311: c.channel === 'open311',
    abilities: c.state === 'closed' && c.rating === null && c.reporterUserId === userId ? ['rate'] : [],
  });

  app.get(
    '/resident/requests',
    {
      config: { permission: 'resident.self' },
      schema: { tags, summary: 'My requests (我的诉求)', response: { 200: z.array(MyRequest) } },
    },
    async (req) =>
      (await svc.myRequests(req.ctx())).map((c) => presentRequest(req.lang, c, req.actor!.userId)),
  );

  app.post(
    '/resident/requests',
    {
      config: { permission: 'resident.self' },
      schema: {
        tags,
        summary:
          'Report a problem (for myself or a household member); Idempotency-Key for the offline outbox',
        body: RequestReport,
        headers: z.object({ 'idempotency-key': IdempotencyKey.optional() }),
        response: { 201: z.object({ id: z.number() }) },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await svc.report(req.ctx(), req.body, req.headers['idempotency-key'])),
  );

  app.get(
    '/resident/requests/:id',
    {
      config: { permission: 'resident.self' },
      schema: {
        tags,
        summary: 'One of my requests with its steps in plain words',
        params: IdParams,
        response: { 200: MyRequestDetail },
      },
    },
    async (req) => {
      const { c, steps } = await svc.myRequest(req.ctx(), req.params.id);
      return {
        ...presentRequest(req.lang, c, req.actor!.userId),
        description: c.description,
        address: c.address,
        steps,
      };
    },
  );

  app.post(
    '/resident/requests/:id/rate',
    {
      config: { permission: 'resident.self' },
      schema: {
        tags,
        summary: 'Rate a finished request',
        params: IdParams,
        body: RateBody,
        response: { 200: Ok },
      },
    },
    async (req) => {
      await svc.rate(req.ctx(), req.params.id, req.body.rating);
      return { ok: true as const };
    },
  );

  // —— staff ——
  app.get(
    '/resident-accounts',
    {
      config: { permission: 'resident_account.read' },
      schema: {
        tags,
        summary: 'Resident accounts (verified ones in scope; an unverified one by its whole phone number)',
        querystring: ResidentAccountQuery,
        response: { 200: pageOf(ResidentAccount) },
      },
    },
    async (req) => listAccounts(s, req.ctx(), req.query),
  );

  app.post(
    '/resident-accounts/export',
    {
      config: { permission: 'resident_account.read' },
      schema: { tags, summary: 'Export resident accounts as .xlsx (audited)', body: ResidentAccountExport },
    },
    async (req, reply) => sendExport(reply, await exportAccounts(s, req.ctx(), req.body)),
  );

  app.post(
    '/resident-accounts/:id/verify',
    {
      config: { permission: 'resident_account.verify' },
      schema: {
        tags,
        summary: 'Verify a resident at the window (the officer checked the ID card; audited)',
        params: IdParams,
        body: OfficerVerify,
        response: { 200: z.object({ id: z.number() }) },
      },
    },
    async (req) => svc.officerVerify(req.ctx(), req.params.id, req.body, false),
  );

  app.post(
    '/resident-accounts/:id/rebind',
    {
      config: { permission: 'resident_account.verify' },
      schema: {
        tags,
        summary: "Re-bind after a lost phone: the person's verified account moves to this one (audited)",
        params: IdParams,
        body: Rebind,
        response: { 200: z.object({ id: z.number() }) },
      },
    },
    async (req) => svc.officerVerify(req.ctx(), req.params.id, req.body, true),
  );
};
