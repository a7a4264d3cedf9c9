import type { TagCode } from '../../../contract/tags.js';
import { TAG_CODES, tagPermission } from '../../../contract/tags.js';
import type { Actor } from '../../platform/access/actor.js';

/**
 * Declarative rules of the registry: which abilities a record shows, which tags an actor may
 * see, how a search text is read, and the age bands.
 */

/** Abilities on a person, each from a permission at the person's place in the tree. */
export function personAbilities(actor: Actor, path: string): string[] {
  const out: string[] = [];
  if (actor.canAt('person.update', path)) out.push('update', 'move');
  if (actor.canAt('person.reveal', path)) out.push('reveal');
  if (actor.canAt('person.export', path)) out.push('export');
  if (visibleTags(actor, path).length > 0) out.push('tag');
  return out;
}

/** Tags the actor may see (and assign) on a record at `path`; without `path`: anywhere. */
export function visibleTags(actor: Actor, path?: string): TagCode[] {
  return TAG_CODES.filter((c) =>
    path === undefined ? actor.can(tagPermission(c)) : actor.canAt(tagPermission(c), path),
  );
}

/**
 * Holds person.reveal wherever it holds person.read: its searches by identifier are neither
 * narrowed nor audited (it could see every number it finds).
 */
export function revealsEverywhere(actor: Actor): boolean {
  return actor.pathsFor('person.read').every((p) => actor.canAt('person.reveal', p));
}

/** Search kinds that are made of an identifier's characters (ID number, phone, their tails). */
export const IDENTIFIER_SEARCHES = new Set(['idHash', 'phoneHash', 'tail4', 'tail5', 'tail6']);

export type SearchKind =
  | { kind: 'idHash'; value: string }
  | { kind: 'phoneHash'; value: string }
  | { kind: 'tail4'; value: string; phoneToo: boolean }
  | { kind: 'tail5'; value: string }
  | { kind: 'tail6'; value: string }
  | { kind: 'pinyin'; value: string }
  | { kind: 'text'; value: string };

/**
 * What a search text names. Digits are read as identifiers: a whole ID number (15 or 18) or
 * phone (11) is looked up by keyed hash, 4–6 trailing characters of an ID (X allowed at the
 * end) by the stored tail, 4 digits also as a phone's last four. Latin letters are pinyin
 * (initials "zw" or the full "zhangwei"); anything else is a name or an address.
 */
export function classifySearch(raw: string): SearchKind | null {
  const q = raw.trim().replace(/\s+/g, ' ');
  if (!q) return null;
  if (/^\d{17}[\dXx]$/.test(q) || /^\d{15}$/.test(q)) return { kind: 'idHash', value: q.toUpperCase() };
  if (/^\d{11}$/.test(q)) return { kind: 'phoneHash', value: q };
  if (/^\d{4}$/.test(q)) return { kind: 'tail4', value: q, phoneToo: true };
  if (/^\d{3}[Xx]$/.test(q)) return { kind: 'tail4', value: q.toUpperCase(), phoneToo: false };
  if (/^\d{4}[\dXx]$/.test(q)) return { kind: 'tail5', value: q.toUpperCase() };
  if (/^\d{5}[\dXx]$/.test(q)) return { kind: 'tail6', value: q.toUpperCase() };
  if (/^[a-zA-Z]+$/.test(q)) return { kind: 'pinyin', value: q.toLowerCase() };
  return { kind: 'text', value: q };
}

export const AGE_BANDS = {
  '0-6': [0, 6],
  '7-17': [7, 17],
  '18-34': [18, 34],
  '35-59': [35, 59],
  '60-79': [60, 79],
  '80+': [80, null],
} as const satisfies Record<string, readonly [number, number | null]>;

/** Birth dates (inclusive bounds, YYYY-MM-DD) of people whose age on `today` is in [min, max]. */
export function birthRange(
  today: string,
  min: number,
  max: number | null,
): { from: string | null; to: string } {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const shift = (years: number) => {
    // Born on or before today's date `years` ago → at least `years` old (29 Feb → 28 Feb).
    const yy = y - years;
    const last = new Date(Date.UTC(yy, m, 0)).getUTCDate();
    return `${String(yy).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
  };
  const to = shift(min);
  let from: string | null = null;
  if (max !== null) {
    // Younger than max+1: born after today's date (max+1) years ago.
    const bound = shift(max + 1);
    const dt = new Date(`${bound}T00:00:00Z`);
    dt.setUTCDate(dt.getUTCDate() + 1);
    from = dt.toISOString().slice(0, 10);
  }
  return { from, to };
}

export function ageOn(birthDate: string | null, today: string): number | null {
  if (!birthDate) return null;
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  let age = y - by;
  if (m < bm || (m === bm && d < bd)) age--;
  return age < 0 ? 0 : age;
}

/** Kinds of area node that make up a dwelling's address (below the grid). */
export const ADDRESS_KINDS = new Set(['compound', 'group', 'building', 'unit', 'house']);
