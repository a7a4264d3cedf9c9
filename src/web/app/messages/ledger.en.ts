import type { ledgerZh } from './ledger.zh-CN.js';

/** English texts of the workbench's ledger part; the type makes a missing key a compile error. */
export const ledgerEn: Record<keyof typeof ledgerZh, string> = {};
