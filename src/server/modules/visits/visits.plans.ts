import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { chinaDate, type WorkCalendar } from '../../engines/calendar/calendar.js';
import { calendarFor } from '../../engines/calendar/store.js';
import type { Conn } from '../../platform/db/index.js';
import type { Services } from '../../platform/services.js';

/**
 * The visit plan follows the rules and the registry: one row per (person, rule) for every active
 * person carrying all of the rule's tags (and old enough, where the rule says so) under the rule's
 * area. Derived set-based in SQL — a street's plans after a rule change in one statement — and
 * run for single people when their tags, status or place change (registry hook), in that
 * transaction.
 */

/** The next due date after `base` (YYYY-MM-DD) for calendar intervals, in SQL. */
const dueSql = (base: RawBuilder<unknown>) => sql`(CASE r.interval_unit
    WHEN 'week' THEN (${base} + r.interval_count * 7)
    WHEN 'month' THEN (${base} + make_interval(months => r.interval_count))::date
    WHEN 'quarter' THEN (${base} + make_interval(months => 3 * r.interval_count))::date
    ELSE (${base} + r.interval_count) END)`;

/** `count` working days after the date `base` (the visit date itself does not count). */
export function addWorkingDays(cal: WorkCalendar, base: string, count: number): string {
  let d = new Date(`${base}T00:00:00Z`);
  let left = count;
  while (left > 0) {
    d = new Date(d.getTime() + 86_400_000);
    if (cal.isWorkingDay(d.toISOString().slice(0, 10))) left--;
  }
  return d.toISOString().slice(0, 10);
}

export function nextDue(
  cal: WorkCalendar,
  rule: { intervalUnit: string; intervalCount: number },
  base: string,
): string {
  const d = new Date(`${base}T00:00:00Z`);
  switch (rule.intervalUnit) {
    case 'week':
      return new Date(d.getTime() + rule.intervalCount * 7 * 86_400_000).toISOString().slice(0, 10);
    case 'month':
    case 'quarter': {
      const months = rule.intervalUnit === 'month' ? rule.intervalCount : 3 * rule.intervalCount;
      const y = d.getUTCFullYear();
      const m = d.getUTCMonth() + months;
      // Like PostgreSQL: Jan 31 + 1 month = Feb 28/29.
      const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
      return new Date(Date.UTC(y, m, Math.min(d.getUTCDate(), last))).toISOString().slice(0, 10);
    }
    default:
      return addWorkingDays(cal, base, rule.intervalCount);
  }
}

export interface RefreshScope {
  personIds?: number[];
  ruleIds?: number[];
}

export async function refreshPlans(
  conn: Conn,
  cal: WorkCalendar,
  scope: RefreshScope,
  today: string,
): Promise<{ inserted: number; deleted: number }> {
  const byPerson = scope.personIds
    ? sql<SqlBool>`p.id = ANY(${sql.val(scope.personIds)}::bigint[])`
    : sql<SqlBool>`true`;
  const byRule = scope.ruleIds
    ? sql<SqlBool>`r.id = ANY(${sql.val(scope.ruleIds)}::bigint[])`
    : sql<SqlBool>`true`;
  const delScope = scope.personIds
    ? sql<SqlBool>`vp.person_id = ANY(${sql.val(scope.personIds)}::bigint[])`
    : scope.ruleIds
      ? sql<SqlBool>`vp.rule_id = ANY(${sql.val(scope.ruleIds)}::bigint[])`
      : sql<SqlBool>`true`;
  const r = await sql<{ inserted: number; deleted: number }>`
    WITH rules AS (
      SELECT r.*, ra.path AS rpath FROM visit_rules r JOIN areas ra ON ra.id = r.area_id
      WHERE r.active AND ${byRule}),
    m AS (
      SELECT p.id AS person_id, r.id AS rule_id
      FROM rules r
      JOIN person_tags pt ON pt.tag = ANY(r.tags) AND (pt.end_date IS NULL OR pt.end_date >= ${today}::date)
      JOIN people p ON p.id = pt.person_id AND p.status = 'active'
      JOIN areas a ON a.id = p.area_id AND a.path <@ r.rpath
      WHERE ${byPerson}
        AND (r.min_age IS NULL OR p.birth_date <= ${today}::date - make_interval(years => r.min_age))
      GROUP BY p.id, r.id, r.tags
      HAVING count(DISTINCT pt.tag) = cardinality(r.tags)),
    ins AS (
      INSERT INTO visit_plans (person_id, rule_id, since, due_on)
      SELECT m.person_id, m.rule_id, ${today}::date, ${dueSql(sql`${today}::date`)}
      FROM m JOIN rules r ON r.id = m.rule_id
      ON CONFLICT (person_id, rule_id) DO NOTHING
      RETURNING id, rule_id),
    -- NOT IN over the CTE is a hashed subplan whatever the estimates (the CTE is guessed at one
    -- row: NOT EXISTS became a nested-loop anti join, quadratic in a street rule's plans).
    del AS (
      DELETE FROM visit_plans vp WHERE ${delScope}
        AND (vp.person_id, vp.rule_id) NOT IN (SELECT m.person_id, m.rule_id FROM m)
      RETURNING id)
    SELECT (SELECT count(*) FROM ins)::int AS inserted, (SELECT count(*) FROM del)::int AS deleted`.execute(
    conn,
  );
  await fixWorkingDayDues(conn, cal, { since: today, ...scope });
  return r.rows[0]!;
}

/** Recomputes due dates from the last visit (or the plan's start) — after a rule's interval changes. */
export async function redatePlans(conn: Conn, cal: WorkCalendar, ruleIds: number[]): Promise<void> {
  await sql`
    UPDATE visit_plans vp SET due_on = ${dueSql(sql`coalesce(vp.last_visit_on, vp.since)`)}
    FROM visit_rules r WHERE r.id = vp.rule_id AND vp.rule_id = ANY(${sql.val(ruleIds)}::bigint[])`.execute(
    conn,
  );
  await fixWorkingDayDues(conn, cal, { ruleIds });
}

/** Rules counted in working days need the calendar: their due dates are set here. */
async function fixWorkingDayDues(
  conn: Conn,
  cal: WorkCalendar,
  scope: RefreshScope & { since?: string },
): Promise<void> {
  let q = conn
    .selectFrom('visitPlans as vp')
    .innerJoin('visitRules as r', 'r.id', 'vp.ruleId')
    .select(['vp.id', 'vp.since', 'vp.lastVisitOn', 'r.intervalCount', 'r.intervalUnit'])
    .where('r.intervalUnit', '=', 'wday');
  if (scope.personIds) q = q.where('vp.personId', 'in', scope.personIds);
  if (scope.ruleIds) q = q.where('vp.ruleId', 'in', scope.ruleIds);
  if (scope.since && !scope.ruleIds && !scope.personIds) q = q.where('vp.since', '=', scope.since);
  const rows = await q.execute();
  if (!rows.length) return;
  const ids = rows.map((r) => r.id);
  const dues = rows.map((r) => nextDue(cal, r, (r.lastVisitOn ?? r.since) as string));
  await sql`
    UPDATE visit_plans vp SET due_on = x.due
    FROM unnest(${sql.val(ids)}::bigint[], ${sql.val(dues)}::date[]) AS x(id, due)
    WHERE vp.id = x.id`.execute(conn);
}

/**
 * Every plan against today's facts (ages, tag end dates), one instance at a time (advisory lock;
 * an instance finding another at it skips). Returns null when skipped.
 */
export async function refreshAllPlans(s: Services): Promise<{ inserted: number; deleted: number } | null> {
  const timing = await calendarFor(s).get();
  return s.db.transaction().execute(async (trx) => {
    const got = await sql<{
      ok: boolean;
    }>`SELECT pg_try_advisory_xact_lock(hashtext('jiayuan:visit-plans')) AS ok`.execute(trx);
    if (!got.rows[0]?.ok) return null;
    return refreshPlans(trx, timing.calendar, {}, chinaDate(s.clock.now()));
  });
}
