// `npm run bench [name]`: runs the benchmarks and prints their figures (never asserted in tests).
// `npm run bench:ci` (BENCH_CI=1): every bench once at a small size, so that a broken bench is
// caught when it breaks; the demo street is seeded once into a template every bench clones.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { boot } from '../src/server/boot.js';
import { loadConfig } from '../src/server/platform/config.js';
import { type EmbeddedHandle, startEmbedded } from '../src/server/platform/db/embedded.js';
import { createDb } from '../src/server/platform/db/index.js';
import { installGuard, onCleanup, withDb } from './lib.js';

// Imported when run: the benches read their sizes from the environment when loaded, after the
// CI run has set its small ones.
const benches: Record<string, () => Promise<void>> = {
  foundation: async () => (await import('./foundation.js')).benchFoundation(),
  registry: async () => (await import('./registry.js')).benchRegistry(),
  cases: async () => (await import('./cases.js')).benchCases(),
  visits: async () => (await import('./visits.js')).benchVisits(),
  dashboard: async () => (await import('./dashboard.js')).benchDashboard(),
  firstload: async () => (await import('./firstload.js')).benchFirstload(),
  limits: async () => (await import('./limits.js')).benchLimits(),
  residents: async () => (await import('./residents.js')).benchResidents(),
  window: async () => (await import('./window.js')).benchWindow(),
};

/** The small sizes of the CI run (each only where not set). */
const CI_SIZES: Record<string, string> = {
  BENCH_SECONDS: '2',
  BENCH_CONNECTIONS: '5',
  BENCH_PEOPLE: '64000',
  BENCH_IMPORT_ROWS: '300',
  BENCH_QUERIES: '5',
  // The whole-street export cut to a sheet of 5,000 rows (the app's EXPORT_CAP).
  BENCH_EXPORT_ROWS: '5000',
  CASES_BENCH_N: '3000',
  CASES_BENCH_N_SMALL: '1000',
  CASES_BENCH_FLOW: '60',
  CASES_BENCH_CONNECTIONS: '4',
  CASES_BENCH_DUE: '200',
  CASES_BENCH_CALLS: '3',
  VISITS_BENCH_CALLS: '10',
  VISITS_BENCH_PEOPLE: '300',
  VISITS_BENCH_TAGGED: '50',
  DASH_BENCH_STREETS: '1',
  DASH_BENCH_CASES: '2000',
  DASH_BENCH_COLD: '2',
  DASH_BENCH_WARM: '5',
  FIRSTLOAD_RUNS: '1',
  LIMITS_BENCH_N: '300',
  RES_BENCH_VERIFIED: '100',
  RES_BENCH_CONCURRENT: '20',
  RES_BENCH_STAFF: '4',
  RES_BENCH_SECONDS: '3',
  RES_BENCH_THINK: '200',
  RES_BENCH_PEOPLE: '70000',
  RES_BENCH_BINDS: '10',
  WINDOW_BENCH_APPS: '1000',
  WINDOW_BENCH_RATINGS: '250',
  WINDOW_BENCH_FLOW: '40',
  WINDOW_BENCH_CONNECTIONS: '4',
  WINDOW_BENCH_WARM: '5',
};

installGuard();
// `npm run bench registry` or `npm run bench registry,limits`
const only = process.argv[2]?.split(',');
const ci = process.env.BENCH_CI === '1';
let shared: { embedded: EmbeddedHandle | null; tmp: string; admin: pg.Client; template: string } | null =
  null;
if (ci) {
  for (const [k, v] of Object.entries(CI_SIZES)) process.env[k] ??= v;
  const t0 = performance.now();
  const tmp = mkdtempSync(path.join(tmpdir(), 'jiayuan-bench-ci-'));
  let embedded: EmbeddedHandle | null = null;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    embedded = await startEmbedded({ dataDir: tmp, port: 56200 + (process.pid % 100), database: 'postgres' });
    adminUrl = embedded.url;
  }
  const template = `jy_bench_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  admin.on('error', (e) => console.error(`admin connection: ${e.message}`));
  await admin.connect();
  shared = { embedded, tmp, admin, template };
  onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
  await admin.query(`CREATE DATABASE ${template}`);
  const keyFile = path.join(tmp, 'master.key');
  const runtime = await boot(
    {
      ...loadConfig({}),
      databaseUrl: withDb(adminUrl, template),
      keyFile,
      seedDemo: true,
      seedDemoYear: false,
    },
    {
      log: { info() {}, warn() {}, error: console.error },
      db: createDb(withDb(adminUrl, template), { max: 4 }),
    },
  );
  await runtime.close();
  Object.assign(process.env, { DATABASE_URL: adminUrl, BENCH_TEMPLATE: template, BENCH_KEY_FILE: keyFile });
  console.log(
    `# bench:ci — demo street seeded once into ${template} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

const failed: string[] = [];
try {
  for (const [name, run] of Object.entries(benches)) {
    if (only && !only.includes(name)) continue;
    console.log(`\n# bench: ${name}`);
    const t0 = performance.now();
    try {
      await run();
    } catch (e) {
      // One broken bench does not hide the others' figures; the run fails at the end.
      console.error(`bench ${name} FAILED:`, e);
      failed.push(name);
    }
    if (ci) console.log(`(bench ${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
} finally {
  if (shared) {
    await shared.admin.query(`DROP DATABASE IF EXISTS ${shared.template} WITH (FORCE)`).catch(() => {});
    await shared.admin.end().catch(() => {});
    await shared.embedded?.stop();
    rmSync(shared.tmp, { recursive: true, force: true });
  }
}
if (failed.length) {
  console.error(`\nbenches failed: ${failed.join(', ')}`);
  process.exit(1);
}
