/**
 * Text PostgreSQL cannot store as given: NUL (refused by every text column, a 500 otherwise) and
 * UTF-16 surrogates that do not pair (silently turned into U+FFFD, jsonb refuses them).
 */
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const unstorable = (s: string) => s.includes('\u0000') || UNPAIRED_SURROGATE.test(s);

/** Path of the first string (or key) in a request part that cannot be stored, or null. */
export function unstorableTextPath(
  value: unknown,
  path: PropertyKey[] = [],
  depth = 0,
): PropertyKey[] | null {
  if (typeof value === 'string') return unstorable(value) ? path : null;
  // Deeper than any input schema goes: the schema refuses such a structure anyway.
  if (value === null || typeof value !== 'object' || depth > 32) return null;
  for (const [k, v] of Object.entries(value)) {
    if (unstorable(k)) return [...path, k];
    const p = unstorableTextPath(v, [...path, k], depth + 1);
    if (p) return p;
  }
  return null;
}
