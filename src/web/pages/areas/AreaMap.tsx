import { AimOutlined, MinusOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Tooltip } from 'antd';
import {
  type ReactNode,
  type PointerEvent as ReactPointerEvent,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { AreaKind } from '../../../contract/areas.js';
import { useT } from '../../app/i18n.js';
import { boundsOf, type LngLat, project, ringCentroid, unproject } from './geo.js';

export interface MapShape {
  id: number;
  name: string;
  kind: AreaKind;
  ring: LngLat[];
  /** Context only (e.g. siblings shown around an area without a boundary): not clickable, greyed. */
  context?: boolean;
  /** The subject's own outline: drawn under everything else, labelled only when alone. */
  base?: boolean;
}

/** A point drawn over the shapes (cases on the map, a chosen location). */
export interface MapMarker {
  id: number;
  at: LngLat;
  color: string;
  title?: string;
  /** Drawn larger, on top, with a halo. */
  selected?: boolean;
  /** `pin`: a drop pin (a chosen location); `dot` (default): a small circle. */
  kind?: 'dot' | 'pin';
}

export interface AreaMapProps {
  shapes: MapShape[];
  selectedId?: number | null;
  /** Vertices being drawn or a pasted polygon waiting to be saved. */
  draft?: { points: LngLat[]; closed: boolean } | null;
  drawing?: boolean;
  onSelect?: (id: number) => void;
  onAddPoint?: (p: LngLat) => void;
  onFinishDrawing?: () => void;
  /** Where to look when there is nothing to fit (the area's centre). */
  fallbackCenter?: LngLat | null;
  /** Slippy-map tile template (`https://host/{z}/{x}/{y}.png`) drawn under the shapes; null: plain. */
  tileUrl?: string | null;
  /** Changes of this value re-fit the view to the shapes. */
  fitKey?: string | number;
  markers?: MapMarker[];
  onMarkerClick?: (id: number) => void;
  /** A click on the map (not on a marker, not while drawing) reports its point; shapes are not selected. */
  onPick?: (p: LngLat) => void;
  /** A walked route (a patrol), drawn as a solid line from its start to its end. */
  route?: LngLat[];
  /** Height of the map box in px (default: the stylesheet's). */
  height?: number;
  /** Overlays inside the map box (e.g. a popup for the selected marker). */
  children?: ReactNode;
  'data-testid'?: string;
}

const TILE = 256;
const MIN_ZOOM = 2;
const MAX_ZOOM = 21;

const STYLE: Partial<Record<AreaKind, { stroke: string; fill: string }>> = {
  grid: { stroke: '#1f6feb', fill: 'rgba(31,111,235,0.10)' },
  compound: { stroke: '#389e0d', fill: 'rgba(82,196,26,0.14)' },
  group: { stroke: '#08979c', fill: 'rgba(19,194,194,0.14)' },
  community: { stroke: '#d46b08', fill: 'rgba(250,140,22,0.08)' },
  street: { stroke: '#c41d7f', fill: 'rgba(235,47,150,0.06)' },
};
const DEFAULT_STYLE = { stroke: '#595959', fill: 'rgba(0,0,0,0.06)' };

interface View {
  cx: number;
  cy: number;
  zoom: number;
}

function fitView(
  points: [number, number][],
  w: number,
  h: number,
  fallback: LngLat | null,
  fill = 0.86,
): View {
  const b = boundsOf(points);
  if (!b) {
    const [cx, cy] = project(fallback ?? [104.1954, 35.8617]);
    return { cx, cy, zoom: fallback ? 16 : 4 };
  }
  const bw = Math.max(b.maxX - b.minX, 1e-9);
  const bh = Math.max(b.maxY - b.minY, 1e-9);
  const scale = Math.min((w * fill) / bw, (h * fill) / bh);
  const zoom = Math.max(MIN_ZOOM, Math.min(19, Math.log2(scale / TILE)));
  return { cx: (b.minX + b.maxX) / 2, cy: (b.minY + b.maxY) / 2, zoom };
}

function tileHref(template: string, z: number, x: number, y: number): string {
  return template
    .replace('{z}', String(z))
    .replace('{x}', String(x))
    .replace('{y}', String(y))
    .replace('{s}', 'abc'[(x + y) % 3]!);
}

/**
 * Boundaries drawn with SVG on a plain background (no tile server is assumed), projected in web
 * mercator so optional tiles line up. Drag to pan, wheel or buttons to zoom; click a shape to select
 * it; in drawing mode clicks add vertices and a double-click closes the ring.
 */
export function AreaMap({
  shapes,
  selectedId,
  draft,
  drawing,
  onSelect,
  onAddPoint,
  onFinishDrawing,
  fallbackCenter,
  tileUrl,
  fitKey,
  markers,
  onMarkerClick,
  onPick,
  route,
  height,
  children,
  'data-testid': testId,
}: AreaMapProps) {
  const t = useT();
  const boxRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const [view, setView] = useState<View | null>(null);
  const drag = useRef<{
    x: number;
    y: number;
    view: View;
    moved: boolean;
    targetId: number | null;
    markerId: number | null;
    pointerId: number;
  } | null>(null);

  useEffect(() => {
    const el = boxRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setSize({ w: el.clientWidth, h: el.clientHeight }));
    ro.observe(el);
    setSize({ w: el.clientWidth, h: el.clientHeight });
    return () => ro.disconnect();
  }, []);

  const projected = useMemo(
    () => shapes.map((s) => ({ ...s, pts: s.ring.map(project) as [number, number][] })),
    [shapes],
  );
  const draftPts = useMemo(() => (draft?.points ?? []).map(project) as [number, number][], [draft]);
  const routePts = useMemo(() => (route ?? []).map(project) as [number, number][], [route]);
  const markerPts = useMemo(
    () => (markers ?? []).map((m) => ({ ...m, pt: project(m.at) as [number, number] })),
    [markers],
  );

  const fit = useCallback(() => {
    if (size.w === 0) return;
    const own = projected.filter((s) => !s.context).flatMap((s) => s.pts);
    const all = own.length > 0 ? own : projected.flatMap((s) => s.pts);
    // With surroundings to show, leave room for them around the subject.
    const fill = own.length > 0 && projected.some((s) => s.context) ? 0.45 : 0.86;
    const next = fitView(
      [...all, ...draftPts, ...routePts, ...markerPts.map((m) => m.pt)],
      size.w,
      size.h,
      fallbackCenter ?? null,
      fill,
    );
    // Points alone (no shape): not closer than street level.
    if (all.length === 0 && draftPts.length === 0 && (markerPts.length > 0 || routePts.length > 0))
      next.zoom = Math.min(next.zoom, 17);
    setView(next);
  }, [projected, draftPts, routePts, markerPts, size.w, size.h, fallbackCenter]);

  // Re-fit when the subject changes (fitKey) or the box gets its size; not on every draft vertex.
  const fitRef = useRef(fit);
  fitRef.current = fit;
  const sized = size.w > 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: fitKey is the trigger
  useEffect(() => {
    if (sized) fitRef.current();
  }, [fitKey, sized]);

  const scale = view ? TILE * 2 ** view.zoom : 1;
  const toScreen = useCallback(
    ([x, y]: [number, number]): [number, number] => {
      if (!view) return [0, 0];
      return [(x - view.cx) * scale + size.w / 2, (y - view.cy) * scale + size.h / 2];
    },
    [view, scale, size.w, size.h],
  );
  const toWorld = useCallback(
    (sx: number, sy: number): [number, number] => {
      if (!view) return [0, 0];
      return [view.cx + (sx - size.w / 2) / scale, view.cy + (sy - size.h / 2) / scale];
    },
    [view, scale, size.w, size.h],
  );

  const zoomAt = useCallback(
    (delta: number, sx?: number, sy?: number) => {
      setView((v) => {
        if (!v) return v;
        const zoom = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, v.zoom + delta));
        const px = sx ?? size.w / 2;
        const py = sy ?? size.h / 2;
        const s0 = TILE * 2 ** v.zoom;
        const s1 = TILE * 2 ** zoom;
        const wx = v.cx + (px - size.w / 2) / s0;
        const wy = v.cy + (py - size.h / 2) / s0;
        return { zoom, cx: wx - (px - size.w / 2) / s1, cy: wy - (py - size.h / 2) / s1 };
      });
    },
    [size.w, size.h],
  );

  // Wheel zoom needs a non-passive listener to keep the page from scrolling.
  useEffect(() => {
    const el = svgRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      zoomAt(-e.deltaY * 0.0025, e.clientX - r.left, e.clientY - r.top);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [zoomAt]);

  const local = (e: ReactPointerEvent) => {
    const r = svgRef.current!.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top] as const;
  };

  const onPointerDown = (e: ReactPointerEvent<SVGSVGElement>) => {
    if (!view || e.button !== 0) return;
    const target = e.target as Element;
    const idAttr = target.getAttribute('data-area-id');
    const markerAttr = target.getAttribute('data-marker-id');
    drag.current = {
      x: e.clientX,
      y: e.clientY,
      view,
      moved: false,
      targetId: idAttr ? Number(idAttr) : null,
      markerId: markerAttr ? Number(markerAttr) : null,
      pointerId: e.pointerId,
    };
  };
  const onPointerMove = (e: ReactPointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d || d.pointerId !== e.pointerId) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < 4) return;
    if (!d.moved) {
      d.moved = true;
      svgRef.current?.setPointerCapture(e.pointerId);
    }
    const s = TILE * 2 ** d.view.zoom;
    setView({ ...d.view, cx: d.view.cx - dx / s, cy: d.view.cy - dy / s });
  };
  const onPointerUp = (e: ReactPointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    drag.current = null;
    if (!d || d.moved || d.pointerId !== e.pointerId) return;
    if (drawing) {
      const [sx, sy] = local(e);
      const last = draftPts[draftPts.length - 1];
      if (last) {
        const [lx, ly] = toScreen(last);
        if (Math.hypot(lx - sx, ly - sy) < 5) return; // the second click of a double-click
      }
      onAddPoint?.(unproject(toWorld(sx, sy)));
      return;
    }
    if (d.markerId !== null && onMarkerClick) {
      onMarkerClick(d.markerId);
      return;
    }
    if (onPick) {
      const [sx, sy] = local(e);
      onPick(unproject(toWorld(sx, sy)));
      return;
    }
    if (d.targetId !== null) onSelect?.(d.targetId);
  };

  const tiles = useMemo(() => {
    if (!tileUrl || !view || size.w === 0) return [];
    const z = Math.max(0, Math.min(19, Math.round(view.zoom)));
    const n = 2 ** z;
    const [x0, y0] = toWorld(0, 0);
    const [x1, y1] = toWorld(size.w, size.h);
    const out: { key: string; href: string; x: number; y: number; s: number }[] = [];
    const i0 = Math.max(0, Math.floor(x0 * n));
    const i1 = Math.min(n - 1, Math.floor(x1 * n));
    const j0 = Math.max(0, Math.floor(y0 * n));
    const j1 = Math.min(n - 1, Math.floor(y1 * n));
    for (let i = i0; i <= i1; i++) {
      for (let j = j0; j <= j1; j++) {
        if (out.length >= 100) break;
        const [sx, sy] = toScreen([i / n, j / n]);
        out.push({ key: `${z}/${i}/${j}`, href: tileHref(tileUrl, z, i, j), x: sx, y: sy, s: scale / n });
      }
    }
    return out;
  }, [tileUrl, view, size.w, size.h, toWorld, toScreen, scale]);

  const screenShapes = useMemo(() => {
    const out = projected.map((s) => {
      const pts = s.pts.map(toScreen);
      const b = boundsOf(pts);
      return {
        ...s,
        points: pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' '),
        label: ringCentroid(pts),
        w: b ? b.maxX - b.minX : 0,
        h: b ? b.maxY - b.minY : 0,
        showLabel: false,
      };
    });
    // Labels: biggest shapes first, only where the text fits inside the shape and hits no other label.
    const placed: { x0: number; y0: number; x1: number; y1: number }[] = [];
    const alone = out.filter((s) => !s.context).length <= 1;
    const candidates = out
      .filter((s) => (s.base ? alone : true))
      .sort((a, b) => Number(!!a.context) - Number(!!b.context) || b.w * b.h - a.w * a.h);
    for (const s of candidates) {
      const tw = textWidth(s.name);
      if (tw > s.w * 0.96 || s.h < 16) continue;
      const r = { x0: s.label[0] - tw / 2, y0: s.label[1] - 9, x1: s.label[0] + tw / 2, y1: s.label[1] + 9 };
      if (placed.some((p) => r.x0 < p.x1 && r.x1 > p.x0 && r.y0 < p.y1 && r.y1 > p.y0)) continue;
      placed.push(r);
      s.showLabel = true;
    }
    return out;
  }, [projected, toScreen]);
  const draftScreen = draftPts.map(toScreen);
  const routeScreen = routePts.map(toScreen);
  // Own outline at the bottom, then context, then the rest; the selected shape on top.
  const rank = (s: { id: number; base?: boolean; context?: boolean }) =>
    s.base ? 0 : s.context ? 1 : s.id === selectedId ? 3 : 2;
  const ordered = [...screenShapes].sort((a, b) => rank(a) - rank(b));

  return (
    <div
      ref={boxRef}
      className={`jy-map${drawing ? ' drawing' : ''}${onPick ? ' picking' : ''}`}
      data-testid={testId ?? 'area-map'}
      style={height ? { height } : undefined}
    >
      <svg
        ref={svgRef}
        role="img"
        aria-label={t('map.aria')}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => {
          drag.current = null;
        }}
        onDoubleClick={(e) => {
          e.preventDefault();
          if (drawing) onFinishDrawing?.();
        }}
      >
        {tiles.map((tl) => (
          <image
            key={tl.key}
            href={tl.href}
            x={tl.x}
            y={tl.y}
            width={tl.s + 0.5}
            height={tl.s + 0.5}
            preserveAspectRatio="none"
          />
        ))}
        {ordered.map((s) => {
          const st = STYLE[s.kind] ?? DEFAULT_STYLE;
          const selected = s.id === selectedId;
          const fill = s.base
            ? 'rgba(250,140,22,0.05)'
            : selected
              ? 'rgba(250,140,22,0.22)'
              : s.context
                ? 'rgba(0,0,0,0.04)'
                : st.fill;
          return (
            <polygon
              key={s.id}
              data-area-id={s.context || s.base || drawing ? undefined : s.id}
              data-testid={`map-shape-${s.id}`}
              points={s.points}
              fill={fill}
              stroke={selected ? '#fa8c16' : s.context ? '#bfbfbf' : st.stroke}
              strokeWidth={selected ? 3 : 1.5}
              strokeDasharray={s.context ? '4 3' : undefined}
              className={s.context || s.base || drawing ? undefined : 'jy-map-shape'}
            >
              <title>{s.name}</title>
            </polygon>
          );
        })}
        {screenShapes
          .filter((s) => s.base)
          .map((s) => (
            <polygon
              key={`outline${s.id}`}
              points={s.points}
              fill="none"
              stroke={s.id === selectedId ? '#fa8c16' : '#8c8c8c'}
              strokeWidth={2.5}
              pointerEvents="none"
            />
          ))}
        {ordered.map((s) =>
          s.showLabel ? (
            <text
              key={`l${s.id}`}
              className="jy-map-label"
              x={s.label[0]}
              y={s.label[1]}
              textAnchor="middle"
              dominantBaseline="middle"
              style={{ fontWeight: s.id === selectedId ? 600 : 400, fill: s.context ? '#8c8c8c' : undefined }}
            >
              {s.name}
            </text>
          ) : null,
        )}
        {draftScreen.length > 0 ? (
          <g>
            {draft?.closed ? (
              <polygon
                points={draftScreen.map(([x, y]) => `${x},${y}`).join(' ')}
                fill="rgba(245,34,45,0.12)"
                stroke="#f5222d"
                strokeWidth={2.5}
              />
            ) : (
              <polyline
                points={draftScreen.map(([x, y]) => `${x},${y}`).join(' ')}
                fill="none"
                stroke="#f5222d"
                strokeWidth={2.5}
                strokeDasharray="6 4"
              />
            )}
            {draftScreen.map(([x, y], i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: vertices have no identity but their order
              <circle key={i} cx={x} cy={y} r={4} fill="#fff" stroke="#f5222d" strokeWidth={2} />
            ))}
          </g>
        ) : null}
        {routeScreen.length > 0 ? (
          <g data-testid="map-route">
            {routeScreen.length > 1 ? (
              <polyline
                points={routeScreen.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}
                fill="none"
                stroke="#1f6feb"
                strokeWidth={3.5}
                strokeLinejoin="round"
                strokeLinecap="round"
              />
            ) : null}
            <circle
              cx={routeScreen[0]![0]}
              cy={routeScreen[0]![1]}
              r={5}
              fill="#52c41a"
              stroke="#fff"
              strokeWidth={2}
            />
            <circle
              cx={routeScreen[routeScreen.length - 1]![0]}
              cy={routeScreen[routeScreen.length - 1]![1]}
              r={6}
              fill="#1f6feb"
              stroke="#fff"
              strokeWidth={2}
            />
          </g>
        ) : null}
        {markerPts.length > 0 ? (
          <g>
            {[...markerPts]
              .sort((a, b) => Number(!!a.selected) - Number(!!b.selected))
              .map((m) => {
                const [x, y] = toScreen(m.pt);
                const clickable = !!onMarkerClick;
                if (m.kind === 'pin') {
                  return (
                    <g key={`m${m.id}`} transform={`translate(${x.toFixed(1)},${y.toFixed(1)})`}>
                      <path
                        d="M0,0 C-3,-8 -10,-12 -10,-20 A10,10 0 1 1 10,-20 C10,-12 3,-8 0,0 Z"
                        fill={m.color}
                        stroke="#fff"
                        strokeWidth={2}
                        data-marker-id={clickable ? m.id : undefined}
                        data-testid={`map-marker-${m.id}`}
                      >
                        {m.title ? <title>{m.title}</title> : null}
                      </path>
                      <circle cx={0} cy={-20} r={3.5} fill="#fff" pointerEvents="none" />
                    </g>
                  );
                }
                return (
                  <g key={`m${m.id}`}>
                    {m.selected ? (
                      <circle cx={x} cy={y} r={15} fill={m.color} opacity={0.25} pointerEvents="none" />
                    ) : null}
                    <circle
                      cx={x}
                      cy={y}
                      r={m.selected ? 9 : 7}
                      fill={m.color}
                      stroke="#fff"
                      strokeWidth={2}
                      className={clickable ? 'jy-map-marker' : undefined}
                      data-marker-id={clickable ? m.id : undefined}
                      data-testid={`map-marker-${m.id}`}
                    >
                      {m.title ? <title>{m.title}</title> : null}
                    </circle>
                  </g>
                );
              })}
          </g>
        ) : null}
      </svg>
      <div className="jy-map-controls">
        <Tooltip title={t('map.zoomIn')} placement="left">
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() => zoomAt(1)}
            aria-label={t('map.zoomIn')}
          />
        </Tooltip>
        <Tooltip title={t('map.zoomOut')} placement="left">
          <Button
            size="small"
            icon={<MinusOutlined />}
            onClick={() => zoomAt(-1)}
            aria-label={t('map.zoomOut')}
          />
        </Tooltip>
        <Tooltip title={t('map.fit')} placement="left">
          <Button size="small" icon={<AimOutlined />} onClick={fit} aria-label={t('map.fit')} />
        </Tooltip>
      </div>
      {tileUrl ? <div className="jy-map-attrib">{safeHost(tileUrl)}</div> : null}
      {children}
    </div>
  );
}

/** Rough width of a 12 px label: CJK characters are square, Latin ones about 0.6 em. */
function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += ch.charCodeAt(0) > 0x2e80 ? 12 : 7;
  return w + 6;
}

function safeHost(url: string): string {
  try {
    return new URL(url.replace(/\{[a-z]\}/g, '0')).host;
  } catch {
    return '';
  }
}
