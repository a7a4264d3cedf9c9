import { z } from 'zod';
import { Abilities, Id, ListQuery, msg, sortParam } from './common.js';

export const Username = z
  .string()
  .trim()
  .regex(
    /^[a-zA-Z][a-zA-Z0-9_.-]{2,31}$/,
    msg('3–32 位字母、数字或 _ . -，以字母开头', '3–32 letters, digits, _ . -, starting with a letter'),
  );

export const UserSummary = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  areaId: z.number(),
  areaName: z.string(),
  status: z.enum(['active', 'disabled', 'locked']),
  roles: z.array(
    z.object({
      assignmentId: z.number(),
      role: z.string(),
      roleName: z.string(),
      areaId: z.number(),
      areaName: z.string(),
      /** Requested, waiting for a second person's approval (docs/security.md): gives nothing yet. */
      pending: z.boolean(),
    }),
  ),
  totpEnabled: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
  version: z.number(),
  abilities: Abilities,
});
export type UserSummary = z.infer<typeof UserSummary>;

export const USER_SORTS = ['username', 'displayName', 'createdAt', 'lastLoginAt'] as const;
export const UserListQuery = ListQuery.extend({
  sort: sortParam(USER_SORTS),
  status: z.enum(['active', 'disabled']).optional(),
  role: z.string().max(40).optional(),
  areaId: Id.optional(),
});

export const UserCreate = z.strictObject({
  username: Username,
  displayName: z.string().trim().min(1).max(40),
  areaId: Id,
  /** When omitted a one-time password is generated and returned once. */
  password: z.string().min(1).max(256).optional(),
});

export const UserCreated = z.object({ user: UserSummary, initialPassword: z.string().nullable() });

export const UserUpdate = z
  .strictObject({
    displayName: z.string().trim().min(1).max(40).optional(),
    areaId: Id.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: msg('没有要修改的内容', 'nothing to change') });

export const RoleAssign = z.strictObject({ role: z.string().min(1).max(40), areaId: Id });

export const ResetPasswordResult = z.object({ initialPassword: z.string() });

/** A role grant waiting for its second person (GET /api/role-grants). */
export const PendingGrant = z.object({
  assignmentId: z.number(),
  userId: z.number(),
  username: z.string(),
  displayName: z.string(),
  role: z.string(),
  roleName: z.string(),
  areaId: z.number(),
  areaName: z.string(),
  /** The role's permissions: what approving gives (names, and their labels in the reader's language). */
  permissions: z.array(z.string()),
  permissionLabels: z.array(z.string()),
  requestedBy: z.string().nullable(),
  requestedAt: z.string(),
  /** `decide` unless the reader requested it or is its grantee. */
  abilities: Abilities,
});
export type PendingGrant = z.infer<typeof PendingGrant>;

export const GrantDecision = z.object({
  assignmentId: z.number(),
  userId: z.number(),
  approved: z.boolean(),
});
