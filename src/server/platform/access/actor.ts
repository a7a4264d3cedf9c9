import { sql } from 'kysely';
import { effectivePermissions } from './duties.js';

export interface Assignment {
  assignmentId: number;
  roleId: number;
  role: string;
  roleNameZh: string;
  roleNameEn: string;
  adminKind: string | null;
  areaId: number;
  areaName: string;
  areaKind: string;
  /** ltree path of the assignment's node, e.g. "1.4.27" */
  areaPath: string;
  permissions: string[];
}

/**
 * Who is acting: the user, and for every permission the area paths it holds it on (its data
 * scope). Built once per request from one query.
 */
export class Actor {
  private readonly scopes = new Map<string, string[]>();
  constructor(
    readonly userId: number,
    readonly username: string,
    readonly displayName: string,
    readonly assignments: Assignment[],
    readonly sessionId: string | null = null,
  ) {
    // Audit permissions are void for an account that holds anything else (docs/security.md).
    const usable = effectivePermissions(new Set(assignments.flatMap((a) => a.permissions)));
    for (const a of assignments) {
      for (const p of a.permissions) {
        if (!usable.has(p)) continue;
        const list = this.scopes.get(p) ?? [];
        list.push(a.areaPath);
        this.scopes.set(p, list);
      }
    }
    // Nested assignments add nothing: keep only the outermost paths.
    for (const [p, paths] of this.scopes) this.scopes.set(p, outermost(paths));
  }

  get permissions(): string[] {
    return [...this.scopes.keys()].sort();
  }

  /** Holds the permission somewhere in the tree. */
  can(permission: string): boolean {
    return this.scopes.has(permission);
  }

  /** The area paths under which the permission applies (empty: nowhere). */
  pathsFor(permission: string): string[] {
    return this.scopes.get(permission) ?? [];
  }

  /** Holds the permission on a record placed at `path` (the record's node or an ancestor assignment). */
  canAt(permission: string, path: string): boolean {
    return this.pathsFor(permission).some((p) => path === p || path.startsWith(`${p}.`));
  }

  /** The abilities (action names) the actor has at `path` among `actions` of `resource`. */
  abilitiesAt(resource: string, actions: readonly string[], path: string): string[] {
    return actions.filter((a) => this.canAt(`${resource}.${a}`, path));
  }

  get adminKinds(): string[] {
    return [...new Set(this.assignments.map((a) => a.adminKind).filter((k): k is string => !!k))];
  }
}

export function outermost(paths: string[]): string[] {
  const sorted = [...new Set(paths)].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const p of sorted) if (!kept.some((k) => p === k || p.startsWith(`${k}.`))) kept.push(p);
  return kept;
}

/**
 * The user's assignments as one JSON value, for embedding in the session query: resolving a
 * request costs one round trip. A grant waiting for its second person's approval gives nothing.
 */
export function assignmentsJson(userIdColumn: string) {
  return sql<Assignment[]>`coalesce((
    SELECT json_agg(json_build_object(
      'assignmentId', ur.id, 'roleId', r.id, 'role', r.code, 'roleNameZh', r.name_zh, 'roleNameEn', r.name_en,
      'adminKind', r.admin_kind, 'areaId', a.id, 'areaName', a.name, 'areaKind', a.kind, 'areaPath', a.path::text,
      'permissions', coalesce((SELECT json_agg(rp.permission ORDER BY rp.permission) FROM role_permissions rp WHERE rp.role_id = r.id), '[]'::json)
    ) ORDER BY ur.id)
    FROM user_roles ur JOIN roles r ON r.id = ur.role_id JOIN areas a ON a.id = ur.area_id
    WHERE ur.user_id = ${sql.ref(userIdColumn)} AND NOT ur.pending), '[]'::json)`;
}

/** The actor of a user by id (jobs, seeds, tests): the same assignments a session would carry. */
export async function loadActor(db: import('../db/index.js').Conn, userId: number): Promise<Actor | null> {
  const row = await db
    .selectFrom('users as u')
    .select(['u.id', 'u.username', 'u.displayName', assignmentsJson('u.id').as('assignments')])
    .where('u.id', '=', userId)
    .executeTakeFirst();
  return row ? new Actor(row.id, row.username, row.displayName, row.assignments) : null;
}
