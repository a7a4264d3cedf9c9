import type { z } from 'zod';
import type { AuditExportQuery } from '../../../contract/audit.js';
import { exportLedger } from '../../engines/sheets/index.js';
import type { Ctx, Services } from '../../platform/services.js';
import { AuditPresenter, localTime } from './audit.presenter.js';
import { auditRepo } from './audit.repository.js';

/** At most this many entries per export, read 2,000 at a time (keyset on seq). */
export const AUDIT_EXPORT_CAP = 100_000;
/** Exports per user per hour. */
export const AUDIT_EXPORT_LIMIT = 20;
const PAGE = 2000;

const COLUMNS = {
  zh: [
    { header: '时间', key: 'at', width: 17 },
    { header: '操作人', key: 'actor', width: 12 },
    { header: '登录名', key: 'username', width: 14 },
    { header: '动作', key: 'action', width: 14 },
    { header: '内容', key: 'sentence', width: 48 },
    { header: '详情', key: 'fields', width: 48 },
    { header: '结果', key: 'result', width: 6 },
    { header: '来源 IP', key: 'ip', width: 16 },
    { header: '序号', key: 'seq', width: 8 },
  ],
  en: [
    { header: 'Time', key: 'at', width: 17 },
    { header: 'Operator', key: 'actor', width: 16 },
    { header: 'User name', key: 'username', width: 14 },
    { header: 'Action', key: 'action', width: 20 },
    { header: 'What happened', key: 'sentence', width: 48 },
    { header: 'Details', key: 'fields', width: 48 },
    { header: 'Result', key: 'result', width: 8 },
    { header: 'Source IP', key: 'ip', width: 16 },
    { header: 'Seq', key: 'seq', width: 8 },
  ],
};

/**
 * The audit log as .xlsx for the same filters as the page, in the request's language, on the
 * sheets engine (streamed, formula-safe, watermarked). The export is itself audited, in its own
 * transaction before the first byte leaves, with the filters and the row count.
 */
export async function exportAudit(s: Services, ctx: Ctx, q: z.infer<typeof AuditExportQuery>) {
  const repo = auditRepo(s.db);
  const lang = ctx.lang;
  const { sort: _sort, ...query } = q;
  async function* records(n: number) {
    let before: number | null = null;
    let left = n;
    while (left > 0) {
      const batch = await repo.batch(q, before, Math.min(PAGE, left));
      if (batch.length === 0) break;
      before = batch.at(-1)!.seq;
      left -= batch.length;
      const p = new AuditPresenter(lang, await repo.names(batch));
      for (const r of batch) {
        const e = p.entry(r);
        yield {
          at: localTime(r.at),
          actor: e.actorLabel,
          username: r.actorName,
          action: e.actionLabel,
          sentence: e.sentence,
          fields: p.fieldsText(e.fields),
          result: r.success ? (lang === 'zh' ? '成功' : 'Success') : lang === 'zh' ? '失败' : 'Failed',
          ip: r.ip,
          seq: r.seq,
        };
      }
    }
  }
  const title = lang === 'zh' ? '审计日志' : 'Audit log';
  return exportLedger(s, ctx, {
    action: 'audit.export',
    entityType: null,
    query,
    count: (cap) => repo.count(q, cap),
    rows: records,
    sheetName: title,
    fileName: title,
    asciiName: 'audit',
    columns: COLUMNS[lang],
    limit: { perHour: AUDIT_EXPORT_LIMIT },
    cap: AUDIT_EXPORT_CAP,
    watermark: (who, time) =>
      lang === 'zh'
        ? `导出人 ${who} ${time} 仅限审计工作使用，注意保密`
        : `Exported by ${who} ${time} for audit work only, confidential`,
  });
}
