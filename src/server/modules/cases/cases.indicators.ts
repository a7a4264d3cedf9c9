import { sql } from 'kysely';
import { accumulate, INDICATOR_DEFS, partsOf, pass, readableUnder } from '../../engines/cases/indicators.js';
import { caseTypesOf } from '../../engines/cases/registry.js';
import {
  type Cell,
  type FigureDef,
  groupAt,
  type IndicatorQuery,
  type IndicatorSource,
} from '../../engines/figures/figures.js';
import type { Actor } from '../../platform/access/actor.js';
import type { Services } from '../../platform/services.js';

/**
 * Case figures for the dashboard: the case indicators of docs/indicators.md ("Cases") per
 * grouping area, from the same one-pass aggregate as the indicators page, plus two stock figures
 * (open and overdue now). Each case type counts only where the actor may read that type.
 */
const PERIOD: [string, string] = ['from', 'to'];
const list = (query: Record<string, string>, period = true) => ({
  path: '/cases',
  query: { box: 'all', ...query },
  ...(period ? { period: PERIOD } : {}),
});

const FORMULA: Record<string, { zh: string; en: string }> = {
  reported: {
    zh: '期内上报的件（不予受理、重复的不计）',
    en: 'Cases reported in the period (rejected and duplicates not counted)',
  },
  closed: { zh: '期内结案且仍为结案状态的件', en: 'Cases closed in the period and still closed' },
  closureRate: {
    zh: '已结案 ÷ 办理期限落在期内的件（不予受理的不计）',
    en: 'Closed ÷ cases whose deadline falls in the period (rejected not counted)',
  },
  onTimeRate: {
    zh: '在期限内结案 ÷ 办理期限落在期内的件（批准延期后按新期限）',
    en: 'Closed by the deadline ÷ cases whose deadline falls in the period (an approved extension moves it)',
  },
  timelyAcceptRate: {
    zh: '在受理时限内受理 ÷ 期内受理的件',
    en: 'Accepted within the acceptance limit ÷ cases accepted in the period',
  },
  reworkRate: {
    zh: '核查不通过返工过的 ÷ 期内结案的件',
    en: 'Closed cases that failed verification at least once ÷ cases closed in the period',
  },
  extensionRate: {
    zh: '有批准延期的 ÷ 期内上报的件',
    en: 'Cases with an approved extension ÷ cases reported in the period',
  },
  avgHours: {
    zh: '期内结案的件从上报到结案的平均小时数（自然时间）',
    en: 'Mean hours from report to close of cases closed in the period (calendar hours)',
  },
  satisfaction: {
    zh: '评价 4 分及以上 ÷ 期内结案且已评价的件',
    en: 'Ratings of 4 or 5 ÷ rated cases closed in the period',
  },
  mediationRate: {
    zh: '已调处（达成协议或调解不成）÷ 期内登记的纠纷',
    en: 'Disputes mediated (agreement or failed) ÷ disputes registered in the period',
  },
  successRate: {
    zh: '达成协议 ÷ 期内登记并已调处的纠纷',
    en: 'Agreements ÷ disputes registered in the period and mediated',
  },
};

const DRILL: Record<string, FigureDef['drill']> = {
  reported: list({ valid: 'true' }),
  closed: list({ state: 'closed', dateField: 'closed' }),
  closureRate: list({ valid: 'true', dateField: 'due' }),
  onTimeRate: list({ valid: 'true', dateField: 'due' }),
  timelyAcceptRate: list({ valid: 'true', dateField: 'accepted' }),
  reworkRate: list({ state: 'closed', dateField: 'closed' }),
  extensionRate: list({ valid: 'true' }),
  avgHours: list({ state: 'closed', dateField: 'closed' }),
  satisfaction: list({ state: 'closed', dateField: 'closed', rated: 'true' }),
  mediationRate: list({ type: 'dispute', valid: 'true' }),
  successRate: list({ type: 'dispute', valid: 'true', mediated: 'true' }),
};

const BETTER: Record<string, 'up' | 'down'> = {
  closed: 'up',
  closureRate: 'up',
  onTimeRate: 'up',
  timelyAcceptRate: 'up',
  reworkRate: 'down',
  extensionRate: 'down',
  avgHours: 'down',
  satisfaction: 'up',
  mediationRate: 'up',
  successRate: 'up',
};

const TYPE_NAMES: Record<string, [string, string]> = {
  event: ['网格事件', 'Grid events'],
  request: ['居民诉求', 'Resident requests'],
  dispute: ['矛盾纠纷', 'Disputes'],
};

const FLOW = Object.keys(FORMULA);

function figureList(types: string[]): FigureDef[] {
  const out: FigureDef[] = FLOW.filter(
    (k) => types.includes('dispute') || (k !== 'mediationRate' && k !== 'successRate'),
  ).map((k) => ({
    key: `cases.${k}`,
    section: k === 'mediationRate' || k === 'successRate' ? 'disputes' : 'cases',
    zh: INDICATOR_DEFS[k]!.zh,
    en: INDICATOR_DEFS[k]!.en,
    unit:
      INDICATOR_DEFS[k]!.unit === 'hours' ? 'hours' : INDICATOR_DEFS[k]!.unit === 'rate' ? 'rate' : 'count',
    kind: 'flow',
    better: BETTER[k],
    formula: FORMULA[k]!,
    drill: DRILL[k],
  }));
  for (const t of types) {
    const [zh, en] = TYPE_NAMES[t] ?? [t, t];
    out.push({
      key: `cases.reported.${t}`,
      section: t === 'dispute' ? 'disputes' : 'cases',
      zh: `${zh}上报数`,
      en: `${en} reported`,
      unit: 'count',
      kind: 'flow',
      formula: {
        zh: `期内上报的${zh}（不予受理的不计）`,
        en: `${en} reported in the period (rejected not counted)`,
      },
      drill: list({ type: t, valid: 'true' }),
    });
  }
  out.push(
    {
      key: 'cases.open',
      section: 'cases',
      zh: '在办件',
      en: 'Open cases',
      unit: 'count',
      kind: 'stock',
      formula: {
        zh: '现在未结案、未不予受理的件（含挂账）',
        en: 'Cases not closed and not rejected now (pending ones included)',
      },
      drill: list({ open: 'true' }, false),
    },
    {
      key: 'cases.overdue',
      section: 'cases',
      zh: '超期件',
      en: 'Overdue cases',
      unit: 'count',
      kind: 'stock',
      better: 'down',
      formula: {
        zh: '现在处于受理至核查各环节、且当前环节已过时限的件（挂账的不计）',
        en: 'Cases now in a stage from report to verification whose stage deadline has passed (pending not counted)',
      },
      drill: { path: '/cases', query: { box: 'overdue' } },
    },
  );
  return out;
}

export function casesIndicators(s: Services): IndicatorSource {
  const codes = caseTypesOf(s).codes;
  const readable = (actor: Actor) => codes.filter((t) => actor.can(`${t}.read`));
  return {
    changedBy: ['case', 'area'],
    figures: (actor) => figureList(readable(actor)),

    async compute(db, q: IndicatorQuery, keys) {
      const types = readable(q.actor);
      if (!types.length) return [];
      const scope = readableUnder(q.actor, types, q.node.path, codes);
      const grp = (alias: string) => groupAt(`${alias}.areaPath`, q.level);
      const out: Cell[] = [];
      const flow = [...keys].some((k) => k !== 'cases.open' && k !== 'cases.overdue');
      const jobs: Promise<void>[] = [];
      if (flow) {
        jobs.push(
          pass(db, { scope, from: q.from, to: q.to, now: q.now }, grp).then((groups) => {
            const byGrp = new Map<number | null, typeof groups>();
            for (const g of groups) {
              const k = g.grp === null ? null : Number(g.grp);
              byGrp.set(k, [...(byGrp.get(k) ?? []), g]);
            }
            for (const [group, gs] of byGrp) {
              const x = accumulate(gs);
              for (const [k, [n, d]] of Object.entries(partsOf(x))) {
                if (keys.has(`cases.${k}`)) out.push({ group, key: `cases.${k}`, n, d });
              }
              for (const [t, n] of Object.entries(x.byType)) {
                if (keys.has(`cases.reported.${t}`))
                  out.push({ group, key: `cases.reported.${t}`, n, d: null });
              }
            }
          }),
        );
      }
      if (keys.has('cases.open') || keys.has('cases.overdue')) {
        jobs.push(
          sql<{ grp: number | null; open: number; overdue: number }>`
            SELECT ${grp('c')} AS grp, count(*)::int AS open,
              count(*) FILTER (WHERE c.state IN ('reported','accepted','dispatched','handling','feedback')
                AND c.stage_due_at < ${q.now})::int AS overdue
            FROM cases c
            WHERE c.state NOT IN ('closed', 'rejected') AND ${scope('c')}
            GROUP BY 1`
            .execute(db)
            .then((r) => {
              for (const x of r.rows) {
                if (keys.has('cases.open')) out.push({ group: x.grp, key: 'cases.open', n: x.open, d: null });
                if (keys.has('cases.overdue'))
                  out.push({ group: x.grp, key: 'cases.overdue', n: x.overdue, d: null });
              }
            }),
        );
      }
      await Promise.all(jobs);
      return out;
    },
  };
}
