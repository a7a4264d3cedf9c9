import { createHash, randomBytes } from 'node:crypto';
import { type SqlBool, sql } from 'kysely';
import type { SecuritySettings } from '../../../contract/auth.js';
import { Actor, assignmentsJson } from '../access/actor.js';
import { type Db, prepared } from '../db/index.js';

export const SESSION_COOKIE = 'jy_sid';
export const CSRF_COOKIE = 'jy_csrf';

const tokenId = (token: string) => createHash('sha256').update(token).digest('hex');

export interface SessionInfo {
  id: string;
  userId: number;
  csrfToken: string;
  mfaPending: boolean;
  mustChangePassword: boolean;
  passwordExpiresAt: Date | null;
  expiresAt: Date;
  totpEnabled: boolean;
  /** a staff member's account or a resident's (resident channel) */
  kind: 'staff' | 'resident';
}

export async function createSession(
  db: Db,
  opts: {
    userId: number;
    ip: string | null;
    userAgent: string | null;
    mfaPending: boolean;
    now: Date;
    settings: SecuritySettings;
  },
): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(opts.now.getTime() + opts.settings.absoluteLifetimeHours * 3600_000);
  await db
    .insertInto('sessions')
    .values({
      id: tokenId(token),
      userId: opts.userId,
      csrfToken,
      lastSeenAt: opts.now,
      expiresAt,
      ip: opts.ip,
      userAgent: opts.userAgent?.slice(0, 300) ?? null,
      mfaPending: opts.mfaPending,
    })
    .execute();
  return { token, csrfToken, expiresAt };
}

/**
 * Resolves a cookie token to its live session and actor in two indexed queries. Expired (idle
 * or absolute) sessions and sessions of disabled users are refused and removed.
 */
export async function resolveSession(
  db: Db,
  token: string,
  now: Date,
  settings: SecuritySettings,
): Promise<{ session: SessionInfo; actor: Actor } | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const id = tokenId(token);
  const [row] = await prepared(
    db,
    db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.userId')
      .where('s.id', '=', id)
      .select([
        's.id',
        's.userId',
        's.csrfToken',
        's.mfaPending',
        's.lastSeenAt',
        's.expiresAt',
        'u.username',
        'u.displayName',
        'u.status',
        'u.mustChangePassword',
        'u.passwordChangedAt',
        'u.isDemo',
        'u.totpEnabled',
        'u.kind',
        assignmentsJson('s.userId').as('assignments'),
      ]),
  );
  if (!row) return null;
  const idleLimit =
    row.lastSeenAt.getTime() +
    idleMinutesFor(
      row.assignments.map((a) => a.role),
      settings,
    ) *
      60_000;
  if (row.status !== 'active' || row.expiresAt <= now || idleLimit <= now.getTime()) {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
    return null;
  }
  // Touch at most once a minute: idle timeout needs no finer grain, and reads stay read-only.
  if (now.getTime() - row.lastSeenAt.getTime() > 60_000) {
    await db.updateTable('sessions').set({ lastSeenAt: now }).where('id', '=', id).execute();
  }
  const { passwordExpiresAt, mustChange } = passwordState(row, settings, now);
  const assignments = row.mfaPending ? [] : row.assignments;
  return {
    session: {
      id,
      userId: row.userId,
      csrfToken: row.csrfToken,
      mfaPending: row.mfaPending,
      mustChangePassword: mustChange,
      passwordExpiresAt,
      expiresAt: row.expiresAt,
      totpEnabled: row.totpEnabled,
      kind: row.kind,
    },
    actor: new Actor(row.userId, row.username, row.displayName, assignments, id),
  };
}

/** The role whose sessions get `gridWorkerIdleMinutes` (the grid worker, out on their rounds). */
export const FIELD_ROLE = 'grid_worker';

/**
 * A session's idle limit in minutes: the grid worker's when every role the user holds is the grid
 * worker's (someone who also holds a desk or administrator role keeps the desk's limit), else the
 * general one.
 */
export function idleMinutesFor(roles: readonly string[], settings: SecuritySettings): number {
  const field = roles.length > 0 && roles.every((r) => r === FIELD_ROLE);
  return field ? settings.gridWorkerIdleMinutes : settings.idleTimeoutMinutes;
}

/** Whether the user must change their password now (first login, or expired), per the policy. */
export function passwordState(
  u: { isDemo: boolean; mustChangePassword: boolean; passwordChangedAt: Date },
  settings: SecuritySettings,
  now: Date,
): { passwordExpiresAt: Date | null; mustChange: boolean } {
  const policy = settings.passwordPolicy;
  const passwordExpiresAt =
    u.isDemo || policy.expiryDays === 0
      ? null
      : new Date(u.passwordChangedAt.getTime() + policy.expiryDays * 86400_000);
  const mustChange =
    !u.isDemo &&
    ((u.mustChangePassword && policy.forceChangeOnFirstLogin) ||
      (passwordExpiresAt !== null && passwordExpiresAt <= now));
  return { passwordExpiresAt, mustChange };
}

export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

export async function purgeExpiredSessions(db: Db, now: Date, settings: SecuritySettings): Promise<number> {
  const cut = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
  // Each session by its own limit, as resolveSession decides it (idleMinutesFor): the field's for a
  // user whose every (granted) role is the grid worker's, the general one for everyone else.
  const fieldOnly = sql<SqlBool>`(
    EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = sessions.user_id AND NOT ur.pending)
    AND NOT EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id
      WHERE ur.user_id = sessions.user_id AND NOT ur.pending AND r.code <> ${FIELD_ROLE}))`;
  const r = await db
    .deleteFrom('sessions')
    .where((eb) =>
      eb.or([
        eb('expiresAt', '<=', now),
        eb.and([eb('lastSeenAt', '<=', cut(settings.gridWorkerIdleMinutes)), fieldOnly]),
        eb.and([eb('lastSeenAt', '<=', cut(settings.idleTimeoutMinutes)), eb.not(fieldOnly)]),
      ]),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
