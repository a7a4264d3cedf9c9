import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { AuditEntry, AuditQuery, AuditVerifyResult } from '../../../contract/audit.js';
import { pageOf } from '../../../contract/common.js';
import { verifyChain } from '../../platform/audit/audit.js';
import { inTx, type Services } from '../../platform/services.js';

export const auditRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const tags = ['audit'];
  const db = services.db;

  app.get(
    '/audit',
    {
      config: { permission: 'audit.read' },
      schema: { tags, querystring: AuditQuery, response: { 200: pageOf(AuditEntry) } },
    },
    async (req) => {
      const q = req.query;
      let query = db.selectFrom('auditLog');
      if (q.actor)
        query = query.where('actorName', 'ilike', `${q.actor.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      if (q.action) query = query.where('action', 'like', `${q.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      if (q.entityType) query = query.where('entityType', '=', q.entityType);
      if (q.entityId) query = query.where('entityId', '=', q.entityId);
      if (q.success) query = query.where('success', '=', q.success === 'true');
      if (q.from) query = query.where('at', '>=', new Date(q.from));
      if (q.to) query = query.where('at', '<', new Date(q.to));
      if (q.q) {
        const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query = query.where((eb) =>
          eb.or([eb('actorName', 'ilike', like), eb('action', 'ilike', like), eb('entityId', '=', q.q!)]),
        );
      }
      const total = (await query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirst())?.n ?? 0;
      const asc = q.sort === 'seq' || q.sort === 'at';
      const rows = await query
        .select([
          'id',
          'seq',
          'at',
          'actorId',
          'actorName',
          'action',
          'entityType',
          'entityId',
          'success',
          'ip',
          'requestId',
          'changes',
          'detail',
        ])
        .orderBy('seq', asc ? 'asc' : 'desc')
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute();
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
      const result = await verifyChain(db);
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
