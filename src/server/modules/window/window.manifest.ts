import { casePermissions } from '../../engines/cases/registry.js';
import { type ModuleManifest, perm } from '../../platform/module.js';
import { applicationType } from './application.js';
import * as catalogue from './migrations/202612170100_window_catalogue.js';
import * as queue from './migrations/202612170200_window_queue.js';
import * as rosters from './migrations/202612210400_window_rosters.js';
import { rectificationType } from './rectification.js';
import { windowIndicators } from './window.indicators.js';
import { windowRoutes } from './window.routes.js';
import { seedDemoWindow } from './window.seed.js';

const app = (...verbs: string[]) =>
  verbs.flatMap((v) => [`service_application.${v}`, `rating_rectification.${v}`]);
const P = (name: string, zh: string, en: string) => perm('window', name, zh, en);

/** The one-stop service window (一窗受理, design/modules/window.md; docs/window.md). */
export const windowModule: ModuleManifest = {
  name: 'window',
  duty: 'business',
  permissions: [
    P('window.read', '查看事项目录与一窗受理', 'View the matter catalogue and the service window'),
    P(
      'window.manage',
      '维护事项目录（导入、新版本）',
      'Maintain the matter catalogue (import, new versions)',
    ),
    ...casePermissions('window', applicationType),
    ...casePermissions('window', rectificationType),
  ],
  grants: {
    street_admin: ['window.read', 'window.manage', ...app('read', 'report', 'accept', 'verify', 'supervise')],
    community_secretary: [
      'window.read',
      'window.manage',
      ...app('read', 'report', 'accept', 'verify', 'supervise'),
    ],
    community_worker: ['window.read', ...app('read', 'report', 'accept', 'verify')],
    grid_worker: ['window.read'],
  },
  migrations: {
    '202612170100_window_catalogue': catalogue,
    '202612170200_window_queue': queue,
    '202612210400_window_rosters': rosters,
  },
  routes: windowRoutes,
  caseTypes: [applicationType, rectificationType],
  indicators: windowIndicators(),
  seedDemo: seedDemoWindow,
};
