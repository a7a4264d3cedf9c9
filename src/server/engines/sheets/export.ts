import { PassThrough } from 'node:stream';
import { sql } from 'kysely';
import type { Conn, Db } from '../../platform/db/index.js';
import type { ReadSource } from '../../platform/db/replica.js';
import { AppError } from '../../platform/errors/app-error.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';
import { localStamp, writeXlsx, type XlsxColumn } from './xlsx.js';

/** Rows one export may hold. */
export const LEDGER_EXPORT_CAP = 100_000;
/** Exports of one ledger per user per hour (counted in the audit log). */
export const LEDGER_EXPORT_LIMIT = 20;

export interface LedgerExport {
  /** the audit action, e.g. `org.export` (also what the hourly limit counts) */
  action: string;
  entityType: string | null;
  /** the list's filter and sort as asked (identifiers in it already masked by the caller) */
  query: unknown;
  /**
   * how many rows the filter matches, counted up to `cap + 1`; `db` is where to read them: the
   * read replica when one is configured and answers (READ_DATABASE_URL), else the primary
   */
  count(cap: number, db: Db): Promise<number>;
  /** the rows, at most `n`, each already masked and in words (labels, not codes), read from `db` */
  rows(n: number, db: Db): AsyncIterable<Record<string, string | number | null>>;
  sheetName: string;
  /** file name without the date: 组织单位 → 组织单位-2026-12-07.xlsx; `asciiName` for old clients */
  fileName: string;
  asciiName: string;
  columns: XlsxColumn[];
  /** Exports an hour per user (default LEDGER_EXPORT_LIMIT), counted over `actions` (default: `action`). */
  limit?: { perHour: number; actions?: string[] };
  /** Rows one export may hold (default LEDGER_EXPORT_CAP); more are cut and the answer says so. */
  cap?: number;
  /** The watermark from who exported and when (default: for work use only, in Chinese). */
  watermark?: (who: string, time: string) => string;
}

/**
 * A ledger as .xlsx, the way every list exports: limited per user and hour (counted in the audit
 * log: checked before the count, so a refused export costs one small query, and again under a
 * per-user lock with the entry), audited (query and row count) in its own transaction before the
 * first byte leaves, then streamed with the exporter's watermark. What it holds is the caller's:
 * scope in the SQL, identifiers masked, codes as words.
 *
 * The count and the rows read through `readSource` (the replica when READ_DATABASE_URL is set and
 * it answers, issue 22): an export is a figure some seconds old at most (the replica's lag); the
 * limit check and the audit entry stay on the primary. Exports whose queries take the `db` they
 * are given read the replica; the others read the primary as before.
 */
export async function exportLedger(s: Services, ctx: Ctx, e: LedgerExport) {
  const now = s.clock.now();
  const stamp = localStamp(now);
  const perHour = e.limit?.perHour ?? LEDGER_EXPORT_LIMIT;
  const actions = e.limit?.actions ?? [e.action];
  const cap = Math.min(e.cap ?? LEDGER_EXPORT_CAP, s.config.exportCap ?? Number.POSITIVE_INFINITY);
  const used = async (conn: Conn) => {
    const r = await conn
      .selectFrom('auditLog')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('actorId', '=', ctx.actor.userId)
      .where('action', 'in', actions)
      .where('at', '>', new Date(now.getTime() - 3600_000))
      .executeTakeFirst();
    if ((r?.n ?? 0) >= perHour) throw new AppError('RATE_LIMITED');
  };
  await used(s.db);
  const src = await readSource(s);
  const matched = await e.count(cap + 1, src.db);
  const capped = matched > cap;
  const n = Math.min(matched, cap);
  await inTx(s, ctx, async (trx, audit) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`jiayuan:export:${ctx.actor.userId}`}))`.execute(trx);
    await used(trx);
    await audit({ action: e.action, entityType: e.entityType, detail: { query: e.query, rows: n, capped } });
  });

  const out = new PassThrough();
  const who = `${ctx.actor.displayName}（${ctx.actor.username}）`;
  const watermark = e.watermark?.(who, stamp.time) ?? `导出人 ${who} ${stamp.time} 仅限工作使用，注意保密`;
  writeXlsx(out, { sheetName: e.sheetName, columns: e.columns, rows: e.rows(n, src.db), watermark })
    .then(() => {
      if (!out.writableEnded) out.end();
    })
    .catch((err) => {
      s.log.error(err);
      out.destroy(err as Error);
    });
  const name = `${e.fileName}-${stamp.date}.xlsx`;
  return {
    stream: out,
    rows: n,
    capped,
    disposition: `attachment; filename="${e.asciiName}-${stamp.date}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
  };
}

/** Where figures and exports read: `services.reads` (a replica, or the primary when it is down). */
export async function readSource(s: Pick<Services, 'db' | 'reads'>): Promise<ReadSource> {
  return s.reads ? s.reads.use() : { db: s.db, lagMs: 0, replica: false };
}

/**
 * An export's rows read through the list's own query, a page at a time (`page(1)`, `page(2)` …),
 * at most `n` of them: the export shows what the list shows, scope and masking included.
 */
export async function* pagedRows<T>(n: number, page: (p: number) => Promise<T[]>): AsyncIterable<T> {
  let left = n;
  for (let p = 1; left > 0; p++) {
    const items = await page(p);
    if (items.length === 0) break;
    for (const item of items.slice(0, left)) yield item;
    left -= items.length;
  }
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Sends an export's answer (the route's last step). */
export function sendExport(
  reply: {
    header(k: string, v: string): unknown;
    send(b: unknown): unknown;
  },
  r: Awaited<ReturnType<typeof exportLedger>>,
) {
  reply.header('content-type', XLSX_TYPE);
  reply.header('content-disposition', r.disposition);
  reply.header('x-export-rows', String(r.rows));
  if (r.capped) reply.header('x-export-capped', 'true');
  return reply.send(r.stream);
}

/** Sends an import template (no side effect: a GET). */
export function sendTemplate(
  reply: { header(k: string, v: string): unknown; send(b: unknown): unknown },
  body: Buffer,
  name: string,
) {
  reply.header('content-type', XLSX_TYPE);
  reply.header(
    'content-disposition',
    `attachment; filename="template.xlsx"; filename*=UTF-8''${encodeURIComponent(`${name}.xlsx`)}`,
  );
  return reply.send(body);
}
