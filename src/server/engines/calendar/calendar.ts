/**
 * The working-day calendar of case time limits: office periods on working days, in China time.
 *
 * China Standard Time is a fixed UTC+08:00 (no daylight saving), so all arithmetic is done on
 * the UTC epoch shifted by 8 hours ("local ms"): local day number = floor(local ms / 1 day),
 * weekday from the day number. Neither Intl nor the process time zone is used.
 *
 * A working day is Monday–Friday unless listed in `holidays`, or a Saturday/Sunday listed in
 * `workdays` (调休). Working time is the office periods of working days; limits in working
 * minutes/hours/days count only that time, calendar days ('day') count wall-clock time.
 */
import type { Limit } from '../../../contract/case-codes.js';

/** An office period, 'HH:MM' local China time ('24:00' allowed as an end). */
export interface OfficePeriod {
  start: string;
  end: string;
}

/** Exceptions to the weekend rule (dates 'YYYY-MM-DD') and the office periods of a working day. */
export interface CalendarData {
  holidays: Iterable<string>;
  workdays: Iterable<string>;
  periods: OfficePeriod[];
}

export const DEFAULT_PERIODS: OfficePeriod[] = [
  { start: '08:30', end: '12:00' },
  { start: '14:00', end: '17:30' },
];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** China Standard Time offset from UTC. */
const CST = 8 * HOUR;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2})$/;

/** Day number (days since 1970-01-01) of a 'YYYY-MM-DD' date; RangeError if malformed or not a real date. */
function dayNumber(date: string): number {
  const m = DATE_RE.exec(date);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    const t = Date.UTC(y, mo - 1, d);
    const back = new Date(t);
    if (back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d) {
      return t / DAY;
    }
  }
  throw new RangeError(`Invalid date '${date}' (expected YYYY-MM-DD)`);
}

/** Milliseconds after local midnight of an 'HH:MM' time. */
function timeOfDay(time: string): number {
  const m = TIME_RE.exec(time);
  if (m) {
    const h = Number(m[1]);
    const min = Number(m[2]);
    if (min < 60 && (h < 24 || (h === 24 && min === 0))) return h * HOUR + min * MINUTE;
  }
  throw new RangeError(`Invalid time '${time}' (expected HH:MM)`);
}

function epochMs(d: Date, what: string): number {
  const t = d instanceof Date ? d.getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw new RangeError(`Invalid ${what} date`);
  return t;
}

/** Local date 'YYYY-MM-DD' in China time of an instant. */
export function chinaDate(d: Date): string {
  return new Date(epochMs(d, 'instant') + CST).toISOString().slice(0, 10);
}

export class WorkCalendar {
  /** Minutes of office time in one working day (420 by default). */
  readonly minutesPerDay: number;
  /** Period bounds as ms after local midnight, flattened: [start0, end0, start1, end1, …]. */
  private readonly bounds: number[];
  private readonly dayMs: number;
  private readonly holidays = new Set<number>();
  private readonly workdays = new Set<number>();

  constructor(data: CalendarData) {
    const bounds: number[] = [];
    let prevEnd = -1;
    for (const p of data.periods) {
      const s = timeOfDay(p.start);
      const e = timeOfDay(p.end);
      if (e <= s) throw new RangeError(`Office period ${p.start}–${p.end} is empty or reversed`);
      if (s < prevEnd) throw new RangeError(`Office period ${p.start}–${p.end} overlaps or is out of order`);
      bounds.push(s, e);
      prevEnd = e;
    }
    if (bounds.length === 0) throw new RangeError('A calendar needs at least one office period');
    this.bounds = bounds;
    let ms = 0;
    for (let i = 0; i < bounds.length; i += 2) ms += bounds[i + 1]! - bounds[i]!;
    this.dayMs = ms;
    this.minutesPerDay = ms / MINUTE;
    for (const d of data.holidays) this.holidays.add(dayNumber(d));
    for (const d of data.workdays) this.workdays.add(dayNumber(d));
  }

  /** Mon–Fri unless in holidays; Sat/Sun only if in workdays (调休). */
  isWorkingDay(date: string): boolean {
    return this.isWorkingDayNumber(dayNumber(date));
  }

  private isWorkingDayNumber(day: number): boolean {
    const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
    if (weekday === 0 || weekday === 6) return this.workdays.has(day);
    return !this.holidays.has(day);
  }

  /**
   * The close of office on a China date (the end of its last office period): the instant a limit
   * counted in whole days ends, "due on that day" (a service application's promised date).
   */
  closeOf(date: string): Date {
    return new Date(dayNumber(date) * DAY + this.bounds[this.bounds.length - 1]! - CST);
  }

  /**
   * The instant `limit` after `start`. wmin/whour/wday count office minutes on working days
   * (wday = amount × minutesPerDay; whour = amount × 60); 'day' = calendar days (start + amount × 24 h).
   * Counting begins at the next office period start when `start` is outside office time; an amount
   * consumed exactly at a period end gives that period end.
   */
  add(start: Date, limit: Limit): Date {
    const t = epochMs(start, 'start');
    const amount = limit.amount;
    if (!Number.isFinite(amount)) throw new RangeError(`Invalid limit amount ${amount}`);
    if (amount < 0) throw new RangeError(`Negative limit amount ${amount}`);
    let ms: number;
    switch (limit.unit) {
      case 'day':
        return new Date(t + Math.round(amount * DAY));
      case 'wday':
        ms = amount * this.dayMs;
        break;
      case 'whour':
        ms = amount * HOUR;
        break;
      case 'wmin':
        ms = amount * MINUTE;
        break;
      default:
        throw new RangeError(`Unknown limit unit '${String((limit as { unit: unknown }).unit)}'`);
    }
    let remaining = Math.round(ms);
    if (remaining === 0) return new Date(t);

    const bounds = this.bounds;
    const local = t + CST;
    let day = Math.floor(local / DAY);
    let offset = local - day * DAY;
    for (;;) {
      if (this.isWorkingDayNumber(day)) {
        if (offset === 0 && remaining > this.dayMs) {
          // A whole working day, started at midnight: skip it in one step.
          remaining -= this.dayMs;
        } else {
          for (let i = 0; i < bounds.length; i += 2) {
            const e = bounds[i + 1]!;
            if (offset >= e) continue;
            const from = Math.max(offset, bounds[i]!);
            const avail = e - from;
            if (remaining <= avail) return new Date(day * DAY + from + remaining - CST);
            remaining -= avail;
            offset = e;
          }
        }
      }
      day++;
      offset = 0;
    }
  }

  /** Office minutes between a and b (0 when b <= a). */
  workingMinutesBetween(a: Date, b: Date): number {
    const ta = epochMs(a, 'start');
    const tb = epochMs(b, 'end');
    if (tb <= ta) return 0;
    const bounds = this.bounds;
    const la = ta + CST;
    const lb = tb + CST;
    const dayA = Math.floor(la / DAY);
    const dayB = Math.floor(lb / DAY);
    let ms = 0;
    for (let day = dayA; day <= dayB; day++) {
      if (!this.isWorkingDayNumber(day)) continue;
      const lo = day === dayA ? la - day * DAY : 0;
      const hi = day === dayB ? lb - day * DAY : DAY;
      if (lo === 0 && hi === DAY) {
        ms += this.dayMs;
        continue;
      }
      for (let i = 0; i < bounds.length; i += 2) {
        const s = Math.max(lo, bounds[i]!);
        const e = Math.min(hi, bounds[i + 1]!);
        if (e > s) ms += e - s;
      }
    }
    return ms / MINUTE;
  }
}
