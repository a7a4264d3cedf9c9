import { type ModuleManifest, perm } from '../../platform/module.js';
import { areasRoutes } from './areas.routes.js';
import { seedDemoStreet } from './areas.seed.js';

const P = (name: string, zh: string, en: string, duty?: 'common' | 'business') =>
  perm('areas', name, zh, en, false, duty);

export const areasModule: ModuleManifest = {
  name: 'areas',
  // The tree is the system administrator's; reading it is everyone's (place names, no personal
  // data); staffing a node gives business roles, so it is business.
  duty: 'system',
  permissions: [
    P('area.read', '查看区域', 'View areas', 'common'),
    P('area.create', '新增区域节点', 'Add area nodes'),
    P('area.update', '编辑区域节点与边界', 'Edit area nodes and boundaries'),
    P('area.archive', '归档/恢复区域节点', 'Archive and restore area nodes'),
    P('area.delete', '删除区域节点', 'Delete area nodes'),
    P(
      'area.staff',
      '指派网格员、小区组长、楼栋长',
      'Assign grid workers, compound and building heads',
      'business',
    ),
  ],
  grants: {
    street_admin: ['area.read', 'area.create', 'area.update', 'area.archive', 'area.delete', 'area.staff'],
    community_secretary: ['area.read', 'area.create', 'area.update', 'area.archive', 'area.staff'],
    community_worker: ['area.read', 'area.update'],
    grid_worker: ['area.read'],
    compound_head: ['area.read'],
    building_head: ['area.read'],
    sys_admin: ['area.read', 'area.create', 'area.update', 'area.archive', 'area.delete'],
    // The security administrator binds roles to nodes of the tree: it reads the tree, never edits it.
    security_admin: ['area.read'],
  },
  routes: areasRoutes,
  seedDemo: seedDemoStreet,
};
