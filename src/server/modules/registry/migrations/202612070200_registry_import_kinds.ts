import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here.
// Ledger imports of organisations, houses and disputes (issue 16) share the imports table with
// the people's: `kind` says which ledger a job read, `skipped` the sheet rows left out as totals
// (合计：7人, 小计 …), so the importer sees them listed instead of a person named 合计.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE imports ADD COLUMN kind text NOT NULL DEFAULT 'people'
    CHECK (kind IN ('people','organisations','houses','disputes'))`.execute(db);
  await sql`ALTER TABLE imports ADD COLUMN skipped jsonb NOT NULL DEFAULT '[]'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE imports DROP COLUMN skipped`.execute(db);
  await sql`ALTER TABLE imports DROP COLUMN kind`.execute(db);
}
