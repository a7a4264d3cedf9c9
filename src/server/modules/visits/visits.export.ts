import type { z } from 'zod';
import { maskId, maskPhone } from '../../../contract/identifiers.js';
import { TAGS, type TagCode } from '../../../contract/tags.js';
import type { PatrolListQuery, PlanItem, VisitListQuery, VisitStatsQuery } from '../../../contract/visits.js';
import { exportLedger, localStamp, type XlsxColumn } from '../../engines/sheets/index.js';
import type { Ctx, Services } from '../../platform/services.js';
import type { VisitsService } from './visits.service.js';

/** At most this many rows per export of visits, patrols or plans. */
export const VISIT_EXPORT_CAP = 20_000;
/** Exports of the visits module's ledgers per user per hour (all four together). */
export const VISIT_EXPORT_LIMIT = 20;
const PAGE = 500;
const ACTIONS = ['visit.export', 'patrol.export', 'visit_plan.export', 'visit_stats.export'];

const METHOD: Record<string, string> = { home: '入户', phone: '电话', elsewhere: '其他地点' };
const local = (iso: string | null) => (iso ? localStamp(new Date(iso)).time : null);

/** Runs of seven or more digits in free text (findings, notes), masked as IDs (15–18) or phones. */
export function maskDigits(text: string): string {
  return text.replace(/\d{7,}[\dXx]?/g, (m) => (m.length >= 15 ? maskId(m) : maskPhone(m)) ?? '');
}

/**
 * A visits ledger's export on the sheets engine (limited, audited, watermarked): the caller has
 * counted already (the first page's total), so the count is handed over as it is. The visits
 * exports share VISIT_EXPORT_LIMIT an hour.
 */
function auditedXlsx(
  s: Services,
  ctx: Ctx,
  o: {
    action: string;
    entityType: string;
    query: unknown;
    rows: number;
    capped: boolean;
    title: string;
    file: string;
    columns: XlsxColumn[];
    records: () => AsyncIterable<Record<string, string | number | null>>;
  },
) {
  return exportLedger(s, ctx, {
    action: o.action,
    entityType: o.entityType,
    query: o.query,
    count: async () => (o.capped ? VISIT_EXPORT_CAP + 1 : o.rows),
    rows: () => o.records(),
    sheetName: o.title,
    fileName: o.title,
    asciiName: o.file,
    columns: o.columns,
    limit: { perHour: VISIT_EXPORT_LIMIT, actions: ACTIONS },
    cap: VISIT_EXPORT_CAP,
  });
}

type Paged = { page: number; pageSize: number };

/** The visits log (its filters and sort) as .xlsx: what the actor may read. */
export async function exportVisits(
  s: Services,
  svc: VisitsService,
  ctx: Ctx,
  q: Omit<z.infer<typeof VisitListQuery>, keyof Paged>,
) {
  const first = await svc.visits(ctx, { ...q, page: 1, pageSize: PAGE }, { countCap: VISIT_EXPORT_CAP });
  const n = Math.min(first.total, VISIT_EXPORT_CAP);
  return auditedXlsx(s, ctx, {
    action: 'visit.export',
    entityType: 'visit',
    query: q.q ? { ...q, q: maskDigits(q.q) } : q,
    rows: n,
    capped: first.total > VISIT_EXPORT_CAP,
    title: '走访台账',
    file: 'visits',
    columns: [
      { header: '走访时间', key: 'visitedAt', width: 17 },
      { header: '走访对象', key: 'personName', width: 10 },
      { header: '走访规则', key: 'ruleName', width: 16 },
      { header: '方式', key: 'method', width: 8 },
      { header: '见到', key: 'met', width: 12 },
      { header: '走访情况', key: 'findings', width: 40 },
      { header: '走访人', key: 'visitor', width: 10 },
      { header: '发现事件', key: 'cases', width: 22 },
    ],
    async *records() {
      let left = n;
      for (let page = 1; left > 0; page++) {
        const items =
          page === 1 ? first.items : (await svc.visits(ctx, { ...q, page, pageSize: PAGE })).items;
        if (items.length === 0) break;
        for (const v of items.slice(0, left))
          yield {
            visitedAt: local(v.visitedAt),
            personName: v.personName,
            ruleName: v.ruleName,
            method: METHOD[v.method] ?? v.method,
            met: maskDigits(v.met),
            findings: maskDigits(v.findings),
            visitor: v.visitor.name,
            cases: v.cases.map((c) => c.no).join('、'),
          };
        left -= items.length;
      }
    },
  });
}

/** The patrol log (its filters and sort) as .xlsx. */
export async function exportPatrols(
  s: Services,
  svc: VisitsService,
  ctx: Ctx,
  q: Omit<z.infer<typeof PatrolListQuery>, keyof Paged>,
) {
  const first = await svc.patrols(ctx, { ...q, page: 1, pageSize: PAGE }, { countCap: VISIT_EXPORT_CAP });
  const n = Math.min(first.total, VISIT_EXPORT_CAP);
  return auditedXlsx(s, ctx, {
    action: 'patrol.export',
    entityType: 'patrol',
    query: q,
    rows: n,
    capped: first.total > VISIT_EXPORT_CAP,
    title: '巡查台账',
    file: 'patrols',
    columns: [
      { header: '开始时间', key: 'startedAt', width: 17 },
      { header: '结束时间', key: 'endedAt', width: 17 },
      { header: '巡查区域', key: 'areaName', width: 14 },
      { header: '巡查人', key: 'user', width: 10 },
      { header: '时长（分钟）', key: 'minutes', width: 10 },
      { header: '里程（米）', key: 'distanceM', width: 10 },
      { header: '备注', key: 'note', width: 30 },
      { header: '发现事件', key: 'cases', width: 22 },
    ],
    async *records() {
      let left = n;
      for (let page = 1; left > 0; page++) {
        const items =
          page === 1 ? first.items : (await svc.patrols(ctx, { ...q, page, pageSize: PAGE })).items;
        if (items.length === 0) break;
        for (const p of items.slice(0, left))
          yield {
            startedAt: local(p.startedAt),
            endedAt: p.endedAt ? local(p.endedAt) : '进行中',
            areaName: p.areaName,
            user: p.user.name,
            minutes: p.minutes,
            distanceM: p.distanceM,
            note: p.note ? maskDigits(p.note) : null,
            cases: p.cases.map((c) => c.no).join('、'),
          };
        left -= items.length;
      }
    },
  });
}

/** Visits and patrol coverage per grid for a period, as .xlsx (one row per grid and a total). */
export async function exportStats(
  s: Services,
  svc: VisitsService,
  ctx: Ctx,
  q: z.infer<typeof VisitStatsQuery>,
) {
  const st = await svc.stats(ctx, q);
  const sum = (k: 'plans' | 'due' | 'doneOnTime' | 'doneLate' | 'overdue' | 'neverVisited' | 'visits') =>
    st.rows.reduce((a, r) => a + r[k], 0);
  const psum = (k: 'patrols' | 'patrolDays' | 'patrolMinutes') => st.rows.reduce((a, r) => a + r[k], 0);
  return auditedXlsx(s, ctx, {
    action: 'visit_stats.export',
    entityType: 'visit',
    query: q,
    rows: st.rows.length,
    capped: false,
    title: `走访巡查统计 ${q.from} 至 ${q.to}`,
    file: 'visit-stats',
    columns: [
      { header: '网格', key: 'areaName', width: 22 },
      { header: '网格员', key: 'workers', width: 16 },
      { header: '走访计划', key: 'plans', width: 9 },
      { header: '应访', key: 'due', width: 8 },
      { header: '按时走访', key: 'doneOnTime', width: 9 },
      { header: '逾期走访', key: 'doneLate', width: 9 },
      { header: '逾期未访', key: 'overdue', width: 9 },
      { header: '从未走访', key: 'neverVisited', width: 9 },
      { header: '走访次数', key: 'visits', width: 9 },
      { header: '巡查次数', key: 'patrols', width: 9 },
      { header: '巡查天数', key: 'patrolDays', width: 9 },
      { header: '巡查时长（分钟）', key: 'patrolMinutes', width: 12 },
    ],
    async *records() {
      for (const r of st.rows)
        yield {
          areaName: r.areaName,
          workers: r.workerNames.join('、'),
          plans: r.plans,
          due: r.due,
          doneOnTime: r.doneOnTime,
          doneLate: r.doneLate,
          overdue: r.overdue,
          neverVisited: r.neverVisited,
          visits: r.visits,
          patrols: r.patrols,
          patrolDays: r.patrolDays,
          patrolMinutes: r.patrolMinutes,
        };
      if (st.rows.length > 1)
        yield {
          areaName: '合计',
          workers: null,
          plans: sum('plans'),
          due: sum('due'),
          doneOnTime: sum('doneOnTime'),
          doneLate: sum('doneLate'),
          overdue: sum('overdue'),
          neverVisited: sum('neverVisited'),
          visits: sum('visits'),
          patrols: psum('patrols'),
          patrolDays: psum('patrolDays'),
          patrolMinutes: psum('patrolMinutes'),
        };
    },
  });
}

type PlansQuery = Parameters<VisitsService['plans']>[1];

/** The visit plans (supervision: its filters) as .xlsx. */
export async function exportPlans(
  s: Services,
  svc: VisitsService,
  ctx: Ctx,
  q: Omit<PlansQuery, keyof Paged>,
) {
  const first = await svc.plans(ctx, { ...q, page: 1, pageSize: PAGE } as PlansQuery);
  const n = Math.min(first.total, VISIT_EXPORT_CAP);
  const row = (p: PlanItem) => ({
    personName: p.personName,
    age: p.age,
    address: p.address,
    tags: p.tags.map((t) => TAGS[t as TagCode]?.zh ?? t).join('、'),
    ruleName: p.ruleName,
    mustVisit: p.mustVisit ? '是' : '否',
    dueOn: p.dueOn,
    overdueDays: p.overdueDays > 0 ? p.overdueDays : null,
    lastVisitOn: p.lastVisitOn,
    visitor: p.visitor?.name ?? null,
  });
  return auditedXlsx(s, ctx, {
    action: 'visit_plan.export',
    entityType: 'visit_plan',
    query: q,
    rows: n,
    capped: first.total > VISIT_EXPORT_CAP,
    title: '走访计划台账',
    file: 'visit-plans',
    columns: [
      { header: '走访对象', key: 'personName', width: 10 },
      { header: '年龄', key: 'age', width: 6 },
      { header: '住址', key: 'address', width: 30 },
      { header: '标签', key: 'tags', width: 18 },
      { header: '走访规则', key: 'ruleName', width: 16 },
      { header: '必访', key: 'mustVisit', width: 6 },
      { header: '应访日期', key: 'dueOn', width: 12 },
      { header: '逾期天数', key: 'overdueDays', width: 9 },
      { header: '上次走访', key: 'lastVisitOn', width: 12 },
      { header: '负责走访人', key: 'visitor', width: 10 },
    ],
    async *records() {
      let left = n;
      for (let page = 1; left > 0; page++) {
        const items =
          page === 1
            ? first.items
            : (await svc.plans(ctx, { ...q, page, pageSize: PAGE } as PlansQuery)).items;
        if (items.length === 0) break;
        for (const p of items.slice(0, left)) yield row(p);
        left -= items.length;
      }
    },
  });
}
