import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here. A person's page lists the cases they reported (issue 16,
// 一人一档); the cases they are party to use dispute_parties_person.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX cases_reporter_person ON cases (reporter_person_id, id) WHERE reporter_person_id IS NOT NULL`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS cases_reporter_person`.execute(db);
}
