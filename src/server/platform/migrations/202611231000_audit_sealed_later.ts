import { type Kysely, sql } from 'kysely';

// Frozen: never import app code here.
// The audit chain is sealed after commit instead of inside every writing transaction: an entry is
// inserted with its transaction id (no lock), and the sealer links entries whose transactions
// have all ended (xid below the oldest running one) in (transaction, seq) order, numbering them
// with `chain_no`. Writes no longer queue on the chain head; the chain is as strong as before
// once sealed (within a second or two, and always before verification).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE audit_log ADD COLUMN xid xid8`.execute(db);
  await sql`ALTER TABLE audit_log ADD COLUMN chain_no bigint`.execute(db);
  // Entries already chained keep their place: chain_no = seq.
  await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`.execute(db);
  await sql`UPDATE audit_log SET chain_no = seq, xid = '0'::xid8`.execute(db);
  await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change`.execute(db);
  await sql`ALTER TABLE audit_log ALTER COLUMN xid SET DEFAULT pg_current_xact_id()`.execute(db);
  await sql`ALTER TABLE audit_log ALTER COLUMN xid SET NOT NULL`.execute(db);
  await sql`ALTER TABLE audit_log ALTER COLUMN prev_hash DROP NOT NULL`.execute(db);
  await sql`ALTER TABLE audit_log ALTER COLUMN hash DROP NOT NULL`.execute(db);
  await sql`CREATE UNIQUE INDEX audit_chain_no ON audit_log (chain_no)`.execute(db);
  await sql`CREATE INDEX audit_unsealed ON audit_log (xid, seq) WHERE chain_no IS NULL`.execute(db);
  // seq: insertion order, from a sequence (no lock).
  await sql`CREATE SEQUENCE audit_log_seq`.execute(db);
  await sql`SELECT setval('audit_log_seq', coalesce((SELECT max(seq) FROM audit_log), 0) + 1, false)`.execute(
    db,
  );
  await sql`ALTER TABLE audit_log ALTER COLUMN seq SET DEFAULT nextval('audit_log_seq')`.execute(db);
  // Still append-only: the only change allowed is sealing an unsealed entry, content untouched.
  await sql`
    CREATE OR REPLACE FUNCTION audit_log_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND OLD.chain_no IS NULL AND NEW.chain_no IS NOT NULL
         AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
         AND (NEW.id, NEW.seq, NEW.xid, NEW.at, NEW.actor_id, NEW.actor_name, NEW.action, NEW.entity_type,
              NEW.entity_id, NEW.success, NEW.ip, NEW.request_id, NEW.changes::text, NEW.detail::text)
             IS NOT DISTINCT FROM
             (OLD.id, OLD.seq, OLD.xid, OLD.at, OLD.actor_id, OLD.actor_name, OLD.action, OLD.entity_type,
              OLD.entity_id, OLD.success, OLD.ip, OLD.request_id, OLD.changes::text, OLD.detail::text)
      THEN RETURN NEW; END IF;
      RAISE EXCEPTION 'audit_log is append-only';
    END $$`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('the kernel migrations are not reversible');
}
