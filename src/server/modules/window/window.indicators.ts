import { sql } from 'kysely';
import {
  cellsOf,
  type FigureDef,
  groupAt,
  type IndicatorQuery,
  type IndicatorSource,
  underNode,
} from '../../engines/figures/figures.js';

/**
 * The window's figures (design/modules/window.md §5; docs/indicators.md "Window"), per grouping
 * area, over `service_application` cases: the promised date is the case's own deadline
 * (`due_at`, the close of office on the promised day, set by the engine from the matter's limit),
 * so 按时 compares the conclusion with `due_at` and "due in the period" is its China day.
 */
const drill = {
  path: '/cases',
  query: { type: 'service_application', box: 'all' },
  period: ['from', 'to'] as [string, string],
};
const F = (
  key: string,
  zh: string,
  en: string,
  unit: 'count' | 'rate',
  fz: string,
  fe: string,
  better: 'up' | 'down' = 'up',
): FigureDef => ({
  key: `window.${key}`,
  section: 'cases',
  zh,
  en,
  unit,
  kind: 'flow',
  better,
  formula: { zh: fz, en: fe },
  drill,
});
const FIGURES: FigureDef[] = [
  F(
    'applications',
    '办件量',
    'Applications',
    'count',
    '期内受理的办件',
    'Applications accepted in the period',
  ),
  F(
    'instantRate',
    '即办率',
    'Done on the spot',
    'rate',
    '期内受理的即办件中当日办结的比例',
    'Of on-the-spot matters accepted in the period, the share concluded the same day',
  ),
  F(
    'onTimeRate',
    '按时办结率',
    'Concluded on time',
    'rate',
    '承诺办结日在期内的办件中，在承诺日或之前办结的比例',
    'Of applications due in the period, the share concluded on or before the promised day',
  ),
  F(
    'gapTerminationRate',
    '容缺终止率',
    '容缺 terminated',
    'rate',
    '期内容缺受理的办件中被终止的比例',
    'Of applications accepted with 容缺 in the period, the share terminated',
    'down',
  ),
  F(
    'proxies',
    '代办量',
    'Done by a proxy (代办)',
    'count',
    '期内受理的办件中由代办员代办的件数',
    'Applications accepted in the period that a proxy (代办员) handled for the applicant',
  ),
  F(
    'proxyOnTimeRate',
    '代办按时办结率',
    'Proxy applications on time',
    'rate',
    '承诺办结日在期内的代办件中，在承诺日或之前办结的比例',
    'Of proxy applications due in the period, the share concluded by the promised date',
  ),
  F(
    'supplementRate',
    '告知补正率',
    'Sent back for 补正',
    'rate',
    '期内受理的办件中经过告知补正（待补正）的比例',
    'Of applications accepted in the period, the share sent back for missing materials (补正)',
    'down',
  ),
  F(
    'ratedRate',
    '主动评价率',
    'Rated',
    'rate',
    '期内办结的办件中有评价的比例',
    'Of applications concluded in the period, the share rated',
  ),
  F(
    'satisfaction',
    '满意率',
    'Satisfied',
    'rate',
    '期内办结并评价的办件中 3–5 星的比例',
    'Of rated applications concluded in the period, the share rated 3–5 stars',
  ),
  F(
    'badRate',
    '差评率',
    'Poor ratings',
    'rate',
    '期内办结并评价的办件中 1–2 星（差评）的比例',
    'Of rated applications concluded in the period, the share rated 1–2 stars',
    'down',
  ),
  F(
    'rectifiedOnTime',
    '按期整改率',
    'Rectified on time',
    'rate',
    '整改期限在期内的差评整改件中，按期整改完毕（审核通过）的比例',
    'Of rating rectifications due in the period, the share closed by their deadline',
  ),
  {
    key: 'window.meanWait',
    section: 'cases',
    zh: '平均等候时长',
    en: 'Mean wait',
    unit: 'hours',
    kind: 'flow',
    better: 'down',
    formula: {
      zh: '期内被叫号的排队号，从取号到叫号的平均时长（小时）',
      en: 'Of tickets called in the period, the mean time from issue to call (hours)',
    },
    drill: { path: '/window/queue', query: {} },
  },
  {
    key: 'window.noShows',
    section: 'cases',
    zh: '过号未到',
    en: 'No-shows',
    unit: 'count',
    kind: 'flow',
    better: 'down',
    formula: { zh: '期内叫号后未到的排队号', en: 'Tickets called in the period whose holder did not come' },
    drill: { path: '/window/queue', query: {} },
  },
  {
    key: 'window.offHoursCoverage',
    section: 'cases',
    zh: '错时覆盖率',
    en: 'Off-hours staffing',
    unit: 'rate',
    kind: 'flow',
    better: 'up',
    formula: {
      zh: '期内错时时段中，排班人数达到最低人数（默认 2 人）的比例',
      en: 'Of off-hours (错时) slots in the period, the share whose roster reaches the minimum staff (default 2)',
    },
    drill: { path: '/window/queue', query: {} },
  },
];

const QUEUE_KEYS = new Set(['window.meanWait', 'window.noShows', 'window.offHoursCoverage']);

// Column aliases are single lower-case words: the database layer camel-cases snake_case result keys.
export function windowIndicators(): IndicatorSource {
  return {
    changedBy: ['case', 'area', 'window_ticket', 'window_slot', 'window_roster'],
    figures: (actor) =>
      FIGURES.filter((f) =>
        QUEUE_KEYS.has(f.key) ? actor.can('window.read') : actor.can('service_application.read'),
      ),
    async compute(db, q: IndicatorQuery, keys) {
      const closedDay = sql`to_char(c.closed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')`;
      const acceptedIn = sql`c.reported_at >= ${q.from} AND c.reported_at < ${q.to}`;
      const dueDay = sql`to_char(c.due_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')`;
      const dueIn = sql`${dueDay} BETWEEN ${q.fromDay} AND ${q.toDay}`;
      const closedIn = sql`c.state = 'closed' AND c.closed_at >= ${q.from} AND c.closed_at < ${q.to}`;
      const r = await sql<Record<string, unknown>>`
        SELECT ${groupAt('c.area_path', q.level)} AS grp,
          count(*) FILTER (WHERE ${acceptedIn})::int AS accepted,
          count(*) FILTER (WHERE ${acceptedIn} AND (c.detail->>'instant')::boolean)::int AS instant,
          count(*) FILTER (WHERE ${acceptedIn} AND (c.detail->>'instant')::boolean AND c.state = 'closed'
            AND ${closedDay} = c.detail->>'acceptedOn')::int AS instantdone,
          count(*) FILTER (WHERE ${dueIn} AND c.state <> 'rejected')::int AS due,
          count(*) FILTER (WHERE ${dueIn} AND c.state = 'closed' AND c.closed_at <= c.due_at)::int AS ontime,
          count(*) FILTER (WHERE ${acceptedIn} AND c.detail->>'intake' = 'gap')::int AS gap,
          count(*) FILTER (WHERE ${acceptedIn} AND c.detail->>'intake' = 'gap' AND c.state = 'rejected')::int AS gapterminated,
          count(*) FILTER (WHERE ${acceptedIn} AND c.detail->>'agentKind' = 'proxy')::int AS proxies,
          count(*) FILTER (WHERE ${dueIn} AND c.state <> 'rejected' AND c.detail->>'agentKind' = 'proxy')::int AS proxydue,
          count(*) FILTER (WHERE ${dueIn} AND c.state = 'closed' AND c.closed_at <= c.due_at
            AND c.detail->>'agentKind' = 'proxy')::int AS proxyontime,
          count(*) FILTER (WHERE ${acceptedIn} AND EXISTS (
            SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.kind = 'suspend'))::int AS supplemented,
          count(*) FILTER (WHERE ${closedIn})::int AS closed,
          count(*) FILTER (WHERE ${closedIn} AND c.rating IS NOT NULL)::int AS rated,
          count(*) FILTER (WHERE ${closedIn} AND c.rating >= 3)::int AS satisfied,
          count(*) FILTER (WHERE ${closedIn} AND c.rating <= 2)::int AS bad
        FROM cases c
        WHERE c.type = 'service_application'
          AND (${acceptedIn} OR (c.closed_at >= ${q.from} AND c.closed_at < ${q.to}) OR ${dueIn})
          AND ${underNode('c.area_path', q, 'service_application.read')}
        GROUP BY 1`.execute(db);
      const cells = [];
      if (keys.has('window.rectifiedOnTime')) {
        const rr = await sql<Record<string, unknown>>`
          SELECT ${groupAt('c.area_path', q.level)} AS grp,
            count(*)::int AS due,
            count(*) FILTER (WHERE c.state = 'closed' AND c.closed_at <= c.due_at)::int AS ontime
          FROM cases c
          WHERE c.type = 'rating_rectification' AND ${dueIn}
            AND ${underNode('c.area_path', q, 'rating_rectification.read')}
          GROUP BY 1`.execute(db);
        cells.push(...cellsOf(rr.rows, { 'window.rectifiedOnTime': ['ontime', 'due'] }, keys));
      }
      if (keys.has('window.meanWait') || keys.has('window.noShows')) {
        const w = await sql<Record<string, unknown>>`
          SELECT ${groupAt('a.path', q.level)} AS grp,
            coalesce(sum(extract(epoch FROM t.called_at - t.issued_at) / 3600.0), 0)::float8 AS waithours,
            count(*)::int AS called,
            count(*) FILTER (WHERE t.status = 'no_show')::int AS noshows
          FROM window_tickets t JOIN areas a ON a.id = t.area_id
          WHERE t.called_at >= ${q.from} AND t.called_at < ${q.to}
            AND ${underNode('a.path', q, 'window.read')}
          GROUP BY 1`.execute(db);
        cells.push(
          ...cellsOf(
            w.rows,
            { 'window.meanWait': ['waithours', 'called'], 'window.noShows': ['noshows'] },
            keys,
          ),
        );
      }
      if (keys.has('window.offHoursCoverage')) {
        const c = await sql<Record<string, unknown>>`
          SELECT ${groupAt('a.path', q.level)} AS grp,
            count(*)::int AS slots,
            count(*) FILTER (WHERE (
              SELECT count(DISTINCT r.user_id) FROM window_rosters r
              WHERE r.area_id = sl.area_id AND r.day = sl.day AND r.starts <= sl.starts AND r.ends >= sl.ends
            ) >= sl.min_staff)::int AS covered
          FROM window_slots sl JOIN areas a ON a.id = sl.area_id
          WHERE sl.off_hours AND sl.day BETWEEN ${q.fromDay}::date AND ${q.toDay}::date
            AND ${underNode('a.path', q, 'window.read')}
          GROUP BY 1`.execute(db);
        cells.push(...cellsOf(c.rows, { 'window.offHoursCoverage': ['covered', 'slots'] }, keys));
      }
      return cells.concat(
        cellsOf(
          r.rows,
          {
            'window.applications': ['accepted'],
            'window.instantRate': ['instantdone', 'instant'],
            'window.onTimeRate': ['ontime', 'due'],
            'window.gapTerminationRate': ['gapterminated', 'gap'],
            'window.supplementRate': ['supplemented', 'accepted'],
            'window.proxies': ['proxies'],
            'window.proxyOnTimeRate': ['proxyontime', 'proxydue'],
            'window.ratedRate': ['rated', 'closed'],
            'window.satisfaction': ['satisfied', 'rated'],
            'window.badRate': ['bad', 'rated'],
          },
          keys,
        ),
      );
    },
  };
}
