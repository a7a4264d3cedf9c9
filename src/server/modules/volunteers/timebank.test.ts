import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { checkLedger, creditService } from './timebank.service.js';

/** The time bank (issue 19): double entry in minutes, caps, gifts, redemption, the Σ = 0 invariant. */
let t: TestApp;
let street: Client;
let vol: Client;
let party: Client;
let communityId: number;
const cst = (s: string) => new Date(`${s}+08:00`);

const balanceOf = async (username: string) =>
  (
    await t.db
      .selectFrom('tbAccounts as a')
      .innerJoin('users as u', 'u.id', 'a.userId')
      .select('a.balance')
      .where('u.username', '=', username)
      .executeTakeFirst()
  )?.balance ?? 0;

beforeAll(async () => {
  t = await createTestApp({ clock: cst('2026-12-07T10:00:00') });
  [street, vol, party] = (await Promise.all(
    ['street_admin', 'volunteer', 'party_member'].map((u) => t.login(u)),
  )) as [Client, Client, Client];
  communityId = (
    await t.db.selectFrom('areas').select('id').where('name', '=', '友谊河社区').executeTakeFirstOrThrow()
  ).id;
});
afterAll(async () => t?.close());

describe('the street setting', () => {
  it('is off by default: nothing to give, and confirmed service earns no coins', async () => {
    const me = (await vol.get('/api/timebank/me')).json();
    expect(me).toMatchObject({ enabled: false, balance: 0 });
    const g = await vol.post('/api/timebank/gift', { minutes: 10 });
    expect(g.statusCode).toBe(409);
    expect(g.json().code).toBe('TIMEBANK_RULE');
  });

  it('is opened by the street with its caps; a community worker may not', async () => {
    const worker = await t.login('community_worker');
    const no = await worker.put('/api/timebank/scheme', { areaId: communityId, enabled: true });
    // the community worker's scope lies under the street: the street's setting is not theirs
    expect(no.statusCode).toBe(400);
    const r = await street.put('/api/timebank/scheme', {
      areaId: communityId,
      enabled: true,
      dailyCapMinutes: 120,
      totalCapMinutes: 300,
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ enabled: true, dailyCapMinutes: 120, totalCapMinutes: 300 });
  });
});

describe('coins for confirmed service, within the caps', () => {
  it('credits min(minutes, daily cap left, total cap left), by hand', async () => {
    const signups = await t.db
      .selectFrom('activitySignups as g')
      .innerJoin('activities as a', 'a.id', 'g.activityId')
      .innerJoin('users as u', 'u.id', 'g.userId')
      .select(['g.id', 'g.activityId', 'g.userId', 'a.startsAt'])
      .where('u.username', '=', 'volunteer')
      .orderBy('a.startsAt')
      .limit(4)
      .execute();
    expect(signups.length).toBe(4);
    const days = new Set(signups.map((x) => new Date(x.startsAt).toISOString().slice(0, 10)));
    expect(days.size).toBe(4);
    const asked = [180, 150, 100, 60];
    for (const [i, g] of signups.entries())
      await t.db.transaction().execute((trx) =>
        creditService(trx, t.services, [
          {
            signupId: g.id,
            activityId: g.activityId,
            userId: g.userId,
            creditedMinutes: asked[i]!,
            startsAt: new Date(g.startsAt),
          },
        ]),
      );
    // 180 → 120 (daily cap); 150 → 120 (daily cap); 100 → 60 (total cap 300 − 240); 60 → 0
    const coins = await t.db
      .selectFrom('tbTransfers')
      .select(['signupId', 'minutes'])
      .where('kind', '=', 'service')
      .orderBy('id')
      .execute();
    expect(coins.map((c) => c.minutes)).toEqual([120, 120, 60]);
    expect(await balanceOf('volunteer')).toBe(300);
    const me = (await vol.get('/api/timebank/me')).json();
    expect(me).toMatchObject({ enabled: true, balance: 300, earned: 300 });
    expect(me.movements).toHaveLength(3);
    // the same record cannot earn twice
    await expect(
      t.db.transaction().execute(async (trx) => {
        await sql`INSERT INTO tb_transfers (street_id, kind, from_account, to_account, minutes, signup_id)
          SELECT street_id, 'service', from_account, to_account, 1, signup_id FROM tb_transfers WHERE kind = 'service' LIMIT 1`.execute(
          trx,
        );
      }),
    ).rejects.toMatchObject({ code: '23505' });
  });
});

describe('gifts, donations and redemption', () => {
  it('moves coins to another volunteer by number, never past the balance, and writes nothing when refused', async () => {
    const no = (
      await t.db
        .selectFrom('volunteers as v')
        .innerJoin('users as u', 'u.id', 'v.userId')
        .select('v.volunteerNo')
        .where('u.username', '=', 'party_member')
        .executeTakeFirstOrThrow()
    ).volunteerNo!;
    const g = await vol.post('/api/timebank/gift', { toVolunteerNo: no, minutes: 50, note: '送给老邻居' });
    expect(g.statusCode, g.body).toBe(201);
    expect(g.json().balance).toBe(250);
    expect(await balanceOf('party_member')).toBe(50);
    const before = await t.db
      .selectFrom('tbMovements')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const over = await vol.post('/api/timebank/gift', { toVolunteerNo: no, minutes: 251 });
    expect(over.statusCode).toBe(409);
    expect(over.json().message).toContain('余额不足');
    const bad = await vol.post('/api/timebank/gift', { toVolunteerNo: 'ZY0000000000', minutes: 1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].path).toBe('toVolunteerNo');
    const after = await t.db
      .selectFrom('tbMovements')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    // another person's name is masked in one's movements
    const me = (await vol.get('/api/timebank/me')).json();
    expect(me.movements[0]).toMatchObject({ kind: 'gift', minutes: -50 });
    expect(me.movements[0].counterpart).toMatch(/^.\*$/);
  });

  it('redeems only at an accredited service of the street, and takes donations into the pool', async () => {
    const worker = await t.login('community_worker');
    const svc = await worker.post('/api/timebank/services', { areaId: communityId, name: '测试·助老食堂' });
    expect(svc.statusCode, svc.body).toBe(201);
    const r = await vol.post('/api/timebank/redeem', { serviceId: svc.json().id, minutes: 30 });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().balance).toBe(220);
    await t.db.updateTable('tbServices').set({ accredited: false }).where('id', '=', svc.json().id).execute();
    const no = await vol.post('/api/timebank/redeem', { serviceId: svc.json().id, minutes: 10 });
    expect(no.statusCode).toBe(409);
    const d = await vol.post('/api/timebank/gift', { minutes: 20 });
    expect(d.statusCode, d.body).toBe(201);
    expect(d.json().balance).toBe(200);
    const kinds = await t.db.selectFrom('tbTransfers').select('kind').orderBy('id').execute();
    expect(kinds.map((k) => k.kind)).toEqual(['service', 'service', 'service', 'gift', 'redeem', 'donation']);
  });
});

describe('the invariant', () => {
  it('holds under 60 concurrent transfers both ways: Σ movements = 0, no balance below zero', async () => {
    const no = async (u: string) =>
      (
        await t.db
          .selectFrom('volunteers as v')
          .innerJoin('users as u', 'u.id', 'v.userId')
          .select('v.volunteerNo')
          .where('u.username', '=', u)
          .executeTakeFirstOrThrow()
      ).volunteerNo!;
    const [toParty, toVol] = [await no('party_member'), await no('volunteer')];
    const a0 = await balanceOf('volunteer');
    const b0 = await balanceOf('party_member');
    const rs = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 2 === 0
          ? vol
              .post('/api/timebank/gift', { toVolunteerNo: toParty, minutes: 7 })
              .then((r) => ['a', r] as const)
          : party
              .post('/api/timebank/gift', { toVolunteerNo: toVol, minutes: 11 })
              .then((r) => ['b', r] as const),
      ),
    );
    for (const [, r] of rs) expect([201, 409], r.body).toContain(r.statusCode);
    const okA = rs.filter(([w, r]) => w === 'a' && r.statusCode === 201).length;
    const okB = rs.filter(([w, r]) => w === 'b' && r.statusCode === 201).length;
    expect(await balanceOf('volunteer')).toBe(a0 - 7 * okA + 11 * okB);
    expect(await balanceOf('party_member')).toBe(b0 + 7 * okA - 11 * okB);
    const c = await checkLedger(t.db);
    expect(c).toMatchObject({ sum: 0, unbalancedTransfers: 0, balanceMismatches: 0, ok: true });
    const neg = await t.db
      .selectFrom('tbAccounts')
      .select('id')
      .where('ownerKind', '=', 'person')
      .where('balance', '<', 0)
      .execute();
    expect(neg).toEqual([]);
    const api = (await street.get('/api/timebank/check')).json();
    expect(api).toMatchObject({ sum: 0, ok: true, outstanding: c.outstanding });
  });

  it('is kept by the database: an unbalanced transfer cannot be committed', async () => {
    const acct = await t.db
      .selectFrom('tbAccounts')
      .select(['id', 'streetId'])
      .where('ownerKind', '=', 'pool')
      .executeTakeFirstOrThrow();
    const other = await t.db
      .selectFrom('tbAccounts')
      .select('id')
      .where('ownerKind', '=', 'person')
      .executeTakeFirstOrThrow();
    await expect(
      t.db.transaction().execute(async (trx) => {
        const tr = await trx
          .insertInto('tbTransfers')
          .values({
            streetId: acct.streetId,
            kind: 'gift',
            fromAccount: acct.id,
            toAccount: other.id,
            minutes: 5,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('tbMovements')
          .values({ transferId: tr.id, accountId: other.id, minutes: 5, at: new Date() })
          .execute();
      }),
    ).rejects.toThrow(/does not balance/);
    expect((await checkLedger(t.db)).ok).toBe(true);
  });
});
