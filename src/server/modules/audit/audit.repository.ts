import { sql } from 'kysely';
import type { z } from 'zod';
import type { AuditQuery } from '../../../contract/audit.js';
import { type Conn, escapeLike } from '../../platform/db/index.js';

/** Reading the audit log: filters on indexed columns (action, actor, entity, time), newest first. */
export function auditRepo(db: Conn) {
  return {
    async list(q: z.infer<typeof AuditQuery>) {
      let query = db.selectFrom('auditLog');
      if (q.actor) query = query.where('actorName', 'ilike', `${escapeLike(q.actor)}%`);
      if (q.action) query = query.where('action', 'like', `${escapeLike(q.action)}%`);
      if (q.entityType) query = query.where('entityType', '=', q.entityType);
      if (q.entityId) query = query.where('entityId', '=', q.entityId);
      if (q.success) query = query.where('success', '=', q.success === 'true');
      if (q.from) query = query.where('at', '>=', new Date(q.from));
      if (q.to) query = query.where('at', '<', new Date(q.to));
      if (q.q) {
        const like = `%${escapeLike(q.q)}%`;
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
      return { rows, total };
    },
  };
}
