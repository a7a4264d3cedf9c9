import { idCheckDigit } from '../../src/contract/identifiers.js';

/**
 * Personal identifiers in clear in an answer's text (docs/security.md, "How it is tested"): a
 * 公民身份号码 of 18 characters (plausible birth date, GB 11643 check character) anywhere in a run
 * of digits — alone, or inside a longer number such as a disability certificate number (the ID
 * followed by two digits) —, an old 15-digit ID standing alone (plausible birth date), and a
 * mainland mobile number (1[3-9] + 9 digits) standing alone. "Alone": not inside a longer run of
 * letters and digits (hashes, tokens) nor the decimals of a number.
 */
export interface ClearIdentifier {
  kind: 'id18' | 'id15' | 'mobile';
  value: string;
}

function realDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function clearIdentifiers(text: string): ClearIdentifier[] {
  const hits: ClearIdentifier[] = [];
  for (const m of text.matchAll(/[0-9Xx]{18,}/g)) {
    const run = m[0];
    for (let i = 0; i + 18 <= run.length; i++) {
      const c = run.slice(i, i + 18);
      if (!/^[1-9]\d{16}[\dXx]$/.test(c)) continue;
      const y = Number(c.slice(6, 10));
      if (y < 1900 || y > 2099 || !realDate(y, Number(c.slice(10, 12)), Number(c.slice(12, 14)))) continue;
      if (idCheckDigit(c.slice(0, 17)) === c[17]!.toUpperCase()) hits.push({ kind: 'id18', value: c });
    }
  }
  for (const m of text.matchAll(/(?<![0-9A-Za-z.])[1-9]\d{14}(?![0-9A-Za-z])/g)) {
    const c = m[0];
    if (realDate(1900 + Number(c.slice(6, 8)), Number(c.slice(8, 10)), Number(c.slice(10, 12))))
      hits.push({ kind: 'id15', value: c });
  }
  for (const m of text.matchAll(/(?<![0-9A-Za-z.])1[3-9]\d{9}(?![0-9A-Za-z])/g))
    hits.push({ kind: 'mobile', value: m[0] });
  return hits;
}
