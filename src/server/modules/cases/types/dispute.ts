import { DISPUTE_TYPES } from '../../../../contract/case-codes.js';
import { type CaseState, DisputeCreate } from '../../../../contract/cases.js';
import { type CaseTypeDef, commonFlow } from '../../../engines/cases/definition.js';

const wday = (amount: number) => ({ amount, unit: 'wday' as const });
const whour = (amount: number) => ({ amount, unit: 'whour' as const });
const MEDIATING: CaseState[] = ['handling'];

/**
 * 矛盾纠纷 (GB/T 31000 types and scale): registered (排查), accepted, given to a mediator, who
 * holds mediation sessions and concludes (agreement, failed, referred); the outcome is verified
 * and a follow-up visit recorded. Parties' identifiers are masked as in the registry.
 */
const flow = commonFlow(30);
export const disputeType: CaseTypeDef = {
  code: 'dispute',
  prefix: 'JF',
  zh: '矛盾纠纷',
  en: 'Dispute',
  many: 'disputes',
  // Parties, family matters: sensitive, and never offered through Open311.
  sensitive: true,
  input: DisputeCreate,
  categories: DISPUTE_TYPES,
  actions: {
    ...flow,
    // A mediator reports back by concluding; plain feedback is not how a dispute ends.
    feedback: undefined,
    mediate: { from: MEDIATING, to: 'same', who: [{ relation: 'assignee' }] },
    conclude: { from: MEDIATING, to: 'feedback', who: [{ relation: 'assignee' }] },
    follow_up: { from: ['closed'], to: 'same', who: [{ relation: 'assignee' }, { perm: 'verify' }] },
    // Never shown outside: a dispute names its parties (docs/cases.md "Public or not").
    set_public: undefined,
  },
  stages: {
    accept: { normal: wday(1), urgent: whour(2) },
    dispatch: { normal: wday(1), urgent: whour(2) },
    sign: { normal: wday(1), urgent: whour(2) },
    verify: { normal: wday(3), urgent: wday(1) },
  },
  publicity: 'never',
  reopenDays: 30,
  indicators: [
    'closureRate',
    'onTimeRate',
    'timelyAcceptRate',
    'extensionRate',
    'avgHours',
    'mediationRate',
    'successRate',
  ],
};
