import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Actor } from '../../platform/access/actor.js';
import type { Db } from '../../platform/db/index.js';
import type { Services } from '../../platform/services.js';

/**
 * The indicator engine (docs/indicators.md). Every figure is a function of (area, period) defined
 * once, in the module that owns its data, and computed in SQL. A module declares its figures and
 * one `compute` that answers, in a few aggregate queries, every figure asked of it *per group*:
 * the groups are the areas at one level under the node asked for (its children for a ranking,
 * its grids for a map), and records lying on the node itself above that level form the group
 * `null`. A figure's value over the node is the sum of its groups' cells, so one pass answers
 * the total, the ranking and the map.
 *
 * A cell is additive: a count is `n`; a rate or a mean is `n / d` (rate: numerator over
 * denominator; mean hours: hours over cases). Summing cells then dividing gives the right total
 * for rates and means, where averaging the groups' rates would not.
 */
export type FigureUnit = 'count' | 'rate' | 'hours' | 'score';

export interface FigureDef {
  /** Unique over all modules: `<module>.<name>` */
  key: string;
  /** The section of the dashboard it belongs to. */
  section: 'population' | 'housing' | 'care' | 'cases' | 'disputes' | 'visits';
  zh: string;
  en: string;
  unit: FigureUnit;
  /** `stock`: the state of the records now, whatever the period; `flow`: what happened in it. */
  kind: 'stock' | 'flow';
  /** What it counts and what it does not (the page's help and the export's definitions sheet). */
  formula: { zh: string; en: string };
  /** Which direction is good news (colours the change from the previous period). */
  better?: 'up' | 'down';
  /**
   * The list behind the figure (for a rate: its denominator): a web path and its query. The
   * dashboard adds `areaId`, and for `period` fields the period's first and last day.
   */
  drill?: { path: string; query: Record<string, string>; period?: [from: string, to: string] };
}

export interface IndicatorQuery {
  actor: Actor;
  /** The node asked for. */
  node: { id: number; path: string };
  /** nlevel of the grouping areas: the node's children, or the grids under it. */
  level: number;
  /** The period [from, to) as instants (China days). */
  from: Date;
  to: Date;
  /** The period's first and last day, inclusive (YYYY-MM-DD, China). */
  fromDay: string;
  toDay: string;
  /** Today in China and the instant the figures are taken at. */
  today: string;
  now: Date;
}

export interface Cell {
  /** The grouping area's id; null for records on the node itself above the grouping level. */
  group: number | null;
  key: string;
  n: number;
  d: number | null;
}

export interface IndicatorSource {
  /**
   * The audit entity types whose changes move these figures (the dashboard keeps a module's
   * cells until one of them changes). Without it, any change does.
   */
  changedBy?: readonly string[];
  /** The figures this actor may see: by permission, and a figure over a tag only with the tag. */
  figures(actor: Actor): FigureDef[];
  /** The cells of the figures in `keys` (all visible to the actor) for the query. */
  compute(db: Db, q: IndicatorQuery, keys: ReadonlySet<string>): Promise<Cell[]>;
}

/** The id of the ancestor at `level` of an ltree path (null when the path is above that level). */
export function groupAt(path: string, level: number): RawBuilder<number | null> {
  const col = sql.ref(path);
  return sql<
    number | null
  >`CASE WHEN nlevel(${col}) >= ${level} THEN ltree2text(subltree(${col}, ${level - 1}, ${level}))::int END`;
}

/** Records under the node and in the actor's scope for a permission (an ltree column). */
export function underNode(path: string, q: IndicatorQuery, permission: string): RawBuilder<SqlBool> {
  const paths = q.actor.pathsFor(permission);
  if (paths.length === 0) return sql<SqlBool>`false`;
  const col = sql.ref(path);
  return sql<SqlBool>`(${col} <@ ${q.node.path}::ltree AND ${col} <@ ${sql.val(paths)}::ltree[])`;
}

/** The value a cell (or a sum of cells) shows: a count, or n / d rounded (null when d is 0). */
export function figureValue(unit: FigureUnit, n: number, d: number | null): number | null {
  if (unit === 'count') return n;
  if (!d) return null;
  const v = n / d;
  return unit === 'rate' ? Math.round(v * 10000) / 10000 : Math.round(v * 100) / 100;
}

/** Adds cells into per-(group, key) sums and per-key totals. */
export function sumCells(cells: Cell[]) {
  const total = new Map<string, { n: number; d: number | null }>();
  const byGroup = new Map<number, Map<string, { n: number; d: number | null }>>();
  const add = (m: Map<string, { n: number; d: number | null }>, c: Cell) => {
    const x = m.get(c.key) ?? { n: 0, d: null };
    x.n += c.n;
    if (c.d !== null) x.d = (x.d ?? 0) + c.d;
    m.set(c.key, x);
  };
  for (const c of cells) {
    add(total, c);
    if (c.group !== null) {
      let g = byGroup.get(c.group);
      if (!g) {
        g = new Map();
        byGroup.set(c.group, g);
      }
      add(g, c);
    }
  }
  return { total, byGroup };
}

/**
 * Turns rows of one grouped aggregate into cells: each row has `grp` and one column per cell
 * part; `parts` maps a figure key to its numerator column and (for rates and means) its
 * denominator column.
 */
export function cellsOf(
  rows: Record<string, unknown>[],
  parts: Record<string, [n: string, d?: string]>,
  keys: ReadonlySet<string>,
): Cell[] {
  const out: Cell[] = [];
  for (const r of rows) {
    const group = r.grp === null || r.grp === undefined ? null : Number(r.grp);
    for (const [key, [n, d]] of Object.entries(parts)) {
      if (!keys.has(key)) continue;
      out.push({ group, key, n: Number(r[n] ?? 0), d: d ? Number(r[d] ?? 0) : null });
    }
  }
  return out;
}

// The engine adds its fields to the manifest and to Services (the platform knows no engine).
declare module '../../platform/module.js' {
  interface ModuleManifest {
    /**
     * The module's dashboard figures (engines/figures, docs/indicators.md); a function when they
     * depend on what the app loaded (the case figures count every declared case type).
     */
    indicators?: IndicatorSource | ((s: Services) => IndicatorSource);
  }
}

declare module '../../platform/services.js' {
  interface Services {
    /** Every module's dashboard figures (ModuleManifest.indicators), collected at boot. */
    indicators?: IndicatorSource[];
  }
}
