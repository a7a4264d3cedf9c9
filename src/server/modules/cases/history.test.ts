import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, stayLoggedIn, type TestApp } from '../../../../test/helpers/app.js';
import { calendarFor } from '../../engines/calendar/store.js';
import { sweep } from '../../engines/cases/sweep.js';
import { timingsFor } from '../../engines/cases/timings.js';
import { verifyChain } from '../../platform/audit/audit.js';
import { seedVisitsYear } from '../visits/visits.history.js';
import { planCaseYear, seedCaseYear } from './cases.history.js';

/**
 * The demo street's year (cases.history.ts, visits.history.ts): the tests' template is seeded
 * without it (JIAYUAN_DEMO_YEAR), so it is written here on a clone, as a first start writes it,
 * and checked against what the app relies on: case_stats as its triggers keep it, case numbers,
 * timelines that end in the case's state, SLA fields the sweep agrees with, the audit chain, and
 * figures in every community.
 */
let t: TestApp;
let seeded: { cases: number; events: number };
let ms = 0;
/** The last case of the template (the engine-driven examples). */
let before = 0;

beforeAll(async () => {
  t = await createTestApp();
  // The template's visits of the last weeks make way for the year.
  await sql`DELETE FROM visits`.execute(t.db);
  await sql`UPDATE visit_plans SET last_visit_on = NULL`.execute(t.db);
  before = Number((await sql<{ m: number }>`SELECT max(id) AS m FROM cases`.execute(t.db)).rows[0]!.m);
  const t0 = Date.now();
  seeded = await seedCaseYear(t.services);
  const timing = await calendarFor(t.services).get();
  await t.db.transaction().execute((trx) => seedVisitsYear(trx, t.services, timing.calendar));
  ms = Date.now() - t0;
}, 120_000);
afterAll(() => t?.close());

describe('a year of cases', () => {
  it('is written quickly, in every community, of every type, more where more people live', async () => {
    console.log(
      `demo year: ${seeded.cases} cases, ${seeded.events} timeline entries, visits and patrols in ${ms} ms`,
    );
    expect(seeded.cases).toBeGreaterThan(4000);
    const rows = await sql<{ name: string; type: string; n: number; people: number }>`
      SELECT c.name, k.type, count(k.id)::int AS n,
        (SELECT count(*)::int FROM people p JOIN areas a ON a.id = p.area_id WHERE a.path <@ c.path) AS people
      FROM areas c JOIN cases k ON k.area_path <@ c.path
      WHERE c.kind = 'community' AND k.reported_at >= now() - interval '365 days'
      GROUP BY c.id, c.name, c.path, k.type`.execute(t.db);
    const communities = new Set(rows.rows.map((r) => r.name));
    expect(communities.size).toBe(9);
    for (const name of communities)
      for (const type of ['event', 'request', 'dispute'])
        expect(
          rows.rows.find((r) => r.name === name && r.type === type)?.n ?? 0,
          `${name} ${type}`,
        ).toBeGreaterThan(0);
    const events = rows.rows.filter((r) => r.type === 'event' && r.name !== '友谊河社区');
    const biggest = events.reduce((a, b) => (b.people > a.people ? b : a));
    const smallest = events.reduce((a, b) => (b.people < a.people ? b : a));
    expect(biggest.n).toBeGreaterThan(smallest.n);
  });

  it('is the same street on every machine: the same cases from the same day', async () => {
    const sketch = (xs: Awaited<ReturnType<typeof planCaseYear>>) =>
      xs.map((c) => [
        c.reportedAt.toISOString(),
        c.category,
        c.title,
        c.state,
        c.events.map((e) => e.kind).join(),
      ]);
    const a = sketch(await planCaseYear(t.services));
    const b = sketch(await planCaseYear(t.services));
    expect(a.length).toBeGreaterThan(4000);
    expect(b).toEqual(a);
  });

  it("leaves grid_a's and grid_b's grids of the last months to the engine-driven examples", async () => {
    const r = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM cases c
      WHERE c.id > ${before} AND c.type = 'event' AND c.reported_at > now() - interval '120 days' AND c.area_id IN (
        SELECT ur.area_id FROM user_roles ur JOIN users u ON u.id = ur.user_id WHERE u.username IN ('grid_a', 'grid_b'))`.execute(
      t.db,
    );
    expect(r.rows[0]!.n).toBe(0);
  });

  it('has its seasons: more noise in summer than in winter', async () => {
    const r = await sql<{ summer: number; winter: number }>`
      SELECT count(*) FILTER (WHERE extract(month FROM reported_at AT TIME ZONE 'Asia/Shanghai') IN (6, 7, 8))::int AS summer,
        count(*) FILTER (WHERE extract(month FROM reported_at AT TIME ZONE 'Asia/Shanghai') IN (12, 1, 2))::int AS winter
      FROM cases WHERE category IN ('public_order.disturbance', 'complaint.noise', '0202')`.execute(t.db);
    expect(r.rows[0]!.summer).toBeGreaterThan(r.rows[0]!.winter * 1.5);
  });

  it('keeps case_stats as the triggers would (equal to a rebuild)', async () => {
    // clo_seconds is a sum of doubles: equal up to the order it was added in.
    const q = sql`SELECT *, round(clo_seconds::numeric, 3)::float8 AS clo_seconds
      FROM case_stats ORDER BY month, type, category, state, area_path`;
    const before = (await q.execute(t.db)).rows;
    await sql`SELECT case_stats_rebuild()`.execute(t.db);
    const after = (await q.execute(t.db)).rows;
    expect(before.length).toBeGreaterThan(100);
    expect(before).toEqual(after);
  });

  it('numbers cases as the engine does, in order of report', async () => {
    const bad = await sql<{ no: string }>`
      SELECT no FROM cases
      WHERE no !~ ('^' || CASE type WHEN 'event' THEN 'SJ' WHEN 'dispute' THEN 'JF' ELSE 'SQ' END
        || to_char(reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || lpad(id::text, 7, '0') || '$')`.execute(
      t.db,
    );
    expect(bad.rows).toEqual([]);
    const next = await sql<{ n: number; m: number }>`
      SELECT nextval(pg_get_serial_sequence('cases', 'id'))::int AS n, (SELECT max(id)::int FROM cases) AS m`.execute(
      t.db,
    );
    expect(next.rows[0]!.n).toBeGreaterThan(next.rows[0]!.m);
  });

  it('tells each case its story: from the report, in time order, ending in its state', async () => {
    const r = await sql<{ id: number; state: string; first: string; last: string | null; ordered: boolean }>`
      SELECT c.id, c.state,
        (SELECT kind FROM case_events e WHERE e.case_id = c.id ORDER BY id LIMIT 1) AS first,
        (SELECT to_state FROM case_events e WHERE e.case_id = c.id AND to_state IS NOT NULL ORDER BY id DESC LIMIT 1) AS last,
        (SELECT bool_and(ok) FROM (SELECT at >= lag(at, 1, at) OVER (ORDER BY id) AS ok FROM case_events e WHERE e.case_id = c.id) x) AS ordered
      FROM cases c WHERE c.id > (SELECT min(id) FROM cases) - 1`.execute(t.db);
    const wrong = r.rows.filter((x) => x.first !== 'report' || x.last !== x.state || !x.ordered);
    expect(wrong.slice(0, 5)).toEqual([]);
    const steps = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM cases WHERE state = 'closed' AND NOT (
        reported_at <= accepted_at AND accepted_at <= dispatched_at AND dispatched_at <= resolved_at
        AND resolved_at <= closed_at AND closed_at <= now())`.execute(t.db);
    expect(steps.rows[0]!.n).toBe(0);
  });

  it('never has a case verified by the one who handled it', async () => {
    const r = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM case_events e JOIN cases c ON c.id = e.case_id
      WHERE e.kind = 'verify' AND e.actor_user_id = c.assignee_user_id`.execute(t.db);
    expect(r.rows[0]!.n).toBe(0);
  });

  it('leaves work open in every state, some of it overdue, with the cards the sweep would give', async () => {
    const states = await sql<{ state: string; n: number }>`
      SELECT state, count(*)::int AS n FROM cases GROUP BY state`.execute(t.db);
    const n = Object.fromEntries(states.rows.map((x) => [x.state, x.n]));
    for (const s of [
      'reported',
      'accepted',
      'dispatched',
      'handling',
      'feedback',
      'closed',
      'rejected',
      'pending',
    ])
      expect(n[s] ?? 0, s).toBeGreaterThan(0);
    expect(n.closed).toBeGreaterThan(0.85 * seeded.cases);
    const red = await sql<{ n: number }>`SELECT count(*)::int AS n FROM cases WHERE sla_level >= 2`.execute(
      t.db,
    );
    expect(red.rows[0]!.n).toBeGreaterThan(0);
    // A card raises the level, once per level and stage (a stage entered late: one card).
    const cards = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM case_events e
      WHERE e.kind = 'escalate' AND ((e.data->>'level')::int <= (e.data->>'from')::int
        OR EXISTS (SELECT 1 FROM case_events f WHERE f.case_id = e.case_id AND f.kind = 'escalate'
          AND f.id <> e.id AND f.at = e.at))`.execute(t.db);
    expect(cards.rows[0]!.n).toBe(0);
    // The sweep finds nothing to escalate: the seeded levels are the ones it would have set.
    const swept = await sweep(t.services, timingsFor(t.services));
    expect(swept.escalated).toBe(0);
  });

  it('shows figures for every community to the street', async () => {
    const street = stayLoggedIn(t, 'street_admin');
    const communities = await t.db
      .selectFrom('areas')
      .select(['id', 'name'])
      .where('kind', '=', 'community')
      .execute();
    for (const c of communities) {
      const r = await street.get(`/api/cases?areaId=${c.id}&pageSize=1`);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().total, c.name).toBeGreaterThan(50);
    }
  });

  it("reads as a street's year on the dashboard: rates between 0 and 1 over whole and partial months", async () => {
    const street = stayLoggedIn(t, 'street_admin');
    const id = (
      await t.db.selectFrom('areas').select('id').where('kind', '=', 'street').executeTakeFirstOrThrow()
    ).id;
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const from = new Date(Date.now() - 200 * 86_400_000).toISOString().slice(0, 10);
    const r = await street.get(`/api/cases/indicators?areaId=${id}&from=${from}&to=${today}`);
    expect(r.statusCode, r.body).toBe(200);
    const f = Object.fromEntries(
      (r.json().figures as { key: string; value: number | null }[]).map((x) => [x.key, x.value]),
    );
    expect(f.satisfaction).toBeGreaterThan(0.7);
    expect(f.satisfaction).toBeLessThan(1);
    expect(f.onTimeRate).toBeGreaterThan(0.6);
    expect(f.closureRate).toBeGreaterThan(0.9);
    expect(f.avgRating).toBeGreaterThan(4);
    expect(f.avgRating).toBeLessThanOrEqual(5);
  });

  it('keeps the audit chain whole', async () => {
    const v = await verifyChain(t.db);
    expect(v.ok, v.reason ?? '').toBe(true);
  });
});

describe('a year of visits and patrols', () => {
  it('visits each plan on its schedule, mostly on time, by the grid worker', async () => {
    const r = await sql<{ communities: number; n: number; onTime: number; workday: number }>`
      SELECT count(DISTINCT subpath(area_path, 0, 3))::int AS communities, count(*)::int AS n,
        count(*) FILTER (WHERE (visited_at AT TIME ZONE 'Asia/Shanghai')::date <= due_on)::int AS on_time,
        count(*) FILTER (WHERE extract(isodow FROM visited_at AT TIME ZONE 'Asia/Shanghai') < 6)::int AS workday
      FROM visits`.execute(t.db);
    const x = r.rows[0]!;
    expect(x.communities).toBe(9);
    expect(x.onTime / x.n).toBeGreaterThan(0.7);
    expect(x.workday / x.n).toBeGreaterThan(0.9);
    const strangers = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM visits v WHERE NOT EXISTS (
        SELECT 1 FROM user_roles ur JOIN areas g ON g.id = ur.area_id AND g.kind = 'grid'
        WHERE ur.user_id = v.visitor_user_id AND v.area_path <@ g.path)`.execute(t.db);
    expect(strangers.rows[0]!.n).toBe(0);
    const plans = await sql<{ overdue: number; fine: number }>`
      SELECT count(*) FILTER (WHERE due_on < current_date)::int AS overdue,
        count(*) FILTER (WHERE due_on >= current_date)::int AS fine FROM visit_plans`.execute(t.db);
    expect(plans.rows[0]!.overdue).toBeGreaterThan(0);
    expect(plans.rows[0]!.fine).toBeGreaterThan(plans.rows[0]!.overdue);
  });

  it('walks patrols inside the grid, none left open, and links the cases found on them', async () => {
    const r = await sql<{ n: number; open: number; outside: number; linked: number }>`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE ended_at IS NULL)::int AS open,
        count(*) FILTER (WHERE EXISTS (
          SELECT 1 FROM jsonb_array_elements(p.route) pt, areas g
          WHERE g.id = p.area_id AND NOT g.boundary @> point((pt->>1)::float8, (pt->>0)::float8)))::int AS outside,
        (SELECT count(*)::int FROM cases WHERE source_kind = 'patrol') AS linked
      FROM patrols p`.execute(t.db);
    const x = r.rows[0]!;
    expect(x.n).toBeGreaterThan(1000);
    expect(x.open).toBe(0);
    expect(x.outside).toBe(0);
    expect(x.linked).toBeGreaterThan(100);
  });

  it('shows in the supervision figures of every grid', async () => {
    const street = stayLoggedIn(t, 'street_admin');
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10);
    const r = await street.get(`/api/visits/stats?from=${from}&to=${today}`);
    expect(r.statusCode, r.body).toBe(200);
    expect(JSON.stringify(r.json()).length).toBeGreaterThan(100);
  });
});
