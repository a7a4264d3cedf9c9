/**
 * Case engine figures (issue: case engine at a million cases), printed not asserted:
 *  1. create and transition throughput over HTTP on loopback (the app in its own process, real
 *     sessions, CSRF): grid_a reports events; community_worker accepts, dispatches to itself,
 *     signs and reports back; grid_a verifies — with ~10,000 and with CASES_BENCH_N cases stored;
 *  2. bulk loading CASES_BENCH_N cases (default 1,000,000) with SQL (INSERT … SELECT
 *     generate_series) over the street's grids and the last two years, with their timelines;
 *  3. the SLA sweep: steady state (nothing due), and 10,000 cases due at once;
 *  4. indicators of the street and of a community over a year (cold, warm p50/p95), with
 *     EXPLAIN (ANALYZE) of their SQL;
 *  5. list / inbox latency (box=all, accept, mine, overdue, a search), with EXPLAIN (ANALYZE).
 * Its own database `jy_bench_cases_<pid>` on DATABASE_URL's server (e.g.
 * postgres://postgres@127.0.0.1:5432/postgres), or on an embedded PostgreSQL this bench starts.
 * Run: npm run bench cases   (CASES_BENCH_N=20000 for a quick run)
 * Env: CASES_BENCH_N (1,000,000), CASES_BENCH_N_SMALL (10,000), CASES_BENCH_FLOW (cases driven
 * per size, 1,500), CASES_BENCH_CONNECTIONS (24), CASES_BENCH_DUE (10,000), CASES_BENCH_CALLS (20),
 * CASES_BENCH_APP_NODE_ARGS (node flags for the app, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"),
 * CASES_BENCH_STATEMENTS=1 (the embedded server loads pg_stat_statements: statements by server time).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CamelCasePlugin, Kysely, PostgresDialect, type SqlBool, sql } from 'kysely';
import pg from 'pg';
import { leaves } from '../src/contract/case-codes.js';
import { CASE_TYPES, type CaseListQuery } from '../src/contract/cases.js';
import { boot } from '../src/server/boot.js';
import { breakdowns, computeIndicators } from '../src/server/engines/cases/indicators.js';
import { sweep } from '../src/server/engines/cases/sweep.js';
import { timingsFor } from '../src/server/engines/cases/timings.js';
import { casesService } from '../src/server/modules/cases/cases.service.js';
import { CASE_TYPE_DEFS } from '../src/server/modules/cases/types/index.js';
import { type Actor, loadActor } from '../src/server/platform/access/actor.js';
import { loadConfig } from '../src/server/platform/config.js';
import { type EmbeddedHandle, startEmbedded } from '../src/server/platform/db/embedded.js';
import { createDb } from '../src/server/platform/db/index.js';
import type { DB } from '../src/server/platform/db/schema.js';
import type { Ctx, Services } from '../src/server/platform/services.js';
import {
  benchKeyFile,
  call,
  closeAgent,
  createDatabaseSql,
  fmt,
  int,
  login,
  pct,
  type Res,
  type Session,
  track,
  withDb,
} from './lib.js';

const N = Number(process.env.CASES_BENCH_N ?? 1_000_000);
const N_SMALL = Math.min(N, Number(process.env.CASES_BENCH_N_SMALL ?? 10_000));
const FLOW = Number(process.env.CASES_BENCH_FLOW ?? 1500);
const CONNECTIONS = Number(process.env.CASES_BENCH_CONNECTIONS ?? 24);
const DUE = Number(process.env.CASES_BENCH_DUE ?? 10_000);
const CALLS = Number(process.env.CASES_BENCH_CALLS ?? 20);
const WARMUP = 60;
const SPAN_DAYS = 730;

const median = (xs: number[]) => pct(xs, 50);

const benchT0 = performance.now();
/** Prints how long a phase took (and since the bench started). */
async function phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const v = await fn();
  const ms = performance.now() - t0;
  console.log(
    `[phase] ${name}: ${(ms / 1000).toFixed(1)} s  (bench at ${((performance.now() - benchT0) / 1000).toFixed(0)} s)`,
  );
  return v;
}

// ————————————————————————— CPU accounting (where the two cores go) —————————————————————————

const TICK = 100; // USER_HZ on Linux
function ticksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime
  } catch {
    return 0;
  }
}
function machineTicks(): { busy: number; all: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const all = f.reduce((a, b) => a + b, 0);
  return { busy: all - f[3]! - (f[4] ?? 0), all };
}
/**
 * CPU seconds per second while a phase runs: the app process, this database's PostgreSQL
 * backends, the bench process, and everything else on the machine (other work shares the cores).
 */
async function cpuMeter(appPid: number, client: pg.Client) {
  const backends = (
    await client.query(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    )
  ).rows.map((r) => Number(r.pid));
  const sum = (pids: number[]) => pids.reduce((t, p) => t + ticksOf(p), 0);
  const a0 = ticksOf(appPid);
  const p0 = sum(backends);
  const m0 = machineTicks();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  return (): Cpu => {
    const s = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const app = (ticksOf(appPid) - a0) / TICK;
    const pgc = (sum(backends) - p0) / TICK;
    const bench = (c.user + c.system) / 1e6;
    const m = machineTicks();
    const busy = ((m.busy - m0.busy) / (m.all - m0.all)) * 2 * s;
    return { seconds: s, app, pg: pgc, bench, other: Math.max(0, busy - app - pgc - bench) };
  };
}

/** CPU seconds spent while a phase ran. */
interface Cpu {
  seconds: number;
  app: number;
  pg: number;
  bench: number;
  other: number;
}
const cores = (c: Cpu) =>
  `CPU cores busy: app ${(c.app / c.seconds).toFixed(2)}, its PostgreSQL backends ${(c.pg / c.seconds).toFixed(2)}, bench client ${(c.bench / c.seconds).toFixed(2)}, anything else on the machine ${(c.other / c.seconds).toFixed(2)} (of 2)`;

/**
 * What the app's database connections are doing while a phase runs, sampled every 50 ms:
 * waiting for the audit chain's head row (every write appends to the hash chain under its lock),
 * idle in a transaction (waiting for the app to send the next statement), running.
 */
function waitSampler(client: pg.Client, since: Date) {
  let n = 0;
  const sums = { chain: 0, idleInTx: 0, active: 0, all: 0 };
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const r = await client.query(
        `SELECT count(*) FILTER (WHERE wait_event_type = 'Lock' AND query ILIKE '%audit_chain%')::int AS chain,
                count(*) FILTER (WHERE state = 'idle in transaction')::int AS idle_in_tx,
                count(*) FILTER (WHERE state = 'active' AND wait_event_type IS DISTINCT FROM 'Lock')::int AS active,
                count(*)::int AS all
         FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'jiayuan'
           AND backend_start >= $1`,
        [since],
      );
      const x = r.rows[0];
      sums.chain += x.chain;
      sums.idleInTx += x.idle_in_tx;
      sums.active += x.active;
      sums.all += x.all;
      n++;
      await new Promise((res) => setTimeout(res, 50));
    }
  })();
  return async () => {
    stop = true;
    await loop;
    const avg = (v: number) => (n ? v / n : 0).toFixed(1);
    return `of the app's ${avg(sums.all)} pooled connections on average ${avg(sums.chain)} waited for the audit chain lock, ${avg(sums.idleInTx)} were idle in a transaction (waiting for the app), ${avg(sums.active)} were running (${n} samples)`;
  };
}

// ————————————————————————— HTTP client —————————————————————————

/** Runs `n` tasks over `workers` concurrent loops. */
async function pool(n: number, workers: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(workers, n) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        await task(i);
      }
    }),
  );
}

// ————————————————————————— the app in its own process —————————————————————————

interface App {
  proc: ChildProcess;
  /** The bench's own connection to the database (to find the app's backends). */
  pg: pg.Client;
  /** Connections opened since are the app's. */
  startedAt: Date;
  port: number;
  grid: Session;
  worker: Session;
  street: Session;
}

async function startApp(url: string, keyFile: string, tmp: string, client: pg.Client): Promise<App> {
  const port = 3700 + (process.pid % 100);
  const startedAt = new Date();
  // The server as `npm start` runs it: the esbuild bundle, built now from the sources.
  // Inside the checkout, so its imports resolve in node_modules (dist/ is not committed).
  const out = path.join('dist', 'bench-server');
  const built = spawnSync(process.execPath, ['scripts/build.mjs', '--server-only', '--outdir', out], {
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error('the server build failed');
  const nodeArgs = (process.env.CASES_BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const proc = track(
    spawn(process.execPath, [...nodeArgs, path.join(out, 'main.js')], {
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
  return {
    proc,
    pg: client,
    startedAt,
    port,
    grid: await login(port, 'grid_a'),
    worker: await login(port, 'community_worker'),
    street: await login(port, 'street_admin'),
  };
}

async function stopApp(app: App | null) {
  if (!app || app.proc.exitCode !== null) return;
  app.proc.kill('SIGTERM');
  await new Promise((r) => app.proc.once('exit', r));
}

// ————————————————————————— 1. flow throughput —————————————————————————

interface FlowResult {
  stored: number;
  create: { n: number; s: number; lat: number[]; errors: number };
  trans: { n: number; s: number; lat: number[]; errors: number; byAction: Record<string, number[]> };
  cpuCreate: Cpu;
  cpuTrans: Cpu;
  waitsCreate: string;
  waitsTrans: string;
  firstError: string | null;
}

async function flow(
  app: App,
  ids: { gridArea: number; workerId: number },
  count: number,
): Promise<FlowResult> {
  const cats = leaves(CASE_TYPE_DEFS.event.categories).map((c) => c.code);
  let firstError: string | null = null;
  const ok = (r: Res, want: number) => {
    if (r.status === want) return true;
    firstError ??= `${r.status} ${r.text.slice(0, 300)}`;
    return false;
  };
  // —— creations
  const caseIds: number[] = [];
  const cLat: number[] = [];
  let cErr = 0;
  let meter = await cpuMeter(app.proc.pid!, app.pg);
  let waits = waitSampler(app.pg, app.startedAt);
  let t0 = performance.now();
  await pool(count, CONNECTIONS, async (i) => {
    try {
      const r = await call(app.port, 'POST', '/api/cases', app.grid, {
        type: 'event',
        category: cats[i % cats.length],
        urgency: 'normal',
        title: `压测上报 ${i} 路灯不亮`,
        description: '网格巡查发现，已拍照取证。',
        areaId: ids.gridArea,
      });
      cLat.push(r.ms);
      if (ok(r, 201)) caseIds.push((JSON.parse(r.text) as { id: number }).id);
      else cErr++;
    } catch (e) {
      cErr++;
      firstError ??= String(e);
    }
  });
  const cS = (performance.now() - t0) / 1000;
  const cpuCreate = meter();
  const waitsCreate = await waits();
  // —— transitions: each case through the common flow, by the right actors
  const steps: [keyof Pick<App, 'worker' | 'grid'>, Record<string, unknown>][] = [
    ['worker', { action: 'accept' }],
    ['worker', { action: 'dispatch', assigneeUserId: ids.workerId }],
    ['worker', { action: 'sign' }],
    ['worker', { action: 'feedback', comment: '已现场处置完毕' }],
    ['grid', { action: 'verify', passed: true, comment: '核查属实，予以结案' }],
  ];
  const tLat: number[] = [];
  const byAction: Record<string, number[]> = {};
  let tErr = 0;
  meter = await cpuMeter(app.proc.pid!, app.pg);
  waits = waitSampler(app.pg, app.startedAt);
  t0 = performance.now();
  await pool(caseIds.length, CONNECTIONS, async (i) => {
    const id = caseIds[i]!;
    for (const [who, body] of steps) {
      try {
        const r = await call(app.port, 'POST', `/api/cases/${id}/transitions`, app[who], body);
        tLat.push(r.ms);
        const a = body.action as string;
        const xs = byAction[a] ?? [];
        byAction[a] = xs;
        xs.push(r.ms);
        if (!ok(r, 200)) {
          tErr++;
          return;
        }
      } catch (e) {
        tErr++;
        firstError ??= String(e);
        return;
      }
    }
  });
  const tS = (performance.now() - t0) / 1000;
  const cpuTrans = meter();
  const waitsTrans = await waits();
  return {
    stored: 0,
    create: { n: count, s: cS, lat: cLat, errors: cErr },
    trans: { n: tLat.length, s: tS, lat: tLat, errors: tErr, byAction },
    cpuCreate,
    cpuTrans,
    waitsCreate,
    waitsTrans,
    firstError,
  };
}

async function throughput(
  app: App,
  ids: { gridArea: number; workerId: number },
  stored: () => Promise<number>,
): Promise<FlowResult> {
  await flow(app, ids, WARMUP); // JIT, pools, plans
  const n = await stored();
  const r = await flow(app, ids, FLOW);
  r.stored = n;
  const rate = (x: FlowResult['create']) => (x.lat.length / x.s).toFixed(0);
  console.log(
    `at ${int(n)} cases: ${rate(r.create)} creations/s, ${rate(r.trans)} transitions/s, errors ${r.create.errors + r.trans.errors}`,
  );
  return r;
}

/**
 * With pg_stat_statements loaded on the server (shared_preload_libraries): resets its counts
 * (label null), or prints the statements that took most of the server's time since.
 */
async function statements(client: pg.Client, label: string | null) {
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    if (label === null) {
      await client.query('SELECT pg_stat_statements_reset()');
      return;
    }
    const r = await client.query<{ calls: string; plans: string; exec: number; plan: number; q: string }>(`
      SELECT calls, plans, total_exec_time AS exec, total_plan_time AS plan,
        regexp_replace(left(query, 100), '[[:space:]]+', ' ', 'g') AS q
      FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      ORDER BY total_exec_time + total_plan_time DESC LIMIT 12`);
    console.log(
      `\n## Statements by server time, ${label} (pg_stat_statements; planning with track_planning on)`,
    );
    console.log('   calls   plans  exec ms  plan ms  per call ms  statement');
    for (const x of r.rows)
      console.log(
        `${String(x.calls).padStart(8)} ${String(x.plans).padStart(7)} ${fmt(x.exec).padStart(8)} ${fmt(x.plan).padStart(8)} ${((x.exec + x.plan) / Number(x.calls)).toFixed(3).padStart(12)}  ${x.q}`,
      );
  } catch {
    // not loaded on this server: nothing to print
  }
}

function printFlow(rows: FlowResult[]) {
  console.log(
    `\n## Flow throughput over HTTP on loopback (${CONNECTIONS} connections; ${int(FLOW)} cases reported, then each driven accept → dispatch → sign → feedback → verify; after ${WARMUP} warm-up cases)`,
  );
  console.log('cases stored   kind          requests    req/s   p50 ms  p95 ms  p99 ms  errors');
  for (const r of rows) {
    for (const [kind, x] of [
      ['create', r.create],
      ['transition', r.trans],
    ] as const)
      console.log(
        `${int(r.stored).padStart(12)}   ${kind.padEnd(12)} ${int(x.lat.length).padStart(9)}  ${(x.lat.length / x.s).toFixed(0).padStart(7)}  ${fmt(pct(x.lat, 50)).padStart(7)} ${fmt(pct(x.lat, 95)).padStart(7)} ${fmt(pct(x.lat, 99)).padStart(7)}  ${String(x.errors).padStart(6)}`,
      );
  }
  for (const r of rows) {
    const by = Object.entries(r.trans.byAction)
      .map(([a, xs]) => `${a} ${fmt(pct(xs, 50))}/${fmt(pct(xs, 95))}`)
      .join(', ');
    console.log(`at ${int(r.stored)}: transition p50/p95 ms by action: ${by}`);
    console.log(`at ${int(r.stored)}: while creating — ${cores(r.cpuCreate)}`);
    console.log(`at ${int(r.stored)}: while transitioning — ${cores(r.cpuTrans)}`);
    const per = (c: Cpu, n: number) => {
      const ms = (x: number) => (x * 1000) / n;
      const total = ms(c.app) + ms(c.pg) + ms(c.bench);
      return `app ${ms(c.app).toFixed(1)} ms + PostgreSQL ${ms(c.pg).toFixed(1)} ms + client ${ms(c.bench).toFixed(1)} ms = ${total.toFixed(1)} ms (so at most ≈ ${int(2000 / total)}/s on two otherwise idle cores)`;
    };
    console.log(
      `at ${int(r.stored)}: CPU per request — create: ${per(r.cpuCreate, r.create.lat.length)}; transition: ${per(r.cpuTrans, r.trans.lat.length)}`,
    );
    console.log(`at ${int(r.stored)}: while creating, ${r.waitsCreate}`);
    console.log(`at ${int(r.stored)}: while transitioning, ${r.waitsTrans}`);
    if (r.firstError) console.log(`at ${int(r.stored)}: first error: ${r.firstError}`);
  }
  if (rows.length === 2) {
    const [a, b] = rows as [FlowResult, FlowResult];
    const rate = (x: FlowResult['create']) => x.lat.length / x.s;
    console.log(
      `ratio ${int(b.stored)} / ${int(a.stored)} stored: creations/s ${(rate(b.create) / rate(a.create)).toFixed(2)}, transitions/s ${(rate(b.trans) / rate(a.trans)).toFixed(2)}  (targets: ≥ 300 transitions/s, ratio ≥ 0.9)`,
    );
  }
}

// ————————————————————————— 2. bulk load —————————————————————————

/**
 * The schedule of generated cases: k = 1 … M, case id lo + k − 1, reported at
 * now − 730 days + (k − 1 + 0.9·u)/M · 730 days (ids rise with time, as the sequence gives them).
 * Every value is a hash of (k, salt), so the 1 % sample loaded first and the rest loaded later
 * are one consistent schedule. States: 2 % rejected; open with probability 0.09 + 0.9·e^(−age/30 d)
 * (recent cases in every open state, older ones in handling, feedback or pending — a backlog);
 * the rest closed (≈ 85 %). Deadlines from the code's time limits per category and urgency.
 */
const CASES_SQL = `
INSERT INTO cases (id, no, type, category, urgency, state, title, description, area_id, area_path, channel,
  reporter_user_id, contact_name, owner_user_id, assignee_user_id, detail, outcome,
  reported_at, accept_due_at, accepted_at, dispatched_at, resolved_at, closed_at, due_at,
  stage_started_at, stage_due_at, sla_level, sla_next_at, supervision_level,
  rework_count, extension_count, rating, mediated_at, version, updated_at, public)
SELECT z.id, z.prefix || to_char(z.reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || lpad(z.id::text, 7, '0'),
  z.type, z.category, CASE WHEN z.urgent THEN 'urgent' ELSE 'normal' END, z.state,
  (ARRAY['建设路','罗城路','高泉南路','大众南路','友谊河','桃花','新市','汨水'])[1 + floor(z.u1 * 8)::int] || z.cat_title,
  CASE z.type WHEN 'event' THEN '网格巡查发现，已拍照取证。' WHEN 'dispute' THEN '网格排查发现，需尽快调解。' ELSE '居民反映。' END,
  z.area_id, z.path, z.channel, z.reporter, z.contact,
  CASE WHEN z.state NOT IN ('reported','rejected') THEN z.worker_user END,
  CASE WHEN z.state IN ('dispatched','handling','feedback','pending','closed')
       THEN CASE WHEN z.u13 < 0.5 THEN z.worker_user ELSE z.grid_user END END,
  CASE WHEN z.type = 'dispute' THEN '{"scale":"01"}'::jsonb ELSE '{}'::jsonb END,
  CASE WHEN z.type = 'dispute' AND z.state = 'closed'
       THEN CASE WHEN z.u14 < 0.85 THEN 'agreement' WHEN z.u14 < 0.95 THEN 'failed' ELSE 'referred' END END,
  z.reported_at, z.reported_at + z.accept_s * interval '1 second',
  CASE WHEN z.state NOT IN ('reported','rejected') THEN z.acc_at END,
  CASE WHEN z.state IN ('dispatched','handling','feedback','pending','closed') THEN z.dis_at END,
  CASE WHEN z.state IN ('feedback','closed') THEN z.res_at END,
  CASE WHEN z.state = 'closed' THEN z.clo_at END,
  z.reported_at + z.due_s * interval '1 second',
  z.st_started, z.st_due, z.level,
  CASE WHEN z.st_due IS NULL THEN NULL WHEN z.level = 0 THEN z.yellow WHEN z.level = 1 THEN z.st_due
       WHEN z.level = 2 THEN z.l3 END,
  greatest(0, z.level - 1),
  CASE WHEN z.state = 'closed' AND z.u15 < 0.05 THEN 1 ELSE 0 END,
  CASE WHEN z.state = 'pending' OR z.u16 < 0.04 THEN 1 ELSE 0 END,
  CASE WHEN z.state = 'closed' AND z.u17 < 0.6
       THEN CASE WHEN z.u18 < 0.7 THEN 5 WHEN z.u18 < 0.9 THEN 4 WHEN z.u18 < 0.97 THEN 3 ELSE 2 END END,
  CASE WHEN z.type = 'dispute' AND z.state = 'closed' AND z.u14 < 0.95 THEN z.res_at END,
  CASE z.state WHEN 'reported' THEN 1 WHEN 'accepted' THEN 2 WHEN 'rejected' THEN 2 WHEN 'dispatched' THEN 3
    WHEN 'handling' THEN 4 WHEN 'feedback' THEN 5 WHEN 'pending' THEN 5 ELSE 6 END,
  z.upd_at, z.type <> 'dispute'
-- Each level computes its columns once per row (OFFSET 0 keeps the planner from folding the
-- levels into one projection, which would repeat every expression wherever it is used).
FROM (SELECT v.*,
    CASE WHEN v.st_due IS NULL THEN 0
         ELSE (CASE WHEN $1::timestamptz >= v.yellow THEN 1 ELSE 0 END) + (CASE WHEN $1::timestamptz >= v.st_due THEN 1 ELSE 0 END)
            + (CASE WHEN v.l3 IS NOT NULL AND $1::timestamptz >= v.l3 THEN 1 ELSE 0 END) END AS level
  FROM (SELECT t.*, t.st_started + (t.st_due - t.st_started) * 0.8 AS yellow,
      CASE WHEN t.state = 'handling' THEN t.st_due + interval '7 days' END AS l3
    FROM (SELECT q.*,
        q.reported_at + q.acc * q.f * interval '1 second' AS acc_at,
        q.reported_at + q.dis * q.f * interval '1 second' AS dis_at,
        q.reported_at + q.sign * q.f * interval '1 second' AS sign_at,
        q.reported_at + q.res * q.f * interval '1 second' AS res_at,
        q.reported_at + q.clo * q.f * interval '1 second' AS clo_at,
        q.reported_at + q.last * q.f * interval '1 second' AS upd_at,
        CASE q.state WHEN 'reported' THEN q.reported_at
          WHEN 'accepted' THEN q.reported_at + q.acc * q.f * interval '1 second'
          WHEN 'dispatched' THEN q.reported_at + q.dis * q.f * interval '1 second'
          WHEN 'handling' THEN q.reported_at + q.sign * q.f * interval '1 second'
          WHEN 'feedback' THEN q.reported_at + q.res * q.f * interval '1 second' END AS st_started,
        CASE q.state WHEN 'reported' THEN q.reported_at + q.accept_s * interval '1 second'
          WHEN 'accepted' THEN q.reported_at + (q.acc * q.f + q.dispatch_s) * interval '1 second'
          WHEN 'dispatched' THEN q.reported_at + (q.dis * q.f + q.sign_s) * interval '1 second'
          WHEN 'handling' THEN q.reported_at + q.due_s * interval '1 second'
          WHEN 'feedback' THEN q.reported_at + (q.res * q.f + q.verify_s) * interval '1 second' END AS st_due,
        CASE q.type WHEN 'request' THEN CASE WHEN q.u19 < 0.5 THEN 'window' WHEN q.u19 < 0.8 THEN 'phone' ELSE 'resident' END
             ELSE 'grid' END AS channel,
        CASE q.type WHEN 'request' THEN CASE WHEN q.u19 < 0.5 THEN q.worker_user WHEN q.u19 < 0.8 THEN NULL ELSE $4::bigint END
             ELSE q.grid_user END AS reporter,
        CASE WHEN q.type = 'request' AND q.u19 >= 0.5 AND q.u19 < 0.8 THEN '来电居民' END AS contact
      FROM (SELECT p.*, CASE WHEN p.last <= 0 THEN 1.0::float8
                             ELSE least(1.0::float8, greatest(0.0::float8, (p.age_s - 60) / p.last)) END AS f
        FROM (SELECT o.*, CASE o.state WHEN 'reported' THEN 0 WHEN 'accepted' THEN o.acc WHEN 'rejected' THEN o.acc
                 WHEN 'dispatched' THEN o.dis WHEN 'handling' THEN o.sign WHEN 'pending' THEN o.sign + 3600
                 WHEN 'feedback' THEN o.res ELSE o.clo END AS last
          FROM (SELECT n.*, n.sign + greatest(1800, n.due_s - n.sign) * (0.1 + 1.0 * n.u11) AS res,
                  n.sign + greatest(1800, n.due_s - n.sign) * (0.1 + 1.0 * n.u11) + n.verify_s * (0.05 + 0.9 * n.u12) AS clo
            FROM (SELECT x.*, c.category, c.prefix, c.title AS cat_title, c.accept_s, c.dispatch_s, c.sign_s, c.due_s,
                    c.verify_s, g.area_id, g.path, g.grid_user, g.worker_user,
                    c.accept_s * (0.1 + 1.1 * x.u8) AS acc,
                    c.accept_s * (0.1 + 1.1 * x.u8) + c.dispatch_s * (0.05 + 0.9 * x.u9) AS dis,
                    c.accept_s * (0.1 + 1.1 * x.u8) + c.dispatch_s * (0.05 + 0.9 * x.u9) + c.sign_s * (0.05 + 0.9 * x.u10) AS sign
              FROM (SELECT b.*,
                  CASE WHEN b.u2 < 0.02 THEN 'rejected'
                       WHEN b.u2 < 0.02 + 0.98 * (0.09 + 0.9 * exp(-b.age_s / (30 * 86400.0))) THEN
                         CASE WHEN b.age_s < 3 * 86400 THEN
                                CASE WHEN b.u3 < 0.15 THEN 'reported' WHEN b.u3 < 0.25 THEN 'accepted'
                                     WHEN b.u3 < 0.35 THEN 'dispatched' WHEN b.u3 < 0.8 THEN 'handling' ELSE 'feedback' END
                              ELSE CASE WHEN b.u3 < 0.6 THEN 'handling' WHEN b.u3 < 0.7 THEN 'feedback' ELSE 'pending' END END
                       ELSE 'closed' END AS state,
                  floor(b.u5 * CASE b.type WHEN 'event' THEN $5::int WHEN 'request' THEN $6::int ELSE $7::int END)::int AS cat_i,
                  floor(b.u7 * $8::int)::int AS grid_i
                FROM (SELECT k, $2::bigint + k - 1 AS id, r.reported_at,
                    extract(epoch FROM $1::timestamptz - r.reported_at)::float8 AS age_s,
                    CASE WHEN r.u4 < 0.7 THEN 'event' WHEN r.u4 < 0.9 THEN 'request' ELSE 'dispute' END AS type,
                    _bench_u(k, 6) < 0.06 AS urgent,
                    _bench_u(k, 1) AS u1, _bench_u(k, 2) AS u2, _bench_u(k, 3) AS u3, _bench_u(k, 5) AS u5,
                    _bench_u(k, 7) AS u7, _bench_u(k, 8) AS u8, _bench_u(k, 9) AS u9, _bench_u(k, 10) AS u10,
                    _bench_u(k, 11) AS u11, _bench_u(k, 12) AS u12, _bench_u(k, 13) AS u13, _bench_u(k, 14) AS u14,
                    _bench_u(k, 15) AS u15, _bench_u(k, 16) AS u16, _bench_u(k, 17) AS u17, _bench_u(k, 18) AS u18,
                    _bench_u(k, 19) AS u19
                  FROM generate_series(1, $3::bigint) AS k,
                    LATERAL (SELECT $1::timestamptz - interval '${SPAN_DAYS} days'
                               + ((k - 1 + 0.9 * _bench_u(k, 0)) / $3::float8) * interval '${SPAN_DAYS} days' AS reported_at,
                               _bench_u(k, 4) AS u4 OFFSET 0) r
                  WHERE %WHERE% OFFSET 0) b
                OFFSET 0) x
              JOIN _bench_cats c ON c.type = x.type AND c.i = x.cat_i AND c.urgent = x.urgent
              JOIN _bench_grids g ON g.i = x.grid_i
              OFFSET 0) n
            OFFSET 0) o
          OFFSET 0) p
        OFFSET 0) q
      OFFSET 0) t
    OFFSET 0) v
  OFFSET 0) z`;

/** The timeline of generated cases: report, accept or reject, dispatch, sign, feedback, verify, rate, suspend. */
const EVENTS_SQL = `
INSERT INTO case_events (case_id, at, actor_user_id, actor_name, kind, from_state, to_state, comment, data)
SELECT c.id, e.at, e.uid, coalesce(u.display_name, '来电居民'), e.kind, e.fs, e.ts, e.cm, e.dt
FROM cases c
JOIN _bench_grids g ON g.area_id = c.area_id
CROSS JOIN LATERAL (SELECT CASE WHEN c.state = 'handling' THEN c.stage_started_at
    ELSE c.dispatched_at + least(interval '1 hour', (coalesce(c.resolved_at, c.updated_at) - c.dispatched_at) / 2) END AS sign_at) s
CROSS JOIN LATERAL (VALUES
  (c.reported_at, c.reporter_user_id, 'report', NULL, 'reported', c.description, jsonb_build_object('channel', c.channel)),
  (c.accepted_at, c.owner_user_id, 'accept', 'reported', 'accepted', NULL, '{}'::jsonb),
  (CASE WHEN c.state = 'rejected' THEN c.updated_at END, g.worker_user, 'reject', 'reported', 'rejected', '不属于受理范围', '{"reason":"out_of_scope"}'::jsonb),
  (c.dispatched_at, c.owner_user_id, 'dispatch', 'accepted', 'dispatched', NULL,
     jsonb_build_object('assigneeUserId', c.assignee_user_id, 'department', NULL::text)),
  (CASE WHEN c.dispatched_at IS NOT NULL AND c.state <> 'dispatched' THEN s.sign_at END, c.assignee_user_id, 'sign', 'dispatched', 'handling', NULL, '{}'::jsonb),
  (c.resolved_at, c.assignee_user_id, 'feedback', 'handling', 'feedback', '已现场处置完毕', '{}'::jsonb),
  (c.closed_at, CASE WHEN c.type = 'event' THEN g.grid_user ELSE g.worker_user END, 'verify', 'feedback', 'closed',
     '核查属实，予以结案', '{"passed":true}'::jsonb),
  (CASE WHEN c.rating IS NOT NULL THEN least(c.closed_at + interval '20 hours', $1::timestamptz) END,
     coalesce(c.reporter_user_id, g.worker_user), 'rate', 'closed', NULL, NULL, jsonb_build_object('rating', c.rating, 'onBehalf', false)),
  (CASE WHEN c.state = 'pending' THEN c.updated_at END, g.worker_user, 'suspend', 'handling', 'pending', '需协调多部门，暂缓办理', '{}'::jsonb)
) AS e(at, uid, kind, fs, ts, cm, dt)
LEFT JOIN users u ON u.id = e.uid
WHERE c.id BETWEEN $2::bigint AND $2::bigint + $3::bigint - 1 AND %WHERE% AND e.at IS NOT NULL`;

interface LoadPlan {
  lo: number;
  m: number;
  step: number;
  now: Date;
}

async function prepareGenerator(db: Kysely<DB>, s: Services, client: pg.Client, now: Date) {
  await client.query(`
    CREATE FUNCTION _bench_u(k bigint, salt int) RETURNS float8 IMMUTABLE PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT (hashint8extended(k, salt) & 4503599627370495)::float8 / 4503599627370496.0 $$`);
  const street = (
    await sql<{
      path: string;
    }>`SELECT path::text AS path FROM areas WHERE kind = 'street' ORDER BY id LIMIT 1`.execute(db)
  ).rows[0]!.path;
  await client.query(
    `CREATE TABLE _bench_grids AS
     SELECT (row_number() OVER (ORDER BY g.id) - 1)::int AS i, g.id AS area_id, g.path, p.id AS community_id,
       coalesce((SELECT ur.user_id FROM user_roles ur JOIN roles r ON r.id = ur.role_id
                 WHERE ur.area_id = g.id AND r.code = 'grid_worker' ORDER BY ur.user_id LIMIT 1),
                (SELECT ur.user_id FROM user_roles ur JOIN roles r ON r.id = ur.role_id
                 WHERE ur.area_id = p.id AND r.code = 'community_worker' ORDER BY ur.user_id LIMIT 1)) AS grid_user,
       (SELECT ur.user_id FROM user_roles ur JOIN roles r ON r.id = ur.role_id
        WHERE ur.area_id = p.id AND r.code IN ('community_worker', 'community_secretary')
        ORDER BY r.code = 'community_worker' DESC, ur.user_id LIMIT 1) AS worker_user
     FROM areas g JOIN areas p ON p.id = g.parent_id
     WHERE g.kind = 'grid' AND p.kind = 'community' AND g.path <@ $1::ltree`,
    [street],
  );
  // Time limits as spans from a working morning, from the code's limits and the working calendar.
  const timing = await timingsFor(s).get();
  const ref = new Date('2026-03-10T01:30:00Z'); // a Tuesday, 09:30 in China
  const rows: (string | number | boolean)[][] = [];
  const counts: Record<string, number> = {};
  for (const type of CASE_TYPES) {
    const def = CASE_TYPE_DEFS[type];
    const cats = leaves(def.categories);
    counts[type] = cats.length;
    cats.forEach((cat, i) => {
      for (const urgency of ['normal', 'urgent'] as const) {
        const span = (stage: 'dispatch' | 'sign' | 'verify') =>
          (timing.calendar.add(ref, timing.limit(def, cat.code, urgency, stage)).getTime() - ref.getTime()) /
          1000;
        const p = timing.plan(def, { category: cat.code, urgency, reportedAt: ref });
        rows.push([
          type,
          i,
          cat.code,
          def.prefix,
          cat.zh,
          urgency === 'urgent',
          (p.acceptDueAt.getTime() - ref.getTime()) / 1000,
          span('dispatch'),
          span('sign'),
          (p.dueAt.getTime() - ref.getTime()) / 1000,
          span('verify'),
        ]);
      }
    });
  }
  await client.query(
    `CREATE TABLE _bench_cats AS SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::bool[],
       $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::float8[])
     AS t(type, i, category, prefix, title, urgent, accept_s, dispatch_s, sign_s, due_s, verify_s)`,
    rows[0]!.map((_, j) => rows.map((r) => r[j])),
  );
  await client.query('ANALYZE _bench_grids, _bench_cats');
  const resident = (await sql<{ id: number }>`SELECT id FROM users WHERE username = 'resident'`.execute(db))
    .rows[0]?.id;
  const grids = Number((await client.query('SELECT count(*) FROM _bench_grids')).rows[0].count);
  const have = Number((await client.query('SELECT coalesce(max(id), 0) AS m FROM cases')).rows[0].m);
  const existing = Number((await client.query('SELECT count(*) FROM cases')).rows[0].count);
  const lo = have + 1;
  const m = Math.max(0, N - existing);
  const step = Math.max(1, Math.round(m / Math.max(1, N_SMALL - existing)));
  const plan: LoadPlan = { lo, m, step, now };
  const params: unknown[] = [
    now,
    lo,
    m,
    resident ?? null,
    counts.event,
    counts.request,
    counts.dispute,
    grids,
  ];
  // The app's sequence continues after the whole schedule: cases it creates never take a reserved id.
  await client.query(`SELECT setval(pg_get_serial_sequence('cases', 'id'), $1::bigint)`, [lo + m]);
  return { plan, params, grids, street };
}

async function loadStage(
  client: pg.Client,
  plan: LoadPlan,
  params: unknown[],
  which: 'sample' | 'rest',
): Promise<{ cases: number; events: number; casesMs: number; eventsMs: number }> {
  const where = which === 'sample' ? `(k % ${plan.step} = 0)` : `(k % ${plan.step} <> 0)`;
  const evWhere =
    which === 'sample'
      ? `((c.id - $2::bigint + 1) % ${plan.step} = 0)`
      : `((c.id - $2::bigint + 1) % ${plan.step} <> 0)`;
  let t = performance.now();
  const c = await client.query(CASES_SQL.replace('%WHERE%', where), params);
  const casesMs = performance.now() - t;
  t = performance.now();
  const e = await client.query(EVENTS_SQL.replace('%WHERE%', evWhere), [plan.now, plan.lo, plan.m]);
  return { cases: c.rowCount ?? 0, events: e.rowCount ?? 0, casesMs, eventsMs: performance.now() - t };
}

// ————————————————————————— EXPLAIN —————————————————————————

type PlanNode = {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
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
    r.rows[0]['QUERY PLAN'] as {
      Plan: PlanNode & { 'Shared Hit Blocks'?: number; 'Shared Read Blocks'?: number };
      'Planning Time': number;
      'Execution Time': number;
    }[]
  )[0]!;
  const idx = new Set<string>();
  const seq = new Set<string>();
  const nodes = new Set<string>();
  const walk = (n: PlanNode) => {
    if (n['Index Name']) idx.add(n['Index Name']);
    if (n['Node Type'] === 'Seq Scan' && n['Relation Name']) seq.add(n['Relation Name']);
    if (/Scan|Join|Sort|Aggregate|Gather/.test(n['Node Type'])) nodes.add(n['Node Type']);
    for (const c of n.Plans ?? []) walk(c);
  };
  walk(p.Plan);
  const jit = (p as unknown as { JIT?: { Timing?: { Total?: number } } }).JIT?.Timing?.Total;
  console.log(
    `${label.padEnd(34)} plan ${p['Planning Time'].toFixed(1).padStart(5)} ms  exec ${p['Execution Time'].toFixed(1).padStart(7)} ms${jit ? ` (JIT ${jit.toFixed(0)} ms)` : ''}  buffers hit/read ${p.Plan['Shared Hit Blocks'] ?? 0}/${p.Plan['Shared Read Blocks'] ?? 0}  index: ${[...idx].join(', ') || '—'}${seq.size ? `  SEQ SCAN ${[...seq].join(', ')}` : ''}`,
  );
  return p['Execution Time'];
}

// ————————————————————————— the bench —————————————————————————

export async function benchCases() {
  let embedded: EmbeddedHandle | null = null;
  const tmp = mkdtempSync(path.join(tmpdir(), 'jiayuan-bench-cases-'));
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    embedded = await startEmbedded({
      dataDir: tmp,
      port: 55700 + (process.pid % 100),
      database: 'postgres',
      // CASES_BENCH_STATEMENTS=1: print where the server's time went (a few % of overhead).
      settings:
        process.env.CASES_BENCH_STATEMENTS === '1'
          ? {
              shared_preload_libraries: 'pg_stat_statements',
              'pg_stat_statements.track': 'all',
              'pg_stat_statements.track_planning': 'on',
            }
          : {},
    });
    adminUrl = embedded.url;
  }
  const dbName = `jy_bench_cases_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  admin.on('error', (e) => console.error(`admin connection: ${e.message}`));
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.query(createDatabaseSql(dbName));
  const url = withDb(adminUrl, dbName);
  const keyFile = benchKeyFile(tmp);
  const quiet = { info() {}, warn() {}, error: console.error };
  let runtime: Awaited<ReturnType<typeof boot>> | null = null;
  let app: App | null = null;
  const client = new pg.Client({ connectionString: url });
  client.on('error', (e) => console.error(`bench connection: ${e.message}`));
  try {
    // —— setup: migrate, demo street (with its demo cases driven through the engine)
    const db = createDb(url, { max: 10 });
    runtime = await phase('migrate + demo street', () =>
      boot(
        { ...loadConfig({}), databaseUrl: url, keyFile, seedDemo: true, seedDemoYear: false },
        { log: quiet, db },
      ),
    );
    const s = runtime.services;
    await client.connect();
    const version = (await client.query('SHOW server_version')).rows[0].server_version;
    const settings = (
      await client.query(
        `SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers','work_mem','jit','max_parallel_workers_per_gather','synchronous_commit','max_wal_size','checkpoint_timeout')`,
      )
    ).rows.map((r) => `${r.name}=${r.setting}${r.unit ?? ''}`);
    console.log(
      `\n## Setup\ndatabase ${dbName} on PostgreSQL ${version} (${embedded ? 'embedded' : 'DATABASE_URL'}); ${settings.join(', ')}`,
    );
    const count = async () => Number((await client.query('SELECT count(*) FROM cases')).rows[0].count);
    const user = async (u: string) =>
      (await sql<{ id: number }>`SELECT id FROM users WHERE username = ${u}`.execute(db)).rows[0]!.id;
    const workerId = await user('community_worker');
    const streetAdminId = await user('street_admin');
    const gridActor = (await loadActor(db, await user('grid_a')))!;
    const gridArea = Number(gridActor.pathsFor('event.report')[0]!.split('.').pop());
    const ids = { gridArea, workerId };

    const gen = await phase('generator tables', () => prepareGenerator(db, s, client, new Date()));
    const { plan, params } = gen;
    console.log(
      `grids of the street: ${gen.grids}; schedule: ${int(plan.m)} generated cases (ids ${plan.lo}…${plan.lo + plan.m - 1}), reported over the last ${SPAN_DAYS} days; first every ${plan.step}th of them`,
    );

    // —— stage 1: ~N_SMALL cases (a 1-in-step sample of the schedule: the same shape, sparser)
    console.log('\n## Bulk load');
    const s1 = await phase('load stage 1', async () => {
      await client.query('SET synchronous_commit = off');
      const r = await loadStage(client, plan, params, 'sample');
      await client.query('VACUUM ANALYZE cases, case_events');
      // Flush what the load dirtied: otherwise the checkpoint it triggers lands in whichever
      // flow runs next, and that flow pays the load's writes (a 0.76 ratio once, 0.97 next run).
      await client.query('CHECKPOINT');
      return r;
    });
    console.log(
      `stage 1: ${int(s1.cases)} cases in ${fmt(s1.casesMs)} ms, ${int(s1.events)} timeline events in ${fmt(s1.eventsMs)} ms; ${int(await count())} cases stored`,
    );

    // —— 1a. throughput at ~10k
    const flows: FlowResult[] = [];
    app = await phase('start app (10k)', () => startApp(url, keyFile, tmp, client));
    await statements(client, null);
    flows.push(await phase('flow at ~10k', () => throughput(app!, ids, count)));
    await statements(client, 'flow at ~10k');
    await stopApp(app);
    app = null;

    // —— stage 2: the rest, secondary indexes dropped and rebuilt, foreign keys not re-checked
    const s2 = await phase('load stage 2', async () => {
      const idx = (
        await client.query(
          `SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('cases','case_events')
           AND indexname NOT IN (SELECT conname FROM pg_constraint)`,
        )
      ).rows as { indexname: string; indexdef: string }[];
      let replica = true;
      try {
        await client.query('SET session_replication_role = replica'); // FK triggers off: valid by construction
      } catch {
        replica = false;
      }
      await client.query(`SET maintenance_work_mem = '512MB'`);
      let t = performance.now();
      for (const i of idx) await client.query(`DROP INDEX ${i.indexname}`);
      const dropMs = performance.now() - t;
      const r = await loadStage(client, plan, params, 'rest');
      t = performance.now();
      for (const i of idx) await client.query(i.indexdef);
      const indexMs = performance.now() - t;
      if (replica) await client.query('SET session_replication_role = DEFAULT');
      // The triggers keeping case_stats were off with the foreign keys: rebuilt in one aggregate.
      t = performance.now();
      if (replica) await client.query('SELECT case_stats_rebuild()');
      const statsMs = performance.now() - t;
      t = performance.now();
      await client.query('VACUUM ANALYZE cases, case_events');
      const vacuumMs = performance.now() - t;
      await client.query('CHECKPOINT'); // as after stage 1: the flow measures the store, not the load
      return { ...r, indexMs, vacuumMs, dropMs, statsMs, indexes: idx.length, replica };
    });
    const stored = await count();
    const sizes = (
      await client.query(
        `SELECT pg_size_pretty(pg_total_relation_size('cases')) AS c, pg_size_pretty(pg_relation_size('cases')) AS ch,
                pg_size_pretty(pg_total_relation_size('case_events')) AS e,
                (SELECT count(*) FROM case_events) AS events,
                pg_size_pretty(pg_database_size(current_database())) AS d`,
      )
    ).rows[0];
    const mix = (
      await client.query(`SELECT state, count(*)::int AS n FROM cases GROUP BY state ORDER BY n DESC`)
    ).rows as { state: string; n: number }[];
    console.log(
      `stage 2: ${int(s2.cases)} cases in ${(s2.casesMs / 1000).toFixed(1)} s (${int(s2.cases / (s2.casesMs / 1000))} rows/s), ${int(s2.events)} timeline events in ${(s2.eventsMs / 1000).toFixed(1)} s (${int(s2.events / (s2.eventsMs / 1000))} rows/s);` +
        ` ${s2.indexes} secondary indexes dropped and rebuilt in ${(s2.indexMs / 1000).toFixed(1)} s; VACUUM ANALYZE ${(s2.vacuumMs / 1000).toFixed(1)} s` +
        `${s2.replica ? `; triggers off while loading (session_replication_role = replica), case_stats rebuilt in ${(s2.statsMs / 1000).toFixed(1)} s` : ''}`,
    );
    console.log(
      `stored: ${int(stored)} cases (table ${sizes.ch}, with indexes ${sizes.c}), ${int(Number(sizes.events))} timeline events (${sizes.e}); database ${sizes.d}`,
    );
    console.log(
      `state mix: ${mix.map((r) => `${r.state} ${((r.n / stored) * 100).toFixed(1)}%`).join(', ')}`,
    );

    // —— 4, 5. indicators and lists through the app, freshly started
    app = await phase('start app (1M)', () => startApp(url, keyFile, tmp, client));
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const yearAgo = new Date(Date.now() + 8 * 3600_000 - 365 * 86_400_000).toISOString().slice(0, 10);
    const communityId = Number((await loadActor(db, workerId))!.pathsFor('event.read')[0]!.split('.').pop());
    const streetId = Number(gen.street.split('.').pop());
    const timeGets = async (sess: Session, url: string, n: number) => {
      const ms: number[] = [];
      for (let i = 0; i < n; i++) {
        const r = await call(app!.port, 'GET', url, sess);
        if (r.status !== 200) throw new Error(`GET ${url}: ${r.status} ${r.text.slice(0, 300)}`);
        ms.push(r.ms);
      }
      return ms;
    };
    console.log(
      `\n## Indicators over a year (${yearAgo} … ${today}) as street_admin, sequential calls (target ≤ 300 ms)`,
    );
    console.log('area                          cold ms   warm p50  warm p95  (warm: calls)');
    const indicatorRows: { label: string; areaId: number; cold: number; p95: number }[] = [];
    await phase('indicators', async () => {
      for (const [label, areaId] of [
        ['street (城关街道)', streetId],
        ['community (友谊河社区)', communityId],
      ] as const) {
        const u = `/api/cases/indicators?areaId=${areaId}&from=${yearAgo}&to=${today}`;
        const [cold] = await timeGets(app!.street, u, 1);
        const warm = await timeGets(app!.street, u, CALLS);
        indicatorRows.push({ label, areaId, cold: cold!, p95: pct(warm, 95) });
        console.log(
          `${label.padEnd(26)} ${fmt(cold!).padStart(9)}  ${fmt(median(warm)).padStart(9)} ${fmt(pct(warm, 95)).padStart(9)}  (${CALLS})`,
        );
      }
    });

    // EXPLAIN of the indicator SQL: the route's scope, built the same way for street_admin.
    const streetActor = (await loadActor(db, streetAdminId))!;
    const workerActor = (await loadActor(db, workerId))!;
    const rec = recordingDb(url);
    console.log('\n## EXPLAIN (ANALYZE, BUFFERS) of the indicator SQL (street_admin)');
    for (const { label, areaId } of indicatorRows) {
      const area = (
        await sql<{ path: string }>`SELECT path::text AS path FROM areas WHERE id = ${areaId}`.execute(db)
      ).rows[0]!;
      const scope = (alias: string) => {
        const col = (n: string) => sql.ref(`${alias}.${n}`);
        const parts = CASE_TYPES.map(
          (t) =>
            sql<SqlBool>`(${col('type')} = ${t} AND ${col('areaPath')} <@ ${sql.val(streetActor.pathsFor(`${t}.read`))}::ltree[])`,
        );
        return sql<SqlBool>`(${col('areaPath')} <@ ${area.path}::ltree AND (${sql.join(parts, sql` OR `)}))`;
      };
      const input = {
        scope,
        from: new Date(`${yearAgo}T00:00:00+08:00`),
        to: new Date(new Date(`${today}T00:00:00+08:00`).getTime() + 86_400_000),
        now: new Date(),
      };
      rec.seen.length = 0;
      await Promise.all([computeIndicators(rec.db, input), breakdowns(rec.db, input)]);
      const stmt = rec.seen.find((x) => /from cases/i.test(x.sql))!;
      await client.query('BEGIN');
      await client.query('SET LOCAL jit = off'); // as computeIndicators runs it
      await explain(client, `${label.split(' ')[0]} one pass (figures + breakdowns)`, stmt);
      await client.query('COMMIT');
    }

    // —— 5. lists and inboxes
    type ListCase = { label: string; who: 'street' | 'worker'; actor: Actor; q: Partial<CaseListQuery> };
    const sampleTitle = '化粪池'; // in a request category's title: a rarer word
    const someNo = (
      await client.query(`SELECT no FROM cases WHERE id = $1`, [plan.lo + Math.floor(plan.m / 2)])
    ).rows[0]?.no as string | undefined;
    const lists: ListCase[] = [
      { label: 'box=all (street_admin)', who: 'street', actor: streetActor, q: { box: 'all' } },
      { label: 'box=accept (community_worker)', who: 'worker', actor: workerActor, q: { box: 'accept' } },
      { label: 'box=mine (community_worker)', who: 'worker', actor: workerActor, q: { box: 'mine' } },
      { label: 'box=overdue (street_admin)', who: 'street', actor: streetActor, q: { box: 'overdue' } },
      { label: 'box=overdue (community_worker)', who: 'worker', actor: workerActor, q: { box: 'overdue' } },
      { label: 'q=噪音 (street_admin)', who: 'street', actor: streetActor, q: { box: 'all', q: '噪音' } },
      {
        label: `q=${sampleTitle} (street_admin)`,
        who: 'street',
        actor: streetActor,
        q: { box: 'all', q: sampleTitle },
      },
      ...(someNo
        ? [
            {
              label: 'q=<case no> (street_admin)',
              who: 'street' as const,
              actor: streetActor,
              q: { box: 'all' as const, q: someNo },
            },
          ]
        : []),
    ];
    console.log(
      `\n## Lists and inboxes at ${int(await count())} cases (GET /api/cases, page of 20 + its total, exact within 150 ms, else an estimate; ${CALLS} sequential calls)`,
    );
    console.log('list                                  p50 ms   p95 ms   total');
    await phase('lists', async () => {
      for (const l of lists) {
        const qs = new URLSearchParams(Object.entries(l.q).map(([k, v]) => [k, String(v)])).toString();
        const u = `/api/cases?${qs}`;
        const ms = await timeGets(l.who === 'street' ? app!.street : app!.worker, u, CALLS);
        const r = await call(app!.port, 'GET', u, l.who === 'street' ? app!.street : app!.worker);
        const { total, totalExact } = JSON.parse(r.text) as { total: number; totalExact?: boolean };
        console.log(
          `${l.label.padEnd(36)} ${fmt(median(ms)).padStart(7)}  ${fmt(pct(ms, 95)).padStart(7)}   ${totalExact === false ? '≈ ' : ''}${int(total)}`,
        );
      }
    });
    console.log('\n## EXPLAIN (ANALYZE, BUFFERS) of the list SQL (page, then count)');
    const svc = casesService({ ...s, db: rec.db });
    for (const l of lists) {
      const ctx: Ctx = {
        actor: l.actor,
        lang: 'zh',
        audit: { actorId: l.actor.userId, actorName: l.actor.username, ip: null, requestId: null },
      };
      rec.seen.length = 0;
      await svc.list(ctx, { page: 1, pageSize: 20, box: 'all', ...l.q } as CaseListQuery);
      const stmts = rec.seen.filter((x) => /from "cases"/i.test(x.sql));
      for (const [i, stmt] of stmts.entries())
        await explain(client, `${l.label.slice(0, 26)} ${i === 0 ? 'page' : 'count'}`, stmt);
    }
    await rec.db.destroy();

    // —— 1b. throughput at 1M
    await statements(client, null);
    flows.push(await phase('flow at 1M', () => throughput(app!, ids, count)));
    await statements(client, 'flow at 1M');
    await stopApp(app);
    app = null;
    printFlow(flows);

    // —— 3. sweep (the app stopped: the bench's own process sweeps, as the app's job would)
    const timings = timingsFor(s);
    console.log(`\n## SLA sweep over ${int(await count())} cases`);
    await phase('sweep', async () => {
      const dueNow = async () =>
        Number((await client.query('SELECT count(*) FROM cases WHERE sla_next_at <= now()')).rows[0].count);
      const before = await dueNow();
      let t = performance.now();
      const catchUp = await sweep(s, timings);
      console.log(
        `catch-up (thresholds passed since loading): ${before} due, ${catchUp.checked} checked, ${catchUp.escalated} escalated in ${fmt(performance.now() - t)} ms`,
      );
      const steady: number[] = [];
      for (let i = 0; i < 5; i++) {
        t = performance.now();
        const r = await sweep(s, timings);
        steady.push(performance.now() - t);
        if (r.checked > 0) console.log(`  (steady call ${i} still found ${r.checked})`);
      }
      console.log(
        `(a) steady state, nothing due: one sweep call p50 ${fmt(median(steady))} ms, max ${fmt(Math.max(...steady))} ms (5 calls)`,
      );
      await explain(client, 'sweep select (nothing due)', {
        sql: `SELECT * FROM cases WHERE sla_next_at <= $1 ORDER BY sla_next_at LIMIT 500 FOR UPDATE SKIP LOCKED`,
        parameters: [new Date()],
      });
      // (b) DUE open cases with a running stage clock made due at once (sla_next_at in the past),
      // those without a red card yet also moved past 80 % of their stage (yellow) or past its
      // deadline (red: the community's supervisors, notifications, audit); the others are
      // re-checked and rescheduled, as after downtime.
      const made = await client.query(
        `WITH pick AS (
           SELECT id FROM cases WHERE state IN ('reported','accepted','dispatched','handling','feedback')
           ORDER BY sla_level, id DESC LIMIT $1)
         UPDATE cases c SET
           stage_started_at = CASE WHEN c.sla_level < 2 THEN now() - interval '10 hours' ELSE c.stage_started_at END,
           stage_due_at = CASE WHEN c.sla_level = 0 AND c.id % 2 = 0 THEN now() + interval '1 hour'
                               WHEN c.sla_level < 2 THEN now() - interval '1 hour' ELSE c.stage_due_at END,
           sla_next_at = now() - interval '1 minute'
         FROM pick WHERE c.id = pick.id`,
        [DUE],
      );
      const due = made.rowCount ?? 0;
      t = performance.now();
      const r = await sweep(s, timings);
      const ms = performance.now() - t;
      console.log(
        `(b) ${int(due)} open cases due at once: ${int(r.checked)} checked, ${int(r.escalated)} escalated (case update, timeline, notifications, audit each; the rest rescheduled) in ${(ms / 1000).toFixed(1)} s = ${int(r.checked / (ms / 1000))} cases/s; left due: ${await dueNow()}`,
      );
    });
  } finally {
    await stopApp(app);
    await client.end().catch(() => {});
    await runtime?.close().catch(() => {});
    if (process.env.CASES_BENCH_KEEP) console.log(`kept database ${dbName}`);
    else await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    await admin.end();
    if (embedded) await embedded.stop();
    rmSync(tmp, { recursive: true, force: true });
    closeAgent();
  }
  console.log(`\n[phase] total: ${((performance.now() - benchT0) / 1000).toFixed(0)} s`);
}
