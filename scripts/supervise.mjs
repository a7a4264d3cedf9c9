// Runs the server as a child process and starts it again when it dies unexpectedly (issue 14: an
// upload that exhausted the heap killed the app, and nothing brought it back). `npm start` uses
// it; under systemd (`Restart=on-failure`, docs/deploy.md) run dist/server/main.js directly.
//
// - An unexpected exit (a signal such as SIGKILL or SIGABRT — V8 out of memory —, or a non-zero
//   code) is restarted after 1 s, then 2, 4 … at most 30 s; a run that lasted a minute resets the
//   delay. Five failures in a row each within a minute of starting: it gives up (a broken start is
//   not fixed by starting again), exiting with the child's code.
// - A clean exit (code 0: the server stopped on SIGINT/SIGTERM) and exit code 78 (EX_CONFIG: the
//   data directory is held by another process) are not restarted.
// - SIGINT/SIGTERM (Ctrl-C, systemd, kill) are passed to the server, which stops serving, closes
//   its pool and stops the embedded PostgreSQL; the supervisor then exits with its code. SIGHUP is
//   passed on as SIGTERM (the server does not handle SIGHUP, and dying of it would orphan
//   PostgreSQL).
// - A server that died without stopping its embedded PostgreSQL leaves it running: the next start
//   finds it (DATA_DIR/pg/postmaster.pid), stops it, and takes over the data directory
//   (platform/db/embedded.ts, stopOrphan and the stale lock file).
import { spawn } from 'node:child_process';

/** The server's exit code for "a restart cannot fix this" (sysexits.h EX_CONFIG). */
export const EXIT_NO_RESTART = 78;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** This process's Node options for the server (`--max-old-space-size` …), without `-e`/`-p` code. */
function inheritedExecArgv() {
  const out = [];
  const a = process.execArgv;
  for (let i = 0; i < a.length; i++) {
    if (['-e', '--eval', '-p', '--print'].includes(a[i])) i++;
    else if (!/^--(eval|print)=/.test(a[i]) && a[i] !== '-i' && a[i] !== '--interactive') out.push(a[i]);
  }
  return out;
}

/**
 * Runs `node <execArgv> script <args>` until it stops for good; resolves with the exit code the
 * supervisor should exit with.
 */
export function supervise(script, opts = {}) {
  const {
    args = [],
    execArgv = inheritedExecArgv(),
    env = process.env,
    minDelay = 1000,
    maxDelay = 30_000,
    stableAfter = 60_000,
    maxQuickFailures = 5,
    log = (m) => console.error(`[supervisor] ${m}`),
  } = opts;
  return new Promise((resolve) => {
    let child = null;
    let stopping = null;
    let timer = null;
    let delay = minDelay;
    let quick = 0;
    const finish = (code) => {
      for (const s of SIGNALS) process.off(s, onSignal);
      resolve(code);
    };
    const start = () => {
      timer = null;
      const started = Date.now();
      child = spawn(process.execPath, [...execArgv, script, ...args], { stdio: 'inherit', env });
      child.once('error', (e) => log(`could not start the server: ${e.message}`));
      child.once('exit', (code, signal) => {
        child = null;
        if (stopping) return finish(code ?? 0);
        if (code === 0) return finish(0);
        if (code === EXIT_NO_RESTART) {
          log('the server refused to start (configuration): not restarting');
          return finish(code);
        }
        if (Date.now() - started >= stableAfter) {
          delay = minDelay;
          quick = 0;
        }
        quick++;
        if (quick >= maxQuickFailures) {
          log(`the server failed ${quick} times in a row soon after starting: giving up`);
          return finish(code ?? 1);
        }
        log(`the server exited unexpectedly (${signal ?? `code ${code}`}); restarting in ${delay / 1000} s`);
        timer = setTimeout(start, delay);
        delay = Math.min(delay * 2, maxDelay);
      });
    };
    function onSignal(sig) {
      if (stopping) return;
      stopping = sig;
      if (timer) {
        clearTimeout(timer);
        timer = null;
        return finish(0);
      }
      child?.kill(sig === 'SIGHUP' ? 'SIGTERM' : sig);
    }
    for (const s of SIGNALS) process.on(s, onSignal);
    start();
  });
}
