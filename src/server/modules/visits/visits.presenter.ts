import type { z } from 'zod';
import type { FormField, PlanItem, VisitRuleInput } from '../../../contract/visits.js';
import type { Actor } from '../../platform/access/actor.js';
import type { AreaNames, RuleRow, VisitsRepo } from './visits.repository.js';

/** Rows as the API answers them: names, ages, addresses, abilities. */

export function ageOn(birth: string | null, today: string): number | null {
  if (!birth) return null;
  const [y, m, d] = birth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
}

/** Days from `b` to `a` (YYYY-MM-DD). */
export const days = (a: string, b: string) =>
  Math.round((Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000);

/** The house's address within its compound: compound, building, unit, house. */
export const addressOf = (path: string, n: AreaNames) =>
  path
    .split('.')
    .map(Number)
    .map((id) => n.get(id))
    .filter(
      (x): x is { name: string; kind: string } =>
        !!x && ['compound', 'building', 'unit', 'house'].includes(x.kind),
    )
    .map((x) => x.name)
    .join('');

export function presentRule(actor: Actor, r: RuleRow, planCount: number) {
  return {
    id: r.id,
    name: r.name,
    areaId: r.areaId,
    areaName: r.areaName,
    tags: r.tags as VisitRuleInput['tags'],
    minAge: r.minAge,
    intervalCount: r.intervalCount,
    intervalUnit: r.intervalUnit as VisitRuleInput['intervalUnit'],
    mustVisit: r.mustVisit,
    visitor: r.visitor as 'grid_worker' | 'pair',
    form: r.form as FormField[],
    active: r.active,
    planCount,
    version: r.version,
    abilities: actor.canAt('visit.manage', r.areaPath) ? ['update'] : [],
  };
}

type PlanRows = Awaited<ReturnType<VisitsRepo['plans']>>['rows'];

export function presentPlans(
  rows: PlanRows,
  n: AreaNames,
  personTags: { personId: number; tag: string }[],
  today: string,
): z.infer<typeof PlanItem>[] {
  const t = today;
  return rows.map((r) => ({
    planId: r.planId,
    personId: r.personId,
    personName: r.personName,
    age: ageOn(r.birthDate as string | null, t),
    address: addressOf(r.path, n),
    houseId: r.houseId,
    tags: personTags.filter((x) => x.personId === r.personId).map((x) => x.tag),
    ruleId: r.ruleId,
    ruleName: r.ruleName,
    mustVisit: r.mustVisit,
    dueOn: r.dueOn as string,
    overdueDays: days(t, r.dueOn as string),
    lastVisitOn: (r.lastVisitOn as string | null) ?? null,
    visitor: null,
    form: (r.form as FormField[]) ?? [],
  }));
}

type VisitRows = Awaited<ReturnType<VisitsRepo['visitsById']>>;

/** Visits in the order of `ids` (those the actor may not read are left out). */
export function presentVisits(ids: number[], { rows, att, cases }: VisitRows) {
  const byId = new Map(rows.map((v) => [v.id, v]));
  return ids
    .map((id) => byId.get(id))
    .filter((v): v is (typeof rows)[number] => !!v)
    .map((v) => ({
      id: v.id,
      personId: v.personId,
      personName: v.personName,
      ruleId: v.ruleId,
      ruleName: v.ruleName,
      visitor: { id: v.visitorUserId, name: v.visitorName },
      visitedAt: v.visitedAt.toISOString(),
      method: v.method,
      met: v.met,
      findings: v.findings,
      form: v.form as Record<string, unknown>,
      formFields: (v.ruleForm as FormField[] | null) ?? [],
      attachments: att
        .filter((a) => a.visitId === v.id)
        .map((a) => ({
          id: a.id,
          name: a.name,
          mime: a.mime,
          size: a.size,
          url: `/api/cases/attachments/${a.id}`,
        })),
      location: v.lat !== null && v.lng !== null ? { lat: v.lat, lng: v.lng } : null,
      cases: cases
        .filter((c) => c.sourceId === v.id)
        .map((c) => ({ id: c.id, no: c.no, title: c.title, state: c.state })),
    }));
}

type PatrolRows = Awaited<ReturnType<VisitsRepo['patrolsById']>>;

/** Patrols in the order of `ids`, their minutes counted to `now` while open. */
export function presentPatrols(actor: Actor, ids: number[], { rows, cases }: PatrolRows, now: Date) {
  const byId = new Map(rows.map((p) => [p.id, p]));
  return ids.flatMap((id) => {
    const p = byId.get(id);
    if (!p) return [];
    const end = p.endedAt ?? now;
    return [
      {
        id: p.id,
        areaId: p.areaId,
        areaName: p.areaName,
        user: { id: p.userId, name: p.userName },
        startedAt: p.startedAt.toISOString(),
        endedAt: p.endedAt ? p.endedAt.toISOString() : null,
        minutes: Math.round((end.getTime() - p.startedAt.getTime()) / 60_000),
        distanceM: p.distanceM,
        route: (p.route as [number, number, string][]).map((x) => [x[0], x[1]] as [number, number]),
        note: p.note,
        cases: cases.filter((c) => c.sourceId === id).map(({ sourceId: _, ...c }) => c),
        abilities: p.userId === actor.userId && !p.endedAt ? ['points', 'finish'] : [],
      },
    ];
  });
}

type GridRows = Awaited<ReturnType<VisitsRepo['gridFigures']>>;

export function presentStats(q: { from: string; to: string }, rows: GridRows) {
  return {
    from: q.from,
    to: q.to,
    days: days(q.to, q.from) + 1,
    rows: rows.map((x) => ({
      areaId: x.areaId,
      areaName: x.areaName,
      workerNames: x.workerNames ?? [],
      plans: x.plans,
      due: x.doneOnTime + x.doneLate + x.overdue,
      doneOnTime: x.doneOnTime,
      doneLate: x.doneLate,
      overdue: x.overdue,
      neverVisited: x.neverVisited,
      visits: x.visits,
      patrols: x.patrols,
      patrolDays: x.patrolDays,
      patrolMinutes: x.patrolMinutes,
    })),
  };
}
