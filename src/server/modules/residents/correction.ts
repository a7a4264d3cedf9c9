import { CorrectionCreate, DATA_CORRECTION_CATEGORIES } from '../../../contract/residents.js';
import type { CaseTypeDef } from '../../engines/cases/definition.js';

const whour = (amount: number) => ({ amount, unit: 'whour' as const });

/**
 * 信息更正: a resident asks the community to correct what the registry holds about them or a
 * household member (PIPL's right of correction). The community worker accepts it (handling) and
 * closes it by verifying the correction was made (or sends it back). Never public.
 */
export const correctionType: CaseTypeDef = {
  code: 'correction',
  prefix: 'GZ',
  zh: '信息更正',
  en: 'Data correction',
  many: 'data corrections',
  sensitive: true,
  publicity: 'never',
  input: CorrectionCreate,
  categories: DATA_CORRECTION_CATEGORIES,
  actions: {
    accept: { from: ['reported'], to: 'handling', who: [{ perm: 'accept' }] },
    verify: { from: ['handling'], to: 'same', who: [{ perm: 'verify' }] },
  },
  stages: {
    accept: { normal: whour(8), urgent: whour(2) },
    dispatch: { normal: whour(8), urgent: whour(2) },
    sign: { normal: whour(8), urgent: whour(2) },
    verify: { normal: whour(16), urgent: whour(4) },
  },
  reopenDays: 0,
  indicators: ['closureRate', 'onTimeRate', 'timelyAcceptRate', 'avgHours'],
};
