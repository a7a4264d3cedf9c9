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
