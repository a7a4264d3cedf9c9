import type { z } from 'zod';
import type { PatrolListQuery, PatrolPoints } from '../../../../contract/visits.js';
import type { Conn } from '../../../platform/db/index.js';
import { AppError } from '../../../platform/errors/app-error.js';
import { metres } from '../../../platform/geo.js';
import { type Ctx, inTx } from '../../../platform/services.js';
import { presentPatrols } from '../visits.presenter.js';
import { patrolVisible, visitsRepo } from '../visits.repository.js';
import { field, type VisitsContext } from './common.js';

/** Patrols (巡查): started on a grid, a route of points sent as they come, finished once. */
export function patrolsService({ s }: VisitsContext) {
  /** Patrols the actor may read, in the order of `ids`, with the cases raised on them: two queries. */
  async function patrolsById(ctx: Ctx, ids: number[], conn: Conn = s.db) {
    if (ids.length === 0) return [];
    return presentPatrols(ctx.actor, ids, await visitsRepo(conn).patrolsById(ctx.actor, ids), s.clock.now());
  }

  return {
    async startPatrol(ctx: Ctx, areaId: number) {
      return inTx(s, ctx, async (trx, audit) => {
        const repo = visitsRepo(trx);
        const a = await repo.patrolArea(ctx.actor, areaId);
        if (!a)
          throw field(
            'areaId',
            '所选网格不存在或不在您的范围内',
            'Unknown grid or outside your scope',
            ctx.lang,
          );
        const open = await repo.openPatrolOf(ctx.actor.userId);
        const stillOpen = () =>
          new AppError('CASE_RULE', {
            zh: '您有一次巡查尚未结束',
            en: 'You have a patrol that has not ended',
          });
        if (open) throw stillOpen();
        // Two starts at once both pass the check above: the unique index (one open patrol per
        // user) refuses the second, which gets the same answer instead of a 500.
        const row = await repo
          .insertPatrol({
            areaId: a.id,
            areaPath: a.path,
            userId: ctx.actor.userId,
            startedAt: s.clock.now(),
          })
          .catch((e: unknown) => {
            if ((e as { code?: string }).code === '23505') throw stillOpen();
            throw e;
          });
        await audit({
          action: 'patrol.start',
          entityType: 'patrol',
          entityId: row.id,
          detail: { areaId: a.id },
        });
        return row.id;
      });
    },

    async addPoints(ctx: Ctx, id: number, input: z.infer<typeof PatrolPoints>) {
      return inTx(s, ctx, async (trx, audit) => {
        const repo = visitsRepo(trx);
        const p = await repo.ownPatrolForUpdate(id, ctx.actor.userId);
        if (!p) throw new AppError('NOT_FOUND');
        if (p.endedAt) throw new AppError('CASE_RULE', { zh: '巡查已结束', en: 'The patrol has ended' });
        const route = p.route as [number, number, string][];
        if (route.length + input.points.length > 5000)
          throw new AppError('CASE_RULE', { zh: '轨迹点过多', en: 'Too many route points' });
        // Points may arrive late (offline) or twice (a retried batch): keep one per instant, in order.
        const seen = new Set(route.map((x) => x[2]));
        const fresh: [number, number, string][] = [];
        for (const x of input.points) {
          const at = new Date(x.at).toISOString();
          if (seen.has(at)) continue; // also a repeated instant within this batch
          seen.add(at);
          fresh.push([x.lat, x.lng, at]);
        }
        const all = [...route, ...fresh].sort((a, b) => a[2].localeCompare(b[2]));
        let dist = 0;
        for (let i = 1; i < all.length; i++)
          dist += metres(all[i - 1]![0], all[i - 1]![1], all[i]![0], all[i]![1]);
        await repo.updatePatrol(id, {
          route: JSON.stringify(all),
          distanceM: Math.round(dist),
          version: p.version + 1,
        });
        if (fresh.length)
          await audit({
            action: 'patrol.points',
            entityType: 'patrol',
            entityId: id,
            detail: { added: fresh.length },
          });
        return { count: all.length };
      });
    },

    async finishPatrol(ctx: Ctx, id: number, note?: string) {
      await inTx(s, ctx, async (trx, audit) => {
        const repo = visitsRepo(trx);
        const p = await repo.ownPatrolForUpdate(id, ctx.actor.userId);
        if (!p) throw new AppError('NOT_FOUND');
        // Finishing twice (a phone retrying after a lost answer) changes nothing and is not an error.
        if (p.endedAt) return;
        await repo.updatePatrol(id, { endedAt: s.clock.now(), note: note ?? null });
        await audit({ action: 'patrol.finish', entityType: 'patrol', entityId: id });
      });
    },

    patrolVisible,

    patrolsById,

    async patrol(ctx: Ctx, id: number, conn: Conn = s.db) {
      const [p] = await patrolsById(ctx, [id], conn);
      if (!p) throw new AppError('NOT_FOUND');
      return p;
    },

    /** `countCap`: an export's row cap, so its count is exact up to it (never an estimate under it). */
    async patrols(ctx: Ctx, q: z.infer<typeof PatrolListQuery>, opts: { countCap?: number } = {}) {
      const { ids, total, exact } = await visitsRepo(s.db).patrolIds(ctx.actor, q, opts);
      return { items: await patrolsById(ctx, ids), total, totalExact: exact };
    },
  };
}
