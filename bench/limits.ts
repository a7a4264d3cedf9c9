/**
 * Shared limits (issue 22), printed not asserted: what counting a request limit in PostgreSQL
 * (SharedWindow: one UPSERT on rate_counters per limited request, shared by every app instance)
 * costs against the per-process memory map it replaced — serially (the latency a request pays)
 * and with 20 requests at once over 200 users (the throughput the limiter allows).
 * Run: npm run bench limits   (LIMITS_BENCH_N=5000 takes per run by default)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type EmbeddedHandle, startEmbedded } from '../src/server/platform/db/embedded.js';
import { createDb } from '../src/server/platform/db/index.js';
import { migrateToLatest } from '../src/server/platform/db/migrate.js';
import { SharedWindow } from '../src/server/platform/http/rate-limit.js';
import { kernelMigrations } from '../src/server/platform/migrations/index.js';
import { fmt, pct, withDb } from './lib.js';

const N = Number(process.env.LIMITS_BENCH_N ?? 5000);

/** The per-process sliding window the search limit used before (kept here as the baseline). */
class MemoryWindow {
  private readonly hits = new Map<string, number[]>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}
  async tryTake(key: string): Promise<boolean> {
    const t = Date.now();
    const list = (this.hits.get(key) ?? []).filter((x) => x > t - this.windowMs);
    if (list.length >= this.limit) return false;
    list.push(t);
    this.hits.set(key, list);
    return true;
  }
}

async function measure(w: { tryTake(k: string): Promise<boolean> }, concurrency: number) {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= N) return;
        const a = performance.now();
        await w.tryTake(`u${i % 200}`);
        lat.push(performance.now() - a);
      }
    }),
  );
  return { perS: N / ((performance.now() - t0) / 1000), p50: pct(lat, 50), p99: pct(lat, 99) };
}

export async function benchLimits() {
  let embedded: EmbeddedHandle | null = null;
  const tmp = mkdtempSync(path.join(tmpdir(), 'jiayuan-bench-limits-'));
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    embedded = await startEmbedded({ dataDir: tmp, port: 57100 + (process.pid % 100), database: 'postgres' });
    adminUrl = embedded.url;
  }
  const dbName = `jy_bench_limits_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  admin.on('error', (e) => console.error(`admin connection: ${e.message}`));
  await admin.connect();
  // Its own empty database (not the CI run's template): only the kernel's tables are needed.
  await admin.query(`CREATE DATABASE ${dbName}`);
  const db = createDb(withDb(adminUrl, dbName), { max: 20 });
  try {
    await migrateToLatest(db, [kernelMigrations]);
    console.log(
      `\n## A request limit's cost, ${N.toLocaleString()} takes per run (200 users, limit never reached)`,
    );
    console.log('counter                       concurrency   takes/s    p50 ms   p99 ms');
    for (const [label, w] of [
      ['memory (per instance)', new MemoryWindow(1_000_000, 60_000)],
      ['PostgreSQL (shared)', new SharedWindow(db, 'bench', 1_000_000, 60_000, () => new Date())],
    ] as const) {
      for (const c of [1, 20]) {
        await measure(w, c); // warm-up: plans, rows, connections
        const r = await measure(w, c);
        console.log(
          `${label.padEnd(28)} ${String(c).padStart(11)}  ${Math.round(r.perS).toLocaleString().padStart(8)}  ${fmt(r.p50).padStart(8)} ${fmt(r.p99).padStart(8)}`,
        );
      }
    }
  } finally {
    await db.destroy().catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    await admin.end().catch(() => {});
    if (embedded) await embedded.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}
