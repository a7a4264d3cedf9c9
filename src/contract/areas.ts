import { z } from 'zod';
import { Abilities, Id, ListQuery, msg } from './common.js';

/** 区/县 → 街道 → 社区 → 网格 → 小区/居民小组 → 楼栋 → 单元 → 房屋 */
export const AREA_KINDS = [
  'district',
  'street',
  'community',
  'grid',
  'compound',
  'group',
  'building',
  'unit',
  'house',
] as const;
export const AreaKind = z.enum(AREA_KINDS);
export type AreaKind = z.infer<typeof AreaKind>;

/** Which kinds a node of each kind may hang under (null: a root). */
export const AREA_PARENT_KINDS: Record<AreaKind, readonly AreaKind[] | null> = {
  district: null,
  street: ['district'],
  community: ['street'],
  grid: ['community'],
  compound: ['grid'],
  group: ['grid'],
  building: ['compound', 'group', 'grid'],
  unit: ['building'],
  house: ['unit', 'building'],
};

/**
 * Code length of each kind. District: GB/T 2260 (6); street: GB/T 10114 style (9); community:
 * 统计用区划代码 (12); grid: community + 3 (15, local practice); below: parent + a sequence.
 */
export const AREA_CODE_SUFFIX: Record<AreaKind, number> = {
  district: 6,
  street: 3,
  community: 3,
  grid: 3,
  compound: 3,
  group: 3,
  building: 3,
  unit: 2,
  house: 4,
};

export const AREA_STAFF_ROLES = {
  grid: ['grid_worker'],
  compound: ['compound_head'],
  group: ['compound_head'],
  building: ['building_head'],
} as const satisfies Partial<Record<AreaKind, readonly string[]>>;

const Lng = z.number().min(-180).max(180);
const Lat = z.number().min(-90).max(90);
const Position = z.tuple([Lng, Lat]);

/** A GeoJSON Polygon with one outer ring (holes are not used for grids). */
export const GeoPolygon = z
  .strictObject({
    type: z.literal('Polygon'),
    coordinates: z.array(z.array(Position).min(4).max(2000)).min(1).max(1),
  })
  .refine(
    (p) => {
      // zod runs this refinement even when the shape checks above failed: a malformed ring is
      // reported by those, never by a TypeError here (which would be a 500).
      const ring: unknown = Array.isArray(p.coordinates) ? p.coordinates[0] : undefined;
      if (!Array.isArray(ring) || ring.length === 0) return true;
      const a: unknown = ring[0];
      const b: unknown = ring[ring.length - 1];
      if (!Array.isArray(a) || !Array.isArray(b)) return true;
      return a[0] === b[0] && a[1] === b[1];
    },
    {
      message: msg('边界必须闭合（首尾坐标相同）', 'ring must be closed (first position equals last)'),
      path: ['coordinates'],
    },
  );
export type GeoPolygon = z.infer<typeof GeoPolygon>;

export const AreaStatus = z.enum(['active', 'archived']);

export const Area = z.object({
  id: z.number(),
  parentId: z.number().nullable(),
  kind: AreaKind,
  code: z.string(),
  name: z.string(),
  sortOrder: z.number(),
  status: AreaStatus,
  boundary: GeoPolygon.nullable(),
  center: z.tuple([z.number(), z.number()]).nullable(),
  childCount: z.number(),
  version: z.number(),
  path: z.array(z.object({ id: z.number(), name: z.string(), kind: AreaKind })),
  /** The name as lists show it, with what tells it apart (`areaLabel`). */
  label: z.string(),
  abilities: Abilities,
});
export type Area = z.infer<typeof Area>;

export const AreaTreeNode = z.object({
  id: z.number(),
  parentId: z.number().nullable(),
  kind: AreaKind,
  code: z.string(),
  name: z.string(),
  status: AreaStatus,
  childCount: z.number(),
  hasBoundary: z.boolean(),
});
export type AreaTreeNode = z.infer<typeof AreaTreeNode>;

export const AreaTreeQuery = z.strictObject({
  rootId: Id.optional(),
  /** Kinds deeper than this are loaded on demand (children route). */
  depth: z.coerce.number().int().min(1).max(8).default(4),
  includeArchived: z.enum(['true', 'false']).default('false'),
});

const Name = z.string().trim().min(1).max(60);
const Code = z.string().regex(/^\d{6,24}$/, msg('编码只能是 6 到 24 位数字', 'digits only, 6 to 24'));

export const AreaCreate = z.strictObject({
  parentId: Id.nullable(),
  kind: AreaKind,
  name: Name,
  code: Code.optional(),
  sortOrder: z.number().int().min(0).max(1_000_000).optional(),
  boundary: GeoPolygon.nullable().optional(),
});
export type AreaCreate = z.infer<typeof AreaCreate>;

export const AreaUpdate = z
  .strictObject({
    name: Name.optional(),
    parentId: Id.optional(),
    sortOrder: z.number().int().min(0).max(1_000_000).optional(),
    boundary: GeoPolygon.nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: msg('没有要修改的内容', 'nothing to change') });
export type AreaUpdate = z.infer<typeof AreaUpdate>;

export const AreaListQuery = ListQuery.extend({
  parentId: Id.optional(),
  kind: AreaKind.optional(),
  status: AreaStatus.optional(),
});

export const LocateQuery = z.strictObject({
  lat: z.coerce.number().min(-90).max(90),
  lng: z.coerce.number().min(-180).max(180),
});

export const AreaStaff = z.object({
  assignmentId: z.number(),
  userId: z.number(),
  username: z.string(),
  displayName: z.string(),
  role: z.string(),
});
export type AreaStaff = z.infer<typeof AreaStaff>;

export const AreaStaffAssign = z.strictObject({
  userId: Id,
  role: z.enum(['grid_worker', 'compound_head', 'building_head']),
});

/**
 * Names repeat across the tree ("第一网格" in every community, "1栋" in every compound), so a
 * node is shown in lists and pickers with the part of its path that tells it apart (issue 16),
 * the same everywhere: a grid or residents' group after its community ("友谊河社区 / 第一网格"), a
 * building, unit or house after its compound or group ("金盆小区 / 1栋 / 2单元 / 301"); a
 * district, street, community or compound by its name alone. `platform/access/area-label.ts`
 * computes the same label in SQL.
 */
export const AREA_LABEL_PREFIX: Record<AreaKind, readonly AreaKind[]> = {
  district: [],
  street: [],
  community: [],
  grid: ['community'],
  compound: [],
  group: ['community'],
  building: ['compound', 'group'],
  unit: ['compound', 'group', 'building'],
  house: ['compound', 'group', 'building', 'unit'],
};
export const AREA_LABEL_SEPARATOR = ' / ';

/** The label of the last node of `chain` (its ancestors from the root, then itself). */
export function areaLabel(chain: readonly { kind: string; name: string }[]): string {
  const node = chain.at(-1);
  if (!node) return '';
  const prefix = (AREA_LABEL_PREFIX[node.kind as AreaKind] ?? []) as readonly string[];
  const parts = chain.slice(0, -1).filter((a) => prefix.includes(a.kind));
  return [...parts, node].map((a) => a.name).join(AREA_LABEL_SEPARATOR);
}
