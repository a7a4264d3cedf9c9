import type { WorkCalendar } from '../../engines/calendar/calendar.js';

/**
 * Deadline arithmetic of the window (design/modules/window.md rules 8, 9, 10, 13), on China dates
 * ('YYYY-MM-DD') and the working-day calendar (调休 included). Pure: the tests compute by hand.
 */

function nextDay(d: string): string {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}

/**
 * The `n`-th working day after `from` (rule 8: counted from the day after 受理). `n = 0` is
 * `from` itself (即办件: concluded the same day).
 */
export function addWorkingDays(cal: WorkCalendar, from: string, n: number): string {
  let d = from;
  let left = n;
  while (left > 0) {
    d = nextDay(d);
    if (cal.isWorkingDay(d)) left -= 1;
  }
  return d;
}

/** A limit in its unit: working days on the calendar, or calendar days. */
export function dueAfter(cal: WorkCalendar, from: string, n: number, unit: 'wday' | 'day'): string {
  if (unit === 'wday') return addWorkingDays(cal, from, n);
  let d = from;
  for (let i = 0; i < n; i++) d = nextDay(d);
  return d;
}

export interface Deadlines {
  /** the result is due on (承诺办结) */
  dueOn: string;
  /** 容缺: the missing materials are due on (补正期限) */
  supplementDueOn: string | null;
  /** 受理后上报: forwarded to the street by (rule 13, ≤ 3 wd) */
  forwardDueOn: string | null;
}

/**
 * The deadlines set at acceptance. 容缺 (rule 9): the clock does not stop, the result stays due
 * within the original limit, and the missing materials are due `supplementDays` working days
 * after acceptance. 补正 after an 一次性告知 is a new acceptance on the day the materials arrive:
 * the full limit again from the next day (rule 8) — call this with that day.
 */
export function deadlinesAt(
  cal: WorkCalendar,
  acceptedOn: string,
  m: { promisedLimit: number | null; limitUnit: string; method: string },
  opts: { gap: boolean; supplementDays: number; forwardDays?: number },
): Deadlines {
  const dueOn =
    m.promisedLimit === null
      ? acceptedOn
      : dueAfter(cal, acceptedOn, m.promisedLimit, m.limitUnit === 'day' ? 'day' : 'wday');
  return {
    dueOn,
    supplementDueOn: opts.gap ? addWorkingDays(cal, acceptedOn, opts.supplementDays) : null,
    forwardDueOn: m.method === 'forward' ? addWorkingDays(cal, acceptedOn, opts.forwardDays ?? 3) : null,
  };
}

/**
 * The promised date of an application whose clock starts at `from` (a China date): the limit
 * counted from the next day (rule 8), due at the close of office that day. 即办件 (no limit): due
 * the day itself.
 */
export function promisedDue(
  cal: WorkCalendar,
  from: string,
  limit: { promisedLimit: number | null; limitUnit: string },
): Date {
  const d =
    limit.promisedLimit === null
      ? from
      : dueAfter(cal, from, limit.promisedLimit, limit.limitUnit === 'day' ? 'day' : 'wday');
  return cal.closeOf(d);
}

/** 延期 (rule 10): an approved extension of `n` working days moves the due date on from the old one. */
export function extendedDue(cal: WorkCalendar, dueOn: string, n: number): string {
  return addWorkingDays(cal, dueOn, n);
}
