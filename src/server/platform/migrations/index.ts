import type { Migration } from 'kysely';
import * as kernel from './202611210001_kernel.js';
import * as sealedLater from './202611231000_audit_sealed_later.js';
import * as dutiesThrottleHistory from './202612080100_kernel_duties_throttle_history.js';
import * as rateCounters from './202612081400_kernel_rate_counters.js';

export const kernelMigrations: Record<string, Migration> = {
  '202611210001_kernel': kernel,
  '202611231000_audit_sealed_later': sealedLater,
  '202612080100_kernel_duties_throttle_history': dutiesThrottleHistory,
  '202612081400_kernel_rate_counters': rateCounters,
};
