import { CamelCasePlugin, Kysely, PostgresDialect, type Transaction } from 'kysely';
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

export function createDb(url: string, opts: { max?: number; log?: (e: Error) => void } = {}): Db {
  const pool = new pg.Pool({
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
