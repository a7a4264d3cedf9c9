/** Chinese texts of the workbench's ledger part (issue 16); spread into `zh` in messages.zh-CN.ts. */
export const ledgerZh = {} as const;
