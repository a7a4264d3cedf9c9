import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Page } from '../../../contract/common.js';
import type {
  KindInfo,
  Publication,
  PublicationItem,
  ResidentNotice,
  ResidentNoticeItem,
} from '../../../contract/publications.js';
import { api } from '../../app/api.js';

export type { KindInfo, Publication, PublicationItem, ResidentNotice, ResidentNoticeItem };

export interface NoticeListParams {
  kind?: string;
  status?: string;
  areaId?: number;
  archiveClass?: string;
  year?: number;
  q?: string;
  sort?: string;
  page: number;
  pageSize: number;
}

export const fetchNotices = (p: NoticeListParams) =>
  api.get<Page<PublicationItem>>('/api/notices', p as unknown as Record<string, string | number | undefined>);

export function useNotices(p: NoticeListParams) {
  return useQuery({ queryKey: ['notices', p], queryFn: () => fetchNotices(p), placeholderData: (x) => x });
}
export function useNoticeKinds() {
  return useQuery({
    queryKey: ['notices', 'kinds'],
    queryFn: () => api.get<KindInfo[]>('/api/notices/kinds'),
    staleTime: 600_000,
  });
}
export function useNotice(id: number) {
  return useQuery({
    queryKey: ['notices', 'one', id],
    queryFn: () => api.get<Publication>(`/api/notices/${id}`),
  });
}

/** A step of the workflow on one publication (POST /api/notices/:id/<step>), refreshing the page after. */
export function useNoticeAction(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ step, body }: { step: string; body: unknown }) =>
      api.post<{ id: number }>(`/api/notices/${id}/${step}`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['notices'] }),
  });
}

// —— the resident side (mounted by the resident shell) ——

export function useResidentNotices(page: number, opts: { publicAreaId?: number } = {}) {
  const path = opts.publicAreaId ? '/api/public/notices' : '/api/resident/notices';
  const query = { page, pageSize: 20, ...(opts.publicAreaId ? { areaId: opts.publicAreaId } : {}) };
  return useQuery({
    queryKey: ['resident-notices', path, query],
    queryFn: () => api.get<Page<ResidentNoticeItem>>(path, query),
    placeholderData: (x) => x,
  });
}
export function useResidentNotice(id: number, opts: { publicView?: boolean } = {}) {
  const path = `${opts.publicView ? '/api/public/notices' : '/api/resident/notices'}/${id}`;
  return useQuery({ queryKey: ['resident-notices', path], queryFn: () => api.get<ResidentNotice>(path) });
}
export function useMarkRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.post(`/api/resident/notices/${id}/read`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['resident-notices'] }),
  });
}
export function useObject(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (text: string) =>
      api.post<{ id: number }>(`/api/resident/notices/${id}/objections`, { text }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['resident-notices'] }),
  });
}
