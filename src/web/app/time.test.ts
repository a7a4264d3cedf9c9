// The browser's zone is New York's; what is shown must still be China's time.
process.env.TZ = 'America/New_York';

import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { describe, expect, it } from 'vitest';
import { chinaDay, chinaDayEnd, chinaDayStart, fmtTime } from './time.js';

describe('fmtTime shows China time whatever the browser zone', () => {
  it('runs in New York (the test would prove nothing otherwise)', () => {
    expect(new Date(2026, 0, 15).getTimezoneOffset()).toBe(300); // UTC−5 in winter
    expect(new Date(2026, 6, 15).getTimezoneOffset()).toBe(240); // UTC−4 in summer
  });

  it('an instant in UTC is shown at +8 (hand-computed)', () => {
    // 2026-03-05 22:30 UTC = 2026-03-06 06:30 in Beijing; New York would say 03-05 17:30.
    expect(fmtTime('2026-03-05T22:30:00.000Z')).toBe('2026-03-06 06:30');
    expect(fmtTime('2026-03-05T22:30:15Z', 'MM-DD HH:mm:ss')).toBe('03-06 06:30:15');
    expect(fmtTime('2026-03-05T22:30:00Z', 'YYYY 年 M 月 D 日')).toBe('2026 年 3 月 6 日');
    expect(fmtTime('2026-03-05T22:30:00Z', 'HH:mm')).toBe('06:30');
    // An offset in the string is honoured: 09:00 at +08:00 is 09:00 in China.
    expect(fmtTime('2026-07-01T09:00:00+08:00')).toBe('2026-07-01 09:00');
    // Dates, numbers and dayjs objects are instants too.
    expect(fmtTime(new Date(Date.UTC(2026, 11, 31, 16, 0)))).toBe('2027-01-01 00:00');
    expect(fmtTime(Date.UTC(2026, 11, 31, 15, 59, 59), 'YYYY-MM-DD HH:mm:ss')).toBe('2026-12-31 23:59:59');
    expect(fmtTime(dayjs('2026-05-01T00:00:00Z'))).toBe('2026-05-01 08:00');
  });

  it("keeps a time in New York's daylight-saving gap (2026-03-08 02:00–03:00 local)", () => {
    // 2026-03-07 18:30 UTC = 2026-03-08 02:30 in Beijing, an hour that does not exist on New York's
    // clocks that night; China's clock is not affected.
    expect(fmtTime('2026-03-07T18:30:00Z')).toBe('2026-03-08 02:30');
  });

  it('shows calendar dates as they are, never shifted', () => {
    expect(fmtTime('2026-03-01', 'YYYY-MM-DD')).toBe('2026-03-01');
    expect(fmtTime('1990-01-31', 'YYYY 年 M 月 D 日')).toBe('1990 年 1 月 31 日');
  });

  it("names months and weekdays in the chosen language, for China's day", () => {
    dayjs.locale('en');
    // 2026-12-06 20:00 UTC is Monday 7 December in Beijing (still Sunday the 6th in New York).
    expect(fmtTime('2026-12-06T20:00:00Z', 'dddd, D MMMM YYYY')).toBe('Monday, 7 December 2026');
    dayjs.locale('zh-cn');
    expect(fmtTime('2026-12-06T20:00:00Z', 'YYYY年M月D日 dddd')).toBe('2026年12月7日 星期一');
    expect(fmtTime('2026-12-06T20:00:00Z', '[今天] HH:mm')).toBe('今天 04:00');
    dayjs.locale('en');
  });

  it('empty values give the empty text', () => {
    expect(fmtTime(null)).toBe('');
    expect(fmtTime(undefined, 'YYYY', '—')).toBe('—');
    expect(fmtTime('not a time', 'YYYY', '—')).toBe('—');
  });

  it('China days and their bounds', () => {
    expect(chinaDay('2026-03-05T16:00:00Z')).toBe('2026-03-06');
    expect(chinaDay('2026-03-05T15:59:59Z')).toBe('2026-03-05');
    expect(chinaDayStart('2026-03-06')).toBe('2026-03-05T16:00:00.000Z');
    expect(chinaDayEnd('2026-03-06')).toBe('2026-03-06T15:59:59.999Z');
  });
});
