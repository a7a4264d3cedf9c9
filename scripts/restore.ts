/**
 * `npm run restore -- <file> [--url <postgres url>] [--force]`: restores a backup of
 * `npm run backup` into the app's database (embedded: DATA_DIR's, with the app stopped or on a
 * fresh DATA_DIR; external: DATABASE_URL or --url), which must be empty unless --force (which
 * drops everything in it first). The key: the one in place (JIAYUAN_KEY or the key file) must be
 * the backup's; a backup made with --with-key writes its key file when none exists, given
 * JIAYUAN_BACKUP_PASSPHRASE.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/server/platform/config.js';
import { currentKey, keyId, openTarget, readHeader, restore, unsealKey } from './lib/backup-core.js';

// A failure is one line, not a stack trace.
process.on('uncaughtException', (e) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { url: { type: 'string' }, force: { type: 'boolean', default: false } },
});
const file = positionals[0];
if (!file || !existsSync(file)) {
  console.error('usage: npm run restore -- <backup file> [--url postgres://…] [--force]');
  process.exit(2);
}
const header = await readHeader(file);
console.log(
  `backup of ${header.createdAt} (database ${header.database}, PostgreSQL ${header.serverVersion}, ${header.migrations.length} migrations)`,
);

// The key first: restoring data nobody can decrypt is worse than stopping here.
let key = currentKey();
if (!key && header.sealedKey) {
  const pass = process.env.JIAYUAN_BACKUP_PASSPHRASE;
  if (!pass) throw new Error('this backup holds its key sealed: set JIAYUAN_BACKUP_PASSPHRASE');
  key = unsealKey(header.sealedKey, pass);
  const keyFile = loadConfig().keyFile;
  mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 });
  writeFileSync(keyFile, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  console.log(`key written to ${keyFile}`);
}
if (header.keyId) {
  if (!key)
    console.warn(
      `WARNING: no encryption key in place; the data needs the key with id ${header.keyId} (put it back before starting the app)`,
    );
  else if (keyId(key) !== header.keyId) {
    if (!values.force)
      throw new Error(
        `the key in place (id ${keyId(key)}) is not the backup's (id ${header.keyId}): put the right key back, or --force`,
      );
    console.warn(`WARNING: the key in place is not the backup's (id ${header.keyId})`);
  } else console.log(`key in place matches the backup's (id ${header.keyId})`);
}

// Embedded: only with the app stopped (this command then starts its PostgreSQL and holds the lock).
const target = await openTarget(values.url ? { url: values.url } : { exclusive: true });
try {
  console.log(`restoring into ${target.label}`);
  const r = await restore({ url: target.url, file, force: values.force });
  const phases = Object.entries(r.phases)
    .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
    .join(', ');
  console.log(
    `restored ${r.tables} tables, ${r.rows.toLocaleString('en-US')} rows in ${(r.ms / 1000).toFixed(1)} s (${phases})`,
  );
} finally {
  await target.close();
}
