import { describe, expect, it } from 'vitest';
import { DEFAULT_PERIODS, WorkCalendar } from '../../engines/calendar/calendar.js';
import { CN_CALENDAR } from '../../engines/calendar/calendar-cn.js';
import { civilDeadline, civilMonthsAfter } from '../../engines/calendar/months.js';
import {
  type DevState,
  devWarnings,
  dueItems,
  duesFor,
  nextSteps,
  orgWarnings,
  wholeYears,
} from './party.rules.js';

const days = CN_CALENDAR.flatMap((y) => y.days);
const cal = new WorkCalendar({
  holidays: days.filter((d) => d.kind === 'holiday').map((d) => d.date),
  workdays: days.filter((d) => d.kind === 'workday').map((d) => d.date),
  periods: DEFAULT_PERIODS,
});

describe('民法典 month counting (arts. 202–203), hand-computed', () => {
  it('takes the corresponding day, or the month end when there is none', () => {
    expect(civilMonthsAfter('2026-01-31', 1)).toBe('2026-02-28');
    expect(civilMonthsAfter('2024-02-29', 12)).toBe('2025-02-28');
    expect(civilMonthsAfter('2024-01-31', 1)).toBe('2024-02-29');
    expect(civilMonthsAfter('2026-08-31', 3)).toBe('2026-11-30');
    expect(civilMonthsAfter('2026-10-31', 6)).toBe('2027-04-30');
    expect(civilMonthsAfter('2026-12-15', 1)).toBe('2027-01-15');
  });
  it('moves a time limit ending on a holiday or weekend to the next working day', () => {
    // 2026-02-28 is a Saturday worked (春节调休): it stays
    expect(civilDeadline(cal, '2026-01-31', 1)).toBe('2026-02-28');
    // 2026-02-15 (春节) → first working day after the holiday: 2026-02-24
    expect(civilDeadline(cal, '2026-01-15', 1)).toBe('2026-02-24');
    // 2026-03-07 is a Saturday → Monday 2026-03-09
    expect(civilDeadline(cal, '2026-02-07', 1)).toBe('2026-03-09');
  });
});

describe('dues bands at the edges (中组部 2008), to the fen', () => {
  it('working', () => {
    expect(duesFor('working', 3000)).toEqual({ rate: 0.5, due: 15 });
    expect(duesFor('working', 3000.01)).toEqual({ rate: 1, due: 30 });
    expect(duesFor('working', 5000)).toEqual({ rate: 1, due: 50 });
    expect(duesFor('working', 5000.01)).toEqual({ rate: 1.5, due: 75 });
    expect(duesFor('working', 10000)).toEqual({ rate: 1.5, due: 150 });
    expect(duesFor('working', 10000.01)).toEqual({ rate: 2, due: 200 });
    expect(duesFor('working', 4321.55)).toEqual({ rate: 1, due: 43.22 });
  });
  it('retired, fixed amounts and rounding', () => {
    expect(duesFor('retired', 5000)).toEqual({ rate: 0.5, due: 25 });
    expect(duesFor('retired', 5000.01)).toEqual({ rate: 1, due: 50 });
    expect(duesFor('student', 0).due).toBe(0.2);
    expect(duesFor('relief', 800).due).toBe(0.2);
    expect(duesFor('working', 2345, 'jiao').due).toBe(11.7);
    expect(duesFor('working', 2345, 'yuan').due).toBe(12);
  });
});

const base = (over: Partial<DevState>): DevState => ({
  stage: 'applicant',
  dates: {},
  trainingDays: 0,
  trainingHours: 0,
  extendedUntil: null,
  birthDate: '2000-01-01',
  ...over,
});

describe('recruitment due dates (dev-2014)', () => {
  it('talk within a month of a month-end application', () => {
    const items = dueItems(cal, base({ dates: { applied: '2026-01-31' } }), '2026-02-10');
    expect(items).toEqual([expect.objectContaining({ rule: 'talk', date: '2026-02-28', state: 'open' })]);
    const late = dueItems(cal, base({ dates: { applied: '2026-01-31', talk: '2026-03-02' } }), '2026-03-10');
    expect(late[0]!.state).toBe('late');
    expect(devWarnings(base({ dates: { applied: '2026-01-31', talk: '2026-03-02' } }), late)[0]!.code).toBe(
      'talk',
    );
  });
  it('a year as activist, short training, probation from a leap day', () => {
    const s = base({
      stage: 'probationary',
      dates: {
        applied: '2022-06-01',
        talk: '2022-06-10',
        activist: '2022-09-01',
        candidate: '2023-08-01',
        prereview: '2024-02-01',
        admit: '2024-02-29',
      },
      trainingDays: 2,
      trainingHours: 16,
    });
    const items = dueItems(cal, s, '2024-03-01');
    const by = (r: string) => items.find((i) => i.rule === r)!;
    expect(by('activistYear')).toMatchObject({ date: '2023-09-01', state: 'early' });
    expect(by('meeting')).toMatchObject({ date: '2024-03-01', state: 'ok' });
    expect(by('probation')).toMatchObject({ date: '2025-02-28', kind: 'earliest' });
    // 2024-05-29 (Wed) is three months on; six months on 2024-08-29 (Thu)
    expect(by('approve')).toMatchObject({ date: '2024-05-29', state: 'open' });
    expect(by('approveMax').date).toBe('2024-08-29');
    const codes = devWarnings(s, items).map((w) => w.code);
    expect(codes).toEqual(['activistYear', 'training']);
    expect(nextSteps(s)).toEqual(['approve', 'extend', 'cancel']);
  });
  it('oath a month after approval; extension up to a year past the probation end', () => {
    const s = base({
      stage: 'extended',
      dates: { applied: '2023-01-02', admit: '2025-03-31', approve: '2025-05-30', oath: '2025-07-15' },
      extendedUntil: '2026-09-30',
    });
    const items = dueItems(cal, s, '2026-04-01');
    const by = (r: string) => items.find((i) => i.rule === r)!;
    expect(by('oath')).toMatchObject({ date: '2025-06-30', state: 'late' });
    expect(by('extension')).toMatchObject({ date: '2027-03-31', state: 'ok' });
    expect(by('probation').date).toBe('2026-09-30');
  });
});

describe('structure', () => {
  it('warns under 3, at 7 without committee, over 50', () => {
    expect(orgWarnings('branch', 2, 2, false, null).map((w) => w.code)).toEqual(['few']);
    expect(orgWarnings('branch', 8, 7, false, null).map((w) => w.code)).toEqual(['committee']);
    expect(orgWarnings('branch', 51, 45, true, -3).map((w) => w.code)).toEqual(['large', 'term']);
    expect(orgWarnings('general', 51, 45, true, 30).map((w) => w.code)).toEqual(['term-soon']);
  });
  it('党龄 in whole years', () => {
    expect(wholeYears('2000-07-01', '2026-06-30')).toBe(25);
    expect(wholeYears('2000-07-01', '2026-07-01')).toBe(26);
  });
});
