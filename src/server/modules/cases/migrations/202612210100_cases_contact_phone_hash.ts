import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here. The keyed hash of a case's contact phone (issue 17): the
// resident channel finds the Open311 requests filed with a resident's number by it, in SQL, without
// decrypting. Rows written before it are filled at start (the key is not known here).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE cases ADD COLUMN contact_phone_hash text`.execute(db);
  await sql`CREATE INDEX cases_contact_phone_hash ON cases (contact_phone_hash) WHERE contact_phone_hash IS NOT NULL`.execute(
    db,
  );
  // What the start-up backfill looks for: small, and empty once it has run.
  await sql`CREATE INDEX cases_contact_phone_unhashed ON cases (id) WHERE contact_phone_enc IS NOT NULL AND contact_phone_hash IS NULL`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE cases DROP COLUMN contact_phone_hash`.execute(db);
}
