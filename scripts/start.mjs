// `npm start`: builds when the sources are newer than the last build, then runs the server in
// this process (it handles SIGINT/SIGTERM and stops the embedded PostgreSQL cleanly).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

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
await import(path.resolve('dist/server/main.js'));
