/**
 * Visit figures (issue: visits), printed not asserted:
 *  1. the demo street (63,000 people, the default rules of every community, a visit history) in
 *     its own database `jy_bench_visits_<pid>`, shaped with SQL so that one grid worker (grid_a)
 *     has VISITS_BENCH_PEOPLE people (2,000) of whom VISITS_BENCH_TAGGED (300) carry a tag under
 *     one of their community's rules; their plans' due dates spread over −10 … +14 days;
 *  2. GET /api/visits/my-day over HTTP on loopback with grid_a's real session (the app in its own
 *     process): p50/p95 over VISITS_BENCH_CALLS (200) sequential calls (target p95 ≤ 100 ms), and
 *     EXPLAIN (ANALYZE, BUFFERS) of its SQL;
 *  3. a rule change over the whole street: a street-level rule added and changed by PUT
 *     /api/visit-rules/:id (interval, tags) as street_admin, each HTTP call timed with the plans
 *     it added or removed; then every rule of the street refreshed and re-dated at once, and its
 *     plans derived from nothing (target ≤ 10 s).
 * Its own database on DATABASE_URL's server, or on an embedded PostgreSQL this bench starts.
 * Run: npm run bench visits
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { boot } from '../src/server/boot.js';
import { chinaDate } from '../src/server/engines/calendar/calendar.js';
import { calendarFor } from '../src/server/engines/calendar/store.js';
import { redatePlans, refreshPlans } from '../src/server/modules/visits/visits.plans.js';
import { visitsService } from '../src/server/modules/visits/visits.service.js';
import { loadActor } from '../src/server/platform/access/actor.js';
import { loadConfig } from '../src/server/platform/config.js';
import { type EmbeddedHandle, startEmbedded } from '../src/server/platform/db/embedded.js';
import { createDb } from '../src/server/platform/db/index.js';
import type { DB } from '../src/server/platform/db/schema.js';
import type { Ctx } from '../src/server/platform/services.js';
import {
  benchKeyFile,
  call,
  closeAgent,
  createDatabaseSql,
  fmt,
  int,
  login,
  pct,
  type Session,
  track,
  withDb,
} from './lib.js';

const CALLS = Number(process.env.VISITS_BENCH_CALLS ?? 200);
const TARGET_PEOPLE = Number(process.env.VISITS_BENCH_PEOPLE ?? 2000);
const TARGET_TAGGED = Number(process.env.VISITS_BENCH_TAGGED ?? 300);
const WARMUP = 20;

// ————————————————————————— HTTP —————————————————————————

async function startApp(url: string, keyFile: string, tmp: string) {
  const port = 3800 + (process.pid % 100);
  const proc = track(
    spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: url,
        JIAYUAN_KEY_FILE: keyFile,
        JIAYUAN_SEED_DEMO: 'false',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        WEB_DIR: path.join(tmp, 'no-web'),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  for (;;) {
    if (proc.exitCode !== null) throw new Error('the app exited');
    try {
      if ((await call(port, 'GET', '/api/health', {})).status === 200) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  return { proc, port };
}

async function stopApp(proc: ChildProcess | null) {
  if (!proc || proc.exitCode !== null) return;
  proc.kill('SIGTERM');
  await new Promise((r) => proc.once('exit', r));
}

// ————————————————————————— EXPLAIN —————————————————————————

type PlanNode = {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
};

function recordingDb(url: string) {
  const seen: { sql: string; parameters: readonly unknown[] }[] = [];
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }),
    plugins: [new CamelCasePlugin()],
    log: (e) => {
      if (e.level === 'query') seen.push({ sql: e.query.sql, parameters: e.query.parameters });
    },
  });
  return { db, seen };
}

async function explain(
  client: pg.Client,
  label: string,
  stmt: { sql: string; parameters: readonly unknown[] },
) {
  const r = await client.query(
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${stmt.sql}`,
    stmt.parameters as unknown[],
  );
  const p = (
    r.rows[0]['QUERY PLAN'] as { Plan: PlanNode; 'Planning Time': number; 'Execution Time': number }[]
  )[0]!;
  const idx = new Set<string>();
  const seq: string[] = [];
  const walk = (n: PlanNode) => {
    if (n['Index Name']) idx.add(n['Index Name']);
    if (n['Node Type'] === 'Seq Scan' && n['Relation Name'])
      seq.push(`${n['Relation Name']} (${int(n['Actual Rows'] ?? 0)} rows out)`);
    for (const c of n.Plans ?? []) walk(c);
  };
  walk(p.Plan);
  console.log(
    `${label.padEnd(22)} plan ${p['Planning Time'].toFixed(1).padStart(5)} ms  exec ${p['Execution Time'].toFixed(1).padStart(6)} ms  top: ${p.Plan['Node Type']}  buffers hit/read ${p.Plan['Shared Hit Blocks'] ?? 0}/${p.Plan['Shared Read Blocks'] ?? 0}  index: ${[...idx].join(', ') || '—'}${seq.length ? `  SEQ SCAN ${seq.join(', ')}` : ''}`,
  );
  return p['Execution Time'];
}

// ————————————————————————— the bench —————————————————————————

export async function benchVisits() {
  const benchT0 = performance.now();
  let embedded: EmbeddedHandle | null = null;
  const tmp = mkdtempSync(path.join(tmpdir(), 'jiayuan-bench-visits-'));
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    embedded = await startEmbedded({ dataDir: tmp, port: 55600 + (process.pid % 100), database: 'postgres' });
    adminUrl = embedded.url;
  }
  const dbName = `jy_bench_visits_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  admin.on('error', (e) => console.error(`admin connection: ${e.message}`));
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.query(createDatabaseSql(dbName));
  const url = withDb(adminUrl, dbName);
  const keyFile = benchKeyFile(tmp);
  const quiet = { info() {}, warn() {}, error: console.error };
  let runtime: Awaited<ReturnType<typeof boot>> | null = null;
  let proc: ChildProcess | null = null;
  const client = new pg.Client({ connectionString: url });
  client.on('error', (e) => console.error(`bench connection: ${e.message}`));
  try {
    // —— 1. data
    let t0 = performance.now();
    const db = createDb(url, { max: 10 });
    runtime = await boot(
      { ...loadConfig({}), databaseUrl: url, keyFile, seedDemo: true, seedDemoYear: false },
      { log: quiet, db },
    );
    const s = runtime.services;
    await client.connect();
    const version = (await client.query('SHOW server_version')).rows[0].server_version;
    console.log('\n## Data');
    console.log(
      `migrate + demo street seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s (database ${dbName} on PostgreSQL ${version}, ${embedded ? 'embedded' : 'DATABASE_URL'})`,
    );
    const q1 = async <T = Record<string, number>>(text: string, params: unknown[] = []) =>
      (await client.query(text, params)).rows[0] as T;
    const gridOf = async (username: string) =>
      q1<{ id: number; path: string; name: string }>(
        `SELECT a.id::int AS id, a.path::text AS path, a.name FROM user_roles ur JOIN users u ON u.id = ur.user_id
         JOIN areas a ON a.id = ur.area_id WHERE u.username = $1 ORDER BY ur.id LIMIT 1`,
        [username],
      );
    const gridA = await gridOf('grid_a');
    const gridB = await gridOf('grid_b');
    const street = await q1<{ id: number; path: string }>(
      `SELECT id::int AS id, path::text AS path FROM areas WHERE kind = 'street' ORDER BY id LIMIT 1`,
    );
    const timing = await calendarFor(s).get();
    const today = chinaDate(s.clock.now());

    // Shape grid A with SQL: TARGET_PEOPLE active people (the excess, untagged ones, moved to
    // grid B's houses), TARGET_TAGGED of them carrying a tag some active rule over them covers.
    t0 = performance.now();
    const inA = `p.area_id IN (SELECT id FROM areas WHERE path <@ '${gridA.path}'::ltree) AND p.status = 'active'`;
    const ruleTagged = `EXISTS (SELECT 1 FROM person_tags pt JOIN visit_rules r ON pt.tag = ANY(r.tags) AND r.active
        JOIN areas ra ON ra.id = r.area_id JOIN areas pa ON pa.id = p.area_id AND pa.path <@ ra.path
      WHERE pt.person_id = p.id)`;
    const before = await q1(
      `SELECT count(*)::int AS people, count(*) FILTER (WHERE ${ruleTagged})::int AS tagged FROM people p WHERE ${inA}`,
    );
    const touched = new Set<number>();
    const excess = before.people! - TARGET_PEOPLE;
    if (excess > 0) {
      const moved = await client.query(
        `WITH hb AS (SELECT id, row_number() OVER (ORDER BY path) - 1 AS k, count(*) OVER () AS n
                     FROM areas WHERE kind = 'house' AND path <@ $1::ltree),
         pick AS (SELECT p.id, row_number() OVER (ORDER BY p.id DESC) - 1 AS k FROM people p
                  WHERE ${inA} AND NOT EXISTS (SELECT 1 FROM person_tags pt WHERE pt.person_id = p.id)
                  ORDER BY p.id DESC LIMIT $2)
         UPDATE people p SET area_id = hb.id, household_id = NULL, relation_to_head = NULL FROM pick JOIN hb ON hb.k = pick.k % hb.n
         WHERE p.id = pick.id RETURNING p.id`,
        [gridB.path, excess],
      );
      for (const r of moved.rows) touched.add(Number(r.id));
    }
    const enc = s.keyring.encrypt('{}');
    const missing = TARGET_TAGGED - before.tagged!;
    if (missing > 0) {
      // 残疾 (quarterly) and 低保 (quarterly) on untagged people, alternately
      const added = await client.query(
        `INSERT INTO person_tags (person_id, tag, fields_enc)
         SELECT p.id, CASE WHEN row_number() OVER (ORDER BY p.id) % 2 = 0 THEN 'disability' ELSE 'dibao' END, $2
         FROM people p WHERE ${inA} AND NOT EXISTS (SELECT 1 FROM person_tags pt WHERE pt.person_id = p.id)
         ORDER BY p.id LIMIT $1 RETURNING person_id`,
        [missing, enc],
      );
      for (const r of added.rows) touched.add(Number(r.person_id));
    } else if (missing < 0) {
      const removed = await client.query(
        `DELETE FROM person_tags WHERE person_id IN (
           SELECT p.id FROM people p WHERE ${inA} AND ${ruleTagged} ORDER BY p.id DESC LIMIT $1)
         RETURNING person_id`,
        [-missing],
      );
      for (const r of removed.rows) touched.add(Number(r.person_id));
    }
    // The plans follow, as the registry hook would have done for each change.
    await refreshPlans(db, timing.calendar, { personIds: [...touched] }, today);
    // Due dates spread over −10 … +14 days around today, as after months of visiting.
    await client.query(
      `UPDATE visit_plans vp SET due_on = $1::date - 10 + (vp.id * 7 % 25)::int FROM people p
       WHERE p.id = vp.person_id AND ${inA}`,
      [today],
    );
    await client.query('VACUUM ANALYZE people, person_tags, visit_plans, visit_rules, areas');
    const after = await q1(
      `SELECT count(*)::int AS people, count(*) FILTER (WHERE ${ruleTagged})::int AS tagged,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM person_tags pt WHERE pt.person_id = p.id))::int AS anytag,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM visit_plans vp WHERE vp.person_id = p.id))::int AS planned
       FROM people p WHERE ${inA}`,
    );
    const plansA = await q1(
      `SELECT count(*)::int AS plans, count(*) FILTER (WHERE vp.due_on < $1::date)::int AS overdue,
              count(*) FILTER (WHERE vp.due_on = $1::date)::int AS today,
              count(*) FILTER (WHERE vp.due_on > $1::date AND vp.due_on <= $1::date + 7)::int AS week
       FROM visit_plans vp JOIN people p ON p.id = vp.person_id WHERE ${inA}`,
      [today],
    );
    const streetFig = await q1(
      `SELECT (SELECT count(*)::int FROM people) AS people, (SELECT count(*)::int FROM people WHERE status = 'active') AS active,
              (SELECT count(*)::int FROM visit_rules) AS rules, (SELECT count(*)::int FROM visit_plans) AS plans,
              (SELECT count(*)::int FROM visits) AS visits`,
    );
    console.log(
      `street: ${int(streetFig.people!)} people (${int(streetFig.active!)} active), ${streetFig.rules} rules (the defaults of ${streetFig.rules! / 8} communities), ${int(streetFig.plans!)} plans, ${int(streetFig.visits!)} visits`,
    );
    console.log(
      `grid_a (${gridA.name}), before shaping: ${int(before.people!)} active people, ${before.tagged} with a tag under a rule`,
    );
    console.log(
      `grid_a after shaping (${((performance.now() - t0) / 1000).toFixed(1)} s; ${touched.size} people moved or re-tagged): ${int(after.people!)} active people, ${after.tagged} with a tag under a rule (${after.anytag} with any tag), ${after.planned} with a plan; ${plansA.plans} plans: ${plansA.overdue} overdue, ${plansA.today} due today, ${plansA.week} due within 7 days`,
    );

    // —— 2. my day over HTTP
    const app = await startApp(url, keyFile, tmp);
    proc = app.proc;
    const grid = await login(app.port, 'grid_a');
    const streetAdmin = await login(app.port, 'street_admin');
    const timeGets = async (sess: Session, u: string, n: number) => {
      const ms: number[] = [];
      let last = '';
      for (let i = 0; i < n; i++) {
        const r = await call(app.port, 'GET', u, sess);
        if (r.status !== 200) throw new Error(`GET ${u}: ${r.status} ${r.text.slice(0, 300)}`);
        ms.push(r.ms);
        last = r.text;
      }
      return { ms, last };
    };
    console.log(
      `\n## GET /api/visits/my-day as grid_a over HTTP on loopback (${CALLS} sequential calls after ${WARMUP} warm-up; target p95 ≤ 100 ms)`,
    );
    console.log('query                 p50 ms   p95 ms   max ms   overdue/today/upcoming  items  bytes');
    const results: { label: string; p95: number }[] = [];
    for (const [label, qs] of [
      ['my-day (horizon 7)', ''],
      ['my-day?horizon=30', '?horizon=30'],
    ] as const) {
      await timeGets(grid, `/api/visits/my-day${qs}`, WARMUP);
      const { ms, last } = await timeGets(grid, `/api/visits/my-day${qs}`, CALLS);
      const day = JSON.parse(last) as {
        overdue: number;
        dueToday: number;
        upcoming: number;
        items: unknown[];
      };
      results.push({ label, p95: pct(ms, 95) });
      console.log(
        `${label.padEnd(20)} ${fmt(pct(ms, 50)).padStart(7)}  ${fmt(pct(ms, 95)).padStart(7)}  ${fmt(Math.max(...ms)).padStart(7)}   ${`${day.overdue}/${day.dueToday}/${day.upcoming}`.padStart(22)}  ${String(day.items.length).padStart(5)}  ${int(Buffer.byteLength(last))}`,
      );
    }
    const p95 = results[0]!.p95;
    console.log(
      `my-day (the phone's default, horizon 7): p95 ${fmt(p95)} ms — target ≤ 100 ms ${p95 <= 100 ? 'met' : 'MISSED'}; horizon 30 for comparison`,
    );

    console.log('\n## EXPLAIN (ANALYZE, BUFFERS) of the my-day SQL (grid_a, horizon 7)');
    const rec = recordingDb(url);
    const gridUser = await q1<{ id: number }>(`SELECT id::int AS id FROM users WHERE username = 'grid_a'`);
    const actor = (await loadActor(db, gridUser.id))!;
    const ctx: Ctx = {
      actor,
      lang: 'zh',
      audit: { actorId: actor.userId, actorName: 'grid_a', ip: null, requestId: null },
    };
    const svc = visitsService({ ...s, db: rec.db });
    rec.seen.length = 0;
    await svc.plans(ctx, { status: 'due', horizon: 7, page: 1, pageSize: 100, mine: true });
    await svc.openPatrol(ctx);
    const labels = ['plans page (100)', 'plans counts', 'area names', 'person tags', 'open patrol'];
    for (const [i, stmt] of rec.seen.entries()) await explain(client, labels[i] ?? `statement ${i}`, stmt);
    await rec.db.destroy();

    // —— 3. a rule change over the street
    console.log('\n## Plans of the whole street after a rule change');
    const streetRule = {
      name: '街道·空巢老人关爱走访',
      areaId: street.id,
      tags: ['empty_nest'],
      intervalCount: 1,
      intervalUnit: 'month',
      form: [],
    };
    const planCount = async () =>
      Number((await client.query('SELECT count(*) FROM visit_plans')).rows[0].count);
    let r = await call(app.port, 'POST', '/api/visit-rules', streetAdmin, streetRule);
    if (r.status !== 201) throw new Error(`POST /api/visit-rules: ${r.status} ${r.text}`);
    const created = JSON.parse(r.text) as { id: number; planCount: number; version: number };
    console.log(
      `POST /api/visit-rules (street level, 空巢老人, monthly): ${fmt(r.ms)} ms over HTTP, ${int(created.planCount)} plans derived`,
    );
    let ruleVersion = created.version;
    for (const [label, change] of [
      ['interval monthly → weekly (every plan re-dated)', { intervalCount: 1, intervalUnit: 'week' }],
      ['tags 空巢 → 空巢 + 独居 (plans dropped)', { tags: ['empty_nest', 'living_alone'] }],
      ['tags back to 空巢 (plans derived again)', { tags: ['empty_nest'] }],
      ['interval → 10 working days (calendar in JS)', { intervalCount: 10, intervalUnit: 'wday' }],
    ] as const) {
      const n0 = await planCount();
      r = await call(
        app.port,
        'PUT',
        `/api/visit-rules/${created.id}`,
        { ...streetAdmin, 'if-match': `"${ruleVersion}"` },
        { ...streetRule, ...change },
      );
      if (r.status !== 200) throw new Error(`PUT /api/visit-rules: ${r.status} ${r.text}`);
      const body = JSON.parse(r.text) as { planCount: number; version: number };
      ruleVersion = body.version;
      console.log(
        `PUT ${label}: ${fmt(r.ms)} ms over HTTP; the rule's plans now ${int(body.planCount)} (street ${int(n0)} → ${int(await planCount())})`,
      );
    }

    // Every rule of the street at once, in the bench's own process (what an edit of all rules,
    // or a nightly pass, would run): refresh + re-date with nothing to change, then derive all
    // plans from nothing (rolled back).
    const ruleIds = (
      await client.query(
        `SELECT r.id::int AS id FROM visit_rules r JOIN areas a ON a.id = r.area_id WHERE a.path <@ $1::ltree`,
        [street.path],
      )
    ).rows.map((x) => x.id as number);
    t0 = performance.now();
    const steady = await db.transaction().execute(async (trx) => {
      const x = await refreshPlans(trx, timing.calendar, { ruleIds }, today);
      await redatePlans(trx, timing.calendar, ruleIds);
      return x;
    });
    const steadyMs = performance.now() - t0;
    class Rollback extends Error {}
    let fresh = { inserted: 0, deleted: 0 };
    let freshMs = 0;
    await db
      .transaction()
      .execute(async (trx) => {
        const n = await sql<{ n: number }>`
          WITH d AS (DELETE FROM visit_plans WHERE rule_id = ANY(${ruleIds}::bigint[]) RETURNING 1)
          SELECT count(*)::int AS n FROM d`.execute(trx);
        const t1 = performance.now();
        fresh = await refreshPlans(trx, timing.calendar, { ruleIds }, today);
        await redatePlans(trx, timing.calendar, ruleIds);
        freshMs = performance.now() - t1;
        fresh.deleted = n.rows[0]!.n;
        throw new Rollback();
      })
      .catch((e) => {
        if (!(e instanceof Rollback)) throw e;
      });
    console.log(
      `all ${ruleIds.length} rules of the street, refresh + re-date, no rule changed (+${steady.inserted} −${steady.deleted}): ${fmt(steadyMs)} ms`,
    );
    console.log(
      `all ${ruleIds.length} rules of the street derived from nothing (${int(fresh.deleted)} plans deleted first, ${int(fresh.inserted)} derived, re-dated): ${fmt(freshMs)} ms (target ≤ 10 s)`,
    );
  } finally {
    await stopApp(proc);
    await client.end().catch(() => {});
    await runtime?.close().catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    await admin.end();
    if (embedded) await embedded.stop();
    rmSync(tmp, { recursive: true, force: true });
    closeAgent();
  }
  console.log(`\n[bench visits] total ${((performance.now() - benchT0) / 1000).toFixed(0)} s`);
}
