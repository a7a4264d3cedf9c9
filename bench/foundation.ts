/**
 * Foundation figures (issue: platform foundation), printed not asserted:
 *  - cold `npm start` to first 200 on /api/health with a fresh data dir, and with an existing one;
 *  - GET /api/auth/me and GET /api/areas/tree requests/s on loopback, against a bare Fastify route
 *    returning a constant (the ratio is the figure).
 * Run: npm run bench  (BENCH_SECONDS=10 by default per load run)
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { templateAppEnv, track } from './lib.js';

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
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
