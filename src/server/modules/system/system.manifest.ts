import type { ModuleManifest } from '../../platform/module.js';
import { systemRoutes } from './system.routes.js';

/** Health and public metadata. */
export const systemModule: ModuleManifest = { name: 'system', permissions: [], routes: systemRoutes };
