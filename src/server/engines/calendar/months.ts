import type { WorkCalendar } from './calendar.js';

/**
 * Periods counted in months and years under 民法典 arts. 201–203 (the shared counting rules):
 *
 * - art. 202: a period of N months ends on the corresponding day of the month N months later; a
 *   month without that day ends on its last day (2026-01-31 + 1 month → 2026-02-28; 2024-02-29 +
 *   12 months → 2025-02-28).
 * - art. 203: a last day that is a 法定休假日 (holiday, or a weekend day that is not a 调休 working
 *   day) moves to the first working day after it — `civilDeadline` only: a time limit ("within").
 *   A minimum ("at least a year") is the corresponding day itself (`civilMonthsAfter`).
 */
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parts(date: string): [number, number, number] {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`Invalid date '${date}' (expected YYYY-MM-DD)`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d)
    throw new RangeError(`Invalid date '${date}'`);
  return [y, mo, d];
}

const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/** The corresponding day N months after `date` (art. 202), the month's last day when it has none. */
export function civilMonthsAfter(date: string, months: number): string {
  if (!Number.isInteger(months)) throw new RangeError(`Invalid month count ${months}`);
  const [y, mo, d] = parts(date);
  const first = Date.UTC(y, mo - 1 + months, 1);
  const f = new Date(first);
  const last = new Date(Date.UTC(f.getUTCFullYear(), f.getUTCMonth() + 1, 0)).getUTCDate();
  return iso(Date.UTC(f.getUTCFullYear(), f.getUTCMonth(), Math.min(d, last)));
}

/** `date` plus `days` calendar days. */
export function addCalendarDays(date: string, days: number): string {
  const [y, mo, d] = parts(date);
  return iso(Date.UTC(y, mo - 1, d + days));
}

/** The last day of a time limit of N months from `date` (arts. 202 and 203). */
export function civilDeadline(cal: WorkCalendar, date: string, months: number): string {
  let d = civilMonthsAfter(date, months);
  while (!cal.isWorkingDay(d)) d = addCalendarDays(d, 1);
  return d;
}
