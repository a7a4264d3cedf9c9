/**
 * `npm run backup [-- --out <file>] [--url <postgres url>] [--with-key]`: a consistent logical
 * backup of the app's database (embedded: DATA_DIR's, running or not; external: DATABASE_URL),
 * gzip-compressed, 0600. The encryption key is not in it unless `--with-key`, which seals the key
 * with the passphrase in JIAYUAN_BACKUP_PASSPHRASE (scrypt + AES-256-GCM). See docs/deploy.md.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { backup, currentKey, keyId, openTarget, sealKey } from './lib/backup-core.js';

// A failure is one line, not a stack trace.
process.on('uncaughtException', (e) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    url: { type: 'string' },
    'with-key': { type: 'boolean', default: false },
  },
});
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
const file = path.resolve(values.out ?? path.join('backups', `jiayuan-${stamp}.backup`));
mkdirSync(path.dirname(file), { recursive: true });

const key = currentKey();
let sealedKey: string | null = null;
if (values['with-key']) {
  const pass = process.env.JIAYUAN_BACKUP_PASSPHRASE;
  if (!key) throw new Error('--with-key: no key configured (JIAYUAN_KEY or the key file)');
  if (!pass || pass.length < 12)
    throw new Error('--with-key needs JIAYUAN_BACKUP_PASSPHRASE (at least 12 characters)');
  sealedKey = sealKey(key, pass);
}
const target = await openTarget(values.url ? { url: values.url } : {});
try {
  console.log(`backing up ${target.label}`);
  const r = await backup({ url: target.url, file, sealedKey, keyId: key ? keyId(key) : null });
  console.log(
    `${file}: ${r.tables} tables, ${r.rows.toLocaleString('en-US')} rows, ${(r.bytes / 1048576).toFixed(1)} MB in ${(r.ms / 1000).toFixed(1)} s`,
  );
  console.log(
    sealedKey
      ? 'the encryption key is inside, sealed with JIAYUAN_BACKUP_PASSPHRASE'
      : key
        ? `the encryption key (id ${keyId(key)}) is NOT in the backup: keep a copy of it apart (docs/deploy.md)`
        : 'no encryption key found to fingerprint: keep the key apart (docs/deploy.md)',
  );
} finally {
  await target.close();
}
