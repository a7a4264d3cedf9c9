import {
  BarChart,
  type BarSeriesOption,
  LineChart,
  type LineSeriesOption,
  MapChart,
  type MapSeriesOption,
  PieChart,
  type PieSeriesOption,
} from 'echarts/charts';
import {
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
  VisualMapComponent,
  type VisualMapComponentOption,
} from 'echarts/components';
import type { ComposeOption, EChartsType } from 'echarts/core';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { type CSSProperties, useEffect, useRef } from 'react';

/**
 * ECharts for the dashboard and the screen, only the parts they draw (line, bar, pie, map on a
 * canvas). This file is imported by those two pages alone, which are lazy chunks: the login page
 * and the grid worker's day never load it.
 */
echarts.use([
  LineChart,
  BarChart,
  PieChart,
  MapChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export type ChartOption = ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | PieSeriesOption
  | MapSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | VisualMapComponentOption
>;

export interface GeoFeature {
  id: number;
  boundary: { type: 'Polygon'; coordinates: number[][][] };
}

/**
 * Registers the areas' boundaries as a map named `name` (regions named by area id: names repeat,
 * 第一网格 in every community) and returns the name. Registering again replaces it.
 */
export function registerAreas(name: string, features: GeoFeature[]): string {
  echarts.registerMap(name, {
    type: 'FeatureCollection',
    features: features.map((f) => ({
      type: 'Feature',
      id: String(f.id),
      properties: { name: String(f.id) },
      geometry: f.boundary,
    })),
    // biome-ignore lint/suspicious/noExplicitAny: ECharts' GeoJSON type is looser than ours
  } as any);
  return name;
}

/** A chart in a box: drawn once, updated with the option, resized with its box, disposed at unmount. */
export function EChart({
  option,
  height,
  onClick,
  style,
  'data-testid': testId,
  ariaLabel,
}: {
  option: ChartOption;
  height: number | string;
  onClick?: (name: string) => void;
  style?: CSSProperties;
  'data-testid'?: string;
  ariaLabel?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const click = useRef(onClick);
  click.current = onClick;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const c = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p) => {
      if (p.name) click.current?.(String(p.name));
    });
    const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => c.resize());
    ro?.observe(el);
    return () => {
      ro?.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return (
    <div
      ref={box}
      role="img"
      aria-label={ariaLabel}
      data-testid={testId}
      style={{ width: '100%', height, ...style }}
    />
  );
}

/**
 * A month-by-month line whose last month is still running, split in two: the whole months, and
 * the last step drawn dashed — the month so far is lower because its days are not over, not
 * because anything fell. `tail` is null when the last month is whole (or there is one point).
 */
export function partialTail<V>(values: (V | null)[], partialLast: boolean) {
  const n = values.length;
  if (!partialLast || n < 2) return { done: values, tail: null };
  return {
    done: values.map((v, j) => (j === n - 1 ? null : v)),
    tail: values.map((v, j) => (j >= n - 2 ? v : null)),
  };
}

/** One point of an axis tooltip's `params` (ECharts). */
export interface AxisPoint {
  dataIndex: number;
  marker: string;
  seriesName: string;
  value: number | null;
  axisValueLabel?: string;
}

/** The points of an axis tooltip, one per figure: a figure drawn as two series shows once. */
export function uniqueSeries(ps: AxisPoint[]): AxisPoint[] {
  const seen = new Map<string, AxisPoint>();
  for (const p of ps) if (seen.get(p.seriesName)?.value == null) seen.set(p.seriesName, p);
  return [...seen.values()];
}

/** An axis tooltip: the month, then each figure's value once. */
export function trendTooltip(params: unknown): string {
  const ps = params as AxisPoint[];
  const rows = uniqueSeries(ps).map((p) => `${p.marker}${p.seriesName}　${p.value ?? '—'}`);
  return [ps[0]?.axisValueLabel ?? '', ...rows].join('<br/>');
}
