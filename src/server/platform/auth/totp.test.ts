import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, newTotpSecret, totpCode, totpUri, verifyTotp } from './totp.js';

// RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('TOTP (RFC 6238)', () => {
  it('encodes the RFC seed as the base32 secret authenticator apps read', () => {
    expect(base32Encode(Buffer.from('12345678901234567890'))).toBe(RFC_SECRET);
    expect(base32Decode(RFC_SECRET).toString()).toBe('12345678901234567890');
  });

  it('matches the RFC 6238 SHA-1 test vectors, truncated to 6 digits', () => {
    // T (s) → 8-digit value from the RFC; we use its last 6 digits.
    const vectors: [number, string][] = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [t, eight] of vectors) expect(totpCode(RFC_SECRET, t * 1000)).toBe(eight.slice(2));
    expect(totpCode(RFC_SECRET, 59_000)).toBe('287082');
  });

  it('accepts the current code and one step either side, nothing further', () => {
    const now = 1_700_000_000_000;
    const code = (offset: number) => totpCode(RFC_SECRET, now, offset);
    expect(verifyTotp(RFC_SECRET, code(0), now)).toBe(true);
    expect(verifyTotp(RFC_SECRET, code(-1), now)).toBe(true);
    expect(verifyTotp(RFC_SECRET, code(1), now)).toBe(true);
    for (const off of [-2, 2]) {
      const c = code(off);
      if (![code(-1), code(0), code(1)].includes(c)) expect(verifyTotp(RFC_SECRET, c, now)).toBe(false);
    }
    expect(verifyTotp(RFC_SECRET, '12345', now)).toBe(false);
    expect(verifyTotp(RFC_SECRET, '', now)).toBe(false);
  });

  it('round-trips any bytes through base32', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const enc = base32Encode(Buffer.from(bytes));
        expect(enc).toMatch(/^[A-Z2-7]*$/);
        expect([...base32Decode(enc)]).toEqual([...bytes]);
        expect([...base32Decode(enc.toLowerCase())]).toEqual([...bytes]);
      }),
    );
  });

  it('refuses characters outside the base32 alphabet', () => {
    expect(() => base32Decode('GEZDGNB1')).toThrow(/base32/);
    expect(() => base32Decode('GEZD GNB')).toThrow(/base32/);
  });

  it('makes a 160-bit secret and an otpauth URI that carries it', () => {
    const s = newTotpSecret();
    expect(base32Decode(s)).toHaveLength(20);
    expect(newTotpSecret()).not.toBe(s);
    const uri = new URL(totpUri(s, 'grid_a'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(s);
    expect(uri.searchParams.get('issuer')).toBe('Jiayuan');
    expect(decodeURIComponent(uri.pathname)).toContain('Jiayuan:grid_a');
  });
});
