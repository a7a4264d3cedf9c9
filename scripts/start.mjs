// `npm start`: builds when the sources are newer than the last build, then runs the server as a
// child process under a supervisor (scripts/supervise.mjs) that starts it again if it dies
// unexpectedly, with backoff, and passes SIGINT/SIGTERM on (the server stops the embedded
// PostgreSQL cleanly; a clean stop is not restarted). JIAYUAN_RESTART=0 runs the server in this
// process instead, as before.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { supervise } from './supervise.mjs';

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const stamp = 'dist/.build-stamp';
const stale =
  !existsSync(stamp) ||
  !existsSync('dist/web/index.html') ||
  Math.max(
    newest('src'),
    statSync('package.json').mtimeMs,
    existsSync('vite.config.ts') ? statSync('vite.config.ts').mtimeMs : 0,
  ) > statSync(stamp).mtimeMs;
if (stale) {
  console.log('building (first start or sources changed) …');
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const main = path.resolve('dist/server/main.js');
if (process.env.JIAYUAN_RESTART === '0') await import(main);
else process.exitCode = await supervise(main);
