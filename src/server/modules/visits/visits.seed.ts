import { sql } from 'kysely';
import type { FormField } from '../../../contract/visits.js';
import { chinaDate } from '../../engines/calendar/calendar.js';
import { calendarFor } from '../../engines/calendar/store.js';
import type { Services } from '../../platform/services.js';
import { seedVisitsYear } from './visits.history.js';
import { refreshPlans } from './visits.plans.js';

const LIVING: FormField = {
  key: 'living',
  label: '生活状况',
  kind: 'choice',
  options: ['良好', '一般', '困难'],
  required: true,
};
const HEALTH: FormField = {
  key: 'health',
  label: '身体状况',
  kind: 'choice',
  options: ['良好', '一般', '较差'],
  required: true,
};
const NEEDS: FormField = { key: 'needs', label: '诉求与需要', kind: 'text', required: false };
const RISK: FormField = { key: 'risk', label: '有无异常或风险迹象', kind: 'yesno', required: true };

/** The rules a community starts with ([003]: 四个必访; care visits "平时有人防、病时有人探"). */
export const DEFAULT_RULES = [
  {
    name: '四个必访·刑满释放人员',
    tags: ['released'],
    intervalCount: 1,
    intervalUnit: 'month',
    mustVisit: true,
    form: [LIVING, RISK, NEEDS],
  },
  {
    name: '四个必访·矛盾纠纷家庭',
    tags: ['dispute_family'],
    intervalCount: 1,
    intervalUnit: 'month',
    mustVisit: true,
    form: [LIVING, RISK, NEEDS],
  },
  {
    name: '四个必访·信访重点人员',
    tags: ['petition'],
    intervalCount: 1,
    intervalUnit: 'month',
    mustVisit: true,
    form: [LIVING, RISK, NEEDS],
  },
  {
    name: '四个必访·重点青少年',
    tags: ['key_youth'],
    intervalCount: 1,
    intervalUnit: 'month',
    mustVisit: true,
    form: [LIVING, RISK, NEEDS],
  },
  {
    name: '孤寡老人探访',
    tags: ['elderly_alone'],
    intervalCount: 1,
    intervalUnit: 'week',
    mustVisit: false,
    form: [HEALTH, LIVING, NEEDS],
  },
  {
    name: '高龄空巢老人探访',
    tags: ['empty_nest'],
    minAge: 80,
    intervalCount: 2,
    intervalUnit: 'week',
    mustVisit: false,
    form: [HEALTH, NEEDS],
  },
  {
    name: '低保家庭走访',
    tags: ['dibao'],
    intervalCount: 1,
    intervalUnit: 'quarter',
    mustVisit: false,
    form: [LIVING, NEEDS],
  },
  {
    name: '残疾人走访',
    tags: ['disability'],
    intervalCount: 1,
    intervalUnit: 'quarter',
    mustVisit: false,
    form: [HEALTH, LIVING, NEEDS],
  },
] as const;

/**
 * Every community gets the default rules; plans are derived; with `seedDemoYear` every plan has its
 * visits and every grid its patrols since January of last year (visits.history.ts), else about two thirds of
 * the plans have one visit in the last weeks, so "my day" and the supervision figures have
 * something to show.
 */
export async function seedDemoVisits(s: Services): Promise<void> {
  if (await s.db.selectFrom('visitRules').select('id').limit(1).executeTakeFirst()) return;
  const communities = await s.db.selectFrom('areas').select(['id']).where('kind', '=', 'community').execute();
  if (!communities.length) return;
  const timing = await calendarFor(s).get();
  const now = s.clock.now();
  const today = chinaDate(now);
  await s.db.transaction().execute(async (trx) => {
    for (const c of communities)
      for (const r of DEFAULT_RULES)
        await trx
          .insertInto('visitRules')
          .values({
            areaId: c.id,
            name: r.name,
            tags: [...r.tags],
            minAge: 'minAge' in r ? r.minAge : null,
            intervalCount: r.intervalCount,
            intervalUnit: r.intervalUnit,
            mustVisit: r.mustVisit,
            form: JSON.stringify(r.form),
          })
          .execute();
    if (s.config.seedDemoYear) {
      // A year of visits and patrols in every community (visits.history.ts).
      await refreshPlans(trx, timing.calendar, {}, today);
      await seedVisitsYear(trx, s, timing.calendar);
      return;
    }
    // Plans as if the rules had run for a while: since 60 days ago.
    const since = chinaDate(new Date(now.getTime() - 60 * 86_400_000));
    await refreshPlans(trx, timing.calendar, {}, since);
    // A history: about two thirds of the plans visited once within their interval, by the grid's worker.
    await sql`
      WITH pick AS (
        SELECT vp.id, vp.person_id, vp.rule_id, p.area_id, a.path, r.tags, r.form,
               (SELECT ur.user_id FROM user_roles ur JOIN roles ro ON ro.id = ur.role_id AND ro.code = 'grid_worker'
                 JOIN areas g ON g.id = ur.area_id WHERE a.path <@ g.path ORDER BY ur.id LIMIT 1) AS visitor,
               ${today}::date - (1 + (vp.id * 7919) % 20)::int AS day, vp.due_on
        FROM visit_plans vp JOIN people p ON p.id = vp.person_id JOIN areas a ON a.id = p.area_id
        JOIN visit_rules r ON r.id = vp.rule_id
        WHERE vp.id % 3 <> 0),
      ins AS (
        INSERT INTO visits (person_id, rule_id, area_id, area_path, tags, visitor_user_id, visited_at, due_on, method, met, findings, form)
        SELECT person_id, rule_id, area_id, path, tags, visitor, (day + time '10:00') AT TIME ZONE 'Asia/Shanghai', due_on, 'home', '本人',
               '入户走访，了解近况。', jsonb_build_object('living', '良好', 'health', '一般', 'risk', false)
        FROM pick WHERE visitor IS NOT NULL RETURNING person_id, rule_id, visited_at)
      UPDATE visit_plans vp SET last_visit_on = (ins.visited_at AT TIME ZONE 'Asia/Shanghai')::date
      FROM ins WHERE ins.person_id = vp.person_id AND ins.rule_id = vp.rule_id`.execute(trx);
    // Next due from the last visit (or the plan's start).
    await sql`
      UPDATE visit_plans vp SET due_on = (CASE r.interval_unit
          WHEN 'week' THEN coalesce(vp.last_visit_on, vp.since) + r.interval_count * 7
          WHEN 'month' THEN (coalesce(vp.last_visit_on, vp.since) + make_interval(months => r.interval_count))::date
          ELSE (coalesce(vp.last_visit_on, vp.since) + make_interval(months => 3 * r.interval_count))::date END)
      FROM visit_rules r WHERE r.id = vp.rule_id`.execute(trx);
  });
}
