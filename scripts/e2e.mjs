// `npm run test:e2e`: builds, starts the app on a fresh embedded database and a free port, runs
// the browser journeys (test/e2e, playwright-core driving Debian's chromium), then stops it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(
    `No chromium at ${chromium}: apt-get install -y chromium fonts-wqy-zenhei (or set CHROMIUM_PATH)`,
  );
  process.exit(1);
}
if (!process.env.E2E_SKIP_BUILD) {
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
const dataDir = mkdtempSync(path.join(tmpdir(), 'jiayuan-e2e-'));
const port = 3400 + Math.floor(Math.random() * 500);
const pgPort = 55000 + Math.floor(Math.random() * 500);
const server = spawn(process.execPath, ['dist/server/main.js'], {
  env: {
    ...process.env,
    DATABASE_URL: '',
    DATA_DIR: dataDir,
    PORT: String(port),
    EMBEDDED_PG_PORT: String(pgPort),
    LOG_LEVEL: 'warn',
    // The lockout journey signs in from a forwarded address of its own, so it locks only that one.
    TRUST_PROXY: '1',
    SECURE_COOKIES: 'false',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
let code = 1;
try {
  const base = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    if (server.exitCode !== null) throw new Error('server exited before it was healthy');
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {}
    // The first start seeds the demo street and its history: allow for a loaded machine.
    if (Date.now() - t0 > 300_000) throw new Error('server not healthy within 300 s');
    await new Promise((r) => setTimeout(r, 300));
  }
  const r = spawnSync(
    process.execPath,
    ['node_modules/vitest/vitest.mjs', 'run', '--config', 'vitest.e2e.config.ts', ...process.argv.slice(2)],
    { stdio: 'inherit', env: { ...process.env, E2E_BASE_URL: base, CHROMIUM_PATH: chromium } },
  );
  code = r.status ?? 1;
} catch (e) {
  console.error(e);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(code);
