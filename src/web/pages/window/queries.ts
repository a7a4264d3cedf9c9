import { useMutation, useQuery } from '@tanstack/react-query';
import type { Page } from '../../../contract/common.js';
import type {
  ApplicationAccept,
  ApplicationAccepted,
  Matter,
  MatterImportResult,
} from '../../../contract/window.js';
import { request } from '../../app/api.js';

export type { Matter, MatterImportResult };

export interface MatterParams {
  q?: string;
  department?: string;
  status?: 'effective' | 'future' | 'cancelled' | 'all';
  sort?: string;
  page?: number;
  pageSize?: number;
}

export const fetchMatters = (p: MatterParams) =>
  request<Page<Matter>>('/api/window/matters', { query: { ...p } });
export function useMatters(p: MatterParams) {
  return useQuery({ queryKey: ['window', 'matters', p], queryFn: () => fetchMatters(p) });
}
export function useMatter(id: number | null) {
  return useQuery({
    queryKey: ['window', 'matter', id],
    queryFn: () => request<Matter>(`/api/window/matters/${id}`),
    enabled: id !== null,
  });
}
export function usePublicMatter(id: number | null) {
  return useQuery({
    queryKey: ['window', 'public', id],
    queryFn: () => request<Matter>(`/api/public/window/matters/${id}`, { noAuthRedirect: true }),
    enabled: id !== null,
  });
}
export function useImportCatalogue() {
  return useMutation({
    mutationFn: (v: { file: File; areaId: number; confirm: boolean }) => {
      const fd = new FormData();
      fd.append('file', v.file);
      return request<MatterImportResult>('/api/window/matters/import', {
        method: 'POST',
        body: fd,
        query: { areaId: v.areaId, confirm: String(v.confirm) },
      });
    },
  });
}
export function useAcceptApplication() {
  return useMutation({
    mutationFn: (body: Partial<ApplicationAccept>) =>
      request<ApplicationAccepted>('/api/window/applications', {
        method: 'POST',
        body,
        headers: { 'Idempotency-Key': crypto.randomUUID() },
      }),
  });
}
export const noticeUrl = (id: number, kind: 'notice' | 'promise', missing: number[], applicant?: string) => {
  const sp = new URLSearchParams({ kind });
  if (missing.length) sp.set('missing', missing.join(','));
  if (applicant) sp.set('applicant', applicant);
  return `/api/window/matters/${id}/notice.pdf?${sp.toString()}`;
};

import type { Queue, Ticket } from '../../../contract/window.js';

export type { Queue, Ticket };
export function useQueue(areaId: number | null, refetchInterval?: number) {
  return useQuery({
    queryKey: ['window', 'queue', areaId],
    queryFn: () => request<Queue>('/api/window/queue', { query: { areaId: areaId ?? undefined } }),
    enabled: areaId !== null,
    refetchInterval,
  });
}
export function useQueueAction() {
  return useMutation({
    mutationFn: (v: { path: string; body: unknown }) =>
      request<Ticket>(v.path, { method: 'POST', body: v.body }),
  });
}
