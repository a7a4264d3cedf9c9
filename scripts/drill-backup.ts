/**
 * `npm run drill:backup [-- --people 1000000] [--url postgres://…/postgres]`: the backup drill.
 * A database with the demo street (grown to `--people` people the way `npm run bench registry`
 * grows it), `npm run backup` of it, `npm run restore` into a fresh database, then the row count
 * and checksum of every table compared; prints sizes and times, exits 1 on any difference.
 * Runs on an embedded PostgreSQL 17 of its own, or on the server of `--url` (two databases).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { grow } from '../bench/registry.js';
import { boot } from '../src/server/boot.js';
import { verifyChain } from '../src/server/platform/audit/audit.js';
import { loadConfig } from '../src/server/platform/config.js';
import { type EmbeddedHandle, startEmbedded } from '../src/server/platform/db/embedded.js';
import { createDb } from '../src/server/platform/db/index.js';
import { redact, tableChecksums } from './lib/backup-core.js';
import { checker, fmtS, int, mb, withDb } from './lib/drill.js';
import { installGuard } from './lib/guard.js';

installGuard();

const { values } = parseArgs({
  options: { people: { type: 'string', default: '0' }, url: { type: 'string' } },
});
const PEOPLE = Number(values.people);

/** Runs one of our CLI scripts; its output indented under ours. */
function cli(script: string, args: string[], env: Record<string, string>, quiet = false): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      env: { ...process.env, DATABASE_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const indent = (d: Buffer) =>
      quiet ||
      process.stdout.write(
        d
          .toString()
          .split('\n')
          .filter(Boolean)
          .map((l) => `    ${l}\n`)
          .join(''),
      );
    p.stdout.on('data', indent);
    p.stderr.on('data', indent);
    p.once('exit', (code) =>
      code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${script} exited ${code}`)),
    );
  });
}

const tmp = mkdtempSync(path.join(tmpdir(), 'jiayuan-drill-backup-'));
let embedded: EmbeddedHandle | null = null;
let adminUrl = values.url ?? null;
if (!adminUrl) {
  embedded = await startEmbedded({ dataDir: tmp, port: 55700 + (process.pid % 100), database: 'postgres' });
  adminUrl = embedded.url;
}
const src = `jy_drill_src_${process.pid}`;
const dst = `jy_drill_dst_${process.pid}`;
const admin = new pg.Client({ connectionString: adminUrl });
admin.on('error', (e) => console.error(`admin connection: ${e.message}`));
await admin.connect();
const { check, failed } = checker();
try {
  for (const d of [src, dst]) {
    await admin.query(`DROP DATABASE IF EXISTS ${d}`);
    await admin.query(`CREATE DATABASE ${d}`);
  }
  const srcUrl = withDb(adminUrl, src);
  const dstUrl = withDb(adminUrl, dst);
  const keyFile = path.join(tmp, 'master.key');
  console.log(`# Backup drill on ${embedded ? 'an embedded PostgreSQL 17' : redact(adminUrl)}`);

  // —— the source: the demo street, grown when asked
  let t0 = performance.now();
  const db = createDb(srcUrl, { max: 10 });
  const quiet = { info() {}, warn() {}, error: console.error };
  const runtime = await boot(
    { ...loadConfig({}), databaseUrl: srcUrl, keyFile, seedDemo: true },
    { log: quiet, db },
  );
  console.log(`demo street seeded in ${fmtS(performance.now() - t0)}`);
  if (PEOPLE > 0) {
    t0 = performance.now();
    const g = await grow(db, runtime.services.keyring, runtime.services.clock.now(), PEOPLE);
    console.log(`grown by ${int(g.added)} people in ${fmtS(performance.now() - t0)}`);
  }
  const people = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM people`.execute(db)).rows[0]!.n;
  const size = Number(
    (await sql<{ s: string }>`SELECT pg_database_size(current_database())::text AS s`.execute(db)).rows[0]!.s,
  );
  await runtime.close();
  console.log(`source: ${int(people)} people, database ${mb(size)}`);

  // —— backup and restore with the real commands
  const file = path.join(tmp, 'drill.backup');
  const env = { JIAYUAN_KEY_FILE: keyFile, DATA_DIR: path.join(tmp, 'data') };
  console.log('\nnpm run backup');
  const backupMs = await cli('scripts/backup.ts', ['--url', srcUrl, '--out', file], env);
  console.log('npm run restore (into a fresh database)');
  const restoreMs = await cli('scripts/restore.ts', [file, '--url', dstUrl], env);
  // …and a non-empty target is refused without --force.
  const refused = await cli('scripts/restore.ts', [file, '--url', dstUrl], env, true).then(
    () => false,
    () => true,
  );

  // —— compare
  t0 = performance.now();
  const [a, b] = await Promise.all([tableChecksums(srcUrl), tableChecksums(dstUrl)]);
  const sumMs = performance.now() - t0;
  console.log(`\n## Every table: rows and checksum (md5 over the sorted row md5s), source → restored`);
  let rows = 0;
  const bad: string[] = [];
  for (const [name, x] of a) {
    const y = b.get(name);
    const same = !!y && y.rows === x.rows && y.md5 === x.md5;
    rows += x.rows;
    if (!same) bad.push(`${name} (${x.rows} ${x.md5} → ${y?.rows} ${y?.md5})`);
    console.log(`${same ? 'same' : 'DIFF'}  ${name.padEnd(24)} ${int(x.rows).padStart(10)}  ${x.md5}`);
  }
  for (const name of b.keys()) if (!a.has(name)) bad.push(`${name} only in the restored database`);
  console.log('');
  check(
    bad.length === 0,
    `${a.size} tables, ${int(rows)} rows identical after restore${bad.length ? `: ${bad.join('; ')}` : ''}`,
  );
  check(refused, 'restore refuses a non-empty database without --force');
  const rdb = createDb(dstUrl, { max: 2 });
  t0 = performance.now();
  const chain = await verifyChain(rdb);
  await rdb.destroy();
  check(
    chain.ok,
    `audit chain of the restored database verifies: ${int(chain.checked)} entries in ${fmtS(performance.now() - t0)}${chain.ok ? '' : ` (${chain.reason} at ${chain.firstBrokenSeq})`}`,
  );
  console.log(
    `\nfigures: ${int(people)} people; database ${mb(size)}; backup file ${mb(statSync(file).size)}; ` +
      `backup ${fmtS(backupMs)}; restore ${fmtS(restoreMs)} (both with ~1 s of tsx start-up); checksums of both ${fmtS(sumMs)}`,
  );
} finally {
  for (const d of [src, dst]) await admin.query(`DROP DATABASE IF EXISTS ${d} WITH (FORCE)`).catch(() => {});
  await admin.end();
  if (embedded) await embedded.stop();
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(failed() ? 1 : 0);
