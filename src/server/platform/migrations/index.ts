import type { Migration } from 'kysely';
import * as kernel from './202611210001_kernel.js';

export const kernelMigrations: Record<string, Migration> = {
  '202611210001_kernel': kernel,
};
