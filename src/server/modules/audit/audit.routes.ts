import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AuditEntry, AuditQuery, AuditVerifyResult } from '../../../contract/audit.js';
import { pageOf } from '../../../contract/common.js';
import { verifyChain } from '../../platform/audit/audit.js';
import { inTx, type Services } from '../../platform/services.js';
import { auditRepo } from './audit.repository.js';

export const auditRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const tags = ['audit'];

  app.get(
    '/audit',
    {
      config: { permission: 'audit.read' },
      schema: { tags, querystring: AuditQuery, response: { 200: pageOf(AuditEntry) } },
    },
    async (req) => {
      const q = req.query;
      const { rows, total } = await auditRepo(services.db).list(q);
      return {
        items: rows.map((r) => ({
          ...r,
          at: r.at.toISOString(),
          changes: (r.changes ?? null) as never,
          detail: (r.detail ?? null) as never,
        })),
        total,
        page: q.page,
        pageSize: q.pageSize,
      };
    },
  );

  app.post(
    '/audit/verify',
    {
      config: { permission: 'audit.verify' },
      schema: { tags, summary: 'Verify the hash chain', response: { 200: AuditVerifyResult } },
    },
    async (req) => {
      const result = await verifyChain(services.db);
      await inTx(services, req.ctx(), async (_trx, audit) =>
        audit({
          action: 'audit.verify',
          detail: { ok: result.ok, checked: result.checked, firstBrokenSeq: result.firstBrokenSeq },
        }),
      );
      return result;
    },
  );
};
