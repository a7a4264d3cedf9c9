import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here. Indexes the inboxes and the search need at a million cases
// (bench/cases.ts, EXPLAIN ANALYZE before and after in its report).
export async function up(db: Kysely<unknown>): Promise<void> {
  // box=overdue: open cases past their stage deadline, soonest first.
  await sql`CREATE INDEX cases_overdue ON cases (stage_due_at) WHERE state IN ('reported','accepted','dispatched','handling','feedback')`.execute(
    db,
  );
  // box=mine: what the actor handles, soonest deadline first.
  await sql`CREATE INDEX cases_mine ON cases (assignee_user_id, stage_due_at) WHERE state IN ('dispatched','handling','pending')`.execute(
    db,
  );
  // q: a word of the title (three characters or more), or a case number.
  await sql`CREATE INDEX cases_title_trgm ON cases USING gin (title gin_trgm_ops)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const i of ['cases_title_trgm', 'cases_mine', 'cases_overdue'])
    await sql`DROP INDEX IF EXISTS ${sql.raw(i)}`.execute(db);
}
