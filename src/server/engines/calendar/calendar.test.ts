import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Limit } from '../../../contract/case-codes.js';
import { chinaDate, DEFAULT_PERIODS, WorkCalendar } from './calendar.js';
import { CN_CALENDAR } from './calendar-cn.js';

/**
 * Default office periods 08:30–12:00 (210 min) and 14:00–17:30 (210 min): 420 min a working day.
 * All instants are written in China time (+08:00).
 */
const cn = new WorkCalendar({
  holidays: CN_CALENDAR.flatMap((y) => y.days.filter((d) => d.kind === 'holiday').map((d) => d.date)),
  workdays: CN_CALENDAR.flatMap((y) => y.days.filter((d) => d.kind === 'workday').map((d) => d.date)),
  periods: DEFAULT_PERIODS,
});
const at = (iso: string) => new Date(iso);
const wmin = (amount: number): Limit => ({ amount, unit: 'wmin' });
const whour = (amount: number): Limit => ({ amount, unit: 'whour' });
const wday = (amount: number): Limit => ({ amount, unit: 'wday' });
const day = (amount: number): Limit => ({ amount, unit: 'day' });
/** UTC weekday of a 'YYYY-MM-DD' date: 0 = Sunday … 6 = Saturday. */
const weekday = (date: string) => new Date(date).getUTCDay();

describe('CN_CALENDAR seed data', () => {
  it('has 2025 and 2026 official, 2027 provisional, each with its source', () => {
    expect(CN_CALENDAR.map((y) => [y.year, y.status])).toEqual([
      [2025, 'official'],
      [2026, 'official'],
      [2027, 'provisional'],
    ]);
    expect(CN_CALENDAR[0]!.source).toContain('国办发明电〔2024〕12号');
    expect(CN_CALENDAR[1]!.source).toContain('国办发明电〔2025〕7号');
    expect(CN_CALENDAR[2]!.source).toContain('全国年节及纪念日放假办法');
  });

  it('lists real dates of its own year, sorted and without duplicates', () => {
    for (const y of CN_CALENDAR) {
      const dates = y.days.map((d) => d.date);
      expect([...dates].sort()).toEqual(dates);
      expect(new Set(dates).size).toBe(dates.length);
      for (const date of dates) {
        expect(date.startsWith(`${y.year}-`)).toBe(true);
        expect(new Date(date).toISOString().slice(0, 10)).toBe(date); // '2026-02-30' would roll over
      }
    }
  });

  it('has the 调休 workdays on the weekdays the notices name', () => {
    const SUN = 0;
    const SAT = 6;
    const named: [string, number][] = [
      ['2025-01-26', SUN],
      ['2025-02-08', SAT],
      ['2025-04-27', SUN],
      ['2025-09-28', SUN],
      ['2025-10-11', SAT],
      ['2026-01-04', SUN],
      ['2026-02-14', SAT],
      ['2026-02-28', SAT],
      ['2026-05-09', SAT],
      ['2026-09-20', SUN],
      ['2026-10-10', SAT],
    ];
    for (const [date, wd] of named) expect([date, weekday(date)]).toEqual([date, wd]);
    const workdays = CN_CALENDAR.flatMap((y) =>
      y.days.filter((d) => d.kind === 'workday').map((d) => d.date),
    );
    expect(workdays).toEqual(named.map(([d]) => d));
    expect(CN_CALENDAR[2]!.days.filter((d) => d.kind === 'workday')).toEqual([]);
  });

  it('has holiday periods of the notices’ lengths and bounds', () => {
    const periods = (year: number) => {
      const out: Record<string, string[]> = {};
      for (const d of CN_CALENDAR.find((y) => y.year === year)!.days) {
        if (d.kind !== 'holiday') continue;
        const list = out[d.name] ?? [];
        list.push(d.date);
        out[d.name] = list;
      }
      return Object.fromEntries(Object.entries(out).map(([n, ds]) => [n, [ds[0], ds.at(-1), ds.length]]));
    };
    expect(periods(2025)).toEqual({
      元旦: ['2025-01-01', '2025-01-01', 1],
      春节: ['2025-01-28', '2025-02-04', 8],
      清明节: ['2025-04-04', '2025-04-06', 3],
      劳动节: ['2025-05-01', '2025-05-05', 5],
      端午节: ['2025-05-31', '2025-06-02', 3],
      '国庆节、中秋节': ['2025-10-01', '2025-10-08', 8],
    });
    expect(periods(2026)).toEqual({
      元旦: ['2026-01-01', '2026-01-03', 3],
      春节: ['2026-02-15', '2026-02-23', 9],
      清明节: ['2026-04-04', '2026-04-06', 3],
      劳动节: ['2026-05-01', '2026-05-05', 5],
      端午节: ['2026-06-19', '2026-06-21', 3],
      中秋节: ['2026-09-25', '2026-09-27', 3],
      国庆节: ['2026-10-01', '2026-10-07', 7],
    });
    expect(periods(2027)).toEqual({
      元旦: ['2027-01-01', '2027-01-01', 1],
      春节: ['2027-02-05', '2027-02-08', 4], // 除夕 Feb 5, 初一–初三 Feb 6–8
      清明节: ['2027-04-05', '2027-04-05', 1],
      劳动节: ['2027-05-01', '2027-05-02', 2],
      端午节: ['2027-06-09', '2027-06-09', 1],
      中秋节: ['2027-09-15', '2027-09-15', 1],
      国庆节: ['2027-10-01', '2027-10-03', 3],
    });
  });

  it('has weekday comments in the source that match the dates', () => {
    const src = readFileSync(new URL('./calendar-cn.ts', import.meta.url), 'utf8');
    const names = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
    const rows = [...src.matchAll(/date: '(\d{4}-\d{2}-\d{2})'.*\/\/ (周.)/g)];
    expect(rows.length).toBe(CN_CALENDAR.reduce((n, y) => n + y.days.length, 0));
    for (const [, date, name] of rows) expect([date, name]).toEqual([date, names[weekday(date!)]]);
  });
});

describe('WorkCalendar.isWorkingDay', () => {
  it('is true on ordinary weekdays and false on ordinary weekends', () => {
    expect(cn.isWorkingDay('2025-03-12')).toBe(true); // Wed
    expect(cn.isWorkingDay('2026-03-09')).toBe(true); // Mon
    expect(cn.isWorkingDay('2026-03-13')).toBe(true); // Fri
    expect(cn.isWorkingDay('2027-03-10')).toBe(true); // Wed
    expect(cn.isWorkingDay('2028-01-03')).toBe(true); // Mon, beyond the data: weekend rule only
    expect(cn.isWorkingDay('2026-03-14')).toBe(false); // Sat
    expect(cn.isWorkingDay('2026-03-15')).toBe(false); // Sun
    expect(cn.isWorkingDay('2028-01-01')).toBe(false); // Sat
  });

  it('is false on holidays, weekdays and weekend days alike', () => {
    for (const d of ['2025-01-01', '2025-01-28', '2025-02-04', '2025-05-05', '2025-10-08']) {
      expect([d, cn.isWorkingDay(d)]).toEqual([d, false]);
    }
    for (const d of ['2026-01-02', '2026-02-16', '2026-02-23', '2026-04-06', '2026-10-07', '2026-10-03']) {
      expect([d, cn.isWorkingDay(d)]).toEqual([d, false]);
    }
    for (const d of ['2027-01-01', '2027-02-05', '2027-02-08', '2027-04-05', '2027-06-09', '2027-09-15']) {
      expect([d, cn.isWorkingDay(d)]).toEqual([d, false]);
    }
  });

  it('is true on the 调休 Saturdays and Sundays', () => {
    for (const d of ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11']) {
      expect([d, cn.isWorkingDay(d)]).toEqual([d, true]);
    }
    for (const d of ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']) {
      expect([d, cn.isWorkingDay(d)]).toEqual([d, true]);
    }
  });

  it('2027 (provisional) has no 调休 yet: weekends stay off, the days after the statutory ones are worked', () => {
    expect(cn.isWorkingDay('2027-02-13')).toBe(false); // Sat after 春节
    expect(cn.isWorkingDay('2027-02-09')).toBe(true); // Tue, 初四
    expect(cn.isWorkingDay('2027-10-04')).toBe(true); // Mon after 国庆 Oct 1–3
    expect(cn.isWorkingDay('2027-05-03')).toBe(true); // Mon after 劳动节 May 1–2
  });

  it('rejects malformed dates', () => {
    expect(() => cn.isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => cn.isWorkingDay('2026-2-3')).toThrow(RangeError);
  });
});

describe('WorkCalendar.add', () => {
  it('has 420 office minutes a day by default', () => {
    expect(cn.minutesPerDay).toBe(420);
  });

  it('counts working minutes and hours within a day and across the lunch break', () => {
    // Tue 09:00 + 45 min = 09:45
    expect(cn.add(at('2026-03-10T09:00:00+08:00'), wmin(45))).toEqual(at('2026-03-10T09:45:00+08:00'));
    // Tue 11:00 + 2 h: 11:00–12:00 = 60, the other 60 from 14:00 → 15:00
    expect(cn.add(at('2026-03-10T11:00:00+08:00'), whour(2))).toEqual(at('2026-03-10T15:00:00+08:00'));
  });

  it('continues the next working morning after the evening', () => {
    // Tue 17:00 + 1 h: 17:00–17:30 = 30, the other 30 from Wed 08:30 → Wed 09:00
    expect(cn.add(at('2026-03-10T17:00:00+08:00'), whour(1))).toEqual(at('2026-03-11T09:00:00+08:00'));
  });

  it('skips the weekend', () => {
    // Fri 16:00 + 1 wday (420): Fri 16:00–17:30 = 90, left 330; Sat, Sun off;
    // Mon 08:30–12:00 = 210, left 120 → 14:00 + 120 = Mon 16:00
    expect(cn.add(at('2026-03-13T16:00:00+08:00'), wday(1))).toEqual(at('2026-03-16T16:00:00+08:00'));
  });

  it('counts calendar days as 24 h, holidays and nights included', () => {
    // Fri 2026-02-13 16:00 + 3 × 24 h = Mon 2026-02-16 16:00 (a 春节 holiday)
    expect(cn.add(at('2026-02-13T16:00:00+08:00'), day(3))).toEqual(at('2026-02-16T16:00:00+08:00'));
    // 20:00 + 1 day = next day 20:00, outside office time
    expect(cn.add(at('2026-03-10T20:00:00+08:00'), day(1))).toEqual(at('2026-03-11T20:00:00+08:00'));
  });

  it('counts through the 2026 Spring Festival with the Sat Feb 14 workday', () => {
    // Fri 2026-02-13 16:00 + 3 wday = 1260 min:
    //   Fri 16:00–17:30 = 90 (left 1170); Sat Feb 14 (调休) 420 (left 750);
    //   Sun Feb 15 – Mon Feb 23 off (春节); Tue Feb 24 420 (left 330);
    //   Wed Feb 25 08:30–12:00 = 210 (left 120) → 14:00 + 120 = Wed Feb 25 16:00
    expect(cn.add(at('2026-02-13T16:00:00+08:00'), wday(3))).toEqual(at('2026-02-25T16:00:00+08:00'));
    // 1 wday → Sat Feb 14 16:00; 2 wday → Tue Feb 24 16:00
    expect(cn.add(at('2026-02-13T16:00:00+08:00'), wday(1))).toEqual(at('2026-02-14T16:00:00+08:00'));
    expect(cn.add(at('2026-02-13T16:00:00+08:00'), wday(2))).toEqual(at('2026-02-24T16:00:00+08:00'));
  });

  it('counts through the 2026 National Day week with the Sat Oct 10 workday', () => {
    // Wed Sep 30 10:00 + 1 wday: Sep 30 10:00–17:30 = 330 (left 90); Oct 1–7 off;
    // Thu Oct 8 08:30 + 90 = 10:00. Each further wday is the next working day at 10:00:
    // 2 → Fri Oct 9, 3 → Sat Oct 10 (调休), 4 → Mon Oct 12 (Sun Oct 11 off)
    const s = at('2026-09-30T10:00:00+08:00');
    expect(cn.add(s, wday(1))).toEqual(at('2026-10-08T10:00:00+08:00'));
    expect(cn.add(s, wday(2))).toEqual(at('2026-10-09T10:00:00+08:00'));
    expect(cn.add(s, wday(3))).toEqual(at('2026-10-10T10:00:00+08:00'));
    expect(cn.add(s, wday(4))).toEqual(at('2026-10-12T10:00:00+08:00'));
    // Fri Sep 18 17:00 + 1 h: 30 on Fri, Sat Sep 19 off, Sun Sep 20 (调休) 08:30 + 30 = 09:00
    expect(cn.add(at('2026-09-18T17:00:00+08:00'), whour(1))).toEqual(at('2026-09-20T09:00:00+08:00'));
  });

  it('counts across the 2025 → 2026 new year', () => {
    // Wed 2025-12-31 15:00 + 1 wday: 15:00–17:30 = 150 (left 270); Jan 1–3 off (元旦);
    // Sun 2026-01-04 (调休) 08:30–12:00 = 210 (left 60) → 14:00 + 60 = 15:00
    expect(cn.add(at('2025-12-31T15:00:00+08:00'), wday(1))).toEqual(at('2026-01-04T15:00:00+08:00'));
  });

  it('starts counting at the next office period when started outside office time', () => {
    // 20:00 Tue → Wed 08:30 + 30 = 09:00
    expect(cn.add(at('2026-03-10T20:00:00+08:00'), wmin(30))).toEqual(at('2026-03-11T09:00:00+08:00'));
    // 07:00 Tue → 08:30 + 30 = 09:00 the same day
    expect(cn.add(at('2026-03-10T07:00:00+08:00'), wmin(30))).toEqual(at('2026-03-10T09:00:00+08:00'));
    // 12:30 Tue (lunch) → 14:00 + 30 = 14:30
    expect(cn.add(at('2026-03-10T12:30:00+08:00'), wmin(30))).toEqual(at('2026-03-10T14:30:00+08:00'));
    // Sat 10:00 → Mon 08:30 + 30 = 09:00
    expect(cn.add(at('2026-03-14T10:00:00+08:00'), wmin(30))).toEqual(at('2026-03-16T09:00:00+08:00'));
    // Exactly 17:30 → next morning 08:30 + 1 = 08:31
    expect(cn.add(at('2026-03-10T17:30:00+08:00'), wmin(1))).toEqual(at('2026-03-11T08:31:00+08:00'));
    // Wed 00:30 +08:00 is still Tue 16:30 in UTC: the China date counts → Wed 08:30 + 30 = 09:00
    expect(cn.add(at('2026-03-11T00:30:00+08:00'), wmin(30))).toEqual(at('2026-03-11T09:00:00+08:00'));
  });

  it('ends at the period end when the amount is consumed exactly there', () => {
    // Tue 16:30 + 60 = 17:30, not Wed 08:30
    expect(cn.add(at('2026-03-10T16:30:00+08:00'), wmin(60))).toEqual(at('2026-03-10T17:30:00+08:00'));
    // Tue 11:00 + 60 = 12:00, not 14:00
    expect(cn.add(at('2026-03-10T11:00:00+08:00'), wmin(60))).toEqual(at('2026-03-10T12:00:00+08:00'));
    // Tue 08:30 + 1 wday = 17:30 the same day
    expect(cn.add(at('2026-03-10T08:30:00+08:00'), wday(1))).toEqual(at('2026-03-10T17:30:00+08:00'));
    // Started during 春节 (Tue Feb 17): counting begins Tue Feb 24 08:30, + 420 = Feb 24 17:30
    expect(cn.add(at('2026-02-17T10:00:00+08:00'), wday(1))).toEqual(at('2026-02-24T17:30:00+08:00'));
  });

  it('returns start unchanged for amount 0, even outside office time', () => {
    const s = at('2026-03-14T20:00:00+08:00'); // Sat evening
    for (const unit of ['wmin', 'whour', 'wday', 'day'] as const) {
      expect(cn.add(s, { amount: 0, unit })).toEqual(s);
    }
  });

  it('handles large amounts: 60 wday and 100,000 wmin', () => {
    const s = at('2026-03-02T08:30:00+08:00'); // Mon
    // 60 wday from Mon 08:30 ends at 17:30 of the 60th working day. Counting working days:
    // Mar 2–31: 22; Apr 1–3: 25; Apr 4–6 off (清明); Apr 7–30: 43; May 1–5 off (劳动节);
    // May 6–8: 46; Sat May 9 (调休): 47; May 11–22: 57; May 25–27: 60 → Wed May 27 17:30
    const due = cn.add(s, wday(60));
    expect(due).toEqual(at('2026-05-27T17:30:00+08:00'));
    expect(cn.workingMinutesBetween(s, due)).toBe(60 * 420);
    // 100,000 wmin = 238 working days (99,960) + 40 min → 09:10 on the 239th working day
    const far = cn.add(s, wmin(100_000));
    expect(cn.workingMinutesBetween(s, far)).toBe(100_000);
    expect(far.toISOString().slice(11, 16)).toBe('01:10'); // 09:10 +08:00
  });

  it('rejects a negative amount and non-finite values', () => {
    const s = at('2026-03-10T09:00:00+08:00');
    expect(() => cn.add(s, wmin(-1))).toThrow(RangeError);
    expect(() => cn.add(s, day(-1))).toThrow(RangeError);
    expect(() => cn.add(s, wday(Number.NaN))).toThrow(RangeError);
    expect(() => cn.add(s, whour(Number.POSITIVE_INFINITY))).toThrow(RangeError);
    expect(() => cn.add(new Date(Number.NaN), wmin(1))).toThrow(RangeError);
  });
});

describe('WorkCalendar.workingMinutesBetween', () => {
  it('counts office minutes', () => {
    // Tue 11:00–15:00: 11:00–12:00 = 60 + 14:00–15:00 = 60
    expect(cn.workingMinutesBetween(at('2026-03-10T11:00:00+08:00'), at('2026-03-10T15:00:00+08:00'))).toBe(
      120,
    );
    // An ordinary week Mon 00:00 → next Mon 00:00: 5 × 420
    expect(cn.workingMinutesBetween(at('2026-03-09T00:00:00+08:00'), at('2026-03-16T00:00:00+08:00'))).toBe(
      2100,
    );
    // The Spring Festival example: Fri Feb 13 16:00 → Wed Feb 25 16:00 = 90 + 420 + 420 + 330 = 1260
    expect(cn.workingMinutesBetween(at('2026-02-13T16:00:00+08:00'), at('2026-02-25T16:00:00+08:00'))).toBe(
      1260,
    );
    // Nothing inside the lunch break or a holiday
    expect(cn.workingMinutesBetween(at('2026-03-10T12:00:00+08:00'), at('2026-03-10T14:00:00+08:00'))).toBe(
      0,
    );
    expect(cn.workingMinutesBetween(at('2026-10-01T00:00:00+08:00'), at('2026-10-08T00:00:00+08:00'))).toBe(
      0,
    );
  });

  it('is 0 when b <= a', () => {
    const a = at('2026-03-10T11:00:00+08:00');
    expect(cn.workingMinutesBetween(a, a)).toBe(0);
    expect(cn.workingMinutesBetween(a, at('2026-03-09T11:00:00+08:00'))).toBe(0);
  });

  it('is consistent with add (property)', () => {
    const lo = at('2024-12-01T00:00:00+08:00').getTime();
    const hi = at('2027-12-31T00:00:00+08:00').getTime();
    fc.assert(
      fc.property(fc.integer({ min: lo, max: hi }), fc.integer({ min: 0, max: 100_000 }), (t, n) => {
        const s = new Date(t);
        const due = cn.add(s, wmin(n));
        expect(cn.workingMinutesBetween(s, due)).toBe(n);
        // whour/wday are the same count in minutes
        if (n % 60 === 0) expect(cn.add(s, whour(n / 60))).toEqual(due);
        if (n % 420 === 0) expect(cn.add(s, wday(n / 420))).toEqual(due);
      }),
      { numRuns: 500 },
    );
  });

  it('add gives the earliest instant with that many minutes (property)', () => {
    // One ms earlier than the due instant, fewer minutes have passed (for n > 0)
    fc.assert(
      fc.property(
        fc.integer({
          min: at('2025-01-01T00:00:00+08:00').getTime(),
          max: at('2027-12-01T00:00:00+08:00').getTime(),
        }),
        fc.integer({ min: 1, max: 30_000 }),
        (t, n) => {
          const s = new Date(t);
          const due = cn.add(s, wmin(n));
          expect(cn.workingMinutesBetween(s, new Date(due.getTime() - 1))).toBeLessThan(n);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('chinaDate', () => {
  it('gives the China-time date of an instant', () => {
    expect(chinaDate(at('2026-02-13T23:59:59.999+08:00'))).toBe('2026-02-13');
    expect(chinaDate(at('2026-02-14T00:00:00+08:00'))).toBe('2026-02-14');
    expect(chinaDate(at('2025-12-31T16:00:00Z'))).toBe('2026-01-01'); // midnight +08:00
  });
});

describe('custom periods', () => {
  const plain = new WorkCalendar({ holidays: [], workdays: [], periods: [{ start: '09:00', end: '17:00' }] });

  it('uses one 09:00–17:00 period, 480 min a day, no lunch break', () => {
    expect(plain.minutesPerDay).toBe(480);
    // Tue 12:30 + 1 h = 13:30
    expect(plain.add(at('2026-03-10T12:30:00+08:00'), whour(1))).toEqual(at('2026-03-10T13:30:00+08:00'));
    // Tue 08:00 + 8 h: counting from 09:00, + 480 = 17:00 (the period end)
    expect(plain.add(at('2026-03-10T08:00:00+08:00'), whour(8))).toEqual(at('2026-03-10T17:00:00+08:00'));
    // Fri 16:00 + 1 wday (480): Fri 16:00–17:00 = 60, Mon 09:00 + 420 = 16:00
    expect(plain.add(at('2026-03-13T16:00:00+08:00'), wday(1))).toEqual(at('2026-03-16T16:00:00+08:00'));
    // Without holiday data, 2026-02-16 (Mon, 春节) is an ordinary working day
    expect(plain.isWorkingDay('2026-02-16')).toBe(true);
    expect(
      plain.workingMinutesBetween(at('2026-03-10T08:00:00+08:00'), at('2026-03-10T18:00:00+08:00')),
    ).toBe(480);
  });

  it('rejects invalid periods', () => {
    const mk = (periods: { start: string; end: string }[]) => () =>
      new WorkCalendar({ holidays: [], workdays: [], periods });
    expect(mk([])).toThrow(RangeError);
    expect(mk([{ start: '17:00', end: '09:00' }])).toThrow(RangeError);
    expect(mk([{ start: '9:00', end: '17:00' }])).toThrow(RangeError);
    expect(
      mk([
        { start: '08:00', end: '12:00' },
        { start: '11:00', end: '17:00' },
      ]),
    ).toThrow(RangeError);
  });
});
