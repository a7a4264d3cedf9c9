import path from 'node:path';

// What the benchmarks share: figures' formatting, and the drills' HTTP client and sessions.
export { call, closeAgent, int, login, type Res, type Session, withDb } from '../scripts/lib/drill.js';
export { installGuard, onCleanup, track } from '../scripts/lib/guard.js';

export const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

/** The p-th percentile (nearest rank) of `xs`; NaN when empty. */
export const pct = (xs: number[], p: number) => {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/**
 * The CI run of the benches (`npm run bench:ci`) seeds the demo street once into a template
 * database (BENCH_TEMPLATE, encrypted with BENCH_KEY_FILE's key) and every bench clones it,
 * instead of each seeding its own for a minute.
 */
export const createDatabaseSql = (name: string) =>
  process.env.BENCH_TEMPLATE
    ? `CREATE DATABASE ${name} TEMPLATE ${process.env.BENCH_TEMPLATE}`
    : `CREATE DATABASE ${name}`;

/** The master key file a bench's database is encrypted with (see createDatabaseSql). */
export const benchKeyFile = (tmp: string) => process.env.BENCH_KEY_FILE ?? path.join(tmp, 'master.key');
