import { type ModuleManifest, perm } from '../../platform/module.js';
import * as init from './migrations/202612200200_volunteers_init.js';
import * as timebank from './migrations/202612210302_volunteers_timebank.js';
import { timebankRoutes } from './timebank.routes.js';
import { volunteersRoutes } from './volunteers.routes.js';
import { seedDemoVolunteers } from './volunteers.seed.js';
import { volunteerKind } from './volunteers.service.js';

const P = (name: string, zh: string, en: string, sensitive = false) =>
  perm('volunteers', name, zh, en, sensitive);

/**
 * Volunteers (志愿服务条例 2017, 民政部令第67号): registration, teams, volunteer activities on the
 * activities engine (kind `volunteer_service`), organiser-confirmed hours, stars, certificates.
 */
export const volunteersModule: ModuleManifest = {
  name: 'volunteers',
  duty: 'business',
  permissions: [
    P('volunteer.read', '查看志愿者台账与队伍', 'View volunteers and teams', true),
    P(
      'volunteer.manage',
      '审核志愿者、管理队伍、开具证明',
      'Verify volunteers, manage teams, issue certificates',
    ),
    P('volunteer.apply', '注册成为志愿者', 'Register as a volunteer'),
  ],
  grants: {
    street_admin: ['volunteer.read', 'volunteer.manage'],
    community_secretary: ['volunteer.read', 'volunteer.manage'],
    community_worker: ['volunteer.read', 'volunteer.manage'],
    grid_worker: ['volunteer.read', 'volunteer.apply'],
    compound_head: ['volunteer.apply'],
    building_head: ['volunteer.apply'],
    volunteer: ['volunteer.apply'],
    party_member: ['volunteer.apply'],
    resident: ['volunteer.apply'],
  },
  migrations: {
    '202612200200_volunteers_init': init,
    '202612210302_volunteers_timebank': timebank,
  },
  routes: async (app, opts) => {
    await volunteersRoutes(app as never, opts);
    await timebankRoutes(app as never, opts);
  },
  activityKinds: [volunteerKind],
  seedDemo: seedDemoVolunteers,
};
