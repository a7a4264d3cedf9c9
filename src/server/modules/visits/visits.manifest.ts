import { chinaDate } from '../../engines/calendar/calendar.js';
import { calendarFor } from '../../engines/calendar/store.js';
import { type ModuleManifest, perm } from '../../platform/module.js';
import * as init from './migrations/202611230100_visits_init.js';
import * as peopleCover from './migrations/202611231100_visits_people_cover.js';
import { visitsIndicators } from './visits.indicators.js';
import { refreshAllPlans, refreshPlans } from './visits.plans.js';
import { visitVisible } from './visits.repository.js';
import { visitsRoutes } from './visits.routes.js';
import { seedDemoVisits } from './visits.seed.js';
import { visitsTodos } from './visits.todos.js';

const P = (name: string, zh: string, en: string, sensitive = false) =>
  perm('visits', name, zh, en, sensitive);

/** Visits and patrols (DOMAIN §4 "Visits"): rules → plans → the grid worker's day → visits, patrols, findings as cases. */
export const visitsModule: ModuleManifest = {
  indicators: visitsIndicators(),
  todos: visitsTodos(),
  name: 'visits',
  duty: 'business',
  permissions: [
    P('visit.read', '查看走访记录、走访计划与巡查', 'View visits, visit plans and patrols', true),
    P('visit.record', '走访登记与巡查', 'Record visits and patrols'),
    P('visit.manage', '设置走访规则与结对帮扶', 'Set visit rules and pairings'),
  ],
  grants: {
    street_admin: ['visit.read', 'visit.manage'],
    community_secretary: ['visit.read', 'visit.record', 'visit.manage'],
    community_worker: ['visit.read', 'visit.record'],
    grid_worker: ['visit.read', 'visit.record'],
    party_member: ['visit.record'],
  },
  migrations: {
    '202611230100_visits_init': init,
    '202611231100_visits_people_cover': peopleCover,
  },
  routes: visitsRoutes,
  // A visit's photos are read by whoever may read the visit.
  files: [
    {
      column: 'visitId',
      mayRead: async (s, ctx, id) =>
        !!(await s.db
          .selectFrom('visits as v')
          .select('v.id')
          .where('v.id', '=', id)
          .where(visitVisible(ctx.actor))
          .executeTakeFirst()),
    },
  ],
  seedDemo: seedDemoVisits,
  // What time alone changes (someone turns 80, a tag's end date passes) is caught once an hour.
  onStart: async (s) => {
    await refreshAllPlans(s);
  },
  jobs: (s) => {
    const timer = setInterval(
      () =>
        void refreshAllPlans(s).catch((e) =>
          s.log.warn(`visit plan refresh failed: ${(e as Error)?.message ?? e}`),
        ),
      3600_000,
    );
    timer.unref();
    return () => clearInterval(timer);
  },
  hooks: {
    // A person's tags, status or place changed: their plans follow in the same transaction.
    personChanged: [
      async (trx, s, personIds) => {
        const timing = await calendarFor(s).get();
        await refreshPlans(trx, timing.calendar, { personIds }, chinaDate(s.clock.now()));
      },
    ],
  },
};
