import { sql } from 'kysely';
import {
  cellsOf,
  type FigureDef,
  groupAt,
  type IndicatorQuery,
  type IndicatorSource,
  underNode,
} from '../../engines/figures/figures.js';

/** The example module's dashboard figure: repairs reported in the period, where the actor reads them. */
const FIGURES: FigureDef[] = [
  {
    key: 'example.repairs',
    section: 'cases',
    zh: '设施报修',
    en: 'Facility repairs',
    unit: 'count',
    kind: 'flow',
    formula: { zh: '期内上报的设施报修', en: 'Facility repairs reported in the period' },
    drill: { path: '/cases', query: { type: 'repair', box: 'all' }, period: ['from', 'to'] },
  },
];

export function exampleIndicators(): IndicatorSource {
  return {
    changedBy: ['case', 'area'],
    figures: (actor) => (actor.can('repair.read') ? FIGURES : []),

    // One grouped aggregate answers the figure for every grouping area under the node.
    async compute(db, q: IndicatorQuery, keys) {
      const r = await sql<Record<string, unknown>>`
        SELECT ${groupAt('c.area_path', q.level)} AS grp, count(*)::int AS repairs
        FROM cases c
        WHERE c.type = 'repair' AND c.reported_at >= ${q.from} AND c.reported_at < ${q.to}
          AND ${underNode('c.area_path', q, 'repair.read')}
        GROUP BY 1`.execute(db);
      return cellsOf(r.rows, { 'example.repairs': ['repairs'] }, keys);
    },
  };
}
