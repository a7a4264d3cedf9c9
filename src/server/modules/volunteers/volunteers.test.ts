import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from '../../../../test/helpers/app.js';

/** Issue 19 through the HTTP API: the activities engine with the volunteers module's kind. */
let t: TestApp;
let worker: Client;
let communityId: number;
const cst = (s: string) => new Date(`${s}+08:00`);

beforeAll(async () => {
  t = await createTestApp({ clock: cst('2026-12-07T10:00:00') });
  worker = await t.login('community_worker');
  communityId = (
    await t.db.selectFrom('areas').select('id').where('name', '=', '友谊河社区').executeTakeFirstOrThrow()
  ).id;
});
afterAll(async () => t?.close());

const activity = (over: Record<string, unknown> = {}) => ({
  kind: 'volunteer_service',
  areaId: communityId,
  ownerKind: 'team',
  ownerName: '友谊河社区志愿服务队',
  title: '测试·敬老院陪伴',
  placeName: '友谊河社区日间照料中心',
  lat: 28.8,
  lng: 113.07,
  startsAt: cst('2026-12-09T09:00:00').toISOString(),
  endsAt: cst('2026-12-09T11:00:00').toISOString(),
  capacity: 2,
  ...over,
});

async function published(over: Record<string, unknown> = {}): Promise<number> {
  const r = await worker.post('/api/activities', activity(over));
  expect(r.statusCode, r.body).toBe(201);
  const p = await worker.post(`/api/activities/${r.json().id}/publish`, {});
  expect(p.statusCode, p.body).toBe(200);
  return r.json().id;
}

describe('sign-up and the waitlist', () => {
  it('refuses to publish a risky activity without insurance, and leaves it a draft', async () => {
    const r = await worker.post('/api/activities', activity({ risky: true, title: '测试·高空清洁' }));
    expect(r.statusCode, r.body).toBe(201);
    const p = await worker.post(`/api/activities/${r.json().id}/publish`, {});
    expect(p.statusCode).toBe(409);
    expect(p.json().code).toBe('ACTIVITY_RULE');
    expect(p.json().message).toContain('保单');
    expect((await worker.get(`/api/activities/${r.json().id}`)).json().status).toBe('draft');
    // a draft is the organiser's: a volunteer does not see it
    const vol = await t.login('volunteer');
    expect((await vol.get(`/api/activities/${r.json().id}`)).statusCode).toBe(404);
  });

  it('confirms up to capacity, waitlists the rest, and moves the first waitlisted up on a cancellation', async () => {
    const id = await published();
    const [vol, party, building, resident] = await Promise.all(
      ['volunteer', 'party_member', 'building_head', 'resident'].map((u) => t.login(u)),
    );
    const r1 = await vol!.post(`/api/activities/${id}/signup`, {});
    expect(r1.json()).toMatchObject({ status: 'confirmed', position: null });
    expect((await party!.post(`/api/activities/${id}/signup`, {})).json().status).toBe('confirmed');
    const r3 = await building!.post(`/api/activities/${id}/signup`, {});
    expect(r3.json()).toMatchObject({ status: 'waitlisted', position: 1 });
    expect((await vol!.post(`/api/activities/${id}/signup`, {})).statusCode).toBe(409);
    // not a registered volunteer
    const rr = await resident!.post(`/api/activities/${id}/signup`, {});
    expect(rr.statusCode).toBe(409);
    expect(rr.json().code).toBe('VOLUNTEER_REQUIRED');

    expect((await vol!.del(`/api/activities/${id}/signup`)).statusCode).toBe(200);
    const roll = (await worker.get(`/api/activities/${id}/roll`)).json();
    const byName = Object.fromEntries(roll.map((e: { name: string; status: string }) => [e.name, e.status]));
    expect(byName).toMatchObject({ 吴晓明: 'cancelled', 孙志刚: 'confirmed', 周桂兰: 'confirmed' });
    const note = await t.db
      .selectFrom('notifications as n')
      .innerJoin('users as u', 'u.id', 'n.userId')
      .select('n.bodyZh')
      .where('u.username', '=', 'building_head')
      .where('n.kind', '=', 'activity.promoted')
      .execute();
    expect(note.length).toBe(1);
  });

  it('gives the last place to exactly one of many concurrent sign-ups', async () => {
    const id = await published({ capacity: 1, title: '测试·最后一个名额' });
    const people = await Promise.all(
      ['volunteer', 'party_member', 'compound_head', 'grid_a', 'building_head'].map((u) => t.login(u)),
    );
    const answers = await Promise.all(people.map((c) => c.post(`/api/activities/${id}/signup`, {})));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
    const statuses = answers.map((a) => a.json().status).sort();
    expect(statuses).toEqual(['confirmed', 'waitlisted', 'waitlisted', 'waitlisted', 'waitlisted']);
    const positions = answers
      .map((a) => a.json().position)
      .filter((p) => p !== null)
      .sort();
    expect(positions).toEqual([1, 2, 3, 4]);
  });
});

describe('QR check-in, hours and certificates', () => {
  it('checks in and out by the rotating code, credits the scheduled span, counts hours only once confirmed', async () => {
    const id = await published({ capacity: 5, title: '测试·扫码签到' });
    let vol = await t.login('volunteer');
    expect((await vol.post(`/api/activities/${id}/signup`, {})).statusCode).toBe(200);
    const before = await t.db
      .selectFrom('volunteers as v')
      .innerJoin('users as u', 'u.id', 'v.userId')
      .select('v.confirmedMinutes')
      .where('u.username', '=', 'volunteer')
      .executeTakeFirstOrThrow();

    // too early: check-in opens an hour before the start
    t.clock.set(cst('2026-12-09T07:30:00'));
    worker = await t.login('community_worker');
    vol = await t.login('volunteer');
    const early = (await worker.get(`/api/activities/${id}/qr`)).json();
    const e = await vol.post('/api/activities/checkin', { token: early.token });
    expect(e.statusCode).toBe(409);
    expect(e.json().message).toContain('签到时间');

    t.clock.set(cst('2026-12-09T08:50:00'));
    worker = await t.login('community_worker');
    vol = await t.login('volunteer');
    const qr = (await worker.get(`/api/activities/${id}/qr`)).json();
    expect(qr.svg).toContain('<svg');
    // scanned 1 km away: accepted, flagged
    const inn = await vol.post('/api/activities/checkin', { token: qr.token, lat: 28.809, lng: 113.07 });
    expect(inn.statusCode, inn.body).toBe(200);
    expect(inn.json()).toMatchObject({ direction: 'in', flag: 'far' });
    // the same code again cannot check out (a replay)
    const replay = await vol.post('/api/activities/checkin', { token: qr.token });
    expect(replay.statusCode).toBe(409);
    // forged code
    const forged = await vol.post('/api/activities/checkin', { token: `${qr.token.slice(0, -3)}AAA` });
    expect(forged.statusCode).toBe(400);
    expect(forged.json().code).toBe('QR_INVALID');

    t.clock.set(cst('2026-12-09T11:05:00'));
    worker = await t.login('community_worker');
    vol = await t.login('volunteer');
    const expired = await vol.post('/api/activities/checkin', { token: qr.token });
    expect(expired.statusCode).toBe(410);
    expect(expired.json().code).toBe('QR_EXPIRED');
    const qr2 = (await worker.get(`/api/activities/${id}/qr`)).json();
    expect(qr2.checkedIn).toBe(1);
    const out = await vol.post('/api/activities/checkin', { token: qr2.token });
    expect(out.statusCode, out.body).toBe(200);
    // 08:50 → 11:05 is 135 min; only 09:00–11:00 is credited: 120
    expect(out.json()).toMatchObject({ direction: 'out', rawMinutes: 135, creditedMinutes: 120 });

    // pending hours count nowhere yet
    const mine = (await vol.get('/api/activities/my-hours')).json();
    expect(mine.pendingMinutes).toBe(120);
    const still = await t.db
      .selectFrom('volunteers as v')
      .innerJoin('users as u', 'u.id', 'v.userId')
      .select('v.confirmedMinutes')
      .where('u.username', '=', 'volunteer')
      .executeTakeFirstOrThrow();
    expect(still.confirmedMinutes).toBe(before.confirmedMinutes);

    // the same record twice in one confirmation would count its hours twice: refused, nothing written
    const signupId = out.json().signupId;
    const dup = await worker.post(`/api/activities/${id}/confirm`, {
      items: [
        { signupId, accept: true },
        { signupId, accept: true },
      ],
    });
    expect(dup.statusCode).toBe(400);
    // a volunteer cannot confirm their own hours
    expect((await vol.post(`/api/activities/${id}/confirm`, {})).statusCode).toBe(403);
    const c = await worker.post(`/api/activities/${id}/confirm`, {});
    expect(c.statusCode, c.body).toBe(200);
    expect(c.json()).toEqual({ confirmed: 1, rejected: 0 });
    const after = await t.db
      .selectFrom('volunteers as v')
      .innerJoin('users as u', 'u.id', 'v.userId')
      .select('v.confirmedMinutes')
      .where('u.username', '=', 'volunteer')
      .executeTakeFirstOrThrow();
    expect(after.confirmedMinutes).toBe(before.confirmedMinutes + 120);
    expect((await worker.get(`/api/activities/${id}`)).json().status).toBe('hours_confirmed');
    const me = (await vol.get('/api/volunteers/me')).json();
    expect(me.confirmedHours).toBe(Math.round((after.confirmedMinutes / 60) * 10) / 10);
  });

  it('issues a certificate of the issuer’s confirmed hours only, which a stranger can verify', async () => {
    worker = await t.login('community_worker');
    const vol = await t.login('volunteer');
    const me = (await vol.get('/api/volunteers/me')).json();
    // an activity in another community, confirmed: not the issuer's record
    const other = await t.db
      .selectFrom('areas')
      .select(['id', 'path'])
      .where('name', '=', '金盆社区')
      .executeTakeFirstOrThrow();
    const admin = await t.login('street_admin');
    const r = await admin.post('/api/activities', activity({ areaId: other.id, title: '测试·外社区活动' }));
    expect(r.statusCode, r.body).toBe(201);
    const aid = r.json().id;
    await t.db.updateTable('activities').set({ status: 'hours_confirmed' }).where('id', '=', aid).execute();
    await t.db
      .insertInto('activitySignups')
      .values({
        activityId: aid,
        userId: me.userId,
        name: '吴晓明',
        status: 'confirmed',
        signedUpAt: new Date(),
        creditedMinutes: 600,
        hoursStatus: 'confirmed',
      })
      .execute();
    const want = await t.db
      .selectFrom('activitySignups as g')
      .innerJoin('activities as a', 'a.id', 'g.activityId')
      .select((eb) => eb.fn.sum<number>('g.creditedMinutes').as('m'))
      .where('g.userId', '=', me.userId)
      .where('g.hoursStatus', '=', 'confirmed')
      .where('a.areaId', '=', communityId)
      .executeTakeFirstOrThrow();
    const cert = await worker.post(`/api/volunteers/${me.id}/certificates`, {
      personInCharge: '李秀英',
      contact: '0730-5221234',
    });
    expect(cert.statusCode, cert.body).toBe(201);
    const c = cert.json();
    expect(c.hours).toBe(Math.round((Number(want.m) / 60) * 10) / 10);
    expect(c.activities.some((x: { title: string }) => x.title === '测试·外社区活动')).toBe(false);
    expect(c.issuer).toBe('友谊河社区居民委员会');
    expect(c.volunteerNo).toMatch(/^ZY/);
    const ok = await t.anon().get(`/api/public/certificates/verify?number=${c.number}&code=${c.verifyCode}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ valid: true, hours: c.hours, volunteerName: '吴**' });
    const bad = await t.anon().get(`/api/public/certificates/verify?number=${c.number}&code=ZZZZZZZZ`);
    expect(bad.json()).toMatchObject({ valid: false, volunteerName: null });
    expect((await vol.get('/api/volunteers/me/certificates')).json()[0].number).toBe(c.number);
  });

  it('registers a resident as a volunteer, verified by the community, and masks the ledger', async () => {
    const resident = await t.login('resident');
    const noTeam = await resident.post('/api/volunteers/apply', {
      name: '黄美华',
      birthDate: '1980-05-05',
      phone: '13912345678',
      teamId: 999999,
    });
    expect(noTeam.statusCode).toBe(400);
    expect(noTeam.json().issues[0].path).toContain('teamId');
    const minor = await resident.post('/api/volunteers/apply', {
      name: '黄美华',
      birthDate: '2012-01-01',
      phone: '13912345678',
    });
    expect(minor.statusCode).toBe(400);
    const r = await resident.post('/api/volunteers/apply', {
      name: '黄美华',
      birthDate: '1980-05-05',
      phone: '13912345678',
      skills: ['手工'],
      publicConsent: true,
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ status: 'applied', volunteerNo: null, phone: '13912345678' });
    const list = (await worker.get('/api/volunteers?status=applied')).json();
    const row = list.items.find((v: { id: number }) => v.id === r.json().id);
    expect(row.name).toBe('黄**');
    expect(row.phone).not.toContain('12345');
    // a second application, and a team that does not exist, are refused
    expect(
      (
        await resident.post('/api/volunteers/apply', {
          name: '黄美华',
          birthDate: '1980-05-05',
          phone: '13912345678',
        })
      ).statusCode,
    ).toBe(409);
    const v = await worker.post(`/api/volunteers/${r.json().id}/verify`, {});
    expect(v.statusCode, v.body).toBe(200);
    expect(v.json().volunteerNo).toMatch(/^ZY2026/);
    expect((await resident.get('/api/volunteers/me')).json().status).toBe('active');
  });
});
