import type { CaseType } from '../../../../contract/cases.js';
import type { CaseTypeDef } from '../engine/definition.js';
import { disputeType } from './dispute.js';
import { eventType } from './event.js';
import { requestType } from './request.js';

/** Every case type the engine runs. A new kind of case is one more declaration here. */
export const CASE_TYPE_DEFS: Record<CaseType, CaseTypeDef> = {
  event: eventType,
  dispute: disputeType,
  request: requestType,
};
