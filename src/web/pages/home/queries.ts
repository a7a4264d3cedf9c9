import { useQuery } from '@tanstack/react-query';
import type { TodoItem, Workbench } from '../../../contract/workbench.js';
import { api } from '../../app/api.js';

export type { TodoItem, Workbench };

export const homeKeys = { workbench: ['workbench'] as const };

/** The signed-in person's to-dos (every module's counts), refreshed every minute while shown. */
export function useWorkbench() {
  return useQuery({
    queryKey: homeKeys.workbench,
    queryFn: ({ signal }) => api.get<Workbench>('/api/workbench', undefined, { signal }),
    refetchInterval: 60_000,
    refetchIntervalInBackground: false,
    staleTime: 15_000,
  });
}

/** The list a to-do opens: its path with its filters in the URL. */
export function todoHref(i: Pick<TodoItem, 'path' | 'query'>): string {
  const q = new URLSearchParams(i.query).toString();
  return q ? `${i.path}?${q}` : i.path;
}
