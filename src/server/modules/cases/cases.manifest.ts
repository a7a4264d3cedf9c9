import { hashContactPhones } from '../../engines/cases/contact-hash.js';
import { casePermissions } from '../../engines/cases/registry.js';
import { startSweep, sweep } from '../../engines/cases/sweep.js';
import { timingsFor } from '../../engines/cases/timings.js';
import { AppError } from '../../platform/errors/app-error.js';
import { type ModuleManifest, perm } from '../../platform/module.js';
import { casesIndicators } from './cases.indicators.js';
import { casesRoutes } from './cases.routes.js';
import { seedCalendar, seedDemoCases } from './cases.seed.js';
import { casesService } from './cases.service.js';
import { casesTodos } from './cases.todos.js';
import * as init from './migrations/202611220100_cases_init.js';
import * as listIndexes from './migrations/202611230900_cases_list_indexes.js';
import * as stats from './migrations/202611250100_case_stats.js';
import * as statsRows from './migrations/202611260100_case_stats_row_triggers.js';
import * as casePublic from './migrations/202612090200_cases_public.js';
import * as byPerson from './migrations/202612160100_cases_by_person.js';
import * as contactHash from './migrations/202612210100_cases_contact_phone_hash.js';
import * as clockFrom from './migrations/202612210500_cases_clock_from.js';
import { CASES_TYPES } from './types/index.js';

const CODES = CASES_TYPES.map((t) => t.code);
const all = (suffixes: string[], types: readonly string[] = CODES) =>
  types.flatMap((t) => suffixes.map((x) => `${t}.${x}`));

/**
 * The inbox, the case pages, the calendar settings and the sweep's schedule, and the first three
 * case types (DOMAIN §4 "Cases"): grid events, disputes, resident requests. The engine itself is
 * engines/cases; other modules declare their own types.
 */
export const casesModule: ModuleManifest = {
  indicators: casesIndicators,
  todos: casesTodos,
  name: 'cases',
  caseTypes: CASES_TYPES,
  duty: 'business',
  permissions: [
    ...CASES_TYPES.flatMap((t) => casePermissions('cases', t)),
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
    '202612160100_cases_by_person': byPerson,
    '202612210100_cases_contact_phone_hash': contactHash,
    '202612210500_cases_clock_from': clockFrom,
  },
  routes: casesRoutes,
  // A case's photos and documents are read by whoever may read the case.
  files: [
    {
      column: 'caseId',
      mayRead: async (s, ctx, id) => {
        try {
          await casesService(s).find(s.db, ctx, id);
          return true;
        } catch (e) {
          if (e instanceof AppError && e.code === 'NOT_FOUND') return false;
          throw e;
        }
      },
    },
  ],
  seedDemo: async (s) => {
    await seedCalendar(s);
    await seedDemoCases(s);
  },
  onStart: async (s) => {
    await seedCalendar(s);
    await hashContactPhones(s);
    // Catch up on deadlines passed while the app was down, before serving.
    await sweep(s, timingsFor(s));
  },
  jobs: (s) => startSweep(s, timingsFor(s)),
};
