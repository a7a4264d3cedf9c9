import { GeoPolygon } from '../../../contract/areas.js';

export type LngLat = [number, number];

/** Web-mercator "world" coordinates in [0, 1] (the same grid as slippy-map tiles). */
export function project([lng, lat]: LngLat): [number, number] {
  const phi = (Math.max(-85.05112878, Math.min(85.05112878, lat)) * Math.PI) / 180;
  const x = (lng + 180) / 360;
  const y = (1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2;
  return [x, y];
}

export function unproject([x, y]: [number, number]): LngLat {
  const lng = x * 360 - 180;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;
  return [lng, lat];
}

export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function boundsOf(points: Iterable<[number, number]>): Bounds | null {
  let b: Bounds | null = null;
  for (const [x, y] of points) {
    if (!b) b = { minX: x, minY: y, maxX: x, maxY: y };
    else {
      b.minX = Math.min(b.minX, x);
      b.minY = Math.min(b.minY, y);
      b.maxX = Math.max(b.maxX, x);
      b.maxY = Math.max(b.maxY, y);
    }
  }
  return b;
}

/** Area-weighted centroid of a ring in screen coordinates (falls back to the vertex mean). */
export function ringCentroid(pts: [number, number][]): [number, number] {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [xi, yi] = pts[i]!;
    const [xj, yj] = pts[j]!;
    const f = xj * yi - xi * yj;
    a += f;
    cx += (xj + xi) * f;
    cy += (yj + yi) * f;
  }
  if (Math.abs(a) < 1e-9) {
    const n = pts.length || 1;
    return [pts.reduce((s, p) => s + p[0], 0) / n, pts.reduce((s, p) => s + p[1], 0) / n];
  }
  return [cx / (3 * a), cy / (3 * a)];
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** A drawn ring (open, ≥ 3 vertices) as a closed GeoJSON Polygon with 6-decimal coordinates. */
export function ringToPolygon(vertices: LngLat[]): GeoPolygon {
  const ring: LngLat[] = vertices.map(([lng, lat]) => [round6(lng), round6(lat)]);
  const first = ring[0]!;
  const last = ring[ring.length - 1]!;
  if (first[0] !== last[0] || first[1] !== last[1]) ring.push([first[0], first[1]]);
  return { type: 'Polygon', coordinates: [ring] };
}

export type ParseResult = { ok: true; polygon: GeoPolygon } | { ok: false; error: string };

/**
 * Pasted GeoJSON → a Polygon: a Polygon geometry, a Feature holding one, or a FeatureCollection of
 * exactly one such Feature. An unclosed ring is closed; holes are refused (grids have one ring).
 */
export function parsePolygon(
  text: string,
  msg: { json: string; notPolygon: string; holes: string },
): ParseResult {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, error: msg.json };
  }
  let geom = v as { type?: unknown; coordinates?: unknown; geometry?: unknown; features?: unknown };
  if (
    geom &&
    geom.type === 'FeatureCollection' &&
    Array.isArray(geom.features) &&
    geom.features.length === 1
  ) {
    geom = geom.features[0] as typeof geom;
  }
  if (geom && geom.type === 'Feature') geom = (geom.geometry ?? {}) as typeof geom;
  if (geom?.type !== 'Polygon' || !Array.isArray(geom.coordinates)) {
    return { ok: false, error: msg.notPolygon };
  }
  const rings = geom.coordinates as unknown[];
  if (rings.length !== 1) return { ok: false, error: msg.holes };
  const ring = rings[0];
  if (Array.isArray(ring) && ring.length >= 3) {
    const a = ring[0] as unknown[];
    const b = ring[ring.length - 1] as unknown[];
    if (Array.isArray(a) && Array.isArray(b) && (a[0] !== b[0] || a[1] !== b[1])) ring.push([a[0], a[1]]);
  }
  const parsed = GeoPolygon.safeParse({ type: 'Polygon', coordinates: [ring] });
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return {
      ok: false,
      error: first ? `${first.path.join('.')}: ${first.message}` : msg.notPolygon,
    };
  }
  return { ok: true, polygon: parsed.data };
}
