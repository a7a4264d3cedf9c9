import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Page } from '../../../contract/common.js';
import type {
  Dashboard,
  DashboardFigure,
  DashboardMap,
  DashboardTrend,
} from '../../../contract/dashboard.js';
import { api } from '../../app/api.js';
import type { CaseListItem } from '../cases/queries.js';

export type { Dashboard, DashboardFigure, DashboardMap, DashboardTrend };
export type DashboardChild = Dashboard['children'][number];

export interface DashboardParams {
  areaId?: number;
  from: string;
  to: string;
  /** Compared with the period before (default) or the same days a year earlier. */
  compare?: 'previous' | 'year';
}

export const dashboardKeys = {
  all: ['dashboard'] as const,
  view: (p: DashboardParams) => ['dashboard', 'view', p] as const,
  map: (p: DashboardParams & { figure: string }) => ['dashboard', 'map', p] as const,
  trend: (p: { areaId?: number; to: string; figures: string }) => ['dashboard', 'trend', p] as const,
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

/** GET /api/dashboard/trend: flow figures month by month, the last twelve months up to `to`. */
export function useDashboardTrend(
  p: { areaId?: number; to: string; figures: string },
  opts: { enabled?: boolean; refetchInterval?: number } = {},
) {
  return useQuery({
    queryKey: dashboardKeys.trend(p),
    queryFn: ({ signal }) =>
      api.get<DashboardTrend>('/api/dashboard/trend', { ...p, months: 12 }, { signal }),
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
