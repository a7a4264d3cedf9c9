import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here.
// A registration of an ID number already held by a record the registrant may not look up is kept
// as a pending duplicate of that record (docs/registry.md, "An ID number registered elsewhere"):
// it carries the same keyed hash, so the one-record-per-ID rule holds for the records that are
// not pending (duplicate_of IS NULL). Lookups by hash read every record (people_id_hash_lookup).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE people ADD COLUMN duplicate_of bigint REFERENCES people(id)`.execute(db);
  await sql`CREATE INDEX people_id_hash_lookup ON people (id_hash)`.execute(db);
  await sql`DROP INDEX people_id_hash`.execute(db);
  await sql`
    CREATE UNIQUE INDEX people_id_hash ON people (id_hash)
    WHERE id_hash IS NOT NULL AND duplicate_of IS NULL`.execute(db);
  await sql`CREATE INDEX people_duplicate_of ON people (duplicate_of) WHERE duplicate_of IS NOT NULL`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX people_duplicate_of`.execute(db);
  await sql`DROP INDEX people_id_hash`.execute(db);
  await sql`DROP INDEX people_id_hash_lookup`.execute(db);
  await sql`DELETE FROM people WHERE duplicate_of IS NOT NULL`.execute(db);
  await sql`ALTER TABLE people DROP COLUMN duplicate_of`.execute(db);
  await sql`CREATE UNIQUE INDEX people_id_hash ON people (id_hash) WHERE id_hash IS NOT NULL`.execute(db);
}
