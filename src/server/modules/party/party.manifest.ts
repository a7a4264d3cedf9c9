import { type ModuleManifest, perm } from '../../platform/module.js';
import * as init from './migrations/202612210700_party_init.js';
import { partyRoutes } from './party.routes.js';
import { seedDemoParty } from './party.seed.js';

/**
 * Party building (社区党建), issue 21, first slice: organisation tree, members, recruitment
 * (dev-2014) and dues. Party data is sensitive: only party roles hold these permissions — the
 * street (党工委) and the community secretary (社区党组织书记); see docs/party.md.
 */
export const partyModule: ModuleManifest = {
  name: 'party',
  duty: 'business',
  permissions: [
    perm(
      'party',
      'party.read',
      '查看党组织、党员、发展党员与党费',
      'View Party units, members, recruitment and dues',
      true,
    ),
    perm(
      'party',
      'party.manage',
      '登记党员、发展党员步骤与党费',
      'Record Party members, recruitment steps and dues',
    ),
  ],
  grants: {
    street_admin: ['party.read', 'party.manage'],
    community_secretary: ['party.read', 'party.manage'],
  },
  migrations: { '202612210700_party_init': init },
  routes: partyRoutes,
  seedDemo: seedDemoParty,
};
