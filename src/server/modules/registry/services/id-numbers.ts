import type { AuditInput } from '../../../platform/audit/audit.js';
import type { Conn } from '../../../platform/db/index.js';
import { AppError } from '../../../platform/errors/app-error.js';
import type { Ctx } from '../../../platform/services.js';
import type { RegistryContext } from './common.js';

/**
 * One record per ID number (docs/registry.md, "An ID number registered elsewhere"): where a new
 * or changed number is placed, the answer when it is taken, and the hand-over of a number from a
 * record that gives it up (registry.repository's handOverIdNumber) to one held for it.
 */
export function idNumbers({ repo }: RegistryContext) {
  const duplicateId = (ctx: Ctx, other?: { id: number; name: string }) =>
    new AppError('DUPLICATE', { field: ctx.lang === 'zh' ? '身份证号' : 'ID number' }, [
      {
        path: 'idNumber',
        code: 'duplicate',
        message: other
          ? ctx.lang === 'zh'
            ? `该身份证号已登记：${other.name}（编号 ${other.id}）`
            : `this ID number is already registered: ${other.name} (no. ${other.id})`
          : ctx.lang === 'zh'
            ? '该身份证号已登记'
            : 'this ID number is already registered',
      },
    ]);

  return {
    /**
     * Where an ID number stands for this actor. Held by a record the actor could look it up on
     * (read and reveal): 409 naming that record. Held only out of its reach: the answer is the one
     * for a new number, and the new registration is kept as a pending duplicate of the record that
     * has the number (`duplicateOf`) — or continues the number at once when that record has moved
     * out (`supersedes`).
     */
    async placeId(ctx: Ctx, hash: string, selfId: number | null, c: Conn) {
      const holders = (await repo(c).byIdHash(hash)).filter((h) => h.id !== selfId);
      const inReach = holders.find(
        (h) => ctx.actor.canAt('person.read', h.areaPath) && ctx.actor.canAt('person.reveal', h.areaPath),
      );
      if (inReach) throw duplicateId(ctx, inReach);
      const live = holders.find((h) => h.duplicateOf === null);
      if (!live) return { duplicateOf: null, supersedes: null };
      if (live.status === 'moved_out') return { duplicateOf: live.id, supersedes: live.id };
      return { duplicateOf: live.id, supersedes: null };
    },

    /**
     * A write that may meet a concurrent registration of the same number (the unique index): it is
     * run again once, deciding afresh with the other one committed (409 in reach, pending out of it).
     */
    async guardUnique<T>(ctx: Ctx, c: Conn, fn: () => Promise<T>): Promise<T> {
      const savepoint = repo(c).personWrite;
      for (let attempt = 0; ; attempt++) {
        await savepoint.begin();
        try {
          const r = await fn();
          await savepoint.release();
          return r;
        } catch (e) {
          if ((e as { code?: string; constraint?: string }).code === '23505') {
            await savepoint.rollback();
            if (attempt === 0) continue;
            throw duplicateId(ctx);
          }
          throw e;
        }
      }
    },

    /** The number `from` had is now `to`'s (see handOverIdNumber): recorded on the record that gave it up. */
    async auditHandOver(audit: (e: AuditInput) => Promise<void>, from: number, to: number) {
      await audit({
        action: 'person.id.handover',
        entityType: 'person',
        entityId: from,
        detail: { successorId: to },
      });
    },
  };
}
export type IdNumbers = ReturnType<typeof idNumbers>;
