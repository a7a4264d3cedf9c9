import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Page } from '../../../contract/common.js';
import type { Development, DuesRow, PartyMember, PartyOrg } from '../../../contract/party.js';
import { api, type Query } from '../../app/api.js';

export type { Development, DuesRow, PartyMember, PartyOrg };
export type DuesPage = Page<DuesRow> & { dueTotal: number; paidTotal: number; arrearsTotal: number };

export const usePartyOrgs = () =>
  useQuery({
    queryKey: ['party', 'orgs'],
    queryFn: async () => {
      const items = await api.get<PartyOrg[]>('/api/party/orgs');
      return { items, total: items.length, page: 1, pageSize: items.length };
    },
  });
export const fetchPartyMembers = (q: Query) => api.get<Page<PartyMember>>('/api/party/members', q);
export const usePartyMembers = (q: Query) =>
  useQuery({ queryKey: ['party', 'members', q], queryFn: () => fetchPartyMembers(q) });
export const fetchDevelopments = (q: Query) => api.get<Page<Development>>('/api/party/developments', q);
export const useDevelopments = (q: Query) =>
  useQuery({ queryKey: ['party', 'devs', q], queryFn: () => fetchDevelopments(q) });
export const fetchDues = (q: Query) => api.get<DuesPage>('/api/party/dues', q);
export const useDues = (q: Query) =>
  useQuery({ queryKey: ['party', 'dues', q], queryFn: () => fetchDues(q) });

/** Writes invalidate every party query: counts, board and ledger move together. */
export function usePartyAction<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => void qc.invalidateQueries({ queryKey: ['party'] }) });
}
