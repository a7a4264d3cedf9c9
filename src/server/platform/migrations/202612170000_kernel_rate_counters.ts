import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here.
// rate_counters: the request limits every app instance shares (issue 22; docs/scale.md). One row
// per limit and key (e.g. 'search' and a user id): the count in the current fixed window and the
// previous window's, from which the sliding count is estimated; `claim` tells the statement that
// counted an event whether it was given a slot (as login_throttle's does). UNLOGGED: a count
// needs no WAL flush at commit (measured on this VM: 8 ms p50 per search with the flush, the
// fsync; see bench/limits.ts), at the price of counters emptied by a crash and absent on a
// replica after a failover — a limit then starts afresh, which is acceptable for a rate limit
// (sign-in lockouts stay in login_throttle, which is logged).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE UNLOGGED TABLE rate_counters (
      scope text NOT NULL,
      key text NOT NULL,
      window_start timestamptz NOT NULL,
      n integer NOT NULL,
      prev_n integer NOT NULL DEFAULT 0,
      claim text,
      PRIMARY KEY (scope, key)
    ) WITH (fillfactor = 70)`.execute(db);
  await sql`CREATE INDEX rate_counters_window ON rate_counters (window_start)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('the kernel migrations are not reversible');
}
