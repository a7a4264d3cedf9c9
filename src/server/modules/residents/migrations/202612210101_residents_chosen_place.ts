import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here. An unverified account reads the public notices of the
// community (or street) it chose (issue 17): the place it chose.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE resident_accounts ADD COLUMN chosen_area_id bigint REFERENCES areas(id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE resident_accounts DROP COLUMN chosen_area_id`.execute(db);
}
