import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import { AppError } from '../errors/app-error.js';

/**
 * At most `limit` events per key within a sliding `windowMs`, counted in PostgreSQL so that every
 * app instance shares the count (issue 22: the deployment has no other shared store). One
 * statement per event: an UPSERT of the key's row in `rate_counters` that rolls the fixed
 * windows forward, estimates the sliding count as
 *   (previous window's count) × (share of the previous window still inside the sliding one)
 *   + (this window's count),
 * and counts the event only when that is below the limit (a refused event counts nothing, as
 * before). The estimate is exact while the previous window is empty and otherwise assumes its
 * events were spread evenly; it never lets more than `limit` through in one fixed window.
 * No advisory lock: the row lock of the UPSERT serialises concurrent events for one key only.
 * Stale rows are removed by housekeeping (`purgeRateCounters`).
 */
export class SharedWindow {
  constructor(
    private readonly db: Db,
    /** The limit's name: keys of different limits never mix. */
    private readonly scope: string,
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => Date,
  ) {}

  /** Counts one event for `key`; false when the window is full (nothing counted then). */
  async tryTake(key: string | number): Promise<boolean> {
    const t = this.now().getTime();
    const ws = new Date(t - (t % this.windowMs));
    const prevWs = new Date(ws.getTime() - this.windowMs);
    const weight = 1 - (t - ws.getTime()) / this.windowMs;
    const tk = randomBytes(9).toString('base64url');
    const curN = sql`(CASE WHEN t.window_start = ${ws} THEN t.n ELSE 0 END)`;
    const prevN = sql`(CASE WHEN t.window_start = ${ws} THEN t.prev_n WHEN t.window_start = ${prevWs} THEN t.n ELSE 0 END)`;
    const granted = sql`(${prevN} * ${weight}::float8 + ${curN} < ${this.limit})`;
    const r = await sql<{ granted: boolean }>`
      INSERT INTO rate_counters AS t (scope, key, window_start, n, prev_n, claim)
      VALUES (${this.scope}, ${String(key)}, ${ws}, 1, 0, ${tk})
      ON CONFLICT (scope, key) DO UPDATE SET
        n = ${curN} + CASE WHEN ${granted} THEN 1 ELSE 0 END,
        prev_n = ${prevN},
        window_start = ${ws},
        claim = CASE WHEN ${granted} THEN ${tk} ELSE t.claim END
      RETURNING claim = ${tk} AS granted`.execute(this.db);
    return r.rows[0]?.granted === true && this.limit > 0;
  }

  /** Counts one event for `key`, or throws RATE_LIMITED (429) when the window is full. */
  async take(key: string | number): Promise<void> {
    if (!(await this.tryTake(key))) throw new AppError('RATE_LIMITED');
  }
}

/** Removes counters whose windows have all passed (the longest limit is `maxWindowMs`). */
export async function purgeRateCounters(db: Db, now: Date, maxWindowMs = 3600_000): Promise<number> {
  const r = await db
    .deleteFrom('rateCounters')
    .where('windowStart', '<', new Date(now.getTime() - 2 * maxWindowMs))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
