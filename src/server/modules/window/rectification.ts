import type { Category } from '../../../contract/case-codes.js';
import { caseCreateSchema } from '../../../contract/cases.js';
import { RectificationDetail } from '../../../contract/window.js';
import { chinaDate } from '../../engines/calendar/calendar.js';
import type { CaseTypeDef } from '../../engines/cases/definition.js';
import { promisedDue } from './window.rules.js';

const whour = (amount: number) => ({ amount, unit: 'whour' as const });

/**
 * 差评整改 deadline (rule 19 ⚠: 5 wd 德州/城关镇, 7 days, 15 wd 四川): a default, counted like
 * the window's limits from the day after the rating, due at the close of office that day.
 */
export const RECTIFY_WD = 5;

export const RECTIFICATION_CATEGORIES: Category[] = [
  {
    code: 'rectify',
    parent: null,
    zh: '差评整改',
    en: 'Rectification',
    handle: { amount: RECTIFY_WD, unit: 'wday' },
  },
  { code: 'rectify.rating', parent: 'rectify', zh: '办件差评', en: 'Poor rating of an application' },
];

export const RectificationCreate = caseCreateSchema('rating_rectification', RectificationDetail);

/**
 * 差评整改 (design/modules/window.md rule 19, §4): opened by a 1–2★ rating of an application
 * (the rating's own statement writes it, `raises`), owned by whoever owned the application
 * (谁办理谁负责); 核实 with a 回访 (`accept`), 整改 / 解释 / 申诉 reported back (`feedback`,
 * the way in the comment), reviewed (`verify`: passed closes it, not passed sends it back), and
 * the rater re-rates (`rate`). Due in RECTIFY_WD working days (configurable).
 */
export const rectificationType: CaseTypeDef = {
  code: 'rating_rectification',
  prefix: 'ZG',
  zh: '差评整改',
  en: 'Rating rectification',
  many: 'rating rectifications',
  publicity: 'never',
  input: RectificationCreate,
  categories: RECTIFICATION_CATEGORIES,
  actions: {
    accept: { from: ['reported'], to: 'handling', who: [{ perm: 'accept' }] },
    feedback: { from: ['handling'], to: 'feedback', who: [{ perm: 'accept' }] },
    verify: { from: ['feedback'], to: 'same', who: [{ perm: 'verify' }, { perm: 'supervise' }] },
    rate: {
      from: ['closed'],
      to: 'same',
      who: [{ relation: 'reporter' }, { perm: 'accept' }],
      guard: (c) => (c.rating !== null ? { zh: '已复评', en: 'Re-rated already' } : null),
    },
    comment: {
      from: ['reported', 'handling', 'feedback', 'closed'],
      to: 'same',
      who: [{ perm: 'accept' }, { relation: 'reporter' }],
    },
  },
  words: {
    reported: { zh: '待核实', en: 'To verify the complaint' },
    handling: { zh: '整改中', en: 'Rectifying' },
    closed: { zh: '已整改', en: 'Rectified' },
    accept: { zh: '核实（回访）', en: 'Verify (return visit)' },
    feedback: { zh: '反馈整改/解释/申诉', en: 'Report: fixed / explained / appealed' },
    verify: { zh: '审核', en: 'Review' },
    rate: { zh: '复评', en: 'Re-rate' },
  },
  stages: {
    accept: { normal: whour(7), urgent: whour(4) },
    dispatch: { normal: whour(1), urgent: whour(1) },
    sign: { normal: whour(1), urgent: whour(1) },
    verify: { normal: whour(7), urgent: whour(4) },
  },
  ownDue: ({ from }, cal) =>
    promisedDue(cal, chinaDate(from), { promisedLimit: RECTIFY_WD, limitUnit: 'wday' }),
  reopenDays: 0,
  indicators: ['closureRate', 'onTimeRate'],
};
