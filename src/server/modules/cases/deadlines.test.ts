import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, stayLoggedIn, type TestApp } from '../../../../test/helpers/app.js';

/**
 * Deadlines on the working-day calendar, through the API, computed by hand.
 *
 * Office time is 08:30–12:00 and 14:00–17:30 (420 minutes a working day) unless a test changes it.
 * Grid events (the type used here unless said otherwise): accept within 30 working minutes
 * (urgent 10), dispatch within 30 (urgent 10), then the category's handling limit. The case's
 * deadline `dueAt` = report + accept limit + dispatch limit + handling limit, counted in office
 * time on working days; `stageDueAt` of a new case is its acceptance deadline.
 * All times below are China time (UTC+8); `cst()` turns them into the instants the API returns.
 */

let t: TestApp;
let grid: Client;
let admin: Client;

const cst = (local: string) => new Date(`${local}+08:00`).toISOString();

async function reportAt(local: string, body: Record<string, unknown>) {
  t.clock.set(cst(local));
  const r = await grid.post('/api/cases', { type: 'event', title: '时限测试', ...body });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: number; dueAt: string; stageDueAt: string; state: string };
}

/** A user's client that signs in again when a clock jump has expired its session. */
const user = (username: string): Client => stayLoggedIn(t, username);

beforeAll(async () => {
  t = await createTestApp({ clock: new Date('2026-11-23T09:00:00+08:00') });
  grid = user('grid_a');
  admin = user('sys_admin');
});
afterAll(async () => t?.close());

describe('deadlines over holidays and make-up working days', () => {
  it('Friday afternoon before the 2026 Spring Festival: the 调休 Saturday counts, the holiday week does not', async () => {
    // Fri 2026-02-13 16:00, accumulated garbage (4 working days = 1680 min):
    //   accept 16:00 + 30 → 16:30; dispatch → 17:00
    //   handle 1680 from Fri 17:00: Fri 17:00–17:30 30 (1650 left); Sat 02-14 is worked: 420 (1230);
    //   Sun 02-15 – Mon 02-23 holiday; Tue 02-24 420 (810); Wed 02-25 420 (390);
    //   Thu 02-26: 08:30–12:00 210 (180 left), 14:00 + 180 → 17:00
    const c = await reportAt('2026-02-13T16:00:00', { category: 'environment.accumulated_garbage' });
    expect(c.stageDueAt).toBe(cst('2026-02-13T16:30:00'));
    expect(c.dueAt).toBe(cst('2026-02-26T17:00:00'));
  });

  it('in the 2026 National Day week, the worked Saturday Oct 10 counts', async () => {
    // Wed 2026-09-30 15:00, accumulated garbage (1680 min): accept 15:30; dispatch 16:00
    //   handle: Wed 16:00–17:30 90 (1590); Oct 1–7 holiday; Thu 10-08 420 (1170); Fri 10-09 420 (750);
    //   Sat 10-10 worked 420 (330); Sun 10-11 off; Mon 10-12: 210 (120), 14:00 + 120 → 16:00
    const c = await reportAt('2026-09-30T15:00:00', { category: 'environment.accumulated_garbage' });
    expect(c.stageDueAt).toBe(cst('2026-09-30T15:30:00'));
    expect(c.dueAt).toBe(cst('2026-10-12T16:00:00'));
  });

  it('over New Year 2025-12-31 → 2026-01-04, the worked Sunday counts', async () => {
    // Wed 2025-12-31 16:00, unsafe wiring (2 working days = 840 min): accept 16:30; dispatch 17:00
    //   handle: Wed 17:00–17:30 30 (810); Jan 1–3 holiday; Sun 01-04 worked 420 (390);
    //   Mon 01-05: 210 (180), 14:00 + 180 → 17:00
    const c = await reportAt('2025-12-31T16:00:00', { category: 'safety.electric' });
    expect(c.dueAt).toBe(cst('2026-01-05T17:00:00'));
  });

  it('in 2027, a provisional year, only the statutory days are off (no 调休 yet)', async () => {
    const cal = await admin.get('/api/calendar/2027');
    expect(cal.json()).toMatchObject({ year: 2027, status: 'provisional' });
    // Thu 2027-02-04 16:00, accumulated garbage (1680 min): accept 16:30; dispatch 17:00
    //   handle: Thu 17:00–17:30 30 (1650); Fri 02-05 (除夕) holiday, Sat, Sun, Mon 02-08 holiday;
    //   Tue 02-09 420 (1230); Wed 420 (810); Thu 420 (390); Fri 02-12: 210 (180), 14:00 + 180 → 17:00
    const c = await reportAt('2027-02-04T16:00:00', { category: 'environment.accumulated_garbage' });
    expect(c.dueAt).toBe(cst('2027-02-12T17:00:00'));
  });
});

describe('limits by urgency and category', () => {
  it('urgent cases have shorter acceptance and dispatch limits', async () => {
    // Mon 2026-11-23 09:00, blocked fire exit (4 working hours = 240 min)
    // normal: accept 09:30, dispatch 10:00, handle 10:00–12:00 120 (120), 14:00 + 120 → 16:00
    const normal = await reportAt('2026-11-23T09:00:00', { category: 'fire.exit' });
    expect(normal.stageDueAt).toBe(cst('2026-11-23T09:30:00'));
    expect(normal.dueAt).toBe(cst('2026-11-23T16:00:00'));
    // urgent: accept 09:10, dispatch 09:20, handle 09:20–12:00 160 (80), 14:00 + 80 → 15:20
    const urgent = await reportAt('2026-11-23T09:00:00', { category: 'fire.exit', urgency: 'urgent' });
    expect(urgent.stageDueAt).toBe(cst('2026-11-23T09:10:00'));
    expect(urgent.dueAt).toBe(cst('2026-11-23T15:20:00'));
  });

  it('a limit in working hours skips the lunch break', async () => {
    // Tue 2026-11-24 08:30, dirty road (5 working hours = 300 min): accept 09:00; dispatch 09:30
    //   handle: 09:30–12:00 150 (150 left), lunch, 14:00 + 150 → 16:30 (7 wall-clock hours)
    const c = await reportAt('2026-11-24T08:30:00', { category: 'environment.dirty_road' });
    expect(c.dueAt).toBe(cst('2026-11-24T16:30:00'));
  });

  it('a case reported at the weekend starts counting on Monday morning', async () => {
    // Sat 2026-11-28 20:00, illegal parking (2 working hours): accept from Mon 08:30 → 09:00;
    //   dispatch 09:30; handle 120 → 11:30
    const c = await reportAt('2026-11-28T20:00:00', { category: 'order.parking' });
    expect(c.stageDueAt).toBe(cst('2026-11-30T09:00:00'));
    expect(c.dueAt).toBe(cst('2026-11-30T11:30:00'));
  });
});

describe('administrators change the limits and the calendar', () => {
  it('overrides apply most specific first: category, then group, then *; exact urgency before *', async () => {
    const set = async (category: string, urgency: string, amount: number, unit: string) => {
      const r = await admin.post('/api/case-limits', {
        type: 'event',
        category,
        urgency,
        stage: 'handle',
        amount,
        unit,
      });
      expect(r.statusCode, r.body).toBe(201);
      return r.json().id as number;
    };
    const ids = [
      await set('*', '*', 10, 'wday'), // every event
      await set('fire', '*', 2, 'wday'), // the fire-safety group
      await set('fire', 'urgent', 1, 'whour'), // the group, urgent cases
      await set('fire.hydrant', 'urgent', 3, 'whour'), // one category, urgent cases
    ];
    const bad = await admin.post(
      '/api/case-limits',
      { type: 'event', category: 'fire.nonsense', urgency: '*', stage: 'handle', amount: 1, unit: 'wday' },
      { 'accept-language': 'en' },
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0]).toMatchObject({
      path: 'category',
      message: 'No such category for this type',
    });

    const at = '2026-11-25T09:00:00'; // a Wednesday; normal: dispatched by 10:00, urgent by 09:20
    // fire.hydrant urgent → its own override, 3 working hours: 09:20–12:00 160 (20), 14:00 + 20 → 14:20
    expect((await reportAt(at, { category: 'fire.hydrant', urgency: 'urgent' })).dueAt).toBe(
      cst('2026-11-25T14:20:00'),
    );
    // fire.exit urgent → the group's urgent override, 1 working hour: 09:20 + 60 → 10:20
    expect((await reportAt(at, { category: 'fire.exit', urgency: 'urgent' })).dueAt).toBe(
      cst('2026-11-25T10:20:00'),
    );
    // fire.hydrant normal → no category override for normal or *, so the group's *: 2 working days
    //   Wed 10:00–17:30 330 (510); Thu 420 (90); Fri 08:30 + 90 → 10:00
    expect((await reportAt(at, { category: 'fire.hydrant' })).dueAt).toBe(cst('2026-11-27T10:00:00'));
    // fire.exit normal → the group's * too (over its own 4 working hours in code)
    expect((await reportAt(at, { category: 'fire.exit' })).dueAt).toBe(cst('2026-11-27T10:00:00'));
    // exposed garbage → the type's *: 10 working days from Wed 10:00 → Wed 2026-12-09 10:00
    expect((await reportAt(at, { category: 'environment.exposed_garbage' })).dueAt).toBe(
      cst('2026-12-09T10:00:00'),
    );
    // a request is another type: its code default, help with repairs 3 working days from Wed 10:00
    t.clock.set(cst(at));
    const req = await user('resident').post('/api/cases', {
      type: 'request',
      category: 'help.repair',
      title: '单元门禁损坏',
    });
    expect(req.json().dueAt).toBe(cst('2026-11-30T10:00:00'));

    // removed, the code's limits apply again: exposed garbage 1 working day
    //   Wed 10:00–17:30 330 (90); Thu 08:30 + 90 → 10:00
    for (const id of ids) expect((await admin.del(`/api/case-limits/${id}`)).statusCode).toBe(200);
    expect((await reportAt(at, { category: 'environment.exposed_garbage' })).dueAt).toBe(
      cst('2026-11-26T10:00:00'),
    );
  });

  it('a holiday added to 2027 moves the deadline of new cases; earlier cases keep theirs', async () => {
    // Mon 2027-03-01 16:00, exposed garbage (420 min): accept 16:30, dispatch 17:00,
    //   handle Mon 17:00–17:30 30 (390); Tue 03-02: 210 (180), 14:00 + 180 → 17:00
    const old = await reportAt('2027-03-01T16:00:00', { category: 'environment.exposed_garbage' });
    expect(old.dueAt).toBe(cst('2027-03-02T17:00:00'));

    const year = (await admin.get('/api/calendar/2027')).json();
    const put = await admin.put('/api/calendar/2027', {
      status: 'provisional',
      source: year.source,
      days: [...year.days, { date: '2027-03-02', kind: 'holiday', name: '测试假日' }],
    });
    expect(put.statusCode, put.body).toBe(200);
    const after = (await admin.get('/api/calendar/2027')).json();
    expect(after.days).toHaveLength(year.days.length + 1);
    expect(after.days).toContainEqual({ date: '2027-03-02', kind: 'holiday', name: '测试假日' });

    // the same report now: Tue 03-02 is off, so Wed 03-03 17:00
    const fresh = await reportAt('2027-03-01T16:00:00', { category: 'environment.exposed_garbage' });
    expect(fresh.dueAt).toBe(cst('2027-03-03T17:00:00'));
    expect((await grid.get(`/api/cases/${old.id}`)).json().dueAt).toBe(cst('2027-03-02T17:00:00'));
  });

  it('office hours edited: new deadlines count the new periods', async () => {
    const put = await admin.put('/api/calendar/office-hours', {
      periods: [
        { start: '09:00', end: '12:00' },
        { start: '13:00', end: '18:00' },
      ],
    });
    expect(put.statusCode, put.body).toBe(200);
    try {
      // Tue 2026-11-24 08:00 (before office), dirty road (300 min): counting starts 09:00;
      //   accept 09:30, dispatch 10:00; handle 10:00–12:00 120 (180), 13:00 + 180 → 16:00
      const road = await reportAt('2026-11-24T08:00:00', { category: 'environment.dirty_road' });
      expect(road.stageDueAt).toBe(cst('2026-11-24T09:30:00'));
      expect(road.dueAt).toBe(cst('2026-11-24T16:00:00'));
      // a working day is now 480 min: exposed garbage from Tue 10:00: 120 + 300 = 420 (60 left);
      //   Wed 09:00 + 60 → 10:00
      const garbage = await reportAt('2026-11-24T08:00:00', { category: 'environment.exposed_garbage' });
      expect(garbage.dueAt).toBe(cst('2026-11-25T10:00:00'));

      const overlap = await admin.put(
        '/api/calendar/office-hours',
        {
          periods: [
            { start: '09:00', end: '12:00' },
            { start: '11:00', end: '18:00' },
          ],
        },
        { 'accept-language': 'en' },
      );
      expect(overlap.statusCode).toBe(400);
      expect(overlap.json().issues[0].path).toBe('periods.1');
    } finally {
      const back = await admin.put('/api/calendar/office-hours', {
        periods: [
          { start: '08:30', end: '12:00' },
          { start: '14:00', end: '17:30' },
        ],
      });
      expect(back.statusCode).toBe(200);
    }
  });

  it('only those who configure cases may change the calendar or the limits', async () => {
    const year = (await admin.get('/api/calendar/2027')).json();
    const r = await grid.put('/api/calendar/2027', { status: 'provisional', days: year.days });
    expect(r.statusCode).toBe(403);
    const l = await grid.post('/api/case-limits', {
      type: 'event',
      category: '*',
      urgency: '*',
      stage: 'handle',
      amount: 1,
      unit: 'wday',
    });
    expect(l.statusCode).toBe(403);
  });

  it.each([
    ['a make-up working day on a weekday', { date: '2027-03-03', kind: 'workday', name: '调休' }],
    ['a date outside the year', { date: '2026-12-31', kind: 'holiday', name: '跨年' }],
    ['a date listed twice', { date: '2027-01-01', kind: 'holiday', name: '元旦' }],
  ])('refuses %s with 400 naming the field, in zh and in en', async (_, bad) => {
    const year = (await admin.get('/api/calendar/2027')).json();
    const days = [...year.days, bad];
    const path = `days.${days.length - 1}.date`;
    const zh = await admin.put('/api/calendar/2027', { status: 'provisional', days });
    expect(zh.statusCode).toBe(400);
    expect(zh.json().code).toBe('VALIDATION_FAILED');
    expect(zh.json().message).toBe(`请求内容有误：${path}`);
    expect(zh.json().issues[0].path).toBe(path);
    expect(zh.json().issues[0].message).toMatch(/[\u4e00-\u9fa5]/);
    const en = await admin.put(
      '/api/calendar/2027',
      { status: 'provisional', days },
      { 'accept-language': 'en' },
    );
    expect(en.statusCode).toBe(400);
    expect(en.json().message).toBe(`Invalid request: ${path}`);
    expect(en.json().issues[0].path).toBe(path);
    expect(en.json().issues[0].message).toMatch(/^[\x20-\x7e]+$/);
    // nothing changed
    expect((await admin.get('/api/calendar/2027')).json().days).toEqual(year.days);
  });
});

describe('extensions', () => {
  it('an approved extension moves the deadline by working days, over the weekend', async () => {
    // Wed 2026-11-25 09:00, exposed garbage: accept 09:30, dispatch 10:00, handle 420:
    //   Wed 10:00–17:30 330 (90); Thu 11-26 08:30 + 90 → 10:00
    const c = await reportAt('2026-11-25T09:00:00', { category: 'environment.exposed_garbage' });
    expect(c.dueAt).toBe(cst('2026-11-26T10:00:00'));
    const worker = user('community_worker');
    const secretary = user('community_admin');
    const step = async (who: Client, body: Record<string, unknown>) => {
      const r = await who.post(`/api/cases/${c.id}/transitions`, body);
      expect(r.statusCode, r.body).toBe(200);
      return r.json();
    };
    await step(worker, { action: 'accept' });
    await step(worker, {
      action: 'dispatch',
      assigneeUserId: (await worker.get('/api/auth/me')).json().user.id,
    });
    const handling = await step(worker, { action: 'sign' });
    expect(handling.stageDueAt).toBe(cst('2026-11-26T10:00:00'));
    await step(worker, { action: 'extend_request', amount: 2, unit: 'wday', comment: '需协调环卫车辆' });
    const refused = await step(secretary, { action: 'extend_decide', approved: false });
    expect(refused.dueAt).toBe(cst('2026-11-26T10:00:00'));
    expect(refused.extensionCount).toBe(0);
    await step(worker, { action: 'extend_request', amount: 2, unit: 'wday', comment: '需协调环卫车辆' });
    // + 2 working days from Thu 10:00: Fri 11-27 10:00, (weekend), Mon 11-30 10:00
    const approved = await step(secretary, { action: 'extend_decide', approved: true });
    expect(approved.dueAt).toBe(cst('2026-11-30T10:00:00'));
    expect(approved.stageDueAt).toBe(cst('2026-11-30T10:00:00'));
    expect(approved.extensionCount).toBe(1);
  });
});
