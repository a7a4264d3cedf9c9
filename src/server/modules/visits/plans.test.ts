import { describe, expect, it } from 'vitest';
import { DEFAULT_PERIODS, WorkCalendar } from '../../engines/calendar/calendar.js';
import { CN_CALENDAR } from '../../engines/calendar/calendar-cn.js';
import { addWorkingDays, nextDue } from './visits.plans.js';

/**
 * Due dates of visit plans (pure): calendar intervals (week, month, quarter) ignore the working
 * calendar and clamp to the month's end like PostgreSQL's `date + interval 'n months'`; 'wday'
 * counts working days of the statutory calendar after the base date (the base date itself does
 * not count). Every expected date below is worked out by hand in its comment.
 */
const cn = new WorkCalendar({
  holidays: CN_CALENDAR.flatMap((y) => y.days.filter((d) => d.kind === 'holiday').map((d) => d.date)),
  workdays: CN_CALENDAR.flatMap((y) => y.days.filter((d) => d.kind === 'workday').map((d) => d.date)),
  periods: DEFAULT_PERIODS,
});
const due = (intervalUnit: string, intervalCount: number, base: string) =>
  nextDue(cn, { intervalUnit, intervalCount }, base);
/** UTC weekday of a date: 0 = Sunday … 6 = Saturday (to check the comments' weekdays). */
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

describe('nextDue: weeks', () => {
  it('adds 7 days a week, across month and year ends, holidays included', () => {
    // 2026-02-25 + 7 = Feb 32 = Mar 4 (February 2026 has 28 days)
    expect(due('week', 1, '2026-02-25')).toBe('2026-03-04');
    // 2028 is a leap year: 2028-02-20 + 14 = Feb 34 = Mar 5 (29 days)
    expect(due('week', 2, '2028-02-20')).toBe('2028-03-05');
    // 2026-12-28 + 7 = Dec 35 = 2027-01-04
    expect(due('week', 1, '2026-12-28')).toBe('2027-01-04');
    // weeks are calendar time: 2026-02-12 + 7 = 02-19, a Spring Festival holiday, stays
    expect(due('week', 1, '2026-02-12')).toBe('2026-02-19');
    expect(cn.isWorkingDay('2026-02-19')).toBe(false);
  });
});

describe('nextDue: months', () => {
  it('clamps to the last day of a shorter month (Jan 31 + 1 month = Feb 28)', () => {
    // Jan 31 + 1 month → Feb 31 does not exist → Feb 28 (2026: not a leap year)
    expect(due('month', 1, '2026-01-31')).toBe('2026-02-28');
    // Jan 30 + 1 month → Feb 30 → Feb 28
    expect(due('month', 1, '2026-01-30')).toBe('2026-02-28');
    // Mar 31 + 1 month → Apr 31 → Apr 30
    expect(due('month', 1, '2026-03-31')).toBe('2026-04-30');
    // not "end of month sticky": Feb 28 + 1 month = Mar 28 (PostgreSQL does the same)
    expect(due('month', 1, '2026-02-28')).toBe('2026-03-28');
    // a day that exists in both months is kept: Jan 15 + 1 month = Feb 15
    expect(due('month', 1, '2026-01-15')).toBe('2026-02-15');
  });

  it('gives Feb 29 in the leap year 2028', () => {
    // 2028: 2028 % 4 = 0 and not a century → leap; Jan 31 + 1 month → Feb 29
    expect(due('month', 1, '2028-01-31')).toBe('2028-02-29');
    // Feb 29 + 1 month = Mar 29
    expect(due('month', 1, '2028-02-29')).toBe('2028-03-29');
    // Feb 29 + 12 months → 2029-02-29 does not exist → Feb 28
    expect(due('month', 12, '2028-02-29')).toBe('2029-02-28');
  });

  it('crosses year ends', () => {
    // Dec 31 2025 + 2 months → Feb 31 2026 → Feb 28
    expect(due('month', 2, '2025-12-31')).toBe('2026-02-28');
    // Nov 15 2026 + 3 months = Feb 15 2027
    expect(due('month', 3, '2026-11-15')).toBe('2027-02-15');
    // Jan 31 2027 + 13 months = Feb 2028 → Feb 29 (leap)
    expect(due('month', 13, '2027-01-31')).toBe('2028-02-29');
  });
});

describe('nextDue: quarters', () => {
  it('adds three months a quarter, across years, clamped like months', () => {
    // Nov 30 2026 + 3 months → Feb 30 2027 → Feb 28 (2027 not leap)
    expect(due('quarter', 1, '2026-11-30')).toBe('2027-02-28');
    // Nov 30 2027 + 3 months → Feb 30 2028 → Feb 29 (leap)
    expect(due('quarter', 1, '2027-11-30')).toBe('2028-02-29');
    // Dec 15 2026 + 3 months = Mar 15 2027
    expect(due('quarter', 1, '2026-12-15')).toBe('2027-03-15');
    // Aug 31 2026 + 2 quarters (6 months) → Feb 31 2027 → Feb 28
    expect(due('quarter', 2, '2026-08-31')).toBe('2027-02-28');
    // Feb 29 2028 + 4 quarters (12 months) → Feb 29 2029 → Feb 28
    expect(due('quarter', 4, '2028-02-29')).toBe('2029-02-28');
    // Oct 31 2026 + 1 quarter → Jan 31 2027 (31 days: kept)
    expect(due('quarter', 1, '2026-10-31')).toBe('2027-01-31');
  });
});

describe('working days (wday) on the statutory calendar', () => {
  it('the weekdays the comments below rely on', () => {
    // 2026-02-13 Fri, 02-14 Sat (调休 workday), 02-24 Tue, 02-28 Sat (调休 workday), 03-02 Mon
    expect(['2026-02-13', '2026-02-14', '2026-02-24', '2026-02-28', '2026-03-02'].map(weekday)).toEqual([
      5, 6, 2, 6, 1,
    ]);
    // 2026-09-18 Fri, 09-20 Sun (调休 workday), 09-25 Fri (中秋), 10-01 Thu, 10-10 Sat (调休 workday)
    expect(['2026-09-18', '2026-09-20', '2026-09-25', '2026-10-01', '2026-10-10'].map(weekday)).toEqual([
      5, 0, 5, 4, 6,
    ]);
  });

  it('across the 2026 Spring Festival (off Feb 15–23; Sat Feb 14 and Sat Feb 28 worked)', () => {
    // after Thu 02-12: Fri 02-13 is the 1st working day
    expect(addWorkingDays(cn, '2026-02-12', 1)).toBe('2026-02-13');
    // Fri 02-13 (1), Sat 02-14 调休 (2)
    expect(due('wday', 2, '2026-02-12')).toBe('2026-02-14');
    // 02-13 (1), 02-14 (2), 02-15…02-23 off, Tue 02-24 (3)
    expect(due('wday', 3, '2026-02-12')).toBe('2026-02-24');
    // from the 调休 Saturday itself (the base does not count): 02-15…23 off → Tue 02-24 (1)
    expect(due('wday', 1, '2026-02-14')).toBe('2026-02-24');
    // after Fri 02-13: Sat 02-14 (1), 02-24 (2), 02-25 (3), 02-26 (4), Fri 02-27 (5)
    expect(due('wday', 5, '2026-02-13')).toBe('2026-02-27');
    // … Sat 02-28 调休 (6)
    expect(due('wday', 6, '2026-02-13')).toBe('2026-02-28');
    // … Sun 03-01 off, Mon 03-02 (7)
    expect(due('wday', 7, '2026-02-13')).toBe('2026-03-02');
    // a base inside the holiday: after Wed 02-18: 02-19…02-23 off → 02-24 (1), 02-25 (2)
    expect(due('wday', 2, '2026-02-18')).toBe('2026-02-25');
  });

  it('across the 2026 Mid-Autumn / National Day (off Sep 25–27, Oct 1–7; Sun Sep 20 and Sat Oct 10 worked)', () => {
    // after Fri 09-18: Sat 09-19 off, Sun 09-20 调休 (1)
    expect(due('wday', 1, '2026-09-18')).toBe('2026-09-20');
    // after Thu 09-24: 09-25 (中秋), 09-26, 09-27 off → Mon 09-28 (1)
    expect(due('wday', 1, '2026-09-24')).toBe('2026-09-28');
    // after Wed 09-30: 10-01…10-07 off → Thu 10-08 (1)
    expect(due('wday', 1, '2026-09-30')).toBe('2026-10-08');
    // 10-08 (1), Fri 10-09 (2), Sat 10-10 调休 (3)
    expect(due('wday', 3, '2026-09-30')).toBe('2026-10-10');
    // … Sun 10-11 off, Mon 10-12 (4)
    expect(due('wday', 4, '2026-09-30')).toBe('2026-10-12');
    // after Fri 09-18: 09-20 (1), 21 (2), 22 (3), 23 (4), 24 (5), 28 (6), 29 (7), 30 (8),
    // 10-08 (9), 10-09 (10)
    expect(due('wday', 10, '2026-09-18')).toBe('2026-10-09');
  });

  it('an ordinary stretch: weekends off', () => {
    // after Fri 2026-03-06: Mon 03-09 (1) … Fri 03-13 (5), Mon 03-16 (6)
    expect(due('wday', 5, '2026-03-06')).toBe('2026-03-13');
    expect(due('wday', 6, '2026-03-06')).toBe('2026-03-16');
  });
});
