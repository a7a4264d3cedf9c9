import dayjs, { type Dayjs } from 'dayjs';

/**
 * Times on screen are China's (Asia/Shanghai, UTC+8, no daylight saving since 1991), whatever the
 * browser's own time zone: a street's records are read against China's clock, and a worker on a
 * laptop set to another zone must see the same "14:30" as the desk beside them.
 *
 * Every date/time shown in the web UI goes through `fmtTime` (or `chinaDay` / `chinaToday` for
 * "today" in date arithmetic). Dates without a time ("2026-03-01": birthdays, expiry dates) are
 * calendar dates and are shown as they are, never shifted.
 */
export const CHINA_TZ = 'Asia/Shanghai';
const OFFSET_MS = 8 * 3600_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export type When = string | number | Date | Dayjs | null | undefined;

interface Fields {
  y: number;
  mo: number; // 1–12
  d: number;
  h: number;
  mi: number;
  s: number;
}

/** China's wall-clock fields of an instant (or of a calendar date as it is). */
function fieldsOf(v: Exclude<When, null | undefined>): Fields | null {
  if (typeof v === 'string' && DATE_ONLY.test(v)) {
    const [y, mo, d] = v.split('-').map(Number) as [number, number, number];
    return { y, mo, d, h: 0, mi: 0, s: 0 };
  }
  const ms =
    typeof v === 'number'
      ? v
      : v instanceof Date
        ? v.getTime()
        : typeof v === 'string'
          ? Date.parse(v)
          : v.valueOf();
  if (!Number.isFinite(ms)) return null;
  const c = new Date(ms + OFFSET_MS);
  return {
    y: c.getUTCFullYear(),
    mo: c.getUTCMonth() + 1,
    d: c.getUTCDate(),
    h: c.getUTCHours(),
    mi: c.getUTCMinutes(),
    s: c.getUTCSeconds(),
  };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const TOKENS = /\[([^\]]*)]|YYYY|YY|MMMM|MMM|MM|M|DD|D|dddd|ddd|dd|d|HH|H|mm|m|ss|s/g;

/**
 * An instant in China's time, with dayjs's format tokens (YYYY MM DD HH mm ss, M D H, and the
 * locale's month and weekday names MMMM MMM dddd ddd in the chosen language). `empty` when none.
 */
export function fmtTime(v: When, format = 'YYYY-MM-DD HH:mm', empty = ''): string {
  if (v === null || v === undefined || v === '') return empty;
  const f = fieldsOf(v);
  if (!f) return empty;
  // Names (month, weekday) from dayjs's locale, on a local noon of the same calendar day: no
  // daylight-saving gap can move it to another day.
  const named = () => dayjs(new Date(f.y, f.mo - 1, f.d, 12));
  return format.replace(TOKENS, (tok, literal: string | undefined) => {
    if (literal !== undefined) return literal;
    switch (tok) {
      case 'YYYY':
        return pad(f.y, 4);
      case 'YY':
        return pad(f.y % 100);
      case 'MM':
        return pad(f.mo);
      case 'M':
        return String(f.mo);
      case 'DD':
        return pad(f.d);
      case 'D':
        return String(f.d);
      case 'HH':
        return pad(f.h);
      case 'H':
        return String(f.h);
      case 'mm':
        return pad(f.mi);
      case 'm':
        return String(f.mi);
      case 'ss':
        return pad(f.s);
      case 's':
        return String(f.s);
      default:
        return named().format(tok);
    }
  });
}

/** China's calendar day of an instant (default: now), as YYYY-MM-DD. */
export function chinaDay(v: When = Date.now()): string {
  return fmtTime(v, 'YYYY-MM-DD');
}

/** Today in China as a (local, midnight) dayjs, for date arithmetic and date pickers. */
export function chinaToday(): Dayjs {
  return dayjs(chinaDay());
}

/** The instant a China calendar day starts (or ends), as ISO, for date-range filters. */
export function chinaDayStart(day: string): string {
  return new Date(`${day.slice(0, 10)}T00:00:00+08:00`).toISOString();
}
export function chinaDayEnd(day: string): string {
  return new Date(new Date(`${day.slice(0, 10)}T00:00:00+08:00`).getTime() + 86_400_000 - 1).toISOString();
}
