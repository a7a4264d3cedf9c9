import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  Dashboard,
  DashboardMap,
  DashboardMapQuery,
  DashboardQuery,
  DashboardTrend,
  DashboardTrendQuery,
} from '../../../contract/dashboard.js';
import { localStamp } from '../../engines/sheets/xlsx.js';
import { inTx, type Services } from '../../platform/services.js';
import { dashboardWorkbook } from './dashboard.export.js';
import { dashboardService } from './dashboard.service.js';

const tags = ['dashboard'];
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const dashboardRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services: s },
) => {
  const svc = dashboardService(s, s.indicators ?? []);

  app.get(
    '/dashboard',
    {
      config: { permission: 'dashboard.read' },
      schema: {
        tags,
        summary:
          "Every module's figures for an area and a period, with the previous period and the areas below",
        querystring: DashboardQuery,
        response: { 200: Dashboard },
      },
    },
    async (req) => svc.dashboard(req.ctx(), req.query),
  );

  app.get(
    '/dashboard/map',
    {
      config: { permission: 'dashboard.read' },
      schema: {
        tags,
        summary: 'One figure per grid under the area (the map)',
        querystring: DashboardMapQuery,
        response: { 200: DashboardMap },
      },
    },
    async (req) => svc.map(req.ctx(), req.query),
  );

  app.get(
    '/dashboard/trend',
    {
      config: { permission: 'dashboard.read' },
      schema: {
        tags,
        summary: 'Flow figures month by month up to a day (the trend lines)',
        querystring: DashboardTrendQuery,
        response: { 200: DashboardTrend },
      },
    },
    async (req) => svc.trend(req.ctx(), req.query),
  );

  // POST with the CSRF header: an export is audited (a side effect), so a cross-site page cannot
  // start one; the view's query is the body (issue 14).
  app.post(
    '/dashboard/export',
    {
      config: { permission: 'dashboard.read' },
      schema: {
        tags,
        summary: 'The dashboard view as .xlsx, definitions on the second sheet (watermarked, audited)',
        body: DashboardQuery,
      },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const d = await svc.dashboard(ctx, req.body);
      const stamp = localStamp(s.clock.now()).time;
      const watermark =
        ctx.lang === 'zh'
          ? `导出人 ${ctx.actor.displayName}（${ctx.actor.username}） ${stamp} 仅限工作使用`
          : `Exported by ${ctx.actor.displayName} (${ctx.actor.username}) ${stamp} for official use only`;
      const body = await dashboardWorkbook(d, ctx.lang, watermark);
      await inTx(s, ctx, async (_trx, audit) => {
        await audit({
          action: 'dashboard.export',
          entityType: 'area',
          entityId: String(d.area.id),
          detail: { from: d.from, to: d.to, figures: d.figures.length },
        });
      });
      const name = `${d.area.name}-指标-${d.from}-${d.to}.xlsx`;
      return reply
        .header('content-type', XLSX_TYPE)
        .header(
          'content-disposition',
          `attachment; filename="dashboard-${d.from}-${d.to}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
        )
        .send(body);
    },
  );
};
