import { toHalfWidth } from '../../../contract/identifiers.js';

/**
 * Recognising the column titles of a ledger (台账). A module declares, for each of its import
 * fields, the titles seen in real ledgers (its synonyms); `headerTable` turns them into the
 * matcher that finds the header row (`readLedger`) and guesses which column is which field.
 * Matching is on the normalised title (see normalizeHeader): exact first, then "title contains
 * synonym" for the longer synonyms, so 本人联系电话 and 身份证号码（18位） still map.
 */
export interface HeaderTable<F extends string> {
  /** The field one header names, or null. */
  match(h: string | null | undefined): F | null;
  /**
   * Column → field for a header row. Exact titles claim their field first, then titles that
   * contain a synonym; a field goes to one column only (the first).
   */
  guess(headers: string[]): (F | null)[];
}

/**
 * Half-width, lower-case, without spaces, '*', '#', ':' and bracketed decorations such as
 * （必填）, (选填), 【必填】, (18位).
 */
export function normalizeHeader(h: string | null | undefined): string {
  if (!h) return '';
  return toHalfWidth(String(h))
    .replace(/[(【[<《][^)】\]>》]*[)】\]>》]/g, '')
    .replace(/[\s*＊#:：·.、\-_]/g, '')
    .replace(/^\d+/, '')
    .toLowerCase();
}

export function headerTable<F extends string>(synonyms: Record<F, string[]>): HeaderTable<F> {
  const EXACT = new Map<string, F>();
  const CONTAINS: [string, F][] = [];
  for (const [field, names] of Object.entries(synonyms) as [F, string[]][]) {
    for (const n of names) {
      const k = normalizeHeader(n);
      if (!EXACT.has(k)) EXACT.set(k, field);
      if (Array.from(k).length >= 3) CONTAINS.push([k, field]);
    }
  }
  // longest synonym first: 户籍地址 before 地址, 身份证号码 before 身份证
  CONTAINS.sort((a, b) => b[0].length - a[0].length);

  function matchExact(h: string | null | undefined): F | null {
    return EXACT.get(normalizeHeader(h)) ?? null;
  }

  function matchContains(h: string | null | undefined): F | null {
    const k = normalizeHeader(h);
    if (!k) return null;
    for (const [syn, field] of CONTAINS) if (k.includes(syn)) return field;
    return null;
  }

  return {
    match: (h) => matchExact(h) ?? matchContains(h),
    guess(headers) {
      const out: (F | null)[] = headers.map(() => null);
      const taken = new Set<F>();
      for (const match of [matchExact, matchContains]) {
        headers.forEach((h, i) => {
          if (out[i]) return;
          const f = match(h);
          if (f && !taken.has(f)) {
            taken.add(f);
            out[i] = f;
          }
        });
      }
      return out;
    },
  };
}
