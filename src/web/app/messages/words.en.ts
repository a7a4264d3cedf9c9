import type { wordsZh } from './words.zh-CN.js';

/** English texts of the workbench's words part; the type makes a missing key a compile error. */
export const wordsEn: Record<keyof typeof wordsZh, string> = {};
