import { REPAIR_CATEGORIES, RepairCreate } from '../../../contract/example.js';
import type { CaseTypeDef } from '../../engines/cases/definition.js';

const whour = (amount: number) => ({ amount, unit: 'whour' as const });

/**
 * 公共设施报修: a resident or grid worker reports a broken shared facility; staff accept it, which
 * starts the work at once (no dispatch step), and verify the repair, which closes it (or sends it
 * back to handling). Two actions on the engine's states; the engine does the rest: the deadlines
 * on the working calendar, the inbox, the sweep's warnings, notifications, the timeline and audit.
 */
export const repairType: CaseTypeDef = {
  code: 'repair',
  prefix: 'BX',
  zh: '设施报修',
  en: 'Facility repair',
  many: 'facility repairs',
  publicity: 'public',
  input: RepairCreate,
  categories: REPAIR_CATEGORIES,
  actions: {
    accept: { from: ['reported'], to: 'handling', who: [{ perm: 'accept' }] },
    // `passed: true` closes the repair, `false` sends it back to handling (rework).
    verify: { from: ['handling'], to: 'same', who: [{ perm: 'verify' }] },
  },
  stages: {
    // Accepted within 2 working hours; the other stages are not used by this flow.
    accept: { normal: whour(2), urgent: whour(1) },
    dispatch: { normal: whour(1), urgent: whour(1) },
    sign: { normal: whour(1), urgent: whour(1) },
    verify: { normal: whour(4), urgent: whour(2) },
  },
  reopenDays: 0,
  indicators: ['closureRate', 'onTimeRate', 'timelyAcceptRate', 'avgHours'],
};
