import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { chinaDate } from '../../engines/calendar/calendar.js';

let t: TestApp;
let gridA: Client;
let gridB: Client;
let secretary: Client;

beforeAll(async () => {
  t = await createTestApp();
  [gridA, gridB, secretary] = await Promise.all([
    t.login('grid_a'),
    t.login('grid_b'),
    t.login('community_admin'),
  ]);
});
afterAll(async () => t?.close());

describe("the grid worker's day", () => {
  it('lists due and overdue visits of the worker’s grid only, overdue first', async () => {
    const r = await gridA.get('/api/visits/my-day?horizon=30');
    expect(r.statusCode, r.body).toBe(200);
    const day = r.json();
    expect(day.items.length).toBeGreaterThan(0);
    const overdue = day.items.map((i: { overdueDays: number }) => i.overdueDays > 0);
    // overdue ones come first
    expect(overdue.indexOf(false) === -1 || overdue.lastIndexOf(true) < overdue.indexOf(false)).toBe(true);
    const mine = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM people p JOIN areas a ON a.id = p.area_id
      JOIN user_roles ur ON a.path <@ (SELECT path FROM areas WHERE id = ur.area_id)
      JOIN users u ON u.id = ur.user_id AND u.username = 'grid_a'
      WHERE p.id = ANY(${day.items.map((i: { personId: number }) => i.personId)}::bigint[])`.execute(t.db);
    expect(mine.rows[0]!.n).toBe(new Set(day.items.map((i: { personId: number }) => i.personId)).size);
  });

  it('records a visit once with its form, moves the plan on, and raises a case from it', async () => {
    const day = (await gridA.get('/api/visits/my-day?horizon=90')).json();
    const item = day.items.find((i: { ruleName: string }) => i.ruleName.includes('必访')) ?? day.items[0];
    const rule = (await gridA.get('/api/visit-rules'))
      .json()
      .find((r: { id: number }) => r.id === item.ruleId);
    const form: Record<string, string | boolean> = {};
    for (const f of rule.form)
      form[f.key] = f.kind === 'yesno' ? false : f.kind === 'choice' ? f.options[0] : '无';
    const body = {
      personId: item.personId,
      ruleId: item.ruleId,
      met: '本人',
      findings: '楼道灯不亮，老人夜间出行不便',
      form,
    };
    const first = await gridA.post('/api/visits', body, { 'idempotency-key': 'visit-key-00000001' });
    expect(first.statusCode, first.body).toBe(201);
    const again = await gridA.post('/api/visits', body, { 'idempotency-key': 'visit-key-00000001' });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    const plan = await t.db
      .selectFrom('visitPlans')
      .selectAll()
      .where('id', '=', item.planId)
      .executeTakeFirstOrThrow();
    expect(plan.lastVisitOn).not.toBeNull();
    expect(plan.dueOn > day.today).toBe(true);
    // a missing required answer is refused, naming the field
    const bad = await gridA.post('/api/visits', { ...body, form: {} });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].path).toMatch(/^form\./);

    const c = await gridA.post('/api/cases', {
      type: 'request',
      category: 'help.repair',
      title: '楼道灯不亮',
      source: { kind: 'visit', id: first.json().id },
    });
    expect(c.statusCode, c.body).toBe(201);
    expect(c.json().channel).toBe('visit');
    const v = await gridA.get(`/api/visits/${first.json().id}`);
    expect(v.json().cases.map((x: { id: number }) => x.id)).toContain(c.json().id);
    // another grid's worker neither sees the visit nor can raise a case from it
    expect((await gridB.get(`/api/visits/${first.json().id}`)).statusCode).toBe(404);
  });

  it('records an unplanned visit to anyone in the grid, and refuses one outside it in the asked language', async () => {
    // Someone of grid A's grid; the visit belongs to no plan.
    const person = (await gridA.get('/api/people?pageSize=5')).json().items[0];
    const plansBefore = await t.db
      .selectFrom('visitPlans')
      .select(['id', 'dueOn', 'lastVisitOn'])
      .where('personId', '=', person.id)
      .orderBy('id')
      .execute();
    const r = await gridA.post('/api/visits', {
      personId: person.id,
      method: 'home',
      met: '本人',
      findings: '路过时顺访，反映楼下排水沟堵塞',
    });
    expect(r.statusCode, r.body).toBe(201);
    const id = r.json().id;
    const visit = (await secretary.get(`/api/visits/${id}`)).json();
    expect(visit).toMatchObject({
      personId: person.id,
      personName: person.name,
      ruleId: null,
      ruleName: null,
    });
    expect(visit.visitor.name).toBe('刘洋');
    // It is in the person's visits, and moved no plan.
    const list = (await secretary.get(`/api/visits?personId=${person.id}`)).json();
    expect(list.items.map((v: { id: number }) => v.id)).toContain(id);
    expect(
      await t.db
        .selectFrom('visitPlans')
        .select(['id', 'dueOn', 'lastVisitOn'])
        .where('personId', '=', person.id)
        .orderBy('id')
        .execute(),
    ).toEqual(plansBefore);
    const audit = await t.db
      .selectFrom('auditLog')
      .select(['actorName', 'detail'])
      .where('action', '=', 'visit.record')
      .where('entityId', '=', String(id))
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actorName: 'grid_a', detail: { personId: person.id, ruleId: null } });

    // No rule: no form to answer.
    const stray = await gridA.post('/api/visits', { personId: person.id, met: '本人', form: { x: '1' } });
    expect(stray.statusCode).toBe(400);
    expect(stray.json().issues[0].path).toBe('form.x');
    // Someone of grid B's grid: refused, naming the person, in the user's language; nothing written.
    const other = (await gridB.get('/api/people?pageSize=5')).json().items[0];
    const count = async () =>
      Number(
        (
          await t.db
            .selectFrom('visits')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const out = await gridA.post(
      '/api/visits',
      { personId: other.id, met: 'self' },
      { 'accept-language': 'en' },
    );
    expect(out.statusCode).toBe(400);
    expect(out.json().issues).toEqual([
      expect.objectContaining({ path: 'personId', message: 'Unknown person or outside your scope' }),
    ]);
    expect(await count()).toBe(before);
  });

  it('plans follow a tag at once, and a move hands the plan to the new grid', async () => {
    const gridHouse = async (user: string) =>
      (
        await sql<{ id: number }>`
          SELECT h.id FROM areas h JOIN user_roles ur ON true JOIN users u ON u.id = ur.user_id AND u.username = ${user}
          JOIN areas g ON g.id = ur.area_id WHERE h.kind = 'house' AND h.path <@ g.path ORDER BY h.id LIMIT 1`.execute(
          t.db,
        )
      ).rows[0]!.id;
    const houseA = await gridHouse('grid_a');
    const houseB = await gridHouse('grid_b');
    const p = await gridA.post('/api/people', {
      name: '测试孤老',
      residenceType: 'registered',
      areaId: houseA,
      birthDate: '1940-01-01',
    });
    expect(p.statusCode, p.body).toBe(201);
    const id = p.json().id;
    const tagged = await gridA.post(`/api/people/${id}/tags`, { tag: 'elderly_alone', fields: {} });
    expect(tagged.statusCode, tagged.body).toBeLessThan(300);
    const plans = await t.db
      .selectFrom('visitPlans')
      .select(['ruleId', 'dueOn'])
      .where('personId', '=', id)
      .execute();
    expect(plans).toHaveLength(1);
    const all = await gridA.get('/api/visits/plans?status=all&q=测试孤老');
    expect(all.json().items.map((i: { personId: number }) => i.personId)).toContain(id);
    // moves to grid B: grid B's worker has the plan now, grid A's does not
    const person = await gridA.get(`/api/people/${id}`);
    const mv = await secretary.post(
      `/api/people/${id}/move`,
      { areaId: houseB },
      { 'if-match': `"${person.json().version}"` },
    );
    expect(mv.statusCode, mv.body).toBeLessThan(300);
    const dayB = (await gridB.get('/api/visits/my-day?horizon=90&q=测试孤老')).json();
    expect(dayB.items.map((i: { personId: number }) => i.personId)).toContain(id);
    const dayA = (await gridA.get('/api/visits/my-day?horizon=90&q=测试孤老')).json();
    expect(dayA.items.map((i: { personId: number }) => i.personId)).not.toContain(id);
    // the tag goes: the plan goes
    const tags = (await secretary.get(`/api/people/${id}`)).json().tags;
    const del = await secretary.del(`/api/people/${id}/tags/${tags[0].id}`);
    expect(del.statusCode, del.body).toBeLessThan(300);
    expect(
      await t.db.selectFrom('visitPlans').select('id').where('personId', '=', id).execute(),
    ).toHaveLength(0);
  });

  it('runs a patrol: start, positions, finish, coverage', async () => {
    const grid = (
      await sql<{
        id: number;
      }>`SELECT ur.area_id AS id FROM user_roles ur JOIN users u ON u.id = ur.user_id AND u.username = 'grid_a' LIMIT 1`.execute(
        t.db,
      )
    ).rows[0]!.id;
    const start = await gridA.post('/api/patrols', { areaId: grid });
    expect(start.statusCode, start.body).toBe(201);
    const id = start.json().id;
    expect((await gridA.post('/api/patrols', { areaId: grid })).statusCode).toBe(409);
    const now = Date.now();
    const pts = [0, 1, 2].map((i) => ({
      lat: 28.8 + i * 0.001,
      lng: 113.05,
      at: new Date(now + i * 60_000).toISOString(),
    }));
    expect((await gridA.post(`/api/patrols/${id}/points`, { points: pts })).json().count).toBe(3);
    // the same batch again (a retry): nothing doubled
    expect((await gridA.post(`/api/patrols/${id}/points`, { points: pts })).json().count).toBe(3);
    const done = await gridA.post(`/api/patrols/${id}/finish`, {});
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().distanceM).toBeGreaterThan(200);
    // The patrol's day is China's (UTC+8): from 16:00 UTC the UTC date is the day before.
    const today = chinaDate(new Date());
    const stats = await secretary.get(`/api/visits/stats?from=${today}&to=${today}`);
    expect(stats.statusCode, stats.body).toBe(200);
    const row = stats.json().rows.find((r: { areaId: number }) => r.areaId === grid);
    expect(row.patrols).toBeGreaterThanOrEqual(1);
  });
});

describe('true totals of the visit ledgers', () => {
  it('gives the whole number of visits and patrols in scope (platform/db/count.ts) and says it is exact', async () => {
    for (const url of ['/api/visits', '/api/patrols']) {
      const first = await secretary.get(`${url}?pageSize=1`);
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json().totalExact).toBe(true);
      expect(first.headers['x-total-estimated']).toBeUndefined();
      // The total is every row the pages hold, read to the end.
      let seen = 0;
      for (let page = 1; ; page++) {
        const r = (await secretary.get(`${url}?pageSize=100&page=${page}`)).json();
        seen += r.items.length;
        if (r.items.length < 100) break;
      }
      expect(first.json().total, url).toBe(seen);
    }
  });
});
