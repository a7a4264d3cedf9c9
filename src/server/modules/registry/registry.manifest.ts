import { TAG_CODES, TAGS, tagPermission } from '../../../contract/tags.js';
import { type ModuleManifest, perm } from '../../platform/module.js';
import { failUnfinishedImports } from './import.service.js';
import * as init from './migrations/202611210100_registry_init.js';
import * as figuresCover from './migrations/202611240200_registry_figures_cover.js';
import * as pendingDuplicates from './migrations/202612070100_registry_pending_duplicates.js';
import * as importKinds from './migrations/202612070200_registry_import_kinds.js';
import { registryIndicators } from './registry.indicators.js';
import { registryRoutes } from './registry.routes.js';
import { seedDemoRegistry } from './registry.seed.js';
import { registryTodos } from './registry.todos.js';

const P = (name: string, zh: string, en: string, sensitive = false) =>
  perm('registry', name, zh, en, sensitive);

const PERSON = [
  'person.read',
  'person.create',
  'person.update',
  'person.reveal',
  'person.export',
  'person.import',
];
const HOUSE = ['house.read', 'house.update'];
const ORG = ['org.read', 'org.manage'];
const ALL_TAGS = TAG_CODES.map(tagPermission);
/** Tags a grid worker keeps: every care tag and the attention tags of daily visits (not mental health, not correction). */
const GRID_TAGS = TAG_CODES.filter(
  (c) => TAGS[c].group === 'care' || ['released', 'petition', 'key_youth', 'dispute_family'].includes(c),
).map(tagPermission);

/** The registry (DOMAIN §3): people, households, houses, rentals, organisations, ledger imports. */
export const registryModule: ModuleManifest = {
  indicators: registryIndicators(),
  todos: registryTodos(),
  name: 'registry',
  duty: 'business',
  permissions: [
    P('person.read', '查看实有人口', 'View people'),
    P('person.create', '登记人口', 'Register people'),
    P('person.update', '编辑人口信息、迁入迁出', 'Edit people, move in and out'),
    P('person.reveal', '查看完整身份证号与手机号', 'Reveal full ID numbers and phones', true),
    P('person.export', '导出人口台账', 'Export the people ledger', true),
    P('person.import', '导入人口台账', 'Import people ledgers'),
    P('house.read', '查看实有房屋', 'View houses'),
    P('house.update', '编辑房屋信息与出租登记', 'Edit houses and rentals'),
    P('org.read', '查看组织单位', 'View organisations'),
    P('org.manage', '管理组织单位', 'Manage organisations'),
    ...TAG_CODES.map((c) => P(tagPermission(c), TAGS[c].zh, TAGS[c].en, true)),
  ],
  grants: {
    street_admin: [...PERSON, ...HOUSE, ...ORG, ...ALL_TAGS],
    community_secretary: [...PERSON, ...HOUSE, ...ORG, ...ALL_TAGS],
    community_worker: [...PERSON, ...HOUSE, ...ORG, ...ALL_TAGS],
    grid_worker: [
      'person.read',
      'person.create',
      'person.update',
      'person.reveal',
      'house.read',
      'house.update',
      'org.read',
      ...GRID_TAGS,
    ],
    compound_head: ['person.read', 'house.read'],
    building_head: ['person.read', 'house.read'],
  },
  migrations: {
    '202611210100_registry_init': init,
    '202611240200_registry_figures_cover': figuresCover,
    '202612070100_registry_pending_duplicates': pendingDuplicates,
    '202612070200_registry_import_kinds': importKinds,
  },
  routes: registryRoutes,
  seedDemo: seedDemoRegistry,
  onStart: failUnfinishedImports,
};
