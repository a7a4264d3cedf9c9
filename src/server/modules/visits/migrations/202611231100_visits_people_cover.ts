import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here. "My day" (GET /api/visits/my-day) joins the due plans to
// their people and houses: without this index PostgreSQL hashes the whole people table (a seq
// scan of the street's 63,000 people, or a full scan of a name index for area_id) on every call.
// Covering the columns the day reads makes each plan an index-only lookup (bench/visits.ts,
// EXPLAIN ANALYZE before and after in its report).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX people_visit_cover ON people (id) INCLUDE (area_id, name, birth_date)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS people_visit_cover`.execute(db);
}
