import type { ledgerZh } from './ledger.zh-CN.js';

/** English texts of the workbench's ledger part; the type makes a missing key a compile error. */
export const ledgerEn: Record<keyof typeof ledgerZh, string> = {
  'ledger.print': 'Print',
  'ledger.printHint': 'A4 preview; printing outputs this sheet only. Esc closes it.',
  'ledger.printedOn': 'Printed {date}',
  'ledger.printedBy': 'Printed by {name}',
  'ledger.printedPart': '{total} in all, the first {n} printed',
  'ledger.signDate': 'Date',
  'ledger.rowNo': 'No.',
  'ledger.export': 'Export to Excel',
  'ledger.exportConfirm': 'Export “{title}”?',
  'ledger.exportHint':
    'Exports what the current filters and sort show. ID numbers and phones are masked, the file carries your name as a watermark, and the export is audited.',
  'ledger.exported': 'Exported {name}',
  'ledger.savedFilters': 'Saved filters',
  'ledger.saveFilter': 'Save current filters…',
  'ledger.saveFilterTitle': 'Save current filters',
  'ledger.saveFilterName': 'A name, e.g. "Urgent this month"',
  'ledger.filterSaved': 'Filter “{name}” saved',
  'ledger.columns': 'Columns',
  'ledger.densityTitle': 'Row height',
  'ledger.density.large': 'Roomy',
  'ledger.density.middle': 'Default',
  'ledger.density.small': 'Compact',
  'ledger.selected': '{n} selected',
  'ledger.clearSelection': 'Clear selection',
  'ledger.totalAtLeast': 'More than {n}',
  'ledger.empty': 'Nothing here yet',
};
