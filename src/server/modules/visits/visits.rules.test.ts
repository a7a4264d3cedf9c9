import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, stayLoggedIn, type TestApp } from '../../../../test/helpers/app.js';
import { WorkCalendar } from '../../engines/calendar/calendar.js';
import { nextDue } from './visits.plans.js';

/**
 * Visit rules → plans → the day → visits and patrols, through the API with a controlled clock
 * (China time). The demo's visit data and all person tags are wiped first, so every plan, visit
 * and figure below comes from this file and is worked out by hand in the comments.
 *
 * Timeline: Mon 2026-03-02 09:00 (derivation, rule changes, moves) → Wed 03-04 → Tue 03-10
 * (overdue, sensitivity, pairs, replay, patrols) → Wed 04-01 … Fri 04-10 (figures).
 * Each describe uses its own tags so its plans are its own:
 *   derivation living_alone, hardship, veteran · rule change unemployed, dibao · moves left_behind ·
 *   overdue elderly_alone · counts hardship (then switched off) · sensitivity empty_nest, disability ·
 *   pairs key_youth · replay/forms the derivation's rule · figures released, petition.
 */

let t: TestApp;
const cst = (local: string) => new Date(`${local}+08:00`);
const at = (local: string) => t.clock.set(cst(local));

let secretary: Client; // community_admin: 友谊河社区 secretary (visit.manage, all tags)
let gridA: Client; // grid_a: 友谊河 第一网格
let gridB: Client; // grid_b: 友谊河 第二网格
let grid3: Client; // grid_001003: 友谊河 第三网格
let jinpenSec: Client; // sec_002: 金盆社区 secretary
let party: Client; // party_member: visit.record over 友谊河, no tag permission
let volunteer: Client;
let security: Client;

type Ids<K extends string> = Record<K, number>;
const A = {} as Ids<
  'youyi' | 'jinpen' | 'gridA' | 'gridB' | 'grid3' | 'gridJ' | 'hA1' | 'hA2' | 'hO' | 'hB' | 'hS' | 'hJ'
>;
const U = {} as Ids<'party_member' | 'volunteer' | 'grid_a' | 'grid_001003'>;
const P = {} as Ids<
  | 'both'
  | 'one'
  | 'eighty'
  | 'almost'
  | 'jinpen'
  | 'q1'
  | 'q2'
  | 'mover'
  | 'o1'
  | 'o2'
  | 'o3'
  | 'sens'
  | 'k1'
  | 'k2'
  | 's1'
  | 's2'
  | 's3'
  | 's4'
>;
const R = {} as Ids<
  'both' | 'eighty' | 'change' | 'move' | 'weekly' | 'nest' | 'disab' | 'pair' | 'released' | 'petition'
>;
const V = {} as Ids<'beforeMove' | 'afterMove' | 'nest' | 'disab' | 'pair' | 'replayed' | 's1' | 's2' | 's4'>;
const PT = {} as Ids<'a' | 's1' | 's2' | 's3'>;

const FORM = [
  { key: 'living', label: '生活状况', kind: 'choice', options: ['良好', '一般', '困难'], required: true },
  { key: 'risk', label: '有无异常', kind: 'yesno', required: true },
  { key: 'needs', label: '诉求', kind: 'text' },
];
const ANSWERS = { living: '良好', risk: false };

async function person(who: Client, name: string, areaId: number, birthDate: string, tags: string[]) {
  const r = await who.post('/api/people', { name, residenceType: 'registered', areaId, birthDate });
  expect(r.statusCode, r.body).toBe(201);
  const id = r.json().id as number;
  for (const tag of tags) {
    const x = await who.post(`/api/people/${id}/tags`, { tag, fields: {} });
    expect(x.statusCode, x.body).toBeLessThan(300);
  }
  return id;
}

async function rule(who: Client, body: Record<string, unknown>) {
  const r = await who.post('/api/visit-rules', { areaId: A.youyi, intervalCount: 1, ...body });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: number; planCount: number; version: number };
}

async function putRule(id: number, version: number, body: Record<string, unknown>) {
  const cur = (await secretary.get('/api/visit-rules')).json().find((x: { id: number }) => x.id === id);
  const input = {
    name: cur.name,
    areaId: cur.areaId,
    tags: cur.tags,
    ...(cur.minAge === null ? {} : { minAge: cur.minAge }),
    intervalCount: cur.intervalCount,
    intervalUnit: cur.intervalUnit,
    mustVisit: cur.mustVisit,
    visitor: cur.visitor,
    form: cur.form,
    active: cur.active,
    ...body,
  };
  return secretary.put(`/api/visit-rules/${id}`, input, { 'if-match': `"${version}"` });
}

/** The rule's plans: [person, due] sorted by person id. */
async function plansOf(ruleId: number) {
  const rows = await t.db
    .selectFrom('visitPlans')
    .select(['personId', 'dueOn', 'since', 'lastVisitOn', 'id'])
    .where('ruleId', '=', ruleId)
    .orderBy('personId')
    .execute();
  return rows;
}
const pairs = async (ruleId: number) => (await plansOf(ruleId)).map((r) => [r.personId, r.dueOn]);

async function visit(who: Client, body: Record<string, unknown>, headers?: Record<string, string>) {
  return who.post('/api/visits', { met: '本人', ...body }, headers);
}
async function recorded(who: Client, body: Record<string, unknown>) {
  const r = await visit(who, body);
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id as number;
}

type Item = {
  personId: number;
  ruleId: number;
  overdueDays: number;
  dueOn: string;
  lastVisitOn: string | null;
};
async function myDay(who: Client, query: string) {
  const r = await who.get(`/api/visits/my-day?${query}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as {
    today: string;
    overdue: number;
    dueToday: number;
    upcoming: number;
    items: Item[];
    openPatrol: { id: number } | null;
  };
}
const issuePath = (r: { json(): { issues?: { path: string }[] } }) => r.json().issues?.[0]?.path;

beforeAll(async () => {
  t = await createTestApp({ clock: cst('2026-03-02T09:00:00') });
  // A clean slate for visits: no demo rules, plans, visits, patrols, pairs, and no tags on anyone.
  await sql`UPDATE case_attachments SET visit_id = NULL WHERE visit_id IS NOT NULL`.execute(t.db);
  for (const table of ['visits', 'visit_plans', 'visit_pairs', 'patrols', 'visit_rules', 'person_tags'])
    await sql`DELETE FROM ${sql.table(table)}`.execute(t.db);

  const areaId = async (name: string) =>
    (
      await t.db
        .selectFrom('areas')
        .select('id')
        .where('name', '=', name)
        .where('kind', '=', 'community')
        .executeTakeFirstOrThrow()
    ).id;
  A.youyi = await areaId('友谊河社区');
  A.jinpen = await areaId('金盆社区');
  const gridOf = async (username: string) =>
    (
      await sql<{ id: number }>`
        SELECT ur.area_id AS id FROM user_roles ur JOIN users u ON u.id = ur.user_id
        WHERE u.username = ${username} ORDER BY ur.id LIMIT 1`.execute(t.db)
    ).rows[0]!.id;
  const houses = async (grid: number, n: number) =>
    (
      await sql<{ id: number }>`
        SELECT h.id FROM areas h WHERE h.kind = 'house'
          AND h.path <@ (SELECT path FROM areas WHERE id = ${grid}) ORDER BY h.path LIMIT ${n}`.execute(t.db)
    ).rows.map((r) => r.id);
  A.gridA = await gridOf('grid_a');
  A.gridB = await gridOf('grid_b');
  A.grid3 = await gridOf('grid_001003');
  A.gridJ = await gridOf('grid_002001');
  [A.hA1, A.hA2, A.hO] = (await houses(A.gridA, 3)) as [number, number, number];
  [A.hB] = (await houses(A.gridB, 1)) as [number];
  [A.hS] = (await houses(A.grid3, 1)) as [number];
  [A.hJ] = (await houses(A.gridJ, 1)) as [number];
  for (const u of ['party_member', 'volunteer', 'grid_a', 'grid_001003'] as const) {
    U[u] = (
      await t.db.selectFrom('users').select('id').where('username', '=', u).executeTakeFirstOrThrow()
    ).id;
  }

  secretary = stayLoggedIn(t, 'community_admin');
  gridA = stayLoggedIn(t, 'grid_a');
  gridB = stayLoggedIn(t, 'grid_b');
  grid3 = stayLoggedIn(t, 'grid_001003');
  jinpenSec = stayLoggedIn(t, 'sec_002');
  party = stayLoggedIn(t, 'party_member');
  volunteer = stayLoggedIn(t, 'volunteer');
  security = stayLoggedIn(t, 'security_admin');
});
afterAll(async () => t?.close());

describe('plans follow the rules and the registry (Mon 2026-03-02)', () => {
  it('a rule with two tags needs both; minAge by birth date; a community’s rule stays in it', async () => {
    P.both = await person(secretary, '规则甲', A.hA1, '1960-05-01', ['living_alone', 'hardship']);
    P.one = await person(secretary, '规则乙', A.hA1, '1960-05-01', ['living_alone']);
    P.eighty = await person(secretary, '规则丙', A.hA2, '1946-03-02', ['veteran']); // 80 today
    P.almost = await person(secretary, '规则丁', A.hA2, '1946-03-03', ['veteran']); // 80 tomorrow
    P.jinpen = await person(jinpenSec, '规则戊', A.hJ, '1960-05-01', ['living_alone', 'hardship']);

    const r1 = await rule(secretary, {
      name: '独居困难走访',
      tags: ['living_alone', 'hardship'],
      intervalUnit: 'month',
      form: FORM,
    });
    R.both = r1.id;
    // only 规则甲 has both tags (规则乙 has one; 规则戊 lives in 金盆): since 03-02, due + 1 month = 04-02
    expect(r1.planCount).toBe(1);
    expect(await pairs(R.both)).toEqual([[P.both, '2026-04-02']]);

    const r2 = await rule(secretary, {
      name: '高龄退役军人',
      tags: ['veteran'],
      minAge: 80,
      intervalCount: 2,
      intervalUnit: 'week',
    });
    R.eighty = r2.id;
    // born 1946-03-02: 80 on 2026-03-02 → in; born 1946-03-03: 79 → out. Due 03-02 + 14 = 03-16
    expect(await pairs(R.eighty)).toEqual([[P.eighty, '2026-03-16']]);

    // 金盆's own rule over the same tags reaches 规则戊 only; 友谊河's rule still does not
    const rj = await rule(jinpenSec, {
      name: '金盆独居困难',
      areaId: A.jinpen,
      tags: ['living_alone', 'hardship'],
      intervalUnit: 'month',
    });
    expect(await pairs(rj.id)).toEqual([[P.jinpen, '2026-04-02']]);
    expect((await pairs(R.both)).map((x) => x[0])).toEqual([P.both]);
    // and a 友谊河 secretary cannot put a rule over 金盆
    const outside = await secretary.post('/api/visit-rules', {
      name: '越界规则',
      areaId: A.jinpen,
      tags: ['dibao'],
      intervalCount: 1,
      intervalUnit: 'month',
    });
    expect(outside.statusCode).toBe(400);
    expect(issuePath(outside)).toBe('areaId');
    // a repeated tag could never match: refused
    const twice = await secretary.post('/api/visit-rules', {
      name: '重复标签',
      areaId: A.youyi,
      tags: ['dibao', 'dibao'],
      intervalCount: 1,
      intervalUnit: 'month',
    });
    expect(twice.statusCode).toBe(400);
    expect(issuePath(twice)).toBe('tags');
  });

  it('a tag added later brings the plan at once (registry hook)', async () => {
    const x = await secretary.post(`/api/people/${P.one}/tags`, { tag: 'hardship', fields: {} });
    expect(x.statusCode, x.body).toBeLessThan(300);
    expect(await pairs(R.both)).toEqual([
      [P.both, '2026-04-02'],
      [P.one, '2026-04-02'],
    ]);
  });

  it('a person moved out or deceased loses their plans; a corrected birth date brings one', async () => {
    const out = await secretary.post(`/api/people/${P.both}/move`, { status: 'moved_out' });
    expect(out.statusCode, out.body).toBe(200);
    expect((await pairs(R.both)).map((x) => x[0])).toEqual([P.one]);

    const dead = await secretary.get(`/api/people/${P.eighty}`);
    const d = await secretary.patch(
      `/api/people/${P.eighty}`,
      { status: 'deceased' },
      { 'if-match': `"${dead.json().version}"` },
    );
    expect(d.statusCode, d.body).toBe(200);
    expect(await pairs(R.eighty)).toEqual([]);

    // 规则丁's birth date corrected to 1946-03-01: 80 now → plan from today, due 03-16
    const almost = await secretary.get(`/api/people/${P.almost}`);
    const b = await secretary.patch(
      `/api/people/${P.almost}`,
      { birthDate: '1946-03-01' },
      { 'if-match': `"${almost.json().version}"` },
    );
    expect(b.statusCode, b.body).toBe(200);
    expect(await pairs(R.eighty)).toEqual([[P.almost, '2026-03-16']]);
  });

  it('the due dates of visits (JS) agree with those of rules (SQL)', async () => {
    const cal = new WorkCalendar({ holidays: [], workdays: [], periods: [{ start: '08:30', end: '17:30' }] });
    const bases = ['2026-01-31', '2026-03-31', '2027-11-30', '2028-02-29', '2026-12-31', '2026-08-15'];
    for (const unit of ['week', 'month', 'quarter'])
      for (const n of [1, 2, 5])
        for (const base of bases) {
          const r = await sql<{ d: string }>`
            SELECT (CASE ${unit}::text WHEN 'week' THEN ${base}::date + ${n}::int * 7
              WHEN 'month' THEN (${base}::date + make_interval(months => ${n}::int))::date
              ELSE (${base}::date + make_interval(months => 3 * ${n}::int))::date END)::text AS d`.execute(
            t.db,
          );
          expect(nextDue(cal, { intervalUnit: unit, intervalCount: n }, base), `${unit} ${n} ${base}`).toBe(
            r.rows[0]!.d,
          );
        }
  });
});

describe('a rule change recomputes its plans at once (PUT with If-Match)', () => {
  it('a tag requirement added drops plans; interval changes move the due dates', async () => {
    P.q1 = await person(secretary, '变更甲', A.hA1, '1980-01-01', ['unemployed', 'dibao']);
    P.q2 = await person(secretary, '变更乙', A.hA1, '1980-01-01', ['unemployed']);
    const rc = await rule(secretary, { name: '失业人员走访', tags: ['unemployed'], intervalUnit: 'month' });
    R.change = rc.id;
    expect(await pairs(R.change)).toEqual([
      [P.q1, '2026-04-02'],
      [P.q2, '2026-04-02'],
    ]);

    const noMatch = await secretary.put(`/api/visit-rules/${R.change}`, {
      name: '失业人员走访',
      areaId: A.youyi,
      tags: ['unemployed'],
      intervalCount: 1,
      intervalUnit: 'month',
    });
    expect(noMatch.statusCode).toBe(428);
    expect((await putRule(R.change, 7, { tags: ['unemployed', 'dibao'] })).statusCode).toBe(412);

    // both tags now: 变更乙 (no 低保) drops out
    let r = await putRule(R.change, 1, { tags: ['unemployed', 'dibao'] });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ version: 2, planCount: 1 });
    expect(r.headers.etag).toBe('"2"');
    expect(await pairs(R.change)).toEqual([[P.q1, '2026-04-02']]);

    // every 2 weeks: from the plan's start 03-02 + 14 = 03-16
    r = await putRule(R.change, 2, { intervalCount: 2, intervalUnit: 'week' });
    expect(r.statusCode, r.body).toBe(200);
    expect(await pairs(R.change)).toEqual([[P.q1, '2026-03-16']]);

    // an offline visit of Fri 02-27 (before the plan began): last visit 02-27 → 02-27 + 14 = 03-13
    await recorded(gridA, {
      personId: P.q1,
      ruleId: R.change,
      visitedAt: '2026-02-27T10:00:00+08:00',
    });
    expect(await pairs(R.change)).toEqual([[P.q1, '2026-03-13']]);

    // quarterly: from the last visit 02-27 + 3 months = 05-27
    r = await putRule(R.change, 3, { intervalCount: 1, intervalUnit: 'quarter' });
    expect(r.statusCode, r.body).toBe(200);
    expect(await pairs(R.change)).toEqual([[P.q1, '2026-05-27']]);

    // 5 working days after Fri 02-27: Sat 02-28 (调休 workday, 1), Mon 03-02 (2), 03 (3),
    // 04 (4), Thu 03-05 (5)
    r = await putRule(R.change, 4, { intervalCount: 5, intervalUnit: 'wday' });
    expect(r.statusCode, r.body).toBe(200);
    expect(await pairs(R.change)).toEqual([[P.q1, '2026-03-05']]);

    // back to one tag: 变更乙 returns with a new plan from today, Mon 03-02 + 5 working days:
    // 03 (1), 04 (2), 05 (3), 06 (4), Mon 03-09 (5); 变更甲 keeps its last visit
    r = await putRule(R.change, 5, { tags: ['unemployed'] });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ version: 6, planCount: 2 });
    expect(await pairs(R.change)).toEqual([
      [P.q1, '2026-03-05'],
      [P.q2, '2026-03-09'],
    ]);
    const plans = await plansOf(R.change);
    expect(plans.map((p) => p.lastVisitOn)).toEqual(['2026-02-27', null]);

    // five changes, five audit entries (the refused 428 / 412 wrote none)
    const audit = await t.db
      .selectFrom('auditLog')
      .select(['detail'])
      .where('action', '=', 'visit_rule.update')
      .where('entityId', '=', String(R.change))
      .where('success', '=', true)
      .orderBy('seq')
      .execute();
    expect(audit).toHaveLength(5);
    expect(audit[0]!.detail).toMatchObject({ tags: ['unemployed', 'dibao'], removed: 1, added: 0 });
    expect(audit[4]!.detail).toMatchObject({ tags: ['unemployed'], added: 1, removed: 0 });
  });
});

describe('a move hands the plan on (Mon 03-02)', () => {
  it('the new grid’s worker has it, the old one does not, past visits stay with the person', async () => {
    P.mover = await person(secretary, '迁移甲', A.hA1, '2015-06-01', ['left_behind']);
    R.move = (
      await rule(secretary, { name: '留守儿童走访', tags: ['left_behind'], intervalUnit: 'week' })
    ).id;
    // 03-02 + 7 = 03-09: upcoming in 7 days
    let dayA = await myDay(gridA, 'horizon=7&q=迁移甲');
    expect(dayA.items.map((i) => [i.personId, i.ruleId, i.overdueDays])).toEqual([[P.mover, R.move, -7]]);
    expect((await myDay(gridB, 'horizon=7&q=迁移甲')).items).toEqual([]);

    V.beforeMove = await recorded(gridA, { personId: P.mover, ruleId: R.move });
    const [plan] = await plansOf(R.move);
    expect(plan).toMatchObject({ lastVisitOn: '2026-03-02', dueOn: '2026-03-09' });

    const cur = await secretary.get(`/api/people/${P.mover}`);
    const mv = await secretary.post(
      `/api/people/${P.mover}/move`,
      { areaId: A.hB },
      { 'if-match': `"${cur.json().version}"` },
    );
    expect(mv.statusCode, mv.body).toBe(200);
    // the same plan, its last visit and due date kept
    expect(await plansOf(R.move)).toEqual([plan]);

    const dayB = await myDay(gridB, 'horizon=7&q=迁移甲');
    expect(dayB.items.map((i) => [i.personId, i.ruleId, i.lastVisitOn, i.dueOn])).toEqual([
      [P.mover, R.move, '2026-03-02', '2026-03-09'],
    ]);
    dayA = await myDay(gridA, 'horizon=7&q=迁移甲');
    expect(dayA.items).toEqual([]);
    // grid A's worker may no longer record under the plan (the person is outside their grid)
    const stale = await visit(gridA, { personId: P.mover, ruleId: R.move });
    expect(stale.statusCode).toBe(400);
    expect(issuePath(stale)).toBe('personId');

    V.afterMove = await recorded(gridB, { personId: P.mover, ruleId: R.move });
    const list = async (who: Client) =>
      ((await who.get(`/api/visits?personId=${P.mover}`)).json().items as { id: number }[]).map((v) => v.id);
    // the community sees both visits; each visitor sees their own; the visit made in grid A keeps
    // its place, so grid B's worker does not read it
    expect(await list(secretary)).toEqual([V.afterMove, V.beforeMove].sort((a, b) => b - a));
    expect(await list(gridA)).toEqual([V.beforeMove]);
    expect(await list(gridB)).toEqual([V.afterMove]);
  });
});

describe('overdue as the clock moves', () => {
  it('my day counts overdue, due today and upcoming; overdueDays follows the date', async () => {
    at('2026-03-02T09:00:00');
    P.o1 = await person(secretary, '逾期甲', A.hO, '1940-01-01', ['elderly_alone']);
    P.o2 = await person(secretary, '逾期乙', A.hO, '1940-01-01', ['elderly_alone']);
    P.o3 = await person(secretary, '逾期丙', A.hO, '1940-01-01', ['elderly_alone']);
    R.weekly = (
      await rule(secretary, { name: '孤寡老人探访', tags: ['elderly_alone'], intervalUnit: 'week' })
    ).id;
    // all three due 03-02 + 7 = 03-09; offline visits: 逾期乙 on Sun 03-01 → 03-01 + 7 = 03-08,
    // 逾期丙 on Wed 02-25 → 02-25 + 7 = 03-04
    await recorded(gridA, { personId: P.o2, ruleId: R.weekly, visitedAt: '2026-03-01T10:00:00+08:00' });
    await recorded(gridA, { personId: P.o3, ruleId: R.weekly, visitedAt: '2026-02-25T15:00:00+08:00' });
    expect(await pairs(R.weekly)).toEqual([
      [P.o1, '2026-03-09'],
      [P.o2, '2026-03-08'],
      [P.o3, '2026-03-04'],
    ]);
    const row = (i: Item) => [i.personId, i.overdueDays];
    const q = `areaId=${A.hO}&horizon=7`;

    // Mon 03-02, horizon to 03-09: 逾期丙 in 2 days, 逾期乙 in 6, 逾期甲 in 7 (one house: by due date)
    let day = await myDay(gridA, q);
    expect(day.today).toBe('2026-03-02');
    expect([day.overdue, day.dueToday, day.upcoming]).toEqual([0, 0, 3]);
    expect(day.items.map(row)).toEqual([
      [P.o3, -2],
      [P.o2, -6],
      [P.o1, -7],
    ]);

    // Wed 03-04: 逾期丙 due today (0), 逾期乙 in 4 days, 逾期甲 in 5
    at('2026-03-04T09:00:00');
    day = await myDay(gridA, q);
    expect([day.overdue, day.dueToday, day.upcoming]).toEqual([0, 1, 2]);
    expect(day.items.map(row)).toEqual([
      [P.o3, 0],
      [P.o2, -4],
      [P.o1, -5],
    ]);

    // Tue 03-10: 03-10 − 03-04 = 6 days late, − 03-08 = 2, − 03-09 = 1
    at('2026-03-10T09:00:00');
    day = await myDay(gridA, q);
    expect([day.overdue, day.dueToday, day.upcoming]).toEqual([3, 0, 0]);
    expect(day.items.map(row)).toEqual([
      [P.o3, 6],
      [P.o2, 2],
      [P.o1, 1],
    ]);

    // 逾期甲 visited today: due 03-10 + 7 = 03-17, upcoming (in 7 days), after the overdue ones
    await recorded(gridA, { personId: P.o1, ruleId: R.weekly });
    day = await myDay(gridA, q);
    expect([day.overdue, day.dueToday, day.upcoming]).toEqual([2, 0, 1]);
    expect(day.items.map(row)).toEqual([
      [P.o3, 6],
      [P.o2, 2],
      [P.o1, -7],
    ]);
    // horizon 0: only what is due by today
    day = await myDay(gridA, `areaId=${A.hO}&horizon=0`);
    expect([day.overdue, day.dueToday, day.upcoming]).toEqual([2, 0, 0]);
    expect(day.items.map(row)).toEqual([
      [P.o3, 6],
      [P.o2, 2],
    ]);
    const overdue = await gridA.get(`/api/visits/plans?status=overdue&areaId=${A.hO}`);
    expect(overdue.json().total).toBe(2);
  });

  it('the counts cover every due plan, not only the first page of items', async () => {
    // 150 more people of grid A get 困难家庭 (hardship) directly; a weekly rule over it
    const enc = t.services.keyring.encrypt('{}');
    await sql`
      INSERT INTO person_tags (person_id, tag, fields_enc)
      SELECT p.id, 'hardship', ${enc} FROM people p JOIN areas a ON a.id = p.area_id
      WHERE a.path <@ (SELECT path FROM areas WHERE id = ${A.gridA}) AND p.status = 'active'
        AND NOT EXISTS (SELECT 1 FROM person_tags x WHERE x.person_id = p.id)
      ORDER BY p.id LIMIT 150`.execute(t.db);
    const many = await rule(secretary, { name: '困难家庭走访', tags: ['hardship'], intervalUnit: 'week' });
    // 150 + 规则乙 (hardship since earlier; 规则甲 moved out) = 151, all due 03-17
    expect(many.planCount).toBe(151);
    const day = await myDay(gridA, 'horizon=7');
    const all = (await gridA.get('/api/visits/plans?status=due')).json().total as number;
    expect(day.items).toHaveLength(100);
    expect(day.overdue + day.dueToday + day.upcoming).toBe(all);
    expect(day.upcoming).toBeGreaterThanOrEqual(151);

    // switched off: its plans go
    const off = await putRule(many.id, 1, { active: false });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json().planCount).toBe(0);
    const after = await myDay(gridA, 'horizon=7');
    expect(after.overdue + after.dueToday + after.upcoming).toBe(all - 151);
  });
});

describe('visits are as sensitive as their rule’s tags (Tue 03-10)', () => {
  it('a role without a tag permission sees neither the visits nor the plans of rules over it', async () => {
    const role = await security.post('/api/roles', {
      code: 'visit_helper',
      nameZh: '走访协助',
      nameEn: 'Visit helper',
      permissions: ['visit.read', 'visit.record', 'tag.empty_nest'],
    });
    expect(role.statusCode, role.body).toBe(201);
    const assigned = await security.post(`/api/users/${U.volunteer}/roles`, {
      role: 'visit_helper',
      areaId: A.youyi,
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    // Business rights wait for a second person (docs/security.md): the system administrator approves.
    const grant = assigned.json().roles.find((r: { role: string }) => r.role === 'visit_helper');
    const approved = await stayLoggedIn(t, 'sys_admin').post(
      `/api/role-grants/${grant.assignmentId}/approve`,
    );
    expect(approved.statusCode, approved.body).toBe(200);

    P.sens = await person(secretary, '敏感甲', A.hA2, '1940-01-01', ['empty_nest', 'disability']);
    R.nest = (await rule(secretary, { name: '空巢探访', tags: ['empty_nest'], intervalUnit: 'month' })).id;
    R.disab = (
      await rule(secretary, { name: '残疾人走访', tags: ['disability'], intervalUnit: 'quarter' })
    ).id;
    V.nest = await recorded(gridA, { personId: P.sens, ruleId: R.nest });
    V.disab = await recorded(gridA, { personId: P.sens, ruleId: R.disab });

    const total = async (who: Client, ruleId: number) =>
      (await who.get(`/api/visits/plans?ruleId=${ruleId}`)).json().total;
    expect(await total(volunteer, R.nest)).toBe(1);
    expect(await total(volunteer, R.disab)).toBe(0);
    expect(await total(gridA, R.disab)).toBe(1);
    const day = await myDay(volunteer, 'horizon=90&q=敏感甲');
    expect(day.items.map((i) => i.ruleId)).toEqual([R.nest]);

    expect((await volunteer.get(`/api/visits/${V.nest}`)).statusCode).toBe(200);
    expect((await volunteer.get(`/api/visits/${V.disab}`)).statusCode).toBe(404);
    const listed = (await volunteer.get(`/api/visits?personId=${P.sens}`)).json();
    expect(listed.items.map((v: { id: number }) => v.id)).toEqual([V.nest]);
    expect(listed.total).toBe(1);
    // recording under the hidden rule answers as for a person without that plan: nothing leaks
    const hidden = await visit(volunteer, { personId: P.sens, ruleId: R.disab, form: {} });
    const none = await visit(volunteer, { personId: P.q2, ruleId: R.disab, form: {} });
    expect([hidden.statusCode, issuePath(hidden)]).toEqual([400, 'ruleId']);
    expect([none.statusCode, issuePath(none)]).toEqual([400, 'ruleId']);
    expect(hidden.json().message).toBe(none.json().message);
  });
});

describe('pair rules: the paired cadre or party member visits (Tue 03-10)', () => {
  it('the paired party member has the person in their day and records the visit; others do not', async () => {
    P.k1 = await person(secretary, '结对甲', A.hA1, '2008-01-01', ['key_youth']);
    P.k2 = await person(secretary, '结对乙', A.hA1, '2008-01-01', ['key_youth']);
    R.pair = (
      await rule(secretary, {
        name: '重点青少年结对帮扶',
        tags: ['key_youth'],
        intervalUnit: 'month',
        visitor: 'pair',
        form: FORM,
      })
    ).id;
    // due 03-10 + 1 month = 04-10
    expect(await pairs(R.pair)).toEqual([
      [P.k1, '2026-04-10'],
      [P.k2, '2026-04-10'],
    ]);
    const pr = await secretary.post('/api/visit-pairs', { personId: P.k1, userId: U.party_member });
    expect(pr.statusCode, pr.body).toBe(201);
    const again = await secretary.post('/api/visit-pairs', { personId: P.k1, userId: U.party_member });
    expect(again.statusCode).toBe(409);

    // 04-10 is 31 days ahead
    let day = await myDay(party, 'horizon=31');
    expect(day.items.map((i) => [i.personId, i.ruleId, i.overdueDays])).toEqual([[P.k1, R.pair, -31]]);
    // a pair rule is not the grid worker's
    expect((await myDay(gridA, 'horizon=90&q=结对')).items).toEqual([]);

    const body = { personId: P.k1, ruleId: R.pair, form: ANSWERS, findings: '学习生活正常' };
    const r = await visit(party, body);
    expect(r.statusCode, r.body).toBe(201);
    V.pair = r.json().id;
    expect((await party.get(`/api/visits/${V.pair}`)).statusCode).toBe(200);
    expect(await pairs(R.pair)).toEqual([
      [P.k1, '2026-04-10'],
      [P.k2, '2026-04-10'],
    ]);
    expect((await plansOf(R.pair))[0]!.lastVisitOn).toBe('2026-03-10');

    // 结对乙 is not paired with them: refused, nothing written
    const unpaired = await visit(party, { ...body, personId: P.k2 });
    expect([unpaired.statusCode, issuePath(unpaired)]).toEqual([400, 'ruleId']);
    // another community's secretary cannot reach the person at all
    const far = await visit(jinpenSec, { ...body, personId: P.k2 });
    expect([far.statusCode, issuePath(far)]).toEqual([400, 'personId']);
    expect(await t.db.selectFrom('visits').select('id').where('ruleId', '=', R.pair).execute()).toHaveLength(
      1,
    );

    // the pairing removed: gone from their day
    const rm = await secretary.del(`/api/visit-pairs/${pr.json().id}`);
    expect(rm.statusCode, rm.body).toBe(200);
    day = await myDay(party, 'horizon=31');
    expect(day.items).toEqual([]);
  });
});

describe('recording: offline replay, time and form checks (Tue 03-10)', () => {
  const base = () => ({ personId: P.one, ruleId: R.both, form: ANSWERS });
  const count = async () =>
    (await t.db.selectFrom('visits').select('id').where('personId', '=', P.one).execute()).length;

  it('the same Idempotency-Key twice stores one visit; another body under it is refused', async () => {
    const before = await count();
    const key = { 'idempotency-key': 'offline-visit-0001' };
    const first = await visit(gridA, base(), key);
    expect(first.statusCode, first.body).toBe(201);
    const again = await visit(gridA, base(), key);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expect(await count()).toBe(before + 1);
    V.replayed = first.json().id;

    const other = await visit(gridA, { ...base(), findings: '另一次' }, key);
    expect(other.statusCode).toBe(422);
    expect(await count()).toBe(before + 1);
  });

  it('visitedAt neither in the future nor older than 30 days', async () => {
    const before = await count();
    const now = t.clock.now().getTime();
    const future = await visit(gridA, { ...base(), visitedAt: new Date(now + 3600_000).toISOString() });
    expect([future.statusCode, issuePath(future)]).toEqual([400, 'visitedAt']);
    const old = await visit(gridA, { ...base(), visitedAt: new Date(now - 31 * 86_400_000).toISOString() });
    expect([old.statusCode, issuePath(old)]).toEqual([400, 'visitedAt']);
    expect(await count()).toBe(before);
  });

  it('the rule’s form: unknown field, missing required answer, bad choice, wrong kind', async () => {
    const before = await count();
    const cases: [Record<string, unknown>, string][] = [
      [{ ...ANSWERS, colour: '红' }, 'form.colour'],
      [{ risk: false }, 'form.living'],
      [{ living: '', risk: false }, 'form.living'],
      [{ living: '很好', risk: false }, 'form.living'],
      [{ living: '良好', risk: '否' }, 'form.risk'],
      [{ living: '良好' }, 'form.risk'],
    ];
    for (const [form, path] of cases) {
      const r = await visit(gridA, { ...base(), form });
      expect([r.statusCode, issuePath(r)], JSON.stringify(form)).toEqual([400, path]);
    }
    // without a rule no form fields exist
    const free = await visit(gridA, { personId: P.one, form: { living: '良好' } });
    expect([free.statusCode, issuePath(free)]).toEqual([400, 'form.living']);
    expect(await count()).toBe(before);
    // the optional text may be left out or given
    expect((await visit(gridA, { ...base(), form: { ...ANSWERS, needs: '无' } })).statusCode).toBe(201);
  });
});

describe('patrols (Tue 03-10)', () => {
  it('one open per user, points merged by time, finished once (a retry changes nothing), nobody else’s', async () => {
    at('2026-03-10T09:00:00');
    const start = await gridA.post('/api/patrols', { areaId: A.gridA });
    expect(start.statusCode, start.body).toBe(201);
    PT.a = start.json().id;
    expect((await gridA.post('/api/patrols', { areaId: A.gridA })).statusCode).toBe(409);
    expect((await myDay(gridA, 'horizon=0&q=无此人')).openPatrol?.id).toBe(PT.a);

    const p = (min: number, lat: number) => ({
      lat,
      lng: 113.05,
      at: `2026-03-10T09:${String(min).padStart(2, '0')}:00+08:00`,
    });
    let r = await gridA.post(`/api/patrols/${PT.a}/points`, { points: [p(10, 28.8), p(30, 28.802)] });
    expect(r.json().count).toBe(2);
    // a late batch, out of order, repeating 09:10 and giving 09:20 twice
    r = await gridA.post(`/api/patrols/${PT.a}/points`, {
      points: [p(20, 28.801), p(10, 28.8), p(20, 28.801)],
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().count).toBe(3);

    // another user's patrol does not exist for them
    expect((await gridB.post(`/api/patrols/${PT.a}/points`, { points: [p(40, 28.8)] })).statusCode).toBe(404);
    expect((await gridB.post(`/api/patrols/${PT.a}/finish`, {})).statusCode).toBe(404);
    expect((await gridB.get(`/api/patrols/${PT.a}`)).statusCode).toBe(404);

    t.clock.advance(45 * 60_000);
    const done = await gridA.post(`/api/patrols/${PT.a}/finish`, { note: '正常' });
    expect(done.statusCode, done.body).toBe(200);
    const patrol = done.json();
    // the route in time order; 0.001° of latitude ≈ 111 m, twice
    expect(patrol.route).toEqual([
      [28.8, 113.05],
      [28.801, 113.05],
      [28.802, 113.05],
    ]);
    expect(patrol.distanceM).toBeGreaterThan(215);
    expect(patrol.distanceM).toBeLessThan(230);
    expect(patrol.minutes).toBe(45);
    expect(patrol.abilities).toEqual([]);
    // finishing again (the phone retrying after a lost answer) is answered as before and changes
    // nothing: same end, same note, one finish in the audit (see the patrol audit below)
    t.clock.advance(10 * 60_000);
    const again = await gridA.post(`/api/patrols/${PT.a}/finish`, { note: '重发' });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ endedAt: patrol.endedAt, minutes: 45, note: '正常' });
    expect((await gridA.post(`/api/patrols/${PT.a}/points`, { points: [p(50, 28.8)] })).statusCode).toBe(409);
    // finished: a new one may start
    const next = await gridA.post('/api/patrols', { areaId: A.gridA });
    expect(next.statusCode, next.body).toBe(201);
    expect((await gridA.post(`/api/patrols/${next.json().id}/finish`, {})).statusCode).toBe(200);
  });
});

describe('supervision figures (Wed 04-01 … Fri 04-10, 第三网格)', () => {
  it('plans, on time / late, overdue, never visited, patrols, patrol days and minutes', async () => {
    // Wed 04-01 09:00. 第三网格 has nobody tagged (tags wiped): 统计甲/乙/丙 released, 丙/丁 petition.
    at('2026-04-01T09:00:00');
    P.s1 = await person(secretary, '统计甲', A.hS, '1980-01-01', ['released']);
    P.s2 = await person(secretary, '统计乙', A.hS, '1980-01-01', ['released']);
    P.s3 = await person(secretary, '统计丙', A.hS, '1980-01-01', ['released', 'petition']);
    P.s4 = await person(secretary, '统计丁', A.hS, '1980-01-01', ['petition']);
    // must-visit monthly over released: 甲 乙 丙, due 04-01 + 1 month = 05-01
    R.released = (
      await rule(secretary, {
        name: '四个必访·刑满释放人员',
        tags: ['released'],
        intervalUnit: 'month',
        mustVisit: true,
      })
    ).id;
    // weekly over petition: 丙 丁, due 04-01 + 7 = 04-08
    R.petition = (
      await rule(secretary, { name: '信访人员走访', tags: ['petition'], intervalUnit: 'week' })
    ).id;

    // patrol 1: Wed 04-01 09:00–09:45 (45 min)
    PT.s1 = (await grid3.post('/api/patrols', { areaId: A.grid3 })).json().id;
    t.clock.advance(45 * 60_000);
    expect((await grid3.post(`/api/patrols/${PT.s1}/finish`, {})).statusCode).toBe(200);
    // 09:45 统计甲 visited under the monthly rule: due 05-01 at the time, 04-01 ≤ 05-01 → on time
    V.s1 = await recorded(grid3, { personId: P.s1, ruleId: R.released });

    // Fri 04-10 10:00: 统计丁 visited under the weekly rule, due 04-08 → late (04-10 > 04-08);
    // 统计乙 visited without a rule (counts as a visit, neither on time nor late)
    at('2026-04-10T10:00:00');
    V.s4 = await recorded(grid3, { personId: P.s4, ruleId: R.petition });
    V.s2 = await recorded(grid3, { personId: P.s2 });
    // patrol 2: 10:00–10:30 (30 min); patrol 3: 14:00–14:20 (20 min), the same day
    PT.s2 = (await grid3.post('/api/patrols', { areaId: A.grid3 })).json().id;
    t.clock.advance(30 * 60_000);
    await grid3.post(`/api/patrols/${PT.s2}/finish`, {});
    at('2026-04-10T14:00:00');
    PT.s3 = (await grid3.post('/api/patrols', { areaId: A.grid3 })).json().id;
    t.clock.advance(20 * 60_000);
    await grid3.post(`/api/patrols/${PT.s3}/finish`, {});

    const stats = async (from: string, to: string) => {
      const r = await secretary.get(`/api/visits/stats?areaId=${A.youyi}&from=${from}&to=${to}`);
      expect(r.statusCode, r.body).toBe(200);
      const body = r.json();
      return { body, row: body.rows.find((x: { areaId: number }) => x.areaId === A.grid3) };
    };
    // Today 04-10. Plans: released 甲 乙 丙 (3) + petition 丙 丁 (2) = 5.
    // Overdue (due < 04-10): 甲 05-01 no (visited 04-01 → 04-01 + 1 month = 05-01), 乙 05-01,
    //   丙 05-01 no; petition 丙 04-08 yes, 丁 04-10 + 7 = 04-17 no → 1.
    // Never visited (must-visit plans without a visit): released 乙 (the visit had no rule), 丙 → 2.
    // Visits 04-01…04-10: 甲 on time, 丁 late, 乙 no rule → visits 3, on time 1, late 1;
    //   due = on time + late + overdue = 1 + 1 + 1 = 3.
    // Patrols: 3 on 2 days (04-01, 04-10), 45 + 30 + 20 = 95 minutes.
    const full = await stats('2026-04-01', '2026-04-10');
    expect(full.body.days).toBe(10);
    expect(full.row).toMatchObject({
      plans: 5,
      due: 3,
      doneOnTime: 1,
      doneLate: 1,
      overdue: 1,
      neverVisited: 2,
      visits: 3,
      patrols: 3,
      patrolDays: 2,
      patrolMinutes: 95,
    });
    expect(full.row.workerNames).toHaveLength(1);
    // 04-02…04-10 leaves out 04-01: visits 丁 (late) and 乙 → 2, on time 0, late 1;
    // patrols 2 on 1 day, 30 + 20 = 50 minutes; the plan figures are as of today, unchanged
    const part = await stats('2026-04-02', '2026-04-10');
    expect(part.row).toMatchObject({
      plans: 5,
      due: 2,
      doneOnTime: 0,
      doneLate: 1,
      overdue: 1,
      neverVisited: 2,
      visits: 2,
      patrols: 2,
      patrolDays: 1,
      patrolMinutes: 50,
    });
    // the grid worker sees their own grid's row only
    const own = await grid3.get('/api/visits/stats?from=2026-04-01&to=2026-04-10');
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().rows.map((x: { areaId: number }) => x.areaId)).toEqual([A.grid3]);
  });
});

describe('audit', () => {
  it('records visits, patrol starts and finishes, and rule changes', async () => {
    const has = async (action: string, entityId: number) =>
      (
        await t.db
          .selectFrom('auditLog')
          .select(['actorId'])
          .where('action', '=', action)
          .where('entityId', '=', String(entityId))
          .where('success', '=', true)
          .execute()
      ).map((r) => r.actorId);
    expect(await has('visit.record', V.beforeMove)).toEqual([U.grid_a]);
    expect(await has('visit.record', V.pair)).toEqual([U.party_member]);
    // the replayed visit was recorded once
    expect(await has('visit.record', V.replayed)).toEqual([U.grid_a]);
    expect(await has('patrol.start', PT.a)).toEqual([U.grid_a]);
    expect(await has('patrol.finish', PT.a)).toEqual([U.grid_a]); // once, though finished twice
    expect(await has('patrol.start', PT.s3)).toEqual([U.grid_001003]);
    expect(await has('patrol.finish', PT.s3)).toEqual([U.grid_001003]);
    expect((await has('visit_rule.update', R.change)).length).toBe(5);
  });
});
