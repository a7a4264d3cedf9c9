/** Chinese texts of the workbench's seed part (issue 16); spread into `zh` in messages.zh-CN.ts. */
export const seedZh = {} as const;
