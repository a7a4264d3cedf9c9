import type { phoneZh } from './phone.zh-CN.js';

/** English texts of the workbench's phone part; the type makes a missing key a compile error. */
export const phoneEn: Record<keyof typeof phoneZh, string> = {
  'phone.idleDeskHint': 'Accounts other than grid workers are signed out after this long without activity.',
  'phone.idleGridWorker': 'Grid worker idle timeout',
  'phone.idleGridWorkerHint':
    'For accounts whose only role is grid worker (out on visits and patrols between screens); 4 hours by default. The maximum session length still applies.',
  'phone.tabBar': 'Daily places',
  'phone.tabMyDay': 'My day',
  'phone.tabReport': 'Report',
  'phone.tabCases': 'Cases',
  'phone.tabPeople': 'People',
  'phone.tabMore': 'More',
  'phone.unplanned': 'Unplanned visit',
  'phone.unplannedTitle': 'Unplanned visit: whom did you visit?',
  'phone.unplannedHint':
    "Visits outside any plan (met in the street, a neighbour's call) are recorded too. Find the person first, then fill in the visit.",
  'phone.pickPersonPlaceholder': 'Name, initials, or the last digits of an ID number or phone',
  'phone.pickPersonNone': 'Nobody found for "{q}"',
  'phone.pickPersonMore': '{n} people in all: type a name to narrow the list',
  'phone.recordVisit': 'Record a visit',
  'phone.categorySearch': 'Search categories, e.g. "rubbish", "noise"',
  'phone.categoryNone': 'No category matches "{q}"',
  'phone.categoryCount': '{n}',
  'phone.placeNear': 'In {place}',
  'phone.placeMarked': 'Location marked on the map',
  'phone.placeOpenMap': 'Show on the map',
  'phone.thisPerson': 'This resident',
};
