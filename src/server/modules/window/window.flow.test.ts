import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, stayLoggedIn, type TestApp } from '../../../../test/helpers/app.js';
import { DEMO } from '../../platform/demo.js';

/**
 * An application's clock through 补正, 延期 and 转办 (design/modules/window.md rules 8, 10, 13), on
 * the 2026 calendar by hand. December 2026 has no holiday and no 调休: Mon–Fri are working days.
 * 失业登记 (RS0001): promised 3 wd, legal 5 wd, 受理后上报. Office closes 17:30 China = 09:30Z.
 */
let t: TestApp;
let secretary: Client;
let worker: Client;
let street: Client;
let communityId: number;
let streetAdminId: number;

beforeAll(async () => {
  t = await createTestApp({ clock: new Date('2026-12-07T02:00:00Z') }); // Mon 12-07 10:00 China
  secretary = stayLoggedIn(t, 'community_admin');
  worker = stayLoggedIn(t, 'community_worker');
  street = stayLoggedIn(t, 'street_admin');
  communityId = (
    await t.db.selectFrom('areas').select('id').where('name', '=', DEMO.detailed).executeTakeFirstOrThrow()
  ).id;
  streetAdminId = (
    await t.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'street_admin')
      .executeTakeFirstOrThrow()
  ).id;
});
afterAll(async () => {
  await t?.close();
});

const row = (id: number) =>
  t.db
    .selectFrom('cases')
    .select(['state', 'dueAt', 'stageDueAt', 'clockFrom', 'slaNextAt', 'closedAt', 'assigneeUserId'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

describe('补正 stops the clock and restarts it in full; 延期 within the legal limit; 转办 to the street', () => {
  let id: number;

  it('accepted Mon 12-07: due Thu 12-10 17:30 (3 wd from 12-08), 上报 due 12-10', async () => {
    const m = (await worker.get('/api/window/matters?q=RS0001')).json().items[0];
    expect(m).toMatchObject({ name: '失业登记', legalLimit: 5, promisedLimit: 3 });
    const r = await worker.post('/api/window/applications', {
      matterId: m.id,
      areaId: communityId,
      applicantName: '张建军',
      provided: [0, 1, 2],
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ dueOn: '2026-12-10', dueAt: '2026-12-10T09:30:00.000Z' });
    expect(r.json().detail).toMatchObject({ promisedLimit: 3, legalLimit: 5, forwardDueOn: '2026-12-10' });
    id = r.json().id;
  });

  it('告知补正 (suspend): the clock stops — no running stage, nothing for the sweep', async () => {
    const r = await worker.post(`/api/cases/${id}/transitions`, {
      action: 'suspend',
      comment: '告知补正：户口簿复印件不清晰，请补交',
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().state).toBe('pending');
    const c = await row(id);
    expect(c.stageDueAt).toBeNull();
    expect(c.slaNextAt).toBeNull();
  });

  it('materials arrive Fri 12-11: the full 3 wd again from Mon 12-14 → Wed 12-16 17:30, not the remainder', async () => {
    t.clock.set('2026-12-11T03:00:00Z'); // Fri 11:00 China
    const r = await worker.post(`/api/cases/${id}/transitions`, { action: 'resume' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().state).toBe('handling');
    const c = await row(id);
    expect(c.dueAt.toISOString()).toBe('2026-12-16T09:30:00.000Z');
    expect(c.stageDueAt?.toISOString()).toBe('2026-12-16T09:30:00.000Z');
    expect(c.clockFrom?.toISOString()).toBe('2026-12-11T03:00:00.000Z');
  });

  it('延期 past the legal limit (5 wd from 12-14 → Fri 12-18) is refused on amount; 2 wd approved → 12-18', async () => {
    // 12-16 + 3 wd = 12-17, 12-18, 12-21: past 12-18
    const over = await worker.post(`/api/cases/${id}/transitions`, {
      action: 'extend_request',
      amount: 3,
      comment: '需街道复核',
    });
    expect(over.statusCode).toBe(400);
    expect(over.json().issues[0].path).toBe('amount');
    expect(over.json().issues[0].message).toContain('2026-12-18');
    const ok = await worker.post(`/api/cases/${id}/transitions`, {
      action: 'extend_request',
      amount: 2,
      comment: '需街道复核',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    // the worker holds no supervise: only the secretary decides
    expect(
      (await worker.post(`/api/cases/${id}/transitions`, { action: 'extend_decide', approved: true }))
        .statusCode,
    ).toBe(403);
    const d = await secretary.post(`/api/cases/${id}/transitions`, {
      action: 'extend_decide',
      approved: true,
    });
    expect(d.statusCode, d.body).toBe(200);
    const c = await row(id);
    expect(c.dueAt.toISOString()).toBe('2026-12-18T09:30:00.000Z');
    expect(c.stageDueAt?.toISOString()).toBe('2026-12-18T09:30:00.000Z');
  });

  it('转办 to the street: signed there, its result concluded by the window before the due date', async () => {
    const f = await worker.post(`/api/cases/${id}/transitions`, {
      action: 'dispatch',
      assigneeUserId: streetAdminId,
      department: '街道社保所',
      comment: '收受分离，上报街道审核',
    });
    expect(f.statusCode, f.body).toBe(200);
    expect(f.json().state).toBe('dispatched');
    expect((await street.post(`/api/cases/${id}/transitions`, { action: 'sign' })).statusCode).toBe(200);
    t.clock.set('2026-12-15T06:00:00Z'); // Tue 14:00 China
    const fb = await street.post(`/api/cases/${id}/transitions`, {
      action: 'feedback',
      comment: '审核通过，准予登记',
    });
    expect(fb.statusCode, fb.body).toBe(200);
    // the street's worker does not conclude their own work; the window does
    const done = await worker.post(`/api/cases/${id}/transitions`, { action: 'verify', passed: true });
    expect(done.statusCode, done.body).toBe(200);
    const c = await row(id);
    expect(c.state).toBe('closed');
    expect(c.closedAt!.getTime()).toBeLessThanOrEqual(c.dueAt.getTime());
  });

  it('a 补正 never brought in: terminated from 待补正 with the written reason', async () => {
    const m = (await worker.get('/api/window/matters?q=RS0001')).json().items[0];
    const r = await worker.post('/api/window/applications', {
      matterId: m.id,
      areaId: communityId,
      applicantName: '李秀英',
      provided: [0, 1, 2],
    });
    const cid = r.json().id;
    expect(
      (
        await worker.post(`/api/cases/${cid}/transitions`, {
          action: 'suspend',
          comment: '告知补正：缺登记表签字',
        })
      ).statusCode,
    ).toBe(200);
    const end = await worker.post(`/api/cases/${cid}/transitions`, {
      action: 'reject',
      reason: 'invalid',
      comment: '补正期限已过，申请人未补正，终止办理',
    });
    expect(end.statusCode, end.body).toBe(200);
    expect(end.json().state).toBe('rejected');
  });

  it('告知补正率 by hand: both applications accepted in December went through 待补正 → 2/2', async () => {
    t.clock.set('2026-12-21T02:00:00Z'); // the running month now takes in the 12-18 due date
    const r = await street.get(`/api/dashboard?areaId=${communityId}&from=2026-12-01&to=2026-12-31`);
    expect(r.statusCode, r.body).toBe(200);
    const fig = (k: string) => r.json().figures.find((f: { key: string }) => f.key === `window.${k}`);
    expect(fig('supplementRate')).toMatchObject({ numerator: 2, denominator: 2, value: 1 });
    // one due 12-18 (after its extension) and concluded 12-15: on time; the terminated one is not due
    expect(fig('onTimeRate')).toMatchObject({ numerator: 1, denominator: 1 });
  });
});

describe('rosters: who staffs which window when, and the 错时 minimum', () => {
  const uid = async (username: string) =>
    (await t.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow())
      .id;

  it('counts each slot’s staff against its minimum (错时: 2 by default); an overlapping shift is 409', async () => {
    // Sat 12-19 morning duty (错时, weekend): the slot needs 2
    const slot = await secretary.post('/api/window/slots', {
      areaId: communityId,
      day: '2026-12-19',
      starts: '08:30',
      ends: '11:30',
      group: '民政',
      capacity: 10,
      offHours: true,
    });
    expect(slot.statusCode, slot.body).toBe(200);
    expect(slot.json().minStaff).toBe(2);
    // a noon 错时 slot on Sun 12-20 nobody is rostered for
    const noon = await secretary.post('/api/window/slots', {
      areaId: communityId,
      day: '2026-12-20',
      starts: '11:30',
      ends: '13:00',
      group: '社保',
      capacity: 5,
      offHours: true,
    });
    expect(noon.statusCode, noon.body).toBe(200);

    const workerId = await uid('community_worker');
    const secretaryId = await uid('community_admin');
    const shift = (userId: number, starts: string, ends: string, windowNo: number) =>
      secretary.post('/api/window/rosters', {
        areaId: communityId,
        day: '2026-12-19',
        starts,
        ends,
        windowNo,
        userId,
        offHours: true,
      });
    const a = await shift(workerId, '08:00', '12:00', 1);
    expect(a.statusCode, a.body).toBe(200);
    expect(a.json()).toMatchObject({ windowNo: 1, staffName: expect.any(String) });
    let day = (await worker.get(`/api/window/rosters?areaId=${communityId}&day=2026-12-19`)).json();
    expect(day.coverage).toEqual([
      expect.objectContaining({ starts: '08:30', minStaff: 2, staff: 1, ok: false }),
    ]);
    // the same person cannot be on two windows at once
    const twice = await shift(workerId, '11:00', '13:00', 2);
    expect(twice.statusCode).toBe(409);
    // a shift that does not cover the whole slot does not count
    expect((await shift(secretaryId, '09:00', '11:30', 2)).statusCode).toBe(200);
    day = (await worker.get(`/api/window/rosters?areaId=${communityId}&day=2026-12-19`)).json();
    expect(day.coverage[0]).toMatchObject({ staff: 1, ok: false });
    const part = day.entries.find((e: { starts: string }) => e.starts === '09:00');
    expect((await secretary.del(`/api/window/rosters/${part.id}`)).statusCode).toBe(204);
    expect((await shift(secretaryId, '08:30', '11:30', 2)).statusCode).toBe(200);
    day = (await worker.get(`/api/window/rosters?areaId=${communityId}&day=2026-12-19`)).json();
    expect(day.coverage[0]).toMatchObject({ staff: 2, ok: true });
    expect(day.entries).toHaveLength(2);
  });

  it('refuses an unknown staff member on userId, and a worker without window.manage', async () => {
    const body = {
      areaId: communityId,
      day: '2026-12-19',
      starts: '14:00',
      ends: '17:30',
      windowNo: 1,
      userId: 99999999,
    };
    const bad = await secretary.post('/api/window/rosters', body);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].path).toBe('userId');
    const noRight = await worker.post('/api/window/rosters', {
      ...body,
      userId: await uid('community_worker'),
    });
    expect(noRight.statusCode).toBe(403);
  });

  it('错时覆盖率 by hand: of the two 错时 slots (12-19 staffed 2/2, 12-20 noon 0/2), one covered → 1/2', async () => {
    const r = await street.get(`/api/dashboard?areaId=${communityId}&from=2026-12-01&to=2026-12-31`);
    expect(r.statusCode, r.body).toBe(200);
    const fig = r.json().figures.find((f: { key: string }) => f.key === 'window.offHoursCoverage');
    expect(fig).toMatchObject({ numerator: 1, denominator: 2, value: 0.5 });
  });
});

describe('差评 opens a rectification case that runs to the re-rating', () => {
  it('2★ on Mon 12-21 opens ZG due Mon 12-28 17:30 (5 wd from 12-22), owned by the handler; 核实 → 整改 → 审核 → 复评', async () => {
    const m = (await worker.get('/api/window/matters?q=RS0001')).json().items[0];
    const a = await worker.post('/api/window/applications', {
      matterId: m.id,
      areaId: communityId,
      applicantName: '赵丽娟',
      provided: [0, 1, 2],
    });
    const appId = a.json().id;
    expect((await secretary.post(`/api/cases/${appId}/transitions`, { action: 'accept' })).statusCode).toBe(
      200,
    );
    expect(
      (await worker.post(`/api/cases/${appId}/transitions`, { action: 'verify', passed: true })).statusCode,
    ).toBe(200);
    const rate = await worker.post(`/api/cases/${appId}/transitions`, {
      action: 'rate',
      rating: 2,
      comment: '窗口让我跑了两趟',
    });
    expect(rate.statusCode, rate.body).toBe(200);
    const z = await t.db
      .selectFrom('cases')
      .selectAll()
      .where('type', '=', 'rating_rectification')
      .where(sql<boolean>`detail->>'applicationId' = ${String(appId)}`)
      .executeTakeFirstOrThrow();
    expect(z).toMatchObject({ state: 'reported', areaId: communityId, description: '窗口让我跑了两趟' });
    expect(z.no).toMatch(/^ZG20261221/);
    expect(z.dueAt.toISOString()).toBe('2026-12-28T09:30:00.000Z');
    const secretaryId = (
      await t.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'community_admin')
        .executeTakeFirstOrThrow()
    ).id;
    expect(z.ownerUserId).toBe(secretaryId); // 谁办理谁负责: the one who took the application up
    // a 3★ rating opens nothing: only the bottom two levels are 差评
    const go = (c: Client, body: Record<string, unknown>) => c.post(`/api/cases/${z.id}/transitions`, body);
    expect((await go(secretary, { action: 'accept', comment: '已电话回访核实' })).statusCode).toBe(200);
    expect(
      (await go(secretary, { action: 'feedback', comment: '整改：材料清单张贴上墙，一次告知' })).statusCode,
    ).toBe(200);
    const review = await go(street, { action: 'verify', passed: true });
    expect(review.statusCode, review.body).toBe(200);
    expect(review.json().state).toBe('closed');
    const again = await go(worker, { action: 'rate', rating: 4 });
    expect(again.statusCode, again.body).toBe(200);
    // the re-rating opens nothing more, and 按期整改率 counts it once it is due (running period)
    const n = await t.db
      .selectFrom('cases')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('type', '=', 'rating_rectification')
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
    t.clock.set('2026-12-29T02:00:00Z');
    const d = await street.get(`/api/dashboard?areaId=${communityId}&from=2026-12-01&to=2026-12-31`);
    const fig = d.json().figures.find((f: { key: string }) => f.key === 'window.rectifiedOnTime');
    expect(fig).toMatchObject({ numerator: 1, denominator: 1, value: 1 });
  });
});
