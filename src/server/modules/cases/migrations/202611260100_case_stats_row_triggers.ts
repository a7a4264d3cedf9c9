import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here (nor other migrations: the expressions below repeat the
// ones of 202611250100_case_stats on purpose).
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

const MEASURES = [
  'rep',
  'rep_extended',
  'rep_responded',
  'rep_mediated',
  'rep_agreed',
  'due',
  'due_on_time',
  'acc',
  'acc_in_time',
  'clo',
  'clo_reworked',
  'clo_rated',
  'clo_satisfied',
  'clo_rating_sum',
  'clo_seconds',
] as const;

/** Each measure as the sum over (sign, case, instant kind k) rows of the source. */
const EXPR: Record<(typeof MEASURES)[number], string> = {
  rep: `sum(sg) FILTER (WHERE k = 'r')`,
  rep_extended: `sum(sg) FILTER (WHERE k = 'r' AND c.extension_count > 0)`,
  rep_responded: `sum(sg) FILTER (WHERE k = 'r' AND c.accepted_at <= c.accept_due_at)`,
  rep_mediated: `sum(sg) FILTER (WHERE k = 'r' AND c.mediated_at IS NOT NULL)`,
  rep_agreed: `sum(sg) FILTER (WHERE k = 'r' AND c.mediated_at IS NOT NULL AND c.outcome = 'agreement')`,
  due: `sum(sg) FILTER (WHERE k = 'd')`,
  due_on_time: `sum(sg) FILTER (WHERE k = 'd' AND c.closed_at <= c.due_at)`,
  acc: `sum(sg) FILTER (WHERE k = 'a')`,
  acc_in_time: `sum(sg) FILTER (WHERE k = 'a' AND c.accepted_at <= c.accept_due_at)`,
  clo: `sum(sg) FILTER (WHERE k = 'c')`,
  clo_reworked: `sum(sg) FILTER (WHERE k = 'c' AND c.rework_count > 0)`,
  clo_seconds: `sum(sg * date_part('epoch', c.closed_at - c.reported_at)) FILTER (WHERE k = 'c')`,
  clo_rated: `sum(sg) FILTER (WHERE k = 'c' AND c.rating IS NOT NULL)`,
  clo_satisfied: `sum(sg) FILTER (WHERE k = 'c' AND c.rating >= 4)`,
  clo_rating_sum: `sum(sg * c.rating) FILTER (WHERE k = 'c')`,
};

/** The row `rec` (OLD or NEW) with its sign, as a one-row SELECT. */
const row = (sign: number, rec: 'OLD' | 'NEW') =>
  `SELECT ${sign} AS sg, ${COLUMNS.map((c) => `${rec}.${c} AS ${c}`).join(', ')}`;

/** The upsert of the net contributions of `source` (rows with a sign column sg). */
function upsert(source: string): string {
  const sums = MEASURES.map((m) => `coalesce(${EXPR[m]}, 0) AS ${m}`).join(',\n      ');
  return `
    INSERT INTO case_stats AS s (month, type, category, state, area_path, ${MEASURES.join(', ')})
    SELECT (date_trunc('month', i.at AT TIME ZONE 'Asia/Shanghai'))::date, c.type, c.category, c.state,
      c.area_path,
      ${sums}
    FROM (${source}) c
    CROSS JOIN LATERAL (VALUES ('r', c.reported_at), ('d', c.due_at), ('a', c.accepted_at), ('c', c.closed_at)) i(k, at)
    WHERE i.at IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5
    HAVING ${MEASURES.map((m) => `coalesce(${EXPR[m]}, 0) <> 0`).join(' OR ')}
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (month, type, category, state, area_path) DO UPDATE SET
      ${MEASURES.map((m) => `${m} = s.${m} + excluded.${m}`).join(', ')};`;
}

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
