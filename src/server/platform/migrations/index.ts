import type { Migration } from 'kysely';
import * as kernel from './202611210001_kernel.js';
import * as sealedLater from './202611231000_audit_sealed_later.js';
import * as dutiesThrottleHistory from './202612080100_kernel_duties_throttle_history.js';
import * as rateCounters from './202612170000_kernel_rate_counters.js';
import * as userKind from './202612170100_kernel_user_kind.js';

// A new migration's name sorts after every one already released (kysely refuses to apply one
// older than the last applied: an existing street could not upgrade).
export const kernelMigrations: Record<string, Migration> = {
  '202611210001_kernel': kernel,
  '202611231000_audit_sealed_later': sealedLater,
  '202612080100_kernel_duties_throttle_history': dutiesThrottleHistory,
  '202612170000_kernel_rate_counters': rateCounters,
  '202612170100_kernel_user_kind': userKind,
};
