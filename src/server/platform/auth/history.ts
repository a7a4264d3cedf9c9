import type { Conn } from '../db/index.js';
import { verifyPassword } from './password.js';

/**
 * Earlier passwords, as argon2id hashes (never in clear), for the reuse rule: a new password may
 * not be any of the account's last N (`passwordPolicy.history`, the current one included). As
 * many are kept as the highest setting allows, so raising it applies to the history already kept.
 */
export const HISTORY_KEPT = 23;

/** Whether `plain` is the current password or one of the `n - 1` before it. */
export async function usedRecently(
  conn: Conn,
  userId: number,
  currentHash: string,
  plain: string,
  n: number,
): Promise<boolean> {
  if (await verifyPassword(currentHash, plain)) return true;
  if (n <= 1) return false;
  const rows = await conn
    .selectFrom('passwordHistory')
    .select('passwordHash')
    .where('userId', '=', userId)
    .orderBy('id', 'desc')
    .limit(n - 1)
    .execute();
  for (const r of rows) if (await verifyPassword(r.passwordHash, plain)) return true;
  return false;
}

/** Keeps the password being replaced (its hash), dropping the oldest beyond what is kept. */
export async function rememberPassword(conn: Conn, userId: number, replacedHash: string): Promise<void> {
  await conn.insertInto('passwordHistory').values({ userId, passwordHash: replacedHash }).execute();
  const keep = conn
    .selectFrom('passwordHistory')
    .select('id')
    .where('userId', '=', userId)
    .orderBy('id', 'desc')
    .limit(HISTORY_KEPT);
  await conn.deleteFrom('passwordHistory').where('userId', '=', userId).where('id', 'not in', keep).execute();
}
