import { sql } from 'kysely';
import type { Db } from '../../src/server/platform/db/index.js';
import { tableCounts } from './app.js';

/**
 * The content of every table, hashed: a rejected request must leave it all unchanged — no row
 * added or removed (tableCounts) and none updated either.
 *
 * Small tables are hashed whole. The demo registry's large tables (tens of thousands of people,
 * houses, areas) would take a second per call that way, so they are summarised by row count and
 * the newest row version (max xmin): every committed INSERT or UPDATE writes a row version with
 * a newer transaction id, every DELETE lowers the count, and a rolled-back change leaves neither.
 */
const WHOLE_HASH_MAX_ROWS = 2000;
export async function fingerprint(db: Db): Promise<Record<string, string>> {
  const counts = await tableCounts(db);
  const out: Record<string, string> = {};
  for (const [t, n] of Object.entries(counts)) {
    if (n > WHOLE_HASH_MAX_ROWS) {
      const r = await sql<{ h: string }>`
        SELECT count(*) || ':' || coalesce(max(xmin::text::bigint), 0) AS h FROM ${sql.table(t)}`.execute(db);
      out[t] = `rows:${r.rows[0]!.h}`;
      continue;
    }
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
