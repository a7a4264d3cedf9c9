import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AuditEntry, AuditExportQuery, AuditQuery, AuditVerifyResult } from '../../../contract/audit.js';
import { pageOf } from '../../../contract/common.js';
import { sendExport } from '../../engines/sheets/index.js';
import { verifyChain } from '../../platform/audit/audit.js';
import { inTx, type Services } from '../../platform/services.js';
import { exportAudit } from './audit.export.js';
import { AuditPresenter } from './audit.presenter.js';
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
      const repo = auditRepo(services.db);
      const { rows, total } = await repo.list(q);
      const p = new AuditPresenter(req.ctx().lang, await repo.names(rows));
      return {
        items: rows.map((r) => p.entry(r)),
        total,
        page: q.page,
        pageSize: q.pageSize,
      };
    },
  );

  // POST with the CSRF header and the filters as the body, like every export: it is audited.
  app.post(
    '/audit/export',
    {
      config: { permission: 'audit.read' },
      schema: { tags, summary: 'Export the audit log as .xlsx (audited)', body: AuditExportQuery },
    },
    async (req, reply) => sendExport(reply, await exportAudit(services, req.ctx(), req.body)),
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
