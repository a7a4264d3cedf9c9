import type { Migration } from 'kysely';
import * as kernel from './202611210001_kernel.js';
import * as sealedLater from './202611231000_audit_sealed_later.js';

export const kernelMigrations: Record<string, Migration> = {
  '202611210001_kernel': kernel,
  '202611231000_audit_sealed_later': sealedLater,
};
