import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { Me } from '../../contract/auth.js';
import { api } from './api.js';

export const meKey = ['me'] as const;
export const metaKey = ['meta'] as const;

export interface Meta {
  name: string;
  version: string;
  mode: 'demo' | 'production';
  tileUrl: string | null;
  /** The draft said usernames; the server sends `{ username, role }`: both are accepted. */
  demoAccounts: (string | { username: string; role?: string })[];
}

export function demoAccountsOf(meta: Meta | undefined): { username: string; role?: string }[] {
  if (meta?.mode !== 'demo' || !Array.isArray(meta.demoAccounts)) return [];
  return meta.demoAccounts.map((a) => (typeof a === 'string' ? { username: a } : a));
}

/**
 * Asks for the signed-in user before anything renders (at start, and as soon as the quick sign-in
 * succeeds), so the shell does not wait for its code to run before it asks. The same query as
 * `useMe`: the shell then finds it answered or on its way.
 */
export function prefetchMe(client: QueryClient): void {
  void client.prefetchQuery({
    queryKey: meKey,
    // No redirect from here: a public page (a service guide) must not be sent to the login; the
    // pages that need a user redirect when they ask (useMe refetches a failed answer).
    queryFn: ({ signal }) => api.get<Me>('/api/auth/me', undefined, { signal, noAuthRedirect: true }),
    staleTime: 60_000,
    retry: false,
  });
}

/** The signed-in user (GET /api/auth/me). A 401 sends the user to the login page (see api.ts). */
export function useMe(opts: { redirect?: boolean } = {}) {
  const redirect = opts.redirect ?? true;
  return useQuery({
    queryKey: meKey,
    queryFn: ({ signal }) => api.get<Me>('/api/auth/me', undefined, { signal, noAuthRedirect: !redirect }),
    staleTime: 60_000,
  });
}

export function useMeta() {
  return useQuery({
    queryKey: metaKey,
    queryFn: ({ signal }) => api.get<Meta>('/api/meta', undefined, { signal, noAuthRedirect: true }),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** `can('user.read')`: whether the signed-in user holds the permission somewhere in their scope. */
export function useCan(): (permission: string) => boolean {
  const { data } = useMe();
  const perms = data?.permissions;
  return useCallback((permission: string) => perms?.includes(permission) ?? false, [perms]);
}

export function useAuth() {
  const me = useMe();
  const can = useCan();
  return { me: me.data, can, query: me };
}

export function useLogout() {
  const qc = useQueryClient();
  return useCallback(async () => {
    try {
      await api.post('/api/auth/logout', {}, { noAuthRedirect: true });
    } finally {
      qc.clear();
    }
  }, [qc]);
}
