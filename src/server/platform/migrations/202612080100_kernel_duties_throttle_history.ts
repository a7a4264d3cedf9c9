import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here.
// Security probe fixes (docs/security.md):
// - user_roles: a grant of business, system or audit rights made by the security administrator
//   waits (`pending`) for a second person's approval; who approved and when.
// - login_throttle: attempts are claimed before the password is checked (`claim`: the token of
//   the last attempt given a slot; `last_at`: when), and a lock or delay is read from the counts
//   and the current settings, never stored: `locked_until` goes. Names and addresses locked at
//   upgrade stay locked (or slowed) for a full lockout period from now.
// - password_history: earlier password hashes (argon2id), for the reuse rule.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE user_roles ADD COLUMN pending boolean NOT NULL DEFAULT false`.execute(db);
  await sql`ALTER TABLE user_roles ADD COLUMN approved_by bigint REFERENCES users(id)`.execute(db);
  await sql`ALTER TABLE user_roles ADD COLUMN approved_at timestamptz`.execute(db);
  await sql`CREATE INDEX user_roles_pending ON user_roles (id) WHERE pending`.execute(db);

  await sql`ALTER TABLE login_throttle ADD COLUMN last_at timestamptz`.execute(db);
  await sql`ALTER TABLE login_throttle ADD COLUMN claim text`.execute(db);
  await sql`
    UPDATE login_throttle SET
      failures = CASE WHEN locked_until > now() THEN (CASE kind WHEN 'account' THEN 20 ELSE 500 END) ELSE failures END,
      first_failure_at = CASE WHEN locked_until > now() THEN now() ELSE first_failure_at END,
      last_at = CASE WHEN locked_until > now() THEN now() ELSE first_failure_at END`.execute(db);
  await sql`ALTER TABLE login_throttle ALTER COLUMN last_at SET NOT NULL`.execute(db);
  await sql`ALTER TABLE login_throttle ALTER COLUMN last_at SET DEFAULT now()`.execute(db);
  await sql`ALTER TABLE login_throttle DROP COLUMN locked_until`.execute(db);
  await sql`CREATE INDEX login_throttle_last ON login_throttle (last_at)`.execute(db);

  await sql`
    CREATE TABLE password_history (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      password_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX password_history_user ON password_history (user_id, id DESC)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('the kernel migrations are not reversible');
}
