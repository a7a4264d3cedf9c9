import type { WorkCalendar } from '../calendar/calendar.js';
import { chinaDate } from '../calendar/calendar.js';

/**
 * How a publication's periods are counted (transparency.md §2, participation.md rule 2):
 *
 * - `civil` (民法典 days, the default ⚠): the day of publication is not counted (art. 201); the
 *   period ends on the Nth day after it; a last day that is a 法定休假日 (a holiday, or a
 *   weekend day that is not a 调休 working day) moves to the first working day after it (art. 203).
 * - `wday` (working days): the day of publication is not counted; the Nth working day after it
 *   on the work calendar (engines/calendar) is the last day.
 *
 * A period of N days ends at 24:00 of its last day: the minimum display is met from the next day's
 * midnight (China time) on, and an objection is on time until the last day ends.
 */
export type Counting = 'civil' | 'wday';

const DAY = 86_400_000;

function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}

/** The last day (YYYY-MM-DD, China) of a period of `days` starting on `start` (not counted). */
export function lastDay(cal: WorkCalendar, start: string, days: number, counting: Counting): string {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`Invalid period length ${days}`);
  if (days === 0) return start;
  if (counting === 'civil') {
    let d = addDays(start, days);
    while (!cal.isWorkingDay(d)) d = addDays(d, 1);
    return d;
  }
  let d = start;
  let left = days;
  while (left > 0) {
    d = addDays(d, 1);
    if (cal.isWorkingDay(d)) left--;
  }
  return d;
}

/** The instant a period whose last day is `day` is over: the next day's 00:00 China time. */
export function endOf(day: string): Date {
  return new Date(Date.parse(`${addDays(day, 1)}T00:00:00+08:00`));
}

/** The last day of a period started at the instant `at` (its China date is the start day). */
export function lastDayFrom(cal: WorkCalendar, at: Date, days: number, counting: Counting): string {
  return lastDay(cal, chinaDate(at), days, counting);
}
