import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams } from '../../../contract/common.js';
import {
  Certificate,
  CertificateIssue,
  CertificateVerified,
  CertificateVerifyQuery,
  Team,
  TeamCreate,
  VOLUNTEER_STATUS_LABELS,
  Volunteer,
  VolunteerApply,
  VolunteerListQuery,
  VolunteerPage,
} from '../../../contract/volunteers.js';
import { exportLedger, localStamp, pagedRows, sendExport } from '../../engines/sheets/index.js';
import { SharedWindow } from '../../platform/http/rate-limit.js';
import type { Services } from '../../platform/services.js';
import { volunteersService } from './volunteers.service.js';

/** China local time as shown in exports: 2026-12-07 09:00. */
const stamp = (iso: string) => {
  const l = localStamp(new Date(iso));
  return l.time;
};
const tags = ['volunteers'];

export const volunteersRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services: s },
) => {
  const svc = volunteersService(s);
  // The public check answers strangers: a few a minute per address, far below guessing check codes.
  const checks = new SharedWindow(s.db, 'certificate', 30, 60_000, () => s.clock.now());
  app.post(
    '/volunteers/apply',
    {
      config: { permission: 'volunteer.apply' },
      schema: {
        tags,
        summary: 'Register myself as a volunteer (verified by the community)',
        body: VolunteerApply,
        response: { 201: Volunteer },
      },
    },
    async (req, reply) => reply.code(201).send(await svc.apply(req.ctx(), req.body)),
  );
  app.get(
    '/volunteers/me',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'My volunteer record (null when not registered)',
        response: { 200: Volunteer.nullable() },
      },
    },
    async (req) => svc.me(req.ctx()),
  );
  app.get(
    '/volunteers/me/certificates',
    {
      config: { permission: 'authenticated' },
      schema: { tags, summary: 'My certificates', response: { 200: z.array(Certificate) } },
    },
    async (req) => svc.myCertificates(req.ctx()),
  );
  app.get(
    '/volunteers',
    {
      config: { permission: 'volunteer.read' },
      schema: {
        tags,
        summary: 'The volunteer ledger (names and phones masked)',
        querystring: VolunteerListQuery,
        response: { 200: VolunteerPage },
      },
    },
    async (req) => svc.list(req.ctx(), req.query),
  );
  app.post(
    '/volunteers/export',
    {
      config: { permission: 'volunteer.read' },
      schema: {
        tags,
        summary: 'The volunteer ledger as .xlsx (masked), audited',
        body: VolunteerListQuery.omit({ page: true, pageSize: true }),
      },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const zh = ctx.lang === 'zh';
      const q = { ...req.body, page: 1, pageSize: 100 };
      const r = await exportLedger(s, ctx, {
        action: 'volunteer.export',
        entityType: 'volunteer',
        query: req.body,
        count: async () => (await svc.list(ctx, { ...q, pageSize: 1 })).total,
        async *rows(n) {
          for await (const v of pagedRows(n, async (page) => (await svc.list(ctx, { ...q, page })).items))
            yield {
              volunteerNo: v.volunteerNo ?? '',
              name: v.name,
              phone: v.phone ?? '',
              team: v.teamName ?? '',
              area: v.areaName,
              hours: v.confirmedHours,
              star: v.star,
              status: VOLUNTEER_STATUS_LABELS[v.status][zh ? 'zh' : 'en'],
              registeredAt: stamp(v.registeredAt),
            };
        },
        sheetName: zh ? '志愿者' : 'Volunteers',
        fileName: zh ? '志愿者台账' : 'volunteers',
        asciiName: 'volunteers',
        columns: [
          { header: zh ? '志愿者编号' : 'Volunteer no.', key: 'volunteerNo', width: 16 },
          { header: zh ? '姓名' : 'Name', key: 'name', width: 10 },
          { header: zh ? '联系电话' : 'Phone', key: 'phone', width: 14 },
          { header: zh ? '服务队' : 'Team', key: 'team', width: 20 },
          { header: zh ? '所属区域' : 'Area', key: 'area', width: 16 },
          { header: zh ? '服务时长（小时）' : 'Hours', key: 'hours', width: 10 },
          { header: zh ? '星级' : 'Stars', key: 'star', width: 6 },
          { header: zh ? '状态' : 'Status', key: 'status', width: 8 },
          { header: zh ? '注册时间' : 'Registered', key: 'registeredAt', width: 18 },
        ],
      });
      return sendExport(reply, r);
    },
  );
  app.post(
    '/volunteers/:id/verify',
    {
      config: { permission: 'volunteer.manage' },
      schema: {
        tags,
        summary: 'Verify an application: the volunteer gets a 志愿者统一编号',
        params: IdParams,
        response: { 200: Volunteer },
      },
    },
    async (req) => svc.verify(req.ctx(), req.params.id),
  );
  app.post(
    '/volunteers/:id/certificates',
    {
      config: { permission: 'volunteer.manage' },
      schema: {
        tags,
        summary: 'Issue a 志愿服务记录证明 (only hours recorded by the issuer)',
        params: IdParams,
        body: CertificateIssue,
        response: { 201: Certificate },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await svc.issueCertificate(req.ctx(), req.params.id, req.body)),
  );
  app.get(
    '/volunteer-certificates/:id',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'A certificate (its volunteer, or readers of the volunteer)',
        params: IdParams,
        response: { 200: Certificate },
      },
    },
    async (req) => svc.certificate(req.ctx(), req.params.id),
  );
  app.get(
    '/public/certificates/verify',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        summary: 'Check a certificate by number and code (anyone)',
        querystring: CertificateVerifyQuery,
        response: { 200: CertificateVerified },
      },
    },
    async (req) => {
      await checks.take(req.ip ?? 'unknown');
      return svc.verifyCertificate(req.query.number, req.query.code);
    },
  );
  app.get(
    '/volunteer-teams',
    {
      config: { permission: 'volunteer.read' },
      schema: { tags, summary: 'Volunteer teams', response: { 200: z.array(Team) } },
    },
    async (req) => svc.teams(req.ctx()),
  );
  app.post(
    '/volunteer-teams',
    {
      config: { permission: 'volunteer.manage' },
      schema: { tags, summary: 'Create a team', body: TeamCreate, response: { 201: Team } },
    },
    async (req, reply) => reply.code(201).send(await svc.createTeam(req.ctx(), req.body)),
  );
};
