import type { seedZh } from './seed.zh-CN.js';

/** English texts of the workbench's seed part; the type makes a missing key a compile error. */
export const seedEn: Record<keyof typeof seedZh, string> = {};
