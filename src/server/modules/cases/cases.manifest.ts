import { CASE_TYPES } from '../../../contract/cases.js';
import { type ModuleManifest, perm } from '../../platform/module.js';
import { casesIndicators } from './cases.indicators.js';
import { casesRoutes } from './cases.routes.js';
import { seedCalendar, seedDemoCases } from './cases.seed.js';
import { timingsFor } from './cases.timings.js';
import { startSweep, sweep } from './engine/sweep.js';
import * as init from './migrations/202611220100_cases_init.js';
import * as listIndexes from './migrations/202611230900_cases_list_indexes.js';
import * as stats from './migrations/202611250100_case_stats.js';
import * as statsRows from './migrations/202611260100_case_stats_row_triggers.js';
import * as casePublic from './migrations/202612090200_cases_public.js';

const NAMES = {
  event: ['网格事件', 'grid events'],
  dispute: ['矛盾纠纷', 'disputes'],
  request: ['居民诉求', 'resident requests'],
} as const;
const typePerms = CASE_TYPES.flatMap((t) => {
  const [zh, en] = NAMES[t];
  const sensitive = t === 'dispute';
  return [
    perm('cases', `${t}.read`, `查看${zh}`, `View ${en}`, sensitive),
    perm('cases', `${t}.report`, `上报${zh}`, `Report ${en}`),
    perm('cases', `${t}.accept`, `受理、派遣${zh}`, `Accept and dispatch ${en}`),
    perm('cases', `${t}.verify`, `核查${zh}`, `Verify ${en}`),
    perm('cases', `${t}.supervise`, `督办、审批延期${zh}`, `Supervise ${en}, decide extensions`),
  ];
});
const all = (suffixes: string[], types: readonly string[] = CASE_TYPES) =>
  types.flatMap((t) => suffixes.map((x) => `${t}.${x}`));

/** The case engine and its first three types (DOMAIN §4 "Cases"): grid events, disputes, resident requests. */
export const casesModule: ModuleManifest = {
  indicators: casesIndicators(),
  name: 'cases',
  duty: 'business',
  permissions: [
    ...typePerms,
    perm(
      'cases',
      'dispute.reveal',
      '查看纠纷当事人完整证件号与电话',
      "Reveal disputing parties' IDs and phones",
      true,
    ),
    perm(
      'cases',
      'case.configure',
      '设置工作日历与办理时限',
      'Configure the working calendar and time limits',
      false,
      'system',
    ),
  ],
  grants: {
    street_admin: [
      ...all(['read', 'report', 'accept', 'verify', 'supervise']),
      'dispute.reveal',
      'case.configure',
    ],
    community_secretary: [...all(['read', 'report', 'accept', 'verify', 'supervise']), 'dispute.reveal'],
    community_worker: [...all(['read', 'report', 'accept', 'verify']), 'dispute.reveal'],
    grid_worker: [
      ...all(['read', 'report', 'verify'], ['event']),
      ...all(['read', 'report'], ['dispute', 'request']),
    ],
    compound_head: ['event.report', 'request.report'],
    building_head: ['event.report', 'request.report'],
    resident: ['request.report'],
    sys_admin: ['case.configure'],
  },
  migrations: {
    '202611220100_cases_init': init,
    '202611230900_cases_list_indexes': listIndexes,
    '202611250100_case_stats': stats,
    '202611260100_case_stats_row_triggers': statsRows,
    '202612090200_cases_public': casePublic,
  },
  routes: casesRoutes,
  seedDemo: async (s) => {
    await seedCalendar(s);
    await seedDemoCases(s);
  },
  onStart: async (s) => {
    await seedCalendar(s);
    // Catch up on deadlines passed while the app was down, before serving.
    await sweep(s, timingsFor(s));
  },
  jobs: (s) => startSweep(s, timingsFor(s)),
};
