import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Figure } from '../../../contract/cases.js';
import type { Actor } from '../../platform/access/actor.js';
import type { Conn } from '../../platform/db/index.js';
import type { CaseMeasures } from '../../platform/db/schema.js';
import { chinaDate } from '../calendar/calendar.js';

/**
 * Case indicators for (area, period), defined in docs/indicators.md. Each is a SQL aggregate
 * over the case columns the engine keeps from the timeline in the same transaction (reported,
 * accepted, due, closed instants; rework and extension counts; outcome; rating). A period is
 * [from, to) in China time; each figure reads the period by its own instant.
 *
 * All figures and both breakdowns come from one pass grouped by (type, category, state) and summed
 * here: the whole months of the period from case_stats (the same counts per month, kept by
 * triggers on cases in the changing transaction), the days at its edges from the cases themselves.
 * A street's year is ~15,000 rows of case_stats instead of ~200,000 cases (bench/cases.ts,
 * bench/dashboard.ts).
 */
export const INDICATOR_DEFS: Record<string, { zh: string; en: string; unit: Figure['unit'] }> = {
  reported: { zh: '受理量（上报数）', en: 'Cases reported', unit: 'count' },
  closed: { zh: '结案数', en: 'Cases closed', unit: 'count' },
  closureRate: { zh: '结案率', en: 'Closure rate', unit: 'rate' },
  onTimeRate: { zh: '按期结案率', en: 'Closed on time', unit: 'rate' },
  timelyAcceptRate: { zh: '及时受理率', en: 'Accepted in time', unit: 'rate' },
  reworkRate: { zh: '返工率', en: 'Rework rate', unit: 'rate' },
  extensionRate: { zh: '延期率', en: 'Extension rate', unit: 'rate' },
  avgHours: { zh: '平均办理时长（小时）', en: 'Average handling time (hours)', unit: 'hours' },
  satisfaction: { zh: '满意率', en: 'Satisfaction', unit: 'rate' },
  avgRating: { zh: '平均评分', en: 'Average rating', unit: 'score' },
  responseRate: { zh: '响应率', en: 'Response rate', unit: 'rate' },
  mediationRate: { zh: '调处率', en: 'Mediation rate', unit: 'rate' },
  successRate: { zh: '调解成功率', en: 'Mediation success rate', unit: 'rate' },
};

/**
 * The cases under `nodePath` the actor may read, by type. A type read on the node or an ancestor
 * needs no path test of its own (the node's subtree is enough): for a street administrator the
 * whole predicate is one `<@`, which is a fifth of the pass's cost at a million cases.
 */
export function readableUnder(
  actor: Actor,
  types: readonly string[],
  nodePath: string,
  /** Every declared type (`caseTypesOf(s).codes`): reading all of them needs no type test. */
  declared: readonly string[],
) {
  const covers = (p: string) => nodePath === p || nodePath.startsWith(`${p}.`);
  const whole = types.filter((t) => actor.pathsFor(`${t}.read`).some(covers));
  const partial = types.filter((t) => !whole.includes(t) && actor.pathsFor(`${t}.read`).length > 0);
  return (alias: string) => {
    const col = sql.ref(`${alias}.areaPath`);
    const type = sql.ref(`${alias}.type`);
    const parts: RawBuilder<SqlBool>[] = [];
    if (declared.every((t) => whole.includes(t))) parts.push(sql<SqlBool>`true`);
    else if (whole.length) parts.push(sql<SqlBool>`${type} IN (${sql.join(whole)})`);
    for (const t of partial)
      parts.push(
        sql<SqlBool>`(${type} = ${t} AND ${col} <@ ${sql.val(actor.pathsFor(`${t}.read`))}::ltree[])`,
      );
    if (!parts.length) return sql<SqlBool>`false`;
    return sql<SqlBool>`(${col} <@ ${nodePath}::ltree AND (${sql.join(parts, sql` OR `)}))`;
  };
}

export interface IndicatorInput {
  /** Scope of the figures in SQL (the area subtree intersected with what the actor may read). */
  scope: (alias: string) => ReturnType<typeof sql<SqlBool>>;
  type?: string;
  from: Date;
  to: Date;
  now: Date;
}

const rate = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10000) / 10000 : null);

/** One (type, category, state) group of the pass; each count is of its cases with that instant in the period. */
interface Group extends CaseMeasures {
  /** The grouping area (dashboard) or null (one group). */
  grp: number | null;
  type: string;
  category: string;
  state: string;
}

/** The measures' columns, in case_stats and in the pass's output. */
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

const HOUR = 3_600_000;
/** China-time midnight of the first of month `m` (0-based; may overflow into the next year). */
const monthStart = (y: number, m: number) => new Date(Date.UTC(y, m, 1) - 8 * HOUR);

/**
 * The whole China-time months within [from, to) as [first month's start, end of the last), or
 * null when the period holds no whole month.
 */
export function wholeMonths(from: Date, to: Date): [Date, Date] | null {
  const f = new Date(from.getTime() + 8 * HOUR);
  let a = monthStart(f.getUTCFullYear(), f.getUTCMonth());
  if (a < from) a = monthStart(f.getUTCFullYear(), f.getUTCMonth() + 1);
  const t = new Date(to.getTime() + 8 * HOUR);
  const b = monthStart(t.getUTCFullYear(), t.getUTCMonth());
  return a < b ? [a, b] : null;
}

/** Groups the figures by: a grouping area per row of the given alias (dashboard), or none. */
export type GroupBy = (alias: string) => RawBuilder<number | null>;
const NO_GROUP: GroupBy = () => sql<null>`NULL::int`;

/**
 * The pass: whole months of the period from case_stats (kept by triggers on cases, see its
 * migration), the partial months at its edges from cases, in one statement (one snapshot).
 */
export async function pass(conn: Conn, q: IndicatorInput, group: GroupBy = NO_GROUP): Promise<Group[]> {
  const months = wholeMonths(q.from, q.to);
  const edges: [Date, Date][] = months
    ? ([
        [q.from, months[0]],
        [months[1], q.to],
      ].filter(([a, b]) => a! < b!) as [Date, Date][])
    : [[q.from, q.to]];
  const parts: RawBuilder<Group>[] = [];
  if (months) parts.push(fromStats(q, months, group));
  if (edges.length) parts.push(fromCases(q, edges, group));
  const query = sql<Group>`${sql.join(parts, sql` UNION ALL `)}`;
  // JIT compiling this aggregate costs more than running it (0.3–0.9 s seen at a million cases).
  if (conn.isTransaction) return (await query.execute(conn)).rows;
  return conn.transaction().execute(async (trx) => {
    await sql`SET LOCAL jit = off`.execute(trx);
    return (await query.execute(trx)).rows;
  });
}

function typeIs(q: IndicatorInput, alias: string) {
  return q.type ? sql<SqlBool>`${sql.ref(`${alias}.type`)} = ${q.type}` : sql<SqlBool>`true`;
}

function fromStats(q: IndicatorInput, [a, b]: [Date, Date], group: GroupBy) {
  const sums = MEASURES.map((m) =>
    m === 'clo_seconds'
      ? sql`sum(${sql.ref(`s.${m}`)}) AS ${sql.ref(m)}`
      : sql`sum(${sql.ref(`s.${m}`)})::int AS ${sql.ref(m)}`,
  );
  return sql<Group>`
    SELECT ${group('s')} AS grp, s.type, s.category, s.state, ${sql.join(sums)}
    FROM case_stats s
    WHERE s.month >= ${chinaDate(a)}::date AND s.month < ${chinaDate(b)}::date
      AND ${typeIs(q, 's')} AND ${q.scope('s')}
    GROUP BY 1, s.type, s.category, s.state`;
}

function fromCases(q: IndicatorInput, ranges: [Date, Date][], group: GroupBy) {
  const inP = (col: string) => {
    const c = sql.ref(`c.${col}`);
    return sql<SqlBool>`(${sql.join(
      ranges.map(([a, b]) => sql`(${c} >= ${a} AND ${c} < ${b})`),
      sql` OR `,
    )})`;
  };
  const [rep, due, acc, clo] = [inP('reported_at'), inP('due_at'), inP('accepted_at'), inP('closed_at')];
  return sql<Group>`
    SELECT ${group('c')} AS grp, c.type, c.category, c.state,
      count(*) FILTER (WHERE ${rep})::int AS rep,
      count(*) FILTER (WHERE ${rep} AND c.extension_count > 0)::int AS rep_extended,
      count(*) FILTER (WHERE ${rep} AND c.accepted_at <= c.accept_due_at)::int AS rep_responded,
      count(*) FILTER (WHERE ${rep} AND c.mediated_at IS NOT NULL)::int AS rep_mediated,
      count(*) FILTER (WHERE ${rep} AND c.mediated_at IS NOT NULL AND c.outcome = 'agreement')::int AS rep_agreed,
      count(*) FILTER (WHERE ${due})::int AS due,
      count(*) FILTER (WHERE ${due} AND c.closed_at <= c.due_at)::int AS due_on_time,
      count(*) FILTER (WHERE ${acc})::int AS acc,
      count(*) FILTER (WHERE ${acc} AND c.accepted_at <= c.accept_due_at)::int AS acc_in_time,
      count(*) FILTER (WHERE ${clo})::int AS clo,
      count(*) FILTER (WHERE ${clo} AND c.rework_count > 0)::int AS clo_reworked,
      -- In MEASURES' order: UNION ALL matches the stats part's columns by position, not name.
      count(c.rating) FILTER (WHERE ${clo})::int AS clo_rated,
      count(*) FILTER (WHERE ${clo} AND c.rating >= 4)::int AS clo_satisfied,
      coalesce(sum(c.rating) FILTER (WHERE ${clo}), 0)::int AS clo_rating_sum,
      coalesce(sum(date_part('epoch', c.closed_at - c.reported_at)) FILTER (WHERE ${clo}), 0) AS clo_seconds
    FROM cases c
    WHERE (${rep} OR ${due} OR ${acc} OR ${clo}) AND ${typeIs(q, 'c')} AND ${q.scope('c')}
    GROUP BY 1, c.type, c.category, c.state`;
}

/** computeIndicators and breakdowns called together (the route) share one pass. */
const inFlight = new WeakMap<IndicatorInput, Promise<Group[]>>();
function groupsOf(conn: Conn, q: IndicatorInput): Promise<Group[]> {
  let p = inFlight.get(q);
  if (!p) {
    p = pass(conn, q);
    inFlight.set(q, p);
    const forget = () => inFlight.delete(q);
    p.then(forget, forget);
  }
  return p;
}

/** The counts every case figure is made of, summed over groups of the pass. */
export function accumulate(groups: Group[]) {
  const x = {
    reported: 0,
    extended: 0,
    responded: 0,
    disputes: 0,
    mediated: 0,
    agreed: 0,
    due: 0,
    dueClosed: 0,
    onTime: 0,
    accepted: 0,
    acceptedInTime: 0,
    closed: 0,
    reworked: 0,
    seconds: 0,
    rated: 0,
    satisfied: 0,
    ratingSum: 0,
    byType: {} as Record<string, number>,
  };
  for (const g of groups) {
    const dispute = g.type === 'dispute';
    // Mediation counts disputes registered in the period whatever became of them.
    if (dispute) {
      x.mediated += g.repMediated;
      x.agreed += g.repAgreed;
    }
    // Rejected cases (invalid, duplicate, out of scope) count in no rate.
    if (g.state === 'rejected') continue;
    x.reported += g.rep;
    x.byType[g.type] = (x.byType[g.type] ?? 0) + g.rep;
    x.extended += g.repExtended;
    x.responded += g.repResponded;
    if (dispute) x.disputes += g.rep;
    x.due += g.due;
    x.accepted += g.acc;
    x.acceptedInTime += g.accInTime;
    if (g.state !== 'closed') continue;
    x.dueClosed += g.due;
    x.onTime += g.dueOnTime;
    x.closed += g.clo;
    x.reworked += g.cloReworked;
    x.seconds += g.cloSeconds;
    x.rated += g.cloRated;
    x.satisfied += g.cloSatisfied;
    x.ratingSum += g.cloRatingSum;
  }
  return x;
}

/** Each figure as (numerator, denominator); a count has no denominator. */
export function partsOf(x: ReturnType<typeof accumulate>): Record<string, [number, number | null]> {
  return {
    reported: [x.reported, null],
    closed: [x.closed, null],
    closureRate: [x.dueClosed, x.due],
    onTimeRate: [x.onTime, x.due],
    timelyAcceptRate: [x.acceptedInTime, x.accepted],
    reworkRate: [x.reworked, x.closed],
    extensionRate: [x.extended, x.reported],
    avgHours: [x.seconds / 3600, x.closed],
    satisfaction: [x.satisfied, x.rated],
    avgRating: [x.ratingSum, x.rated],
    responseRate: [x.responded, x.reported],
    mediationRate: [x.mediated, x.disputes],
    successRate: [x.agreed, x.mediated],
  };
}

export async function computeIndicators(conn: Conn, q: IndicatorInput) {
  const parts = partsOf(accumulate(await groupsOf(conn, q)));
  const values: Record<string, [number | null, number | null, number | null]> = {};
  for (const [k, [n, d]] of Object.entries(parts)) {
    if (d === null) values[k] = [n, null, null];
    else if (k === 'avgHours') values[k] = [d > 0 ? Math.round((n / d) * 10) / 10 : null, null, null];
    else if (k === 'avgRating') values[k] = [d > 0 ? Math.round((n / d) * 100) / 100 : null, null, null];
    else values[k] = [rate(n, d), n, d];
  }
  return values;
}

/** Cases reported in the period by state, and by category (the 30 most frequent). */
export async function breakdowns(conn: Conn, q: IndicatorInput) {
  const groups = await groupsOf(conn, q);
  const byState = new Map<string, number>();
  const byCategory = new Map<string, { type: string; category: string; count: number }>();
  for (const g of groups) {
    if (g.rep === 0) continue;
    byState.set(g.state, (byState.get(g.state) ?? 0) + g.rep);
    const k = `${g.type}\u0000${g.category}`;
    const c = byCategory.get(k) ?? { type: g.type, category: g.category, count: 0 };
    c.count += g.rep;
    byCategory.set(k, c);
  }
  const desc = <T extends { count: number }>(a: T, b: T) => b.count - a.count;
  return {
    byState: [...byState].map(([state, count]) => ({ state, count })).sort(desc),
    byCategory: [...byCategory.values()].sort(desc).slice(0, 30),
  };
}
