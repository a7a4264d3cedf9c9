import type { sheetsZh } from './sheets.zh-CN.js';

/** English texts of the workbench's sheets part; the type makes a missing key a compile error. */
export const sheetsEn: Record<keyof typeof sheetsZh, string> = {};
