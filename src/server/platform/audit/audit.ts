import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Conn, Db } from '../db/index.js';

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

/**
 * Appends one entry to the hash chain inside the caller's transaction: the chain head row is
 * locked until commit, so entries are chained in commit order and a rolled-back change leaves
 * no entry. Call it last in a transaction to keep the lock short.
 */
export async function writeAudit(conn: Conn, ctx: AuditContext, input: AuditInput, at: Date): Promise<void> {
  const head = await sql<{
    seq: number;
    hash: Buffer;
  }>`SELECT seq, hash FROM audit_chain WHERE id = 1 FOR UPDATE`.execute(conn);
  const prev = head.rows[0];
  if (!prev) throw new Error('audit chain head missing');
  const row = {
    at,
    actorId: ctx.actorId,
    actorName: ctx.actorName,
    action: input.action,
    entityType: input.entityType ?? null,
    entityId: input.entityId == null ? null : String(input.entityId),
    success: input.success ?? true,
    ip: ctx.ip,
    requestId: ctx.requestId,
    changes: input.changes && Object.keys(input.changes).length > 0 ? input.changes : null,
    detail: input.detail ?? null,
  };
  const seq = Number(prev.seq) + 1;
  const hash = chainHash(prev.hash, seq, payloadOf(row));
  await conn
    .insertInto('auditLog')
    .values({
      ...row,
      seq,
      changes: row.changes ? JSON.stringify(row.changes) : null,
      detail: row.detail ? JSON.stringify(row.detail) : null,
      prevHash: prev.hash,
      hash,
    })
    .execute();
  await conn.updateTable('auditChain').set({ seq, hash }).where('id', '=', 1).execute();
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

/** Walks the whole chain in seq order, in batches; names the first row that does not verify. */
export async function verifyChain(db: Db): Promise<VerifyResult> {
  const genesis = await sql<{ h: Buffer }>`SELECT sha256('jiayuan-audit-genesis'::bytea) AS h`.execute(db);
  let prev = genesis.rows[0]!.h;
  let expectedSeq = 1;
  let checked = 0;
  for (;;) {
    const rows = await db
      .selectFrom('auditLog')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(5000)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      const seq = Number(r.seq);
      if (seq !== expectedSeq) return broken(checked, expectedSeq, `entry ${expectedSeq} is missing`);
      if (!Buffer.from(r.prevHash).equals(prev))
        return broken(checked, seq, 'previous-hash link does not match');
      const h = chainHash(prev, seq, payloadOf(r as never));
      if (!h.equals(Buffer.from(r.hash))) return broken(checked, seq, 'content does not match its hash');
      prev = h;
      expectedSeq++;
      checked++;
    }
  }
  const head = await db
    .selectFrom('auditChain')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirst();
  if (head && Number(head.seq) !== expectedSeq - 1) {
    return broken(checked, expectedSeq, `chain head says ${head.seq} entries, found ${expectedSeq - 1}`);
  }
  return { ok: true, checked, firstBrokenSeq: null, reason: null };
}

function broken(checked: number, seq: number, reason: string): VerifyResult {
  return { ok: false, checked, firstBrokenSeq: seq, reason };
}
