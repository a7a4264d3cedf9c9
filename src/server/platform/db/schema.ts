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

// —— registry (modules/registry/migrations/202611210100_registry_init.ts) ——

export interface HouseInfoTable {
  areaId: number;
  use: string | null;
  ownerPersonId: number | null;
  floorArea: number | null;
  note: string | null;
  version: ColumnType<number, number | undefined, number>;
  updatedAt: Timestamp;
}

export interface HouseholdsTable {
  id: Generated<number>;
  areaId: number;
  kind: ColumnType<string, string | undefined, string>;
  headPersonId: number | null;
  version: ColumnType<number, number | undefined, number>;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface PeopleTable {
  id: Generated<number>;
  areaId: number;
  householdId: number | null;
  relationToHead: string | null;
  name: string;
  namePinyin: ColumnType<string, string | undefined, string>;
  nameInitials: ColumnType<string, string | undefined, string>;
  idEnc: string | null;
  idHash: string | null;
  idTail: string | null;
  phoneEnc: string | null;
  phoneHash: string | null;
  phoneTail: string | null;
  sex: string | null;
  birthDate: ColumnType<string | null, string | null | undefined, string | null>;
  ethnicity: string | null;
  education: string | null;
  politicalStatus: string | null;
  employer: string | null;
  residenceType: string;
  registeredAddress: string | null;
  currentAddress: string | null;
  floatingRegisteredOn: ColumnType<string | null, string | null | undefined, string | null>;
  floatingExpiresOn: ColumnType<string | null, string | null | undefined, string | null>;
  inflowReason: string | null;
  floatingResidenceKind: string | null;
  healthArchive: ColumnType<boolean, boolean | undefined, boolean>;
  status: ColumnType<string, string | undefined, string>;
  note: string | null;
  version: ColumnType<number, number | undefined, number>;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface PersonTagsTable {
  id: Generated<number>;
  personId: number;
  tag: string;
  fieldsEnc: string | null;
  startDate: ColumnType<string | null, string | null | undefined, string | null>;
  endDate: ColumnType<string | null, string | null | undefined, string | null>;
  createdAt: CreatedAt;
}

export interface RentalsTable {
  id: Generated<number>;
  houseId: number;
  landlordPersonId: number | null;
  use: string;
  startDate: ColumnType<string, string, string>;
  endDate: ColumnType<string | null, string | null | undefined, string | null>;
  createdAt: CreatedAt;
}

export interface RentalTenantsTable {
  rentalId: number;
  personId: number;
}

export interface OrganisationsTable {
  id: Generated<number>;
  areaId: number;
  name: string;
  kind: string;
  creditCode: string | null;
  address: string | null;
  contactName: string | null;
  contactPhoneEnc: string | null;
  contactPhoneTail: string | null;
  note: string | null;
  version: ColumnType<number, number | undefined, number>;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface ImportsTable {
  id: Generated<number>;
  userId: number;
  areaId: number | null;
  fileName: string;
  status: string;
  headerRow: ColumnType<number, number | undefined, number>;
  columns: ColumnType<unknown, string | undefined, string>;
  mapping: ColumnType<unknown, string | null | undefined, string | null>;
  residenceType: string | null;
  total: ColumnType<number, number | undefined, number>;
  processed: ColumnType<number, number | undefined, number>;
  created: ColumnType<number, number | undefined, number>;
  updated: ColumnType<number, number | undefined, number>;
  unchanged: ColumnType<number, number | undefined, number>;
  failed: ColumnType<number, number | undefined, number>;
  errors: ColumnType<unknown, string | undefined, string>;
  warnings: ColumnType<unknown, string | undefined, string>;
  createdAt: CreatedAt;
  finishedAt: Timestamp | null;
}

export interface ImportRowsTable {
  importId: number;
  rowNo: number;
  cellsEnc: string;
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
  houseInfo: HouseInfoTable;
  households: HouseholdsTable;
  people: PeopleTable;
  personTags: PersonTagsTable;
  rentals: RentalsTable;
  rentalTenants: RentalTenantsTable;
  organisations: OrganisationsTable;
  imports: ImportsTable;
  importRows: ImportRowsTable;
}

export type AreaRow = Selectable<AreasTable>;
export type NewArea = Insertable<AreasTable>;
export type AreaPatch = Updateable<AreasTable>;
export type UserRow = Selectable<UsersTable>;
