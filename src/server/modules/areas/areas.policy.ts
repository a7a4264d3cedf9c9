import {
  AREA_CODE_SUFFIX,
  AREA_PARENT_KINDS,
  AREA_STAFF_ROLES,
  type AreaKind,
} from '../../../contract/areas.js';

/** Actions on an area record, each gated by `area.<action>` at the record's place in the tree. */
export const AREA_ACTIONS = ['read', 'create', 'update', 'archive', 'delete', 'staff'] as const;

export function parentAllowed(kind: AreaKind, parentKind: AreaKind | null): boolean {
  const allowed = AREA_PARENT_KINDS[kind];
  if (allowed === null) return parentKind === null;
  return parentKind !== null && allowed.includes(parentKind);
}

/** A given code must extend the parent's code by the kind's suffix length. */
export function codeProblem(kind: AreaKind, code: string, parentCode: string | null): string | null {
  const expected = (parentCode?.length ?? 0) + AREA_CODE_SUFFIX[kind];
  if (code.length !== expected) return `length ${expected}`;
  if (parentCode && !code.startsWith(parentCode)) return `must start with ${parentCode}`;
  if (/^0+$/.test(code.slice(parentCode?.length ?? 0))) return 'sequence must not be zero';
  return null;
}

export function staffRoleAllowed(kind: AreaKind, role: string): boolean {
  const roles = (AREA_STAFF_ROLES as Record<string, readonly string[]>)[kind];
  return !!roles && roles.includes(role);
}
