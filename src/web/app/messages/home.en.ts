import type { homeZh } from './home.zh-CN.js';

/** English texts of the workbench's home part; the type makes a missing key a compile error. */
export const homeEn: Record<keyof typeof homeZh, string> = {};
