import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Page } from '../../../contract/common.js';
import type { Dashboard, DashboardFigure, DashboardMap } from '../../../contract/dashboard.js';
import { api } from '../../app/api.js';
import type { CaseListItem } from '../cases/queries.js';

export type { Dashboard, DashboardFigure, DashboardMap };
export type DashboardChild = Dashboard['children'][number];

export interface DashboardParams {
  areaId?: number;
  from: string;
  to: string;
}

export const dashboardKeys = {
  all: ['dashboard'] as const,
  view: (p: DashboardParams) => ['dashboard', 'view', p] as const,
  map: (p: DashboardParams & { figure: string }) => ['dashboard', 'map', p] as const,
  latest: (areaId: number | undefined) => ['dashboard', 'latest', areaId ?? null] as const,
};

/** GET /api/dashboard; `refetchInterval` for the screen, which refreshes by itself. */
export function useDashboard(p: DashboardParams, opts: { refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: dashboardKeys.view(p),
    queryFn: ({ signal }) => api.get<Dashboard>('/api/dashboard', { ...p }, { signal }),
    placeholderData: keepPreviousData,
    refetchInterval: opts.refetchInterval,
  });
}

export function useDashboardMap(
  p: DashboardParams & { figure: string },
  opts: { enabled?: boolean; refetchInterval?: number } = {},
) {
  return useQuery({
    queryKey: dashboardKeys.map(p),
    queryFn: ({ signal }) => api.get<DashboardMap>('/api/dashboard/map', { ...p }, { signal }),
    placeholderData: keepPreviousData,
    enabled: opts.enabled ?? true,
    refetchInterval: opts.refetchInterval,
  });
}

/**
 * The newest cases under the area (the screen's list): only those that may be shown outside — the
 * wall is seen by everyone in the room (a case marked non-public, or a dispute, never appears).
 */
export function useLatestCases(
  areaId: number | undefined,
  opts: { enabled?: boolean; refetchInterval?: number },
) {
  return useQuery({
    queryKey: dashboardKeys.latest(areaId),
    queryFn: ({ signal }) =>
      api.get<Page<CaseListItem>>(
        '/api/cases',
        { box: 'all', pageSize: 8, areaId, public: 'true' },
        { signal },
      ),
    placeholderData: keepPreviousData,
    enabled: opts.enabled ?? true,
    refetchInterval: opts.refetchInterval,
  });
}
