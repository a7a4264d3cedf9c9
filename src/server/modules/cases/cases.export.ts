import { sql } from 'kysely';
import { DISPUTE_OUTCOMES } from '../../../contract/case-codes.js';
import { type CaseListQuery, type CaseState, STATE_LABELS } from '../../../contract/cases.js';
import { maskPhone } from '../../../contract/identifiers.js';
import { caseTypesOf } from '../../engines/cases/registry.js';
import { separationFor } from '../../engines/cases/separation.js';
import { exportLedger, localStamp, type XlsxColumn } from '../../engines/sheets/index.js';
import type { Db } from '../../platform/db/index.js';
import type { Ctx, Services } from '../../platform/services.js';
import type { casesService } from './cases.service.js';

/** At most this many cases per export, read 1,000 at a time in the inbox's order. */
export const CASE_EXPORT_CAP = 50_000;
/** Exports of cases per user per hour. */
export const CASE_EXPORT_LIMIT = 20;
const PAGE = 1000;
/** The case ledger's and the indicators' exports share the hourly limit. */
const CASE_EXPORTS = ['case.export', 'case_indicators.export'];

export type CaseExportQuery = Omit<CaseListQuery, 'page' | 'pageSize'>;

const COLUMNS: XlsxColumn[] = [
  { header: '编号', key: 'no', width: 20 },
  { header: '类型', key: 'type', width: 10 },
  { header: '分类', key: 'category', width: 16 },
  { header: '标题', key: 'title', width: 30 },
  { header: '紧急程度', key: 'urgency', width: 8 },
  { header: '状态', key: 'state', width: 8 },
  { header: '所属区域', key: 'area', width: 30 },
  { header: '地址', key: 'address', width: 24 },
  { header: '上报人', key: 'contactName', width: 10 },
  { header: '联系电话', key: 'contactPhone', width: 14 },
  { header: '办理人', key: 'assignee', width: 10 },
  { header: '上报时间', key: 'reportedAt', width: 17 },
  { header: '当前环节期限', key: 'stageDueAt', width: 17 },
  { header: '办结期限', key: 'dueAt', width: 17 },
  { header: '结案时间', key: 'closedAt', width: 17 },
  { header: '督办', key: 'supervision', width: 6 },
  { header: '调解结果', key: 'outcome', width: 16 },
];

const local = (d: Date | null) => (d ? localStamp(d).time : null);

/**
 * The cases of an inbox and its filters, in its order, as .xlsx: the same query as the list
 * (scope in SQL: what the actor sees), phones masked, watermarked with who exported it and when,
 * capped at CASE_EXPORT_CAP rows. Audited (query, row count) before the first byte leaves, and
 * counted against CASE_EXPORT_LIMIT an hour like the people export.
 */
export async function exportCases(
  s: Services,
  svc: ReturnType<typeof casesService>,
  ctx: Ctx,
  q: CaseExportQuery,
) {
  const types = caseTypesOf(s);
  const separation = await separationFor(s).get();
  // Count and rows read from `db`, where exportLedger says (the read replica when there is one):
  // the list's own queries, compiled, run there.
  const count = async (cap: number, db: Db) => {
    const counted = await db
      .selectFrom(svc.filtered(ctx, q, separation).select(sql`1`.as('x')).limit(cap).as('t'))
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    return counted.n;
  };

  async function* records(n: number, db: Db) {
    for (let offset = 0; offset < n; offset += PAGE) {
      const page = svc
        .ordered(ctx, q, separation)
        .offset(offset)
        .limit(Math.min(PAGE, n - offset));
      const batch = (await db.executeQuery(page.compile())).rows;
      if (batch.length === 0) break;
      const names = await svc.names(
        db,
        batch.map((c) => c.areaPath),
      );
      const users = await svc.users(
        db,
        batch.map((c) => c.assigneeUserId),
      );
      for (const c of batch) {
        yield {
          no: c.no,
          type: types.defs.find((d) => d.code === c.type)?.zh ?? c.type,
          category: svc.categoryName(c.type, c.category, 'zh'),
          title: c.title,
          urgency: c.urgency === 'urgent' ? '紧急' : '一般',
          state: STATE_LABELS[c.state as CaseState]?.zh ?? c.state,
          area: svc.pathNames(c.areaPath, names).join(' / '),
          address: c.address,
          contactName: c.contactName,
          contactPhone: c.contactPhoneEnc ? maskPhone(s.keyring.decrypt(c.contactPhoneEnc)) : null,
          assignee: c.assigneeUserId ? (users.get(c.assigneeUserId) ?? null) : null,
          reportedAt: local(c.reportedAt),
          stageDueAt: local(c.stageDueAt),
          dueAt: local(c.dueAt),
          closedAt: local(c.closedAt),
          supervision: c.supervisionLevel > 0 ? `${c.supervisionLevel} 级` : null,
          outcome: c.outcome ? (DISPUTE_OUTCOMES.find((o) => o.code === c.outcome)?.zh ?? c.outcome) : null,
        };
      }
    }
  }

  const type = q.type ? types.defs.find((d) => d.code === q.type) : undefined;
  const title = type ? `${type.zh}台账` : '事件台账';
  return exportLedger(s, ctx, {
    action: 'case.export',
    entityType: 'case',
    query: q,
    count,
    rows: records,
    sheetName: title,
    fileName: title,
    asciiName: 'cases',
    columns: COLUMNS,
    limit: { perHour: CASE_EXPORT_LIMIT, actions: CASE_EXPORTS },
    cap: CASE_EXPORT_CAP,
  });
}

interface IndicatorSheet {
  areaName: string;
  from: string;
  to: string;
  figures: {
    name: string;
    value: number | null;
    numerator: number | null;
    denominator: number | null;
    unit: string;
  }[];
  byState: { state: string; count: number }[];
  byCategory: { name: string; count: number }[];
}

function figureText(f: IndicatorSheet['figures'][number]): string | number | null {
  if (f.value === null) return null;
  if (f.unit === 'rate') return `${(f.value * 100).toFixed(1).replace(/\.0$/, '')}%`;
  if (f.unit === 'hours') return `${f.value.toFixed(1)} 小时`;
  if (f.unit === 'score') return `${f.value.toFixed(2)} / 5`;
  return f.value;
}

/**
 * The case indicators of an area and period as .xlsx: the figures (value, numerator, denominator),
 * then the counts by state and by category. Audited and counted with the case exports.
 */
export async function exportIndicators(s: Services, ctx: Ctx, q: unknown, r: IndicatorSheet) {
  async function* records() {
    for (const f of r.figures)
      yield {
        section: '指标',
        name: f.name,
        value: figureText(f),
        numerator: f.numerator,
        denominator: f.denominator,
      };
    for (const x of r.byState)
      yield {
        section: '按状态',
        name: STATE_LABELS[x.state as CaseState]?.zh ?? x.state,
        value: x.count,
        numerator: null,
        denominator: null,
      };
    for (const x of r.byCategory)
      yield { section: '按分类', name: x.name, value: x.count, numerator: null, denominator: null };
  }
  return exportLedger(s, ctx, {
    action: 'case_indicators.export',
    entityType: 'case',
    query: q,
    count: async () => r.figures.length + r.byState.length + r.byCategory.length,
    rows: records,
    sheetName: '事件指标',
    fileName: `事件指标 ${r.areaName} ${r.from} 至 ${r.to}`,
    asciiName: 'case-indicators',
    columns: [
      { header: '类别', key: 'section', width: 8 },
      { header: '项目', key: 'name', width: 24 },
      { header: '数值', key: 'value', width: 12 },
      { header: '分子', key: 'numerator', width: 10 },
      { header: '分母', key: 'denominator', width: 10 },
    ],
    limit: { perHour: CASE_EXPORT_LIMIT, actions: CASE_EXPORTS },
  });
}
