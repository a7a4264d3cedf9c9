import { casePermissions } from '../../engines/cases/registry.js';
import { addTransport } from '../../engines/notifications/notifications.js';
import { type ModuleManifest, perm } from '../../platform/module.js';
import { correctionType } from './correction.js';
import { devTransportFor } from './dev-transport.js';
import * as init from './migrations/202612170200_residents_init.js';
import * as chosenPlace from './migrations/202612210101_residents_chosen_place.js';
import { residentsRoutes } from './residents.routes.js';
import { seedDemoResidents } from './residents.seed.js';

const P = (name: string, zh: string, en: string, sensitive = false) =>
  perm('residents', name, zh, en, sensitive);
const correction = (...verbs: string[]) => verbs.map((v) => `correction.${v}`);

/**
 * The resident channel (居民端, issue 17; docs/residents.md): accounts signed in by phone and
 * code, bound to the registry, a resident's own data and requests, and the staff's side
 * (the accounts ledger, verification at the window, re-binding). Declares the 信息更正 case type.
 */
export const residentsModule: ModuleManifest = {
  name: 'residents',
  duty: 'business',
  permissions: [
    P('resident.self', '居民本人：我的信息、我的诉求', 'Resident: my data, my requests'),
    P('resident_account.read', '查看居民账户', 'View resident accounts', true),
    P('resident_account.verify', '窗口核验与换绑居民账户', 'Verify and re-bind resident accounts', true),
    ...casePermissions('residents', correctionType),
  ],
  grants: {
    resident: ['resident.self', ...correction('report')],
    street_admin: ['resident_account.read', ...correction('read', 'supervise')],
    community_secretary: [
      'resident_account.read',
      'resident_account.verify',
      ...correction('read', 'accept', 'verify', 'supervise'),
    ],
    community_worker: [
      'resident_account.read',
      'resident_account.verify',
      ...correction('read', 'accept', 'verify'),
    ],
  },
  caseTypes: [correctionType],
  migrations: {
    '202612170200_residents_init': init,
    '202612210101_residents_chosen_place': chosenPlace,
  },
  routes: residentsRoutes,
  seedDemo: seedDemoResidents,
  // The development transport shows sign-in codes on screen: demo mode only, never in production.
  onStart: async (s) => {
    if (s.config.mode === 'demo') addTransport(s, devTransportFor(s));
  },
};
