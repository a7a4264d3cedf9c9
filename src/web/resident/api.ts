import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { Page } from '../../contract/common.js';
import type { MyData, MyRequest, MyRequestDetail, ResidentMe } from '../../contract/residents.js';
import { request } from '../app/api.js';

/**
 * The resident pages' reads. They never send the browser to the staff login: a 401 shows the
 * resident sign-in (ResidentApp), so every call here passes `noAuthRedirect`.
 */
export const rget = <T>(path: string, query?: Record<string, string | number | undefined>) =>
  request<T>(path, { query, noAuthRedirect: true });
export const rpost = <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
  request<T>(path, { method: 'POST', body: body ?? {}, noAuthRedirect: true, headers });

export const useResidentMe = () =>
  useQuery({
    queryKey: ['resident', 'me'],
    queryFn: () => rget<ResidentMe>('/api/resident/me'),
    retry: false,
  });

export const useMyRequests = (enabled = true) =>
  useQuery({
    queryKey: ['resident', 'requests'],
    queryFn: () => rget<z.infer<typeof MyRequest>[]>('/api/resident/requests'),
    enabled,
  });

export const useMyRequest = (id: number) =>
  useQuery({
    queryKey: ['resident', 'requests', id],
    queryFn: () => rget<z.infer<typeof MyRequestDetail>>(`/api/resident/requests/${id}`),
  });

export const useMyData = () =>
  useQuery({ queryKey: ['resident', 'data'], queryFn: () => rget<MyData>('/api/resident/data') });

export const useCategories = () =>
  useQuery({
    queryKey: ['resident', 'categories'],
    queryFn: () => rget<{ code: string; name: string; group: string }[]>('/api/resident/categories'),
    staleTime: 3600_000,
  });

export interface ResidentMessage {
  id: number;
  at: string;
  caseId: number | null;
  title: string;
  body: string;
  readAt: string | null;
}
export const useMessages = () =>
  useQuery({
    queryKey: ['resident', 'messages'],
    queryFn: () => rget<Page<ResidentMessage>>('/api/notifications', { pageSize: 50 }),
  });
