/** Chinese texts of the workbench's phone part (issue 16); spread into `zh` in messages.zh-CN.ts. */
export const phoneZh = {} as const;
