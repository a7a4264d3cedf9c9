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
  /** 'staff' or 'resident' (the resident channel's accounts). */
  kind: ColumnType<'staff' | 'resident', 'staff' | 'resident' | undefined, 'staff' | 'resident'>;
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
  /** A grant waiting for its second person (kernel migration 202612080100): gives nothing yet. */
  pending: ColumnType<boolean, boolean | undefined, boolean>;
  approvedBy: ColumnType<number | null, number | null | undefined, number | null>;
  approvedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** Earlier password hashes of an account (argon2id), for the reuse rule. */
export interface PasswordHistoryTable {
  id: Generated<number>;
  userId: number;
  passwordHash: string;
  createdAt: CreatedAt;
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
  /** The last attempt given a slot (a lock or a delay runs from it). */
  lastAt: Timestamp;
  /** Token of that attempt: how a claim learns, in one statement, whether it got the slot. */
  claim: string | null;
}

/** A shared request limit's counts (platform/http/rate-limit.ts): this window's and the last's. */
export interface RateCountersTable {
  scope: string;
  key: string;
  windowStart: Timestamp;
  n: number;
  prevN: ColumnType<number, number | undefined, number>;
  claim: string | null;
}

export interface SettingsTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  version: ColumnType<number, number | undefined, number>;
  updatedAt: Timestamp;
}

export interface AuditLogTable {
  id: Generated<number>;
  /** Insertion order (a sequence). */
  seq: Generated<number>;
  /** Position in the hash chain, set when the entry is sealed. */
  chainNo: ColumnType<number | null, never, number>;
  xid: ColumnType<string, never, never>;
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
  prevHash: ColumnType<Buffer | null, never, Buffer>;
  hash: ColumnType<Buffer | null, never, Buffer>;
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
  /** a pending registration of an ID number held by that record (registry migration 202612070100) */
  duplicateOf: ColumnType<number | null, number | null | undefined, number | null>;
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
  /** people, organisations, houses, disputes (registry migration 202612070200) */
  kind: ColumnType<string, string | undefined, string>;
  /** sheet rows left out as totals (合计/小计 …) */
  skipped: ColumnType<unknown, string | undefined, string>;
  createdAt: CreatedAt;
  finishedAt: Timestamp | null;
}

export interface ImportRowsTable {
  importId: number;
  rowNo: number;
  cellsEnc: string;
}

type Opt<T> = ColumnType<T, T | undefined, T>;
type TsNull = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface WorkCalendarTable {
  day: ColumnType<string, string, string>;
  kind: string;
  name: string;
}

export interface CalendarYearsTable {
  year: number;
  status: string;
  source: string | null;
  updatedAt: Timestamp;
}

export interface CaseLimitsTable {
  id: Generated<number>;
  type: string;
  category: string;
  urgency: string;
  stage: string;
  amount: number;
  unit: string;
}

/**
 * A case's counts toward the indicators (docs/indicators.md), by the instant that puts it in a
 * period — reported: all, with an extension, accepted within the limit, mediated, agreed; due:
 * all, closed by the deadline; accepted: all, within the limit; closed: all, reworked, rated,
 * rated ≥ 4, sum of ratings, seconds from report to close.
 */
export interface CaseMeasures {
  rep: number;
  repExtended: number;
  repResponded: number;
  repMediated: number;
  repAgreed: number;
  due: number;
  dueOnTime: number;
  acc: number;
  accInTime: number;
  clo: number;
  cloReworked: number;
  cloRated: number;
  cloSatisfied: number;
  cloRatingSum: number;
  cloSeconds: number;
}

/** Case measures per month and key, kept by triggers on cases (cases migration 202611250100). */
export interface CaseStatsTable extends CaseMeasures {
  month: string;
  type: string;
  category: string;
  state: string;
  areaPath: string;
}

export interface CasesTable {
  id: Generated<number>;
  no: string;
  type: string;
  category: string;
  urgency: string;
  state: string;
  title: string;
  description: Opt<string>;
  areaId: number;
  areaPath: string;
  lat: number | null;
  lng: number | null;
  address: string | null;
  channel: string;
  reporterUserId: number | null;
  reporterPersonId: number | null;
  contactName: string | null;
  contactPhoneEnc: string | null;
  contactPhoneTail: string | null;
  /** Keyed hash of the contact phone (cases migration 202612210100): Open311 requests of a resident. */
  contactPhoneHash: Opt<string | null>;
  contactEmailEnc: string | null;
  ownerUserId: number | null;
  assigneeUserId: number | null;
  organisationId: number | null;
  department: string | null;
  detail: ColumnType<Record<string, unknown>, string | undefined, string>;
  outcome: string | null;
  reportedAt: Timestamp;
  acceptDueAt: Timestamp;
  acceptedAt: TsNull;
  dispatchedAt: TsNull;
  resolvedAt: TsNull;
  closedAt: TsNull;
  dueAt: Timestamp;
  stageStartedAt: TsNull;
  stageDueAt: TsNull;
  slaLevel: Opt<number>;
  slaNextAt: TsNull;
  supervisionLevel: Opt<number>;
  reworkCount: Opt<number>;
  extensionCount: Opt<number>;
  reopenCount: Opt<number>;
  pendingExtension: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  rating: number | null;
  mediatedAt: TsNull;
  mergedIntoId: number | null;
  externalToken: string | null;
  sourceKind: ColumnType<string | null, string | null | undefined, string | null>;
  sourceId: ColumnType<number | null, number | null | undefined, number | null>;
  /** May be shown outside (Open311, the big screen); disputes never (cases migration 202612090200). */
  public: Opt<boolean>;
  /** Where a type's own deadline (`ownDue`) was last counted from (cases migration 202612210500). */
  clockFrom: TsNull;
  version: Opt<number>;
  updatedAt: Timestamp;
}

export interface CaseEventsTable {
  id: Generated<number>;
  caseId: number;
  at: Timestamp;
  actorUserId: number | null;
  actorName: string;
  kind: string;
  fromState: string | null;
  toState: string | null;
  comment: string | null;
  data: ColumnType<Record<string, unknown>, string | undefined, string>;
  lat: number | null;
  lng: number | null;
}

export interface CaseAttachmentsTable {
  id: Generated<number>;
  caseId: number | null;
  eventId: number | null;
  visitId: ColumnType<number | null, number | null | undefined, number | null>;
  publicationId: ColumnType<number | null, number | null | undefined, number | null>;
  uploadedBy: number;
  name: string;
  mime: string;
  size: number;
  sha256: string;
  storageKey: string;
  createdAt: CreatedAt;
}

export interface DisputePartiesTable {
  id: Generated<number>;
  caseId: number;
  role: string;
  personId: number | null;
  name: string;
  idEnc: string | null;
  idHash: string | null;
  idTail: string | null;
  phoneEnc: string | null;
  phoneTail: string | null;
  address: string | null;
}

export interface NotificationsTable {
  id: Generated<number>;
  userId: number;
  caseId: number | null;
  kind: string;
  titleZh: string;
  titleEn: string;
  bodyZh: Opt<string>;
  bodyEn: Opt<string>;
  createdAt: ColumnType<Date, Date | string, never>;
  readAt: TsNull;
}

export interface Open311KeysTable {
  id: Generated<number>;
  name: string;
  keyHash: string;
  tail: string;
  areaId: number;
  createdBy: number | null;
  createdAt: CreatedAt;
  revokedAt: TsNull;
}

export interface IdempotencyKeysTable {
  userId: number;
  key: string;
  bodyHash: string;
  entityId: number;
  createdAt: CreatedAt;
}

/** The window module's matter catalogue (modules/window): one row per version of a matter. */
export interface WindowMattersTable {
  id: Generated<number>;
  areaId: number;
  matterKey: string;
  version: number;
  current: Generated<boolean>;
  baseCode: string;
  implCode: string | null;
  itemCode: string | null;
  name: string;
  parentName: string | null;
  kind: string;
  type: string;
  level: string;
  department: string;
  implementer: string | null;
  basis: string | null;
  method: string;
  audience: string | null;
  conditions: string | null;
  legalLimit: number | null;
  promisedLimit: number | null;
  limitUnit: string;
  limitNote: string | null;
  visits: number;
  place: string | null;
  hours: string | null;
  fees: string | null;
  contacts: string | null;
  online: boolean;
  bookable: boolean;
  effectiveOn: ColumnType<string, string, string>;
  cancelledOn: ColumnType<string | null, string | null | undefined, string | null>;
  materials: ColumnType<unknown, string, string>;
  faqs: ColumnType<unknown, string, string>;
  createdBy: number | null;
  createdAt: Generated<Date>;
}

/** The window's bookable slots, bookings and queue tickets (modules/window). */
export interface WindowSlotsTable {
  id: Generated<number>;
  areaId: number;
  day: ColumnType<string, string, string>;
  starts: string;
  ends: string;
  matterGroup: string;
  capacity: number;
  booked: Generated<number>;
  offHours: Generated<boolean>;
  closed: Generated<boolean>;
  /** staff the slot needs on the roster (window migration 202612210400) */
  minStaff: Generated<number>;
  createdAt: Generated<Date>;
}
/** Who staffs which window when (window migration 202612210400). */
export interface WindowRostersTable {
  id: Generated<number>;
  areaId: number;
  day: ColumnType<string, string, string>;
  starts: string;
  ends: string;
  windowNo: number;
  userId: number;
  offHours: Generated<boolean>;
  createdBy: number | null;
  createdAt: Generated<Date>;
}
export interface WindowBookingsTable {
  id: Generated<number>;
  slotId: number;
  name: string;
  phoneTail: string | null;
  channel: string;
  status: Generated<string>;
  createdBy: number | null;
  createdAt: Generated<Date>;
}
export interface WindowTicketsTable {
  id: Generated<number>;
  areaId: number;
  day: ColumnType<string, string, string>;
  number: number;
  matterGroup: string;
  bookingId: number | null;
  issuedAt: Date;
  calledAt: Date | null;
  windowNo: number | null;
  calledBy: number | null;
  finishedAt: Date | null;
  status: Generated<string>;
}

export interface VisitRulesTable {
  id: Generated<number>;
  areaId: number;
  name: string;
  tags: string[];
  minAge: number | null;
  intervalCount: number;
  intervalUnit: string;
  mustVisit: Opt<boolean>;
  visitor: Opt<string>;
  form: ColumnType<unknown, string | undefined, string>;
  active: Opt<boolean>;
  version: Opt<number>;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface VisitPairsTable {
  id: Generated<number>;
  personId: number;
  userId: number;
  note: string | null;
  createdAt: CreatedAt;
}

export interface VisitPlansTable {
  id: Generated<number>;
  personId: number;
  ruleId: number;
  since: ColumnType<string, string, string>;
  lastVisitOn: ColumnType<string | null, string | null | undefined, string | null>;
  dueOn: ColumnType<string, string, string>;
}

export interface VisitsTable {
  id: Generated<number>;
  personId: number;
  ruleId: number | null;
  areaId: number;
  areaPath: string;
  tags: string[];
  visitorUserId: number;
  visitedAt: Timestamp;
  dueOn: ColumnType<string | null, string | null | undefined, string | null>;
  method: string;
  met: string;
  findings: Opt<string>;
  form: ColumnType<Record<string, unknown>, string | undefined, string>;
  lat: number | null;
  lng: number | null;
  createdAt: CreatedAt;
}

export interface PatrolsTable {
  id: Generated<number>;
  areaId: number;
  areaPath: string;
  userId: number;
  startedAt: Timestamp;
  endedAt: TsNull;
  route: ColumnType<[number, number, string][], string | undefined, string>;
  distanceM: Opt<number>;
  note: string | null;
  version: Opt<number>;
}

/** The resident channel (residents migration 202612170200). */
export interface ResidentAccountsTable {
  id: Generated<number>;
  userId: number;
  phoneEnc: string;
  phoneHash: string;
  phoneTail: string;
  personId: number | null;
  verifiedHow: string | null;
  verifiedAt: TsNull;
  verifiedBy: number | null;
  signedUpAt: TsNull;
  createdAt: CreatedAt;
  version: Opt<number>;
  /** An unverified account's chosen community or street (residents migration 202612210101). */
  chosenAreaId: Opt<number | null>;
}

export interface ResidentCodesTable {
  id: Generated<number>;
  phoneHash: string;
  codeHash: string;
  ip: string | null;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  attempts: Opt<number>;
  usedAt: TsNull;
}

export interface ResidentActsTable {
  id: Generated<number>;
  accountId: number;
  byPersonId: number;
  forPersonId: number;
  kind: string;
  caseId: number | null;
  at: Timestamp;
}

export interface DB {
  areas: AreasTable;
  users: UsersTable;
  roles: RolesTable;
  rolePermissions: RolePermissionsTable;
  userRoles: UserRolesTable;
  sessions: SessionsTable;
  loginThrottle: LoginThrottleTable;
  rateCounters: RateCountersTable;
  passwordHistory: PasswordHistoryTable;
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
  workCalendar: WorkCalendarTable;
  calendarYears: CalendarYearsTable;
  caseLimits: CaseLimitsTable;
  cases: CasesTable;
  caseStats: CaseStatsTable;
  caseEvents: CaseEventsTable;
  caseAttachments: CaseAttachmentsTable;
  disputeParties: DisputePartiesTable;
  notifications: NotificationsTable;
  open311Keys: Open311KeysTable;
  idempotencyKeys: IdempotencyKeysTable;
  visitRules: VisitRulesTable;
  visitPairs: VisitPairsTable;
  visitPlans: VisitPlansTable;
  visits: VisitsTable;
  patrols: PatrolsTable;
  residentAccounts: ResidentAccountsTable;
  residentCodes: ResidentCodesTable;
  residentActs: ResidentActsTable;
  publications: PublicationsTable;
  publicationSteps: PublicationStepsTable;
  publicationReads: PublicationReadsTable;
  publicationBoardPhotos: PublicationBoardPhotosTable;
  windowMatters: WindowMattersTable;
  windowSlots: WindowSlotsTable;
  windowRosters: WindowRostersTable;
  windowBookings: WindowBookingsTable;
  windowTickets: WindowTicketsTable;
}

/** The publications engine (engines/publications, docs/publications.md). */
export interface PublicationsTable {
  id: Generated<number>;
  kind: string;
  seriesId: number;
  versionNo: Opt<number>;
  supersedesId: number | null;
  areaId: number;
  areaPath: string;
  title: string;
  body: string;
  maskedList: ColumnType<unknown[], string | undefined, string>;
  audience: string;
  channels: string[];
  counting: string;
  displayDays: number;
  objectionDays: number | null;
  status: Opt<string>;
  step: Opt<number>;
  contentHash: string | null;
  publishedAt: TsNull;
  displayUntil: ColumnType<string | null, string | null | undefined, string | null>;
  objectionUntil: ColumnType<string | null, string | null | undefined, string | null>;
  takenDownAt: TsNull;
  takedownReason: string | null;
  archiveClass: string;
  archiveYear: number | null;
  createdBy: number;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
  version: Opt<number>;
}

export interface PublicationStepsTable {
  id: Generated<number>;
  publicationId: number;
  step: string;
  decision: string;
  opinion: string | null;
  actorId: number;
  actorName: string;
  at: Timestamp;
}

export interface PublicationReadsTable {
  publicationId: number;
  userId: number;
  readAt: Timestamp;
}

export interface PublicationBoardPhotosTable {
  attachmentId: number;
  publicationId: number;
  takenOn: string;
  place: string | null;
  uploadedBy: number;
  createdAt: CreatedAt;
}

export type AreaRow = Selectable<AreasTable>;
export type NewArea = Insertable<AreasTable>;
export type AreaPatch = Updateable<AreasTable>;
export type UserRow = Selectable<UsersTable>;
