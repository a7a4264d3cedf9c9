import { sql } from 'kysely';
import type { SecuritySettings } from '../../../contract/auth.js';
import type { Db } from '../db/index.js';

/**
 * Lockout after N failures within the lockout window, per account name and per source address.
 * Keyed by the name typed, whether or not such an account exists, so the answer never tells.
 */
export type ThrottleKey = { kind: 'account' | 'ip'; key: string };

export function throttleKeys(username: string, ip: string | null): ThrottleKey[] {
  const keys: ThrottleKey[] = [{ kind: 'account', key: username.trim().toLowerCase() }];
  if (ip) keys.push({ kind: 'ip', key: ip });
  return keys;
}

/** Minutes left of a lock on any of the keys, or 0. */
export async function lockedFor(db: Db, keys: ThrottleKey[], now: Date): Promise<number> {
  let ms = 0;
  for (const k of keys) {
    const row = await db
      .selectFrom('loginThrottle')
      .select('lockedUntil')
      .where('kind', '=', k.kind)
      .where('key', '=', k.key)
      .executeTakeFirst();
    if (row?.lockedUntil && row.lockedUntil > now)
      ms = Math.max(ms, row.lockedUntil.getTime() - now.getTime());
  }
  return Math.ceil(ms / 60_000);
}

/** Records a failure; returns true when this failure locked one of the keys. */
export async function recordFailure(
  db: Db,
  keys: ThrottleKey[],
  now: Date,
  s: SecuritySettings,
): Promise<boolean> {
  let locked = false;
  const windowStart = new Date(now.getTime() - s.lockoutMinutes * 60_000);
  const lockUntil = new Date(now.getTime() + s.lockoutMinutes * 60_000);
  for (const k of keys) {
    const r = await sql<{ failures: number; lockedUntil: Date | null }>`
      INSERT INTO login_throttle (kind, key, failures, first_failure_at)
      VALUES (${k.kind}, ${k.key}, 1, ${now})
      ON CONFLICT (kind, key) DO UPDATE SET
        failures = CASE WHEN login_throttle.first_failure_at < ${windowStart} THEN 1 ELSE login_throttle.failures + 1 END,
        first_failure_at = CASE WHEN login_throttle.first_failure_at < ${windowStart} THEN ${now} ELSE login_throttle.first_failure_at END
      RETURNING failures, locked_until AS "lockedUntil"`.execute(db);
    const failures = r.rows[0]?.failures ?? 0;
    if (failures >= (k.kind === 'ip' ? s.ipLockoutThreshold : s.lockoutThreshold)) {
      await db
        .updateTable('loginThrottle')
        .set({ lockedUntil: lockUntil, failures: 0, firstFailureAt: now })
        .where('kind', '=', k.kind)
        .where('key', '=', k.key)
        .execute();
      locked = true;
    }
  }
  return locked;
}

export async function clearFailures(db: Db, keys: ThrottleKey[]): Promise<void> {
  for (const k of keys) {
    await db.deleteFrom('loginThrottle').where('kind', '=', k.kind).where('key', '=', k.key).execute();
  }
}

/** Drops counters whose lock has ended and whose failure window has passed. */
export async function purgeStaleThrottles(db: Db, now: Date, s: SecuritySettings): Promise<number> {
  const windowStart = new Date(now.getTime() - s.lockoutMinutes * 60_000);
  const r = await db
    .deleteFrom('loginThrottle')
    .where('firstFailureAt', '<', windowStart)
    .where((eb) => eb.or([eb('lockedUntil', 'is', null), eb('lockedUntil', '<=', now)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
