import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import type { Area, AreaKind, AreaStaff, AreaTreeNode, GeoPolygon } from '../../../contract/areas.js';
import type { Page } from '../../../contract/common.js';
import { api } from '../../app/api.js';

export interface MapFeature {
  id: number;
  name: string;
  kind: AreaKind;
  code: string;
  boundary: GeoPolygon;
}

export interface StaffCandidate {
  id: number;
  username: string;
  displayName: string;
}

export interface AreaListParams {
  parentId?: number;
  q?: string;
  kind?: AreaKind;
  status?: 'active' | 'archived';
  page: number;
  pageSize: number;
  sort?: string;
}

export const areaKeys = {
  all: ['areas'] as const,
  tree: (includeArchived: boolean) => ['areas', 'tree', { includeArchived }] as const,
  children: (id: number, includeArchived: boolean) => ['areas', 'children', id, { includeArchived }] as const,
  detail: (id: number) => ['areas', 'detail', id] as const,
  list: (p: AreaListParams) => ['areas', 'list', p] as const,
  map: (rootId: number) => ['areas', 'map', rootId] as const,
  staff: (id: number) => ['areas', 'staff', id] as const,
  candidates: (id: number, q: string) => ['areas', 'candidates', id, q] as const,
};

const fetchChildren = (id: number, includeArchived: boolean, signal?: AbortSignal) =>
  api.get<{ nodes: AreaTreeNode[] }>(
    `/api/areas/${id}/children`,
    { includeArchived: includeArchived ? 'true' : undefined },
    { signal },
  );

/**
 * The area tree as the user sees it: the first levels from GET /api/areas/tree, deeper levels added
 * on demand (`loadChildren`) from GET /api/areas/:id/children. All of it lives in the query cache, so
 * invalidating ['areas'] after a change refreshes every loaded level.
 */
export function treeQuery(includeArchived: boolean) {
  return {
    queryKey: areaKeys.tree(includeArchived),
    queryFn: ({ signal }: { signal: AbortSignal }) =>
      api.get<{ nodes: AreaTreeNode[] }>(
        '/api/areas/tree',
        { includeArchived: includeArchived ? 'true' : undefined },
        { signal },
      ),
  };
}

export function useAreaNodes(includeArchived = false, enabled = true) {
  const qc = useQueryClient();
  const tree = useQuery({ ...treeQuery(includeArchived), enabled });
  const [loadedIds, setLoadedIds] = useState<number[]>([]);
  const children = useQueries({
    queries: loadedIds.map((id) => ({
      queryKey: areaKeys.children(id, includeArchived),
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchChildren(id, includeArchived, signal),
    })),
  });
  const childStamp = children.map((c) => c.dataUpdatedAt).join(',');

  // biome-ignore lint/correctness/useExhaustiveDependencies: childStamp stands for the children's data
  const nodes = useMemo(() => {
    const map = new Map<number, AreaTreeNode>();
    for (const n of tree.data?.nodes ?? []) map.set(n.id, n);
    for (const c of children) {
      for (const n of c.data?.nodes ?? []) {
        map.set(n.id, n);
      }
    }
    return map;
  }, [tree.data, childStamp]);

  const loadChildren = useCallback(
    async (id: number) => {
      const data = await qc.fetchQuery({
        queryKey: areaKeys.children(id, includeArchived),
        queryFn: ({ signal }) => fetchChildren(id, includeArchived, signal),
      });
      setLoadedIds((prev) => (prev.includes(id) ? prev : [...prev, id]));
      return data.nodes;
    },
    [qc, includeArchived],
  );

  return { tree, nodes, loadChildren };
}

/** parentId → children, in the order the server sent them; roots are nodes whose parent is not loaded. */
export function indexTree(nodes: Map<number, AreaTreeNode>) {
  const byParent = new Map<number, AreaTreeNode[]>();
  const roots: AreaTreeNode[] = [];
  for (const n of nodes.values()) {
    if (n.parentId === null || !nodes.has(n.parentId)) {
      roots.push(n);
      continue;
    }
    const list = byParent.get(n.parentId) ?? [];
    list.push(n);
    byParent.set(n.parentId, list);
  }
  return { roots, byParent };
}

export function useArea(id: number | null) {
  return useQuery({
    queryKey: areaKeys.detail(id ?? 0),
    queryFn: ({ signal }) => api.get<Area>(`/api/areas/${id}`, undefined, { signal }),
    enabled: id !== null,
  });
}

export function useAreaList(p: AreaListParams, enabled = true) {
  return useQuery({
    queryKey: areaKeys.list(p),
    queryFn: ({ signal }) => api.get<Page<Area>>('/api/areas', { ...p }, { signal }),
    enabled,
    placeholderData: (prev) => prev,
  });
}

export function useAreaMap(rootId: number | null) {
  return useQuery({
    queryKey: areaKeys.map(rootId ?? 0),
    queryFn: ({ signal }) =>
      api.get<{ features: MapFeature[] }>('/api/areas/map', { rootId: rootId ?? undefined }, { signal }),
    enabled: rootId !== null,
  });
}

export function useAreaStaff(id: number, enabled: boolean) {
  return useQuery({
    queryKey: areaKeys.staff(id),
    queryFn: ({ signal }) => api.get<{ items: AreaStaff[] }>(`/api/areas/${id}/staff`, undefined, { signal }),
    enabled,
  });
}

export function useStaffCandidates(id: number, q: string, enabled: boolean) {
  return useQuery({
    queryKey: areaKeys.candidates(id, q),
    queryFn: ({ signal }) =>
      api.get<{ items: StaffCandidate[] }>(
        `/api/areas/${id}/staff/candidates`,
        { q: q || undefined },
        { signal },
      ),
    enabled,
    placeholderData: (prev) => prev,
  });
}
