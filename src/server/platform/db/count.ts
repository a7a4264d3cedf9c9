import { CompiledQuery, type SelectQueryBuilder, sql } from 'kysely';
import type { Conn } from './index.js';

/**
 * The total of a list, for every list (people, houses, organisations, users …): exact when
 * counting is cheap, otherwise the planner's estimate, said to be one. Never a wrong exact number
 * (the lists used to answer 10,001 for a street of 63,000).
 *
 * 1. Up to `cap` rows are counted with a LIMIT inside the count: a page turn of a small area or a
 *    narrow filter costs what it did.
 * 2. Beyond that, the whole count runs under a statement timeout of `budgetMs`: a street's tens of
 *    thousands of people are counted in tens of milliseconds (EXPLAIN ANALYZE on the demo street,
 *    63,000 people, street administrator's scope: index-only scan of people_area hashed against
 *    the scope's 23,769 areas, 71–95 ms warm on the 2-core VM), and the answer is exact.
 * 3. A count that does not finish within the budget (a million people, a trigram search matching
 *    most of them) is cancelled by PostgreSQL, and the total is the planner's row estimate for
 *    the same query, rounded to two significant digits and marked `exact: false`.
 */
export interface Total {
  total: number;
  exact: boolean;
}

export const COUNT_FAST_CAP = 10_000;
/** How long an exact count beyond the fast cap may take before the estimate is used instead. */
export const COUNT_BUDGET_MS = 500;

/** Two significant digits: 63,412 → 63,000 (an estimate is not precise to the row). */
export function roundEstimate(n: number): number {
  if (n < 100) return Math.round(n);
  const scale = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.round(n / scale) * scale;
}

// biome-ignore lint/suspicious/noExplicitAny: any list's filtered query, whatever its tables
type AnySelect = SelectQueryBuilder<any, any, any>;

/**
 * `query` is the list's filtered query (scope, filters, search) selecting anything, without
 * ORDER BY, LIMIT or OFFSET.
 */
export async function countTotal(
  db: Conn,
  query: AnySelect,
  opts: { cap?: number; budgetMs?: number } = {},
): Promise<Total> {
  const cap = opts.cap ?? COUNT_FAST_CAP;
  const budget = opts.budgetMs ?? COUNT_BUDGET_MS;
  const fast = await db
    .selectFrom(query.limit(cap + 1).as('c'))
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirst();
  const n = fast?.n ?? 0;
  if (n <= cap) return { total: n, exact: true };

  // Inside a transaction the timeout would abort the caller's work: estimate there.
  if (budget > 0 && !db.isTransaction) {
    try {
      const full = await db.transaction().execute(async (trx) => {
        await sql`SELECT set_config('statement_timeout', ${String(budget)}, true)`.execute(trx);
        return trx.selectFrom(query.as('c')).select(sql<number>`count(*)::int`.as('n')).executeTakeFirst();
      });
      return { total: full?.n ?? 0, exact: true };
    } catch (e) {
      // 57014 query_canceled: the budget ran out. Anything else is a real error.
      if ((e as { code?: string }).code !== '57014') throw e;
    }
  }
  const compiled = query.compile();
  // The plan as text (a JSON plan's keys would go through the camel-case plugin): its first line
  // is the top node, "… (cost=… rows=63412 width=4)".
  const plan = await db.executeQuery<Record<string, string>>(
    CompiledQuery.raw(`EXPLAIN ${compiled.sql}`, [...compiled.parameters]),
  );
  const top = String(Object.values(plan.rows[0] ?? {})[0] ?? '');
  const estimated = Number(/rows=(\d+)/.exec(top)?.[1] ?? 0);
  // The fast count saw more than `cap` rows: an estimate below that is certainly wrong.
  return { total: roundEstimate(Math.max(cap + 1, estimated)), exact: false };
}
