import { casePermissions } from '../../engines/cases/registry.js';
import { publicationsEngine } from '../../engines/publications/engine.js';
import { publicationFigures } from '../../engines/publications/figures.js';
import * as publicationsInit from '../../engines/publications/migrations/202612200100_publications_init.js';
import { objectionCaseType } from '../../engines/publications/objection.js';
import { type ModuleManifest, perm } from '../../platform/module.js';
import { NOTICE_KINDS } from './notices.kinds.js';
import { noticesRoutes } from './notices.routes.js';
import { seedDemoNotices } from './notices.seed.js';

const P = (name: string, zh: string, en: string, sensitive = false) =>
  perm('notices', name, zh, en, sensitive);
const objection = (...s: string[]) => s.map((x) => `${objectionCaseType.code}.${x}`);
const VIEW = ['notice.view'];

/**
 * 通知公告 and 公示 (issue 17 "Notices", issue 20 "The publications engine"): this module posts
 * its kinds through the publications engine and, as the engine's first user, carries the
 * engine's tables (its migration) and the objection case type (docs/publications.md).
 */
export const noticesModule: ModuleManifest = {
  name: 'notices',
  duty: 'business',
  permissions: [
    P('notice.read', '查看公开事项台账', 'View the publications ledger'),
    P('notice.draft', '起草通知公告与公示', 'Draft notices and 公示'),
    P('notice.approve', '审核公开事项', 'Approve publications'),
    P('notice.secrecy', '党务公开保密审查', 'Secrecy review of party notices'),
    P('notice.publish', '发布、更正、撤下公开事项', 'Publish, correct and take down publications'),
    P('notice.view', '阅读通知公告', 'Read notices'),
    P('notice.party', '阅读党员范围的公开事项', 'Read party-only notices'),
    ...casePermissions('notices', objectionCaseType),
  ],
  grants: {
    street_admin: [
      'notice.read',
      'notice.draft',
      'notice.approve',
      'notice.publish',
      ...VIEW,
      ...objection('read', 'accept', 'verify', 'supervise'),
    ],
    community_secretary: [
      'notice.read',
      'notice.draft',
      'notice.approve',
      'notice.secrecy',
      'notice.publish',
      ...VIEW,
      'notice.party',
      ...objection('read', 'accept', 'verify', 'supervise'),
    ],
    community_worker: ['notice.read', 'notice.draft', ...VIEW, ...objection('read', 'accept')],
    grid_worker: VIEW,
    compound_head: VIEW,
    building_head: VIEW,
    volunteer: VIEW,
    party_member: [...VIEW, 'notice.party'],
    resident: [...VIEW, ...objection('report')],
  },
  migrations: { '202612200100_publications_init': publicationsInit },
  publicationKinds: NOTICE_KINDS,
  caseTypes: [objectionCaseType],
  indicators: publicationFigures('notice.read', `${objectionCaseType.code}.read`),
  routes: noticesRoutes,
  files: [
    {
      column: 'publicationId',
      mayRead: (s, ctx, id) => publicationsEngine(s).mayReadFile(ctx, id),
    },
  ],
  seedDemo: seedDemoNotices,
};
