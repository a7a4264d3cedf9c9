import type { MyDayQuery } from '../../../contract/visits.js';
import type { Tx } from '../../platform/db/index.js';
import type { Services } from '../../platform/services.js';
import { visitsContext } from './services/common.js';
import { figuresService } from './services/figures.js';
import { patrolsService } from './services/patrols.js';
import { plansService } from './services/plans.js';
import { rulesService } from './services/rules.js';
import { visitRecordsService } from './services/visits.js';

export { visibleTags, visitVisible } from './visits.repository.js';

/**
 * The visits module's service, one part per concern (services/): rules and pairings, the grid
 * worker's plans, visits, patrols, the supervision figures. Queries live in visits.repository.ts,
 * answers are shaped in visits.presenter.ts.
 */
export function visitsService(s: Services) {
  const c = visitsContext(s);
  return {
    today: c.today,
    ...rulesService(c),
    ...plansService(c),
    ...visitRecordsService(c),
    ...patrolsService(c),
    ...figuresService(c),
  };
}

export type VisitsService = ReturnType<typeof visitsService>;
export type { MyDayQuery, Tx };
