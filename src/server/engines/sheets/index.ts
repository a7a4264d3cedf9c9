/**
 * The sheets engine: reading ledgers (台账) and writing them, for every module's import and export.
 * What a module calls is exported here; the files hold the rest.
 *
 * Reading (an import):
 * - `headerTable(synonyms)` — the module declares, per field, the column titles seen in real
 *   ledgers; the table matches a title to a field (`match`) and guesses a header row's mapping
 *   (`guess`). `normalizeHeader` is the normalisation it matches on.       (headers.ts)
 * - `readLedger(file, fileName, table, limits?)` — .xlsx (first worksheet) or .csv (UTF-8 or
 *   GB18030, comma or tab): the header row found under title rows, every cell as Excel shows it,
 *   blank rows and total rows (合计/小计/总计 …, `isTotalRow`; listed in `skippedTotals`)
 *   skipped, rows streamed. An .xlsx is unpacked under `LEDGER_LIMITS` (zip bombs,
 *   issue 14; zip.ts); a file it cannot take is a `LedgerError` (`unsupported_format`,
 *   `empty_file`, `unreadable`, `too_large`) with a zh and an en message.      (read.ts)
 * - `RowError` — what the module found wrong with a row (row, column title, message).
 * - `withLedgerUpload`, `readImport`, `recordImport`, `ledgerTemplate` — a small ledger imported
 *   in one request (organisations, houses, disputes): upload, required columns, the rows as
 *   fields, the job and its failed rows kept for the error sheet, the template. (imports.ts)
 * - `writeErrorSheet(headers, failedRows)` — the failed rows as an .xlsx the user fixes and
 *   imports again, with 原行号 and 错误原因.                                    (errorsheet.ts)
 *
 * Writing (an export):
 * - `writeXlsx(out, {sheetName, columns, rows, watermark})` — streamed, constant memory; every
 *   text cell formula-safe (`safeCell`), identifier columns as text, the watermark three times;
 *   `localStamp(now)` for the watermark and file name. The module writes the audit entry.
 *                                                                               (xlsx.ts)
 * - `exportLedger(s, ctx, {action, query, count, rows, columns …})` — a list's export as every
 *   ledger does it: hourly limit, the audit entry (query, rows) committed before the first byte,
 *   the stream with the watermark; `sendExport(reply, r)` answers with it.     (export.ts)
 */
export { writeErrorSheet } from './errorsheet.js';
export {
  exportLedger,
  LEDGER_EXPORT_CAP,
  LEDGER_EXPORT_LIMIT,
  type LedgerExport,
  pagedRows,
  readSource,
  sendExport,
  sendTemplate,
  XLSX_TYPE,
} from './export.js';
export { type HeaderTable, headerTable, normalizeHeader } from './headers.js';
export {
  type ImportCounts,
  importJobOf,
  LEDGER_UPLOAD_MAX,
  type LedgerKind,
  ledgerTemplate,
  type ReadImport,
  readImport,
  recordImport,
  requireImportArea,
  sniffLedger,
  withLedgerUpload,
} from './imports.js';
export {
  inLanguage,
  isTotalRow,
  LEDGER_LIMITS,
  type Ledger,
  LedgerError,
  type LedgerLimits,
  type LedgerRow,
  type RowError,
  readLedger,
  rowError,
} from './read.js';
export { localStamp, safeCell, type WriteXlsxOptions, writeXlsx, type XlsxColumn } from './xlsx.js';
