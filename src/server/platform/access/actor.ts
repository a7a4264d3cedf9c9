import { sql } from 'kysely';
import type { Conn } from '../db/index.js';

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
    for (const a of assignments) {
      for (const p of a.permissions) {
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

export async function loadAssignments(db: Conn, userId: number): Promise<Assignment[]> {
  const rows = await db
    .selectFrom('userRoles as ur')
    .innerJoin('roles as r', 'r.id', 'ur.roleId')
    .innerJoin('areas as a', 'a.id', 'ur.areaId')
    .where('ur.userId', '=', userId)
    .select([
      'ur.id as assignmentId',
      'r.id as roleId',
      'r.code as role',
      'r.nameZh as roleNameZh',
      'r.nameEn as roleNameEn',
      'r.adminKind',
      'a.id as areaId',
      'a.name as areaName',
      'a.kind as areaKind',
      sql<string>`a.path::text`.as('areaPath'),
      sql<
        string[]
      >`coalesce((SELECT array_agg(rp.permission ORDER BY rp.permission) FROM role_permissions rp WHERE rp.role_id = r.id), '{}')`.as(
        'permissions',
      ),
    ])
    .orderBy('ur.id')
    .execute();
  return rows;
}
