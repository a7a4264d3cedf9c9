import type { dashZh } from './dash.zh-CN.js';

/** English texts of the workbench's dash part; the type makes a missing key a compile error. */
export const dashEn: Record<keyof typeof dashZh, string> = {};
