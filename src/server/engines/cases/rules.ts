import { type Expression, type SqlBool, sql } from 'kysely';
import { CASE_ACTIONS, type CaseAction } from '../../../contract/cases.js';
import type { Actor } from '../../platform/access/actor.js';
import { type CaseRow, type CaseTypeDef, perm, type Refusal, type Relation } from './definition.js';
import type { Separation } from './separation.js';

/** How the actor stands to the case. */
export function relationsOf(actor: Actor, c: CaseRow): Set<Relation> {
  const r = new Set<Relation>();
  if (c.reporterUserId === actor.userId) r.add('reporter');
  if (c.ownerUserId === actor.userId) r.add('owner');
  if (c.assigneeUserId === actor.userId) r.add('assignee');
  if (actor.canAt(perm(c.type, 'supervise'), c.areaPath)) r.add('supervisor');
  return r;
}

export type Verdict =
  | { ok: true }
  | { ok: false; why: 'unknown' | 'state' | 'forbidden' }
  | { ok: false; why: 'rule'; refusal: Refusal };

/**
 * May the actor take `action` on the case now? Checked in this order so the answer tells the
 * most useful thing: the type has no such action; the case is no longer in a state that allows
 * it (someone acted first: 409); the actor may not (403); a rule of the type refuses (409).
 */
export function verdict(
  actor: Actor,
  c: CaseRow,
  def: CaseTypeDef,
  action: CaseAction,
  now: Date,
  separation?: Separation,
): Verdict {
  const a = def.actions[action];
  if (!a) return { ok: false, why: 'unknown' };
  if (!a.from.includes(c.state as never)) return { ok: false, why: 'state' };
  const rel = relationsOf(actor, c);
  const allowed = a.who.some(
    (rule) =>
      (!rule.perm || actor.canAt(perm(def.code, rule.perm), c.areaPath)) &&
      (!rule.relation || rel.has(rule.relation)),
  );
  if (!allowed) return { ok: false, why: 'forbidden' };
  // Separation of duties (per type, default on): the handler does not verify their own work.
  const separated = action === 'verify' && separation ? separation.refusal(actor.userId, c) : null;
  const refusal = separated ?? a.guard?.(c, now) ?? null;
  return refusal ? { ok: false, why: 'rule', refusal } : { ok: true };
}

/** The actions the actor may take now: the UI shows one button per ability. */
export function abilitiesOf(
  actor: Actor,
  c: CaseRow,
  def: CaseTypeDef,
  now: Date,
  separation?: Separation,
): CaseAction[] {
  return CASE_ACTIONS.filter((a) => verdict(actor, c, def, a, now, separation).ok);
}

/**
 * Actions the actor holds the right to but a rule marked `shown` refuses now (separation of
 * duties): the page shows them disabled with the reason.
 */
export function blockedOf(
  actor: Actor,
  c: CaseRow,
  def: CaseTypeDef,
  now: Date,
  lang: 'zh' | 'en',
  separation?: Separation,
): { action: CaseAction; reason: string }[] {
  const out: { action: CaseAction; reason: string }[] = [];
  for (const a of CASE_ACTIONS) {
    const v = verdict(actor, c, def, a, now, separation);
    if (!v.ok && v.why === 'rule' && v.refusal.shown) out.push({ action: a, reason: v.refusal[lang] });
  }
  return out;
}

/**
 * Which cases the actor sees, in SQL: cases of each type under the areas where the actor holds
 * `<type>.read`, and any case they raised, own or are assigned. `types`: the declared codes
 * (`caseTypesOf(s).codes`).
 */
export function visibleTo(actor: Actor, types: readonly string[], alias = 'c'): Expression<SqlBool> {
  const col = (n: string) => sql.ref(`${alias}.${n}`);
  const parts = [
    sql<SqlBool>`${col('reporterUserId')} = ${actor.userId}`,
    sql<SqlBool>`${col('assigneeUserId')} = ${actor.userId}`,
    sql<SqlBool>`${col('ownerUserId')} = ${actor.userId}`,
  ];
  for (const t of types) {
    const paths = actor.pathsFor(`${t}.read`);
    if (paths.length > 0)
      parts.push(sql<SqlBool>`(${col('type')} = ${t} AND ${col('areaPath')} <@ ${sql.val(paths)}::ltree[])`);
  }
  return sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
}
