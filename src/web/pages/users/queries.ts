import { useQuery } from '@tanstack/react-query';
import type { Page } from '../../../contract/common.js';
import type { PermissionDef, Role } from '../../../contract/roles.js';
import type { UserSummary } from '../../../contract/users.js';
import { api } from '../../app/api.js';

export interface UserListParams {
  q?: string;
  status?: 'active' | 'disabled';
  role?: string;
  page: number;
  pageSize: number;
  sort?: string;
}

export const userKeys = {
  all: ['users'] as const,
  list: (p: UserListParams) => ['users', 'list', p] as const,
  detail: (id: number) => ['users', 'detail', id] as const,
};
export const roleKeys = { all: ['roles'] as const, permissions: ['permissions'] as const };

export function useUsers(p: UserListParams) {
  return useQuery({
    queryKey: userKeys.list(p),
    queryFn: ({ signal }) => api.get<Page<UserSummary>>('/api/users', { ...p }, { signal }),
    placeholderData: (prev) => prev,
  });
}

export function useRoles(enabled = true) {
  return useQuery({
    queryKey: roleKeys.all,
    queryFn: ({ signal }) => api.get<{ items: Role[] }>('/api/roles', undefined, { signal }),
    enabled,
  });
}

export function usePermissions() {
  return useQuery({
    queryKey: roleKeys.permissions,
    queryFn: ({ signal }) => api.get<{ items: PermissionDef[] }>('/api/permissions', undefined, { signal }),
    staleTime: 10 * 60_000,
  });
}

/** User abilities the server sends (accounts.presenter.ts): enable/unlock go with `disable`. */
export const USER_ABILITY = {
  update: 'update',
  disable: 'disable',
  resetPassword: 'reset_password',
  assignRole: 'assign_role',
} as const;
