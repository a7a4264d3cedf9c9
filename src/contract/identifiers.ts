/**
 * Personal and organisation identifiers (STANDARDS.md "Identifiers" and "Masking"): checks for
 * 公民身份号码 (GB 11643-1999), 统一社会信用代码 (GB 32100-2015) and phone numbers, the display
 * masks, and the text clean-up every ledger value goes through. Shared by the server and the web
 * app: no Node APIs here.
 */

import { cleanChars } from './text.js';

export type Bilingual = { zh: string; en: string };

const bi = (zh: string, en: string): Bilingual => ({ zh, en });

// —— text ——

/** Full-width ASCII (U+FF01–U+FF5E) → ASCII, ideographic space (U+3000) → space. */
export function toHalfWidth(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0);
    else if (c === 0x3000) out += ' ';
    else out += ch;
  }
  return out;
}

/**
 * A ledger cell: `cleanChars` (the one clean-up of incoming text: no bidi controls, zero-width or
 * control characters, NFC), then toHalfWidth, inner whitespace collapsed, trimmed; '' → null.
 */
export function cleanText(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  const t = toHalfWidth(cleanChars(String(s)))
    .replace(/\s+/g, ' ')
    .trim();
  return t === '' ? null : t;
}

// —— 公民身份号码 (GB 11643-1999) ——

export type IdCheck =
  | { ok: true; value: string; birthDate: string /* YYYY-MM-DD */; sex: 'M' | 'F'; converted15: boolean }
  | {
      ok: false;
      reason: 'empty' | 'scientific' | 'length' | 'chars' | 'birthdate' | 'future' | 'checksum';
      message: Bilingual;
    };

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** The check character (ISO 7064 MOD 11-2) of the first 17 digits of an ID number. */
export function idCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('idCheckDigit needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Local calendar date of `d` as YYYY-MM-DD. */
function localDate(d: Date): string {
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

/** YYYYMMDD → YYYY-MM-DD when it is a real calendar date, else null. */
function realDate(yyyymmdd: string): string | null {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (y < 1800 || m < 1 || m > 12 || d < 1) return null;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > days) return null;
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

/**
 * Checks a 公民身份号码: trims, full-width → half-width, inner spaces removed, x → X; a legacy
 * 15-digit number is converted to 18 (century 19, check digit computed). A number in scientific
 * notation (an ID stored as a number in Excel) has lost digits: it is refused, never guessed.
 */
export function checkIdNumber(input: string, today: Date = new Date()): IdCheck {
  const s = toHalfWidth(input ?? '')
    .replace(/\s+/g, '')
    .toUpperCase();
  if (s === '') return { ok: false, reason: 'empty', message: bi('身份证号为空', 'the ID number is empty') };
  if (/^\d+(\.\d+)?E\+?\d+$/.test(s)) {
    return {
      ok: false,
      reason: 'scientific',
      message: bi(
        `身份证号为科学计数法（${s}），精度已丢失，请将该列设为文本后重新导出`,
        `the ID number is in scientific notation (${s}): digits were lost; format the column as text and export again`,
      ),
    };
  }
  if (!/^[0-9X]+$/.test(s)) {
    return {
      ok: false,
      reason: 'chars',
      message: bi(
        '身份证号含有数字和 X 以外的字符',
        'the ID number contains characters other than digits and X',
      ),
    };
  }
  if (s.length !== 18 && s.length !== 15) {
    return {
      ok: false,
      reason: 'length',
      message: bi(
        `身份证号应为18位（或15位旧号码），实际为${s.length}位`,
        `an ID number has 18 characters (or 15 for an old one), this one has ${s.length}`,
      ),
    };
  }
  const converted15 = s.length === 15;
  if ((converted15 && !/^\d{15}$/.test(s)) || (!converted15 && !/^\d{17}[0-9X]$/.test(s))) {
    return {
      ok: false,
      reason: 'chars',
      message: bi('身份证号只有最后一位可以是 X', 'only the last character of an ID number may be X'),
    };
  }
  const first17 = converted15 ? `${s.slice(0, 6)}19${s.slice(6)}` : s.slice(0, 17);
  const birthDate = realDate(first17.slice(6, 14));
  if (!birthDate) {
    return {
      ok: false,
      reason: 'birthdate',
      message: bi(
        `身份证号中的出生日期（${first17.slice(6, 14)}）不是有效日期`,
        `the birth date in the ID number (${first17.slice(6, 14)}) is not a real date`,
      ),
    };
  }
  if (birthDate > localDate(today)) {
    return {
      ok: false,
      reason: 'future',
      message: bi(
        `身份证号中的出生日期（${birthDate}）晚于今天`,
        `the birth date in the ID number (${birthDate}) is in the future`,
      ),
    };
  }
  const check = idCheckDigit(first17);
  if (!converted15 && s[17] !== check) {
    return {
      ok: false,
      reason: 'checksum',
      message: bi(
        `身份证号校验位错误（最后一位应为${check}，实际为${s[17]}），请核对号码`,
        `the ID number's check character is wrong (expected ${check}, found ${s[17]}): check the number`,
      ),
    };
  }
  return {
    ok: true,
    value: first17 + check,
    birthDate,
    sex: Number(first17[16]) % 2 === 1 ? 'M' : 'F',
    converted15,
  };
}

// —— 统一社会信用代码 (GB 32100-2015) ——

export type CreditCheck = { ok: true; value: string } | { ok: false; message: Bilingual };

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function checkCreditCode(input: string): CreditCheck {
  const s = toHalfWidth(input ?? '')
    .replace(/\s+/g, '')
    .toUpperCase();
  if (s === '') return { ok: false, message: bi('统一社会信用代码为空', 'the credit code is empty') };
  if (s.length !== 18) {
    return {
      ok: false,
      message: bi(
        `统一社会信用代码应为18位，实际为${s.length}位`,
        `a unified social credit code has 18 characters, this one has ${s.length}`,
      ),
    };
  }
  const values: number[] = [];
  for (const ch of s) {
    const v = CREDIT_CHARS.indexOf(ch);
    if (v < 0) {
      return {
        ok: false,
        message: bi(
          `统一社会信用代码含有无效字符“${ch}”（不使用 I、O、Z、S、V）`,
          `the credit code contains an invalid character "${ch}" (I, O, Z, S, V are not used)`,
        ),
      };
    }
    values.push(v);
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += values[i]! * CREDIT_WEIGHTS[i]!;
  const check = CREDIT_CHARS[(31 - (sum % 31)) % 31]!;
  if (s[17] !== check) {
    return {
      ok: false,
      message: bi(
        `统一社会信用代码校验位错误（最后一位应为${check}），请核对`,
        `the credit code's check character is wrong (expected ${check})`,
      ),
    };
  }
  return { ok: true, value: s };
}

// —— phone numbers ——

export type PhoneCheck =
  | { ok: true; value: string; warning: Bilingual | null }
  | { ok: false; message: Bilingual };

/** libphonenumber's CN mobile pattern (STANDARDS.md). */
const MOBILE = /^(?:1(?:610\d|740[0-5])\d{6}|1(?:[38]\d|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8])\d{8})$/;
const MOBILE_LOOSE = /^1[3-9]\d{9}$/;

/** Area codes with 3 digits: 010 and 020–029; all others have 4. */
const areaCodeLength = (digits: string) => (/^(10|2\d)/.test(digits.slice(1)) ? 3 : 4);

/**
 * A mobile number (11 digits; +86/0086 and separators dropped) or a fixed line with its area
 * code (0730-5223456, 07305223456, (0730)5223456 → 0730-5223456).
 */
export function checkPhone(input: string): PhoneCheck {
  let s = toHalfWidth(input ?? '').trim();
  if (s === '') return { ok: false, message: bi('电话号码为空', 'the phone number is empty') };
  s = s.replace(/[\s\-–—()（）.]/g, '');
  const intl = /^(?:\+|00)?86(\d{9,12})$/.exec(s);
  if (intl && (s.startsWith('+') || s.startsWith('00') || intl[1]!.length === 11)) {
    const rest = intl[1]!;
    s = (rest.length === 11 && rest.startsWith('1')) || rest.startsWith('0') ? rest : `0${rest}`;
  }
  if (/^1\d{10}$/.test(s)) {
    if (MOBILE.test(s)) return { ok: true, value: s, warning: null };
    if (MOBILE_LOOSE.test(s)) {
      return {
        ok: true,
        value: s,
        warning: bi(
          `手机号码 ${s} 的号段不在已知范围内，请核对`,
          `the mobile number ${s} is not in a known number range: please check it`,
        ),
      };
    }
  }
  if (/^0[1-9]\d{8,10}$/.test(s)) {
    const n = areaCodeLength(s);
    const area = s.slice(0, n);
    const local = s.slice(n);
    if (/^[2-9]\d{6,7}$/.test(local)) return { ok: true, value: `${area}-${local}`, warning: null };
  }
  return {
    ok: false,
    message: bi(
      `电话号码“${toHalfWidth(input).trim()}”格式不正确（应为11位手机号或带区号的固定电话）`,
      `the phone number "${toHalfWidth(input).trim()}" is not valid (an 11-digit mobile or a fixed line with its area code)`,
    ),
  };
}

// —— masks (display) ——

const stars = (n: number) => '*'.repeat(Math.max(0, n));

/** ID number: first 1 + last 2 (1***************2X). */
export function maskId(v: string | null): string | null {
  if (v === null || v === undefined) return null;
  const c = Array.from(v);
  if (c.length <= 3) return stars(c.length);
  return c[0] + stars(c.length - 3) + c.slice(-2).join('');
}

/** Mobile: first 3 + last 4 (138****5678); fixed line: area code + last 4 (0730-***3456). */
export function maskPhone(v: string | null): string | null {
  if (v === null || v === undefined) return null;
  const fixed = /^(0\d{2,3})-(.+)$/.exec(v);
  if (fixed) {
    const local = Array.from(fixed[2]!);
    return `${fixed[1]}-${local.length <= 4 ? stars(local.length) : stars(local.length - 4) + local.slice(-4).join('')}`;
  }
  const c = Array.from(v);
  if (c.length >= 11) return c.slice(0, 3).join('') + stars(c.length - 7) + c.slice(-4).join('');
  if (c.length > 4) return stars(c.length - 4) + c.slice(-4).join('');
  return stars(c.length);
}

/** Name: first character + one * per remaining character (张**); a single character → *. */
export function maskName(v: string | null): string | null {
  if (v === null || v === undefined) return null;
  const c = Array.from(v);
  if (c.length <= 1) return stars(c.length);
  return c[0] + stars(c.length - 1);
}

/** Address without its last 8 characters, replaced by ****. */
export function maskAddress(v: string | null): string | null {
  if (v === null || v === undefined) return null;
  const c = Array.from(v);
  return `${c.slice(0, Math.max(0, c.length - 8)).join('')}****`;
}

/** A masked value (contains '*'): sent back by a client, it must never overwrite a stored value. */
export function isMasked(v: string): boolean {
  return typeof v === 'string' && v.includes('*');
}
