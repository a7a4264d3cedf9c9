import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here.
//
// case_stats: the case indicators' counts per (China-time month, area, type, category, state),
// kept by statement-level triggers on cases in the same transaction as the change. A case adds
// its "reported" measures to the month of reported_at, its "due" measures to the month of due_at,
// and so on for accepted_at and closed_at, under its current state; a change takes the old row's
// contribution away and adds the new one's. The indicators read whole months from here and only
// the partial months at a period's edges from cases (docs/indicators.md, "How figures are
// computed"): a street's year is ~15,000 rows here instead of ~200,000 cases.
//
// Statement-level with transition tables, so a bulk INSERT … SELECT or a sweep's UPDATE of many
// cases is one aggregate, and an UPDATE that moves no measure (the sweep's SLA columns, an
// assignment) nets to zero and writes nothing. Rows are upserted in key order, so two
// transactions touching the same rows lock them in the same order.

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
] as const;

/** Each measure as the sum over (sign, case, instant kind k) rows of the source. */
const EXPR: Record<(typeof MEASURES)[number] | 'clo_seconds', string> = {
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
const COLS = [...MEASURES, 'clo_seconds'] as const;

/**
 * The upsert of the net contributions of `source` (rows of cases with a sign column sg). Exported
 * for 202611260100, which keeps the same upsert in row triggers (both migrations are frozen).
 */
export function upsert(source: string): string {
  const sums = COLS.map((m) => `coalesce(${EXPR[m]}, 0) AS ${m}`).join(',\n      ');
  return `
    INSERT INTO case_stats AS s (month, type, category, state, area_path, ${COLS.join(', ')})
    SELECT (date_trunc('month', i.at AT TIME ZONE 'Asia/Shanghai'))::date, c.type, c.category, c.state,
      c.area_path,
      ${sums}
    FROM (${source}) c
    CROSS JOIN LATERAL (VALUES ('r', c.reported_at), ('d', c.due_at), ('a', c.accepted_at), ('c', c.closed_at)) i(k, at)
    WHERE i.at IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5
    HAVING ${COLS.map((m) => `coalesce(${EXPR[m]}, 0) <> 0`).join(' OR ')}
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (month, type, category, state, area_path) DO UPDATE SET
      ${COLS.map((m) => `${m} = s.${m} + excluded.${m}`).join(', ')};`;
}

const plus = (t: string) => `SELECT 1 AS sg, * FROM ${t}`;
const minus = (t: string) => `SELECT -1 AS sg, * FROM ${t}`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE case_stats (
      month date NOT NULL,
      type text NOT NULL,
      category text NOT NULL,
      state text NOT NULL,
      area_path ltree NOT NULL,
      ${sql.raw(MEASURES.map((m) => `${m} integer NOT NULL DEFAULT 0`).join(',\n'))},
      clo_seconds double precision NOT NULL DEFAULT 0,
      PRIMARY KEY (month, type, category, state, area_path)
    ) WITH (fillfactor = 70)`.execute(db);
  // A street's rows among a district's: the subtree test by index. The measures are not indexed
  // and pages keep room (fillfactor), so the triggers' updates are HOT.
  await sql`CREATE INDEX case_stats_area ON case_stats USING gist (area_path)`.execute(db);
  await sql
    .raw(`
    CREATE FUNCTION case_stats_apply() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        ${upsert(plus('new_rows'))}
      ELSIF TG_OP = 'UPDATE' THEN
        ${upsert(`${minus('old_rows')} UNION ALL ${plus('new_rows')}`)}
      ELSE
        ${upsert(minus('old_rows'))}
      END IF;
      RETURN NULL;
    END $fn$`)
    .execute(db);
  await sql`CREATE TRIGGER case_stats_ins AFTER INSERT ON cases REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION case_stats_apply()`.execute(db);
  await sql`CREATE TRIGGER case_stats_upd AFTER UPDATE ON cases REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION case_stats_apply()`.execute(db);
  await sql`CREATE TRIGGER case_stats_del AFTER DELETE ON cases REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION case_stats_apply()`.execute(db);
  // Rebuilds the table from cases: after a bulk load with triggers off (bench, repair).
  await sql
    .raw(`
    CREATE FUNCTION case_stats_rebuild() RETURNS void LANGUAGE plpgsql AS $fn$
    BEGIN
      DELETE FROM case_stats;
      ${upsert(plus('cases'))}
    END $fn$`)
    .execute(db);
  await sql`SELECT case_stats_rebuild()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['case_stats_ins', 'case_stats_upd', 'case_stats_del'])
    await sql`DROP TRIGGER IF EXISTS ${sql.raw(t)} ON cases`.execute(db);
  await sql`DROP FUNCTION IF EXISTS case_stats_apply()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS case_stats_rebuild()`.execute(db);
  await sql`DROP TABLE IF EXISTS case_stats`.execute(db);
}
