import { cleanChars, cleanInput, VERBATIM_FIELD } from '../../../contract/text.js';

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

/**
 * A request part (a JSON body, a query) with every string cleaned (`cleanInput`: NFC, no bidi
 * controls, zero-width or control characters but tab and line feed, trimmed) and every key
 * cleaned likewise (not trimmed), at any depth; values of fields named like a password are left
 * exactly as sent. Anything but plain objects, arrays and strings is returned as it is.
 */
export function cleanRequestText(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return cleanInput(value);
  if (value === null || typeof value !== 'object' || depth > 32) return value;
  if (Array.isArray(value)) return value.map((v) => cleanRequestText(v, depth + 1));
  // Plain objects: JSON.parse's, and the query parser's (whose prototype is an empty null-prototype
  // object); a class instance (Open311's FormBody, a stream) is not text to clean here.
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null && Object.getPrototypeOf(proto) !== null) return value;
  const out = Object.create(proto) as Record<string, unknown>;
  for (const [k, v] of Object.entries(value)) {
    Object.defineProperty(out, cleanChars(k), {
      value: VERBATIM_FIELD.test(k) ? v : cleanRequestText(v, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
