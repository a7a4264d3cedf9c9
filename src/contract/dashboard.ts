import { z } from 'zod';
import { Id } from './common.js';

/** The dashboard: figures of every module for an area and a period (docs/indicators.md). */
export const DashboardQuery = z.strictObject({
  /** Default: the actor's first dashboard scope. */
  areaId: Id.optional(),
  from: z.iso.date(),
  to: z.iso.date(),
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

export const Dashboard = z.object({
  area: AreaRef,
  /** From the outermost node the actor may open down to the area. */
  trail: z.array(AreaRef),
  from: z.string(),
  to: z.string(),
  previous: z.object({ from: z.string(), to: z.string() }),
  /** When the figures were computed (a cached answer keeps its time). */
  computedAt: z.string(),
  cached: z.boolean(),
  figures: z.array(DashboardFigure),
  /** The areas one level down, each with every figure's value (ranking, drill-down). */
  children: z.array(AreaRef.extend({ values: z.record(z.string(), z.number().nullable()) })),
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
