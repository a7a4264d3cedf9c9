import type { z } from 'zod';
import type { VisitStatsQuery } from '../../../../contract/visits.js';
import { AppError } from '../../../platform/errors/app-error.js';
import type { Ctx } from '../../../platform/services.js';
import { presentStats } from '../visits.presenter.js';
import { visibleTags, visitsRepo } from '../visits.repository.js';
import type { VisitsContext } from './common.js';

/** Supervision: per grid under an area, plans, visits on time and late, overdue, patrols. */
export function figuresService({ s, today }: VisitsContext) {
  return {
    /** Per grid under the area: plans, visits on time and late, overdue, never visited, patrol coverage. */
    async stats(ctx: Ctx, q: z.infer<typeof VisitStatsQuery>) {
      const paths = ctx.actor.pathsFor('visit.read');
      if (!paths.length) throw new AppError('FORBIDDEN');
      const repo = visitsRepo(s.db);
      const area = await repo.area(q.areaId ?? Number(paths[0]!.split('.').pop()));
      if (
        !area ||
        !paths.some((p) => area.path === p || area.path.startsWith(`${p}.`) || p.startsWith(`${area.path}.`))
      )
        throw new AppError('NOT_FOUND');
      const rows = await repo.gridFigures({
        areaPath: area.path,
        paths,
        tags: visibleTags(ctx.actor),
        from: new Date(`${q.from}T00:00:00+08:00`),
        to: new Date(Date.parse(`${q.to}T00:00:00+08:00`) + 86_400_000),
        today: today(),
      });
      return presentStats(q, rows);
    },
  };
}
