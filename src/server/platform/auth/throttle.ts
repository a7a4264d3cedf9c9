import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { SecuritySettings } from '../../../contract/auth.js';
import type { Conn, Db } from '../db/index.js';

/**
 * Sign-in throttling (docs/security.md), counted in the database so that every instance shares it.
 *
 * Per account name (the name typed, whether or not such an account exists, so the answer never
 * tells): an attempt *claims* a slot before its password is checked, in one statement that also
 * says whether the slot was given. At most `lockoutThreshold` checks happen per window however
 * many arrive at once; the attempt that fails at the threshold locks the name for
 * `lockoutMinutes`, and a right password arriving after that is refused unchecked. A successful
 * sign-in clears the name's count.
 *
 * Per source address: every attempt claims a slot too (given back when it succeeds). Up to
 * `ipLockoutThreshold` unsuccessful attempts within the window go through at once; beyond that
 * the address is slowed, not locked — each attempt must wait 1, 2, 4 … up to 60 seconds after the
 * previous one from the address, whatever the name, so a sprayer gets about one guess a minute
 * while an office behind one NAT waits seconds, and no account is locked by what its neighbours
 * typed.
 *
 * Nothing is stored as "locked": a lock or a delay is read from the counts and the *current*
 * settings at each check, so a changed threshold applies to existing counters at once.
 */
export type ThrottleKind = 'account' | 'ip';

/** The longest wait between attempts from a slowed address. */
export const MAX_ADDRESS_DELAY_SECONDS = 60;

export const accountKey = (username: string) => username.trim().toLowerCase();

const token = () => randomBytes(12).toString('base64url');

const windowStart = (now: Date, s: SecuritySettings) => new Date(now.getTime() - s.lockoutMinutes * 60_000);

export interface AccountClaim {
  /** The slot was given: check the password. */
  granted: boolean;
  /** Failures counted in the window, this attempt included when granted. */
  failures: number;
  /** Minutes the name stays locked (when refused). */
  minutes: number;
}

/**
 * Claims an attempt for an account name (one statement: counted and checked together). Refused
 * while the name is locked: `lockoutThreshold` (current setting) failures within the window,
 * the last of them less than `lockoutMinutes` ago.
 */
export async function claimAccount(
  db: Conn,
  username: string,
  now: Date,
  s: SecuritySettings,
): Promise<AccountClaim> {
  const tk = token();
  const since = windowStart(now, s);
  const locked = sql`(t.failures >= ${s.lockoutThreshold} AND t.last_at > ${since})`;
  const r = await sql<{ failures: number; lastAt: Date; granted: boolean }>`
    INSERT INTO login_throttle AS t (kind, key, failures, first_failure_at, last_at, claim)
    VALUES ('account', ${accountKey(username)}, 1, ${now}, ${now}, ${tk})
    ON CONFLICT (kind, key) DO UPDATE SET
      failures = CASE WHEN ${locked} THEN t.failures
                      WHEN t.first_failure_at < ${since} THEN 1 ELSE t.failures + 1 END,
      first_failure_at = CASE WHEN ${locked} THEN t.first_failure_at
                              WHEN t.first_failure_at < ${since} THEN ${now} ELSE t.first_failure_at END,
      last_at = CASE WHEN ${locked} THEN t.last_at ELSE ${now} END,
      claim = CASE WHEN ${locked} THEN t.claim ELSE ${tk} END
    RETURNING failures, last_at AS "lastAt", claim = ${tk} AS granted`.execute(db);
  const row = r.rows[0]!;
  const until = row.lastAt.getTime() + s.lockoutMinutes * 60_000;
  return {
    granted: row.granted,
    failures: row.failures,
    minutes: row.granted ? 0 : Math.max(1, Math.ceil((until - now.getTime()) / 60_000)),
  };
}

/** After a successful sign-in (or second step): the name's count starts again. */
export async function clearAccount(db: Conn, username: string): Promise<void> {
  await db
    .deleteFrom('loginThrottle')
    .where('kind', '=', 'account')
    .where('key', '=', accountKey(username))
    .execute();
}

/** Seconds an address must still wait, from its count and last attempt (current settings). */
const delaySql = (s: SecuritySettings) =>
  sql`least(power(2, least(greatest(t.failures - ${s.ipLockoutThreshold}, 0), 6)), ${MAX_ADDRESS_DELAY_SECONDS}) * interval '1 second'`;

export interface AddressClaim {
  granted: boolean;
  /** Seconds to wait before the next attempt from the address is taken (when refused). */
  seconds: number;
}

/**
 * Claims an attempt from a source address (one statement). Refused while the address is slowed
 * and its delay since the last attempt has not passed; a refused attempt changes nothing.
 */
export async function claimAddress(
  db: Conn,
  ip: string,
  now: Date,
  s: SecuritySettings,
): Promise<AddressClaim> {
  const tk = token();
  const since = windowStart(now, s);
  const fresh = sql`t.first_failure_at < ${since}`;
  const waiting = sql`(t.failures >= ${s.ipLockoutThreshold} AND t.last_at + ${delaySql(s)} > ${now})`;
  const take = sql`(${fresh} OR NOT ${waiting})`;
  const r = await sql<{ granted: boolean; waitMs: number }>`
    INSERT INTO login_throttle AS t (kind, key, failures, first_failure_at, last_at, claim)
    VALUES ('ip', ${ip}, 1, ${now}, ${now}, ${tk})
    ON CONFLICT (kind, key) DO UPDATE SET
      failures = CASE WHEN ${fresh} THEN 1 WHEN ${waiting} THEN t.failures ELSE t.failures + 1 END,
      first_failure_at = CASE WHEN ${fresh} THEN ${now} ELSE t.first_failure_at END,
      last_at = CASE WHEN ${take} THEN ${now} ELSE t.last_at END,
      claim = CASE WHEN ${take} THEN ${tk} ELSE t.claim END
    RETURNING claim = ${tk} AS granted,
              (extract(epoch FROM (t.last_at + ${delaySql(s)})) * 1000 - ${now.getTime()})::float8 AS "waitMs"`.execute(
    db,
  );
  const row = r.rows[0]!;
  return { granted: row.granted, seconds: row.granted ? 0 : Math.max(1, Math.ceil(row.waitMs / 1000)) };
}

/**
 * A successful sign-in from the address gives its slot back: only failures slow an address. A
 * count back at zero is dropped (nothing left to remember), so clean addresses keep no row.
 */
export async function releaseAddress(db: Conn, ip: string): Promise<void> {
  await sql`UPDATE login_throttle SET failures = greatest(failures - 1, 0) WHERE kind = 'ip' AND key = ${ip}`.execute(
    db,
  );
  await sql`DELETE FROM login_throttle WHERE kind = 'ip' AND key = ${ip} AND failures = 0`.execute(db);
}

export interface AddressThrottle {
  address: string;
  failures: number;
  firstFailureAt: Date;
  lastAt: Date;
  /** Over the threshold: attempts are spaced by `delaySeconds`. */
  slowed: boolean;
  delaySeconds: number;
  /** Seconds until the next attempt from the address is taken (0: now). */
  waitSeconds: number;
}

/** Addresses with failures in the current window, worst first (the security settings page). */
export async function addressThrottles(db: Db, now: Date, s: SecuritySettings): Promise<AddressThrottle[]> {
  const r = await sql<{
    address: string;
    failures: number;
    firstFailureAt: Date;
    lastAt: Date;
    delayS: number;
  }>`
    SELECT t.key AS address, t.failures, t.first_failure_at AS "firstFailureAt", t.last_at AS "lastAt",
           extract(epoch FROM ${delaySql(s)})::float8 AS "delayS"
    FROM login_throttle t
    WHERE t.kind = 'ip' AND t.failures > 0 AND t.first_failure_at >= ${windowStart(now, s)}
    ORDER BY t.failures DESC, t.key LIMIT 500`.execute(db);
  return r.rows.map((row) => {
    const slowed = row.failures >= s.ipLockoutThreshold;
    const wait = slowed ? row.lastAt.getTime() + row.delayS * 1000 - now.getTime() : 0;
    return {
      address: row.address,
      failures: row.failures,
      firstFailureAt: row.firstFailureAt,
      lastAt: row.lastAt,
      slowed,
      delaySeconds: slowed ? row.delayS : 0,
      waitSeconds: Math.max(0, Math.ceil(wait / 1000)),
    };
  });
}

/** Clears an address's count (the security administrator's unlock); false when there was none. */
export async function clearAddress(db: Conn, ip: string): Promise<boolean> {
  const r = await db
    .deleteFrom('loginThrottle')
    .where('kind', '=', 'ip')
    .where('key', '=', ip)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** SQL: the account name is locked now (for the accounts list's status). */
export function accountLockedSql(usernameColumn: string, now: Date, s: SecuritySettings) {
  return sql<boolean>`EXISTS (SELECT 1 FROM login_throttle t WHERE t.kind = 'account' AND t.key = lower(${sql.ref(usernameColumn)})
    AND t.failures >= ${s.lockoutThreshold} AND t.last_at > ${windowStart(now, s)})`;
}

/** Drops counters whose last attempt is older than the window (no lock or delay can remain). */
export async function purgeStaleThrottles(db: Db, now: Date, s: SecuritySettings): Promise<number> {
  const r = await db.deleteFrom('loginThrottle').where('lastAt', '<', windowStart(now, s)).executeTakeFirst();
  return Number(r.numDeletedRows);
}
