import { type Kysely, sql } from 'kysely';
import { upsert } from './202611250100_case_stats.js';

// Frozen: never import app code here. The upsert is 202611250100's (frozen too), over the
// trigger's OLD and NEW rows instead of transition tables.
//
// case_stats is kept by row-level triggers instead of statement-level ones. Measured with
// pg_stat_statements (track = all, track_planning) on the cases bench: the statement-level
// trigger's upsert read its transition tables, so PostgreSQL planned it afresh on every
// statement (2.3 ms of planning against 0.4 ms of execution, per transition and per report).
// A row-level trigger's upsert reads only its OLD and NEW fields: plpgsql keeps its plan.
// An update that moves no measure (the sweep's SLA columns, an assignment) does not call the
// function at all: the WHEN clause compares the columns the measures are made of. Each upsert
// writes its keys in key order; a transition changes one case, so two transactions take the
// rows they share in the same order.

/** The columns of cases the measures and their keys are made of. */
const COLUMNS = [
  'type',
  'category',
  'state',
  'area_path',
  'reported_at',
  'due_at',
  'accepted_at',
  'closed_at',
  'accept_due_at',
  'extension_count',
  'mediated_at',
  'outcome',
  'rework_count',
  'rating',
] as const;

/** The row `rec` (OLD or NEW) with its sign, as a one-row SELECT of the columns `upsert` reads. */
const row = (sign: number, rec: 'OLD' | 'NEW') =>
  `SELECT ${sign} AS sg, ${COLUMNS.map((c) => `${rec}.${c} AS ${c}`).join(', ')}`;

const TRIGGERS = ['case_stats_ins', 'case_stats_upd', 'case_stats_del'];

export async function up(db: Kysely<unknown>): Promise<void> {
  // case_stats_apply() (the statement-level function) stays for down().
  for (const t of TRIGGERS) await sql`DROP TRIGGER ${sql.raw(t)} ON cases`.execute(db);
  await sql
    .raw(`
    CREATE FUNCTION case_stats_row() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        ${upsert(row(1, 'NEW'))}
      ELSIF TG_OP = 'UPDATE' THEN
        ${upsert(`${row(-1, 'OLD')} UNION ALL ${row(1, 'NEW')}`)}
      ELSE
        ${upsert(row(-1, 'OLD'))}
      END IF;
      RETURN NULL;
    END $fn$`)
    .execute(db);
  const cols = (rec: string) => `(${COLUMNS.map((c) => `${rec}.${c}`).join(', ')})`;
  await sql`CREATE TRIGGER case_stats_ins AFTER INSERT ON cases
    FOR EACH ROW EXECUTE FUNCTION case_stats_row()`.execute(db);
  await sql`CREATE TRIGGER case_stats_upd AFTER UPDATE ON cases
    FOR EACH ROW WHEN (${sql.raw(cols('OLD'))} IS DISTINCT FROM ${sql.raw(cols('NEW'))})
    EXECUTE FUNCTION case_stats_row()`.execute(db);
  await sql`CREATE TRIGGER case_stats_del AFTER DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION case_stats_row()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of TRIGGERS) await sql`DROP TRIGGER IF EXISTS ${sql.raw(t)} ON cases`.execute(db);
  await sql`DROP FUNCTION IF EXISTS case_stats_row()`.execute(db);
  await sql`CREATE TRIGGER case_stats_ins AFTER INSERT ON cases REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION case_stats_apply()`.execute(db);
  await sql`CREATE TRIGGER case_stats_upd AFTER UPDATE ON cases REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION case_stats_apply()`.execute(db);
  await sql`CREATE TRIGGER case_stats_del AFTER DELETE ON cases REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION case_stats_apply()`.execute(db);
}
