import { hash, verify } from '@node-rs/argon2';
import type { PasswordPolicy } from '../../../contract/auth.js';
import type { ErrorIssue } from '../../../contract/common.js';
import { COMMON_PASSWORDS } from './common-passwords.js';

// Argon2id, OWASP's second recommended profile (19 MiB, t=2, p=1).
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1, algorithm: 2 } as const;

export function hashPassword(plain: string): Promise<string> {
  return hash(plain, OPTIONS);
}

export async function verifyPassword(stored: string, plain: string): Promise<boolean> {
  try {
    return await verify(stored, plain);
  } catch {
    return false;
  }
}

/** A hash to verify against when the account does not exist, so timing does not tell. */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword('jiayuan-no-such-account');
  return dummy;
}

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  minLength: 8,
  minClasses: 3,
  expiryDays: 90,
  forceChangeOnFirstLogin: true,
  history: 5,
};

/**
 * Words that, with digits and symbols around them, make the passwords people pick first
 * (`Admin@123`, `Qwer1234`, `Jiayuan@2027`, `P@ssw0rd`). Compared after lower-casing, trimming
 * leading and trailing non-letters and undoing the usual letter-for-symbol swaps.
 */
const BASE_WORDS = new Set(
  `a aa aaa ab abc abcd abcde abcdef abcdefg q qq qw qwe qwer qwert qwerty qaz qazwsx qweasd qweasdzxc
   asd asdf asdfgh zx zxc zxcv zxcvb zxcvbn zxcvbnm x xx z zz pass passw passwd password passwort
   admin administrator root toor test tester user guest welcome letmein login changeme secret default
   system manager security audit iloveyou iloveu woaini wodemima mima nihao hello china beijing
   shanghai huawei sangfor master dragon monkey shadow sunshine princess football baseball superman
   summer winter spring autumn jiayuan shequ wangge grid community`.split(/\s+/),
);
const LEET: Record<string, string> = {
  '@': 'a',
  '4': 'a',
  '0': 'o',
  '1': 'i',
  '!': 'i',
  '3': 'e',
  $: 's',
  '5': 's',
  '7': 't',
  '+': 't',
};

/** The password is on the common list, or is a common word dressed with digits and symbols. */
export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return true;
  const core = lower.replace(/^[^a-z]+/, '').replace(/[^a-z]+$/, '');
  const plain = [...core].map((c) => LEET[c] ?? c).join('');
  return BASE_WORDS.has(core) || BASE_WORDS.has(plain) || core === '';
}

const FIELD = { zh: '密码', en: 'the password' } as const;

/**
 * Checks a new password against the policy; returns the issues (empty when it passes), each
 * naming the field (`path`: `newPassword` by default, `password` when an administrator sets one).
 *
 * Spaces inside a password are allowed (a passphrase), but not at either end (a paste that caught
 * a space, or padding), and they do not count towards the length or as a symbol: eight spaces and
 * `Aa1` is three characters of one word.
 */
export function checkPasswordPolicy(
  password: string,
  policy: PasswordPolicy,
  lang: 'zh' | 'en',
  context: { username?: string; path?: string } = {},
): ErrorIssue[] {
  const issues: ErrorIssue[] = [];
  const path = context.path ?? 'newPassword';
  const zh = lang === 'zh';
  const add = (code: string, z: string, e: string) =>
    issues.push({ path, code, message: zh ? `${FIELD.zh}${z}` : `${FIELD.en} ${e}` });
  if (/^\s|\s$/u.test(password))
    add('whitespace_edges', '不能以空格开头或结尾', 'must not begin or end with a space');
  const visible = password.replace(/\s/gu, '');
  if ([...visible].length < policy.minLength) {
    add(
      'too_short',
      `至少需要 ${policy.minLength} 个字符（空格不计）`,
      `needs at least ${policy.minLength} characters (spaces not counted)`,
    );
  }
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^a-zA-Z\d\s]/].filter((r) => r.test(password)).length;
  if (classes < policy.minClasses) {
    add(
      'too_simple',
      `须包含小写字母、大写字母、数字、符号中的至少 ${policy.minClasses} 种`,
      `must mix at least ${policy.minClasses} of lower case, upper case, digits and symbols`,
    );
  }
  if (context.username && password.toLowerCase().includes(context.username.trim().toLowerCase())) {
    add('contains_username', '不能包含用户名', 'must not contain the username');
  }
  if (visible.length > 0 && isCommonPassword(password.trim())) {
    add(
      'too_common',
      '过于常见（常见密码、演示密码或其变体），容易被猜中',
      'is too common (a common or demo password, or a variant of one) and easy to guess',
    );
  }
  return issues;
}

/** The issue for a new password equal to one of the account's last `n`. */
export function reusedIssue(n: number, lang: 'zh' | 'en', path = 'newPassword'): ErrorIssue {
  return {
    path,
    code: 'reused',
    message:
      lang === 'zh'
        ? `新密码不能与最近 ${n} 次使用过的密码相同`
        : `the new password must differ from your last ${n} passwords`,
  };
}

export function generatePassword(): string {
  // 12 characters, all four kinds, no look-alikes.
  const sets = ['abcdefghjkmnpqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '@#%+=?'];
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  const chars = [...bytes].map((b, i) => {
    const set = sets[i % 4]!;
    return set[b % set.length]!;
  });
  // shuffle deterministically by the random bytes
  for (let i = chars.length - 1; i > 0; i--) {
    const j = bytes[i]! % (i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
