import { type ModuleManifest, perm } from '../../platform/module.js';
import * as init from './migrations/202612210301_venues_init.js';
import { venuesRoutes } from './venues.routes.js';
import { seedDemoVenues } from './venues.seed.js';
import { activityRooms } from './venues.service.js';

const P = (name: string, zh: string, en: string, sensitive = false) =>
  perm('venues', name, zh, en, sensitive);

/**
 * Venues (场地, issue 19): rooms and bookings, never overlapping (exclusion constraint), approved
 * by the community worker; activities book their rooms through the activities engine
 * (`activityRooms`), so the activities module never imports this one.
 */
export const venuesModule: ModuleManifest = {
  name: 'venues',
  duty: 'business',
  permissions: [
    P('venue.read', '查看场地预约及预约人', 'View room bookings and who booked', true),
    P('venue.book', '预约场地', 'Book rooms'),
    P('venue.manage', '管理场地、审批预约、登记使用', 'Manage rooms, approve bookings, record use'),
  ],
  grants: {
    street_admin: ['venue.read', 'venue.book', 'venue.manage'],
    community_secretary: ['venue.read', 'venue.book', 'venue.manage'],
    community_worker: ['venue.read', 'venue.book', 'venue.manage'],
    grid_worker: ['venue.read', 'venue.book'],
    compound_head: ['venue.book'],
    building_head: ['venue.book'],
    volunteer: ['venue.book'],
    party_member: ['venue.book'],
    cobuild_unit: ['venue.book'],
    resident: ['venue.book'],
  },
  migrations: { '202612210301_venues_init': init },
  routes: venuesRoutes,
  activityRooms,
  seedDemo: seedDemoVenues,
};
