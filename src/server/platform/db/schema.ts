import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Database types, by table. Kernel tables (areas, identity, sessions, audit, settings) come from
 * platform/migrations; each module adds its own tables here as it adds migrations.
 */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface AreasTable {
  id: Generated<number>;
  parentId: number | null;
  kind: string;
  code: string;
  name: string;
  sortOrder: ColumnType<number, number | undefined, number>;
  /** ltree of ids from the root: "1.4.27" */
  path: string;
  depth: number;
  /** PostgreSQL polygon text "((lng,lat),...)" */
  boundary: string | null;
  center: ColumnType<{ x: number; y: number } | null, string | null, string | null>;
  status: ColumnType<string, string | undefined, string>;
  version: ColumnType<number, number | undefined, number>;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  displayName: string;
  areaId: number;
  passwordHash: string;
  passwordChangedAt: Timestamp;
  mustChangePassword: boolean;
  isDemo: ColumnType<boolean, boolean | undefined, boolean>;
  status: ColumnType<string, string | undefined, string>;
  totpSecretEnc: string | null;
  totpEnabled: ColumnType<boolean, boolean | undefined, boolean>;
  /** Last TOTP time step accepted: a code is never accepted twice. */
  totpLastStep: number | null;
  lastLoginAt: Date | null;
  version: ColumnType<number, number | undefined, number>;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface RolesTable {
  id: Generated<number>;
  code: string;
  nameZh: string;
  nameEn: string;
  builtin: ColumnType<boolean, boolean | undefined, boolean>;
  adminKind: string | null;
  version: ColumnType<number, number | undefined, number>;
  createdAt: CreatedAt;
}

export interface RolePermissionsTable {
  roleId: number;
  permission: string;
}

export interface UserRolesTable {
  id: Generated<number>;
  userId: number;
  roleId: number;
  areaId: number;
  createdAt: CreatedAt;
  createdBy: number | null;
}

export interface SessionsTable {
  /** sha256 of the cookie token: a stolen table does not give usable tokens */
  id: string;
  userId: number;
  csrfToken: string;
  createdAt: CreatedAt;
  lastSeenAt: Timestamp;
  expiresAt: Timestamp;
  ip: string | null;
  userAgent: string | null;
  mfaPending: boolean;
}

export interface LoginThrottleTable {
  kind: string;
  key: string;
  failures: number;
  firstFailureAt: Timestamp;
  lockedUntil: Timestamp | null;
}

export interface SettingsTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  version: ColumnType<number, number | undefined, number>;
  updatedAt: Timestamp;
}

export interface AuditLogTable {
  id: Generated<number>;
  seq: number;
  at: Timestamp;
  actorId: number | null;
  actorName: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  success: boolean;
  ip: string | null;
  requestId: string | null;
  changes: ColumnType<unknown, string | null, never>;
  detail: ColumnType<unknown, string | null, never>;
  prevHash: Buffer;
  hash: Buffer;
}

export interface AuditChainTable {
  id: number;
  seq: number;
  hash: Buffer;
}

export interface DB {
  areas: AreasTable;
  users: UsersTable;
  roles: RolesTable;
  rolePermissions: RolePermissionsTable;
  userRoles: UserRolesTable;
  sessions: SessionsTable;
  loginThrottle: LoginThrottleTable;
  settings: SettingsTable;
  auditLog: AuditLogTable;
  auditChain: AuditChainTable;
}

export type AreaRow = Selectable<AreasTable>;
export type NewArea = Insertable<AreasTable>;
export type AreaPatch = Updateable<AreasTable>;
export type UserRow = Selectable<UsersTable>;
