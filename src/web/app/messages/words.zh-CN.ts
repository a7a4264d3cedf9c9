/** Chinese texts of the workbench's words part (issue 16); spread into `zh` in messages.zh-CN.ts. */
export const wordsZh = {} as const;
