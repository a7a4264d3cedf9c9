/**
 * Seed data of the Chinese statutory working-day calendar: per year, the exceptions to the weekend
 * rule. kind 'holiday' is a day off (every day of each holiday period is listed, weekend days too,
 * for readability: they are off anyway); kind 'workday' is a Saturday or Sunday worked (调休).
 * Sources: the State Council (国务院办公厅) notices on the year's holiday arrangements. A
 * 'provisional' year holds only the statutory days until its notice is published.
 * The weekday comments are checked by calendar.test.ts.
 */

export interface CalendarYearSeed {
  year: number;
  status: 'official' | 'provisional';
  source: string;
  days: { date: string; kind: 'holiday' | 'workday'; name: string }[];
}

export const CN_CALENDAR: CalendarYearSeed[] = [
  {
    year: 2025,
    status: 'official',
    source: '国务院办公厅关于2025年部分节假日安排的通知 国办发明电〔2024〕12号',
    days: [
      { date: '2025-01-01', kind: 'holiday', name: '元旦' }, // 周三
      { date: '2025-01-26', kind: 'workday', name: '春节调休上班' }, // 周日
      { date: '2025-01-28', kind: 'holiday', name: '春节' }, // 周二
      { date: '2025-01-29', kind: 'holiday', name: '春节' }, // 周三
      { date: '2025-01-30', kind: 'holiday', name: '春节' }, // 周四
      { date: '2025-01-31', kind: 'holiday', name: '春节' }, // 周五
      { date: '2025-02-01', kind: 'holiday', name: '春节' }, // 周六
      { date: '2025-02-02', kind: 'holiday', name: '春节' }, // 周日
      { date: '2025-02-03', kind: 'holiday', name: '春节' }, // 周一
      { date: '2025-02-04', kind: 'holiday', name: '春节' }, // 周二
      { date: '2025-02-08', kind: 'workday', name: '春节调休上班' }, // 周六
      { date: '2025-04-04', kind: 'holiday', name: '清明节' }, // 周五
      { date: '2025-04-05', kind: 'holiday', name: '清明节' }, // 周六
      { date: '2025-04-06', kind: 'holiday', name: '清明节' }, // 周日
      { date: '2025-04-27', kind: 'workday', name: '劳动节调休上班' }, // 周日
      { date: '2025-05-01', kind: 'holiday', name: '劳动节' }, // 周四
      { date: '2025-05-02', kind: 'holiday', name: '劳动节' }, // 周五
      { date: '2025-05-03', kind: 'holiday', name: '劳动节' }, // 周六
      { date: '2025-05-04', kind: 'holiday', name: '劳动节' }, // 周日
      { date: '2025-05-05', kind: 'holiday', name: '劳动节' }, // 周一
      { date: '2025-05-31', kind: 'holiday', name: '端午节' }, // 周六
      { date: '2025-06-01', kind: 'holiday', name: '端午节' }, // 周日
      { date: '2025-06-02', kind: 'holiday', name: '端午节' }, // 周一
      { date: '2025-09-28', kind: 'workday', name: '国庆节、中秋节调休上班' }, // 周日
      { date: '2025-10-01', kind: 'holiday', name: '国庆节、中秋节' }, // 周三
      { date: '2025-10-02', kind: 'holiday', name: '国庆节、中秋节' }, // 周四
      { date: '2025-10-03', kind: 'holiday', name: '国庆节、中秋节' }, // 周五
      { date: '2025-10-04', kind: 'holiday', name: '国庆节、中秋节' }, // 周六
      { date: '2025-10-05', kind: 'holiday', name: '国庆节、中秋节' }, // 周日
      { date: '2025-10-06', kind: 'holiday', name: '国庆节、中秋节' }, // 周一
      { date: '2025-10-07', kind: 'holiday', name: '国庆节、中秋节' }, // 周二
      { date: '2025-10-08', kind: 'holiday', name: '国庆节、中秋节' }, // 周三
      { date: '2025-10-11', kind: 'workday', name: '国庆节、中秋节调休上班' }, // 周六
    ],
  },
  {
    year: 2026,
    status: 'official',
    source: '国务院办公厅关于2026年部分节假日安排的通知 国办发明电〔2025〕7号',
    days: [
      { date: '2026-01-01', kind: 'holiday', name: '元旦' }, // 周四
      { date: '2026-01-02', kind: 'holiday', name: '元旦' }, // 周五
      { date: '2026-01-03', kind: 'holiday', name: '元旦' }, // 周六
      { date: '2026-01-04', kind: 'workday', name: '元旦调休上班' }, // 周日
      { date: '2026-02-14', kind: 'workday', name: '春节调休上班' }, // 周六
      { date: '2026-02-15', kind: 'holiday', name: '春节' }, // 周日
      { date: '2026-02-16', kind: 'holiday', name: '春节' }, // 周一
      { date: '2026-02-17', kind: 'holiday', name: '春节' }, // 周二
      { date: '2026-02-18', kind: 'holiday', name: '春节' }, // 周三
      { date: '2026-02-19', kind: 'holiday', name: '春节' }, // 周四
      { date: '2026-02-20', kind: 'holiday', name: '春节' }, // 周五
      { date: '2026-02-21', kind: 'holiday', name: '春节' }, // 周六
      { date: '2026-02-22', kind: 'holiday', name: '春节' }, // 周日
      { date: '2026-02-23', kind: 'holiday', name: '春节' }, // 周一
      { date: '2026-02-28', kind: 'workday', name: '春节调休上班' }, // 周六
      { date: '2026-04-04', kind: 'holiday', name: '清明节' }, // 周六
      { date: '2026-04-05', kind: 'holiday', name: '清明节' }, // 周日
      { date: '2026-04-06', kind: 'holiday', name: '清明节' }, // 周一
      { date: '2026-05-01', kind: 'holiday', name: '劳动节' }, // 周五
      { date: '2026-05-02', kind: 'holiday', name: '劳动节' }, // 周六
      { date: '2026-05-03', kind: 'holiday', name: '劳动节' }, // 周日
      { date: '2026-05-04', kind: 'holiday', name: '劳动节' }, // 周一
      { date: '2026-05-05', kind: 'holiday', name: '劳动节' }, // 周二
      { date: '2026-05-09', kind: 'workday', name: '劳动节调休上班' }, // 周六
      { date: '2026-06-19', kind: 'holiday', name: '端午节' }, // 周五
      { date: '2026-06-20', kind: 'holiday', name: '端午节' }, // 周六
      { date: '2026-06-21', kind: 'holiday', name: '端午节' }, // 周日
      { date: '2026-09-20', kind: 'workday', name: '国庆节调休上班' }, // 周日
      { date: '2026-09-25', kind: 'holiday', name: '中秋节' }, // 周五
      { date: '2026-09-26', kind: 'holiday', name: '中秋节' }, // 周六
      { date: '2026-09-27', kind: 'holiday', name: '中秋节' }, // 周日
      { date: '2026-10-01', kind: 'holiday', name: '国庆节' }, // 周四
      { date: '2026-10-02', kind: 'holiday', name: '国庆节' }, // 周五
      { date: '2026-10-03', kind: 'holiday', name: '国庆节' }, // 周六
      { date: '2026-10-04', kind: 'holiday', name: '国庆节' }, // 周日
      { date: '2026-10-05', kind: 'holiday', name: '国庆节' }, // 周一
      { date: '2026-10-06', kind: 'holiday', name: '国庆节' }, // 周二
      { date: '2026-10-07', kind: 'holiday', name: '国庆节' }, // 周三
      { date: '2026-10-10', kind: 'workday', name: '国庆节调休上班' }, // 周六
    ],
  },
  // Provisional: only the statutory days of 全国年节及纪念日放假办法 (2024 revision): 春节 is 除夕 and
  // 初一–初三 (除夕 Feb 5, 初一 Feb 6), 劳动节 two days. No 调休 until the 2027 notice is published.
  {
    year: 2027,
    status: 'provisional',
    source:
      '全国年节及纪念日放假办法 statutory days only; 调休 not yet published — update when the State Council notice appears',
    days: [
      { date: '2027-01-01', kind: 'holiday', name: '元旦' }, // 周五
      { date: '2027-02-05', kind: 'holiday', name: '春节' }, // 周五
      { date: '2027-02-06', kind: 'holiday', name: '春节' }, // 周六
      { date: '2027-02-07', kind: 'holiday', name: '春节' }, // 周日
      { date: '2027-02-08', kind: 'holiday', name: '春节' }, // 周一
      { date: '2027-04-05', kind: 'holiday', name: '清明节' }, // 周一
      { date: '2027-05-01', kind: 'holiday', name: '劳动节' }, // 周六
      { date: '2027-05-02', kind: 'holiday', name: '劳动节' }, // 周日
      { date: '2027-06-09', kind: 'holiday', name: '端午节' }, // 周三
      { date: '2027-09-15', kind: 'holiday', name: '中秋节' }, // 周三
      { date: '2027-10-01', kind: 'holiday', name: '国庆节' }, // 周五
      { date: '2027-10-02', kind: 'holiday', name: '国庆节' }, // 周六
      { date: '2027-10-03', kind: 'holiday', name: '国庆节' }, // 周日
    ],
  },
];
