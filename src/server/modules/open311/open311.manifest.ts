import { type ModuleManifest, perm } from '../../platform/module.js';
import { georeportRoutes } from './georeport.routes.js';
import { open311Routes } from './open311.routes.js';

/**
 * Open311 GeoReport v2 (STANDARDS.md "Open311"; docs/open311.md): grid events and resident
 * requests offered to outside clients at /open311/v2, and the API keys that let them report.
 * Its one table (`open311_keys`) came with the case engine's migration.
 */
export const open311Module: ModuleManifest = {
  name: 'open311',
  // API keys are credentials: the security administrator's.
  duty: 'security',
  permissions: [perm('open311', 'open311.manage', '管理 Open311 接口密钥', 'Manage Open311 API keys')],
  grants: { security_admin: ['open311.manage'] },
  routes: open311Routes,
  rootRoutes: georeportRoutes,
};
