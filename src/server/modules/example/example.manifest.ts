import { casePermissions } from '../../engines/cases/registry.js';
import type { ModuleManifest } from '../../platform/module.js';
import { exampleIndicators } from './example.indicators.js';
import { repairType } from './repair.js';

const repair = (...verbs: string[]) => verbs.map((v) => `repair.${v}`);

/**
 * The example module (docs/modules.md walks through it): one case type, its permissions, one
 * dashboard figure. It is built and tested in CI but not in MODULES, so production does not load
 * it; a test loads it with `createTestApp({modules: [...MODULES, exampleModule]})`.
 */
export const exampleModule: ModuleManifest = {
  name: 'example',
  duty: 'business',
  // repair.read / report / accept / verify / supervise, labelled from the type's names.
  permissions: casePermissions('example', repairType),
  grants: {
    street_admin: repair('read', 'report', 'accept', 'verify', 'supervise'),
    community_secretary: repair('read', 'report', 'accept', 'verify', 'supervise'),
    community_worker: repair('read', 'report', 'accept', 'verify'),
    grid_worker: repair('read', 'report'),
    resident: repair('report'),
  },
  caseTypes: [repairType],
  indicators: exampleIndicators(),
};
