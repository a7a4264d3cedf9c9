import type { GeoPolygon } from '../../../contract/areas.js';

/** GeoJSON Polygon (lng/lat) ⇄ PostgreSQL polygon text "((x,y),…)", x = lng, y = lat. */
export function polygonToPg(p: GeoPolygon): string {
  const ring = p.coordinates[0]!;
  // PostgreSQL polygons are implicitly closed: drop the repeated last position.
  const pts = ring.slice(0, -1);
  return `(${pts.map(([x, y]) => `(${x},${y})`).join(',')})`;
}

export function pgToPolygon(text: string | null): GeoPolygon | null {
  if (!text) return null;
  const nums = text.match(/-?\d+(?:\.\d+)?(?:e-?\d+)?/gi)?.map(Number) ?? [];
  const pts: [number, number][] = [];
  for (let i = 0; i + 1 < nums.length; i += 2) pts.push([nums[i]!, nums[i + 1]!]);
  if (pts.length < 3) return null;
  return { type: 'Polygon', coordinates: [[...pts, pts[0]!]] };
}

/** Area-weighted centroid of a ring (falls back to the vertex mean for degenerate rings). */
export function centroid(p: GeoPolygon): [number, number] {
  const ring = p.coordinates[0]!;
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const [x0, y0] = ring[i]!;
    const [x1, y1] = ring[i + 1]!;
    const f = x0 * y1 - x1 * y0;
    a += f;
    cx += (x0 + x1) * f;
    cy += (y0 + y1) * f;
  }
  if (Math.abs(a) < 1e-12) {
    const pts = ring.slice(0, -1);
    return [pts.reduce((s, q) => s + q[0], 0) / pts.length, pts.reduce((s, q) => s + q[1], 0) / pts.length];
  }
  return [cx / (3 * a), cy / (3 * a)];
}

/** A ring must not cross itself (checked pairwise on its edges; rings are small). */
export function selfIntersects(p: GeoPolygon): boolean {
  const r = p.coordinates[0]!;
  const n = r.length - 1;
  const cross = (a: number[], b: number[], c: number[]) =>
    (b[0]! - a[0]!) * (c[1]! - a[1]!) - (b[1]! - a[1]!) * (c[0]! - a[0]!);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (Math.abs(i - j) <= 1 || (i === 0 && j === n - 1)) continue;
      const [a, b, c, d] = [r[i]!, r[i + 1]!, r[j]!, r[j + 1]!];
      const d1 = cross(c, d, a);
      const d2 = cross(c, d, b);
      const d3 = cross(a, b, c);
      const d4 = cross(a, b, d);
      if (d1 * d2 < 0 && d3 * d4 < 0) return true;
    }
  }
  return false;
}
