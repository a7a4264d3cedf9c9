import { type ModuleManifest, perm } from '../../platform/module.js';
import { dashboardRoutes } from './dashboard.routes.js';
import * as auditXid from './migrations/202611240100_dashboard_audit_xid.js';

/**
 * The dashboard and the big screen: figures declared by the other modules (their manifests'
 * `indicators`), per area and period, within the actor's scope.
 */
export const dashboardModule: ModuleManifest = {
  name: 'dashboard',
  duty: 'business',
  permissions: [perm('dashboard', 'dashboard.read', '查看数据看板', 'Open the dashboard')],
  grants: {
    street_admin: ['dashboard.read'],
    community_secretary: ['dashboard.read'],
    community_worker: ['dashboard.read'],
    grid_worker: ['dashboard.read'],
  },
  migrations: { '202611240100_dashboard_audit_xid': auditXid },
  routes: dashboardRoutes,
};
