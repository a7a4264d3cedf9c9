/**
 * `npm run drill:replica [-- --seconds 10 --rate 200]`: a PostgreSQL 15 primary and a streaming
 * replica made with pg_basebackup, both on loopback from Debian's binaries
 * (/usr/lib/postgresql/15/bin; the system cluster on 5432 is not touched: own data directories
 * and ports), and the app's ReadReplica (READ_DATABASE_URL, platform/db/replica.ts) on them:
 *  - figures are read from the replica (pg_is_in_recovery() there), with its replay lag;
 *  - the replication lag under a write mix on the primary (samples, p50/p99/max), and that the
 *    freshness a reader is told (computed at − lag) never claims data the replica has not got;
 *  - the replica stopped: reads fall back to the primary with one log line, no error; started
 *    again: reads go back to it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { createDb, type Db } from '../src/server/platform/db/index.js';
import { dataAsOf, ReadReplica } from '../src/server/platform/db/replica.js';
import { checker, pct } from './lib/drill.js';
import { installGuard, onCleanup, track } from './lib/guard.js';

installGuard();

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    rate: { type: 'string', default: '200' },
    bin: { type: 'string', default: '/usr/lib/postgresql/15/bin' },
  },
});
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
const BIN = values.bin!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const { check, failed } = checker();

const tmp = mkdtempSync(path.join(tmpdir(), 'jiayuan-drill-replica-'));
chmodSync(tmp, 0o777);
onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
const slot = process.pid % 100;
const ports = { primary: 56500 + slot, replica: 56600 + slot };
const dirs = { primary: path.join(tmp, 'primary'), replica: path.join(tmp, 'replica') };
const asRoot = process.getuid?.() === 0;

/** A PostgreSQL binary, as the postgres user when we are root (PostgreSQL refuses to run as root). */
function pgCmd(bin: string, args: string[]): [string, string[]] {
  const exe = path.join(BIN, bin);
  return asRoot ? ['runuser', ['-u', 'postgres', '--', exe, ...args]] : [exe, args];
}
function run(bin: string, args: string[]) {
  const [cmd, a] = pgCmd(bin, args);
  const r = spawnSync(cmd, a, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')}: ${r.stderr || r.stdout}`);
}

const servers: Partial<Record<'primary' | 'replica', ChildProcess>> = {};
async function start(which: 'primary' | 'replica') {
  const [cmd, a] = pgCmd('postgres', [
    '-D',
    dirs[which],
    '-p',
    String(ports[which]),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${tmp}`,
    '-c',
    'wal_level=replica',
    '-c',
    'max_wal_senders=4',
    '-c',
    'hot_standby=on',
    '-c',
    'fsync=on',
  ]);
  const out: string[] = [];
  const p = track(spawn(cmd, a, { stdio: ['ignore', 'pipe', 'pipe'] }));
  p.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
  servers[which] = p;
  for (let i = 0; i < 300; i++) {
    if (p.exitCode !== null) throw new Error(`${which} exited: ${out.join('').slice(-2000)}`);
    if (
      spawnSync(path.join(BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(ports[which]), '-q'])
        .status === 0
    )
      return;
    await sleep(100);
  }
  throw new Error(`${which} did not start: ${out.join('').slice(-2000)}`);
}
async function stop(which: 'primary' | 'replica') {
  const p = servers[which];
  delete servers[which];
  if (!p || p.exitCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  // SIGINT to the postmaster (a fast shutdown); runuser, in between when we are root, then exits.
  if (!signalPostmaster(which)) p.kill('SIGINT');
  await exited;
}
function signalPostmaster(which: 'primary' | 'replica'): boolean {
  try {
    const pid = Number(readFileSync(path.join(dirs[which], 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (pid > 0) process.kill(pid, 'SIGINT');
    return pid > 0;
  } catch {
    return false;
  }
}
onCleanup(() => {
  signalPostmaster('primary');
  signalPostmaster('replica');
});
const url = (which: 'primary' | 'replica', db = 'jiayuan') =>
  `postgres://postgres@127.0.0.1:${ports[which]}/${db}`;

let primary: Db | null = null;
let reads: ReadReplica | null = null;
try {
  if (!existsSync(path.join(BIN, 'pg_basebackup')))
    throw new Error(`no PostgreSQL 15 binaries in ${BIN} (apt-get install postgresql-15)`);
  console.log(`# Replica drill: primary :${ports.primary}, streaming replica :${ports.replica} (${BIN})`);
  console.log('(figures taken on a shared 2-core machine, under other work)');
  run('initdb', [
    '-D',
    dirs.primary,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C.UTF-8',
  ]);
  await start('primary');
  run('createdb', ['-h', '127.0.0.1', '-p', String(ports.primary), '-U', 'postgres', 'jiayuan']);
  const t0 = performance.now();
  run('pg_basebackup', [
    '-h',
    '127.0.0.1',
    '-p',
    String(ports.primary),
    '-U',
    'postgres',
    '-D',
    dirs.replica,
    '-R',
    '-X',
    'stream',
    '-c',
    'fast',
  ]);
  await start('replica');
  console.log(
    `replica made with pg_basebackup and streaming in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  primary = createDb(url('primary'), { max: 8, log: () => {} });
  const logLines: string[] = [];
  const log = {
    warn: (m: string) => {
      logLines.push(m);
      console.log(`  app log: ${m}`);
    },
    info: (m: string) => {
      logLines.push(m);
      console.log(`  app log: ${m}`);
    },
  };
  reads = new ReadReplica(primary, url('replica'), log, 200);
  await sql`CREATE TABLE drill_writes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp(), pad text)`.execute(
    primary,
  );

  // The table reaches the replica when it has replayed its creation.
  for (let i = 0; i < 100; i++) {
    const r = await sql<{ t: string | null }>`SELECT to_regclass('drill_writes')::text AS t`.execute(
      (await reads.use()).db,
    );
    if (r.rows[0]!.t) break;
    await sleep(100);
  }

  // ——— a. reads go to the replica ———
  const src = await reads.use();
  const where = (await sql<{ r: boolean }>`SELECT pg_is_in_recovery() AS r`.execute(src.db)).rows[0]!.r;
  check(src.replica && where, `figures are read from the replica (pg_is_in_recovery() there: ${where})`);

  // The dashboard's cache (dashboard.service.ts) takes its snapshot and checks "nothing committed
  // since" on the connection it reads the figures from: on a hot standby, pg_current_snapshot()
  // must answer and move on as the replica replays the primary's commits.
  const snapOf = async (db: Db) =>
    (await sql<{ s: string }>`SELECT pg_current_snapshot()::text AS s`.execute(db)).rows[0]!.s;
  const snap0 = await snapOf(src.db);
  const probe = await sql<{
    x: string;
  }>`INSERT INTO drill_writes (pad) VALUES ('probe') RETURNING pg_current_xact_id()::text AS x`.execute(
    primary,
  );
  const xid = probe.rows[0]!.x;
  let seen = false;
  let waited = 0;
  const w0 = performance.now();
  for (let i = 0; i < 100 && !seen; i++) {
    const s = await snapOf(src.db);
    seen = (
      await sql<{ v: boolean }>`SELECT pg_visible_in_snapshot(${xid}::xid8, ${s}::pg_snapshot) AS v`.execute(
        src.db,
      )
    ).rows[0]!.v;
    if (!seen) await sleep(20);
  }
  waited = Math.round(performance.now() - w0);
  const before = (
    await sql<{
      v: boolean;
    }>`SELECT pg_visible_in_snapshot(${xid}::xid8, ${snap0}::pg_snapshot) AS v`.execute(src.db)
  ).rows[0]!.v;
  check(
    !before && seen,
    `the dashboard cache's snapshot on the replica (${snap0}) sees a primary commit once replayed (${waited} ms): its bound is the lag`,
  );

  // ——— b. lag under a write mix ———
  console.log(`\n## the write mix on the primary: ${RATE} single-row transactions/s for ${SECONDS} s`);
  const lags: number[] = [];
  const behind: number[] = [];
  let honest = true;
  let writes = 0;
  const end = performance.now() + SECONDS * 1000;
  const writer = (async () => {
    while (performance.now() < end) {
      const t = performance.now();
      await Promise.all(
        Array.from({ length: Math.max(1, Math.round(RATE / 10)) }, () =>
          sql`INSERT INTO drill_writes (pad) VALUES (repeat('x', 200))`.execute(primary!),
        ),
      );
      writes += Math.max(1, Math.round(RATE / 10));
      await sleep(Math.max(0, 100 - (performance.now() - t)));
    }
  })();
  writer.catch(() => {}); // awaited below; a failure then ends the drill there
  while (performance.now() < end) {
    const s = await reads.use();
    const at = new Date();
    const r = await sql<{
      n: number;
      last: Date | null;
    }>`SELECT count(*)::int AS n, max(at) AS last FROM drill_writes`.execute(s.db);
    const p = await sql<{ n: number }>`SELECT count(*)::int AS n FROM drill_writes`.execute(primary);
    lags.push(s.lagMs);
    behind.push(p.rows[0]!.n - r.rows[0]!.n);
    // The reader is told "as of at − lag": the replica must hold everything committed by then.
    const asOf = dataAsOf(at, s).getTime();
    const missing = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM drill_writes WHERE at <= ${new Date(asOf - 50)}`.execute(primary);
    if (missing.rows[0]!.n > r.rows[0]!.n) honest = false;
    await sleep(200);
  }
  await writer;
  console.log(
    `${writes} writes; replica lag as the app reads it: p50 ${pct(lags, 50)} ms, p99 ${pct(lags, 99)} ms, max ${Math.max(...lags)} ms; rows behind the primary at a read: p50 ${pct(behind, 50)}, max ${Math.max(...behind)}`,
  );
  check(
    honest,
    'the freshness shown ("数据计算于 …" = computed at − replay lag) never claims rows the replica has not got',
  );

  // ——— c. the replica down, then back ———
  console.log('\n## the replica stopped, then started again');
  await stop('replica');
  await sleep(300);
  const down = await reads.use().catch((e) => e as Error);
  check(
    !(down instanceof Error) && down.db === primary && !down.replica,
    'replica down: figures are read from the primary, no error',
  );
  check(
    logLines.some((l) => /read replica unavailable/.test(l)),
    'and the app said so in its log, once',
  );
  await start('replica');
  let back = false;
  for (let i = 0; i < 50 && !back; i++) {
    await sleep(200);
    back = (await reads.use()).replica;
  }
  check(
    back && logLines.some((l) => /is back/.test(l)),
    'replica started again: figures are read from it again',
  );
} catch (e) {
  console.error(e);
  check(false, `the drill could not finish: ${(e as Error)?.message ?? e}`);
} finally {
  await reads?.close();
  await primary?.destroy().catch(() => {});
  await stop('replica');
  await stop('primary');
  rmSync(tmp, { recursive: true, force: true });
}
console.log(failed() ? `\n${failed()} check(s) FAILED` : '\nall checks passed');
process.exit(failed() ? 1 : 0);
