import type { Ctx } from '../../../platform/services.js';
import { presentPlans } from '../visits.presenter.js';
import { type PlanFilter, planScope, visibleTags, visitsRepo } from '../visits.repository.js';
import type { VisitsContext } from './common.js';

/** The grid worker's day: the plans due, overdue or never visited, and the patrol under way. */
export function plansService({ s, today }: VisitsContext) {
  return {
    /** Plans the actor visits: grid rules in their visit.record scope, pair rules of people paired to them. */
    planScope,

    async plans(ctx: Ctx, q: PlanFilter) {
      const t = today();
      const tags = visibleTags(ctx.actor);
      const repo = visitsRepo(s.db);
      const { rows, total } = await repo.plans(ctx.actor, tags, q, t);
      const n = await repo.names(rows.map((r) => r.path));
      const personTags = await repo.personTags(
        rows.map((r) => r.personId),
        tags,
      );
      const items = presentPlans(rows, n, personTags, t);
      return { items, total: total.n, overdue: total.overdue, dueToday: total.dueToday };
    },

    async openPatrol(ctx: Ctx) {
      const p = await visitsRepo(s.db).openPatrolOf(ctx.actor.userId);
      return p ? { id: p.id, startedAt: p.startedAt.toISOString(), areaName: p.areaName } : null;
    },
  };
}
