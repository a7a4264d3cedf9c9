// Builds what `npm start` serves: the web app (Vite) into dist/web and the server (esbuild,
// dependencies left in node_modules) into dist/server.
// Usage: node scripts/build.mjs [--server-only [--outdir DIR]]; only a whole build writes the stamp
// `npm start` compares with the sources.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const serverOnly = process.argv.includes('--server-only');
const at = process.argv.indexOf('--outdir');
const outdir = serverOnly && at > 0 ? process.argv[at + 1] : 'dist/server';
const t0 = Date.now();
await build({
  entryPoints: {
    main: 'src/server/main.ts',
    migrate: 'src/server/cli/migrate.ts',
    'audit-verify': 'src/server/cli/audit-verify.ts',
  },
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
console.log(`server built in ${Date.now() - t0} ms`);
if (!serverOnly) {
  const t1 = Date.now();
  const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  console.log(`web built in ${Date.now() - t1} ms`);
  writeFileSync('dist/.build-stamp', new Date().toISOString());
}
