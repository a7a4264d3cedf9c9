import { hash, verify } from '@node-rs/argon2';
import type { PasswordPolicy } from '../../../contract/auth.js';
import type { ErrorIssue } from '../../../contract/common.js';

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
};

/** Checks a new password against the policy; returns the issues (empty when it passes). */
export function checkPasswordPolicy(
  password: string,
  policy: PasswordPolicy,
  lang: 'zh' | 'en',
  context: { username?: string } = {},
): ErrorIssue[] {
  const issues: ErrorIssue[] = [];
  const path = 'newPassword';
  if ([...password].length < policy.minLength) {
    issues.push({
      path,
      code: 'too_short',
      message: lang === 'zh' ? `至少 ${policy.minLength} 个字符` : `at least ${policy.minLength} characters`,
    });
  }
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^a-zA-Z\d]/].filter((r) => r.test(password)).length;
  if (classes < policy.minClasses) {
    issues.push({
      path,
      code: 'too_simple',
      message:
        lang === 'zh'
          ? `须包含小写字母、大写字母、数字、符号中的至少 ${policy.minClasses} 种`
          : `must mix at least ${policy.minClasses} of lower case, upper case, digits and symbols`,
    });
  }
  if (context.username && password.toLowerCase().includes(context.username.toLowerCase())) {
    issues.push({
      path,
      code: 'contains_username',
      message: lang === 'zh' ? '不能包含用户名' : 'must not contain the username',
    });
  }
  return issues;
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
