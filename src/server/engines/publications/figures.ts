import { sql } from 'kysely';
import { cellsOf, type FigureDef, groupAt, type IndicatorSource, underNode } from '../figures/figures.js';
import { OBJECTION_TYPE } from './objection.js';

/**
 * The publications' dashboard figures (docs/indicators.md): published in the period, on display
 * now, objections open now and overdue now (their reply past due). `perm`: the ledger's read
 * permission (a figure is seen by whoever reads the ledger, over their scope).
 */
export function publicationFigures(perm: string, objectionRead: string): IndicatorSource {
  const FIGURES: FigureDef[] = [
    {
      key: 'publications.published',
      section: 'cases',
      zh: '发布公开事项',
      en: 'Items published',
      unit: 'count',
      kind: 'flow',
      formula: {
        zh: '期内发布的通知公告与公示（含更正版本）',
        en: 'Notices and 公示 published in the period (corrections included)',
      },
      drill: { path: '/notices', query: {} },
    },
    {
      key: 'publications.onDisplay',
      section: 'cases',
      zh: '公示中事项',
      en: 'On display',
      unit: 'count',
      kind: 'stock',
      formula: {
        zh: '当前处于公示中（未撤下、未被更正）的事项',
        en: 'Items on display now (not taken down or corrected)',
      },
      drill: { path: '/notices', query: { status: 'published' } },
    },
    {
      key: 'publications.objectionsOpen',
      section: 'cases',
      zh: '待答复异议',
      en: 'Objections awaiting a reply',
      unit: 'count',
      kind: 'stock',
      formula: { zh: '居民对公示提出、尚未答复的异议', en: 'Objections to publications not yet replied to' },
      better: 'down',
      drill: { path: '/cases', query: { type: OBJECTION_TYPE, box: 'all' } },
    },
    {
      key: 'publications.objectionsOverdue',
      section: 'cases',
      zh: '逾期未答复异议',
      en: 'Objections overdue',
      unit: 'count',
      kind: 'stock',
      formula: { zh: '超过答复期限仍未答复的异议', en: 'Objections past their reply limit without a reply' },
      better: 'down',
      drill: { path: '/cases', query: { type: OBJECTION_TYPE, box: 'all' } },
    },
  ];
  return {
    changedBy: ['publication', 'case', 'area'],
    figures: (actor) => [
      ...(actor.can(perm) ? FIGURES.slice(0, 2) : []),
      ...(actor.can(objectionRead) ? FIGURES.slice(2) : []),
    ],
    async compute(db, q, keys) {
      const cells = [];
      if (keys.has('publications.published') || keys.has('publications.onDisplay')) {
        const r = await sql<Record<string, unknown>>`
          SELECT ${groupAt('p.area_path', q.level)} AS grp,
            count(*) FILTER (WHERE p.published_at >= ${q.from} AND p.published_at < ${q.to})::int AS published,
            count(*) FILTER (WHERE p.status = 'published')::int AS on_display
          FROM publications p
          WHERE p.published_at IS NOT NULL AND ${underNode('p.area_path', q, perm)}
          GROUP BY 1`.execute(db);
        cells.push(
          ...cellsOf(
            r.rows,
            { 'publications.published': ['published'], 'publications.onDisplay': ['onDisplay'] },
            keys,
          ),
        );
      }
      if (keys.has('publications.objectionsOpen') || keys.has('publications.objectionsOverdue')) {
        const r = await sql<Record<string, unknown>>`
          SELECT ${groupAt('c.area_path', q.level)} AS grp,
            count(*)::int AS open,
            count(*) FILTER (WHERE c.stage_due_at < ${q.now})::int AS overdue
          FROM cases c
          WHERE c.type = ${OBJECTION_TYPE} AND c.state = 'reported' AND ${underNode('c.area_path', q, objectionRead)}
          GROUP BY 1`.execute(db);
        cells.push(
          ...cellsOf(
            r.rows,
            { 'publications.objectionsOpen': ['open'], 'publications.objectionsOverdue': ['overdue'] },
            keys,
          ),
        );
      }
      return cells;
    },
  };
}
