import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here.
// An account is a staff member's (signs in with a password, works in the staff app) or a
// resident's (signs in with a phone code on the resident channel, docs/residents.md). The staff
// user list and the staff shell look at this; a resident never appears among the staff.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users ADD COLUMN kind text NOT NULL DEFAULT 'staff' CHECK (kind IN ('staff', 'resident'))`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users DROP COLUMN kind`.execute(db);
}
