import { sql } from 'kysely';
import {
  type Cell,
  cellsOf,
  type FigureDef,
  groupAt,
  type IndicatorQuery,
  type IndicatorSource,
  underNode,
} from '../../engines/figures/figures.js';
import { visibleTags } from './visits.repository.js';

/**
 * Visit and patrol figures for the dashboard (docs/indicators.md, "Visits and patrols"): the
 * same counts as the supervision page, per grouping area, within `visit.read` and only under
 * rules whose tags the actor may see.
 */
const PERIOD: [string, string] = ['from', 'to'];
const plans = (status: string) => ({ path: '/visits/plans', query: { status } });

const FIGURES: FigureDef[] = [
  {
    key: 'visits.plans',
    section: 'visits',
    zh: '走访对象（计划）',
    en: 'Visit plans',
    unit: 'count',
    kind: 'stock',
    formula: {
      zh: '现行走访规则下的走访计划（每人每规则一条）',
      en: 'Current plans under active visit rules (one per person and rule)',
    },
    drill: plans('all'),
  },
  {
    key: 'visits.overdue',
    section: 'visits',
    zh: '逾期未访',
    en: 'Visits overdue',
    unit: 'count',
    kind: 'stock',
    better: 'down',
    formula: { zh: '应访日期早于今天的走访计划', en: 'Plans whose due date is before today' },
    drill: plans('overdue'),
  },
  {
    key: 'visits.mustVisitCoverage',
    section: 'visits',
    zh: '必访对象覆盖率',
    en: 'Must-visit coverage',
    unit: 'rate',
    kind: 'stock',
    better: 'up',
    formula: {
      zh: '已走访过且未逾期的必访计划 ÷ 必访计划',
      en: 'Must-visit plans visited at least once and not overdue ÷ must-visit plans',
    },
    drill: plans('never'),
  },
  {
    key: 'visits.neverVisited',
    section: 'visits',
    zh: '必访对象从未走访',
    en: 'Must-visit never visited',
    unit: 'count',
    kind: 'stock',
    better: 'down',
    formula: { zh: '从未有走访记录的必访计划', en: 'Must-visit plans with no visit yet' },
    drill: plans('never'),
  },
  {
    key: 'visits.done',
    section: 'visits',
    zh: '走访次数',
    en: 'Visits made',
    unit: 'count',
    kind: 'flow',
    better: 'up',
    formula: {
      zh: '期内的走访记录（含无规则的走访）',
      en: 'Visits made in the period (with or without a rule)',
    },
    drill: { path: '/visits', query: {}, period: PERIOD },
  },
  {
    key: 'visits.onTimeRate',
    section: 'visits',
    zh: '按时走访率',
    en: 'Visits on time',
    unit: 'rate',
    kind: 'flow',
    better: 'up',
    formula: {
      zh: '期内按规则的走访中不晚于应访日期的 ÷ 期内按规则的走访',
      en: 'Visits in the period under a rule made by the due date ÷ visits in the period under a rule',
    },
    drill: { path: '/visits', query: {}, period: PERIOD },
  },
  {
    key: 'visits.patrols',
    section: 'visits',
    zh: '巡查次数',
    en: 'Patrols',
    unit: 'count',
    kind: 'flow',
    formula: { zh: '期内开始的巡查', en: 'Patrols started in the period' },
  },
  {
    key: 'visits.patrolCoverage',
    section: 'visits',
    zh: '网格巡查覆盖率',
    en: 'Patrol coverage',
    unit: 'rate',
    kind: 'flow',
    better: 'up',
    formula: {
      zh: '期内至少巡查过一次的网格 ÷ 网格',
      en: 'Grids patrolled at least once in the period ÷ grids',
    },
    drill: { path: '/visits/stats', query: {}, period: PERIOD },
  },
];

export function visitsIndicators(): IndicatorSource {
  return {
    changedBy: ['visit', 'patrol', 'visit_rule', 'visit_pair', 'person', 'import', 'area'],
    figures: (actor) => (actor.can('visit.read') ? FIGURES : []),

    async compute(db, q: IndicatorQuery, keys) {
      const tags = sql.val(visibleTags(q.actor));
      const out: Cell[] = [];
      const jobs: Promise<void>[] = [];
      const want = (...k: string[]) => k.some((x) => keys.has(`visits.${x}`));
      if (want('plans', 'overdue', 'mustVisitCoverage', 'neverVisited')) {
        jobs.push(
          sql<Record<string, unknown>>`
            SELECT ${groupAt('a.path', q.level)} AS grp, count(*)::int AS plans,
              count(*) FILTER (WHERE vp.due_on < ${q.today}::date)::int AS overdue,
              count(*) FILTER (WHERE r.must_visit)::int AS must,
              count(*) FILTER (WHERE r.must_visit AND vp.last_visit_on IS NOT NULL AND vp.due_on >= ${q.today}::date)::int AS covered,
              count(*) FILTER (WHERE r.must_visit AND vp.last_visit_on IS NULL)::int AS never
            FROM visit_plans vp
            JOIN visit_rules r ON r.id = vp.rule_id AND r.active AND r.tags <@ ${tags}::text[]
            JOIN people p ON p.id = vp.person_id JOIN areas a ON a.id = p.area_id
            WHERE ${underNode('a.path', q, 'visit.read')}
            GROUP BY 1`
            .execute(db)
            .then(
              (r) =>
                void out.push(
                  ...cellsOf(
                    r.rows,
                    {
                      'visits.plans': ['plans'],
                      'visits.overdue': ['overdue'],
                      'visits.mustVisitCoverage': ['covered', 'must'],
                      'visits.neverVisited': ['never'],
                    },
                    keys,
                  ),
                ),
            ),
        );
      }
      if (want('done', 'onTimeRate')) {
        jobs.push(
          sql<Record<string, unknown>>`
            SELECT ${groupAt('v.area_path', q.level)} AS grp, count(*)::int AS done,
              count(*) FILTER (WHERE v.due_on IS NOT NULL)::int AS ruled,
              count(*) FILTER (WHERE v.due_on IS NOT NULL AND (v.visited_at AT TIME ZONE 'Asia/Shanghai')::date <= v.due_on)::int AS on_time
            FROM visits v
            WHERE v.visited_at >= ${q.from} AND v.visited_at < ${q.to} AND v.tags <@ ${tags}::text[]
              AND ${underNode('v.area_path', q, 'visit.read')}
            GROUP BY 1`
            .execute(db)
            .then(
              (r) =>
                void out.push(
                  ...cellsOf(
                    r.rows,
                    { 'visits.done': ['done'], 'visits.onTimeRate': ['onTime', 'ruled'] },
                    keys,
                  ),
                ),
            ),
        );
      }
      if (want('patrols', 'patrolCoverage')) {
        jobs.push(
          sql<Record<string, unknown>>`
            WITH g AS (
              SELECT g.id, g.path FROM areas g
              WHERE g.kind = 'grid' AND g.status = 'active' AND ${underNode('g.path', q, 'visit.read')}),
            pa AS (
              SELECT g.id, count(*)::int AS patrols
              FROM g JOIN patrols pt ON pt.area_path <@ g.path
              WHERE pt.started_at >= ${q.from} AND pt.started_at < ${q.to}
              GROUP BY g.id)
            SELECT ${groupAt('g.path', q.level)} AS grp, count(*)::int AS grids,
              count(pa.id)::int AS patrolled, coalesce(sum(pa.patrols), 0)::int AS patrols
            FROM g LEFT JOIN pa ON pa.id = g.id
            GROUP BY 1`
            .execute(db)
            .then(
              (r) =>
                void out.push(
                  ...cellsOf(
                    r.rows,
                    { 'visits.patrols': ['patrols'], 'visits.patrolCoverage': ['patrolled', 'grids'] },
                    keys,
                  ),
                ),
            ),
        );
      }
      await Promise.all(jobs);
      return out;
    },
  };
}
