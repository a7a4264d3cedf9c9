import type { CaseTypeDef } from '../../../engines/cases/definition.js';
import { disputeType } from './dispute.js';
import { eventType } from './event.js';
import { requestType } from './request.js';

/** The case types the cases module declares (`caseTypes` in its manifest). */
export const CASES_TYPES: CaseTypeDef[] = [eventType, disputeType, requestType];

/** The same by code (bench and scripts pick categories from them). */
export const CASE_TYPE_DEFS: Record<'event' | 'dispute' | 'request', CaseTypeDef> = {
  event: eventType,
  dispute: disputeType,
  request: requestType,
};
