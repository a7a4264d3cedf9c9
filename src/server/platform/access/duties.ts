import { sql } from 'kysely';
import type { Duty } from '../../../contract/roles.js';
import type { Conn } from '../db/index.js';
import { AppError } from '../errors/app-error.js';

/**
 * 三权分立 on permissions, not on role names (docs/security.md). Every permission has a duty,
 * declared by its module's manifest (`duty`, or the permission's own); the registry refuses to
 * start when one has none. The duties a set of permissions spans must be compatible:
 *
 * - `audit` with nothing else at all (the log's reader holds no other power, not even `common`);
 * - `security` with neither `system` nor `business` (whoever grants rights holds none of the
 *   data, and is not the other administrator);
 * - `system` and `business` may go together (a street office keeps its own tree and time limits);
 * - `common` (reading the tree of place names) goes with anything but audit.
 *
 * Checked on every custom role (which may not carry audit at all), on every role assignment (the
 * union of the account's roles, pending ones included), on role edits (for every holder), and at
 * start (existing data: reported). At request time an account whose union breaks the first rule
 * loses its audit permissions (see `effectivePermissions`).
 */
export type DutyConflict = 'audit_alone' | 'security_system' | 'security_business';

export function dutyConflict(duties: Iterable<Duty>): DutyConflict | null {
  const d = new Set(duties);
  if (d.has('audit') && d.size > 1) return 'audit_alone';
  if (d.has('security') && d.has('system')) return 'security_system';
  if (d.has('security') && d.has('business')) return 'security_business';
  return null;
}

/** What a conflict is, in both languages, for the error message. */
export const CONFLICT_TEXT: Record<DutyConflict, { zh: string; en: string }> = {
  audit_alone: { zh: '审计权限与其他任何权限', en: 'audit permissions and any other permission' },
  security_system: {
    zh: '安全管理权限与系统管理权限',
    en: 'security and system administration permissions',
  },
  security_business: {
    zh: '安全管理权限与业务数据权限',
    en: 'security administration and business-data permissions',
  },
};

/** The error for an account whose permissions would span incompatible duties. */
export function dutyConflictError(c: DutyConflict): AppError {
  return new AppError('ADMIN_ROLES_EXCLUSIVE', { ...CONFLICT_TEXT[c], conflict: c });
}

/**
 * Duties whose grant needs a second person's approval: the security administrator may give alone
 * only what lies in its own duty (security, common). Everything else — residents' data, the
 * system administrator's powers, the audit log — waits for a holder of `role.approve`.
 */
export const DUTIES_NEEDING_APPROVAL: readonly Duty[] = ['business', 'system', 'audit'];

// Duties are a property of the code (the manifests), fixed for the life of the process: the
// registry registers them once at start, and the actor reads them for every request.
let dutyMap = new Map<string, Duty>();

export function registerDuties(map: Map<string, Duty>): void {
  dutyMap = map;
}

export function dutyOf(permission: string): Duty | undefined {
  return dutyMap.get(permission);
}

/** The duties of some permissions (permissions no module declares any more count for none). */
export function dutiesOf(permissions: Iterable<string>): Set<Duty> {
  const out = new Set<Duty>();
  for (const p of permissions) {
    const d = dutyMap.get(p);
    if (d) out.add(d);
  }
  return out;
}

export function needsApproval(permissions: Iterable<string>): boolean {
  for (const d of dutiesOf(permissions)) if (DUTIES_NEEDING_APPROVAL.includes(d)) return true;
  return false;
}

/**
 * The permissions an account may use of those it holds. Assignments are checked when made, but
 * data older than the check (or written past the app) may break the rules: the audit log is then
 * closed to that account — the log's reader must hold nothing else. Other conflicts are reported
 * at start and left to the administrators to undo (stripping them here could lock the only
 * security administrator out of repairing it).
 */
export function effectivePermissions(held: Set<string>): Set<string> {
  const duties = dutiesOf(held);
  if (!(duties.has('audit') && duties.size > 1)) return held;
  return new Set([...held].filter((p) => dutyMap.get(p) !== 'audit'));
}

/** Every permission the account holds through its assignments, pending ones included. */
export async function heldPermissions(conn: Conn, userId: number, exceptAssignment?: number) {
  const rows = await sql<{ permission: string }>`
    SELECT DISTINCT rp.permission FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id
    WHERE ur.user_id = ${userId} AND (${exceptAssignment ?? null}::bigint IS NULL OR ur.id <> ${exceptAssignment ?? null}::bigint)`.execute(
    conn,
  );
  return rows.rows.map((r) => r.permission);
}

/**
 * Refuses (ADMIN_ROLES_EXCLUSIVE) to give `adding` to an account whose current permissions it
 * would make span incompatible duties. Locks the account's row first, so two assignments made at
 * once are checked one after the other.
 */
export async function assertMayHold(conn: Conn, userId: number, adding: string[]): Promise<void> {
  await sql`SELECT id FROM users WHERE id = ${userId} FOR UPDATE`.execute(conn);
  const held = await heldPermissions(conn, userId);
  const c = dutyConflict(dutiesOf([...held, ...adding]));
  if (c) throw dutyConflictError(c);
}

/** Accounts whose permissions (assignments pending or not) span incompatible duties. */
export async function accountsInConflict(
  conn: Conn,
): Promise<{ userId: number; username: string; conflict: DutyConflict; roles: string[] }[]> {
  const rows = await sql<{ userId: number; username: string; permissions: string[]; roles: string[] }>`
    SELECT u.id AS "userId", u.username,
           array_agg(DISTINCT rp.permission) AS permissions, array_agg(DISTINCT r.code) AS roles
    FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id
    JOIN role_permissions rp ON rp.role_id = r.id
    GROUP BY u.id, u.username ORDER BY u.id`.execute(conn);
  const out = [];
  for (const r of rows.rows) {
    const c = dutyConflict(dutiesOf(r.permissions));
    if (c) out.push({ userId: r.userId, username: r.username, conflict: c, roles: r.roles.sort() });
  }
  return out;
}
