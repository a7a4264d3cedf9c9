import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here.
// Whether a case may be shown outside the app (Open311, the big screen): grid events and resident
// requests yes by default, disputes never (docs/cases.md "Public or not", issue 14). A default of
// true is a catalogue change only; the disputes are then set apart.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE cases ADD COLUMN public boolean NOT NULL DEFAULT true`.execute(db);
  await sql`UPDATE cases SET public = false WHERE type = 'dispute'`.execute(db);
  await sql`ALTER TABLE cases ADD CONSTRAINT cases_dispute_not_public CHECK (type <> 'dispute' OR NOT public)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE cases DROP CONSTRAINT cases_dispute_not_public`.execute(db);
  await sql`ALTER TABLE cases DROP COLUMN public`.execute(db);
}
