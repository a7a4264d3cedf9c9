/** Chinese texts of the workbench's sheets part (issue 16); spread into `zh` in messages.zh-CN.ts. */
export const sheetsZh = {} as const;
