import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { z } from 'zod';
import type {
  Assignable as AssignableSchema,
  Attachment,
  CASE_TYPES,
  CalendarYear as CalendarYearSchema,
  Case,
  CaseAction,
  CaseBox,
  CaseCreate,
  CaseLimit,
  CaseLimitRow as CaseLimitRowSchema,
  CaseListItem,
  CaseMapPoint as CaseMapPointSchema,
  CaseState,
  CaseTransition,
  CaseTypeInfo,
  Figure,
  IndicatorResult as IndicatorResultSchema,
  NearCase as NearCaseSchema,
  Notification as NotificationSchema,
  OfficeHours,
  Open311KeyCreated as Open311KeyCreatedSchema,
  Open311Key as Open311KeySchema,
  TimelineEntry,
} from '../../../contract/cases.js';
import type { Page } from '../../../contract/common.js';
import { api, uploadFile } from '../../app/api.js';

export type {
  Attachment,
  Case,
  CaseAction,
  CaseBox,
  CaseCreate,
  CaseLimit,
  CaseListItem,
  CaseState,
  CaseTransition,
  CaseTypeInfo,
  Figure,
  OfficeHours,
  TimelineEntry,
};
/**
 * The built-in case types, which the pages name with their own words (i18n) and offer in their
 * menus; a type another module declares is named from `GET /api/cases/types` (`useCaseTypes`).
 */
export type CaseType = (typeof CASE_TYPES)[number];
export type Assignable = z.infer<typeof AssignableSchema>;
export type CaseMapPoint = z.infer<typeof CaseMapPointSchema>;
export type NearCase = z.infer<typeof NearCaseSchema>;
export type Notification = z.infer<typeof NotificationSchema>;
export type CalendarYear = z.infer<typeof CalendarYearSchema>;
export type CaseLimitRow = z.infer<typeof CaseLimitRowSchema>;
export type IndicatorResult = z.infer<typeof IndicatorResultSchema>;
export type Open311Key = z.infer<typeof Open311KeySchema>;
export type Open311KeyCreated = z.infer<typeof Open311KeyCreatedSchema>;
export type CaseCounts = Record<Exclude<CaseBox, 'all'>, number>;

export interface CaseListParams {
  type?: CaseType;
  box: CaseBox;
  state?: CaseState;
  category?: string;
  areaId?: number;
  urgency?: 'normal' | 'urgent';
  sla?: number;
  from?: string;
  to?: string;
  /** Which instant from/to read (default: reported); the dashboard's drills set it. */
  dateField?: CaseDateField;
  /** 'true': only cases counted in the indicators (not rejected). */
  valid?: 'true';
  /** 'true': only open cases (not closed, not rejected). */
  open?: 'true';
  /** 'true': only rated cases (a satisfaction figure's denominator). */
  rated?: 'true';
  /** 'true': only mediated disputes (a success rate's denominator). */
  mediated?: 'true';
  /** 'false': only cases without a location (the map's note links here). */
  located?: 'true' | 'false';
  q?: string;
  /** `field` or `-field` (the contract's CaseSort). */
  sort?: string;
  page: number;
  pageSize: number;
}

export const CASE_DATE_FIELDS = ['reported', 'accepted', 'due', 'closed'] as const;
export type CaseDateField = (typeof CASE_DATE_FIELDS)[number];

export interface IndicatorParams {
  areaId?: number;
  type?: CaseType;
  from: string;
  to: string;
}

export const caseKeys = {
  all: ['cases'] as const,
  list: (p: CaseListParams) => ['cases', 'list', p] as const,
  counts: (type?: CaseType) => ['cases', 'counts', type ?? null] as const,
  detail: (id: number) => ['cases', 'detail', id] as const,
  timeline: (id: number) => ['cases', 'timeline', id] as const,
  map: (p: { type?: CaseType; category?: string; state?: CaseState; areaId?: number }) =>
    ['cases', 'map', p] as const,
  near: (p: { type: CaseType; category: string; lat: number; lng: number }) => ['cases', 'near', p] as const,
  assignable: (caseId: number, q: string) => ['cases', 'assignable', caseId, q] as const,
  search: (q: string, type?: string) => ['cases', 'search', q, type ?? null] as const,
  indicators: (p: IndicatorParams) => ['cases', 'indicators', p] as const,
  notifications: ['notifications'] as const,
  unread: ['notifications', 'unread'] as const,
  notificationList: (p: { unread?: boolean; page: number; pageSize: number }) =>
    ['notifications', 'list', p] as const,
  calendar: (year: number) => ['calendar', year] as const,
  officeHours: ['calendar', 'office-hours'] as const,
  limits: ['case-limits'] as const,
  open311: ['open311-keys'] as const,
};

/** The permissions of the case module, per type (docs: "Permissions"). */
export const CASE_TYPE_LIST: CaseType[] = ['event', 'dispute', 'request'];
export type CaseVerb = 'read' | 'report' | 'accept' | 'verify' | 'supervise';

/** `can(type, verb)` for one type, or for any type when `type` is undefined. */
export function canCase(
  can: (p: string) => boolean,
  verb: CaseVerb | CaseVerb[],
  type?: CaseType | null,
): boolean {
  const verbs = Array.isArray(verb) ? verb : [verb];
  const types = type ? [type] : CASE_TYPE_LIST;
  return types.some((t) => verbs.some((v) => can(`${t}.${v}`)));
}

/** Every declared case type with its names and categories (changes only with a deployment). */
export function useCaseTypes() {
  return useQuery({
    queryKey: ['cases', 'types'] as const,
    queryFn: ({ signal }) => api.get<CaseTypeInfo[]>('/api/cases/types', {}, { signal }),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** A page of cases (the print view loads more than the page shown). */
export function fetchCases(p: CaseListParams) {
  return api.get<Page<CaseListItem>>('/api/cases', { ...p });
}

export function useCases(p: CaseListParams, enabled = true) {
  return useQuery({
    queryKey: caseKeys.list(p),
    queryFn: ({ signal }) => api.get<Page<CaseListItem>>('/api/cases', { ...p }, { signal }),
    placeholderData: (prev) => prev,
    enabled,
  });
}

export function useCaseCounts(type?: CaseType, enabled = true) {
  return useQuery({
    queryKey: caseKeys.counts(type),
    queryFn: ({ signal }) => api.get<Partial<CaseCounts>>('/api/cases/counts', { type }, { signal }),
    placeholderData: (prev) => prev,
    refetchInterval: 60_000,
    enabled,
  });
}

export function useCase(id: number) {
  return useQuery({
    queryKey: caseKeys.detail(id),
    queryFn: ({ signal }) => api.get<Case>(`/api/cases/${id}`, undefined, { signal }),
    enabled: Number.isInteger(id) && id > 0,
  });
}

export function useTimeline(id: number) {
  return useQuery({
    queryKey: caseKeys.timeline(id),
    queryFn: ({ signal }) => api.get<TimelineEntry[]>(`/api/cases/${id}/timeline`, undefined, { signal }),
    enabled: Number.isInteger(id) && id > 0,
  });
}

/**
 * How many cases the map leaves out for want of a location, with the map's filters (the list's
 * total of `located=false`; one row fetched).
 */
export function useUnlocatedCount(p: { type?: CaseType; category?: string; state?: CaseState }) {
  const params: CaseListParams = {
    ...p,
    box: 'all',
    open: p.state ? undefined : 'true',
    located: 'false',
    page: 1,
    pageSize: 1,
  };
  return useQuery({
    queryKey: caseKeys.list(params),
    queryFn: ({ signal }) => api.get<Page<CaseListItem>>('/api/cases', { ...params }, { signal }),
    select: (d) => d.total,
  });
}

export function useCaseMap(p: { type?: CaseType; category?: string; state?: CaseState; areaId?: number }) {
  return useQuery({
    queryKey: caseKeys.map(p),
    queryFn: ({ signal }) => api.get<CaseMapPoint[]>('/api/cases/map', { ...p }, { signal }),
    placeholderData: (prev) => prev,
  });
}

export function nearQuery(p: { type: CaseType; category: string; lat: number; lng: number }) {
  return {
    queryKey: caseKeys.near(p),
    queryFn: ({ signal }: { signal?: AbortSignal }) =>
      api.get<NearCase[]>('/api/cases/near', { ...p }, { signal }),
    staleTime: 15_000,
  };
}

/** Possible duplicates near a point (the report form shows them before submitting). */
export function useNear(p: { type: CaseType; category?: string; lat?: number; lng?: number }) {
  const ready = !!p.category && p.lat !== undefined && p.lng !== undefined;
  return useQuery({
    ...nearQuery({ type: p.type, category: p.category ?? '', lat: p.lat ?? 0, lng: p.lng ?? 0 }),
    enabled: ready,
  });
}

export function useAssignable(caseId: number, q: string, enabled: boolean) {
  return useQuery({
    queryKey: caseKeys.assignable(caseId, q),
    queryFn: ({ signal }) =>
      api.get<Assignable[]>('/api/cases/assignable', { caseId, q: q || undefined }, { signal }),
    placeholderData: (prev) => prev,
    enabled,
  });
}

/** Cases found by a search box (the "duplicate of" picker). */
export function useCaseSearch(q: string, type: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: caseKeys.search(q, type),
    queryFn: ({ signal }) =>
      api.get<Page<CaseListItem>>('/api/cases', { q: q || undefined, type, pageSize: 20 }, { signal }),
    placeholderData: (prev) => prev,
    enabled,
  });
}

export function useIndicators(p: IndicatorParams, enabled = true) {
  return useQuery({
    queryKey: caseKeys.indicators(p),
    queryFn: ({ signal }) => api.get<IndicatorResult>('/api/cases/indicators', { ...p }, { signal }),
    placeholderData: (prev) => prev,
    enabled,
  });
}

/** After any change to a case: the lists, counts, the case itself and the notifications. */
export function invalidateCases(qc: QueryClient) {
  return Promise.all([
    qc.invalidateQueries({ queryKey: caseKeys.all }),
    qc.invalidateQueries({ queryKey: caseKeys.notifications }),
  ]);
}

export function useInvalidateCases() {
  const qc = useQueryClient();
  return useCallback(() => invalidateCases(qc), [qc]);
}

export function createCase(body: CaseCreate, idempotencyKey: string) {
  return api.post<Case>('/api/cases', body, { headers: { 'Idempotency-Key': idempotencyKey } });
}

/** An action on the case as the user saw it (`version`): if someone acted since, 412 and nothing changes. */
export function transition(id: number, body: CaseTransition, version?: number) {
  return api.post<Case>(`/api/cases/${id}/transitions`, body, { ifMatch: version });
}

export function uploadAttachment(
  file: Blob,
  opts: { fileName?: string; onProgress?: (p: number) => void; signal?: AbortSignal },
) {
  return uploadFile<Attachment>('/api/cases/attachments', file, opts);
}

/** A v4 UUID; `crypto.randomUUID` needs a secure context, which a LAN address over http is not. */
export function uuid(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') {
    try {
      return c.randomUUID();
    } catch {
      // fall through
    }
  }
  const b = new Uint8Array(16);
  c.getRandomValues(b);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// —— notifications ——

export function useUnreadCount(enabled: boolean) {
  return useQuery({
    queryKey: caseKeys.unread,
    queryFn: ({ signal }) =>
      api.get<{ count: number }>('/api/notifications/unread-count', undefined, { signal }),
    refetchInterval: 30_000,
    refetchIntervalInBackground: false,
    staleTime: 10_000,
    enabled,
  });
}

export function useNotifications(p: { unread?: boolean; page: number; pageSize: number }, enabled = true) {
  return useQuery({
    queryKey: caseKeys.notificationList(p),
    queryFn: ({ signal }) =>
      api.get<Page<Notification>>(
        '/api/notifications',
        { unread: p.unread ? 'true' : undefined, page: p.page, pageSize: p.pageSize },
        { signal },
      ),
    placeholderData: (prev) => prev,
    enabled,
  });
}

// —— settings ——

export function useCalendar(year: number, enabled = true) {
  return useQuery({
    queryKey: caseKeys.calendar(year),
    queryFn: ({ signal }) => api.get<CalendarYear>(`/api/calendar/${year}`, undefined, { signal }),
    enabled,
  });
}

export function useOfficeHours() {
  return useQuery({
    queryKey: caseKeys.officeHours,
    queryFn: ({ signal }) => api.get<OfficeHours>('/api/calendar/office-hours', undefined, { signal }),
  });
}

export function useCaseLimits() {
  return useQuery({
    queryKey: caseKeys.limits,
    queryFn: ({ signal }) => api.get<CaseLimitRow[]>('/api/case-limits', undefined, { signal }),
  });
}

export function useOpen311Keys() {
  return useQuery({
    queryKey: caseKeys.open311,
    queryFn: ({ signal }) => api.get<Open311Key[]>('/api/open311/keys', undefined, { signal }),
  });
}
