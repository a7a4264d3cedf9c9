import type { ModuleManifest } from '../../platform/module.js';
import { authRoutes } from './auth.routes.js';

/** Sign-in, sign-out, who-am-I, own password and second factor. Every signed-in user may use it. */
export const authModule: ModuleManifest = {
  name: 'auth',
  permissions: [],
  routes: authRoutes,
};
