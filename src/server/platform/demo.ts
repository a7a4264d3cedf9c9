import { type RawBuilder, sql } from 'kysely';
import type { Conn } from './db/index.js';

/**
 * The demo street every module's demo seed works on (demo mode only): the names and codes by
 * which a seed finds, in the database, the areas and accounts that other modules' seeds made.
 */
/** The demo accounts the README lists (password Jiayuan@2026); created by the demo seed. */
export const DEMO_PASSWORD = 'Jiayuan@2026';

export const DEMO_ACCOUNTS: { username: string; displayName: string; role: string }[] = [
  { username: 'street_admin', displayName: '王建国', role: 'street_admin' },
  { username: 'community_admin', displayName: '李秀英', role: 'community_secretary' },
  { username: 'community_worker', displayName: '张丽', role: 'community_worker' },
  { username: 'grid_a', displayName: '刘洋', role: 'grid_worker' },
  { username: 'grid_b', displayName: '陈静', role: 'grid_worker' },
  { username: 'compound_head', displayName: '赵国强', role: 'compound_head' },
  { username: 'building_head', displayName: '周桂兰', role: 'building_head' },
  { username: 'volunteer', displayName: '吴晓明', role: 'volunteer' },
  { username: 'party_member', displayName: '孙志刚', role: 'party_member' },
  { username: 'cobuild_unit', displayName: '汨罗市供电公司', role: 'cobuild_unit' },
  { username: 'resident', displayName: '黄美华', role: 'resident' },
  { username: 'sys_admin', displayName: '系统管理员', role: 'sys_admin' },
  { username: 'security_admin', displayName: '安全管理员', role: 'security_admin' },
  { username: 'audit_admin', displayName: '审计管理员', role: 'audit_admin' },
];

/**
 * The demo street, modelled on the seeds: 汨罗市 → 城关街道 with 9 communities, 友谊河 detailed
 * (the areas module's seed builds it; other seeds find its rows by these codes and names).
 */
export const DEMO = {
  district: { code: '430681', name: '汨罗市' },
  street: { code: '430681001', name: '城关街道' },
  detailed: '友谊河社区',
  communities: [
    '友谊河社区',
    '金盆社区',
    '建设路社区',
    '罗城社区',
    '高泉社区',
    '大众社区',
    '桃花社区',
    '新市社区',
    '汨水社区',
  ],
};

/**
 * The demo street's random source (sfc32, seeded from a string): every seed draws from its own
 * named stream, so a fresh start always writes the same street, and a seed that changes does not
 * move another's data.
 */
export interface DemoRng {
  /** [0, 1) */
  next(): number;
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number;
  /** A number in [lo, hi). */
  between(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(xs: readonly T[]): T;
  /** One of the rows, by weight. */
  weighted<T>(rows: readonly (readonly [T, number])[]): T;
  /** A Poisson-distributed count of mean `lambda` (small means: Knuth's method). */
  poisson(lambda: number): number;
}

export function demoRng(seed: string): DemoRng {
  let h = 1779033703 ^ seed.length;
  for (const ch of seed) {
    h = Math.imul(h ^ ch.charCodeAt(0), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  const mix = () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    h ^= h >>> 16;
    return h >>> 0;
  };
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    between: (lo, hi) => lo + next() * (hi - lo),
    chance: (p) => next() < p,
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
    weighted(rows) {
      let total = 0;
      for (const [, w] of rows) total += w;
      let x = next() * total;
      for (const [v, w] of rows) {
        x -= w;
        if (x < 0) return v;
      }
      return rows[rows.length - 1]![0];
    },
    poisson(lambda) {
      if (lambda <= 0) return 0;
      if (lambda > 30)
        return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * (next() + next() + next() - 1.5) * 2));
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = next();
      while (p > limit) {
        k++;
        p *= next();
      }
      return k;
    },
  };
}

/**
 * The first day of the demo street's history, as a China-time day number (days since
 * 1970-01-01): January 1st of last year, so that a year ending today and this year against last
 * year (本年 vs 上年, the same days a year before) both read as a street's figures.
 */
export function demoHistoryStart(now: Date): number {
  const local = new Date(now.getTime() + 8 * 3_600_000);
  return Date.UTC(local.getUTCFullYear() - 1, 0, 1) / 86_400_000;
}

/**
 * Inserts `rows` (one array of values per row, in the order of `cols`) with one statement per
 * few thousand rows: each column is sent as one array parameter and unnested, so a demo seed's
 * year of records costs a handful of round trips. Column types are PostgreSQL's (`bigint`,
 * `text`, `timestamptz`, `jsonb`, `ltree`, `text[]` …); jsonb, ltree and array values are sent
 * as text (an array as its literal, `{a,b}`).
 */
export async function demoInsert(
  conn: Conn,
  table: string,
  cols: readonly (readonly [string, string])[],
  rows: readonly (readonly unknown[])[],
): Promise<void> {
  const CHUNK = 4000;
  const names = cols.map(([c]) => c).join(', ');
  const asText = (type: string) => type === 'jsonb' || type === 'ltree' || type.endsWith('[]');
  const select = cols.map(([c, type]) => (asText(type) ? `u.${c}::${type}` : `u.${c}`));
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    const arrays: RawBuilder<unknown>[] = cols.map(([, type], j) => {
      const wire = asText(type) ? 'text' : type;
      return sql`${part.map((r) => r[j] ?? null)}::${sql.raw(wire)}[]`;
    });
    await sql`INSERT INTO ${sql.table(table)} (${sql.raw(names)})
      SELECT ${sql.raw(select.join(', '))} FROM unnest(${sql.join(arrays)}) AS u(${sql.raw(names)})`.execute(
      conn,
    );
  }
}

/**
 * Runs a demo seed's bulk inserts without the per-row foreign-key checks (their rows reference
 * ids just read from the database: valid by construction), as bench/cases.ts loads its million
 * cases: `session_replication_role = replica` for the rest of `fn`, in the caller's transaction.
 * Only a superuser may (the embedded PostgreSQL's is); elsewhere the checks simply run. Row
 * triggers are off too: a seed that relies on one does its work itself (cases rebuild
 * case_stats).
 */
export async function withoutRowChecks<T>(trx: Conn, fn: () => Promise<T>): Promise<T> {
  let off = false;
  await sql`SAVEPOINT demo_checks`.execute(trx);
  try {
    await sql`SET LOCAL session_replication_role = replica`.execute(trx);
    await sql`RELEASE SAVEPOINT demo_checks`.execute(trx);
    off = true;
  } catch {
    await sql`ROLLBACK TO SAVEPOINT demo_checks`.execute(trx);
  }
  try {
    return await fn();
  } finally {
    if (off) await sql`SET LOCAL session_replication_role = DEFAULT`.execute(trx);
  }
}
