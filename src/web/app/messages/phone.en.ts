import type { phoneZh } from './phone.zh-CN.js';

/** English texts of the workbench's phone part; the type makes a missing key a compile error. */
export const phoneEn: Record<keyof typeof phoneZh, string> = {};
