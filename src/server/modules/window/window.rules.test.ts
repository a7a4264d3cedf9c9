import { describe, expect, it } from 'vitest';
import { limitProblem, MatterInput } from '../../../contract/window.js';
import { WorkCalendar } from '../../engines/calendar/calendar.js';
import { CN_CALENDAR } from '../../engines/calendar/calendar-cn.js';
import { Timing } from '../../engines/cases/timing.js';
import { APPLICATION_CATEGORIES, applicationType } from './application.js';
import { parseMaterials } from './window.import.js';
import { addWorkingDays, deadlinesAt, dueAfter, extendedDue } from './window.rules.js';

/**
 * The window's deadlines on the 2026 calendar, counted by hand. 2026: 中秋 9-25..27, 国庆
 * 10-01..07 holidays; Sun 9-20 and Sat 10-10 are 调休 working days.
 */
const days = CN_CALENDAR.flatMap((y) => y.days);
const cal = new WorkCalendar({
  holidays: days.filter((d) => d.kind === 'holiday').map((d) => d.date),
  workdays: days.filter((d) => d.kind === 'workday').map((d) => d.date),
  periods: [
    { start: '08:30', end: '12:00' },
    { start: '14:00', end: '17:30' },
  ],
} as never);

describe('working days count from the day after acceptance (rule 8)', () => {
  it('an ordinary week: accepted Mon 12-07, 5 wd → Mon 12-14', () => {
    expect(addWorkingDays(cal, '2026-12-07', 5)).toBe('2026-12-14');
  });
  it('across 国庆 with a 调休 Saturday: Tue 09-29 + 5 wd → 09-30, 10-08, 10-09, 10-10 (Sat), 10-12', () => {
    expect(addWorkingDays(cal, '2026-09-29', 5)).toBe('2026-10-12');
  });
  it('a 调休 Sunday counts: Fri 09-18 + 5 wd → 09-20 (Sun), 21, 22, 23, 24', () => {
    expect(addWorkingDays(cal, '2026-09-18', 5)).toBe('2026-09-24');
  });
  it('即办件: no promised limit, due the day it is accepted', () => {
    expect(
      deadlinesAt(
        cal,
        '2026-09-29',
        { promisedLimit: null, limitUnit: 'wday', method: 'direct' },
        { gap: false, supplementDays: 3 },
      ),
    ).toEqual({ dueOn: '2026-09-29', supplementDueOn: null, forwardDueOn: null });
  });
  it('calendar days are calendar days: 09-29 + 10 days → 10-09', () => {
    expect(dueAfter(cal, '2026-09-29', 10, 'day')).toBe('2026-10-09');
  });
});

describe('容缺, 上报 and 延期', () => {
  it('容缺 keeps the original due date and sets 补正 in 3 wd; 上报 within 3 wd', () => {
    const d = deadlinesAt(
      cal,
      '2026-09-29',
      { promisedLimit: 5, limitUnit: 'wday', method: 'forward' },
      { gap: true, supplementDays: 3 },
    );
    expect(d).toEqual({ dueOn: '2026-10-12', supplementDueOn: '2026-10-09', forwardDueOn: '2026-10-09' });
  });
  it('补正 after a 告知单 restarts the full limit from the day after the materials arrive', () => {
    // 告知 on Mon 09-14, materials arrive Fri 09-18: 5 wd from 09-19 → 09-24, not the remainder.
    const d = deadlinesAt(
      cal,
      '2026-09-18',
      { promisedLimit: 5, limitUnit: 'wday', method: 'direct' },
      { gap: false, supplementDays: 3 },
    );
    expect(d.dueOn).toBe('2026-09-24');
  });
  it('an approved extension of 2 wd moves 10-12 to 10-14', () => {
    expect(extendedDue(cal, '2026-10-12', 2)).toBe('2026-10-14');
  });
});

describe('the catalogue’s limits (rule 6)', () => {
  const base = { baseCode: 'T1', name: '测试', department: '民政', effectiveOn: '2026-01-01' };
  it('refuses a promised limit not below the legal one, naming the field', () => {
    const r = MatterInput.safeParse({ ...base, legalLimit: 10, promisedLimit: 10 });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['promisedLimit']);
    expect(limitProblem({ legalLimit: 10, promisedLimit: 10 }, 'zh')).toContain('须少于法定时限');
  });
  it('accepts 9 < 10, and no legal limit as 即办', () => {
    expect(MatterInput.safeParse({ ...base, legalLimit: 10, promisedLimit: 9 }).success).toBe(true);
    expect(MatterInput.safeParse({ ...base }).success).toBe(true);
  });
  it('refuses a promised limit over the local ceiling of 20 wd', () => {
    expect(limitProblem({ legalLimit: 30, promisedLimit: 21 }, 'en')).toContain('at most 20');
  });
  it('refuses a code longer than 12 (基本编码)', () => {
    const r = MatterInput.safeParse({ ...base, baseCode: '1234567890123' });
    expect(r.error?.issues[0]?.path).toEqual(['baseCode']);
  });
});

describe('a materials cell from the county sheet', () => {
  it('reads names, necessity and form', () => {
    expect(parseMaterials('1. 身份证（必要）；户口簿（容缺可，复印件）;银行卡(非必要)')).toEqual([
      { name: '身份证', necessity: 'required', form: '原件', copies: 1, source: null, review: null },
      { name: '户口簿', necessity: 'gap_ok', form: '复印件', copies: 1, source: null, review: null },
      { name: '银行卡', necessity: 'optional', form: '原件', copies: 1, source: null, review: null },
    ]);
  });
});

describe('the promised date is the case’s own deadline (engine: CaseTypeDef.ownDue)', () => {
  // China time is UTC+8: 17:30 China = 09:30Z, the close of office on the promised day.
  const timing = new Timing(cal, []);
  const category = APPLICATION_CATEGORIES[1]!.code;
  const detail = (promisedLimit: number | null, limitUnit: 'wday' | 'day' = 'wday') => ({
    promisedLimit,
    limitUnit,
  });

  it('accepted Tue 09-29 10:15 with 5 wd, across 国庆 and the 调休 Saturday → due 10-12 17:30', () => {
    const reportedAt = new Date('2026-09-29T02:15:00Z');
    const p = timing.plan(applicationType, { category, urgency: 'normal', reportedAt, detail: detail(5) });
    expect(p.dueAt.toISOString()).toBe('2026-10-12T09:30:00.000Z');
    // taking it up is due 4 office hours later: 10:15–12:00 and 14:00–16:15 the same day
    expect(p.acceptDueAt.toISOString()).toBe('2026-09-29T08:15:00.000Z');
  });

  it('a 即办件 accepted 09-29 16:00 is due at 17:30 that day; taking it up is never due later', () => {
    const reportedAt = new Date('2026-09-29T08:00:00Z');
    const p = timing.plan(applicationType, { category, urgency: 'normal', reportedAt, detail: detail(null) });
    expect(p.dueAt.toISOString()).toBe('2026-09-29T09:30:00.000Z');
    expect(p.acceptDueAt.toISOString()).toBe('2026-09-29T09:30:00.000Z');
  });

  it('calendar days: 09-29 + 10 days → 10-09 17:30, holidays counted', () => {
    const reportedAt = new Date('2026-09-29T02:15:00Z');
    const p = timing.plan(applicationType, {
      category,
      urgency: 'normal',
      reportedAt,
      detail: detail(10, 'day'),
    });
    expect(p.dueAt.toISOString()).toBe('2026-10-09T09:30:00.000Z');
  });

  it('after 补正 the full limit restarts from the day after the materials arrive: Fri 10-09 + 5 wd → 10-15', () => {
    // 10-10 (调休 Sat), 10-12, 10-13, 10-14, 10-15
    const at = new Date('2026-10-09T07:00:00Z');
    const due = timing.restart(applicationType, { category, urgency: 'normal', detail: detail(5) }, at);
    expect(due.toISOString()).toBe('2026-10-15T09:30:00.000Z');
  });

  it('an approved extension of 2 wd from the close of 10-12 ends at the close of 10-14', () => {
    expect(cal.add(new Date('2026-10-12T09:30:00Z'), { amount: 2, unit: 'wday' }).toISOString()).toBe(
      '2026-10-14T09:30:00.000Z',
    );
  });

  it('a type without its own deadline keeps its category’s handling limit', () => {
    const reportedAt = new Date('2026-09-29T02:15:00Z');
    const p = timing.plan(applicationType, { category, urgency: 'normal', reportedAt, detail: {} });
    // accept 4 wh (09-29 16:15) + dispatch 1 wh (16:15–17:15) + 20 wd of the category
    expect(p.dueAt.getTime()).toBeGreaterThan(new Date('2026-10-27T00:00:00Z').getTime());
  });
});
