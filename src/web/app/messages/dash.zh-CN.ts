/** Chinese texts of the workbench's dash part (issue 16); spread into `zh` in messages.zh-CN.ts. */
export const dashZh = {} as const;
