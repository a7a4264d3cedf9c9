import { sql } from 'kysely';
import type { Db } from '../../src/server/platform/db/index.js';
import { tableCounts } from './app.js';

/**
 * The content of every table, hashed: a rejected request must leave it all unchanged — no row
 * added or removed (tableCounts) and none updated either.
 */
export async function fingerprint(db: Db): Promise<Record<string, string>> {
  const tables = Object.keys(await tableCounts(db));
  const out: Record<string, string> = {};
  for (const t of tables) {
    const r = await sql<{ h: string | null }>`
      SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) AS h FROM ${sql.table(t)} x`.execute(db);
    out[t] = r.rows[0]!.h ?? '';
  }
  return out;
}

/** Id of the area with this code (demo data is looked up, not hard-coded). */
export async function areaIdByCode(db: Db, code: string): Promise<number> {
  const r = await db.selectFrom('areas').select('id').where('code', '=', code).executeTakeFirst();
  if (!r) throw new Error(`no area with code ${code}`);
  return r.id;
}

export async function userIdByName(db: Db, username: string): Promise<number> {
  const r = await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
  if (!r) throw new Error(`no user ${username}`);
  return r.id;
}

export async function auditCount(db: Db): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log`.execute(db);
  return r.rows[0]!.n;
}
