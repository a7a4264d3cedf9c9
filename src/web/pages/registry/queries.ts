import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { Me } from '../../../contract/auth.js';
import type { Page } from '../../../contract/common.js';
import type {
  HistoryEntry as HistoryEntrySchema,
  Household as HouseholdSchema,
  HouseListItem as HouseListItemSchema,
  House as HouseSchema,
  ImportJob as ImportJobSchema,
  ImportPreview as ImportPreviewSchema,
  Organisation as OrganisationSchema,
  Person,
  PersonListItem,
  Rental as RentalSchema,
  RevealResult as RevealResultSchema,
} from '../../../contract/registry.js';
import { TAG_CODES, type TagCode, tagPermission } from '../../../contract/tags.js';
import { api } from '../../app/api.js';
import { chinaDay } from '../../app/time.js';

export type { Person, PersonListItem };
export type House = z.infer<typeof HouseSchema>;
export type HouseListItem = z.infer<typeof HouseListItemSchema>;
export type Household = z.infer<typeof HouseholdSchema>;
export type Rental = z.infer<typeof RentalSchema>;
export type Organisation = z.infer<typeof OrganisationSchema>;
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;
export type ImportPreview = z.infer<typeof ImportPreviewSchema>;
export type ImportJob = z.infer<typeof ImportJobSchema>;
export type RevealResult = z.infer<typeof RevealResultSchema>;
export type ResidenceType = Person['residenceType'];
export type PersonStatus = Person['status'];
export type AgeBand = '0-6' | '7-17' | '18-34' | '35-59' | '60-79' | '80+';
export const AGE_BANDS: AgeBand[] = ['0-6', '7-17', '18-34', '35-59', '60-79', '80+'];
export const PERSON_STATUSES: PersonStatus[] = ['active', 'moved_out', 'deceased'];

/** A list answer: `totalExact: false` when the total is the server's estimate ("约 63,000 条"). */
export type CappedPage<T> = Page<T>;

export interface PeopleParams {
  q?: string;
  areaId?: number;
  tag?: TagCode;
  residenceType?: ResidenceType;
  status?: PersonStatus;
  ageBand?: AgeBand;
  expiringWithinDays?: number;
  page: number;
  pageSize: number;
  sort?: string;
}

export interface OrganisationParams {
  q?: string;
  kind?: string;
  areaId?: number;
  sort?: string;
  page: number;
  pageSize: number;
}

export interface HouseParams {
  q?: string;
  areaId?: number;
  use?: string;
  rentalEndsWithinDays?: number;
  sort?: string;
  page: number;
  pageSize: number;
}

export const registryKeys = {
  people: ['people'] as const,
  peopleList: (p: PeopleParams) => ['people', 'list', p] as const,
  person: (id: number) => ['people', 'detail', id] as const,
  history: (id: number, page: number) => ['people', 'history', id, page] as const,
  personSearch: (q: string) => ['people', 'search', q] as const,
  houses: ['houses'] as const,
  house: (id: number) => ['houses', id] as const,
  houseList: (p: HouseParams) => ['houses', 'list', p] as const,
  organisations: ['organisations'] as const,
  orgList: (p: OrganisationParams) => ['organisations', 'list', p] as const,
  imports: ['imports'] as const,
  importList: (page: number) => ['imports', 'list', page] as const,
  importJob: (id: number) => ['imports', 'job', id] as const,
};

/** Abilities the registry's records carry (registry presenter); the UI enables buttons from these. */
export const PERSON_ABILITY = {
  update: 'update',
  move: 'move',
  tag: 'tag',
  reveal: 'reveal',
} as const;

export function usePeople(p: PeopleParams, enabled = true) {
  return useQuery({
    queryKey: registryKeys.peopleList(p),
    queryFn: ({ signal }) => api.get<CappedPage<PersonListItem>>('/api/people', { ...p }, { signal }),
    placeholderData: (prev) => prev,
    enabled,
  });
}

export function fetchPeople(p: PeopleParams) {
  return api.get<Page<PersonListItem>>('/api/people', { ...p });
}

export function usePerson(id: number) {
  return useQuery({
    queryKey: registryKeys.person(id),
    queryFn: ({ signal }) => api.get<Person>(`/api/people/${id}`, undefined, { signal }),
    enabled: Number.isInteger(id) && id > 0,
  });
}

export function usePersonHistory(id: number, page: number, enabled: boolean) {
  return useQuery({
    queryKey: registryKeys.history(id, page),
    queryFn: ({ signal }) =>
      api.get<Page<HistoryEntry>>(`/api/people/${id}/history`, { page, pageSize: 20 }, { signal }),
    enabled,
    placeholderData: (prev) => prev,
  });
}

/** People found by a search box (pickers for owners, landlords, tenants, heads of household). */
export function usePersonSearch(q: string, enabled: boolean) {
  return useQuery({
    queryKey: registryKeys.personSearch(q),
    queryFn: ({ signal }) =>
      api.get<CappedPage<PersonListItem>>('/api/people', { q: q || undefined, pageSize: 20 }, { signal }),
    enabled,
    placeholderData: (prev) => prev,
  });
}

export function useHouse(id: number) {
  return useQuery({
    queryKey: registryKeys.house(id),
    queryFn: ({ signal }) => api.get<House>(`/api/houses/${id}`, undefined, { signal }),
    enabled: Number.isInteger(id) && id > 0,
  });
}

export function useOrganisations(p: OrganisationParams) {
  return useQuery({
    queryKey: registryKeys.orgList(p),
    queryFn: ({ signal }) => api.get<Page<Organisation>>('/api/organisations', { ...p }, { signal }),
    placeholderData: (prev) => prev,
  });
}

export function fetchOrganisations(p: OrganisationParams) {
  return api.get<Page<Organisation>>('/api/organisations', { ...p });
}

export function fetchHouses(p: HouseParams) {
  return api.get<Page<HouseListItem>>('/api/houses', { ...p });
}

/** The houses ledger (实有房屋). */
export function useHouses(p: HouseParams) {
  return useQuery({
    queryKey: registryKeys.houseList(p),
    queryFn: ({ signal }) => api.get<Page<HouseListItem>>('/api/houses', { ...p }, { signal }),
    placeholderData: (prev) => prev,
  });
}

export function useImports(page: number) {
  return useQuery({
    queryKey: registryKeys.importList(page),
    queryFn: ({ signal }) => api.get<Page<ImportJob>>('/api/imports', { page, pageSize: 10 }, { signal }),
    placeholderData: (prev) => prev,
  });
}

const RUNNING: ImportJob['status'][] = ['queued', 'running'];

/** An import job, polled every second while it is queued or running. */
export function useImportJob(id: number | null) {
  return useQuery({
    queryKey: registryKeys.importJob(id ?? 0),
    queryFn: ({ signal }) => api.get<ImportJob>(`/api/imports/${id}`, undefined, { signal }),
    enabled: id !== null,
    refetchInterval: (q) => (q.state.data && !RUNNING.includes(q.state.data.status) ? false : 1000),
  });
}

export function isRunning(job: ImportJob | undefined): boolean {
  return job !== undefined && RUNNING.includes(job.status);
}

/** The tags the user may see and filter on: those whose `tag.<code>` permission they hold. */
export function permittedTags(me: Me | undefined): TagCode[] {
  const perms = new Set(me?.permissions ?? []);
  return TAG_CODES.filter((c) => perms.has(tagPermission(c)));
}

/** Days from today to a date (negative: past). */
export function daysUntil(date: string | null | undefined): number | null {
  if (!date) return null;
  const d = new Date(`${date.slice(0, 10)}T00:00:00`);
  if (Number.isNaN(d.getTime())) return null;
  const today = new Date(`${chinaDay()}T00:00:00`);
  return Math.round((d.getTime() - today.getTime()) / 86_400_000);
}
