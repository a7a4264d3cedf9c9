import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams } from '../../../contract/common.js';
import { maskName } from '../../../contract/identifiers.js';
import {
  Development,
  DevelopmentCreate,
  DevelopmentPage,
  DevelopmentQuery,
  DevelopmentStep,
  DuesPage,
  DuesPayment,
  DuesQuery,
  DuesRow,
  INCOME_KIND_LABELS,
  MEMBER_KIND_LABELS,
  MEMBER_STATUS_LABELS,
  PartyMember,
  PartyMemberCreate,
  PartyMemberPage,
  PartyMemberQuery,
  PartyOrg,
  PartyOrgCreate,
} from '../../../contract/party.js';
import { exportLedger, pagedRows, sendExport } from '../../engines/sheets/index.js';
import type { Services } from '../../platform/services.js';
import { PERM, partyService } from './party.service.js';

const tags = ['party'];

/** Party building: party roles only (party.read is sensitive; party.manage records). */
export const partyRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services: s }) => {
  const svc = partyService(s);
  app.get(
    '/party/orgs',
    {
      config: { permission: PERM.read },
      schema: {
        tags,
        summary: 'The Party organisation tree with structure warnings',
        response: { 200: z.array(PartyOrg) },
      },
    },
    async (req) => svc.orgs(req.ctx()),
  );
  app.post(
    '/party/orgs',
    {
      config: { permission: PERM.manage },
      schema: {
        tags,
        summary: 'Set up a Party unit on an area',
        body: PartyOrgCreate,
        response: { 201: PartyOrg },
      },
    },
    async (req, reply) => reply.code(201).send(await svc.createOrg(req.ctx(), req.body)),
  );
  app.get(
    '/party/members',
    {
      config: { permission: PERM.read },
      schema: {
        tags,
        summary: 'Party members (phones masked)',
        querystring: PartyMemberQuery,
        response: { 200: PartyMemberPage },
      },
    },
    async (req) => svc.members(req.ctx(), req.query),
  );
  app.get(
    '/party/members/:id',
    {
      config: { permission: PERM.read },
      schema: { tags, summary: 'One Party member', params: IdParams, response: { 200: PartyMember } },
    },
    async (req) => svc.member(req.ctx(), req.params.id),
  );
  app.post(
    '/party/members',
    {
      config: { permission: PERM.manage },
      schema: {
        tags,
        summary: 'Register a Party member in a branch',
        body: PartyMemberCreate,
        response: { 201: PartyMember },
      },
    },
    async (req, reply) => reply.code(201).send(await svc.createMember(req.ctx(), req.body)),
  );
  app.post(
    '/party/members/export',
    {
      config: { permission: PERM.read },
      schema: {
        tags,
        summary: 'Party members as .xlsx (names and phones masked), watermarked and audited',
        body: PartyMemberQuery.omit({ page: true, pageSize: true }),
      },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const zh = ctx.lang === 'zh';
      const L = (x: { zh: string; en: string }) => (zh ? x.zh : x.en);
      const q = { ...req.body, page: 1, pageSize: 100 };
      const r = await exportLedger(s, ctx, {
        action: 'party.member.export',
        entityType: 'party_member',
        query: req.body,
        count: async () => (await svc.members(ctx, { ...q, pageSize: 1 })).total,
        async *rows(n) {
          for await (const m of pagedRows(n, async (page) => (await svc.members(ctx, { ...q, page })).items))
            yield {
              name: maskName(m.name) ?? '',
              phone: m.phone ?? '',
              org: m.orgName,
              status: L(MEMBER_STATUS_LABELS[m.status]),
              kinds: m.kinds.map((k) => L(MEMBER_KIND_LABELS[k])).join('、'),
              fullOn: m.fullOn ?? '',
              partyYears: m.partyYears ?? '',
              employer: m.employer,
              income: L(INCOME_KIND_LABELS[m.incomeKind]),
              monthlyDue: m.monthlyDue,
            };
        },
        sheetName: zh ? '党员名册' : 'Party members',
        fileName: zh ? '党员名册' : 'party-members',
        asciiName: 'party-members',
        columns: [
          { header: zh ? '姓名' : 'Name', key: 'name', width: 10 },
          { header: zh ? '联系电话' : 'Phone', key: 'phone', width: 14 },
          { header: zh ? '所在党组织' : 'Party unit', key: 'org', width: 20 },
          { header: zh ? '党员状态' : 'Status', key: 'status', width: 10 },
          { header: zh ? '党员类别' : 'Kinds', key: 'kinds', width: 16 },
          { header: zh ? '转正日期' : 'Full member since', key: 'fullOn', width: 12 },
          { header: zh ? '党龄（年）' : 'Party years', key: 'partyYears', width: 8 },
          { header: zh ? '工作单位' : 'Employer', key: 'employer', width: 18 },
          { header: zh ? '收入类别' : 'Income', key: 'income', width: 14 },
          { header: zh ? '月应缴党费（元）' : 'Monthly dues (yuan)', key: 'monthlyDue', width: 12 },
        ],
      });
      return sendExport(reply, r);
    },
  );
  app.get(
    '/party/developments',
    {
      config: { permission: PERM.read },
      schema: {
        tags,
        summary: 'The recruitment board: each case with its due dates and warnings (rule pack dev-2014)',
        querystring: DevelopmentQuery,
        response: { 200: DevelopmentPage },
      },
    },
    async (req) => svc.developments(req.ctx(), req.query),
  );
  app.get(
    '/party/developments/:id',
    {
      config: { permission: PERM.read },
      schema: { tags, summary: 'One recruitment case', params: IdParams, response: { 200: Development } },
    },
    async (req) => svc.development(req.ctx(), req.params.id),
  );
  app.post(
    '/party/developments',
    {
      config: { permission: PERM.manage },
      schema: {
        tags,
        summary: 'Record an application to join',
        body: DevelopmentCreate,
        response: { 201: Development },
      },
    },
    async (req, reply) => reply.code(201).send(await svc.createDevelopment(req.ctx(), req.body)),
  );
  app.post(
    '/party/developments/:id/steps',
    {
      config: { permission: PERM.manage },
      schema: {
        tags,
        summary: 'Record a step with its date; refused when dated before the step it depends on',
        params: IdParams,
        body: DevelopmentStep,
        response: { 200: Development },
      },
    },
    async (req) => svc.step(req.ctx(), req.params.id, req.body),
  );
  app.get(
    '/party/dues',
    {
      config: { permission: PERM.read },
      schema: {
        tags,
        summary: "A month's dues ledger: due, paid, arrears",
        querystring: DuesQuery,
        response: { 200: DuesPage },
      },
    },
    async (req) => svc.dues(req.ctx(), req.query),
  );
  app.post(
    '/party/dues/payments',
    {
      config: { permission: PERM.manage },
      schema: {
        tags,
        summary: "Record a month's dues; a month already paid is refused",
        body: DuesPayment,
        response: { 201: DuesRow },
      },
    },
    async (req, reply) => reply.code(201).send(await svc.pay(req.ctx(), req.body)),
  );
};
