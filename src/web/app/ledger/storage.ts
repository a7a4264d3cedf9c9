/**
 * A ledger's personal settings in localStorage, per user and ledger: which columns are hidden, the
 * density and the saved filters. Storage may be disabled (private mode): reads fall back to the
 * defaults and writes are dropped, the settings then last for the page only.
 */
export type Density = 'large' | 'middle' | 'small';

export interface SavedFilter {
  name: string;
  /** The URL query of the filter, without page (e.g. `state=handling&urgency=urgent`). */
  query: string;
}

export interface LedgerPrefs {
  hidden: string[] | null;
  density: Density;
  filters: SavedFilter[];
}

const DEFAULTS: LedgerPrefs = { hidden: null, density: 'middle', filters: [] };

const keyOf = (userId: number | undefined, ledger: string) => `jy_ledger:${userId ?? 0}:${ledger}`;

export function readPrefs(userId: number | undefined, ledger: string): LedgerPrefs {
  try {
    const raw = globalThis.localStorage?.getItem(keyOf(userId, ledger));
    if (!raw) return { ...DEFAULTS };
    const v = JSON.parse(raw) as Partial<LedgerPrefs>;
    return {
      hidden: Array.isArray(v.hidden) ? v.hidden.filter((x) => typeof x === 'string') : null,
      density: v.density === 'large' || v.density === 'small' ? v.density : 'middle',
      filters: Array.isArray(v.filters)
        ? v.filters.filter((f) => f && typeof f.name === 'string' && typeof f.query === 'string').slice(0, 30)
        : [],
    };
  } catch {
    return { ...DEFAULTS };
  }
}

export function writePrefs(userId: number | undefined, ledger: string, prefs: LedgerPrefs) {
  try {
    globalThis.localStorage?.setItem(keyOf(userId, ledger), JSON.stringify(prefs));
  } catch {
    // storage disabled or full: the settings last for this page only
  }
}
