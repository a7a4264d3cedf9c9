import type { ModuleManifest } from '../../platform/module.js';
import { workbenchRoutes } from './workbench.routes.js';

/**
 * The home workbench: one endpoint collecting the to-dos every module declares (`todos` in its
 * manifest, engines/todos), each counted by its own module within the actor's scope.
 */
export const workbenchModule: ModuleManifest = {
  name: 'workbench',
  permissions: [],
  routes: workbenchRoutes,
};
