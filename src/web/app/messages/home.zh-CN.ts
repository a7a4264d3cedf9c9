/** Chinese texts of the workbench's home part (issue 16); spread into `zh` in messages.zh-CN.ts. */
export const homeZh = {} as const;
