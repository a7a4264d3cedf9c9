import { activitiesEngine } from '../../engines/activities/engine.js';
import { type ModuleManifest, perm } from '../../platform/module.js';
import { activitiesRoutes } from './activities.routes.js';
import * as init from './migrations/202612200100_activities_init.js';

const P = (name: string, zh: string, en: string, sensitive = false) =>
  perm('activities', name, zh, en, sensitive);

/**
 * The activities engine's home (like `cases` for the case engine): its tables, its routes and its
 * reminders. Kinds of activity are declared by other modules (`activityKinds`); see docs/activities.md.
 */
export const activitiesModule: ModuleManifest = {
  name: 'activities',
  duty: 'business',
  permissions: [
    P('activity.read', '查看活动及签到名单', 'View activities and their rolls', true),
    P(
      'activity.organise',
      '组织活动：发布、签到、确认时长',
      'Organise activities: publish, check in, confirm hours',
    ),
    P('activity.join', '报名参加活动、扫码签到', 'Sign up for activities and check in'),
  ],
  grants: {
    street_admin: ['activity.read', 'activity.organise'],
    community_secretary: ['activity.read', 'activity.organise'],
    community_worker: ['activity.read', 'activity.organise'],
    grid_worker: ['activity.read', 'activity.join'],
    compound_head: ['activity.join'],
    building_head: ['activity.join'],
    volunteer: ['activity.join'],
    party_member: ['activity.join'],
    cobuild_unit: ['activity.join'],
    resident: ['activity.join'],
  },
  migrations: { '202612200100_activities_init': init },
  routes: activitiesRoutes,
  // Reminders a day ahead, through the notifications engine (caught up at start).
  onStart: async (s) => {
    await activitiesEngine(s).remind();
  },
  jobs: (s) => {
    const timer = setInterval(
      () =>
        void activitiesEngine(s)
          .remind()
          .catch((e) => s.log.warn(`activity reminders failed: ${(e as Error)?.message ?? e}`)),
      600_000,
    );
    timer.unref();
    return () => clearInterval(timer);
  },
};
