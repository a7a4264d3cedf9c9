import type { Category } from '../../../contract/case-codes.js';
import { caseCreateSchema } from '../../../contract/cases.js';
import { APPLICATION_DEPARTMENTS, ApplicationDetail } from '../../../contract/window.js';
import { chinaDate } from '../../engines/calendar/calendar.js';
import type { CaseTypeDef } from '../../engines/cases/definition.js';
import { promisedDue } from './window.rules.js';

const whour = (amount: number) => ({ amount, unit: 'whour' as const });
const wday = (amount: number) => ({ amount, unit: 'wday' as const });

/** The departments of the catalogue, each with one leaf the applications are filed under. */
export const APPLICATION_CATEGORIES: Category[] = APPLICATION_DEPARTMENTS.flatMap(([code, zh, en]) => [
  { code, parent: null, zh, en, handle: wday(20) },
  { code: `${code}.all`, parent: code, zh: `${zh}事项`, en: `${en} matters` },
]);

export const ApplicationCreate = caseCreateSchema('service_application', ApplicationDetail);

/**
 * 办件 (design/modules/window.md §4, §7): registered by the window desk's acceptance
 * (`POST /api/window/applications`, which checks the materials against the matter's version and
 * sets the promised dates in `detail`), taken up by the back office (`accept`: reported →
 * handling), concluded (`verify` passed → closed; not passed → back to handling), or not
 * accepted / terminated (`reject`, with its written reason), and rated (`rate`, 好差评: by the
 * applicant, or entered by staff from a paper form, marked on behalf).
 */
export const applicationType: CaseTypeDef = {
  code: 'service_application',
  prefix: 'BJ',
  zh: '政务服务办件',
  en: 'Service application',
  many: 'service applications',
  publicity: 'never',
  input: ApplicationCreate,
  categories: APPLICATION_CATEGORIES,
  actions: {
    accept: { from: ['reported'], to: 'handling', who: [{ perm: 'accept' }] },
    reject: { from: ['reported', 'handling'], to: 'rejected', who: [{ perm: 'accept' }] },
    verify: { from: ['handling'], to: 'same', who: [{ perm: 'verify' }, { perm: 'accept' }] },
    rate: {
      from: ['closed'],
      to: 'same',
      who: [{ relation: 'reporter' }, { perm: 'accept' }],
      guard: (c) =>
        c.rating !== null ? { zh: '该办件已评价', en: 'This application has been rated already' } : null,
    },
    comment: {
      from: ['reported', 'handling', 'closed'],
      to: 'same',
      who: [{ perm: 'accept' }, { relation: 'reporter' }],
    },
  },
  stages: {
    accept: { normal: whour(4), urgent: whour(1) },
    dispatch: { normal: whour(1), urgent: whour(1) },
    sign: { normal: whour(1), urgent: whour(1) },
    verify: { normal: whour(4), urgent: whour(2) },
  },
  // The promised date is the case's own deadline (due_at): from the day after acceptance, and in
  // full again from the day after the materials arrive when it comes back from 补正 (resume).
  ownDue: ({ detail, from }, cal) => {
    const d = detail as Partial<ApplicationDetail>;
    if (d.promisedLimit === undefined) return null;
    return promisedDue(cal, chinaDate(from), {
      promisedLimit: d.promisedLimit,
      limitUnit: d.limitUnit ?? 'wday',
    });
  },
  reopenDays: 0,
  indicators: ['closureRate', 'onTimeRate', 'avgHours'],
};
