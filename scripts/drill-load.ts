/**
 * `npm run drill:load [-- --connections 200 --duration 120 --p99 500 --think 1000 --rate 0]`: the load drill. The app
 * (`tsx src/server/main.ts`, embedded PostgreSQL, a temp DATA_DIR with the demo street) under a
 * mix sent on loopback by `--connections` users who pause `--think` ms on average after each
 * answer (with `--think 0`, by autocannon connections that never pause: saturation), one session
 * set per user: sign-ins, people
 * searches, case lists and reads, case reports and transitions (each connection drives its own
 * cases report → accept → dispatch → sign → feedback → verify), visit records. Prints throughput,
 * latency p50/p95/p99 overall and by route, errors and non-2xx by route; then checks that every
 * acknowledged write is in the database and the audit chain verifies. Exits 1 on any FAIL.
 * Targets on the 2-core machine: 0 errors, p99 ≤ 500 ms.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { leaves } from '../src/contract/case-codes.js';
import { CASE_TYPE_DEFS } from '../src/server/modules/cases/types/index.js';
import { verifyChain } from '../src/server/platform/audit/audit.js';
import { createDb } from '../src/server/platform/db/index.js';
import { DEMO_PASSWORD } from '../src/server/platform/demo.js';
import {
  type AppProc,
  checker,
  fmtS,
  request as httpRequest,
  int,
  login,
  machineCpuSeconds,
  pct,
  pool,
  procCpuSeconds,
  type Session,
  startApp,
  stopApp,
  treeCpuSeconds,
} from './lib/drill.js';
import { installGuard, onCleanup } from './lib/guard.js';

installGuard();

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '200' },
    duration: { type: 'string', default: '120' },
    /** The p99 target, ms (CI on a shared runner passes a looser one). */
    p99: { type: 'string', default: '500' },
    /** Requests per second offered by all connections together (users' pace); 0: every connection
     * sends its next request as soon as its answer comes (saturation). */
    rate: { type: 'string', default: '0' },
    /** Users' think time, ms (mean of an exponential pause after each answer); 0: none, every
     * connection sends its next request as soon as its answer comes (autocannon, saturation). */
    think: { type: 'string', default: '1000' },
  },
});
const THINK = Number(values.think);
const RATE = Number(values.rate);
const P99 = Number(values.p99);
const CONNECTIONS = Number(values.connections);
const DURATION = Number(values.duration);

// The mix, in shares of requests.
const MIX: [Op, number][] = [
  ['login', 0.03],
  ['search', 0.15],
  ['case list', 0.15],
  ['case read', 0.25],
  ['case flow', 0.27],
  ['visit', 0.15],
];
type Op = 'login' | 'search' | 'case list' | 'case read' | 'case flow' | 'visit';

const tmp = mkdtempSync(path.join(tmpdir(), 'jiayuan-drill-load-'));
const dataDir = path.join(tmp, 'data');
// Cut short (a signal, an uncaught error): the app is stopped by the guard; a PostgreSQL it left
// (killed without its shutdown) is stopped here, then the temporary directory goes (cleanups run
// last-registered first).
onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
onCleanup(() => {
  try {
    const pid = Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (pid > 0) process.kill(pid, 'SIGINT');
  } catch {}
});
mkdirSync(path.join(tmp, 'no-web'));
const port = 3500 + (process.pid % 100);
const pgPort = 55500 + (process.pid % 100);
const { check, failed } = checker();
let app: AppProc | null = null;

try {
  console.log(
    `# Load drill: ${CONNECTIONS} ${THINK > 0 ? 'users' : 'connections'} for ${DURATION} s on loopback, ${THINK > 0 ? `each pausing ${THINK} ms on average (exponential) after every answer` : RATE > 0 ? `${RATE} req/s offered in all` : 'each as fast as answers come'} (${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)})`,
  );
  app = startApp(port, {
    DATABASE_URL: '',
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
    WEB_DIR: path.join(tmp, 'no-web'),
    // Each connection signs in from a forwarded address of its own, as users behind a proxy would.
    TRUST_PROXY: '1',
    SECURE_COOKIES: 'false',
  });
  console.log(`app healthy after ${fmtS(await app.ready())} (fresh data dir: demo street seeded)`);
  const password = readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();
  const db = createDb(`postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/jiayuan`, {
    max: 4,
  });

  // —— what the mix needs from the demo street
  const ids = (
    await sql<{ gridArea: number; workerId: number; maxCase: number }>`
    SELECT (SELECT ur.area_id FROM user_roles ur JOIN users u ON u.id = ur.user_id WHERE u.username = 'grid_a' LIMIT 1) AS "gridArea",
           (SELECT id FROM users WHERE username = 'community_worker') AS "workerId",
           (SELECT max(id) FROM cases)::int AS "maxCase"`.execute(db)
  ).rows[0]!;
  const gridPeople = (
    await sql<{ id: number }>`
    SELECT p.id FROM people p JOIN areas a ON a.id = p.area_id
    WHERE a.path <@ (SELECT path FROM areas WHERE id = ${ids.gridArea}) AND p.status = 'active' LIMIT 500`.execute(
      db,
    )
  ).rows.map((r) => r.id);
  const names = (
    await sql<{ q: string }>`SELECT DISTINCT left(name, 2) AS q FROM people LIMIT 300`.execute(db)
  ).rows.map((r) => r.q);
  const cats = leaves(CASE_TYPE_DEFS.event.categories).map((c) => c.code);
  // Every demo account that may search people: each connection searches as one of them (searches
  // are limited per user and minute, as a person types), round the list.
  const readers = (
    await sql<{ username: string }>`
    SELECT DISTINCT u.username FROM users u JOIN user_roles ur ON ur.user_id = u.id
    JOIN role_permissions rp ON rp.role_id = ur.role_id AND rp.permission = 'person.read'
    ORDER BY u.username`.execute(db)
  ).rows.map((r) => r.username);

  // —— sessions: every account above signs in once (from an address of its own); connections
  // share them: connection i searches and lists as account i (round the list), reads any case as
  // the street administrator, and drives its cases as grid_a and community_worker (友谊河, grid 1).
  const ipOf = (i: number) => ({ 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });
  const tLogin = performance.now();
  const users = [...new Set([...readers, 'street_admin', 'grid_a', 'community_worker'])];
  const byUser = new Map<string, Session>();
  await pool(users.length, 4, async (i) => {
    byUser.set(users[i]!, await login(port, users[i]!, ipOf(i + 1)));
  });
  const sess = Array.from({ length: CONNECTIONS }, (_, i) => ({
    searcher: byUser.get(readers[i % readers.length]!)!,
    reader: byUser.get('street_admin')!,
    grid: byUser.get('grid_a')!,
    worker: byUser.get('community_worker')!,
    ip: ipOf(i + 1),
  }));
  console.log(`${users.length} users signed in in ${fmtS(performance.now() - tLogin)}`);

  // —— the run
  const steps: ['worker' | 'grid', Record<string, unknown>][] = [
    ['worker', { action: 'accept' }],
    ['worker', { action: 'dispatch', assigneeUserId: ids.workerId }],
    ['worker', { action: 'sign' }],
    ['worker', { action: 'feedback', comment: '已现场处置完毕' }],
    ['grid', { action: 'verify', passed: true, comment: '核查属实，予以结案' }],
  ];
  type Ctx = {
    n?: number;
    op?: Op;
    route?: string;
    t0?: number;
    caseId?: number | null;
    step?: number;
    action?: string;
  };
  const lat = new Map<string, number[]>();
  const statuses = new Map<string, Map<number, number>>();
  const acked = {
    logins: [] as string[],
    cases: [] as number[],
    transitions: [] as { id: number; action: string; version: number }[],
    visits: [] as number[],
  };
  let nextConn = 0;
  let nextLogin = 0;
  const pick = (): Op => {
    let x = Math.random();
    for (const [op, w] of MIX) {
      x -= w;
      if (x < 0) return op;
    }
    return 'search';
  };
  const json = (o: unknown) => JSON.stringify(o);
  const withHeaders = (s: Session, ip: Record<string, string>, body: boolean) => ({
    ...s,
    ...ip,
    ...(body ? { 'content-type': 'application/json' } : {}),
  });

  const request = {
    setupRequest(req: Record<string, unknown>, ctx: Ctx) {
      ctx.n ??= nextConn++ % CONNECTIONS;
      const s = sess[ctx.n]!;
      const op = pick();
      ctx.op = op;
      ctx.t0 = performance.now();
      switch (op) {
        case 'login': {
          const username = readers[nextLogin++ % readers.length]!;
          ctx.route = 'POST /api/auth/login';
          return {
            ...req,
            method: 'POST',
            path: '/api/auth/login',
            headers: { 'content-type': 'application/json', ...s.ip },
            body: json({ username, password: DEMO_PASSWORD }),
          };
        }
        case 'search': {
          ctx.route = 'GET /api/people?q=';
          const q = names[Math.floor(Math.random() * names.length)]!;
          return {
            ...req,
            method: 'GET',
            path: `/api/people?q=${encodeURIComponent(q)}&pageSize=20`,
            headers: withHeaders(s.searcher, s.ip, false),
          };
        }
        case 'case list':
          ctx.route = 'GET /api/cases';
          return {
            ...req,
            method: 'GET',
            path: `/api/cases?pageSize=20&page=${1 + Math.floor(Math.random() * 5)}`,
            headers: withHeaders(s.searcher, s.ip, false),
          };
        case 'case read':
          ctx.route = 'GET /api/cases/:id';
          return {
            ...req,
            method: 'GET',
            path: `/api/cases/${1 + Math.floor(Math.random() * ids.maxCase)}`,
            headers: withHeaders(s.reader, s.ip, false),
          };
        case 'visit':
          ctx.route = 'POST /api/visits';
          return {
            ...req,
            method: 'POST',
            path: '/api/visits',
            headers: withHeaders(s.grid, s.ip, true),
            body: json({
              personId: gridPeople[Math.floor(Math.random() * gridPeople.length)],
              met: '本人',
              findings: '身体状况良好',
            }),
          };
        case 'case flow': {
          if (!ctx.caseId) {
            ctx.route = 'POST /api/cases';
            ctx.action = undefined;
            return {
              ...req,
              method: 'POST',
              path: '/api/cases',
              headers: withHeaders(s.grid, s.ip, true),
              body: json({
                type: 'event',
                category: cats[Math.floor(Math.random() * cats.length)],
                urgency: 'normal',
                title: '压测上报 路灯不亮',
                description: '网格巡查发现，已拍照取证。',
                areaId: ids.gridArea,
              }),
            };
          }
          const [who, body] = steps[ctx.step ?? 0]!;
          ctx.route = 'POST /api/cases/:id/transitions';
          ctx.action = body.action as string;
          return {
            ...req,
            method: 'POST',
            path: `/api/cases/${ctx.caseId}/transitions`,
            headers: withHeaders(who === 'grid' ? s.grid : s.worker, s.ip, true),
            body: json(body),
          };
        }
      }
    },
    onResponse(status: number, body: string, ctx: Ctx, headers: Record<string, string | string[]>) {
      const ms = performance.now() - (ctx.t0 ?? performance.now());
      const route = ctx.route ?? '?';
      const l = lat.get(route) ?? [];
      lat.set(route, l);
      l.push(ms);
      const st = statuses.get(route) ?? new Map<number, number>();
      statuses.set(route, st);
      st.set(status, (st.get(status) ?? 0) + 1);
      if (status >= 300) {
        if (ctx.op === 'case flow') ctx.caseId = null;
        return;
      }
      if (ctx.op === 'login') {
        const set = ([] as string[]).concat(headers['set-cookie'] ?? []);
        const sid = set.map((c) => /^jy_sid=([^;]+)/.exec(c)?.[1]).find(Boolean);
        if (sid) acked.logins.push(sid);
      } else if (ctx.op === 'visit') acked.visits.push((JSON.parse(body) as { id: number }).id);
      else if (ctx.op === 'case flow') {
        const c = JSON.parse(body) as { id: number; version: number };
        if (!ctx.action) {
          acked.cases.push(c.id);
          ctx.caseId = c.id;
          ctx.step = 0;
        } else {
          acked.transitions.push({ id: c.id, action: ctx.action, version: c.version });
          ctx.step = (ctx.step ?? 0) + 1;
          if (ctx.step >= steps.length) ctx.caseId = null;
        }
      }
    },
  };
  // Many entries of the same dynamic request: autocannon resets a connection's context when it
  // wraps around its list, and a connection's case flow lives in that context.
  const requests = Array.from({ length: 1000 }, () => request);
  const t0 = performance.now();
  const cpu0 = {
    app: treeCpuSeconds(app.proc.pid!),
    node: procCpuSeconds(app.proc.pid!),
    me: process.cpuUsage(),
    all: machineCpuSeconds(),
  };
  const result =
    THINK > 0
      ? await thinkingUsers(port, request, CONNECTIONS, DURATION, THINK)
      : await autocannon({
          url: `http://127.0.0.1:${port}`,
          connections: CONNECTIONS,
          duration: DURATION,
          timeout: 10,
          requests: requests as never,
          ...(RATE > 0 ? { overallRate: RATE } : {}),
        });
  const seconds = (performance.now() - t0) / 1000;
  const loadAfter = loadavg()[0]!;
  const appCpu = treeCpuSeconds(app.proc.pid!) - cpu0.app;
  const nodeCpu = procCpuSeconds(app.proc.pid!) - cpu0.node;
  const meCpu = (() => {
    const u = process.cpuUsage(cpu0.me);
    return (u.user + u.system) / 1e6;
  })();
  const allCpu = machineCpuSeconds() - cpu0.all;

  // —— figures
  const all = [...lat.values()].flat();
  const non2xx = [...statuses.values()].reduce(
    (t, m) => t + [...m].filter(([s]) => s >= 300).reduce((a, [, n]) => a + n, 0),
    0,
  );
  console.log(
    `\n## ${int(result.requests.total)} requests in ${seconds.toFixed(0)} s: ${int(result.requests.total / seconds)} req/s (machine load average at the end ${loadAfter.toFixed(1)} on ${cpus().length} cores)`,
  );
  console.log(
    `CPU cores busy (of ${cpus().length}): the app's Node process ${(nodeCpu / seconds).toFixed(2)}, its PostgreSQL ${((appCpu - nodeCpu) / seconds).toFixed(2)}, this drill's client ${(meCpu / seconds).toFixed(2)}, everything else on the machine ${(Math.max(0, allCpu - appCpu - meCpu) / seconds).toFixed(2)}; app CPU per request ${((appCpu * 1000) / result.requests.total).toFixed(1)} ms`,
  );
  console.log(
    `latency (autocannon) p50 ${result.latency.p50} ms, p90 ${result.latency.p90} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`,
  );
  console.log(
    `latency (per request, measured here) p50 ${pct(all, 50).toFixed(0)} ms, p95 ${pct(all, 95).toFixed(0)} ms, p99 ${pct(all, 99).toFixed(0)} ms`,
  );
  console.log(
    `errors (connection/timeouts) ${result.errors}, timeouts ${result.timeouts}, non-2xx ${non2xx} (autocannon: ${result.non2xx})`,
  );
  console.log('\nroute                               count    req/s   p50 ms  p95 ms  p99 ms  statuses');
  for (const [route, l] of [...lat].sort((a, b) => b[1].length - a[1].length)) {
    const st = [...statuses.get(route)!]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    console.log(
      `${route.padEnd(34)} ${int(l.length).padStart(7)}  ${(l.length / seconds).toFixed(0).padStart(6)}  ${pct(l, 50).toFixed(0).padStart(6)}  ${pct(l, 95).toFixed(0).padStart(6)}  ${pct(l, 99).toFixed(0).padStart(6)}  ${st}`,
    );
  }
  console.log('');
  check(result.errors === 0 && non2xx === 0, `0 errors (errors ${result.errors}, non-2xx ${non2xx})`);
  check(result.latency.p99 <= P99, `p99 ≤ ${P99} ms (${result.latency.p99} ms)`);

  // —— nothing lost
  const tCheck = performance.now();
  const missingCases = (
    await sql<{ n: number }>`SELECT count(*)::int AS n FROM unnest(${acked.cases}::bigint[]) AS k(id)
      WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = k.id)`.execute(db)
  ).rows[0]!.n;
  const tr = acked.transitions;
  const missingTransitions = (
    await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM unnest(${tr.map((t) => t.id)}::bigint[], ${tr.map((t) => t.action)}::text[], ${tr.map((t) => t.version)}::int[]) AS k(id, action, version)
    WHERE NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = k.id AND e.kind = k.action)
       OR (SELECT version FROM cases c WHERE c.id = k.id) < k.version`.execute(db)
  ).rows[0]!.n;
  const missingVisits = (
    await sql<{ n: number }>`SELECT count(*)::int AS n FROM unnest(${acked.visits}::bigint[]) AS k(id)
      WHERE NOT EXISTS (SELECT 1 FROM visits v WHERE v.id = k.id)`.execute(db)
  ).rows[0]!.n;
  const sids = acked.logins.map((t) => createHash('sha256').update(decodeURIComponent(t)).digest('hex'));
  const missingLogins = (
    await sql<{ n: number }>`SELECT count(*)::int AS n FROM unnest(${sids}::text[]) AS k(id)
      WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = k.id)`.execute(db)
  ).rows[0]!.n;
  check(
    missingCases + missingTransitions + missingVisits + missingLogins === 0,
    `every acknowledged write is in the database: cases ${int(acked.cases.length - missingCases)}/${int(acked.cases.length)}, transitions ${int(tr.length - missingTransitions)}/${int(tr.length)}, visits ${int(acked.visits.length - missingVisits)}/${int(acked.visits.length)}, sign-in sessions ${int(sids.length - missingLogins)}/${int(sids.length)} (checked in ${fmtS(performance.now() - tCheck)})`,
  );
  const v = await verifyChain(db);
  check(
    v.ok,
    `audit chain verifies: ${int(v.checked)} entries${v.ok ? '' : ` — ${v.reason} at ${v.firstBrokenSeq}`}`,
  );
  await db.destroy();
} catch (e) {
  console.error(e);
  check(false, `the drill could not finish: ${(e as Error)?.message ?? e}`);
  if (app) console.error(app.output.join('').slice(-3000));
} finally {
  await stopApp(app);
  rmSync(tmp, { recursive: true, force: true });
}
console.log(failed() ? `\n${failed()} check(s) FAILED` : '\nall checks passed');

/**
 * `n` users for `seconds`, each on a connection of its own: send the mix's next request, read the
 * answer, pause (exponential, mean `thinkMs`), again. Answers what the report reads of autocannon's.
 */
async function thinkingUsers(
  port: number,
  mix: {
    setupRequest(req: Record<string, unknown>, ctx: object): Record<string, unknown>;
    onResponse(status: number, body: string, ctx: object, headers: Record<string, string | string[]>): void;
  },
  n: number,
  seconds: number,
  thinkMs: number,
) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: n });
  const end = performance.now() + seconds * 1000;
  const times: number[] = [];
  let errors = 0;
  let timeouts = 0;
  let non2xx = 0;
  const send = (r: Record<string, unknown>) =>
    httpRequest(port, {
      method: r.method as string,
      path: r.path as string,
      headers: r.headers as Record<string, string>,
      body: r.body as string | undefined,
      agent,
      timeoutMs: 10_000,
    });
  const pause = () => new Promise((r) => setTimeout(r, -Math.log(1 - Math.random()) * thinkMs));
  await Promise.all(
    Array.from({ length: n }, async () => {
      const ctx = {};
      // Users arrive spread over one think time, not all in the same millisecond.
      await new Promise((r) => setTimeout(r, Math.random() * thinkMs));
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          const r = await send(mix.setupRequest({}, ctx));
          times.push(performance.now() - t0);
          if (r.status >= 300) non2xx++;
          mix.onResponse(r.status, r.text, ctx, r.headers as Record<string, string | string[]>);
        } catch (e) {
          errors++;
          if ((e as Error).message === 'timeout') timeouts++;
        }
        await pause();
      }
    }),
  );
  agent.destroy();
  const p = (q: number) => Math.round(pct(times, q));
  return {
    requests: { total: times.length },
    latency: { p50: p(50), p90: p(90), p99: p(99), max: Math.round(Math.max(0, ...times)) },
    errors,
    timeouts,
    non2xx,
  };
}
process.exit(failed() ? 1 : 0);
