import { describe, expect, it } from 'vitest';
import {
  checkPasswordPolicy,
  DEFAULT_PASSWORD_POLICY,
  generatePassword,
  hashPassword,
  verifyPassword,
} from './password.js';

const policy = DEFAULT_PASSWORD_POLICY; // 8 characters, 3 of 4 classes
const codes = (pw: string, username?: string, p = policy) =>
  checkPasswordPolicy(pw, p, 'en', { username }).map((i) => i.code);

describe('password policy', () => {
  it('accepts a long password mixing three classes', () => {
    expect(checkPasswordPolicy('Harbour7bridge', policy, 'zh')).toEqual([]);
    expect(checkPasswordPolicy('harbour7-bridge', policy, 'zh')).toEqual([]);
  });

  it('refuses a short password, counting characters rather than UTF-16 units', () => {
    expect(codes('Ab1!xyz')).toEqual(['too_short']);
    expect(codes('Ab1!xyzw')).toEqual([]);
    // 7 characters, 2 of them outside the BMP (4 UTF-16 units): still too short.
    expect(codes('Ab1!x😀😀')).toEqual(['too_short']);
  });

  it('refuses too few character classes', () => {
    expect(codes('alllowercase')).toEqual(['too_simple']);
    expect(codes('lowerUPPER')).toEqual(['too_simple']);
    expect(codes('lower1234')).toEqual(['too_simple']);
    expect(codes('lowerUPPER1')).toEqual([]);
    expect(codes('lower-1234')).toEqual([]);
    // The required number of classes follows the policy.
    expect(codes('lowerUPPER1', undefined, { ...policy, minClasses: 4 })).toEqual(['too_simple']);
    expect(codes('lowerUPPER1!', undefined, { ...policy, minClasses: 4 })).toEqual([]);
  });

  it('refuses a password that contains the username, whatever the case', () => {
    expect(codes('Grid_A#2026x', 'grid_a')).toEqual(['contains_username']);
    expect(codes('xxGRID_A#2026', 'grid_a')).toEqual(['contains_username']);
    expect(codes('Harbour7bridge', 'grid_a')).toEqual([]);
  });

  it('reports every problem on newPassword (or the field asked for), naming it, in the asked language', () => {
    const zh = checkPasswordPolicy('abc', policy, 'zh', { username: 'abc' });
    expect(zh.map((i) => i.code)).toEqual(['too_short', 'too_simple', 'contains_username', 'too_common']);
    expect(zh.every((i) => i.path === 'newPassword')).toBe(true);
    expect(zh[0]!.message).toBe('密码至少需要 8 个字符（空格不计）');
    expect(zh[2]!.message).toBe('密码不能包含用户名');
    const en = checkPasswordPolicy('abc', policy, 'en');
    expect(en[0]!.message).toBe('the password needs at least 8 characters (spaces not counted)');
    expect(en[1]!.message).toMatch(/^the password must mix at least 3 of/);
    const admin = checkPasswordPolicy('abc', policy, 'en', { path: 'password' });
    expect(admin.every((i) => i.path === 'password')).toBe(true);
  });

  it('refuses the published demo password and common passwords, in any case', () => {
    for (const pw of [
      'Jiayuan@2026',
      'jiayuan@2026',
      'JIAYUAN@2026',
      'Aa123456',
      'P@ssw0rd',
      'Qwer1234',
      'Passw0rd!',
    ])
      expect(codes(pw), pw).toEqual(['too_common']);
    // Variants of a common word with digits and symbols around it (letters swapped for symbols too).
    for (const pw of [
      'Jiayuan#2031',
      '2026@Jiayuan',
      'Admin@2099',
      'P@55w0rd!',
      'Woaini@1314',
      'Qwerty#7788',
    ])
      expect(codes(pw), pw).toContain('too_common');
    // A word of one's own is not common.
    expect(codes('Harbour7bridge')).toEqual([]);
    expect(codes('Lantern4meadow!')).toEqual([]);
  });

  it('does not count spaces: none at either end, and the rest must be long enough', () => {
    // The probe's eight spaces and Aa1 (it passed before: 11 characters of "four kinds").
    expect(codes('        Aa1')).toEqual(['whitespace_edges', 'too_short', 'too_common']);
    expect(codes(' Harbour7bridge')).toEqual(['whitespace_edges']);
    expect(codes('Harbour7bridge\t')).toEqual(['whitespace_edges']);
    // A space is no symbol: two kinds of letters and spaces are two kinds.
    expect(codes('Harbour Bridge', undefined, { ...policy, minClasses: 3 })).toEqual(['too_simple']);
    // Spaces inside are fine, but not counted.
    expect(codes('Ab 1 c d')).toEqual(['too_short']);
    expect(codes('correct Horse 9battery')).toEqual([]);
  });

  it('generates one-time passwords that pass the strictest class rule and differ each time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const pw = generatePassword();
      expect(pw).toHaveLength(12);
      expect(checkPasswordPolicy(pw, { ...policy, minLength: 12, minClasses: 4 }, 'en')).toEqual([]);
      expect(pw).not.toMatch(/[0O1lI]/); // no look-alikes
      seen.add(pw);
    }
    expect(seen.size).toBe(200);
  });
});

describe('password hashing', () => {
  it('verifies the right password only, and never throws on a malformed hash', async () => {
    const h = await hashPassword('Harbour7bridge');
    expect(h).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(h, 'Harbour7bridge')).toBe(true);
    expect(await verifyPassword(h, 'harbour7bridge')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'Harbour7bridge')).toBe(false);
  });
});
