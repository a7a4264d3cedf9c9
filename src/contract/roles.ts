import { z } from 'zod';
import { Abilities, msg } from './common.js';

export const ADMIN_KINDS = ['system', 'security', 'audit'] as const;
export const AdminKind = z.enum(ADMIN_KINDS);

/**
 * The duty every permission belongs to (三权分立, docs/security.md): `system` (the area tree, the
 * working calendar and time limits, approving grants), `security` (accounts, roles, security
 * settings, API keys), `audit` (reading and verifying the log), `business` (residents' data and
 * the work on it), and `common` (reading the tree of place names: no personal data, no power —
 * every administrator needs it to place an account or a role).
 */
export const DUTIES = ['system', 'security', 'audit', 'business', 'common'] as const;
export const Duty = z.enum(DUTIES);
export type Duty = z.infer<typeof Duty>;

export const PermissionDef = z.object({
  name: z.string(),
  module: z.string(),
  zh: z.string(),
  en: z.string(),
  /** Sensitive permissions (reveal, sensitive tags) are shown apart in the role editor. */
  sensitive: z.boolean(),
  duty: Duty,
});
export type PermissionDef = z.infer<typeof PermissionDef>;

export const Role = z.object({
  id: z.number(),
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  builtin: z.boolean(),
  adminKind: AdminKind.nullable(),
  permissions: z.array(z.string()),
  /** The duties of its permissions (`common` left out). */
  duties: z.array(Duty),
  userCount: z.number(),
  version: z.number(),
  abilities: Abilities,
});
export type Role = z.infer<typeof Role>;

const RoleCode = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]{2,39}$/,
    msg('小写字母、数字和下划线，以字母开头', 'lower-case letters, digits and _'),
  );

export const RoleCreate = z.strictObject({
  code: RoleCode,
  nameZh: z.string().trim().min(1).max(40),
  nameEn: z.string().trim().min(1).max(60),
  permissions: z.array(z.string().max(80)).max(500),
});

export const RoleUpdate = z
  .strictObject({
    nameZh: z.string().trim().min(1).max(40).optional(),
    nameEn: z.string().trim().min(1).max(60).optional(),
    permissions: z.array(z.string().max(80)).max(500).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: msg('没有要修改的内容', 'nothing to change') });
