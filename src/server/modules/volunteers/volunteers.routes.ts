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
  Volunteer,
  VolunteerApply,
  VolunteerListQuery,
  VolunteerPage,
} from '../../../contract/volunteers.js';
import type { Services } from '../../platform/services.js';
import { volunteersService } from './volunteers.service.js';

const tags = ['volunteers'];

export const volunteersRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services: s },
) => {
  const svc = volunteersService(s);
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
    async (req) => svc.verifyCertificate(req.query.number, req.query.code),
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
