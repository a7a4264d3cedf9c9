import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `npm start`'s supervisor (scripts/supervise.mjs, issue 14: an out-of-memory upload killed the
 * server and nothing restarted it). Each case runs the supervisor in its own Node process over a
 * small stand-in server that records its runs in a file.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'jy-supervise-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SUPERVISE = path.resolve('scripts/supervise.mjs');
let n = 0;

/** A stand-in server: `behaviour(run)` is its body, `run` the 1-based run number. */
function server(behaviour: string) {
  const log = path.join(dir, `runs-${++n}.log`);
  const file = path.join(dir, `server-${n}.mjs`);
  writeFileSync(
    file,
    `import { appendFileSync, existsSync, readFileSync } from 'node:fs';
const log = ${JSON.stringify(log)};
const run = (existsSync(log) ? readFileSync(log, 'utf8').split('\\n').filter(Boolean).length : 0) + 1;
appendFileSync(log, 'start\\n');
process.on('SIGTERM', () => { appendFileSync(log, 'SIGTERM\\n'); process.exit(0); });
process.on('SIGINT', () => { appendFileSync(log, 'SIGINT\\n'); process.exit(0); });
${behaviour}
`,
  );
  return { file, runs: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []) };
}

const started: ChildProcess[] = [];
afterAll(() => {
  for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
});

function supervisor(file: string, opts: Record<string, unknown> = {}): ChildProcess {
  const code = `import(${JSON.stringify(SUPERVISE)}).then(async (m) => process.exit(await m.supervise(${JSON.stringify(file)}, { minDelay: 20, stableAfter: 2000, log: () => {}, ...${JSON.stringify(opts)} })))`;
  const p = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  started.push(p);
  return p;
}
const exited = (p: ChildProcess) =>
  new Promise<number | null>((resolve) => p.once('exit', (code) => resolve(code)));

describe('npm start restarts the server when it dies', () => {
  it('after SIGKILL and after V8 runs out of memory; a clean exit is not restarted', async () => {
    const s = server(`
if (run === 1) process.kill(process.pid, 'SIGKILL');
else if (run === 2) { const keep = []; for (;;) keep.push('x'.repeat(1e6) + run + keep.length); }
else process.exit(0);`);
    const code = await exited(supervisor(s.file, { execArgv: ['--max-old-space-size=24'] }));
    expect(code).toBe(0);
    expect(s.runs()).toEqual(['start', 'start', 'start']);
  }, 60_000);

  it('passes SIGTERM and SIGINT on and exits with the server, without restarting it', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const s = server('setInterval(() => {}, 1000);');
      const p = supervisor(s.file);
      for (let i = 0; i < 200 && s.runs().length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      p.kill(signal);
      expect(await exited(p)).toBe(0);
      await new Promise((r) => setTimeout(r, 200));
      expect(s.runs()).toEqual(['start', signal]);
    }
  }, 30_000);

  it('does not restart a refused configuration (78), and gives up on a start that keeps failing', async () => {
    const locked = server('process.exit(78);');
    expect(await exited(supervisor(locked.file))).toBe(78);
    expect(locked.runs()).toEqual(['start']);
    const broken = server('process.exit(3);');
    expect(await exited(supervisor(broken.file, { maxQuickFailures: 4 }))).toBe(3);
    expect(broken.runs()).toHaveLength(4);
  }, 30_000);
});
