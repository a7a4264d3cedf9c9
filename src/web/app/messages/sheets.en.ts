import type { sheetsZh } from './sheets.zh-CN.js';

/** English texts of the workbench's sheets part; the type makes a missing key a compile error. */
export const sheetsEn: Record<keyof typeof sheetsZh, string> = {
  'sheets.totalEstimated': 'about {n} in all',
  'sheets.import': 'Import',
  'sheets.houses': 'Houses',
  'sheets.house.address': 'Address',
  'sheets.house.name': 'Room',
  'sheets.house.use': 'Use',
  'sheets.house.useUnknown': 'Not recorded',
  'sheets.house.owner': 'Owner',
  'sheets.house.floorArea': 'Floor area (m²)',
  'sheets.house.residents': 'Residents',
  'sheets.house.households': 'Households',
  'sheets.house.rentalEndsOn': 'Rented until',
  'sheets.house.rentalEnding': 'Rented houses whose rental ends within {n} days or has ended',
  'sheets.house.search': 'Search room, compound or building',
  'sheets.house.empty': 'No houses',
  'sheets.house.emptyFiltered': 'No houses match the filters',
  'sheets.house.area': 'Area',
  'sheets.import.title.organisations': 'Import organisations',
  'sheets.import.title.houses': 'Import houses',
  'sheets.import.title.disputes': 'Import disputes',
  'sheets.import.template': 'Download the template',
  'sheets.import.templateHint':
    "Fill in the template's column titles (they may sit under a title row); .xlsx or .csv up to 30 MB. Total rows (合计, 小计 …) are skipped.",
  'sheets.import.hint.organisations':
    'A unit with a credit code is updated by its code, one without by its name in the chosen area; the rest are added.',
  'sheets.import.hint.houses':
    'Each row finds a house already in the chosen area by compound, building, unit and room, and updates its use, owner, floor area and note; rows that find none are listed as errors.',
  'sheets.import.hint.disputes':
    'Each row is registered as a dispute, with its number, time limits and notifications as if entered by hand. At most 500 rows.',
  'sheets.import.area': 'Import into',
  'sheets.import.areaFirst': 'Choose the area to import into first',
  'sheets.import.skipped': 'Skipped {n} total rows (rows {rows})',
  'sheets.import.openList': 'Open the list',
  'sheets.import.kind.people': 'People',
  'sheets.import.kind.organisations': 'Organisations',
  'sheets.import.kind.houses': 'Houses',
  'sheets.import.kind.disputes': 'Disputes',
  'sheets.import.kind': 'Ledger',
  'sheets.users.export': 'Export accounts',
};
