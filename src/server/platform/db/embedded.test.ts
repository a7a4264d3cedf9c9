import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from './embedded.js';

let dir: string;
beforeEach(() => {
  dir = path.join(mkdtempSync(path.join(tmpdir(), 'jiayuan-lock-')), 'data');
});
afterEach(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

const lockFile = () => path.join(dir, 'jiayuan.lock');

/** The pid of a process that has exited: certainly not alive. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('data directory lock', () => {
  it('takes the lock in a new directory, records its pid and releases it', () => {
    const release = lockDataDir(dir);
    expect(readFileSync(lockFile(), 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(lockFile())).toBe(false);
    // Free again.
    lockDataDir(dir)();
  });

  it('refuses a directory another live process holds, saying which and what to do', () => {
    const release = lockDataDir(dir);
    writeFileSync(lockFile(), String(process.ppid)); // pretend our parent (alive) holds it
    let error: unknown;
    try {
      lockDataDir(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataDirLockedError);
    const message = (error as Error).message;
    expect(message).toContain(`pid ${process.ppid}`);
    expect(message).toContain(dir);
    expect(message).toMatch(/DATA_DIR/);
    // The holder's lock is left alone, also by our own release.
    expect(readFileSync(lockFile(), 'utf8')).toBe(String(process.ppid));
    release();
    expect(readFileSync(lockFile(), 'utf8')).toBe(String(process.ppid));
  });

  it('takes over a stale lock whose process is gone', () => {
    const pid = deadPid();
    expect(pid).toBeGreaterThan(0);
    lockDataDir(dir)();
    writeFileSync(lockFile(), String(pid));
    const release = lockDataDir(dir);
    expect(readFileSync(lockFile(), 'utf8')).toBe(String(process.pid));
    release();
    writeFileSync(lockFile(), '999999');
    lockDataDir(dir)();
  });

  it('takes over a lock file that holds no pid', () => {
    lockDataDir(dir)();
    for (const junk of ['', 'not a pid', '-5']) {
      writeFileSync(lockFile(), junk);
      const release = lockDataDir(dir);
      expect(readFileSync(lockFile(), 'utf8')).toBe(String(process.pid));
      release();
    }
  });
});

describe('embedded PostgreSQL watchdog', () => {
  it('restarts PostgreSQL killed under the app, and the pool reconnects', async () => {
    const { startEmbedded } = await import('./embedded.js');
    const { createDb, isDbUnavailable } = await import('./index.js');
    const { sql } = await import('kysely');
    const dir = mkdtempSync(path.join(tmpdir(), 'jiayuan-watchdog-'));
    const events: string[] = [];
    const pg = await startEmbedded({
      dataDir: dir,
      port: 56100 + (process.pid % 300),
      notify: (m) => events.push(m),
    });
    const db = createDb(pg.url, { max: 2 });
    try {
      expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(db)).rows[0]?.one).toBe(1);
      const pid = Number(readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGKILL');
      // While it is down, queries fail as "unavailable" (the API answers 503), never hang.
      const down = await sql`SELECT 1`.execute(db).then(
        () => null,
        (e) => e,
      );
      if (down) expect(isDbUnavailable(down)).toBe(true);
      let back = false;
      for (let i = 0; i < 60 && !back; i++) {
        await new Promise((r) => setTimeout(r, 250));
        back = await sql`SELECT 1`.execute(db).then(
          () => true,
          () => false,
        );
      }
      expect(back).toBe(true);
      expect(events.some((e) => e.includes('restarting'))).toBe(true);
    } finally {
      await db.destroy();
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
