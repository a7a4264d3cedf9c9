import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, stayLoggedIn, type TestApp } from '../../../../test/helpers/app.js';
import { sweep } from '../../engines/cases/sweep.js';
import { timingsFor } from '../../engines/cases/timings.js';
import { PublicationKinds } from '../../engines/publications/kinds.js';
import { DEMO } from '../../platform/demo.js';

/**
 * The publications engine through the notices module, on real PostgreSQL and the HTTP API.
 *
 * The clock starts Tue 2026-09-29 10:00 China time, two days before 国庆 (10-01…10-07 off,
 * Sat 10-10 a 调休 working day). Hand-computed periods (the day of publication is not counted):
 * - 通知公告, 3 working days: 09-30, 10-08, 10-09 → on display until 10-09, down from 10-10 00:00.
 * - 居务公示, 5 民法典 days: 09-29 + 5 = Sun 10-04, a holiday → moved to the day after the
 *   holiday, Thu 10-08; its objection window (5 days, same counting) ends 10-08 too.
 */
const cst = (local: string) => new Date(`${local}+08:00`);

let t: TestApp;
let worker: Client;
let secretary: Client;
let street: Client;
let resident: Client;
let party: Client;
let youyi: number;

beforeAll(async () => {
  t = await createTestApp({ clock: cst('2026-09-29T10:00:00') });
  worker = stayLoggedIn(t, 'community_worker');
  secretary = stayLoggedIn(t, 'community_admin');
  street = stayLoggedIn(t, 'street_admin');
  resident = stayLoggedIn(t, 'resident');
  party = stayLoggedIn(t, 'party_member');
  youyi = (
    await t.db.selectFrom('areas').select('id').where('name', '=', DEMO.detailed).executeTakeFirstOrThrow()
  ).id;
});
afterAll(async () => {
  await t?.close();
});

const version = async (c: Client, id: number) => (await c.get(`/api/notices/${id}`)).json().version as number;

describe('kinds are declared by modules and checked at start', () => {
  const base = {
    code: 'x_kind',
    zh: '测试',
    en: 'Test',
    archiveClass: '居务',
    audiences: ['public'] as const,
    channels: ['online'] as const,
    display: { days: 1, counting: 'wday' as const },
    steps: [],
    perms: { read: 'notice.read', draft: 'notice.draft', publish: 'notice.publish' },
  };
  const known = (p: string) => p.startsWith('notice.');
  it('refuses a duplicate, a malformed code or an unknown permission', () => {
    expect(
      () =>
        new PublicationKinds(
          [
            { module: 'a', def: base },
            { module: 'b', def: base },
          ],
          known,
        ),
    ).toThrow(/declared twice/);
    expect(() => new PublicationKinds([{ module: 'a', def: { ...base, code: 'Bad-Code' } }], known)).toThrow(
      /malformed/,
    );
    expect(
      () =>
        new PublicationKinds(
          [
            {
              module: 'a',
              def: { ...base, steps: [{ code: 'review', zh: '审', en: 'R', perm: 'nosuch.perm' }] },
            },
          ],
          known,
        ),
    ).toThrow(/unknown permission/);
    expect(new PublicationKinds([{ module: 'a', def: base }], known).find('x_kind')).toBeTruthy();
  });
  it('refuses to start with publications stored under a kind nobody declares', async () => {
    const reg = new PublicationKinds([{ module: 'a', def: base }], known);
    await expect(reg.checkStored(t.db)).rejects.toThrow(/no loaded module declares/);
  });

  it('lists the declared kinds with their periods and steps', async () => {
    const r = await worker.get('/api/notices/kinds');
    expect(r.statusCode, r.body).toBe(200);
    const byCode = Object.fromEntries(r.json().map((k: { code: string }) => [k.code, k]));
    expect(byCode.affairs_notice).toMatchObject({ counting: 'civil', displayDays: 5, objectionDays: 5 });
    expect(byCode.party_notice.steps.map((s: { zh: string }) => s.zh)).toEqual(['保密审查', '审批']);
  });
});

describe('a notice: draft → publish → read → correct → take down', () => {
  let id: number;
  it('refuses an unknown kind, a bad ID number in the list, an area outside scope — naming the field', async () => {
    const ok = { kind: 'notice', areaId: youyi, title: '关于停水的通知', body: '明日停水，请储水。' };
    let r = await worker.post('/api/notices', { ...ok, kind: 'nosuch' });
    expect(r.statusCode).toBe(400);
    expect(r.json().issues[0].path).toBe('kind');
    r = await worker.post('/api/notices', {
      ...ok,
      list: [{ name: '张三', idNumber: '430681199001011234' }],
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().issues[0].path).toBe('list.0.idNumber');
    const street0 = (
      await t.db
        .selectFrom('areas')
        .select('id')
        .where('code', '=', DEMO.street.code)
        .executeTakeFirstOrThrow()
    ).id;
    r = await worker.post('/api/notices', { ...ok, areaId: street0 });
    expect(r.statusCode).toBe(400);
    expect(r.json().issues[0].path).toBe('areaId');
    r = await worker.post('/api/notices', { ...ok, displayDays: 1 });
    expect(r.statusCode).toBe(400);
    expect(r.json().issues[0].path).toBe('displayDays');
  });

  it('is drafted with its list masked, and published by a holder of notice.publish only', async () => {
    const r = await worker.post('/api/notices', {
      kind: 'notice',
      areaId: youyi,
      title: '关于国庆期间停水的通知',
      body: '9月30日管网维修停水，请提前储水。',
      list: [{ name: '王小明', phone: '13812345678', address: '友谊河社区金盆小区3栋2单元501' }],
    });
    expect(r.statusCode, r.body).toBe(201);
    id = r.json().id;
    const d = (await worker.get(`/api/notices/${id}`)).json();
    expect(d.status).toBe('draft');
    expect(d.list[0]).toMatchObject({ name: '王**', phone: '138****5678' });
    expect(d.list[0].address.endsWith('****')).toBe(true);
    expect(JSON.stringify(d)).not.toContain('13812345678');
    expect(d.abilities).toEqual(['edit', 'submit']);
    expect((await worker.post(`/api/notices/${id}/publish`, { version: d.version })).statusCode).toBe(403);
    const p = await secretary.post(`/api/notices/${id}/publish`, { version: d.version });
    expect(p.statusCode, p.body).toBe(200);
    const after = (await secretary.get(`/api/notices/${id}`)).json();
    expect(after).toMatchObject({ status: 'published', displayUntil: '2026-10-09', archiveYear: 2026 });
    expect(after.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(after.earliestTakeDown).toBe(cst('2026-10-10T00:00:00').toISOString());
  });

  it('is frozen once published: the database refuses to change the snapshot', async () => {
    await expect(sql`UPDATE publications SET title = 'x' WHERE id = ${id}`.execute(t.db)).rejects.toThrow(
      /frozen/,
    );
    await expect(sql`DELETE FROM publications WHERE id = ${id}`.execute(t.db)).rejects.toThrow(/kept/);
  });

  it('shows on the resident side and to the public; a read receipt is counted once', async () => {
    const list = (await resident.get('/api/resident/notices')).json();
    expect(list.items.map((x: { id: number }) => x.id)).toContain(id);
    expect(list.items.find((x: { id: number }) => x.id === id).read).toBe(false);
    expect((await resident.post(`/api/resident/notices/${id}/read`)).statusCode).toBe(200);
    expect((await resident.post(`/api/resident/notices/${id}/read`)).statusCode).toBe(200);
    const one = (await resident.get(`/api/resident/notices/${id}`)).json();
    expect(one).toMatchObject({ read: true, objectionOpen: false });
    expect((await secretary.get(`/api/notices/${id}`)).json().reads).toBe(1);
    const pub = (await t.anon().get(`/api/public/notices?areaId=${youyi}`)).json();
    expect(pub.items.map((x: { id: number }) => x.id)).toContain(id);
    expect((await t.anon().get(`/api/public/notices/${id}`)).statusCode).toBe(200);
    // Without a session the resident routes answer 401, never the data.
    expect((await t.anon().get('/api/resident/notices')).statusCode).toBe(401);
  });

  it('is corrected by a new linked version; the old one stays, marked corrected', async () => {
    const r = await secretary.post(`/api/notices/${id}/correct`, {
      title: '关于国庆期间停水的通知（更正）',
      body: '停水改为10月8日，请提前储水。',
      reason: '日期有误',
    });
    expect(r.statusCode, r.body).toBe(201);
    const fix = r.json().id as number;
    expect(
      (
        await secretary.post(`/api/notices/${id}/correct`, {
          title: '再次更正',
          body: '再次',
          reason: '再次更正',
        })
      ).statusCode,
    ).toBe(409);
    expect(
      (await secretary.post(`/api/notices/${fix}/publish`, { version: await version(secretary, fix) }))
        .statusCode,
    ).toBe(200);
    const old = (await secretary.get(`/api/notices/${id}`)).json();
    expect(old.status).toBe('corrected');
    expect(old.title).toBe('关于国庆期间停水的通知');
    expect(old.versions.map((v: { versionNo: number }) => v.versionNo)).toEqual([1, 2]);
    const seen = (await resident.get(`/api/resident/notices/${id}`)).json();
    expect(seen).toMatchObject({ corrected: true, correctedById: fix });
    id = fix;
  });

  it('cannot be taken down before its minimum display; can be from the next day on', async () => {
    t.clock.set(cst('2026-10-09T23:59:00'));
    // The correction was published on 09-29 too: 3 working days → 10-09.
    const early = await secretary.post(`/api/notices/${id}/take-down`, {
      version: await version(secretary, id),
      reason: '已恢复供水',
    });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'PUBLICATION_TOO_EARLY' });
    expect(early.json().message).toContain('2026-10-09');
    t.clock.set(cst('2026-10-10T00:00:00'));
    const ok = await secretary.post(`/api/notices/${id}/take-down`, {
      version: await version(secretary, id),
      reason: '已恢复供水',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await resident.get(`/api/resident/notices/${id}`)).statusCode).toBe(404);
    t.clock.set(cst('2026-09-29T10:00:00'));
  });
});

describe('a 居务公示: approval step, objection window, objection case, sweep', () => {
  let id: number;
  it('passes its review step — never by its drafter — then publishes with 民法典 periods', async () => {
    const r = await worker.post('/api/notices', {
      kind: 'affairs_notice',
      areaId: youyi,
      title: '2026年临时救助对象公示',
      body: '拟确定以下临时救助对象，公示期内可提出异议。',
      list: [{ name: '张建华', note: '因病致困' }],
    });
    expect(r.statusCode, r.body).toBe(201);
    id = r.json().id;
    expect(
      (await secretary.post(`/api/notices/${id}/publish`, { version: await version(worker, id) })).statusCode,
    ).toBe(409);
    expect(
      (await worker.post(`/api/notices/${id}/submit`, { version: await version(worker, id) })).statusCode,
    ).toBe(200);
    const d = (await secretary.get(`/api/notices/${id}`)).json();
    expect(d).toMatchObject({ status: 'review', nextStep: '监督委员会审核' });
    expect(d.abilities).toContain('decide');
    expect(
      (await worker.post(`/api/notices/${id}/decide`, { version: d.version, approved: true })).statusCode,
    ).toBe(403);
    const back = await secretary.post(`/api/notices/${id}/decide`, { version: d.version, approved: false });
    expect(back.statusCode).toBe(400);
    expect(back.json().issues[0].path).toBe('opinion');
    expect(
      (
        await secretary.post(`/api/notices/${id}/decide`, {
          version: d.version,
          approved: true,
          opinion: '同意',
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await secretary.post(`/api/notices/${id}/publish`, { version: await version(secretary, id) }))
        .statusCode,
    ).toBe(200);
    const p = (await secretary.get(`/api/notices/${id}`)).json();
    expect(p).toMatchObject({
      status: 'published',
      displayUntil: '2026-10-08',
      objectionUntil: '2026-10-08',
      objectionOpen: true,
    });
    expect(p.steps.map((s: { decision: string }) => s.decision)).toEqual(['submitted', 'approved']);
  });

  it('takes a resident objection as a case with its reply due; the sweep escalates it when unanswered', async () => {
    const bad = await resident.post(`/api/resident/notices/${id}/objections`, { text: '短' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].path).toBe('text');
    const r = await resident.post(`/api/resident/notices/${id}/objections`, {
      text: '名单中张建华家庭收入已超标准，请核实。',
    });
    expect(r.statusCode, r.body).toBe(201);
    const c = await t.db
      .selectFrom('cases')
      .selectAll()
      .where('id', '=', r.json().id)
      .executeTakeFirstOrThrow();
    expect(c).toMatchObject({ type: 'pub_objection', state: 'reported' });
    expect(c.stageDueAt?.toISOString()).toBe(cst('2026-10-04T10:00:00').toISOString());
    expect((await secretary.get(`/api/notices/${id}`)).json().objections).toBe(1);
    // Unanswered past its due: the sweep raises it.
    t.clock.set(cst('2026-10-20T10:00:00'));
    await sweep(t.services, timingsFor(t.services));
    const after = await t.db
      .selectFrom('cases')
      .select(['slaLevel'])
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(after.slaLevel).toBeGreaterThanOrEqual(2);
    // The reply closes it; the resident sees it under the notice.
    const reply = await secretary.post(`/api/cases/${c.id}/transitions`, {
      action: 'feedback',
      comment: '经核实，张建华家庭收入符合标准，维持原公示。',
    });
    expect(reply.statusCode, reply.body).toBe(200);
    t.clock.set(cst('2026-10-08T20:00:00'));
    const mine = (await resident.get(`/api/resident/notices/${id}`)).json().myObjections;
    expect(mine).toHaveLength(1);
    expect(mine[0].reply).toContain('维持原公示');
  });

  it('closes the window after its last day', async () => {
    t.clock.set(cst('2026-10-09T00:00:00'));
    const r = await resident.post(`/api/resident/notices/${id}/objections`, {
      text: '我还有一个异议需要提出。',
    });
    expect(r.statusCode).toBe(409);
    expect(r.json().code).toBe('OBJECTION_WINDOW_CLOSED');
    t.clock.set(cst('2026-09-29T10:00:00'));
  });
});

describe('audience and scope', () => {
  it('a party-only notice passes 保密审查 and 审批, and is read by party members, not residents', async () => {
    const r = await secretary.post('/api/notices', {
      kind: 'party_notice',
      areaId: youyi,
      title: '关于发展党员的公示',
      body: '拟发展对象：王某某。',
      audience: 'party',
    });
    expect(r.statusCode, r.body).toBe(201);
    const id = r.json().id;
    await secretary.post(`/api/notices/${id}/submit`, { version: await version(secretary, id) });
    // The drafter may not approve their own draft; the street administrator holds no secrecy review.
    expect(
      (
        await secretary.post(`/api/notices/${id}/decide`, {
          version: await version(secretary, id),
          approved: true,
        })
      ).statusCode,
    ).toBe(409);
    expect(
      (await street.post(`/api/notices/${id}/decide`, { version: await version(street, id), approved: true }))
        .statusCode,
    ).toBe(403);
    await t.db
      .updateTable('publications')
      .set({
        createdBy: (
          await t.db
            .selectFrom('users')
            .select('id')
            .where('username', '=', 'community_worker')
            .executeTakeFirstOrThrow()
        ).id,
      })
      .where('id', '=', id)
      .execute();
    expect(
      (
        await secretary.post(`/api/notices/${id}/decide`, {
          version: await version(secretary, id),
          approved: true,
        })
      ).statusCode,
    ).toBe(200);
    expect((await secretary.get(`/api/notices/${id}`)).json().nextStep).toBe('审批');
    expect(
      (await street.post(`/api/notices/${id}/decide`, { version: await version(street, id), approved: true }))
        .statusCode,
    ).toBe(200);
    expect(
      (await secretary.post(`/api/notices/${id}/publish`, { version: await version(secretary, id) }))
        .statusCode,
    ).toBe(200);
    expect((await party.get(`/api/resident/notices/${id}`)).statusCode).toBe(200);
    expect((await resident.get(`/api/resident/notices/${id}`)).statusCode).toBe(404);
    expect((await t.anon().get(`/api/public/notices/${id}`)).statusCode).toBe(404);
  });

  it('the ledger is scoped: a grid worker holds no ledger, the street sees the community, archive filters work', async () => {
    expect((await stayLoggedIn(t, 'grid_a').get('/api/notices')).statusCode).toBe(403);
    const all = (await street.get('/api/notices?pageSize=100')).json();
    expect(all.total).toBeGreaterThan(3);
    const party = (await street.get('/api/notices?archiveClass=党务&year=2026')).json();
    expect(party.items.every((x: { archiveClass: string }) => x.archiveClass === '党务')).toBe(true);
    expect((await street.get('/api/notices?sort=nosuch')).statusCode).toBe(400);
    const x = await street.post('/api/notices/export', { status: 'published' });
    expect(x.statusCode).toBe(200);
    expect(Number(x.headers['x-export-rows'])).toBeGreaterThan(0);
  });
});

describe('figures', () => {
  it('counts what was published in the period, for those who read the ledger', async () => {
    // In September 2026 this file published: the notice, its correction, the 居务公示, the party notice.
    const r = await street.get('/api/dashboard?from=2026-09-01&to=2026-09-30');
    expect(r.statusCode, r.body).toBe(200);
    const fig = (k: string) => r.json().figures.find((x: { key: string }) => x.key === k);
    expect(fig('publications.published')?.value).toBe(4);
    // The one objection was replied to: nothing open, nothing overdue.
    expect(fig('publications.objectionsOpen')?.value ?? 0).toBe(0);
    expect(fig('publications.objectionsOverdue')?.value ?? 0).toBe(0);
    const own = await resident.get('/api/dashboard?from=2026-09-01&to=2026-09-30');
    expect(
      own.statusCode === 403 ||
        !own.json().figures.some((x: { key: string }) => x.key.startsWith('publications.')),
    ).toBe(true);
  });
});
