import { EVENT_CATEGORIES } from '../../../../contract/case-codes.js';
import { EventCreate } from '../../../../contract/cases.js';
import { type CaseTypeDef, commonFlow } from '../../../engines/cases/definition.js';

const wmin = (amount: number) => ({ amount, unit: 'wmin' as const });

/**
 * 网格事件: hazards, fire safety, sanitation, street order, facilities, public order, reported by
 * grid workers and staff with photos and a location. Stage limits after STANDARDS.md: 立案 and
 * 派遣 within 10 minutes if urgent, 30 otherwise; sign within 1 hour; verify within 1 hour;
 * handling by category.
 */
export const eventType: CaseTypeDef = {
  code: 'event',
  prefix: 'SJ',
  zh: '网格事件',
  en: 'Grid event',
  many: 'grid events',
  input: EventCreate,
  // Street problems anyone may report and follow through GeoReport.
  open311: {
    attributes: [
      {
        code: 'hazard_level',
        detail: 'hazardLevel',
        description: '危害程度 / Hazard level',
        values: [
          { key: 'low', name: '低 / Low' },
          { key: 'medium', name: '中 / Medium' },
          { key: 'high', name: '高 / High' },
        ],
      },
    ],
  },
  categories: EVENT_CATEGORIES,
  actions: commonFlow(7),
  stages: {
    accept: { normal: wmin(30), urgent: wmin(10) },
    dispatch: { normal: wmin(30), urgent: wmin(10) },
    sign: { normal: wmin(60), urgent: wmin(30) },
    verify: { normal: wmin(60), urgent: wmin(60) },
  },
  publicity: 'public',
  reopenDays: 7,
  indicators: [
    'closureRate',
    'onTimeRate',
    'timelyAcceptRate',
    'reworkRate',
    'extensionRate',
    'avgHours',
    'satisfaction',
  ],
};
