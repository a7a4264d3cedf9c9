import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Open311Key, Open311KeyCreate, Open311KeyCreated } from '../../../contract/cases.js';
import { IdParams } from '../../../contract/common.js';
import { sendExport } from '../../engines/sheets/index.js';
import type { Services } from '../../platform/services.js';
import { open311KeysService } from './open311.service.js';

const tags = ['open311'];
const config = { permission: 'open311.manage' };

/** Open311 API keys, under /api: the security administrator issues and revokes them. */
export const open311Routes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const svc = open311KeysService(services);

  app.get(
    '/open311/keys',
    {
      config,
      schema: {
        tags,
        summary: 'Open311 API keys in scope, newest first',
        response: { 200: z.array(Open311Key) },
      },
    },
    async (req) => svc.list(req.ctx()),
  );

  app.post(
    '/open311/keys/export',
    {
      config,
      schema: {
        tags,
        summary: 'Export the Open311 API keys in scope as .xlsx (audited)',
        body: z.strictObject({}),
      },
    },
    async (req, reply) => sendExport(reply, await svc.exportKeys(req.ctx())),
  );

  app.post(
    '/open311/keys',
    {
      config,
      schema: {
        tags,
        summary: 'Issue an Open311 API key (the key is shown once, in this answer)',
        body: Open311KeyCreate,
        response: { 201: Open311KeyCreated },
      },
    },
    async (req, reply) => reply.code(201).send(await svc.create(req.ctx(), req.body)),
  );

  app.post(
    '/open311/keys/:id/revoke',
    {
      config,
      schema: { tags, summary: 'Revoke an Open311 API key', params: IdParams, response: { 200: Open311Key } },
    },
    async (req) => svc.revoke(req.ctx(), req.params.id),
  );
};
