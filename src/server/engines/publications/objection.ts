import { z } from 'zod';
import type { Category } from '../../../contract/case-codes.js';
import { caseCreateSchema } from '../../../contract/cases.js';
import { Id } from '../../../contract/common.js';
import type { CaseTypeDef } from '../cases/definition.js';

/**
 * 公示异议: an objection a resident raises on a publication during its objection window, as a
 * small case type on the case engine. Reply within 5 days (山东省村务公开条例 art. 16, a local
 * rule read as the urban default ⚠: the accept-stage limit is overridable at /settings/case-limits);
 * the engine's sweep warns and then escalates an unanswered objection up to the street.
 * The module that hosts the engine's tables declares it (`caseTypes`), once.
 */
export const OBJECTION_TYPE = 'pub_objection';

export const OBJECTION_CATEGORIES: Category[] = [
  { code: 'objection', parent: null, zh: '公示异议', en: 'Objection', handle: { amount: 5, unit: 'day' } },
  { code: 'objection.content', parent: 'objection', zh: '对公示内容的异议', en: 'On the content' },
];

export const ObjectionDetail = z.strictObject({ publicationId: Id });
export const ObjectionCreate = caseCreateSchema(OBJECTION_TYPE, ObjectionDetail);

const day = (amount: number) => ({ amount, unit: 'day' as const });

export const objectionCaseType: CaseTypeDef = {
  code: OBJECTION_TYPE,
  prefix: 'YY',
  zh: '公示异议',
  en: 'Publication objection',
  many: 'publication objections',
  publicity: 'never',
  input: ObjectionCreate,
  categories: OBJECTION_CATEGORIES,
  actions: {
    // 答复: the reply closes the objection (its text is the timeline's comment).
    feedback: { from: ['reported'], to: 'closed', who: [{ perm: 'accept' }] },
    comment: {
      from: ['reported', 'closed'],
      to: 'same',
      who: [{ perm: 'accept' }, { relation: 'reporter' }],
    },
    supervise: { from: ['reported'], to: 'same', who: [{ perm: 'supervise' }] },
    remind: { from: ['reported'], to: 'same', who: [{ perm: 'supervise' }, { relation: 'reporter' }] },
  },
  stages: {
    // The reply is due 5 calendar days after the objection (the accept stage: it waits in `reported`).
    accept: { normal: day(5), urgent: day(5) },
    dispatch: { normal: day(5), urgent: day(5) },
    sign: { normal: day(5), urgent: day(5) },
    verify: { normal: day(5), urgent: day(5) },
  },
  reopenDays: 0,
  indicators: ['closureRate', 'onTimeRate'],
};
