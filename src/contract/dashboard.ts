import { z } from 'zod';
import { Id } from './common.js';

/** The dashboard: figures of every module for an area and a period (docs/indicators.md). */
export const DashboardQuery = z.strictObject({
  /** Default: the actor's first dashboard scope. */
  areaId: Id.optional(),
  from: z.iso.date(),
  to: z.iso.date(),
  /**
   * What the period is compared with: the period before (default) or the same days a year
   * earlier; a running period counts its days so far against the same days of the other.
   */
  compare: z.enum(['previous', 'year']).optional(),
});
export type DashboardQuery = z.infer<typeof DashboardQuery>;

export const FigureUnit = z.enum(['count', 'rate', 'hours', 'score']);
export type FigureUnit = z.infer<typeof FigureUnit>;

export const DashboardFigure = z.object({
  key: z.string(),
  section: z.string(),
  name: z.string(),
  unit: FigureUnit,
  kind: z.enum(['stock', 'flow']),
  better: z.enum(['up', 'down']).nullable(),
  formula: z.string(),
  value: z.number().nullable(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  /** The same figure over the previous period (flow figures only). */
  previous: z.number().nullable(),
  /** The list behind the figure, scoped to the area (and period): web path and query. */
  drill: z.object({ path: z.string(), query: z.record(z.string(), z.string()) }).nullable(),
});
export type DashboardFigure = z.infer<typeof DashboardFigure>;

export const AreaRef = z.object({ id: z.number(), name: z.string(), kind: z.string() });
export type AreaRef = z.infer<typeof AreaRef>;

/** The kind of area one level below a node of each kind (the ranking's rows, the "未落…" row). */
export const KIND_BELOW: Record<string, string> = {
  district: 'street',
  street: 'community',
  community: 'grid',
  grid: 'compound',
  compound: 'building',
  group: 'building',
  building: 'unit',
  unit: 'house',
};

/** "In no grid" and the like, by the kind of the level below (export sheets; the web has its own). */
export const UNASSIGNED_LABEL: Record<string, { zh: string; en: string }> = {
  street: { zh: '未落街道', en: 'In no street' },
  community: { zh: '未落社区', en: 'In no community' },
  grid: { zh: '未落网格', en: 'In no grid' },
  compound: { zh: '未落小区', en: 'In no compound' },
  group: { zh: '未落居民小组', en: 'In no residents group' },
  building: { zh: '未落楼栋', en: 'In no building' },
  unit: { zh: '未落单元', en: 'In no unit' },
  house: { zh: '未落房屋', en: 'In no house' },
};

export const Dashboard = z.object({
  area: AreaRef,
  /** From the outermost node the actor may open down to the area. */
  trail: z.array(AreaRef),
  from: z.string(),
  to: z.string(),
  /** The last day counted: `to`, or today while the period is still running. */
  through: z.string(),
  /** The days the flow figures are compared with (like with like: the same days). */
  previous: z.object({
    from: z.string(),
    to: z.string(),
    compare: z.enum(['previous', 'year']),
    /** `month`: `shift` months before (a year: 12); `day`: `shift` days before. */
    unit: z.enum(['month', 'day']),
    shift: z.number(),
    /** The period is running: its days so far against the same days of the other period. */
    partial: z.boolean(),
  }),
  /** When the figures were computed (a cached answer keeps its time). */
  computedAt: z.string(),
  cached: z.boolean(),
  figures: z.array(DashboardFigure),
  /** The areas one level down, each with every figure's value (ranking, drill-down). */
  children: z.array(AreaRef.extend({ values: z.record(z.string(), z.number().nullable()) })),
  /**
   * What the children do not hold: records on the node itself (a case filed at the grid, not at
   * one of its compounds; a person at the community, in no grid) or under an area the list does
   * not show. Per figure with anything there (absent: nothing); the children plus this row make
   * the node's total (for rates: their numerators and denominators).
   */
  unassigned: z.object({ values: z.record(z.string(), z.number().nullable()) }).nullable(),
  /** The kind of the level below (the children's, else the usual one below the node's kind). */
  childKind: z.string().nullable(),
});
export type Dashboard = z.infer<typeof Dashboard>;

export const DashboardMapQuery = DashboardQuery.extend({ figure: z.string().trim().min(1).max(80) });
export const DashboardMap = z.object({
  figure: z.object({
    key: z.string(),
    name: z.string(),
    unit: FigureUnit,
    better: z.enum(['up', 'down']).nullable(),
  }),
  computedAt: z.string(),
  grids: z.array(z.object({ id: z.number(), name: z.string(), value: z.number().nullable() })),
});
export type DashboardMap = z.infer<typeof DashboardMap>;

/** Flow figures month by month (the trend lines): the last `months` months up to `to`. */
export const DashboardTrendQuery = z.strictObject({
  areaId: Id.optional(),
  to: z.iso.date(),
  months: z.coerce.number().int().min(2).max(24).default(12),
  /** Comma-separated figure keys (flow figures; at most 8). */
  figures: z.string().trim().min(1).max(800),
});
export type DashboardTrendQuery = z.infer<typeof DashboardTrendQuery>;

export const DashboardTrend = z.object({
  area: AreaRef,
  computedAt: z.string(),
  /** Each month's first and last day counted (the running month: up to today). */
  months: z.array(z.object({ month: z.string(), from: z.string(), to: z.string(), partial: z.boolean() })),
  series: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      unit: FigureUnit,
      better: z.enum(['up', 'down']).nullable(),
      values: z.array(z.number().nullable()),
    }),
  ),
});
export type DashboardTrend = z.infer<typeof DashboardTrend>;
