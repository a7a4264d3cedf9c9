/**
 * `npm run drill:cluster [-- --instances 3 --duration 15 --connections 24 --due 300]`: several app
 * instances on one PostgreSQL behind HAProxy (issue 22). Installs haproxy from Debian if missing.
 *
 * One embedded PostgreSQL (seeded once, in this process), N instances of `src/server/main.ts`
 * on it, HAProxy in front (round robin, health-checked on /api/health). Checks:
 *  - the case sweep fires once per due item although every instance sweeps at start;
 *  - a session made on one instance works on every other; sign-ins through HAProxy work;
 *  - the search limit holds across instances (it is counted in PostgreSQL);
 *  - the settings cache serves another instance's change within its documented bound (5 s);
 *  - throughput of a read/write mix through HAProxy with 1, 2 … N instances, and where the CPU
 *    went (apps, PostgreSQL, HAProxy);
 *  - one instance SIGKILLed mid-load: the others keep serving, no acknowledged write is lost,
 *    and what failed was a 502/503, never a 500;
 *  - the audit chain verifies at the end.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { leaves } from '../src/contract/case-codes.js';
import { boot } from '../src/server/boot.js';
import { CASE_TYPE_DEFS } from '../src/server/modules/cases/types/index.js';
import { verifyChain } from '../src/server/platform/audit/audit.js';
import { loadConfig } from '../src/server/platform/config.js';
import { type EmbeddedHandle, startEmbedded } from '../src/server/platform/db/embedded.js';
import { createDb, type Db } from '../src/server/platform/db/index.js';
import {
  type AppProc,
  call,
  checker,
  fmtS,
  int,
  login,
  machineCpuSeconds,
  pct,
  type Session,
  startApp,
  stopApp,
  treeCpuSeconds,
} from './lib/drill.js';
import { installGuard, onCleanup, track } from './lib/guard.js';

installGuard();

const { values } = parseArgs({
  options: {
    instances: { type: 'string', default: '3' },
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '24' },
    due: { type: 'string', default: '300' },
  },
});
const N = Number(values.instances);
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const DUE = Number(values.due);
const SEARCH_LIMIT = 30;
const SETTINGS_TTL_MS = 5000; // SettingsStore's documented bound (platform/settings.ts)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const tmp = mkdtempSync(path.join(tmpdir(), 'jiayuan-drill-cluster-'));
onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
mkdirSync(path.join(tmp, 'no-web'));
const slot = process.pid % 100;
const pgPort = 56300 + slot;
const lbPort = 4200 + slot * 5;
const appPort = (i: number) => lbPort + 1 + i;
const keyFile = path.join(tmp, 'master.key');
const { check, failed } = checker();

function ensureHaproxy() {
  if (spawnSync('haproxy', ['-v']).status === 0) return;
  console.log('haproxy is missing: installing it from Debian (apt-get install -y haproxy)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '-qq', 'haproxy'], { stdio: 'inherit', env });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    r = spawnSync('apt-get', ['install', '-y', '-qq', 'haproxy'], { stdio: 'inherit', env });
  }
  if (r.status !== 0) throw new Error('could not install haproxy');
}

let haproxy: ChildProcess | null = null;
/** (Re)starts HAProxy in front of the first `k` instances. */
async function startHaproxy(k: number) {
  await stopHaproxy();
  const cfg = path.join(tmp, 'haproxy.cfg');
  writeFileSync(
    cfg,
    `global
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  # A health check slower than this counts as failed: generous, as a loaded machine answers late.
  timeout check 5s
  # Only a request that never reached an instance is tried on another: a POST that did may
  # have been written, and is never sent twice.
  retries 3
  option redispatch
  retry-on conn-failure
frontend fe
  bind 127.0.0.1:${lbPort}
  default_backend apps
backend apps
  balance roundrobin
  option httpchk GET /api/health
  http-check expect status 200
${Array.from({ length: k }, (_, i) => `  server app${i} 127.0.0.1:${appPort(i)} check inter 1s fall 3 rise 2`).join('\n')}
`,
  );
  const out: string[] = [];
  haproxy = track(spawn('haproxy', ['-f', cfg, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] }));
  haproxy.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
  haproxy.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
  for (let i = 0; i < 100; i++) {
    if (haproxy.exitCode !== null) throw new Error(`haproxy exited: ${out.join('')}`);
    const r = await call(lbPort, 'GET', '/api/health', {}, undefined, 1000).catch(() => null);
    if (r?.status === 200) return;
    await sleep(100);
  }
  throw new Error(`haproxy did not answer: ${out.join('')}`);
}
async function stopHaproxy() {
  const h = haproxy;
  haproxy = null;
  if (!h || h.exitCode !== null || h.signalCode !== null) return;
  h.kill('SIGTERM');
  await new Promise((r) => h.once('exit', r));
}

type MixResult = {
  n: number;
  perS: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
  created: number[];
  /** Statuses of requests that began after `markAt` ms (the kill), with their times. */
  after: { at: number; status: number }[];
  cpu: { apps: number; pg: number; lb: number; machine: number };
};

/**
 * The mix through HAProxy for `seconds`, `connections` loops: reads of the case list, the
 * session, the area tree and the grid worker's day, and case creations (10 %).
 */
async function runMix(
  s: { grid: Session; gridArea: number; cats: string[] },
  seconds: number,
  connections: number,
  apps: AppProc[],
  pgPid: number,
  during?: (elapsedMs: number) => void,
): Promise<MixResult> {
  const lat: number[] = [];
  const statuses: Record<string, number> = {};
  const created: number[] = [];
  const after: { at: number; status: number }[] = [];
  const cpu0 = {
    apps: apps.reduce((a, x) => a + treeCpuSeconds(x.proc.pid!), 0),
    pg: treeCpuSeconds(pgPid),
    lb: haproxy ? treeCpuSeconds(haproxy.pid!) : 0,
    machine: machineCpuSeconds(),
  };
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let i = 0;
  const tick = during ? setInterval(() => during(performance.now() - t0), 100) : null;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const k = i++;
        const started = performance.now() - t0;
        const r = await (async () => {
          switch (k % 10) {
            case 0:
              return call(lbPort, 'POST', '/api/cases', s.grid, {
                type: 'event',
                category: s.cats[k % s.cats.length],
                urgency: 'normal',
                title: `集群演练 ${k}`,
                description: '多实例演练',
                areaId: s.gridArea,
              });
            case 1:
            case 2:
              return call(lbPort, 'GET', '/api/auth/me', s.grid);
            case 3:
              return call(lbPort, 'GET', '/api/areas/tree', s.grid);
            case 4:
              return call(lbPort, 'GET', '/api/visits/my-day', s.grid);
            default:
              return call(lbPort, 'GET', '/api/cases?pageSize=20', s.grid);
          }
        })().catch(() => null);
        const status = r?.status ?? 0;
        statuses[status] = (statuses[status] ?? 0) + 1;
        after.push({ at: started, status });
        if (r) lat.push(r.ms);
        if (r && k % 10 === 0 && status === 201) created.push((JSON.parse(r.text) as { id: number }).id);
      }
    }),
  );
  if (tick) clearInterval(tick);
  const wall = (performance.now() - t0) / 1000;
  return {
    n: lat.length,
    perS: lat.length / wall,
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    statuses,
    created,
    after,
    cpu: {
      apps: apps.reduce((a, x) => a + treeCpuSeconds(x.proc.pid!), 0) - cpu0.apps,
      pg: treeCpuSeconds(pgPid) - cpu0.pg,
      lb: (haproxy ? treeCpuSeconds(haproxy.pid!) : 0) - cpu0.lb,
      machine: machineCpuSeconds() - cpu0.machine,
    },
  };
}

let embedded: EmbeddedHandle | null = null;
let db: Db | null = null;
const apps: AppProc[] = [];
try {
  ensureHaproxy();
  console.log(
    `# Cluster drill: ${N} app instances on :${appPort(0)}…:${appPort(N - 1)}, HAProxy on :${lbPort}, PostgreSQL on :${pgPort}`,
  );
  console.log('(figures taken on a shared 2-core machine, under other work: compare ratios, not absolutes)');
  const t0 = performance.now();
  embedded = await startEmbedded({ dataDir: path.join(tmp, 'data'), port: pgPort, database: 'jiayuan' });
  const url = embedded.url;
  const runtime = await boot(
    { ...loadConfig({}), databaseUrl: url, keyFile, seedDemo: true, seedDemoYear: false },
    { log: { info() {}, warn() {}, error: console.error } },
  );
  await runtime.close();
  console.log(`PostgreSQL started and the demo street seeded once: ${fmtS(performance.now() - t0)}`);
  db = createDb(url, { max: 4, log: () => {} });
  const one = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(db!)).rows[0]!;
  const pgPid = Number(
    (await one(sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'`))
      .pid,
  );
  // The postmaster is the checkpointer's parent: its tree is the whole server.
  const postmaster = Number(
    (await import('node:fs')).readFileSync(`/proc/${pgPid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1],
  );

  // ——— a. jobs fire once: every instance sweeps at start, over the same overdue cases ———
  console.log(`\n## a. ${int(DUE)} overdue cases, ${N} instances starting at once (each sweeps at start)`);
  const tpl = (await one(sql<{ id: number }>`SELECT min(id)::int AS id FROM cases`)).id;
  await sql`
    INSERT INTO cases (no, type, category, urgency, state, title, description, area_id, area_path, channel,
                       reporter_user_id, detail, reported_at, accept_due_at, due_at, stage_started_at,
                       stage_due_at, sla_level, sla_next_at, version, updated_at, public)
    SELECT 'CLUSTER-' || g, type, category, urgency, 'reported', title || ' 逾期' || g, description, area_id,
           area_path, channel, reporter_user_id, detail, now() - interval '30 days', now() - interval '20 days',
           now() + interval '10 days', now() - interval '30 days', now() - interval '20 days', 0,
           now() - interval '1 day', 1, now(), public
    FROM cases, generate_series(1, ${DUE}) g WHERE cases.id = ${tpl}`.execute(db);
  const env = {
    DATABASE_URL: url,
    JIAYUAN_KEY_FILE: keyFile,
    JIAYUAN_SEED_DEMO: 'false',
    WEB_DIR: path.join(tmp, 'no-web'),
    SEARCH_PER_MINUTE: String(SEARCH_LIMIT),
  };
  for (let i = 0; i < N; i++) apps.push(startApp(appPort(i), env));
  const readyMs = await Promise.all(apps.map((a) => a.ready()));
  console.log(`instances healthy after ${readyMs.map(fmtS).join(', ')}`);
  const sw = await one(sql<{ done: number; events: number; multi: number; audits: number }>`
    WITH d AS (SELECT id FROM cases WHERE no LIKE 'CLUSTER-%')
    SELECT (SELECT count(*) FROM cases WHERE no LIKE 'CLUSTER-%' AND sla_level > 0)::int AS done,
           (SELECT count(*) FROM case_events e WHERE e.case_id IN (SELECT id FROM d) AND e.kind = 'escalate')::int AS events,
           (SELECT count(*) FROM (SELECT e.case_id FROM case_events e WHERE e.case_id IN (SELECT id FROM d) AND e.kind = 'escalate'
                                  GROUP BY e.case_id, (e.data->>'level') HAVING count(*) > 1) x)::int AS multi,
           (SELECT count(*) FROM audit_log a WHERE a.action = 'case.escalate' AND a.entity_id IN (SELECT id::text FROM d))::int AS audits`);
  check(sw.done === DUE, `every overdue case escalated: ${int(sw.done)} of ${int(DUE)}`);
  check(
    sw.multi === 0 && sw.audits === sw.events,
    `each escalation fired once across ${N} instances: ${int(sw.events)} escalate events, ${sw.multi} level(s) escalated twice, ${int(sw.audits)} audit entries`,
  );

  // ——— b. sessions across instances ———
  console.log('\n## b. sessions across instances');
  const s0 = await login(appPort(0), 'grid_a');
  const seen = await Promise.all(apps.map((a) => call(a.port, 'GET', '/api/auth/me', s0)));
  check(
    seen.every((r) => r.status === 200),
    `signed in on instance 1, the session works on every instance: ${seen.map((r) => r.status).join(', ')}`,
  );
  await startHaproxy(N);
  const viaLb = await login(lbPort, 'grid_a');
  const lbMe = await Promise.all(
    Array.from({ length: 2 * N }, () => call(lbPort, 'GET', '/api/auth/me', viaLb)),
  );
  check(
    lbMe.every((r) => r.status === 200),
    `signed in through HAProxy, ${lbMe.length} calls spread over ${N} instances: ${lbMe.filter((r) => r.status === 200).length} answered 200`,
  );

  // ——— c. limits across instances ———
  console.log(`\n## c. the search limit (${SEARCH_LIMIT} a minute per user) across instances`);
  const searcher = await login(appPort(0), 'community_admin');
  const per = Math.ceil((SEARCH_LIMIT * 1.2) / N);
  const answers: number[] = [];
  for (let k = 0; k < per; k++)
    for (const a of apps)
      answers.push(
        (await call(a.port, 'GET', `/api/people?q=${encodeURIComponent(`张${k}`)}&pageSize=1`, searcher))
          .status,
      );
  const ok = answers.filter((x) => x === 200).length;
  const limited = answers.filter((x) => x === 429).length;
  check(
    ok === SEARCH_LIMIT && limited === answers.length - SEARCH_LIMIT,
    `${answers.length} searches spread over ${N} instances: ${ok} answered, ${limited} refused (429) — the limit is one, not ${N}`,
  );

  // ——— d. a cache's staleness after a change through another instance ———
  console.log('\n## d. the settings cache after a change made through another instance');
  const sec = await login(appPort(0), 'security_admin');
  const other = apps[N - 1]!;
  const before = JSON.parse((await call(other.port, 'GET', '/api/settings/security', sec)).text) as {
    idleTimeoutMinutes: number;
  };
  const changed = { ...before, idleTimeoutMinutes: before.idleTimeoutMinutes + 1 };
  const put = await call(appPort(0), 'PUT', '/api/settings/security', sec, changed);
  const tChange = performance.now();
  let staleMs = -1;
  while (performance.now() - tChange < SETTINGS_TTL_MS + 5000) {
    const r = JSON.parse((await call(other.port, 'GET', '/api/settings/security', sec)).text) as {
      idleTimeoutMinutes: number;
    };
    if (r.idleTimeoutMinutes === changed.idleTimeoutMinutes) {
      staleMs = performance.now() - tChange;
      break;
    }
    await sleep(100);
  }
  check(
    put.status === 200 && staleMs >= 0 && staleMs <= SETTINGS_TTL_MS + 500,
    `changed on instance 1 (${put.status}), seen on instance ${N} after ${fmtS(staleMs)} (bound: the settings cache's ${fmtS(SETTINGS_TTL_MS)})`,
  );
  await call(appPort(0), 'PUT', '/api/settings/security', sec, before);

  // ——— e. throughput with 1 … N instances ———
  console.log(`\n## e. the mix through HAProxy, ${CONNECTIONS} connections, ${DURATION} s per run`);
  const gridArea = (
    await one(sql<{ a: number }>`
      SELECT ur.area_id::int AS a FROM user_roles ur JOIN users u ON u.id = ur.user_id WHERE u.username = 'grid_a' LIMIT 1`)
  ).a;
  const cats = leaves(CASE_TYPE_DEFS.event.categories).map((c) => c.code);
  console.log(
    'instances   req/s   ×1-instance   p50 ms   p99 ms   non-2xx   CPU s: apps  PostgreSQL  HAProxy  machine',
  );
  let base = 0;
  const acked: number[] = [];
  for (let k = 1; k <= N; k++) {
    await startHaproxy(k);
    const grid = await login(lbPort, 'grid_a');
    const r = await runMix({ grid, gridArea, cats }, DURATION, CONNECTIONS, apps.slice(0, k), postmaster);
    acked.push(...r.created);
    if (k === 1) base = r.perS;
    const bad = Object.entries(r.statuses)
      .filter(([st]) => !st.startsWith('2'))
      .reduce((a, [, v]) => a + v, 0);
    console.log(
      `${String(k).padStart(9)}  ${r.perS.toFixed(0).padStart(6)}  ${(r.perS / base).toFixed(2).padStart(12)}  ${r.p50.toFixed(0).padStart(7)}  ${r.p99.toFixed(0).padStart(7)}  ${String(bad).padStart(8)}   ${r.cpu.apps.toFixed(1).padStart(10)}  ${r.cpu.pg.toFixed(1).padStart(10)}  ${r.cpu.lb.toFixed(1).padStart(7)}  ${r.cpu.machine.toFixed(1).padStart(7)} of ${(2 * DURATION).toFixed(0)}`,
    );
    check(
      bad === 0,
      `${k} instance(s): every request of the mix answered 2xx (${int(r.n)} requests: ${Object.entries(
        r.statuses,
      )
        .map(([st, v]) => `${st === '0' ? 'no answer' : st} ${v}`)
        .join(', ')})`,
    );
  }

  // ——— f. one instance SIGKILLed mid-load ———
  console.log(`\n## f. instance ${N} SIGKILLed a third of the way through a run of the mix`);
  await startHaproxy(N);
  const grid = await login(lbPort, 'grid_a');
  const victim = apps[N - 1]!;
  let killedAt = -1;
  // The run lasts long enough for 5 s after the kill to be measured.
  const runS = Math.max(DURATION, 14);
  const r = await runMix({ grid, gridArea, cats }, runS, CONNECTIONS, apps, postmaster, (ms) => {
    if (killedAt < 0 && ms >= (runS * 1000) / 3) {
      killedAt = ms;
      victim.proc.kill('SIGKILL');
    }
  });
  acked.push(...r.created);
  const later = r.after.filter((x) => x.at > killedAt + 5000);
  const failedAfter = r.after.filter((x) => x.at >= killedAt && !(x.status >= 200 && x.status < 300));
  const fiveHundreds = r.after.filter((x) => x.status === 500).length;
  console.log(
    `statuses: ${Object.entries(r.statuses)
      .map(([k, v]) => `${k === '0' ? 'no answer' : k} ${v}`)
      .join(
        ', ',
      )}; failed after the kill: ${failedAfter.length} (${[...new Set(failedAfter.map((x) => x.status))].join(', ')})`,
  );
  check(fiveHundreds === 0, `no 500 during the kill (${fiveHundreds})`);
  check(
    later.length > 0 && later.every((x) => x.status >= 200 && x.status < 300),
    `from 5 s after the kill (HAProxy's health check: 3 failures 1 s apart) the others served everything: ${later.filter((x) => x.status < 300).length} of ${later.length}`,
  );
  const present = (
    await one(sql<{ n: number }>`SELECT count(*)::int AS n FROM cases WHERE id = ANY(${acked}::bigint[])`)
  ).n;
  check(
    present === acked.length,
    `every acknowledged creation is stored: ${int(present)} of ${int(acked.length)}`,
  );
  const v = await verifyChain(db);
  check(
    v.ok,
    `audit chain verifies: ${int(v.checked)} entries${v.ok ? '' : ` — ${v.reason} at ${v.firstBrokenSeq}`}`,
  );
} catch (e) {
  console.error(e);
  check(false, `the drill could not finish: ${(e as Error)?.message ?? e}`);
  for (const a of apps) console.error(a.output.join('').slice(-1500));
} finally {
  await stopHaproxy();
  await Promise.all(apps.map((a) => stopApp(a)));
  await db?.destroy().catch(() => {});
  await embedded?.stop();
  rmSync(tmp, { recursive: true, force: true });
}
console.log(failed() ? `\n${failed()} check(s) FAILED` : '\nall checks passed');
process.exit(failed() ? 1 : 0);
