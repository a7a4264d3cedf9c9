import { describe, expect, it } from 'vitest';
import { WorkCalendar } from '../calendar/calendar.js';
import { CN_CALENDAR } from '../calendar/calendar-cn.js';
import { endOf, lastDay, lastDayFrom } from './periods.js';

const days = CN_CALENDAR.flatMap((y) => y.days);
const cal = new WorkCalendar({
  holidays: days.filter((d) => d.kind === 'holiday').map((d) => d.date),
  workdays: days.filter((d) => d.kind === 'workday').map((d) => d.date),
  periods: [{ start: '08:30', end: '17:30' }],
});

/**
 * Hand-computed against the 2026 holiday notice (国办发明电〔2025〕7号): 国庆 and 中秋 run
 * Thu 10-01 to Wed 10-07, Sat 10-10 is a 调休 working day.
 */
describe('display periods', () => {
  it('5 working days from Tue 2026-09-29 skip the 国庆 week and count the 调休 Saturday', () => {
    // Not counted: 09-29. Counted: Wed 09-30 (1), Thu 10-08 (2), Fri 10-09 (3), Sat 10-10 调休 (4), Mon 10-12 (5).
    expect(lastDay(cal, '2026-09-29', 5, 'wday')).toBe('2026-10-12');
  });

  it('5 民法典 days from 2026-09-29 end on a holiday and move to the day after it', () => {
    // 09-29 + 5 = Sun 10-04, inside the holiday (10-01…10-07): the last day becomes Thu 10-08.
    expect(lastDay(cal, '2026-09-29', 5, 'civil')).toBe('2026-10-08');
  });

  it('a 民法典 period ending on an ordinary weekend moves to Monday; on a working day it stays', () => {
    expect(lastDay(cal, '2026-11-23', 5, 'civil')).toBe('2026-11-30'); // Sat 11-28 → Mon 11-30
    expect(lastDay(cal, '2026-11-27', 5, 'civil')).toBe('2026-12-02'); // Wed, a working day
    // Across a month end: 7 days from 2026-12-28 → Mon 2027-01-04 (元旦 2027-01-01 is passed over, not hit).
    expect(lastDay(cal, '2026-12-28', 7, 'civil')).toBe('2027-01-04');
    // Ending on the 调休 Saturday 10-10: a working day, it stays.
    expect(lastDay(cal, '2026-10-03', 7, 'civil')).toBe('2026-10-10');
  });

  it('5 working days from a Friday end the next Friday; the start day is never counted', () => {
    expect(lastDay(cal, '2026-11-27', 5, 'wday')).toBe('2026-12-04');
    expect(lastDay(cal, '2026-11-28', 1, 'wday')).toBe('2026-11-30'); // from a Saturday: Monday
    expect(lastDay(cal, '2026-11-27', 0, 'wday')).toBe('2026-11-27');
  });

  it('the period is over at 00:00 China time after its last day; the start day is the China date', () => {
    expect(endOf('2026-10-12').toISOString()).toBe('2026-10-12T16:00:00.000Z');
    // 2026-09-28T17:00Z is already Tue 09-29 01:00 in China.
    expect(lastDayFrom(cal, new Date('2026-09-28T17:00:00Z'), 5, 'wday')).toBe('2026-10-12');
    // Still Mon 09-28 (23:00) in China: 09-29, 09-30, 10-08, 10-09, 10-10 (调休).
    expect(lastDayFrom(cal, new Date('2026-09-28T15:00:00Z'), 5, 'wday')).toBe('2026-10-10');
  });

  it('refuses a negative or fractional length', () => {
    expect(() => lastDay(cal, '2026-11-27', -1, 'civil')).toThrow(RangeError);
    expect(() => lastDay(cal, '2026-11-27', 1.5, 'wday')).toThrow(RangeError);
  });
});
