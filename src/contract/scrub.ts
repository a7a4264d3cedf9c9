/**
 * Text shown to strangers (Open311, docs/open311.md "What is exposed") is prose staff and
 * residents typed, and prose carries what the app otherwise keeps encrypted and masked: "请回电
 * 13912345678", an ID number, a bank card, the name of the neighbour the complaint is about, the
 * room someone lives in. Inside the app it is stored and shown as typed (the handler needs the
 * number); on the way out it goes through `scrubPublicText`. Pure: no I/O, shared by server and web.
 *
 * Replaced by `***`:
 * - 公民身份号码, 18 characters (the last may be X) or the old 15 digits, also grouped 6-8-4;
 * - mobile numbers, with +86/0086 and spaces or hyphens (139 1234 5678);
 * - fixed lines with their area code (0730-5223456, (0730)5223456, with an extension);
 * - bank card numbers (16–19 digits, also grouped by four);
 * - any other run of 7 or more digits (a local number without its area code, an account);
 * - e-mail addresses;
 * - room numbers (301室, 502号房, 2单元301, 5-2-301);
 * - the names given (the case's parties, contact, reporter, people linked to it): every
 *   occurrence, longest first; names shorter than two characters are not looked for (one
 *   character would take out every 张 of the text).
 * Digits that belong to a longer run, a decimal (28.8031234) or a case number (SJ2026…) are left.
 */

export const SCRUBBED = '***';

const D = '[0-9\\uff10-\\uff19]';
/** Not inside a longer number, a decimal or a case number. */
const START = `(?<![0-9\\uff10-\\uff19.])(?<!SJ|JF|SQ)`;
const END = `(?![0-9\\uff10-\\uff19])`;
const SEP = '[\\s\\-–—]?';

const NUMBER_PATTERNS: RegExp[] = [
  // 公民身份号码 (18, the last may be X; grouped 6-8-4)
  new RegExp(`${START}${D}{6}${SEP}${D}{8}${SEP}${D}{3}[0-9Xx\\uff10-\\uff19ＸｘX]${END}`, 'g'),
  // mobile, with the country code and separators
  new RegExp(`${START}(?:(?:\\+|00)?86${SEP})?1[3-9]${D}${SEP}${D}{4}${SEP}${D}{4}${END}`, 'g'),
  // fixed line with its area code, and an extension
  new RegExp(
    `${START}(?:[(（]0${D}{2,3}[)）]\\s?|0${D}{2,3}${SEP})[2-9]${D}{6,7}(?:\\s?(?:-|转|ext\\.?)\\s?${D}{1,6})?${END}`,
    'gi',
  ),
  // bank card grouped by four (16–19 digits)
  new RegExp(`${START}${D}{4}(?:[\\s-]${D}{4}){3}(?:[\\s-]?${D}{1,3})?${END}`, 'g'),
  // any other run of 7 or more digits: old IDs, cards, local numbers, accounts
  new RegExp(`${START}${D}{7,}${END}`, 'g'),
];

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

/** A home: the room of a flat, and the building-unit-room shorthand. */
const ROOM_PATTERNS: RegExp[] = [
  new RegExp(`${START}${D}{2,4}\\s*(?=室|号房)`, 'g'),
  new RegExp(`(?<=单元\\s*)${D}{2,4}${END}`, 'g'),
  new RegExp(`${START}${D}{1,3}-${D}{1,2}-${D}{2,4}${END}`, 'g'),
];

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `text` without identifiers and the given names (see above); '' and null stay as they are. */
export function scrubPublicText(text: string, names?: readonly (string | null | undefined)[]): string;
export function scrubPublicText(
  text: string | null,
  names?: readonly (string | null | undefined)[],
): string | null;
export function scrubPublicText(
  text: string | null,
  names: readonly (string | null | undefined)[] = [],
): string | null {
  if (!text) return text;
  let out = text;
  for (const re of NUMBER_PATTERNS) out = out.replace(re, SCRUBBED);
  out = out.replace(EMAIL, SCRUBBED);
  for (const re of ROOM_PATTERNS) out = out.replace(re, SCRUBBED);
  const wanted = [
    ...new Set(
      names
        .map((n) => (n ?? '').trim())
        .filter((n) => [...n].length >= 2 && n !== SCRUBBED)
        .sort((a, b) => b.length - a.length),
    ),
  ];
  if (wanted.length) out = out.replace(new RegExp(wanted.map(escapeRe).join('|'), 'gi'), SCRUBBED);
  return out;
}
