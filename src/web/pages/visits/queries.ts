import { type QueryClient, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { Page } from '../../../contract/common.js';
import type {
  FormField,
  MyDay as MyDaySchema,
  Pair as PairSchema,
  Patrol as PatrolSchema,
  PlanItem,
  Visit,
  VisitRule,
  VisitRuleInput,
  VisitStatsRow as VisitStatsRowSchema,
  VisitStats as VisitStatsSchema,
} from '../../../contract/visits.js';
import { api } from '../../app/api.js';

export type { FormField, PlanItem, Visit, VisitRule, VisitRuleInput };
export type MyDay = z.infer<typeof MyDaySchema>;
export type Pair = z.infer<typeof PairSchema>;
export type Patrol = z.infer<typeof PatrolSchema>;
export type VisitStats = z.infer<typeof VisitStatsSchema>;
export type VisitStatsRow = z.infer<typeof VisitStatsRowSchema>;
export type PlanStatus = 'overdue' | 'due' | 'never' | 'all';
export type VisitMethod = 'home' | 'phone' | 'elsewhere';
export const VISIT_METHODS: VisitMethod[] = ['home', 'phone', 'elsewhere'];

/**
 * A plan item as the form needs it: the rule's form fields, when the server sends them with the
 * item (the contract's PlanItem does not carry them yet; see the visit form).
 */
export type PlanItemWithForm = PlanItem & { form?: FormField[] };

export interface MyDayParams {
  horizon?: number;
  areaId?: number;
  q?: string;
}
export interface PlanParams {
  areaId?: number;
  ruleId?: number;
  status: PlanStatus;
  q?: string;
  page: number;
  pageSize: number;
}
export interface VisitListParams {
  personId?: number;
  ruleId?: number;
  areaId?: number;
  from?: string;
  to?: string;
  q?: string;
  /** `field` or `-field` (the contract's VisitSort). */
  sort?: string;
  page: number;
  pageSize: number;
}
export interface PatrolListParams {
  areaId?: number;
  mine?: 'true';
  from?: string;
  to?: string;
  /** `field` or `-field` (the contract's PatrolSort). */
  sort?: string;
  page: number;
  pageSize: number;
}

export const visitKeys = {
  all: ['visits'] as const,
  myDay: (p: MyDayParams) => ['visits', 'my-day', p] as const,
  myDayAll: ['visits', 'my-day'] as const,
  plans: (p: PlanParams) => ['visits', 'plans', p] as const,
  list: (p: VisitListParams) => ['visits', 'list', p] as const,
  detail: (id: number) => ['visits', 'detail', id] as const,
  stats: (p: { areaId?: number; from: string; to: string }) => ['visits', 'stats', p] as const,
  rules: (areaId?: number) => ['visit-rules', areaId ?? null] as const,
  rulesAll: ['visit-rules'] as const,
  pairs: (p: { personId?: number; userId?: number }) => ['visit-pairs', p] as const,
  pairsAll: ['visit-pairs'] as const,
  patrols: ['patrols'] as const,
  patrolList: (p: PatrolListParams) => ['patrols', 'list', p] as const,
  patrol: (id: number) => ['patrols', id] as const,
};

/** Kept for a working day: the phone may lose its connection between two pages. */
const DAY_MS = 24 * 3600_000;

const myDayFetch =
  (p: MyDayParams) =>
  ({ signal }: { signal: AbortSignal }) =>
    api.get<MyDay>('/api/visits/my-day', { ...p }, { signal });

/**
 * Asks for the day as soon as the address is known (the route's loader), so on a phone's link the
 * answer travels while the shell and the page's code are still arriving.
 */
export function prefetchMyDay(qc: QueryClient, p: MyDayParams) {
  void qc.prefetchQuery({ queryKey: visitKeys.myDay(p), queryFn: myDayFetch(p), gcTime: DAY_MS });
}

export function useMyDay(p: MyDayParams, enabled = true) {
  return useQuery({
    queryKey: visitKeys.myDay(p),
    queryFn: myDayFetch(p),
    placeholderData: (prev) => prev,
    gcTime: DAY_MS,
    enabled,
  });
}

/** The plan item behind a visit form, from any "my day" already loaded (no request). */
export function cachedPlanItem(
  qc: QueryClient,
  p: { planId?: number; personId: number; ruleId?: number },
): PlanItemWithForm | undefined {
  const all = [
    ...qc.getQueriesData<MyDay>({ queryKey: visitKeys.myDayAll }).map(([, d]) => d?.items ?? []),
    ...qc.getQueriesData<Page<PlanItem>>({ queryKey: ['visits', 'plans'] }).map(([, d]) => d?.items ?? []),
  ].flat();
  return (
    all.find((i) => p.planId !== undefined && i.planId === p.planId) ??
    all.find((i) => i.personId === p.personId && (p.ruleId === undefined || i.ruleId === p.ruleId))
  );
}

export function usePlans(p: PlanParams, enabled = true) {
  return useQuery({
    queryKey: visitKeys.plans(p),
    queryFn: ({ signal }) => api.get<Page<PlanItem>>('/api/visits/plans', { ...p }, { signal }),
    placeholderData: (prev) => prev,
    enabled,
  });
}

/** A page of visit plans (the print view loads more than the page shown). */
export function fetchPlans(p: PlanParams) {
  return api.get<Page<PlanItem>>('/api/visits/plans', { ...p });
}

/** A page of visits (the print view loads more than the page shown). */
export function fetchVisits(p: VisitListParams) {
  return api.get<Page<Visit>>('/api/visits', { ...p });
}

/** A page of patrols. */
export function fetchPatrols(p: PatrolListParams) {
  return api.get<Page<Patrol>>('/api/patrols', { ...p });
}

export function usePatrols(p: PatrolListParams, enabled = true) {
  return useQuery({
    queryKey: visitKeys.patrolList(p),
    queryFn: ({ signal }) => api.get<Page<Patrol>>('/api/patrols', { ...p }, { signal }),
    placeholderData: (prev) => prev,
    enabled,
  });
}

export function useVisits(p: VisitListParams, enabled = true) {
  return useQuery({
    queryKey: visitKeys.list(p),
    queryFn: ({ signal }) => api.get<Page<Visit>>('/api/visits', { ...p }, { signal }),
    placeholderData: (prev) => prev,
    enabled,
  });
}

export function useVisit(id: number) {
  return useQuery({
    queryKey: visitKeys.detail(id),
    queryFn: ({ signal }) => api.get<Visit>(`/api/visits/${id}`, undefined, { signal }),
    enabled: Number.isInteger(id) && id > 0,
  });
}

export function useVisitStats(p: { areaId?: number; from: string; to: string }, enabled = true) {
  return useQuery({
    queryKey: visitKeys.stats(p),
    queryFn: ({ signal }) => api.get<VisitStats>('/api/visits/stats', { ...p }, { signal }),
    placeholderData: (prev) => prev,
    enabled,
  });
}

/** The rules (their forms are what a visit asks): kept all day, so a visit form opens offline. */
export function useVisitRules(areaId?: number, enabled = true) {
  return useQuery({
    queryKey: visitKeys.rules(areaId),
    queryFn: ({ signal }) => api.get<VisitRule[]>('/api/visit-rules', { areaId }, { signal }),
    gcTime: DAY_MS,
    staleTime: 10 * 60_000,
    enabled,
  });
}

export function usePairs(p: { personId?: number; userId?: number }, enabled = true) {
  return useQuery({
    queryKey: visitKeys.pairs(p),
    queryFn: ({ signal }) => api.get<Pair[]>('/api/visit-pairs', { ...p }, { signal }),
    enabled,
  });
}

export function usePatrol(id: number) {
  return useQuery({
    queryKey: visitKeys.patrol(id),
    queryFn: ({ signal }) => api.get<Patrol>(`/api/patrols/${id}`, undefined, { signal }),
    enabled: Number.isInteger(id) && id > 0,
  });
}

/** Users to pair with a person: the staff candidates of an area (area.staff). */
export function useUserCandidates(areaId: number | undefined, q: string, enabled: boolean) {
  return useQuery({
    queryKey: ['areas', 'staff-candidates', areaId ?? null, q],
    queryFn: ({ signal }) =>
      api.get<{ items: { id: number; username: string; displayName: string }[] }>(
        `/api/areas/${areaId}/staff/candidates`,
        { q: q || undefined },
        { signal },
      ),
    enabled: enabled && areaId !== undefined,
    placeholderData: (prev) => prev,
  });
}

/** Due today (0), overdue (> 0) or later (< 0): the badge of a plan item. */
export function dueState(item: Pick<PlanItem, 'overdueDays'>): 'overdue' | 'today' | 'upcoming' {
  if (item.overdueDays > 0) return 'overdue';
  if (item.overdueDays === 0) return 'today';
  return 'upcoming';
}
