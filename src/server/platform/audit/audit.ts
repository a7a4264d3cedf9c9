import { createHash } from 'node:crypto';
import { type Insertable, sql } from 'kysely';
import type { Conn, Db } from '../db/index.js';
import type { AuditLogTable } from '../db/schema.js';

export interface AuditContext {
  actorId: number | null;
  actorName: string | null;
  ip: string | null;
  requestId: string | null;
}

export interface AuditInput {
  action: string;
  entityType?: string | null;
  entityId?: string | number | null;
  success?: boolean;
  /** Changed fields only: { field: { before, after } } (use `diff`). */
  changes?: Record<string, { before: unknown; after: unknown }> | null;
  detail?: Record<string, unknown> | null;
}

/** Deterministic JSON (sorted keys) so the hash can be recomputed from the stored row. */
export function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object') {
    const keys = Object.keys(value as object)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function payloadOf(row: {
  at: Date;
  actorId: number | null;
  actorName: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  success: boolean;
  ip: string | null;
  requestId: string | null;
  changes: unknown;
  detail: unknown;
}): string {
  return canonical([
    row.at.toISOString(),
    row.actorId,
    row.actorName,
    row.action,
    row.entityType,
    row.entityId,
    row.success,
    row.ip,
    row.requestId,
    row.changes ?? null,
    row.detail ?? null,
  ]);
}

export function chainHash(prev: Buffer, seq: number, payload: string): Buffer {
  return createHash('sha256').update(prev).update(`|${seq}|`).update(payload).digest();
}

/** The row an entry is stored as (`writeAudit`, or a statement that writes it with its change). */
export function auditRow(ctx: AuditContext, input: AuditInput, at: Date): Insertable<AuditLogTable> {
  const changes = input.changes && Object.keys(input.changes).length > 0 ? input.changes : null;
  return {
    at,
    actorId: ctx.actorId,
    actorName: ctx.actorName,
    action: input.action,
    entityType: input.entityType ?? null,
    entityId: input.entityId == null ? null : String(input.entityId),
    success: input.success ?? true,
    ip: ctx.ip,
    requestId: ctx.requestId,
    changes: changes ? JSON.stringify(changes) : null,
    detail: input.detail ? JSON.stringify(input.detail) : null,
  };
}

/**
 * Appends one entry inside the caller's transaction: a plain insert (its transaction id comes
 * with it), so writers never queue on the chain. A rolled-back change leaves no entry; the
 * committed ones are linked into the hash chain by `sealAudit` shortly after.
 */
export async function writeAudit(conn: Conn, ctx: AuditContext, input: AuditInput, at: Date): Promise<void> {
  await conn
    .insertInto('auditLog')
    .values(auditRow(ctx, input, at))
    .execute();
}

/**
 * Links committed entries into the hash chain, numbered by `chain_no`: every unsealed entry this
 * statement can see (an entry becomes visible when its transaction commits; one that rolls back
 * never does), in (transaction, seq) order within a round. A transaction committing later is
 * sealed in a later round, after entries of younger transactions: the chain's order is `chain_no`,
 * not xid. (Waiting for the oldest running transaction instead let one long transaction anywhere
 * on the server — xids are cluster-wide — hold back every seal.) The chain head row is locked
 * while sealing, so sealers in several instances take turns. Returns how many entries it sealed.
 */
export async function sealAudit(db: Db, batch = 5000): Promise<number> {
  let sealed = 0;
  for (;;) {
    const n = await db.transaction().execute(async (trx) => {
      const head = (
        await sql<{
          seq: number;
          hash: Buffer;
        }>`SELECT seq, hash FROM audit_chain WHERE id = 1 FOR UPDATE`.execute(trx)
      ).rows[0];
      if (!head) throw new Error('audit chain head missing');
      const rows = await sql<Record<string, unknown> & { id: number }>`
        SELECT id, at, actor_id, actor_name, action, entity_type, entity_id, success, ip, request_id, changes, detail
        FROM audit_log
        WHERE chain_no IS NULL
        ORDER BY xid, seq LIMIT ${batch}`.execute(trx);
      if (rows.rows.length === 0) return 0;
      let prev = Buffer.from(head.hash);
      let no = Number(head.seq);
      const ids: number[] = [];
      const nos: number[] = [];
      const prevs: Buffer[] = [];
      const hashes: Buffer[] = [];
      for (const r of rows.rows) {
        no++;
        const h = chainHash(prev, no, payloadOf(r as never));
        ids.push(r.id);
        nos.push(no);
        prevs.push(prev);
        hashes.push(h);
        prev = Buffer.from(h);
      }
      await sql`
        UPDATE audit_log a SET chain_no = x.no, prev_hash = x.prev, hash = x.hash
        FROM unnest(${ids}::bigint[], ${nos}::bigint[], ${prevs}::bytea[], ${hashes}::bytea[]) AS x(id, no, prev, hash)
        WHERE a.id = x.id`.execute(trx);
      await trx.updateTable('auditChain').set({ seq: no, hash: prev }).where('id', '=', 1).execute();
      return rows.rows.length;
    });
    sealed += n;
    if (n < batch) return sealed;
  }
}

/** Seals now and every `everyMs`; returns the stop function. */
export function startAuditSealer(db: Db, log: { warn(m: string): void }, everyMs = 1000): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      await sealAudit(db);
    } catch (e) {
      log.warn(`audit sealing failed: ${(e as Error)?.message ?? e}`);
    } finally {
      running = false;
    }
  };
  void run();
  const timer = setInterval(() => void run(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Changed fields between two versions of a record (only keys present in `after`). */
export function diff(
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
): Record<string, { before: unknown; after: unknown }> {
  const out: Record<string, { before: unknown; after: unknown }> = {};
  for (const [k, v] of Object.entries(after)) {
    const b = before ? before[k] : null;
    if (canonical(b) !== canonical(v)) out[k] = { before: b ?? null, after: v ?? null };
  }
  return out;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBrokenSeq: number | null;
  reason: string | null;
}

/**
 * Seals what is ready, then walks the whole chain in chain order, in batches; names the first
 * entry (by its seq) that does not verify. Entries of transactions still running are not part
 * of the chain yet.
 */
export async function verifyChain(db: Db): Promise<VerifyResult> {
  await sealAudit(db);
  const genesis = await sql<{ h: Buffer }>`SELECT sha256('jiayuan-audit-genesis'::bytea) AS h`.execute(db);
  let prev = genesis.rows[0]!.h;
  let expected = 1;
  let checked = 0;
  for (;;) {
    const rows = await db
      .selectFrom('auditLog')
      .selectAll()
      .where('chainNo', '>=', expected)
      .orderBy('chainNo')
      .limit(5000)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      const no = Number(r.chainNo);
      const seq = Number(r.seq);
      if (no !== expected) return broken(checked, expected, `chain entry ${expected} is missing`);
      if (!r.prevHash || !Buffer.from(r.prevHash).equals(prev))
        return broken(checked, seq, 'previous-hash link does not match');
      const h = chainHash(prev, no, payloadOf(r as never));
      if (!r.hash || !h.equals(Buffer.from(r.hash)))
        return broken(checked, seq, 'content does not match its hash');
      prev = h;
      expected++;
      checked++;
    }
  }
  const head = await db
    .selectFrom('auditChain')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirst();
  if (head && Number(head.seq) !== expected - 1) {
    return broken(checked, expected, `chain head says ${head.seq} entries, found ${expected - 1}`);
  }
  return { ok: true, checked, firstBrokenSeq: null, reason: null };
}

function broken(checked: number, seq: number, reason: string): VerifyResult {
  return { ok: false, checked, firstBrokenSeq: seq, reason };
}
