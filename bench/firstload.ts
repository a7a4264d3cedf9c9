/**
 * First load on a grid worker's phone link (issue 16), printed not asserted:
 *  1. builds the app when the build is missing or older than the sources (scripts/build.mjs);
 *  2. starts the built app (`node dist/server/main.js`) on a fresh embedded database (the demo
 *     street is seeded on first start);
 *  3. drives Debian's chromium through playwright-core at 375 × 740 with the network throttled by
 *     the Chrome DevTools Protocol — 1.6 Mbps down, 0.75 Mbps up, 150 ms latency — and an empty
 *     cache, and measures in the page's own clock:
 *       - the login form visible (from the navigation to /login),
 *       - grid_a's day usable: from the sign-in tap to "my day" showing its counts and list,
 *         and the whole of it (form visible + day usable; typing not counted),
 *       - the bytes transferred (encoded, as they crossed the link) for each,
 *     then the same again with the cache of the first run (a second visit), and a grid worker
 *     already signed in opening the app on their day with an empty cache;
 *  4. each time also as a ratio to the 3 s target.
 * FIRSTLOAD_BASE: an app already running (no build, no start); FIRSTLOAD_DEBUG=1: each request of
 * the first run with its times and bytes. FIRSTLOAD_ROOT: another checkout to measure (its dist/, built there when missing — e.g. the code
 * before a change, for a before/after); FIRSTLOAD_RUNS (default 3): runs, the median printed.
 * Run: npm run bench firstload
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { templateAppEnv, track } from './lib.js';

const TARGET_MS = 3000;
const DOWN_BPS = 1_600_000;
const UP_BPS = 750_000;
const LATENCY_MS = 150;
const RUNS = Number(process.env.FIRSTLOAD_RUNS ?? 3);
const PASSWORD = 'Jiayuan@2026';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let DEBUG = process.env.FIRSTLOAD_DEBUG === '1';

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds `root` when its build is missing or older than its sources (as `npm start` decides). */
function buildIfNeeded(root: string) {
  const stamp = path.join(root, 'dist/.build-stamp');
  const fresh =
    existsSync(stamp) &&
    existsSync(path.join(root, 'dist/web/index.html')) &&
    existsSync(path.join(root, 'dist/server/main.js')) &&
    Math.max(newest(path.join(root, 'src')), statSync(path.join(root, 'vite.config.ts')).mtimeMs) <=
      statSync(stamp).mtimeMs;
  if (fresh) return;
  console.log(`building ${root} …`);
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

async function startApp(root: string): Promise<{ base: string; proc: ChildProcess; dataDir: string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'jiayuan-firstload-'));
  const port = Number(process.env.FIRSTLOAD_PORT ?? 3900 + (process.pid % 100));
  const pgPort = Number(process.env.FIRSTLOAD_PG_PORT ?? 56900 + (process.pid % 100));
  const fromTemplate = await templateAppEnv();
  const proc = track(
    spawn(process.execPath, ['dist/server/main.js'], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: '',
        DATA_DIR: dataDir,
        PORT: String(port),
        EMBEDDED_PG_PORT: String(pgPort),
        LOG_LEVEL: 'warn',
        SECURE_COOKIES: 'false',
        ...fromTemplate,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    if (proc.exitCode !== null) throw new Error('the app exited before it was healthy');
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {}
    if (Date.now() - t0 > 600_000) {
      // Never leave it running (it holds the port and its embedded PostgreSQL).
      proc.kill('SIGTERM');
      throw new Error('the app was not healthy within 600 s');
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log(`app up in ${((Date.now() - t0) / 1000).toFixed(1)} s (fresh database, demo street)`);
  return { base, proc, dataDir };
}

/** The page's clock when an element matching `selector` is first visible, recorded in the page. */
const MARKS = `
  window.__jyMarks = {};
  const watch = { login: '[data-testid="login-username"]', day: '[data-testid="myday-counts"]' };
  const check = () => {
    for (const [k, sel] of Object.entries(watch)) {
      if (window.__jyMarks[k]) continue;
      const el = document.querySelector(sel);
      if (el && el.getBoundingClientRect().height > 0) window.__jyMarks[k] = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true });
`;

interface Meter {
  bytes: () => number;
  requests: () => number;
}

/** Throttles the page's network (CDP) and counts what crosses it. */
async function throttle(ctx: BrowserContext, page: Page, cacheDisabled: boolean): Promise<Meter> {
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: LATENCY_MS,
    downloadThroughput: DOWN_BPS / 8,
    uploadThroughput: UP_BPS / 8,
  });
  let bytes = 0;
  let requests = 0;
  // FIRSTLOAD_DEBUG=1: every request of the first run as it crossed the link (start, end, bytes).
  const urls = new Map<string, { url: string; at: number }>();
  let t0: number | null = null;
  cdp.on('Network.requestWillBeSent', (e) => {
    t0 ??= e.timestamp;
    urls.set(e.requestId, { url: e.request.url.replace(/^https?:\/\/[^/]+/, ''), at: e.timestamp });
  });
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength;
    requests++;
    const r = urls.get(e.requestId);
    if (DEBUG && r && t0 !== null)
      console.log(
        `  ${((r.at - t0) * 1000).toFixed(0).padStart(6)} → ${((e.timestamp - t0) * 1000).toFixed(0).padStart(6)} ms ${String(e.encodedDataLength).padStart(8)} B  ${r.url}`,
      );
  });
  return { bytes: () => bytes, requests: () => requests };
}

interface Run {
  loginMs: number;
  loginBytes: number;
  dayMs: number;
  dayBytes: number;
  requests: number;
}

async function marks(page: Page, key: 'login' | 'day', timeout = 60_000): Promise<number> {
  await page.waitForFunction(
    (k) => !!(window as never as { __jyMarks: Record<string, number> }).__jyMarks?.[k],
    key,
    {
      timeout,
      polling: 50,
    },
  );
  return page.evaluate((k) => (window as never as { __jyMarks: Record<string, number> }).__jyMarks[k]!, key);
}

/** One visit: the login page, then sign in as grid_a into the day. */
async function visit(page: Page, base: string, meter: Meter): Promise<Run> {
  await page.goto(`${base}/login?redirect=${encodeURIComponent('/visits/my-day')}`, { waitUntil: 'commit' });
  const loginMs = await marks(page, 'login');
  // What the login screen pulled (its lazy chunks included), before anything is typed.
  await page.waitForLoadState('networkidle');
  const loginBytes = meter.bytes();
  await page.getByTestId('login-username').fill('grid_a');
  await page.getByTestId('login-password').fill(PASSWORD);
  const t0 = await page.evaluate(() => performance.now());
  await page.getByTestId('login-submit').click();
  const dayAt = await marks(page, 'day');
  const dayMs = dayAt - t0;
  await page.waitForLoadState('networkidle');
  return { loginMs, loginBytes, dayMs, dayBytes: meter.bytes() - loginBytes, requests: meter.requests() };
}

/** A grid worker already signed in (the session lasts their round) opens the app on an empty cache. */
async function openDay(ctx: BrowserContext, base: string): Promise<{ ms: number; bytes: number }> {
  const r = await ctx.request.post(`${base}/api/auth/login`, {
    data: { username: 'grid_a', password: PASSWORD },
  });
  if (!r.ok()) throw new Error(`login: ${r.status()} ${await r.text()}`);
  const page = await ctx.newPage();
  const meter = await throttle(ctx, page, false);
  await page.goto(`${base}/visits/my-day`, { waitUntil: 'commit' });
  const ms = await marks(page, 'day');
  const bytes = meter.bytes();
  await page.close();
  return { ms, bytes };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const ratio = (ms: number) => `${(ms / TARGET_MS).toFixed(2)}× the 3 s target`;

function report(label: string, runs: Run[]) {
  const m = (f: (r: Run) => number) => median(runs.map(f));
  const total = m((r) => r.loginMs + r.dayMs);
  console.log(`\n${label} (median of ${runs.length}):`);
  console.log(
    `  login form visible      ${sec(m((r) => r.loginMs)).padStart(8)}  ${kb(m((r) => r.loginBytes)).padStart(8)}   ${ratio(m((r) => r.loginMs))}`,
  );
  console.log(
    `  sign-in → day usable    ${sec(m((r) => r.dayMs)).padStart(8)}  ${kb(m((r) => r.dayBytes)).padStart(8)}   ${ratio(m((r) => r.dayMs))}`,
  );
  console.log(
    `  grid worker's day       ${sec(total).padStart(8)}  ${kb(m((r) => r.loginBytes + r.dayBytes)).padStart(8)}   ${ratio(total)}  (form visible + day usable; ${m((r) => r.requests)} requests)`,
  );
}

export async function benchFirstload() {
  const root = path.resolve(process.env.FIRSTLOAD_ROOT ?? '.');
  if (!existsSync(CHROMIUM)) {
    console.log(`skipped: no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
    return;
  }
  // FIRSTLOAD_BASE: measure an app already running there (while changing the web build).
  const given = process.env.FIRSTLOAD_BASE;
  if (!given) buildIfNeeded(root);
  const app = given ? { base: given, proc: null, dataDir: null } : await startApp(root);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
    ],
  });
  console.log(
    `${root}: 375 × 740, ${DOWN_BPS / 1e6} Mbps down / ${UP_BPS / 1e6} Mbps up, ${LATENCY_MS} ms latency`,
  );
  try {
    const cold: Run[] = [];
    const warm: Run[] = [];
    const opened: { ms: number; bytes: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const ctx = await browser.newContext({
        viewport: { width: 375, height: 740 },
        isMobile: true,
        hasTouch: true,
        locale: 'zh-CN',
      });
      await ctx.addInitScript(MARKS);
      const page = await ctx.newPage();
      cold.push(await visit(page, app.base, await throttle(ctx, page, false)));
      if (DEBUG) console.log(cold.at(-1));
      DEBUG = false;
      // The same phone the next morning: the cache kept, the session gone.
      await ctx.clearCookies();
      const again = await ctx.newPage();
      await page.close();
      warm.push(await visit(again, app.base, await throttle(ctx, again, false)));
      await ctx.close();
      const fresh = await browser.newContext({
        viewport: { width: 375, height: 740 },
        isMobile: true,
        hasTouch: true,
        locale: 'zh-CN',
      });
      await fresh.addInitScript(MARKS);
      opened.push(await openDay(fresh, app.base));
      await fresh.close();
    }
    report('empty cache (first visit)', cold);
    report('cache kept (next visit, signed out)', warm);
    const ms = median(opened.map((o) => o.ms));
    console.log(`\nsigned in, empty cache: opening the app on my day (median of ${opened.length}):`);
    console.log(
      `  day usable              ${sec(ms).padStart(8)}  ${kb(median(opened.map((o) => o.bytes))).padStart(8)}   ${ratio(ms)}`,
    );
  } finally {
    await browser.close();
    if (app.proc) {
      const proc = app.proc;
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
    if (app.dataDir) rmSync(app.dataDir, { recursive: true, force: true });
  }
}
