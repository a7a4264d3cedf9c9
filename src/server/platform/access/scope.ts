import { type Expression, type SqlBool, sql } from 'kysely';
import type { Actor } from './actor.js';

/**
 * Data scope goes into the SQL: `column <@ ANY(paths)` on an ltree column, served by its GiST
 * index. An actor without the permission gets `false`, never an unfiltered query.
 */
export function pathInScope(actor: Actor, permission: string, column: string): Expression<SqlBool> {
  const paths = actor.pathsFor(permission);
  if (paths.length === 0) return sql<SqlBool>`false`;
  return sql<SqlBool>`${sql.ref(column)} <@ ${sql.val(paths)}::ltree[]`;
}

/** For records that carry an area id: their area must lie in scope. */
export function areaIdInScope(actor: Actor, permission: string, column: string): Expression<SqlBool> {
  const paths = actor.pathsFor(permission);
  if (paths.length === 0) return sql<SqlBool>`false`;
  return sql<SqlBool>`${sql.ref(column)} IN (SELECT s.id FROM areas s WHERE s.path <@ ${sql.val(paths)}::ltree[])`;
}

/** Records under the node `areaId` (its subtree), by an ltree column; no node, no records. */
export function inSubtree(column: string, areaId: number): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} <@ (SELECT s.path FROM areas s WHERE s.id = ${areaId})`;
}
