import type { homeZh } from './home.zh-CN.js';

/** English texts of the workbench's home part; the type makes a missing key a compile error. */
export const homeEn: Record<keyof typeof homeZh, string> = {
  'workbench.group.todo': 'My to-dos',
  'workbench.group.alert': 'Overdue and warnings',
  'workbench.group.today': 'Today',
  'workbench.group.expiring': 'Expiring soon',
  'workbench.group.notice': 'Recent messages',
  'workbench.open': '{label}: {count}, open the list',
  'workbench.unread': '{n} unread',
  'workbench.allNotices': 'All messages',
  'workbench.noNotices': 'No messages',
  'workbench.none': 'Nothing waits for your role here',
  'workbench.noneHint':
    'Cases to accept, handle or verify and expiring registrations appear here; use the menu on the left for your work.',
  'workbench.allDone': 'All your to-dos are done',
  'workbench.dateFormat': 'dddd, D MMMM YYYY',
  'caseRules.title': 'Separation of duties',
  'caseRules.hint':
    'When on, the handler of a case may not verify it: someone else with the right to verify must. Switch it off for a type where a community lacks the staff.',
  'caseRules.separateVerifier': 'The verifier may not be the handler',
  'caseRules.on': 'On',
  'caseRules.off': 'Off',
  'dispatch.ofGrid': 'This grid',
  'dispatch.openLoad': '{n} open',
};
