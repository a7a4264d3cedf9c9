import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s), the kind every authenticator app reads. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(buf: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(s: string): Buffer {
  const clean = s.replace(/=+$/, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const i = ALPHABET.indexOf(ch);
    if (i < 0) throw new Error('invalid base32');
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function newTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

export function totpCode(secret: string, timeMs: number, stepOffset = 0): string {
  const counter = Math.floor(timeMs / 1000 / 30) + stepOffset;
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const h = createHmac('sha1', base32Decode(secret)).update(msg).digest();
  const off = h[h.length - 1]! & 0xf;
  const bin = (h.readUInt32BE(off) & 0x7fffffff) % 1_000_000;
  return bin.toString().padStart(6, '0');
}

/**
 * The time step a code belongs to — the current one or one either side (clock drift) — or null.
 * Steps at or before `usedStep` are refused: a code is good once (RFC 6238 §5.2).
 */
export function matchTotpStep(secret: string, code: string, timeMs: number, usedStep = -1): number | null {
  const current = Math.floor(timeMs / 1000 / 30);
  for (const offset of [0, -1, 1]) {
    const expected = Buffer.from(totpCode(secret, timeMs, offset));
    const given = Buffer.from(code);
    if (given.length === expected.length && timeSafe(given, expected)) {
      return current + offset > usedStep ? current + offset : null;
    }
  }
  return null;
}

export function verifyTotp(secret: string, code: string, timeMs: number): boolean {
  return matchTotpStep(secret, code, timeMs) !== null;
}

function timeSafe(a: Buffer, b: Buffer): boolean {
  return timingSafeEqual(a, b);
}

export function totpUri(secret: string, account: string, issuer = 'Jiayuan'): string {
  return `otpauth://totp/${encodeURIComponent(issuer)}:${encodeURIComponent(account)}?secret=${secret}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=30`;
}
