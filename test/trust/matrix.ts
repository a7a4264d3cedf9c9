import type { AreaKind } from '../../src/contract/areas.js';
import { MODULES } from '../../src/server/modules/index.js';

/**
 * The permission matrix (the "Trust" issue, part 1): one entry per route the app serves, saying
 * how to exercise it against a record placed at an area relative to each demo role's own node.
 * Expected outcomes are derived here (`expected`), never written per case: from the role's grants
 * (the module manifests) and whether the record's area lies in the role's scope. The test
 * (matrix.test.ts) runs every case against seeded data; scripts/gen-permissions.ts renders
 * docs/permissions.md from the same table.
 */

// —— roles and positions ——

export const POSITIONS = ['same', 'child', 'parent', 'sibling', 'other'] as const;
export type Position = (typeof POSITIONS)[number];
export const POSITION_LABELS: Record<Position, string> = {
  same: 'the role’s own node',
  child: 'a child of that node',
  parent: 'its parent',
  sibling: 'a sibling of that node',
  other: 'another street (of another district)',
};

/** One demo account per built-in role, with the kind of the node its role is assigned on. */
export interface RoleSpec {
  role: string;
  account: string;
  scopeKind: AreaKind;
}
export const ROLES: RoleSpec[] = [
  { role: 'street_admin', account: 'street_admin', scopeKind: 'street' },
  { role: 'community_secretary', account: 'community_admin', scopeKind: 'community' },
  { role: 'community_worker', account: 'community_worker', scopeKind: 'community' },
  { role: 'grid_worker', account: 'grid_a', scopeKind: 'grid' },
  { role: 'compound_head', account: 'compound_head', scopeKind: 'compound' },
  { role: 'building_head', account: 'building_head', scopeKind: 'building' },
  { role: 'volunteer', account: 'volunteer', scopeKind: 'community' },
  { role: 'party_member', account: 'party_member', scopeKind: 'community' },
  { role: 'cobuild_unit', account: 'cobuild_unit', scopeKind: 'community' },
  { role: 'resident', account: 'resident', scopeKind: 'building' },
  { role: 'sys_admin', account: 'sys_admin', scopeKind: 'district' },
  { role: 'security_admin', account: 'security_admin', scopeKind: 'district' },
  { role: 'audit_admin', account: 'audit_admin', scopeKind: 'district' },
];

/** The kind of the first child the demo tree has under a node of this kind. */
const CHILD_KIND: Partial<Record<AreaKind, AreaKind>> = {
  district: 'street',
  street: 'community',
  community: 'grid',
  grid: 'compound',
  compound: 'building',
  building: 'unit',
};
const PARENT_KIND: Partial<Record<AreaKind, AreaKind>> = {
  street: 'district',
  community: 'street',
  grid: 'community',
  compound: 'grid',
  building: 'compound',
};

/**
 * The kind of the node at each position for a role; null where the demo tree has none (a district
 * is a root). A district role's sibling is another district (the test creates one).
 */
export function positionKind(r: RoleSpec, p: Position): AreaKind | null {
  switch (p) {
    case 'same':
    case 'sibling':
      return r.scopeKind;
    case 'child':
      return CHILD_KIND[r.scopeKind] ?? null;
    case 'parent':
      return PARENT_KIND[r.scopeKind] ?? null;
    case 'other':
      return 'street';
  }
}

/** Every demo role holds one assignment: its scope is its own node and everything under it. */
export const IN_SCOPE: Record<Position, boolean> = {
  same: true,
  child: true,
  parent: false,
  sibling: false,
  other: false,
};

/**
 * Fixtures are placed on fresh nodes the test hangs under the position's node, one chain per node
 * down to a house (district → street → community → grid → group → building → house, compound →
 * building, unit → house): a record "at" a node lies in its subtree and in no other demo node's.
 */
export const CHAIN_NEXT: Partial<Record<AreaKind, AreaKind>> = {
  district: 'street',
  street: 'community',
  community: 'grid',
  grid: 'group',
  group: 'building',
  compound: 'building',
  building: 'house',
  unit: 'house',
};
export function chainKinds(k: AreaKind): AreaKind[] {
  const out: AreaKind[] = [k];
  for (let cur = CHAIN_NEXT[k]; cur; cur = CHAIN_NEXT[cur]) out.push(cur);
  return out;
}

// —— records ——

/** What a fixture is and which kinds of node it may sit on (the first such node of the chain). */
export const RECORDS = {
  area: { label: 'area node (a fresh child of the node)', at: 'child' },
  archivedArea: { label: 'archived area node (a fresh child of the node)', at: 'child' },
  gridArea: { label: 'grid with a boundary of its own', at: ['grid'] },
  house: { label: 'house', at: ['house'] },
  person: { label: 'person (name, ID and phone)', at: ['house'] },
  taggedPerson: {
    label: 'person with a mental-health tag',
    at: ['house'],
    secretPerm: 'tag.mental',
    // The tag itself, for a role without its permission anywhere: it does not exist for that role.
    secretText: ['"mental"', '严重精神障碍', 'Severe mental disorder'],
  },
  household: { label: 'household', at: ['house'] },
  organisation: { label: 'organisation', at: ['house'] },
  event: { label: 'grid event', at: ['house'] },
  dispute: { label: 'dispute (with a party)', at: ['house'] },
  request: { label: 'resident request', at: ['house'] },
  attachment: { label: 'attachment of a grid event', at: ['house'] },
  visit: { label: 'visit', at: ['house'] },
  patrol: { label: 'patrol', at: ['grid'] },
  visitRule: { label: 'visit rule', at: ['community', 'street'] },
  visitPair: { label: 'visit pairing', at: ['house'] },
  staff: { label: 'building-head assignment', at: ['building'] },
  user: { label: 'account', at: ['house'] },
  userRole: { label: 'role assignment', at: ['house'] },
  pendingGrant: { label: 'role grant awaiting approval (asked by another)', at: ['house'] },
  open311Key: { label: 'Open311 key', at: ['house'] },
  importJob: { label: 'import job (another user’s, imported here, with a failed row)', at: ['house'] },
  notification: { label: 'notification (another user’s)', at: ['house'] },
  residentAccount: { label: 'verified resident account (its person lives here)', at: ['house'] },
  residentToVerify: { label: 'person here, and an unverified resident account', at: ['house'] },
  residentToRebind: { label: 'person here with a verified account, and a new unverified one', at: ['house'] },
  publication: { label: 'published notice', at: ['house'] },
} as const satisfies Record<
  string,
  { label: string; at: 'child' | readonly AreaKind[]; secretPerm?: string; secretText?: readonly string[] }
>;
export type RecordType = keyof typeof RECORDS;

/** A fixture as the test made it. */
export interface Rec {
  id: number;
  areaId: number;
  /** Ids of related records a request needs (a case's party, an assignment's user …). */
  ref: Record<string, number | string>;
  /** Strings that identify the record: they must never appear in a denied answer. */
  markers: string[];
  /** The marker a successful read shows. */
  shown: string;
  /** Strings only holders of the record type's `secretPerm` over it may see (a sensitive tag's fields). */
  secrets: string[];
}

export interface Req {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** A raw payload (multipart, forms): sent as is. */
  payload?: string | Buffer;
}

/** Reads the version of a row (for If-Match). */
export type VersionOf = (
  table: 'areas' | 'people' | 'households' | 'organisations' | 'houseInfo' | 'users' | 'roles' | 'visitRules',
  id: number,
) => Promise<number>;

export interface Variant {
  /** Shown in the doc next to the route when a route has several variants. */
  label?: string;
  record: RecordType;
  /** The permission whose scope must cover the record (default: the route's). */
  perm?: string;
  /** Writes: the permission that lets the actor see the record; held over it, a refusal is 403. */
  readPerm?: string;
  /** Records visible from below too (rules of the community, seen by its grid workers). */
  ancestorsToo?: boolean;
  /**
   * The record is only ever its owner's (another user's import, notification): 404 for all. The
   * fixture must lie where roles holding the route's permission cover it (matrix.test.ts checks
   * that some do): an owner-only rule is only tested by someone who would see the record otherwise.
   */
  ownOnly?: boolean;
  /** A successful call uses the record up (delete, archive, a state change): one fresh record per allowed case. */
  fresh?: boolean;
  /** After a successful call, sent by the same actor so that its next case starts clean (end the patrol begun). */
  undo?: (answer: Record<string, unknown>) => Req;
  /** A successful read shows the record's marker (default true for GET). */
  shows?: boolean;
  /**
   * Creates something at (or for) the record: a role without the permission anywhere is refused
   * with 403; a target outside its scope with \`outOfScope\` (404, or 400 where the service reports
   * the target as an invalid field — the same answer as for a target that does not exist).
   */
  creates?: { outOfScope: 400 | 404 };
  request(r: Rec, v: VersionOf): Req | Promise<Req>;
}

/** Every entry that runs names the route's declared permission (the test checks it against the app). */
export interface RecordEntry {
  kind: 'record';
  permission: string;
  variants: Variant[];
}

/**
 * Lists, searches, counts, exports, indicators: records of the given types are seeded at every
 * position with unique markers; an out-of-scope marker must never appear in the answer, and (for
 * searches) an in-scope one must.
 */
export interface ListEntry {
  kind: 'list';
  permission: string;
  /** Refused with 403 unless the role holds one of these somewhere (the indicators: a case type it reads). */
  requiresAny?: string[];
  /** Record types seeded, with the permission deciding whether each is visible (and from below: rules). */
  records: { record: RecordType; perm: string; ancestorsToo?: boolean }[];
  /** The answer names the in-scope records (a search by the fixtures' common prefix). */
  finds?: boolean;
  request(prefix: string): Req;
}

/** Routes whose object is not area-scoped (settings, roles, the calendar): held permission → ✓. */
export interface GlobalEntry {
  kind: 'global';
  permission: string;
  reason: string;
  /** `allowed`: whether this role's call is expected to succeed (only those use up a spare object). */
  request(v: VersionOf, n: number, allowed: boolean): Req | Promise<Req>;
}

export interface NoRecordEntry {
  kind: 'no-record';
  reason: string;
}

/**
 * Open311 GeoReport reads: public by the specification, for strangers. Cases are seeded at every
 * position; what a stranger may see of each type is listed (docs/open311.md "Privacy"): the rest
 * of its identifiers (contact, parties, a resident request's own words) must never appear, and a
 * type not offered at all (disputes) is answered 404 by number.
 */
export interface PublicEntry {
  kind: 'public';
  permission: 'public';
  records: { record: RecordType; offered: boolean; shows: ('no' | 'title')[] }[];
  /** One request per seeded record (by its number) rather than one list. */
  perRecord?: boolean;
  request(r?: Rec): Req;
}

export type Entry = RecordEntry | ListEntry | GlobalEntry | PublicEntry | NoRecordEntry;

// —— requests ——

const get = (url: string): Req => ({ method: 'GET', url });
const post = (url: string, body?: unknown, headers?: Record<string, string>): Req => ({
  method: 'POST',
  url,
  body: body ?? {},
  ...(headers ? { headers } : {}),
});
const ifMatch = (v: number) => ({ 'if-match': `"${v}"` });
const TYPES = ['event', 'dispute', 'request'] as const;

const caseVariants = (make: (t: (typeof TYPES)[number]) => Omit<Variant, 'record' | 'label'>): Variant[] =>
  TYPES.map((t) => ({ label: t, record: t, ...make(t) }));

/** What GeoReport shows of each case type: an event's number and title, a request's number only. */
const OPEN311_SEEN: PublicEntry['records'] = [
  { record: 'event', offered: true, shows: ['no', 'title'] },
  { record: 'request', offered: true, shows: ['no'] },
  { record: 'dispute', offered: false, shows: [] },
];

/** The table: `METHOD url` as the route table names it → how to exercise it. */
export const MATRIX: Record<string, Entry> = {
  // —— system and sign-in ——
  'GET /api/health': { kind: 'no-record', reason: 'public liveness' },
  'GET /api/meta': { kind: 'no-record', reason: 'public metadata (version, languages)' },
  'GET /api/openapi.json': { kind: 'no-record', reason: 'public API description' },
  'POST /api/auth/login': { kind: 'no-record', reason: 'sign-in' },
  'POST /api/auth/logout': { kind: 'no-record', reason: 'own session' },
  'GET /api/auth/me': { kind: 'no-record', reason: 'own session' },
  'POST /api/auth/password': { kind: 'no-record', reason: 'own password' },
  'POST /api/auth/totp/verify': { kind: 'no-record', reason: 'own second factor' },
  'POST /api/auth/totp/setup': { kind: 'no-record', reason: 'own second factor' },
  'POST /api/auth/totp/enable': { kind: 'no-record', reason: 'own second factor' },
  'POST /api/auth/totp/disable': { kind: 'no-record', reason: 'own second factor' },

  // —— areas ——
  'GET /api/areas/tree': {
    kind: 'list',
    permission: 'area.read',
    records: [{ record: 'area', perm: 'area.read' }],
    request: () => get('/api/areas/tree'),
  },
  'GET /api/areas/map': {
    kind: 'list',
    permission: 'area.read',
    records: [{ record: 'area', perm: 'area.read' }],
    request: () => get('/api/areas/map'),
  },
  'GET /api/areas/locate': {
    kind: 'record',
    permission: 'area.read',
    variants: [
      { record: 'gridArea', request: (r) => get(`/api/areas/locate?lat=${r.ref.lat}&lng=${r.ref.lng}`) },
    ],
  },
  'GET /api/areas': {
    kind: 'list',
    permission: 'area.read',
    records: [{ record: 'area', perm: 'area.read' }],
    finds: true,
    request: (q) => get(`/api/areas?q=${q}&pageSize=100`),
  },
  'POST /api/areas/export': {
    kind: 'list',
    permission: 'area.read',
    records: [{ record: 'area', perm: 'area.read' }],
    finds: true,
    request: (q) => post('/api/areas/export', { q }),
  },
  'GET /api/areas/:id': {
    kind: 'record',
    permission: 'area.read',
    variants: [{ record: 'area', request: (r) => get(`/api/areas/${r.id}`) }],
  },
  'GET /api/areas/:id/children': {
    kind: 'record',
    permission: 'area.read',
    variants: [{ record: 'area', shows: false, request: (r) => get(`/api/areas/${r.id}/children`) }],
  },
  'POST /api/areas': {
    kind: 'record',
    permission: 'area.create',
    variants: [
      {
        record: 'area',
        perm: 'area.create',
        readPerm: 'area.read',
        shows: false,
        // A sibling of the fresh node: created under the position's node itself.
        request: (r) =>
          post('/api/areas', {
            parentId: Number(r.ref.parentId),
            kind: String(r.ref.kind),
            name: `${r.shown}新`,
          }),
      },
    ],
  },
  'PATCH /api/areas/:id': {
    kind: 'record',
    permission: 'area.update',
    variants: [
      {
        record: 'area',
        readPerm: 'area.read',
        request: async (r, v) => ({
          method: 'PATCH',
          url: `/api/areas/${r.id}`,
          body: { sortOrder: 7 },
          headers: ifMatch(await v('areas', r.id)),
        }),
      },
    ],
  },
  'POST /api/areas/:id/archive': {
    kind: 'record',
    permission: 'area.archive',
    variants: [
      {
        record: 'area',
        readPerm: 'area.read',
        fresh: true,
        request: (r) => post(`/api/areas/${r.id}/archive`),
      },
    ],
  },
  'POST /api/areas/:id/restore': {
    kind: 'record',
    permission: 'area.archive',
    variants: [
      {
        record: 'archivedArea',
        perm: 'area.archive',
        readPerm: 'area.read',
        fresh: true,
        request: (r) => post(`/api/areas/${r.id}/restore`),
      },
    ],
  },
  'DELETE /api/areas/:id': {
    kind: 'record',
    permission: 'area.delete',
    variants: [
      {
        record: 'area',
        readPerm: 'area.read',
        fresh: true,
        request: (r) => ({ method: 'DELETE', url: `/api/areas/${r.id}` }),
      },
    ],
  },
  'GET /api/areas/:id/staff': {
    kind: 'record',
    permission: 'area.read',
    variants: [{ record: 'staff', perm: 'area.read', request: (r) => get(`/api/areas/${r.areaId}/staff`) }],
  },
  'POST /api/areas/:id/staff/export': {
    kind: 'record',
    permission: 'area.read',
    variants: [
      { record: 'staff', perm: 'area.read', request: (r) => post(`/api/areas/${r.areaId}/staff/export`, {}) },
    ],
  },
  'GET /api/areas/:id/staff/candidates': {
    kind: 'record',
    permission: 'area.staff',
    variants: [
      {
        record: 'staff',
        readPerm: 'area.read',
        shows: false,
        request: (r) => get(`/api/areas/${r.areaId}/staff/candidates`),
      },
    ],
  },
  'POST /api/areas/:id/staff': {
    kind: 'record',
    permission: 'area.staff',
    variants: [
      {
        record: 'staff',
        readPerm: 'area.read',
        fresh: true,
        shows: false,
        request: (r) =>
          post(`/api/areas/${r.areaId}/staff`, { userId: Number(r.ref.spareUserId), role: 'building_head' }),
      },
    ],
  },
  'DELETE /api/areas/:id/staff/:assignmentId': {
    kind: 'record',
    permission: 'area.staff',
    variants: [
      {
        record: 'staff',
        readPerm: 'area.read',
        fresh: true,
        request: (r) => ({ method: 'DELETE', url: `/api/areas/${r.areaId}/staff/${r.id}` }),
      },
    ],
  },

  // —— accounts ——
  'GET /api/users': {
    kind: 'list',
    permission: 'user.read',
    records: [{ record: 'user', perm: 'user.read' }],
    finds: true,
    request: (q) => get(`/api/users?q=${q}&pageSize=100`),
  },
  'POST /api/users/export': {
    kind: 'list',
    permission: 'user.read',
    records: [{ record: 'user', perm: 'user.read' }],
    finds: true,
    request: (q) => post('/api/users/export', { q }),
  },
  'GET /api/users/:id': {
    kind: 'record',
    permission: 'user.read',
    variants: [{ record: 'user', request: (r) => get(`/api/users/${r.id}`) }],
  },
  'POST /api/users': {
    kind: 'record',
    permission: 'user.create',
    variants: [
      {
        record: 'area',
        perm: 'user.create',
        shows: false,
        fresh: true,
        request: (r) =>
          post('/api/users', { username: `mx_new_${r.id}`, displayName: `${r.shown}账户`, areaId: r.id }),
      },
    ],
  },
  'PATCH /api/users/:id': {
    kind: 'record',
    permission: 'user.update',
    variants: [
      {
        record: 'user',
        readPerm: 'user.read',
        request: async (r, v) => ({
          method: 'PATCH',
          url: `/api/users/${r.id}`,
          body: { displayName: r.shown },
          headers: ifMatch(await v('users', r.id)),
        }),
      },
    ],
  },
  'POST /api/users/:id/disable': {
    kind: 'record',
    permission: 'user.disable',
    variants: [
      {
        record: 'user',
        readPerm: 'user.read',
        fresh: true,
        request: (r) => post(`/api/users/${r.id}/disable`),
      },
    ],
  },
  'POST /api/users/:id/enable': {
    kind: 'record',
    permission: 'user.disable',
    variants: [
      {
        record: 'user',
        perm: 'user.disable',
        readPerm: 'user.read',
        request: (r) => post(`/api/users/${r.id}/enable`),
      },
    ],
  },
  'POST /api/users/:id/unlock': {
    kind: 'record',
    permission: 'user.disable',
    variants: [
      {
        record: 'user',
        perm: 'user.disable',
        readPerm: 'user.read',
        request: (r) => post(`/api/users/${r.id}/unlock`),
      },
    ],
  },
  'POST /api/users/:id/reset-password': {
    kind: 'record',
    permission: 'user.reset_password',
    variants: [
      {
        record: 'user',
        readPerm: 'user.read',
        fresh: true,
        shows: false,
        request: (r) => post(`/api/users/${r.id}/reset-password`),
      },
    ],
  },
  'POST /api/users/:id/roles': {
    kind: 'record',
    permission: 'role.assign',
    variants: [
      {
        record: 'user',
        perm: 'role.assign',
        readPerm: 'user.read',
        fresh: true,
        request: (r) => post(`/api/users/${r.id}/roles`, { role: 'building_head', areaId: r.areaId }),
      },
    ],
  },
  'DELETE /api/users/:id/roles/:assignmentId': {
    kind: 'record',
    permission: 'role.assign',
    variants: [
      {
        record: 'userRole',
        perm: 'role.assign',
        readPerm: 'user.read',
        fresh: true,
        request: (r) => ({ method: 'DELETE', url: `/api/users/${r.ref.userId}/roles/${r.id}` }),
      },
    ],
  },
  'GET /api/role-grants': {
    kind: 'list',
    permission: 'role.approve',
    records: [{ record: 'pendingGrant', perm: 'role.approve' }],
    request: () => get('/api/role-grants'),
  },
  'POST /api/role-grants/:id/approve': {
    kind: 'record',
    permission: 'role.approve',
    variants: [
      {
        record: 'pendingGrant',
        fresh: true,
        shows: false,
        request: (r) => post(`/api/role-grants/${r.id}/approve`),
      },
    ],
  },
  'POST /api/role-grants/:id/reject': {
    kind: 'record',
    permission: 'role.approve',
    variants: [
      {
        record: 'pendingGrant',
        fresh: true,
        shows: false,
        request: (r) => post(`/api/role-grants/${r.id}/reject`),
      },
    ],
  },
  'GET /api/permissions': {
    kind: 'global',
    permission: 'role.read',
    reason: 'the permission catalogue',
    request: () => get('/api/permissions'),
  },
  'GET /api/roles': {
    kind: 'global',
    permission: 'role.read',
    reason: 'roles are not area-scoped',
    request: () => get('/api/roles'),
  },
  'POST /api/roles/export': {
    kind: 'global',
    permission: 'role.read',
    reason: 'roles are not area-scoped',
    request: () => post('/api/roles/export', {}),
  },
  'POST /api/roles': {
    kind: 'global',
    permission: 'role.manage',
    reason: 'roles are not area-scoped',
    request: (_v, n) =>
      post('/api/roles', {
        code: `mx_role_${n}`,
        nameZh: `矩阵角色${n}`,
        nameEn: `Matrix role ${n}`,
        permissions: ['area.read'],
      }),
  },
  'PATCH /api/roles/:id': {
    kind: 'global',
    permission: 'role.manage',
    reason: 'roles are not area-scoped (a custom role made for the matrix)',
    request: async (v) => ({
      method: 'PATCH',
      url: `/api/roles/${MX_ROLE_ID.id}`,
      body: { nameEn: 'Matrix custom role' },
      headers: ifMatch(await v('roles', MX_ROLE_ID.id)),
    }),
  },
  'DELETE /api/roles/:id': {
    kind: 'global',
    permission: 'role.manage',
    reason: 'roles are not area-scoped (a fresh custom role each time)',
    request: (_v, _n, allowed) => ({
      method: 'DELETE',
      url: `/api/roles/${allowed ? MX_ROLE_ID.next() : MX_ROLE_ID.id}`,
    }),
  },
  'GET /api/settings/security': {
    kind: 'global',
    permission: 'setting.security',
    reason: 'one setting for the whole system',
    request: () => get('/api/settings/security'),
  },
  'GET /api/settings/security/addresses': {
    kind: 'global',
    permission: 'setting.security',
    reason: 'source addresses are not area-scoped',
    request: () => get('/api/settings/security/addresses'),
  },
  'POST /api/settings/security/addresses/unlock': {
    kind: 'global',
    permission: 'setting.security',
    reason: 'source addresses are not area-scoped (one with failures made for the matrix)',
    request: (_v, _n, allowed) =>
      post('/api/settings/security/addresses/unlock', {
        address: allowed ? MX_ADDRESS.next() : '203.0.113.254',
      }),
  },
  'PUT /api/settings/security': {
    kind: 'global',
    permission: 'setting.security',
    reason: 'one setting for the whole system',
    request: () => ({ method: 'PUT', url: '/api/settings/security', body: MX_SETTINGS.value }),
  },

  // —— registry ——
  'GET /api/people': {
    kind: 'list',
    permission: 'person.read',
    records: [
      { record: 'person', perm: 'person.read' },
      { record: 'taggedPerson', perm: 'person.read' },
    ],
    finds: true,
    request: (q) => get(`/api/people?q=${q}&pageSize=100`),
  },
  'POST /api/people/export': {
    kind: 'list',
    permission: 'person.export',
    records: [{ record: 'person', perm: 'person.export' }],
    finds: true,
    request: (q) => post('/api/people/export', { q }),
  },
  'GET /api/people/:id': {
    kind: 'record',
    permission: 'person.read',
    variants: [
      { record: 'person', request: (r) => get(`/api/people/${r.id}`) },
      { label: 'tagged', record: 'taggedPerson', request: (r) => get(`/api/people/${r.id}`) },
    ],
  },
  'POST /api/people': {
    kind: 'record',
    permission: 'person.create',
    variants: [
      {
        record: 'house',
        perm: 'person.create',
        readPerm: 'house.read',
        shows: false,
        fresh: true,
        request: (r) =>
          post('/api/people', { name: `${r.shown}新人`, residenceType: 'resident', areaId: r.id }),
      },
    ],
  },
  'PATCH /api/people/:id': {
    kind: 'record',
    permission: 'person.update',
    variants: [
      {
        record: 'person',
        readPerm: 'person.read',
        request: async (r, v) => ({
          method: 'PATCH',
          url: `/api/people/${r.id}`,
          body: { note: 'matrix' },
          headers: ifMatch(await v('people', r.id)),
        }),
      },
    ],
  },
  'POST /api/people/:id/move': {
    kind: 'record',
    permission: 'person.update',
    variants: [
      {
        record: 'person',
        perm: 'person.update',
        readPerm: 'person.read',
        fresh: true,
        request: (r) => post(`/api/people/${r.id}/move`, { areaId: r.areaId, note: 'matrix' }),
      },
    ],
  },
  'POST /api/people/:id/reveal': {
    kind: 'record',
    permission: 'person.reveal',
    variants: [
      {
        record: 'person',
        readPerm: 'person.read',
        shows: false,
        request: (r) => post(`/api/people/${r.id}/reveal`, { field: 'phone', purpose: '权限矩阵核对' }),
      },
    ],
  },
  'POST /api/people/:id/tags': {
    kind: 'record',
    permission: 'person.read',
    variants: [
      {
        record: 'person',
        // A tag the role may not see does not exist for it: 404 even on a person it reads.
        perm: 'tag.empty_nest',
        fresh: true,
        request: (r) => post(`/api/people/${r.id}/tags`, { tag: 'empty_nest' }),
      },
    ],
  },
  'DELETE /api/people/:id/tags/:tagId': {
    kind: 'record',
    permission: 'person.read',
    variants: [
      {
        record: 'taggedPerson',
        perm: 'tag.mental',
        fresh: true,
        request: (r) => ({ method: 'DELETE', url: `/api/people/${r.id}/tags/${r.ref.tagId}` }),
      },
    ],
  },
  'GET /api/people/:id/history': {
    kind: 'record',
    permission: 'person.read',
    variants: [{ record: 'person', shows: false, request: (r) => get(`/api/people/${r.id}/history`) }],
  },
  'POST /api/people/import': {
    kind: 'no-record',
    reason: 'an upload: its records are the import job (below)',
  },
  'POST /api/organisations/import': {
    kind: 'no-record',
    reason: 'an upload into an area the service checks (org.manage there): its record is the import job',
  },
  'POST /api/houses/import': {
    kind: 'no-record',
    reason: 'an upload into an area the service checks (house.update there): its record is the import job',
  },
  'POST /api/disputes/import': {
    kind: 'no-record',
    reason: 'an upload into an area the service checks (dispute.report there): its record is the import job',
  },
  'GET /api/organisations/import/template': {
    kind: 'no-record',
    reason: 'the column titles of the ledger: the same for everyone',
  },
  'GET /api/houses/import/template': {
    kind: 'no-record',
    reason: 'the column titles of the ledger: the same for everyone',
  },
  'GET /api/disputes/import/template': {
    kind: 'no-record',
    reason: 'the column titles of the ledger: the same for everyone',
  },
  'GET /api/imports': {
    kind: 'list',
    permission: 'authenticated',
    records: [{ record: 'importJob', perm: 'mx.own' }],
    request: () => get('/api/imports?pageSize=100'),
  },
  'GET /api/imports/:id': {
    kind: 'record',
    permission: 'authenticated',
    variants: [{ record: 'importJob', ownOnly: true, request: (r) => get(`/api/imports/${r.id}`) }],
  },
  'POST /api/imports/:id/confirm': {
    kind: 'record',
    permission: 'person.import',
    variants: [
      {
        record: 'importJob',
        ownOnly: true,
        request: (r) => post(`/api/imports/${r.id}/confirm`, { mapping: { '0': 'name' }, areaId: r.areaId }),
      },
    ],
  },
  'POST /api/imports/:id/errors.xlsx': {
    kind: 'record',
    permission: 'authenticated',
    variants: [
      { record: 'importJob', ownOnly: true, request: (r) => post(`/api/imports/${r.id}/errors.xlsx`) },
    ],
  },
  'GET /api/houses': {
    kind: 'list',
    permission: 'house.read',
    records: [{ record: 'house', perm: 'house.read' }],
    finds: true,
    request: (q) => get(`/api/houses?q=${q}&pageSize=100`),
  },
  'POST /api/houses/export': {
    kind: 'list',
    permission: 'house.read',
    records: [{ record: 'house', perm: 'house.read' }],
    finds: true,
    request: (q) => post('/api/houses/export', { q }),
  },
  'GET /api/houses/:id': {
    kind: 'record',
    permission: 'house.read',
    variants: [{ record: 'house', request: (r) => get(`/api/houses/${r.id}`) }],
  },
  'PATCH /api/houses/:id': {
    kind: 'record',
    permission: 'house.update',
    variants: [
      {
        record: 'house',
        readPerm: 'house.read',
        request: async (r, v) => ({
          method: 'PATCH',
          url: `/api/houses/${r.id}`,
          body: { note: 'matrix' },
          headers: ifMatch(await v('houseInfo', r.id)),
        }),
      },
    ],
  },
  'POST /api/houses/:id/rentals': {
    kind: 'record',
    permission: 'house.update',
    variants: [
      {
        record: 'house',
        perm: 'house.update',
        readPerm: 'house.read',
        fresh: true,
        request: (r) => post(`/api/houses/${r.id}/rentals`, { use: 'residence', startDate: '2026-01-01' }),
      },
    ],
  },
  'POST /api/households': {
    kind: 'record',
    permission: 'person.update',
    variants: [
      {
        record: 'house',
        perm: 'person.update',
        readPerm: 'house.read',
        shows: false,
        fresh: true,
        request: (r) => post('/api/households', { houseId: r.id }),
      },
    ],
  },
  'GET /api/households/:id': {
    kind: 'record',
    permission: 'person.read',
    variants: [{ record: 'household', request: (r) => get(`/api/households/${r.id}`) }],
  },
  'PATCH /api/households/:id': {
    kind: 'record',
    permission: 'person.update',
    variants: [
      {
        record: 'household',
        readPerm: 'person.read',
        request: async (r, v) => ({
          method: 'PATCH',
          url: `/api/households/${r.id}`,
          body: { headPersonId: null },
          headers: ifMatch(await v('households', r.id)),
        }),
      },
    ],
  },
  'GET /api/organisations': {
    kind: 'list',
    permission: 'org.read',
    records: [{ record: 'organisation', perm: 'org.read' }],
    finds: true,
    request: (q) => get(`/api/organisations?q=${q}&pageSize=100`),
  },
  'POST /api/organisations/export': {
    kind: 'list',
    permission: 'org.read',
    records: [{ record: 'organisation', perm: 'org.read' }],
    finds: true,
    request: (q) => post('/api/organisations/export', { q }),
  },
  'GET /api/organisations/:id': {
    kind: 'record',
    permission: 'org.read',
    variants: [{ record: 'organisation', request: (r) => get(`/api/organisations/${r.id}`) }],
  },
  'POST /api/organisations': {
    kind: 'record',
    permission: 'org.manage',
    variants: [
      {
        record: 'house',
        perm: 'org.manage',
        readPerm: 'house.read',
        shows: false,
        fresh: true,
        request: (r) =>
          post('/api/organisations', { name: `${r.shown}单位`, kind: 'enterprise', areaId: r.id }),
      },
    ],
  },
  'PATCH /api/organisations/:id': {
    kind: 'record',
    permission: 'org.manage',
    variants: [
      {
        record: 'organisation',
        readPerm: 'org.read',
        request: async (r, v) => ({
          method: 'PATCH',
          url: `/api/organisations/${r.id}`,
          body: { note: 'matrix' },
          headers: ifMatch(await v('organisations', r.id)),
        }),
      },
    ],
  },

  // —— cases ——
  'GET /api/cases': {
    kind: 'list',
    permission: 'authenticated',
    records: TYPES.map((t) => ({ record: t, perm: `${t}.read` })),
    finds: true,
    request: (q) => get(`/api/cases?q=${q}&pageSize=100`),
  },
  'POST /api/cases/export': {
    kind: 'list',
    permission: 'authenticated',
    records: TYPES.map((t) => ({ record: t, perm: `${t}.read` })),
    finds: true,
    request: (q) => post('/api/cases/export', { q }),
  },
  'GET /api/cases/types': {
    kind: 'no-record',
    reason: 'the declared case types, their names and categories: code tables, the same for everyone',
  },
  'GET /api/cases/counts': {
    kind: 'list',
    permission: 'authenticated',
    records: TYPES.map((t) => ({ record: t, perm: `${t}.read` })),
    request: () => get('/api/cases/counts'),
  },
  'GET /api/cases/map': {
    kind: 'list',
    permission: 'authenticated',
    records: TYPES.map((t) => ({ record: t, perm: `${t}.read` })),
    request: () => get('/api/cases/map'),
  },
  'GET /api/cases/near': {
    kind: 'list',
    permission: 'authenticated',
    records: [{ record: 'event', perm: 'event.read' }],
    request: () => get('/api/cases/near?type=event&category=order.parking&lat=28.8&lng=113.1&radius=2000'),
  },
  'GET /api/cases/assignable': {
    kind: 'record',
    permission: 'authenticated',
    variants: caseVariants((t) => ({
      perm: `${t}.accept`,
      readPerm: `${t}.read`,
      shows: false,
      request: (r) => get(`/api/cases/assignable?caseId=${r.id}`),
    })),
  },
  'POST /api/cases/indicators/export': {
    kind: 'list',
    requiresAny: TYPES.map((t) => `${t}.read`),
    permission: 'authenticated',
    records: TYPES.map((t) => ({ record: t, perm: `${t}.read` })),
    request: () => post('/api/cases/indicators/export', { from: '2026-01-01', to: '2026-12-31' }),
  },
  'GET /api/cases/indicators': {
    kind: 'list',
    requiresAny: TYPES.map((t) => `${t}.read`),
    permission: 'authenticated',
    records: TYPES.map((t) => ({ record: t, perm: `${t}.read` })),
    request: () => get('/api/cases/indicators?from=2026-01-01&to=2026-12-31'),
  },
  'POST /api/cases/attachments': {
    kind: 'no-record',
    reason: 'an upload: its record is the attachment (below)',
  },
  'GET /api/cases/attachments/:id': {
    kind: 'record',
    permission: 'authenticated',
    variants: [
      {
        record: 'attachment',
        perm: 'event.read',
        shows: false,
        request: (r) => get(`/api/cases/attachments/${r.id}`),
      },
    ],
  },
  'POST /api/cases': {
    kind: 'record',
    permission: 'authenticated',
    variants: caseVariants((t) => ({
      record: 'house',
      perm: `${t}.report`,
      creates: { outOfScope: 400 },
      shows: false,
      fresh: true,
      request: (r) =>
        post('/api/cases', {
          type: t,
          category: { event: 'order.parking', dispute: '0101', request: 'help.repair' }[t],
          title: `${r.shown}上报`,
          areaId: r.id,
          ...(t === 'dispute' ? { parties: [{ role: 'applicant', name: '矩阵当事人' }] } : {}),
        }),
    })).map((v) => ({ ...v, record: 'house' as const })),
  },
  'GET /api/cases/:id': {
    kind: 'record',
    permission: 'authenticated',
    variants: caseVariants((t) => ({ perm: `${t}.read`, request: (r) => get(`/api/cases/${r.id}`) })),
  },
  'GET /api/cases/:id/timeline': {
    kind: 'record',
    permission: 'authenticated',
    variants: caseVariants((t) => ({
      perm: `${t}.read`,
      shows: false,
      request: (r) => get(`/api/cases/${r.id}/timeline`),
    })),
  },
  'POST /api/cases/:id/transitions': {
    kind: 'record',
    permission: 'authenticated',
    variants: caseVariants((t) => ({
      perm: `${t}.accept`,
      readPerm: `${t}.read`,
      fresh: true,
      request: (r) => post(`/api/cases/${r.id}/transitions`, { action: 'accept' }),
    })),
  },
  'POST /api/cases/:id/reveal': {
    kind: 'record',
    permission: 'authenticated',
    variants: caseVariants((t) => ({
      perm: t === 'dispute' ? 'dispute.reveal' : 'person.reveal',
      readPerm: `${t}.read`,
      shows: false,
      request: (r) =>
        post(
          `/api/cases/${r.id}/reveal`,
          t === 'dispute'
            ? { field: 'partyPhone', partyId: Number(r.ref.partyId), purpose: '权限矩阵核对' }
            : { field: 'contactPhone', purpose: '权限矩阵核对' },
        ),
    })),
  },
  // —— the resident channel (docs/residents.md): a resident's own routes are scoped by the
  // account's person and household in SQL, not by area (residents.test.ts proves no household
  // sees another's through any route) ——
  'POST /api/resident/code': {
    kind: 'no-record',
    reason: 'public: a sign-in code to a number (rate-limited)',
  },
  'POST /api/resident/signin': { kind: 'no-record', reason: 'public: sign-in with the code' },
  'GET /api/resident/me': { kind: 'no-record', reason: 'own resident account (none for staff: 403)' },
  'POST /api/resident/bind': { kind: 'no-record', reason: 'own resident account: binding to the registry' },
  'GET /api/resident/places': {
    kind: 'no-record',
    reason: 'the communities and streets to choose from: names only (none for staff: 403)',
  },
  'PUT /api/resident/place': {
    kind: 'no-record',
    reason: 'own unverified account: the place whose public notices it reads (residents.test.ts)',
  },
  'POST /api/resident/phone/code': {
    kind: 'no-record',
    reason: 'own resident account: a code to its new number (rate-limited; residents.test.ts)',
  },
  'POST /api/resident/phone': {
    kind: 'no-record',
    reason: 'own resident account: the code moves it to the new number (audited; residents.test.ts)',
  },
  'GET /api/resident/categories': {
    kind: 'no-record',
    reason: 'the resident-facing category list (no records)',
  },
  'GET /api/resident/data': { kind: 'no-record', reason: 'own person and household (residents.test.ts)' },
  'POST /api/resident/corrections': {
    kind: 'no-record',
    reason: 'for own household only (residents.test.ts)',
  },
  'GET /api/resident/requests': {
    kind: 'no-record',
    reason: 'own and own household’s requests (residents.test.ts)',
  },
  'POST /api/resident/requests': { kind: 'no-record', reason: 'for own household only (residents.test.ts)' },
  'GET /api/resident/requests/:id': {
    kind: 'no-record',
    reason: 'own requests only, 404 else (residents.test.ts)',
  },
  'POST /api/resident/requests/:id/rate': {
    kind: 'no-record',
    reason: 'own requests only, 404 else (residents.test.ts)',
  },
  'GET /api/resident-accounts': {
    kind: 'list',
    permission: 'resident_account.read',
    records: [{ record: 'residentAccount', perm: 'resident_account.read' }],
    finds: true,
    request: (q) => get(`/api/resident-accounts?q=${q}&pageSize=100`),
  },
  'POST /api/resident-accounts/export': {
    kind: 'list',
    permission: 'resident_account.read',
    records: [{ record: 'residentAccount', perm: 'resident_account.read' }],
    finds: true,
    request: (q) => post('/api/resident-accounts/export', { q }),
  },
  'POST /api/resident-accounts/:id/verify': {
    kind: 'record',
    permission: 'resident_account.verify',
    variants: [
      {
        record: 'residentToVerify',
        creates: { outOfScope: 400 },
        shows: false,
        fresh: true,
        request: (r) =>
          post(`/api/resident-accounts/${r.ref.accountId}/verify`, {
            personId: r.id,
            note: '核验身份证原件',
          }),
      },
    ],
  },
  'POST /api/resident-accounts/:id/rebind': {
    kind: 'record',
    permission: 'resident_account.verify',
    variants: [
      {
        record: 'residentToRebind',
        creates: { outOfScope: 400 },
        shows: false,
        fresh: true,
        request: (r) =>
          post(`/api/resident-accounts/${r.ref.accountId}/rebind`, { personId: r.id, note: '手机丢失换绑' }),
      },
    ],
  },
  'GET /api/notifications': {
    kind: 'list',
    permission: 'authenticated',
    records: [{ record: 'notification', perm: 'mx.own' }],
    request: () => get('/api/notifications?pageSize=100'),
  },
  'GET /api/workbench': {
    kind: 'no-record',
    reason:
      'counts of one’s own to-dos, each counted in its module’s SQL within the actor’s scope (workbench.test.ts)',
  },
  'GET /api/notifications/unread-count': { kind: 'no-record', reason: 'a count of one’s own notifications' },
  'POST /api/notifications/:id/read': {
    kind: 'record',
    permission: 'authenticated',
    variants: [
      { record: 'notification', ownOnly: true, request: (r) => post(`/api/notifications/${r.id}/read`) },
    ],
  },
  'POST /api/notifications/read-all': { kind: 'no-record', reason: 'one’s own notifications' },
  'GET /api/calendar/office-hours': { kind: 'no-record', reason: 'the working calendar is public to staff' },
  'PUT /api/calendar/office-hours': {
    kind: 'global',
    permission: 'case.configure',
    reason: 'one calendar for the whole system',
    request: () => ({ method: 'PUT', url: '/api/calendar/office-hours', body: MX_SETTINGS.officeHours }),
  },
  'GET /api/calendar/:year': { kind: 'no-record', reason: 'the working calendar is public to staff' },
  'PUT /api/calendar/:year': {
    kind: 'global',
    permission: 'case.configure',
    reason: 'one calendar for the whole system',
    request: () => ({ method: 'PUT', url: '/api/calendar/2027', body: MX_SETTINGS.calendar }),
  },
  'GET /api/case-rules': { kind: 'no-record', reason: 'the rules of each case type are public to staff' },
  'PUT /api/case-rules': {
    kind: 'global',
    permission: 'case.configure',
    reason: 'one set of case rules for the whole system',
    request: () => ({
      method: 'PUT',
      url: '/api/case-rules',
      body: { type: 'request', separateVerifier: true },
    }),
  },
  'GET /api/case-limits': { kind: 'no-record', reason: 'time limits are public to staff' },
  'POST /api/case-limits': {
    kind: 'global',
    permission: 'case.configure',
    reason: 'one set of time limits for the whole system',
    request: () =>
      post('/api/case-limits', {
        type: 'event',
        category: '*',
        urgency: 'urgent',
        stage: 'handle',
        amount: 3,
        unit: 'day',
      }),
  },
  'DELETE /api/case-limits/:id': {
    kind: 'global',
    permission: 'case.configure',
    reason: 'one set of time limits for the whole system (a fresh limit each time)',
    request: (_v, _n, allowed) => ({
      method: 'DELETE',
      url: `/api/case-limits/${allowed ? MX_LIMIT_ID.next() : 1}`,
    }),
  },

  // —— Open311 keys (/api) ——
  'GET /api/open311/keys': {
    kind: 'list',
    permission: 'open311.manage',
    records: [{ record: 'open311Key', perm: 'open311.manage' }],
    request: () => get('/api/open311/keys'),
  },
  'POST /api/open311/keys/export': {
    kind: 'list',
    permission: 'open311.manage',
    records: [{ record: 'open311Key', perm: 'open311.manage' }],
    request: () => post('/api/open311/keys/export', {}),
  },
  'POST /api/open311/keys': {
    kind: 'record',
    permission: 'open311.manage',
    variants: [
      {
        record: 'house',
        perm: 'open311.manage',
        creates: { outOfScope: 400 },
        shows: false,
        fresh: true,
        request: (r) => post('/api/open311/keys', { name: `${r.shown}密钥`, areaId: r.id }),
      },
    ],
  },
  'POST /api/open311/keys/:id/revoke': {
    kind: 'record',
    permission: 'open311.manage',
    variants: [
      { record: 'open311Key', fresh: true, request: (r) => post(`/api/open311/keys/${r.id}/revoke`) },
    ],
  },

  // —— Open311 GeoReport v2 (public by the specification) ——
  'GET /open311/v2/discovery.xml': { kind: 'no-record', reason: 'GeoReport discovery (public)' },
  'GET /open311/v2/discovery.json': { kind: 'no-record', reason: 'GeoReport discovery (public)' },
  'GET /open311/v2/services.xml': { kind: 'no-record', reason: 'GeoReport service list (public)' },
  'GET /open311/v2/services.json': { kind: 'no-record', reason: 'GeoReport service list (public)' },
  'GET /open311/v2/services/*': { kind: 'no-record', reason: 'GeoReport service definition (public)' },
  'GET /open311/v2/requests.xml': {
    kind: 'public',
    permission: 'public',
    records: OPEN311_SEEN,
    request: () => get('/open311/v2/requests.xml'),
  },
  'GET /open311/v2/requests.json': {
    kind: 'public',
    permission: 'public',
    records: OPEN311_SEEN,
    request: () => get('/open311/v2/requests.json'),
  },
  'POST /open311/v2/requests.xml': {
    kind: 'no-record',
    reason: 'creates under an API key’s area (open311.test.ts)',
  },
  'POST /open311/v2/requests.json': {
    kind: 'no-record',
    reason: 'creates under an API key’s area (open311.test.ts)',
  },
  'GET /open311/v2/requests/*': {
    kind: 'public',
    permission: 'public',
    records: OPEN311_SEEN,
    perRecord: true,
    request: (r) => get(`/open311/v2/requests/${r?.ref.no}.json`),
  },
  'GET /open311/v2/tokens/*': {
    kind: 'no-record',
    reason: 'a token names only the request made with it (open311.test.ts)',
  },

  // —— activities and volunteers (issue 19): scope covered by volunteers.test.ts, matrix fixtures to come ——
  'GET /api/activities': {
    kind: 'no-record',
    reason:
      'the activities of areas the actor covers (scope in SQL; volunteers.test.ts) — matrix fixture still to write',
  },
  'POST /api/activities/export': {
    kind: 'no-record',
    reason: 'the same list as .xlsx, audited — matrix fixture still to write',
  },
  'POST /api/activities': {
    kind: 'no-record',
    reason: 'an activity in an area the service checks (activity.organise there)',
  },
  'GET /api/activities/:id': {
    kind: 'no-record',
    reason: "one activity within the actor's areas, or one they signed up for (volunteers.test.ts)",
  },
  'POST /api/activities/:id/publish': {
    kind: 'no-record',
    reason: "the organiser's own activity (activity.organise there)",
  },
  'POST /api/activities/:id/signup': {
    kind: 'no-record',
    reason: 'self-service: the actor signs themselves up (eligibility checked)',
  },
  'DELETE /api/activities/:id/signup': { kind: 'no-record', reason: "self-service: the actor's own sign-up" },
  'GET /api/activities/:id/roll': {
    kind: 'no-record',
    reason: 'the roll of an activity the actor organises (activity.organise there)',
  },
  'POST /api/activities/:id/roll': {
    kind: 'no-record',
    reason: 'officer check-in on the roll of an activity the actor organises',
  },
  'GET /api/activities/:id/qr': {
    kind: 'no-record',
    reason: 'the rotating code of an activity the actor organises',
  },
  'POST /api/activities/:id/check': {
    kind: 'no-record',
    reason: "self-service: the actor's own check-in or check-out by a scanned code",
  },
  'POST /api/activities/:id/confirm': {
    kind: 'no-record',
    reason: 'hours confirmed by the organiser, never by the volunteer (volunteers.test.ts)',
  },
  'GET /api/volunteers': {
    kind: 'no-record',
    reason:
      'volunteers of areas the actor covers, masked (volunteers.test.ts) — matrix fixture still to write',
  },
  'POST /api/volunteers/export': {
    kind: 'no-record',
    reason: 'the same list as .xlsx, masked and audited — matrix fixture still to write',
  },
  'POST /api/volunteers/:id/verify': {
    kind: 'no-record',
    reason: 'a volunteer in an area where the actor holds volunteer.verify',
  },
  'POST /api/volunteers/:id/certificates': {
    kind: 'no-record',
    reason: "a certificate of the issuing community's confirmed hours (volunteers.test.ts)",
  },
  'GET /api/volunteer-certificates/:id': {
    kind: 'no-record',
    reason: "the volunteer's own, or one of the actor's areas",
  },
  'GET /api/volunteer-teams': { kind: 'no-record', reason: 'the teams of areas the actor covers' },
  'POST /api/volunteer-teams': {
    kind: 'no-record',
    reason: 'a team in an area where the actor holds volunteer.manage',
  },
  // —— the time bank (issue 19): timebank.test.ts covers caps, gifts, redemption and the invariant ——
  'GET /api/timebank/me': {
    kind: 'no-record',
    reason: 'one’s own account and movements (others’ names masked)',
  },
  'POST /api/timebank/gift': {
    kind: 'no-record',
    reason: 'from one’s own account, to a volunteer of one’s own street or its pool (timebank.test.ts)',
  },
  'POST /api/timebank/redeem': {
    kind: 'no-record',
    reason: 'from one’s own account, at an accredited service of one’s own street (timebank.test.ts)',
  },
  'GET /api/timebank/services': { kind: 'no-record', reason: 'the accredited services of one’s own street' },
  'POST /api/timebank/services': {
    kind: 'no-record',
    reason: 'a service in an area where the actor holds volunteer.manage (the service checks the area)',
  },
  'GET /api/timebank/scheme': {
    kind: 'no-record',
    reason: 'the setting of a street the actor reads (volunteer.read over the street)',
  },
  'PUT /api/timebank/scheme': {
    kind: 'no-record',
    reason:
      'the setting of a street where the actor holds volunteer.manage over the street (timebank.test.ts)',
  },
  'GET /api/timebank/accounts': {
    kind: 'no-record',
    reason: 'accounts of the areas the actor reads (scope in SQL), people’s names masked',
  },
  'GET /api/timebank/check': {
    kind: 'no-record',
    reason: 'the ledger invariant over the streets around the actor’s areas: sums only, no names',
  },
  // —— venues (issue 19): scope, overlap and approval covered by venues.test.ts, matrix fixtures to come ——
  'GET /api/venues/rooms': {
    kind: 'no-record',
    reason:
      'rooms of the areas the actor covers (venue.read), or around them (venue.book) — venues.test.ts; matrix fixture still to write',
  },
  'POST /api/venues/rooms': {
    kind: 'no-record',
    reason: 'a room in an area where the actor holds venue.manage (the service checks the area)',
  },
  'GET /api/venues/bookings': {
    kind: 'no-record',
    reason:
      "staff: their areas' bookings; others: their own, and others' as busy without name or purpose (venues.test.ts)",
  },
  'POST /api/venues/bookings': {
    kind: 'no-record',
    reason: 'a booking of a room the actor may see; residents only where the room allows it (venues.test.ts)',
  },
  'POST /api/venues/bookings/:id/decide': {
    kind: 'no-record',
    reason: 'approval and use by venue.manage over the room; cancel by the booker too (venues.test.ts)',
  },
  'GET /api/venues/usage': {
    kind: 'no-record',
    reason: '场地使用率 of the rooms in the areas the actor covers (venue.read)',
  },

  // —— party building (issue 21): party roles only; scope in SQL and refusals in party.test.ts,
  // matrix record fixtures still to write ——
  'GET /api/party/orgs': {
    kind: 'no-record',
    reason: 'Party units of areas the actor covers (party.read, sensitive)',
  },
  'POST /api/party/orgs': {
    kind: 'no-record',
    reason: 'a unit on an area where the actor holds party.manage',
  },
  'GET /api/party/members': {
    kind: 'no-record',
    reason: 'members of units in the actor’s areas, phones masked (party.test.ts)',
  },
  'GET /api/party/members/:id': { kind: 'no-record', reason: 'one member of a unit in the actor’s areas' },
  'POST /api/party/members': {
    kind: 'no-record',
    reason: 'a member in a branch where the actor holds party.manage',
  },
  'POST /api/party/members/export': {
    kind: 'no-record',
    reason: 'the same list as .xlsx, masked, watermarked and audited',
  },
  'GET /api/party/developments': {
    kind: 'no-record',
    reason: 'recruitment cases of branches in the actor’s areas (party.test.ts)',
  },
  'GET /api/party/developments/:id': {
    kind: 'no-record',
    reason: 'one recruitment case in the actor’s areas',
  },
  'POST /api/party/developments': {
    kind: 'no-record',
    reason: 'an application in a branch where the actor holds party.manage',
  },
  'POST /api/party/developments/:id/steps': {
    kind: 'no-record',
    reason: 'a step on a case where the actor holds party.manage (party.test.ts)',
  },
  'GET /api/party/dues': { kind: 'no-record', reason: 'dues of members in the actor’s areas' },
  'POST /api/party/dues/payments': {
    kind: 'no-record',
    reason: 'a payment for a member where the actor holds party.manage',
  },

  // —— window (catalogue scope: ancestors and descendants of the actor's node, window.test.ts) ——
  'GET /api/window/matters': {
    kind: 'no-record',
    reason: 'the catalogue of the actor’s node, its ancestors and descendants (window.test.ts)',
  },
  'POST /api/window/matters/export': {
    kind: 'no-record',
    reason: 'the same catalogue as .xlsx, audited (window.test.ts)',
  },
  'GET /api/window/matters/:id': {
    kind: 'no-record',
    reason: 'one matter version within the catalogue scope (window.test.ts)',
  },
  'POST /api/window/matters': {
    kind: 'no-record',
    reason: 'a matter in an area the service checks (window.manage there)',
  },
  'PUT /api/window/matters/:id': {
    kind: 'no-record',
    reason: 'a new version where the actor holds window.manage (window.test.ts: 403 for a reader)',
  },
  'GET /api/window/matters/:id/notice.pdf': {
    kind: 'no-record',
    reason: 'a printout of a matter within the catalogue scope',
  },
  'POST /api/window/matters/import': {
    kind: 'no-record',
    reason: 'an upload into an area the service checks (window.manage there)',
  },
  'GET /api/public/window/matters': {
    kind: 'no-record',
    reason: 'the public 办事指南: effective matters, no personal data',
  },
  'GET /api/public/window/matters/:id': { kind: 'no-record', reason: 'the public 办事指南 of one matter' },
  'POST /api/window/applications': {
    kind: 'no-record',
    reason: 'creates a case in an area the case engine checks (service_application.report there)',
  },

  'POST /api/window/slots': {
    kind: 'no-record',
    reason: 'a slot in an area the service checks (window.manage there; window.test.ts)',
  },
  'GET /api/window/slots': {
    kind: 'no-record',
    reason: 'a hall’s slots, area-scoped in SQL (window.test.ts)',
  },
  'POST /api/window/rosters': {
    kind: 'no-record',
    reason:
      'a shift in an area the service checks (window.manage there; window.flow.test.ts: 403 for a reader)',
  },
  'GET /api/window/rosters': {
    kind: 'no-record',
    reason: 'a hall’s roster of a day, area-scoped in SQL (window.flow.test.ts)',
  },
  'DELETE /api/window/rosters/:id': {
    kind: 'no-record',
    reason: 'a shift the service finds within the actor’s window.manage areas',
  },
  'POST /api/window/slots/:id/bookings': {
    kind: 'no-record',
    reason: 'a booking of a slot read within window.read (window.test.ts)',
  },
  'GET /api/window/queue': {
    kind: 'no-record',
    reason: 'a hall’s queue, area-scoped in SQL (window.test.ts)',
  },
  'POST /api/window/tickets': {
    kind: 'no-record',
    reason: 'a ticket in an area the service checks (window.read there)',
  },
  'POST /api/window/tickets/call-next': {
    kind: 'no-record',
    reason: 'the next ticket of a hall the service checks (window.read there)',
  },
  'POST /api/window/tickets/:id/finish': { kind: 'no-record', reason: 'a ticket read within window.read' },

  // —— visits ——
  // —— notices (publications engine) ——
  'GET /api/notices/kinds': {
    kind: 'no-record',
    reason: 'the declared kinds of publication, the same for every holder',
  },
  'GET /api/notices': {
    kind: 'list',
    permission: 'notice.read',
    records: [{ record: 'publication', perm: 'notice.read' }],
    finds: true,
    request: (q) => get(`/api/notices?q=${q}&pageSize=100`),
  },
  'POST /api/notices/export': {
    kind: 'list',
    permission: 'notice.read',
    records: [{ record: 'publication', perm: 'notice.read' }],
    request: () => post('/api/notices/export', {}),
  },
  'GET /api/notices/:id': {
    kind: 'record',
    permission: 'notice.read',
    variants: [{ record: 'publication', request: (r) => get(`/api/notices/${r.id}`) }],
  },
  'POST /api/notices': {
    kind: 'record',
    permission: 'notice.draft',
    variants: [
      {
        record: 'house',
        creates: { outOfScope: 400 },
        request: (r) =>
          post('/api/notices', { kind: 'notice', areaId: r.areaId, title: 'MX矩阵通知', body: '矩阵' }),
      },
    ],
  },
  'POST /api/notices/:id/correct': {
    kind: 'record',
    permission: 'notice.publish',
    variants: [
      {
        record: 'publication',
        readPerm: 'notice.read',
        fresh: true,
        shows: false,
        request: (r) =>
          post(`/api/notices/${r.id}/correct`, { title: 'MX更正', body: '更正', reason: '矩阵更正' }),
      },
    ],
  },
  'PUT /api/notices/:id': {
    kind: 'no-record',
    reason:
      'a draft’s edit: scope as its read (404 outside, 403 without the kind’s draft permission), notices.test.ts',
  },
  'POST /api/notices/:id/submit': {
    kind: 'no-record',
    reason: 'a draft’s step: scope as its read (404 outside), notices.test.ts',
  },
  'POST /api/notices/:id/decide': {
    kind: 'no-record',
    reason: 'an approval step: the step’s permission over the area, never the drafter (notices.test.ts)',
  },
  'POST /api/notices/:id/publish': {
    kind: 'no-record',
    reason: 'an approved draft’s step: scope as its read (404 outside), notices.test.ts',
  },
  'POST /api/notices/:id/take-down': {
    kind: 'no-record',
    reason: 'refused before the minimum display whoever asks; scope as its read (notices.test.ts)',
  },
  'POST /api/notices/:id/photos': {
    kind: 'no-record',
    reason: 'a board photo of a published item: scope as its read, the uploader’s own file (notices.test.ts)',
  },
  'GET /api/resident/notices': {
    kind: 'list',
    permission: 'notice.view',
    records: [{ record: 'publication', perm: 'notice.view' }],
    request: () => get('/api/resident/notices?pageSize=50'),
  },
  'GET /api/resident/notices/:id': {
    kind: 'record',
    permission: 'notice.view',
    variants: [
      { record: 'publication', perm: 'notice.view', request: (r) => get(`/api/resident/notices/${r.id}`) },
    ],
  },
  'POST /api/resident/notices/:id/read': {
    kind: 'record',
    permission: 'notice.view',
    variants: [
      {
        record: 'publication',
        perm: 'notice.view',
        shows: false,
        request: (r) => post(`/api/resident/notices/${r.id}/read`),
      },
    ],
  },
  'POST /api/resident/notices/:id/objections': {
    kind: 'no-record',
    reason:
      'only during a 公示’s objection window, on an item the resident reads (404 otherwise): notices.test.ts',
  },
  'GET /api/public/notices': {
    kind: 'no-record',
    reason: 'public notices of an area (audience public only), by design',
  },
  'GET /api/public/notices/:id': {
    kind: 'no-record',
    reason: 'one public notice (audience public only), by design',
  },
  'GET /api/visits/my-day': { kind: 'no-record', reason: 'one’s own visit plan for today' },
  'GET /api/visits/plans': {
    kind: 'list',
    permission: 'visit.read',
    records: [{ record: 'visit', perm: 'visit.read' }],
    request: () => get('/api/visits/plans?pageSize=100'),
  },
  'GET /api/visits/stats': {
    kind: 'list',
    permission: 'visit.read',
    records: [{ record: 'visit', perm: 'visit.read' }],
    request: () => get('/api/visits/stats?from=2026-01-01&to=2026-12-31'),
  },
  'POST /api/visits/plans/export': {
    kind: 'list',
    permission: 'visit.read',
    records: [{ record: 'visit', perm: 'visit.read' }],
    request: () => post('/api/visits/plans/export', {}),
  },
  'POST /api/visits/stats/export': {
    kind: 'list',
    permission: 'visit.read',
    records: [{ record: 'visit', perm: 'visit.read' }],
    request: () => post('/api/visits/stats/export', { from: '2026-01-01', to: '2026-12-31' }),
  },
  'POST /api/visits/export': {
    kind: 'list',
    permission: 'authenticated',
    records: [{ record: 'visit', perm: 'visit.read' }],
    request: () => post('/api/visits/export', {}),
  },
  'POST /api/visits': {
    kind: 'record',
    permission: 'visit.record',
    variants: [
      {
        record: 'person',
        perm: 'visit.record',
        readPerm: 'person.read',
        creates: { outOfScope: 400 },
        shows: false,
        fresh: true,
        request: (r) => post('/api/visits', { personId: r.id, met: '本人' }),
      },
    ],
  },
  'GET /api/visits': {
    kind: 'list',
    permission: 'authenticated',
    records: [{ record: 'visit', perm: 'visit.read' }],
    request: () => get('/api/visits?pageSize=100'),
  },
  'GET /api/visits/:id': {
    kind: 'record',
    permission: 'authenticated',
    variants: [{ record: 'visit', perm: 'visit.read', request: (r) => get(`/api/visits/${r.id}`) }],
  },
  'GET /api/visit-rules': {
    kind: 'list',
    permission: 'visit.read',
    records: [{ record: 'visitRule', perm: 'visit.read', ancestorsToo: true }],
    request: () => get('/api/visit-rules'),
  },
  'POST /api/visit-rules/export': {
    kind: 'list',
    permission: 'visit.read',
    records: [{ record: 'visitRule', perm: 'visit.read', ancestorsToo: true }],
    request: () => post('/api/visit-rules/export', {}),
  },
  'POST /api/visit-rules': {
    kind: 'record',
    permission: 'visit.manage',
    variants: [
      {
        record: 'visitRule',
        perm: 'visit.manage',
        creates: { outOfScope: 400 },
        shows: false,
        fresh: true,
        request: (r) =>
          post('/api/visit-rules', {
            name: `${r.shown}新`,
            areaId: r.areaId,
            tags: ['empty_nest'],
            intervalCount: 1,
            intervalUnit: 'month',
          }),
      },
    ],
  },
  'PUT /api/visit-rules/:id': {
    kind: 'record',
    permission: 'visit.manage',
    variants: [
      {
        record: 'visitRule',
        readPerm: 'visit.read',
        ancestorsToo: true,
        request: async (r, v) => ({
          method: 'PUT',
          url: `/api/visit-rules/${r.id}`,
          body: {
            name: r.shown,
            areaId: r.areaId,
            tags: ['empty_nest'],
            intervalCount: 2,
            intervalUnit: 'month',
          },
          headers: ifMatch(await v('visitRules', r.id)),
        }),
      },
    ],
  },
  'GET /api/visit-pairs': {
    kind: 'list',
    permission: 'authenticated',
    records: [{ record: 'visitPair', perm: 'visit.manage' }],
    request: () => get('/api/visit-pairs'),
  },
  'POST /api/visit-pairs/export': {
    kind: 'list',
    permission: 'visit.read',
    records: [{ record: 'visitPair', perm: 'visit.manage' }],
    request: () => post('/api/visit-pairs/export', {}),
  },
  'POST /api/visit-pairs': {
    kind: 'record',
    permission: 'visit.manage',
    variants: [
      {
        record: 'person',
        perm: 'visit.manage',
        creates: { outOfScope: 400 },
        shows: false,
        fresh: true,
        request: (r) => post('/api/visit-pairs', { personId: r.id, userId: Number(r.ref.pairUserId) }),
      },
    ],
  },
  'DELETE /api/visit-pairs/:id': {
    kind: 'record',
    permission: 'visit.manage',
    variants: [
      {
        record: 'visitPair',
        perm: 'visit.manage',
        fresh: true,
        request: (r) => ({ method: 'DELETE', url: `/api/visit-pairs/${r.id}` }),
      },
    ],
  },
  'POST /api/patrols': {
    kind: 'record',
    permission: 'visit.record',
    variants: [
      {
        record: 'patrol',
        perm: 'visit.record',
        creates: { outOfScope: 400 },
        shows: false,
        fresh: true,
        undo: (a) => post(`/api/patrols/${a.id}/finish`, {}),
        request: (r) => post('/api/patrols', { areaId: r.areaId }),
      },
    ],
  },
  'POST /api/patrols/:id/points': {
    kind: 'record',
    permission: 'visit.record',
    variants: [
      {
        record: 'patrol',
        ownOnly: true,
        request: (r) =>
          post(`/api/patrols/${r.id}/points`, {
            points: [{ lat: 28.8, lng: 113.1, at: '2026-11-22T01:00:00Z' }],
          }),
      },
    ],
  },
  'POST /api/patrols/:id/finish': {
    kind: 'record',
    permission: 'visit.record',
    variants: [{ record: 'patrol', ownOnly: true, request: (r) => post(`/api/patrols/${r.id}/finish`, {}) }],
  },
  'POST /api/patrols/export': {
    kind: 'list',
    permission: 'authenticated',
    records: [{ record: 'patrol', perm: 'visit.read' }],
    request: () => post('/api/patrols/export', {}),
  },
  'GET /api/patrols': {
    kind: 'list',
    permission: 'authenticated',
    records: [{ record: 'patrol', perm: 'visit.read' }],
    request: () => get('/api/patrols?pageSize=100'),
  },
  'GET /api/patrols/:id': {
    kind: 'record',
    permission: 'authenticated',
    variants: [{ record: 'patrol', perm: 'visit.read', request: (r) => get(`/api/patrols/${r.id}`) }],
  },

  // —— dashboard ——
  'GET /api/dashboard': {
    kind: 'record',
    permission: 'dashboard.read',
    variants: [
      {
        record: 'area',
        shows: false,
        request: (r) => get(`/api/dashboard?areaId=${r.id}&from=2026-01-01&to=2026-12-31`),
      },
    ],
  },
  'GET /api/dashboard/map': {
    kind: 'record',
    permission: 'dashboard.read',
    variants: [
      {
        record: 'area',
        shows: false,
        request: (r) =>
          get(`/api/dashboard/map?areaId=${r.id}&from=2026-01-01&to=2026-12-31&figure=cases.open`),
      },
    ],
  },
  'GET /api/dashboard/trend': {
    kind: 'record',
    permission: 'dashboard.read',
    variants: [
      {
        record: 'area',
        shows: false,
        request: (r) => get(`/api/dashboard/trend?areaId=${r.id}&to=2026-12-31&figures=cases.reported`),
      },
    ],
  },
  'POST /api/dashboard/export': {
    kind: 'record',
    permission: 'dashboard.read',
    variants: [
      {
        record: 'area',
        shows: false,
        request: (r) => post('/api/dashboard/export', { areaId: r.id, from: '2026-01-01', to: '2026-12-31' }),
      },
    ],
  },

  // —— audit ——
  'GET /api/audit': {
    kind: 'global',
    permission: 'audit.read',
    reason: 'the audit log is read whole by the audit administrator (三权分立)',
    request: () => get('/api/audit'),
  },
  'POST /api/audit/export': {
    kind: 'global',
    permission: 'audit.read',
    reason: 'the audit log as .xlsx, for its administrator (三权分立)',
    request: () => post('/api/audit/export', {}),
  },
  'POST /api/audit/verify': {
    kind: 'global',
    permission: 'audit.verify',
    reason: 'verifies the whole chain',
    request: () => post('/api/audit/verify'),
  },
  // —— activities and volunteers (issue 19): one's own records; the area-scoped routes
  // (activities, rolls, volunteers, certificates) still need record fixtures here ——
  'GET /api/activities/kinds': {
    kind: 'no-record',
    reason: 'the declared kinds of activity: the same for everyone',
  },
  'GET /api/activities/my-hours': { kind: 'no-record', reason: 'one’s own attendance and hours' },
  'POST /api/activities/checkin': {
    kind: 'no-record',
    reason: 'one’s own check-in by a signed code; refused without one’s own place on the activity',
  },
  'POST /api/volunteers/apply': { kind: 'no-record', reason: 'one’s own registration, in one’s own area' },
  'GET /api/volunteers/me': { kind: 'no-record', reason: 'one’s own volunteer record' },
  'GET /api/volunteers/me/certificates': { kind: 'no-record', reason: 'one’s own certificates' },
  'GET /api/public/certificates/verify': {
    kind: 'no-record',
    reason: 'public check of a certificate by its number and code: the name masked, no ID number',
  },
};

/** Ids the test fills in before running global entries that act on one object. */
export const MX_ROLE_ID = {
  id: 0,
  spare: [] as number[],
  next(): number {
    return this.spare.shift() ?? 999_999;
  },
};
/** Source addresses with a failed sign-in, one per allowed unlock. */
export const MX_ADDRESS = {
  spare: [] as string[],
  next(): string {
    return this.spare.shift() ?? '203.0.113.254';
  },
};
export const MX_LIMIT_ID = {
  spare: [] as number[],
  next(): number {
    return this.spare.shift() ?? 999_999;
  },
};
export const MX_SETTINGS: { value: unknown; officeHours: unknown; calendar: unknown } = {
  value: null,
  officeHours: null,
  calendar: null,
};

// —— expected outcomes ——

export type Outcome = 'ok' | 400 | 403 | 404 | 'n/a';

/** What a role holds: the grants of every module's manifest. */
export function grantsOf(role: string): Set<string> {
  const out = new Set<string>();
  for (const m of MODULES) for (const p of m.grants?.[role] ?? []) out.add(p);
  return out;
}

/** How a role stands to a record: does it hold a permission at all, and over the record's area. */
export interface Standing {
  holds(perm: string): boolean;
  covers(perm: string): boolean;
  /** The record's area is an ancestor of a node where the role holds the permission. */
  above(perm: string): boolean;
}

/** The route's declared permission: held anywhere, or the preHandler answers 403 whatever the record. */
function gate(routePerm: string, s: Standing): boolean {
  return routePerm === 'public' || routePerm === 'authenticated' || s.holds(routePerm);
}

export function expectedRecord(routePerm: string, v: Variant, s: Standing): Outcome {
  if (!gate(routePerm, s)) return 403;
  if (v.ownOnly) return 404;
  const perm = v.perm ?? routePerm;
  if (v.creates) return !s.holds(perm) ? 403 : s.covers(perm) ? 'ok' : v.creates.outOfScope;
  const sees = (p: string) => s.covers(p) || (!!v.ancestorsToo && s.above(p));
  if (v.readPerm === undefined) return sees(perm) ? 'ok' : 404;
  if (s.covers(perm)) return 'ok';
  return sees(v.readPerm) ? 403 : 404;
}

export function expectedGlobal(routePerm: string, s: Standing, requiresAny?: string[]): Outcome {
  if (!gate(routePerm, s)) return 403;
  return !requiresAny || requiresAny.some((p) => s.holds(p)) ? 'ok' : 403;
}

/**
 * Standing of a role at an abstract position (the doc; the test checks real paths agree).
 * `onNode`: the record sits on the position's node itself (not on a fresh node under it) — only
 * then is a record at the parent an ancestor of the role's node.
 */
export function standingAt(role: string, p: Position, onNode = false): Standing {
  const g = grantsOf(role);
  return {
    holds: (x) => g.has(x),
    covers: (x) => g.has(x) && IN_SCOPE[p],
    above: (x) => g.has(x) && p === 'parent' && onNode,
  };
}

/** The node kind a record of this type sits on, under a position of kind k; null if none. */
export function placementKind(record: RecordType, k: AreaKind): AreaKind | null {
  const at = RECORDS[record].at;
  const chain = chainKinds(k);
  if (at === 'child') return chain[1] ?? null;
  return chain.find((x) => (at as readonly AreaKind[]).includes(x)) ?? null;
}

export function routeKey(method: string, url: string): string {
  return `${method} ${url}`;
}
