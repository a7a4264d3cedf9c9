/**
 * Foundation figures (issue: platform foundation), printed not asserted:
 *  - cold `npm start` to first 200 on /api/health with a fresh data dir, and with an existing one;
 *  - GET /api/auth/me and GET /api/areas/tree requests/s on loopback, against a bare Fastify route
 *    returning a constant;
 *  - the read routes (/api/auth/me, the area tree, a case page, the grid worker's day) requests/s ÷
 *    a bare Fastify route running the same SQL (bench/bare-sql.ts, in its own process like the
 *    app, with a pool of the app's size): the statements are recorded at the pg client while the
 *    app, booted in this process on the same database, answers each route once (issue 22; target
 *    ≥ 0.5). The ratio is the figure: what the app adds over its SQL.
 * Run: npm run bench  (BENCH_SECONDS=10 by default per load run)
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';
import { boot } from '../src/server/boot.js';
import { MODULES } from '../src/server/modules/index.js';
import { loadConfig } from '../src/server/platform/config.js';
import { DEMO_PASSWORD } from '../src/server/platform/demo.js';
import { buildApp } from '../src/server/platform/http/app.js';
import type { BareSpec } from './bare-sql.js';
import { recordStatements, type Stmt, templateAppEnv, track } from './lib.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);

function startServer(
  dataDir: string,
  port: number,
  pgPort: number,
  extraEnv: Record<string, string> = {},
): { proc: ChildProcess; ready: Promise<number> } {
  const t0 = performance.now();
  const proc = track(
    spawn(process.execPath, ['scripts/start.mjs'], {
      env: {
        ...process.env,
        DATABASE_URL: '',
        DATA_DIR: dataDir,
        PORT: String(port),
        EMBEDDED_PG_PORT: String(pgPort),
        LOG_LEVEL: 'warn',
        ...extraEnv,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  const ready = (async () => {
    for (;;) {
      if (proc.exitCode !== null) throw new Error('server exited');
      try {
        const r = await fetch(`http://127.0.0.1:${port}/api/health`);
        if (r.status === 200) return performance.now() - t0;
      } catch {}
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return { proc, ready };
}

async function stop(proc: ChildProcess) {
  proc.kill('SIGTERM');
  await new Promise((r) => proc.once('exit', r));
}

async function load(url: string, headers: Record<string, string> = {}) {
  const r = await autocannon({ url, connections, duration: seconds, headers });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

/** The app's pool size (platform/db createDb's default): the bare server gets the same. */
const APP_POOL = 20;

/**
 * The statements each route runs for one request, recorded at the pg client while the app (booted
 * here on the same database, nothing seeded) answers it — after one unrecorded call, so caches
 * (settings, prepared names) are warm as under load.
 */
async function recordSql(
  url: string,
  keyFile: string,
  routes: { name: string; user: string; path: (db: pg.Client) => Promise<string> }[],
): Promise<{ routes: Record<string, Stmt[]>; paths: Record<string, string>; users: Record<string, string> }> {
  const quiet = { info() {}, warn() {}, error() {} };
  const runtime = await boot(
    { ...loadConfig({}), databaseUrl: url, keyFile, seedDemo: false },
    { log: quiet },
  );
  const app = await buildApp(runtime.services, MODULES, { webDir: null });
  const admin = new pg.Client({ connectionString: url });
  admin.on('error', () => {});
  await admin.connect();
  const out: Record<string, Stmt[]> = {};
  const paths: Record<string, string> = {};
  try {
    const cookies: Record<string, string> = {};
    for (const r of routes) {
      if (!cookies[r.user]) {
        const li = await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username: r.user, password: DEMO_PASSWORD },
        });
        if (li.statusCode !== 200) throw new Error(`login ${r.user}: ${li.statusCode} ${li.body}`);
        cookies[r.user] = li.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      }
      const url = await r.path(admin);
      paths[r.name] = url;
      const get = () => app.inject({ method: 'GET', url, headers: { cookie: cookies[r.user]! } });
      const warm = await get();
      if (warm.statusCode !== 200) throw new Error(`GET ${url}: ${warm.statusCode} ${warm.body}`);
      out[r.name] = (await recordStatements(get)).stmts;
    }
    return { routes: out, paths, users: cookies };
  } finally {
    await admin.end().catch(() => {});
    await app.close();
    await runtime.close();
  }
}

export async function benchFoundation() {
  if (!existsSync('dist/.build-stamp'))
    spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'jiayuan-bench-'));
  const port = 3900;
  const pgPort = 55900;
  try {
    // The CI run starts on a clone of its seeded template (no fresh start: a minute of seeding).
    const fromTemplate = await templateAppEnv();
    let s = startServer(dataDir, port, pgPort, fromTemplate);
    const fresh = fromTemplate.DATABASE_URL ? null : await s.ready;
    if (fresh !== null) {
      await stop(s.proc);
      s = startServer(dataDir, port, pgPort);
    }
    const existing = await s.ready;
    console.log('\n## Start-up (npm start → first 200 on /api/health)');
    if (fresh !== null)
      console.log(`fresh data dir:    ${(fresh / 1000).toFixed(2)} s (initdb, migrations, demo street)`);
    console.log(`existing data dir: ${(existing / 1000).toFixed(2)} s`);

    const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'street_admin', password: 'Jiayuan@2026' }),
    });
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');

    const bare = Fastify();
    bare.get('/const', async () => ({ ok: true }));
    await bare.listen({ port: port + 1, host: '127.0.0.1' });
    const base = await load(`http://127.0.0.1:${port + 1}/const`);
    await bare.close();
    const me = await load(`http://127.0.0.1:${port}/api/auth/me`, { cookie });
    const tree = await load(`http://127.0.0.1:${port}/api/areas/tree`, { cookie });

    // —— the read routes ÷ the same SQL in a bare Fastify route
    const dbUrl =
      fromTemplate.DATABASE_URL ??
      `postgres://postgres:${encodeURIComponent(readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim())}@127.0.0.1:${pgPort}/jiayuan`;
    const keyFile = fromTemplate.JIAYUAN_KEY_FILE || path.join(dataDir, 'keys', 'master.key');
    const rec = await recordSql(dbUrl, keyFile, [
      { name: 'me', user: 'street_admin', path: async () => '/api/auth/me' },
      { name: 'tree', user: 'street_admin', path: async () => '/api/areas/tree' },
      {
        name: 'case',
        user: 'street_admin',
        path: async (c) =>
          `/api/cases/${(await c.query('SELECT id FROM cases ORDER BY id LIMIT 1')).rows[0].id}`,
      },
      { name: 'myday', user: 'grid_a', path: async () => '/api/visits/my-day' },
    ]);
    const specFile = path.join(dataDir, 'bare-sql.json');
    const spec: BareSpec = { url: dbUrl, port: port + 2, pool: APP_POOL, routes: rec.routes };
    writeFileSync(specFile, JSON.stringify(spec));
    const bareSql = track(
      spawn(process.execPath, ['--import', 'tsx', 'bench/bare-sql.ts', specFile], {
        stdio: ['ignore', 'ignore', 'inherit'],
      }),
    );
    const pairs: {
      name: string;
      stmts: number;
      app: Awaited<ReturnType<typeof load>>;
      bare: Awaited<ReturnType<typeof load>>;
    }[] = [];
    try {
      for (;;) {
        if (bareSql.exitCode !== null) throw new Error('bare-sql exited');
        try {
          if ((await fetch(`http://127.0.0.1:${port + 2}/r/me`)).status === 200) break;
        } catch {}
        await new Promise((r) => setTimeout(r, 100));
      }
      for (const name of Object.keys(rec.routes)) {
        const a = await load(`http://127.0.0.1:${port}${rec.paths[name]}`, {
          cookie: rec.users[name === 'myday' ? 'grid_a' : 'street_admin']!,
        });
        const b = await load(`http://127.0.0.1:${port + 2}/r/${name}`);
        pairs.push({
          name: `GET ${rec.paths[name]!.replace(/\/\d+$/, '/:id')}`,
          stmts: rec.routes[name]!.length,
          app: a,
          bare: b,
        });
      }
    } finally {
      await stop(bareSql);
    }
    await stop(s.proc);

    console.log(
      `\n## Throughput on loopback (${connections} connections, ${seconds} s each, 2 cores shared with PostgreSQL)`,
    );
    console.log('route                      req/s    p50 ms  p99 ms  errors  ratio to bare');
    const row = (name: string, r: Awaited<ReturnType<typeof load>>) =>
      console.log(
        `${name.padEnd(26)} ${r.rps.toFixed(0).padStart(7)}  ${String(r.p50).padStart(6)}  ${String(r.p99).padStart(6)}  ${String(r.errors).padStart(6)}  ${(r.rps / base.rps).toFixed(3)}`,
      );
    row('bare Fastify constant', base);
    row('GET /api/auth/me', me);
    row('GET /api/areas/tree', tree);

    console.log(
      '\n## Read routes ÷ a bare Fastify route running the same SQL (own process, same pool size; target ≥ 0.5)',
    );
    console.log(
      'route                        statements  app req/s  bare-SQL req/s  app p99  bare p99  errors  ratio',
    );
    for (const p of pairs)
      console.log(
        `${p.name.padEnd(28)} ${String(p.stmts).padStart(10)}  ${p.app.rps.toFixed(0).padStart(9)}  ${p.bare.rps.toFixed(0).padStart(14)}  ${String(p.app.p99).padStart(7)}  ${String(p.bare.p99).padStart(8)}  ${String(p.app.errors + p.bare.errors).padStart(6)}  ${(p.app.rps / p.bare.rps).toFixed(2)}`,
      );
    console.log(
      '(the bare route runs the statements one after another on one connection; where the app runs some in parallel the bare route is slower than it could be, which flatters the ratio)',
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
