/** What the drills (scripts/drill-*.ts) share: the app as a child process, HTTP calls, sessions. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { DEMO_PASSWORD } from '../../src/server/platform/demo.js';
import { track } from './guard.js';

export const fmtS = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const int = (n: number) => Math.round(n).toLocaleString('en-US');
export const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;

export function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export type Res = { status: number; text: string; ms: number; cookies: string[]; etag?: string };
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** Closes the kept-alive sockets so the process can exit. */
export function closeAgent() {
  agent.destroy();
}

/** One HTTP request on loopback with a raw body; answers the status, text and headers. */
export function request(
  port: number,
  r: {
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: string;
    agent?: http.Agent;
    timeoutMs?: number;
  },
): Promise<Res & { headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: r.method,
        path: r.path,
        agent: r.agent ?? agent,
        timeout: r.timeoutMs ?? 30_000,
        headers: {
          ...r.headers,
          ...(r.body !== undefined ? { 'content-length': String(Buffer.byteLength(r.body)) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - t0,
            cookies: res.headers['set-cookie'] ?? [],
            etag: res.headers.etag,
            headers: res.headers,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    if (r.body !== undefined) req.write(r.body);
    req.end();
  });
}

/** A JSON call (the body, when given, sent as JSON). */
export function call(
  port: number,
  method: string,
  url: string,
  headers: Record<string, string> = {},
  body?: unknown,
  timeoutMs = 30_000,
): Promise<Res> {
  return request(port, {
    method,
    path: url,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    timeoutMs,
  });
}

export type Session = { cookie: string; 'x-csrf-token': string };

export function sessionOf(cookies: string[]): Session {
  const jar = Object.fromEntries(cookies.map((c) => c.split(';')[0]!.split('=') as [string, string]));
  return {
    cookie: Object.entries(jar)
      .map(([k, v]) => `${k}=${v}`)
      .join('; '),
    'x-csrf-token': jar.jy_csrf ?? '',
  };
}

export async function login(port: number, username: string, headers: Record<string, string> = {}) {
  const r = await call(port, 'POST', '/api/auth/login', headers, { username, password: DEMO_PASSWORD });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
  return sessionOf(r.cookies);
}

export interface AppProc {
  proc: ChildProcess;
  port: number;
  /** The app's output so far (stdout and stderr). */
  output: string[];
  /** Resolves when /api/health answers 200; the time it took. */
  ready(timeoutMs?: number): Promise<number>;
  exited: Promise<void>;
}

/** `tsx src/server/main.ts` as a child process with `env` on top of ours. */
export function startApp(port: number, env: Record<string, string>): AppProc {
  const t0 = performance.now();
  // DRILL_APP_NODE_ARGS: extra node flags for the app (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof).
  const extra = (process.env.DRILL_APP_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const proc = track(
    spawn(process.execPath, [...extra, '--import', 'tsx', 'src/server/main.ts'], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const output: string[] = [];
  proc.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  proc.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    proc,
    port,
    output,
    exited,
    async ready(timeoutMs = 180_000) {
      for (;;) {
        if (proc.exitCode !== null || proc.signalCode !== null)
          throw new Error(`the app exited:\n${output.join('').slice(-2000)}`);
        try {
          if ((await call(port, 'GET', '/api/health', {}, undefined, 2000)).status === 200)
            return performance.now() - t0;
        } catch {}
        if (performance.now() - t0 > timeoutMs) throw new Error('the app did not become healthy');
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

export async function stopApp(app: AppProc | null, signal: NodeJS.Signals = 'SIGTERM') {
  if (!app || app.proc.exitCode !== null || app.proc.signalCode !== null) return;
  app.proc.kill(signal);
  await app.exited;
}

/** Runs `n` tasks over `workers` concurrent loops. */
export async function pool(n: number, workers: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(workers, n) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        await task(i);
      }
    }),
  );
}

export const pct = (xs: number[], p: number) => {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** Prints a check and remembers whether it passed; `failed()` says whether any did not. */
export function checker() {
  let bad = 0;
  return {
    check(ok: boolean, what: string) {
      console.log(`${ok ? 'PASS' : 'FAIL'}  ${what}`);
      if (!ok) bad++;
      return ok;
    },
    failed: () => bad,
  };
}

/** CPU seconds used so far by a process and all its descendants (live ones, and reaped ones via cutime). */
export function treeCpuSeconds(root: number): number {
  const procs = new Map<number, { ppid: number; ticks: number }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(d), {
        ppid: Number(f[1]),
        ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]),
      });
    } catch {}
  }
  let ticks = 0;
  const inTree = (pid: number): boolean => {
    for (let p = pid, n = 0; p > 1 && n < 50; p = procs.get(p)?.ppid ?? 0, n++) if (p === root) return true;
    return false;
  };
  for (const [pid, x] of procs) if (inTree(pid)) ticks += x.ticks;
  return ticks / 100; // USER_HZ
}

/** CPU seconds used so far by one process alone (its own threads). */
export function procCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/** Busy CPU seconds of the whole machine so far (from /proc/stat). */
export function machineCpuSeconds(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return (f.reduce((a, b) => a + b, 0) - f[3]! - (f[4] ?? 0)) / 100;
}
