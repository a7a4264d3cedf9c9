import { type Area, type AreaKind, type AreaTreeNode, areaLabel } from '../../../contract/areas.js';
import type { Actor } from '../../platform/access/actor.js';
import { pgToPolygon } from './areas.geo.js';
import { AREA_ACTIONS } from './areas.policy.js';
import type { AreaRecord } from './areas.repository.js';

type Names = Map<number, { id: number; name: string; kind: AreaKind }>;

export function presentArea(a: AreaRecord, actor: Actor, names: Names): Area {
  const abilities = actor
    .abilitiesAt('area', AREA_ACTIONS, a.path)
    .map((x) => (x === 'archive' && a.status === 'archived' ? 'restore' : x));
  const labels = a.path.split('.');
  // Breadcrumb of the ancestors the actor may read: no names from outside their scope.
  const path = labels
    .slice(0, -1)
    .map((_, i) => labels.slice(0, i + 1).join('.'))
    .filter((p) => actor.canAt('area.read', p))
    .map((p) => names.get(Number(p.split('.').at(-1))))
    .filter((n): n is { id: number; name: string; kind: AreaKind } => !!n);
  return {
    id: a.id,
    parentId: a.parentId,
    kind: a.kind,
    code: a.code,
    name: a.name,
    sortOrder: a.sortOrder,
    status: a.status,
    boundary: pgToPolygon(a.boundary),
    center: a.center ? [a.center.x, a.center.y] : null,
    childCount: a.childCount,
    version: a.version,
    path,
    // The name with what tells it apart where names repeat ("友谊河社区 / 第一网格").
    label: areaLabel([...path, { kind: a.kind, name: a.name }]),
    abilities,
  };
}

export function presentNode(n: {
  id: number;
  parentId: number | null;
  kind: string;
  code: string;
  name: string;
  status: string;
  childCount: number;
  hasBoundary: boolean;
}): AreaTreeNode {
  return {
    id: n.id,
    parentId: n.parentId,
    kind: n.kind as AreaKind,
    code: n.code,
    name: n.name,
    status: n.status as 'active' | 'archived',
    childCount: n.childCount,
    hasBoundary: n.hasBoundary,
  };
}
