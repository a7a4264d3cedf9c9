import { createHash } from 'node:crypto';
import {
  CamelCasePlugin,
  type CompiledQuery,
  isExpression,
  Kysely,
  PostgresDialect,
  type RawBuilder,
  sql,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import type { DB } from './schema.js';

export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;
/** Either the root handle or a transaction: repositories are built from whichever they are given. */
export type Conn = Kysely<DB>;

// int8 (bigint ids, counts) as JS numbers: our ids stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// numeric as number
pg.types.setTypeParser(1700, (v) => Number(v));
// date as its ISO text (YYYY-MM-DD): a calendar date has no time zone to shift it.
pg.types.setTypeParser(1082, (v) => v);

/**
 * SQL texts run as named prepared statements (`prepared`), each with its name. Such a statement
 * is parsed and planned once per connection instead of on every call: on a transition most of
 * PostgreSQL's time had been planning (pg_stat_statements, track_planning). Only the hot
 * statements the code marks are kept, and at most MAX_PREPARED of them, so a connection's
 * prepared statements stay few whatever the queries.
 */
const preparedNames = new Map<string, string>();
const MAX_PREPARED = 200;

/** The pool's client: a query whose text is marked runs under its prepared statement's name. */
class PreparingClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg.Client's query has many overloads; this passes them through
  override query(config: any, values?: any, callback?: any): any {
    const name = typeof config === 'string' ? preparedNames.get(config) : undefined;
    if (name) return super.query({ name, text: config, values }, callback);
    return super.query(config, values, callback);
  }
}

/**
 * Runs a query as a named prepared statement on whichever connection it gets: for the statements
 * every request runs (the session, a case's read and write). Their plans then are PostgreSQL's
 * generic ones after five runs, when PostgreSQL estimates them no dearer than fresh ones (keyed
 * reads and writes). Not forced with plan_cache_mode = force_generic_plan: that setting also
 * governs the unnamed statements every other query runs as, and the indicators' date ranges
 * then got generic plans four times slower (measured: the street's year 190 → 780 ms).
 */
export async function prepared<O>(
  conn: Conn,
  query: { compile(conn: Conn): CompiledQuery<O> },
): Promise<O[]> {
  const compiled = query.compile(conn);
  const text = compiled.sql;
  if (!preparedNames.has(text) && preparedNames.size < MAX_PREPARED)
    preparedNames.set(text, `jy_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`);
  try {
    return (await conn.executeQuery<O>(compiled)).rows;
  } catch (e) {
    // A migration by another instance changed a table under a `SELECT *` prepared here (a rolling
    // upgrade): prepare it afresh under a new name on every connection, and run it again.
    const name = preparedNames.get(text);
    if (!name || !/cached plan must not change result type/.test((e as Error)?.message ?? '')) throw e;
    preparedNames.set(text, `${name.split('_r')[0]}_r${++renamed}`);
    return (await conn.executeQuery<O>(compiled)).rows;
  }
}
let renamed = 0;

export function createDb(url: string, opts: { max?: number; log?: (e: Error) => void } = {}): Db {
  const pool = new pg.Pool({
    Client: PreparingClient,
    connectionString: url,
    max: opts.max ?? 20,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    application_name: 'jiayuan',
  });
  // A connection dropped by the server (restart, kill) must not crash the process.
  pool.on('error', (e) => opts.log?.(e));
  // …nor may one that is checked out when the server goes away (restart, shutdown, kill).
  pool.on('connect', (client) => client.on('error', (e) => opts.log?.(e)));
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
}

/** True for errors that mean "the database is not reachable right now" (answer 503, retry later). */
export function isDbUnavailable(e: unknown): boolean {
  const err = e as { code?: string; message?: string } | null;
  if (!err) return false;
  const code = err.code ?? '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code))
    return true;
  // 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 08xxx connection exceptions
  if (/^57P0[123]$/.test(code) || /^08/.test(code)) return true;
  const m = err.message ?? '';
  return (
    m.includes('timeout exceeded when trying to connect') ||
    m.includes('Connection terminated') ||
    m.includes('Client has encountered a connection error')
  );
}

/** Text as a literal inside a LIKE pattern: its wildcards and the escape character escaped. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * `INSERT INTO <table> (<columns>) SELECT <values> FROM <from>`, the body of a data-modifying CTE
 * that writes its row once per row of `from` (an earlier CTE of the same statement): only if that
 * one wrote. Values go as parameters, each typed by its target column; an expression (e.g. an
 * `unnest(…)` for one row per element) is used as it is. Keys are camelCase, as everywhere.
 */
export function insertFrom(table: keyof DB, row: Record<string, unknown>, from: string): RawBuilder<unknown> {
  const cols = Object.keys(row).filter((k) => row[k] !== undefined);
  return sql`INSERT INTO ${sql.table(table)} (${sql.join(cols.map((k) => sql.ref(k)))}) SELECT ${sql.join(
    cols.map((k) => (isExpression(row[k]) ? row[k] : sql.val(row[k]))),
  )} FROM ${sql.table(from)}`;
}
