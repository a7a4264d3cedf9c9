import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The master key for data encrypted at rest. It lives outside the database: in a key file
 * (generated on first start in demo mode, 0600) or in JIAYUAN_KEY (base64, 32 bytes). Sub-keys
 * for encryption and keyed hashes are derived from it, so one secret is backed up with the data.
 */
export interface Keyring {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
  /** Keyed hash for exact lookup of an encrypted value (same input → same hash). */
  lookupHash(value: string): string;
}

export function loadMasterKey(opts: {
  keyFile: string;
  mode: 'demo' | 'production';
  env?: NodeJS.ProcessEnv;
}): Buffer {
  const env = opts.env ?? process.env;
  if (env.JIAYUAN_KEY) {
    const k = Buffer.from(env.JIAYUAN_KEY, 'base64');
    if (k.length !== 32) throw new Error('JIAYUAN_KEY must be 32 bytes, base64-encoded');
    return k;
  }
  if (existsSync(opts.keyFile)) {
    const k = Buffer.from(readFileSync(opts.keyFile, 'utf8').trim(), 'base64');
    if (k.length !== 32) throw new Error(`${opts.keyFile} does not hold a 32-byte base64 key`);
    return k;
  }
  if (opts.mode === 'production') {
    throw new Error(
      `No encryption key: set JIAYUAN_KEY or create ${opts.keyFile} ` +
        "(node -e \"console.log(require('crypto').randomBytes(32).toString('base64'))\")",
    );
  }
  mkdirSync(path.dirname(opts.keyFile), { recursive: true, mode: 0o700 });
  const k = randomBytes(32);
  writeFileSync(opts.keyFile, `${k.toString('base64')}\n`, { mode: 0o600 });
  return k;
}

export function createKeyring(master: Buffer): Keyring {
  const encKey = createHmac('sha256', master).update('jiayuan:enc:v1').digest();
  const macKey = createHmac('sha256', master).update('jiayuan:lookup:v1').digest();
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return `v1.${Buffer.concat([iv, c.getAuthTag(), body]).toString('base64')}`;
    },
    decrypt(sealed) {
      if (!sealed.startsWith('v1.')) throw new Error('unknown ciphertext version');
      const raw = Buffer.from(sealed.slice(3), 'base64');
      const d = createDecipheriv('aes-256-gcm', encKey, raw.subarray(0, 12));
      d.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
    },
    lookupHash(value) {
      return createHmac('sha256', macKey).update(value).digest('base64url');
    },
  };
}
