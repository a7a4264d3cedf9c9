import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here.
// The dashboard's cache asks "was anything committed since this snapshot?" of the audit log by
// transaction id (every change writes an audit entry in its transaction).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX audit_log_xid ON audit_log (xid)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX audit_log_xid`.execute(db);
}
