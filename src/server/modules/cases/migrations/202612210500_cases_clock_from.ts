import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here.
// The instant a case type's own deadline was last counted from (docs/cases.md "ownDue"): the
// report, or the resume after 补正 that restarts it in full. Null for types on their category's
// limit. The legal ceiling of an extension (latestDue) is counted from it (issue 18).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE cases ADD COLUMN clock_from timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE cases DROP COLUMN clock_from`.execute(db);
}
