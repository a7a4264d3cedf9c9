import { REQUEST_CATEGORIES } from '../../../../contract/case-codes.js';
import { RequestCreate } from '../../../../contract/cases.js';
import { type CaseTypeDef, commonFlow } from '../../../engines/cases/definition.js';

const wmin = (amount: number) => ({ amount, unit: 'wmin' as const });

/**
 * 居民诉求: raised by residents online or taken at the window or by phone on their behalf; the
 * reporter is told of each step and rates the result (回访 within one working day of the
 * report-back). Handling limits by category after GB/T 33358 and local hotline rules.
 */
export const requestType: CaseTypeDef = {
  code: 'request',
  prefix: 'SQ',
  zh: '居民诉求',
  en: 'Resident request',
  many: 'resident requests',
  input: RequestCreate,
  open311: { attributes: [] },
  categories: REQUEST_CATEGORIES,
  actions: commonFlow(15),
  stages: {
    accept: { normal: wmin(30), urgent: wmin(10) },
    dispatch: { normal: wmin(30), urgent: wmin(10) },
    sign: { normal: wmin(60), urgent: wmin(30) },
    verify: { normal: { amount: 1, unit: 'wday' }, urgent: wmin(120) },
  },
  publicity: 'public',
  reopenDays: 15,
  indicators: [
    'closureRate',
    'onTimeRate',
    'timelyAcceptRate',
    'reworkRate',
    'extensionRate',
    'avgHours',
    'satisfaction',
    'responseRate',
  ],
};
