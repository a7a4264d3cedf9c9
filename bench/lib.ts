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

/**
 * In the CI run, an app a bench starts serves a clone of the seeded template instead of seeding
 * a fresh data directory (a minute each): the env to give it, or {} outside the CI run.
 */
export async function templateAppEnv(): Promise<Record<string, string>> {
  const template = process.env.BENCH_TEMPLATE;
  const adminUrl = process.env.DATABASE_URL;
  if (!template || !adminUrl) return {};
  const { default: pg } = await import('pg');
  const { withDb } = await import('../scripts/lib/drill.js');
  const name = `jy_bench_app_${process.pid}_${Date.now() % 100000}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  admin.on('error', () => {});
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  return {
    DATABASE_URL: withDb(adminUrl, name),
    JIAYUAN_KEY_FILE: process.env.BENCH_KEY_FILE ?? '',
    JIAYUAN_SEED_DEMO: 'false',
  };
}

/** A statement as the pg client sent it: text, parameters, prepared-statement name. */
export interface Stmt {
  text: string;
  values?: unknown[];
  name?: string;
}

/**
 * Runs `fn` while recording every statement this process's pg clients send (at the pg client,
 * so kysely's, prepared and raw ones alike), in order. Whatever else runs meanwhile in this
 * process is recorded too: call it when only `fn` queries.
 */
export async function recordStatements<T>(fn: () => Promise<T>): Promise<{ value: T; stmts: Stmt[] }> {
  const { default: pg } = await import('pg');
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  const stmts: Stmt[] = [];
  proto.query = function (this: unknown, config: unknown, values?: unknown, ...rest: unknown[]) {
    if (typeof config === 'string') stmts.push({ text: config, values: values as unknown[] });
    else if (config && typeof config === 'object' && 'text' in config) {
      const c = config as Stmt;
      stmts.push({ text: c.text, values: c.values, ...(c.name ? { name: c.name } : {}) });
    }
    return original.call(this, config, values, ...rest);
  };
  try {
    return { value: await fn(), stmts };
  } finally {
    proto.query = original;
  }
}
