/**
 * The logical backup behind `npm run backup` / `npm run restore` and the backup drill.
 *
 * Why not pg_dump: the embedded PostgreSQL package ships only initdb, pg_ctl and postgres, and a
 * machine's pg_dump refuses a newer server (Debian 12's pg_dump 15 against the embedded 17). So
 * the data leaves as PostgreSQL's own `COPY … TO STDOUT` text, table by table, inside one
 * REPEATABLE READ READ ONLY transaction (one consistent snapshot, as pg_dump takes), and the schema
 * is not dumped at all: the restore runs the app's migrations up to the backup's last one.
 *
 * File: gzip of frames `type (1 byte) | length (uint32 BE) | payload`:
 *   H {header json}   T {table, columns}   D <copy text chunk>…   E {rows}   S {sequences}   Z
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  scryptSync,
} from 'node:crypto';
import { once } from 'node:events';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { createGunzip, createGzip } from 'node:zlib';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { allMigrations } from '../../src/server/modules/index.js';
import { loadConfig } from '../../src/server/platform/config.js';
import { lockDataDir, startEmbedded } from '../../src/server/platform/db/embedded.js';
import { MergedMigrations } from '../../src/server/platform/db/migrate.js';
import { copyIn, copyOut } from './pgcopy.js';

export const FORMAT = 'jiayuan-backup/1';
const MIGRATION_TABLES = ['schema_migrations', 'schema_migrations_lock'];

// ————————————————————————— where the database is —————————————————————————

export interface Target {
  url: string;
  /** What it is, for messages (the password left out). */
  label: string;
  /** Set when this process started the embedded PostgreSQL itself (the app was not running). */
  close(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The app's database: `--url`, else DATABASE_URL, else the embedded PostgreSQL of DATA_DIR — the
 * running one (its port from postmaster.pid, its password from DATA_DIR/pg-password), or, when
 * the app is stopped, one this process starts (holding the data-directory lock meanwhile, so the
 * app cannot start on it) and stops again.
 */
export async function openTarget(
  opts: { url?: string; env?: NodeJS.ProcessEnv; exclusive?: boolean } = {},
): Promise<Target> {
  const config = loadConfig(opts.env ?? process.env);
  const url = opts.url ?? config.databaseUrl;
  if (url) return { url, label: redact(url), close: async () => {} };
  const pidFile = path.join(config.dataDir, 'pg', 'postmaster.pid');
  const credFile = path.join(config.dataDir, 'pg-password');
  if (existsSync(pidFile)) {
    const lines = readFileSync(pidFile, 'utf8').split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    if (pid > 0 && alive(pid) && port > 0) {
      if (opts.exclusive)
        throw new Error(
          `the app (its PostgreSQL, pid ${pid}) is running on ${config.dataDir}: stop it first`,
        );
      const password = readFileSync(credFile, 'utf8').trim();
      return {
        url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/jiayuan`,
        label: `embedded PostgreSQL of ${config.dataDir} (running, port ${port})`,
        close: async () => {},
      };
    }
  }
  const release = lockDataDir(config.dataDir);
  try {
    const handle = await startEmbedded({ dataDir: config.dataDir, port: config.embeddedPgPort });
    return {
      url: handle.url,
      label: `embedded PostgreSQL of ${config.dataDir} (started for this command)`,
      close: async () => {
        await handle.stop();
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

export function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

// ————————————————————————— the key (kept out of the dump) —————————————————————————

/** A fingerprint of the master key, so a restore can tell whether the key in place is the right one. */
export function keyId(master: Buffer): string {
  return createHmac('sha256', master).update('jiayuan:key-id:v1').digest('hex').slice(0, 16);
}

/** The app's master key if one is configured (JIAYUAN_KEY or the key file), else null. */
export function currentKey(env: NodeJS.ProcessEnv = process.env): Buffer | null {
  if (env.JIAYUAN_KEY) return Buffer.from(env.JIAYUAN_KEY, 'base64');
  const file = loadConfig(env).keyFile;
  return existsSync(file) ? Buffer.from(readFileSync(file, 'utf8').trim(), 'base64') : null;
}

/** The key sealed with a passphrase (scrypt → AES-256-GCM), for `--with-key`. */
export function sealKey(master: Buffer, passphrase: string): string {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const k = scryptSync(passphrase, salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 << 20 });
  const c = createCipheriv('aes-256-gcm', k, iv);
  const body = Buffer.concat([c.update(master), c.final()]);
  return `scrypt1.${Buffer.concat([salt, iv, c.getAuthTag(), body]).toString('base64')}`;
}

export function unsealKey(sealed: string, passphrase: string): Buffer {
  const raw = Buffer.from(sealed.replace(/^scrypt1\./, ''), 'base64');
  const k = scryptSync(passphrase, raw.subarray(0, 16), 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 << 20 });
  const d = createDecipheriv('aes-256-gcm', k, raw.subarray(16, 28));
  d.setAuthTag(raw.subarray(28, 44));
  try {
    return Buffer.concat([d.update(raw.subarray(44)), d.final()]);
  } catch {
    throw new Error('wrong passphrase for the key in this backup');
  }
}

// ————————————————————————— frames —————————————————————————

function frame(type: string, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

class FrameReader {
  private buf = Buffer.alloc(0);
  private it: AsyncIterator<Buffer>;
  constructor(source: AsyncIterable<Buffer>) {
    this.it = source[Symbol.asyncIterator]();
  }
  private async fill(n: number): Promise<boolean> {
    const parts: Buffer[] = [this.buf];
    let have = this.buf.length;
    while (have < n) {
      const r = await this.it.next();
      if (r.done) break;
      parts.push(r.value);
      have += r.value.length;
    }
    this.buf = parts.length === 1 ? this.buf : Buffer.concat(parts);
    return this.buf.length >= n;
  }
  async next(): Promise<{ type: string; payload: Buffer } | null> {
    if (!(await this.fill(5))) {
      if (this.buf.length) throw new Error('backup file is truncated');
      return null;
    }
    const type = this.buf.toString('latin1', 0, 1);
    const len = this.buf.readUInt32BE(1);
    if (!(await this.fill(5 + len))) throw new Error('backup file is truncated');
    const payload = this.buf.subarray(5, 5 + len);
    this.buf = this.buf.subarray(5 + len);
    return { type, payload };
  }
}

// ————————————————————————— what the schema holds —————————————————————————

const qi = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function tablesOf(client: pg.Client): Promise<{ name: string; columns: string[] }[]> {
  const r = await client.query<{ name: string; columns: string[] }>(`
    SELECT c.relname AS name,
           array_agg(a.attname::text ORDER BY a.attnum) AS columns
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
    GROUP BY c.relname ORDER BY c.relname`);
  return r.rows.filter((t) => !MIGRATION_TABLES.includes(t.name));
}

async function appliedMigrations(client: pg.Client): Promise<string[]> {
  const has = await client.query("SELECT to_regclass('public.schema_migrations') IS NOT NULL AS ok");
  if (!has.rows[0].ok) throw new Error('this database holds no Jiayuan schema (nothing to back up)');
  const r = await client.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
  return r.rows.map((x) => x.name);
}

// ————————————————————————— backup —————————————————————————

export interface BackupResult {
  file: string;
  bytes: number;
  tables: number;
  rows: number;
  ms: number;
  rowsByTable: Record<string, number>;
}

export async function backup(opts: {
  url: string;
  file: string;
  /** The key sealed with a passphrase goes into the header when given. */
  sealedKey?: string | null;
  keyId?: string | null;
}): Promise<BackupResult> {
  const t0 = performance.now();
  const client = new pg.Client({ connectionString: opts.url, application_name: 'jiayuan-backup' });
  await client.connect();
  const gzip = createGzip({ level: 3 });
  // Written aside and renamed when complete: a failed backup never leaves a file that looks whole.
  const partial = `${opts.file}.partial`;
  const out = createWriteStream(partial, { mode: 0o600 });
  gzip.pipe(out);
  const drain = () => once(gzip, 'drain').then(() => {});
  const write = async (b: Buffer) => {
    if (!gzip.write(b)) await drain();
  };
  const rowsByTable: Record<string, number> = {};
  let complete = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const version = (await client.query('SHOW server_version')).rows[0].server_version as string;
    const migrations = await appliedMigrations(client);
    const tables = await tablesOf(client);
    await write(
      frame(
        'H',
        JSON.stringify({
          format: FORMAT,
          createdAt: new Date().toISOString(),
          database: (await client.query('SELECT current_database() AS d')).rows[0].d,
          serverVersion: version,
          migrations,
          keyId: opts.keyId ?? null,
          sealedKey: opts.sealedKey ?? null,
          tables: tables.map((t) => t.name),
        }),
      ),
    );
    for (const t of tables) {
      await write(frame('T', JSON.stringify(t)));
      let rows = 0;
      await copyOut(
        client,
        `COPY ${qi(t.name)} (${t.columns.map(qi).join(', ')}) TO STDOUT`,
        (chunk) => {
          for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) rows++;
          return gzip.write(frame('D', chunk));
        },
        drain,
      );
      rowsByTable[t.name] = rows;
      await write(frame('E', JSON.stringify({ rows })));
    }
    const seqs = await client.query<{ name: string; value: string; called: boolean }>(`
      SELECT c.relname AS name, s.last_value::text AS value, s.is_called AS called
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
      CROSS JOIN LATERAL (SELECT * FROM pg_sequences q WHERE q.schemaname = 'public' AND q.sequencename = c.relname) q
      CROSS JOIN LATERAL (SELECT q.last_value IS NOT NULL AS is_called, coalesce(q.last_value, q.start_value) AS last_value) s
      WHERE c.relkind = 'S'`);
    await write(frame('S', JSON.stringify(seqs.rows)));
    await write(frame('Z', ''));
    await client.query('COMMIT');
    complete = true;
  } finally {
    await client.end().catch(() => {});
    gzip.end();
    await once(out, 'close');
    if (complete) renameSync(partial, opts.file);
    else rmSync(partial, { force: true });
  }
  const { size } = statSync(opts.file);
  return {
    file: opts.file,
    bytes: size,
    tables: Object.keys(rowsByTable).length,
    rows: Object.values(rowsByTable).reduce((a, b) => a + b, 0),
    ms: performance.now() - t0,
    rowsByTable,
  };
}

// ————————————————————————— restore —————————————————————————

export interface BackupHeader {
  format: string;
  createdAt: string;
  database: string;
  serverVersion: string;
  migrations: string[];
  keyId: string | null;
  sealedKey: string | null;
  tables: string[];
}

export async function readHeader(file: string): Promise<BackupHeader> {
  const stream = createReadStream(file).pipe(createGunzip());
  try {
    const f = await new FrameReader(stream).next();
    if (f?.type !== 'H') throw new Error(`${file} is not a Jiayuan backup`);
    const h = JSON.parse(f.payload.toString('utf8')) as BackupHeader;
    if (h.format !== FORMAT) throw new Error(`${file}: unknown backup format ${h.format}`);
    return h;
  } finally {
    stream.destroy();
  }
}

export interface RestoreResult {
  rows: number;
  tables: number;
  ms: number;
  phases: Record<string, number>;
  rowsByTable: Record<string, number>;
}

/** Whether the database already holds the app's (or any) tables. */
export async function isEmpty(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query(
      `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')`,
    );
    return r.rows[0].n === 0;
  } finally {
    await client.end();
  }
}

/**
 * Restores `file` into the database at `url`: migrations up to the backup's last one, then the
 * rows of every table (secondary indexes and foreign keys dropped during the load and added after
 * it, as pg_restore does), then the sequences, all in one transaction — a failed restore leaves the
 * database as it was. `force` first empties a non-empty database (DROP SCHEMA public CASCADE).
 */
export async function restore(opts: { url: string; file: string; force?: boolean }): Promise<RestoreResult> {
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  let tp = performance.now();
  const mark = (name: string) => {
    phases[name] = performance.now() - tp;
    tp = performance.now();
  };
  const header = await readHeader(opts.file);
  const known = Object.keys(await new MergedMigrations(allMigrations()).getMigrations()).sort();
  const missing = header.migrations.filter((m) => !known.includes(m));
  if (missing.length)
    throw new Error(
      `the backup was made by a newer version (migrations unknown here: ${missing.join(', ')}); restore it with that version`,
    );
  if (!(await isEmpty(opts.url))) {
    if (!opts.force)
      throw new Error(
        'the target database is not empty: restore into an empty one, or pass --force to replace it',
      );
    const c = new pg.Client({ connectionString: opts.url });
    await c.connect();
    await c.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    await c.end();
  }
  // The schema: the app's own migrations, up to the backup's last one.
  const pool = new pg.Pool({ connectionString: opts.url, max: 1 });
  const kdb = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  try {
    const migrator = new Migrator({
      db: kdb,
      provider: new MergedMigrations(allMigrations()),
      migrationTableName: 'schema_migrations',
      migrationLockTableName: 'schema_migrations_lock',
    });
    const last = header.migrations[header.migrations.length - 1];
    if (last) {
      const { error } = await migrator.migrateTo(last);
      if (error) throw error instanceof Error ? error : new Error(String(error));
    }
  } finally {
    await kdb.destroy();
  }
  mark('schema (migrations)');

  const client = new pg.Client({ connectionString: opts.url, application_name: 'jiayuan-restore' });
  await client.connect();
  const rowsByTable: Record<string, number> = {};
  const input = createReadStream(opts.file, { highWaterMark: 1 << 20 }).pipe(createGunzip());
  try {
    await client.query('BEGIN');
    const tables = await tablesOf(client);
    const names = tables.map((t) => t.name);
    for (const t of header.tables)
      if (!names.includes(t)) throw new Error(`table ${t} of the backup does not exist after migrating`);
    // Rows the migrations themselves inserted (defaults, the chain head) give way to the backup's.
    if (names.length) await client.query(`TRUNCATE ${names.map(qi).join(', ')}`);
    const indexes = (
      await client.query<{ name: string; def: string }>(
        `
        SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS def FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
        WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
          AND t.relname <> ALL($1)`,
        [MIGRATION_TABLES],
      )
    ).rows;
    for (const ix of indexes) await client.query(`DROP INDEX ${qi(ix.name)}`);
    // Foreign keys too (tables refer to each other both ways: people ↔ households): dropped for the
    // load, added back after it, which checks every row against them once.
    const fks = (
      await client.query<{ table: string; name: string; def: string }>(`
        SELECT c.relname AS table, k.conname AS name, pg_get_constraintdef(k.oid) AS def
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
        WHERE k.contype = 'f'`)
    ).rows;
    for (const fk of fks) await client.query(`ALTER TABLE ${qi(fk.table)} DROP CONSTRAINT ${qi(fk.name)}`);
    // Triggers that derive rows (case_stats from cases) are off too: the backup holds the derived
    // rows as they were, in the same snapshot as the rows they come from.
    for (const t of names) await client.query(`ALTER TABLE ${qi(t)} DISABLE TRIGGER USER`);
    mark('prepare');

    const loadPass = async (reader: FrameReader) => {
      for (;;) {
        const f = await reader.next();
        if (!f) throw new Error('backup file ends before its end marker');
        if (f.type === 'Z') return;
        if (f.type === 'H') continue;
        if (f.type === 'S') {
          await setSequences(client, JSON.parse(f.payload.toString('utf8')));
          continue;
        }
        if (f.type !== 'T') throw new Error(`unexpected frame ${f.type}`);
        const t = JSON.parse(f.payload.toString('utf8')) as { name: string; columns: string[] };
        let end: { rows: number } | null = null;
        const chunks = (async function* () {
          for (;;) {
            const d = await reader.next();
            if (!d) throw new Error('backup file is truncated');
            if (d.type === 'E') {
              end = JSON.parse(d.payload.toString('utf8'));
              return;
            }
            yield d.payload;
          }
        })();
        const n = await copyIn(
          client,
          `COPY ${qi(t.name)} (${t.columns.map(qi).join(', ')}) FROM STDIN`,
          chunks,
        );
        const want = (end as { rows: number } | null)?.rows;
        if (want !== n) throw new Error(`table ${t.name}: the backup says ${want} rows, ${n} were loaded`);
        rowsByTable[t.name] = n;
      }
    };
    await loadPass(new FrameReader(input));
    mark('rows');
    for (const ix of indexes) await client.query(ix.def);
    mark('indexes');
    for (const fk of fks)
      await client.query(`ALTER TABLE ${qi(fk.table)} ADD CONSTRAINT ${qi(fk.name)} ${fk.def}`);
    mark('foreign keys');
    for (const t of names) await client.query(`ALTER TABLE ${qi(t)} ENABLE TRIGGER USER`);
    await client.query('COMMIT');
    mark('commit');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    input.destroy();
    await client.end().catch(() => {});
  }
  const c2 = new pg.Client({ connectionString: opts.url });
  await c2.connect();
  await c2.query('ANALYZE');
  await c2.end();
  mark('analyze');
  return {
    rows: Object.values(rowsByTable).reduce((a, b) => a + b, 0),
    tables: Object.keys(rowsByTable).length,
    ms: performance.now() - t0,
    phases,
    rowsByTable,
  };
}

async function setSequences(client: pg.Client, seqs: { name: string; value: string; called: boolean }[]) {
  for (const s of seqs)
    await client.query('SELECT setval($1::regclass, $2::bigint, $3)', [qi(s.name), s.value, s.called]);
}

// ————————————————————————— comparing two databases —————————————————————————

/**
 * Row count and a checksum of every table: md5 over the sorted md5s of its rows' text forms
 * (order-free, so no primary key is needed; generated columns included, they are recomputed).
 */
export async function tableChecksums(url: string): Promise<Map<string, { rows: number; md5: string }>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const names = (
      await client.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`,
      )
    ).rows.map((r) => r.name);
    const out = new Map<string, { rows: number; md5: string }>();
    for (const name of names) {
      // A restore applies the migrations anew: their names are the content, not when they ran.
      const row = name === 'schema_migrations' ? 't.name' : 't::text';
      const r = await client.query<{ rows: number; md5: string | null }>(
        `SELECT count(*)::int AS rows, md5(string_agg(h, '' ORDER BY h)) AS md5
         FROM (SELECT md5(${row}) AS h FROM ${qi(name)} t) x`,
      );
      out.set(name, { rows: r.rows[0]!.rows, md5: r.rows[0]!.md5 ?? '-' });
    }
    await client.query('COMMIT');
    return out;
  } finally {
    await client.end();
  }
}

export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
