import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here.
// The dashboard's registry figures read, for every active person under a node, their place and
// the handful of columns the figures test: from this index alone (an index-only scan of a few MB)
// instead of the people heap (30 MB at the demo street's 63,000 people).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX people_figures ON people (area_id)
    INCLUDE (id, residence_type, birth_date, floating_registered_on, floating_expires_on, health_archive)
    WHERE status = 'active'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX people_figures`.execute(db);
}
