import { Button, Card, Progress, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { useT } from '../../app/i18n.js';
import { Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { PageHeader, useIsMobile } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { useArea } from '../areas/queries.js';
import { type Period, PeriodPicker, readPeriod } from '../cases/period.js';
import { useVisitStats, type VisitStatsRow } from './queries.js';
import { formatMinutes } from './shared.js';

const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

/** Visits done (on time or late) of those due; null without any due. */
export function completion(r: Pick<VisitStatsRow, 'due' | 'doneOnTime' | 'doneLate'>): number | null {
  return r.due > 0 ? (r.doneOnTime + r.doneLate) / r.due : null;
}

function Rate({ r }: { r: VisitStatsRow }) {
  const c = completion(r);
  if (c === null) return <Typography.Text type="secondary">—</Typography.Text>;
  const pct = Math.round(c * 1000) / 10;
  return (
    <div style={{ minWidth: 110 }}>
      <Progress
        percent={pct}
        size="small"
        status={pct >= 90 ? 'success' : pct >= 60 ? 'normal' : 'exception'}
        format={(p) => `${p}%`}
      />
    </div>
  );
}

function sumRows(rows: VisitStatsRow[]): VisitStatsRow {
  const keys = [
    'plans',
    'due',
    'doneOnTime',
    'doneLate',
    'overdue',
    'neverVisited',
    'visits',
    'patrols',
    'patrolDays',
    'patrolMinutes',
  ] as const;
  const total = { areaId: 0, areaName: '', workerNames: [] } as unknown as VisitStatsRow;
  for (const k of keys) total[k] = rows.reduce((s, r) => s + r[k], 0);
  return total;
}

/** "走访统计": per grid, plans due and done (on time, late), overdue, never visited, patrols. */
export default function StatsPage() {
  const t = useT();
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const lp = useLedgerParams(100);
  const { sp, update } = lp;
  const areaId = num(sp.get('areaId'));
  const area = useArea(areaId ?? null);
  const period = readPeriod(sp);
  const stats = useVisitStats({ areaId, from: period.from, to: period.to });
  const rows = stats.data?.rows;
  const query = {
    ...stats,
    data: rows ? { items: rows, total: rows.length } : undefined,
  };
  const total = rows && rows.length > 1 ? sumRows(rows) : null;

  const setPeriod = (p: Period) =>
    update(
      p.kind === 'custom'
        ? { period: 'custom', from: p.from, to: p.to }
        : { period: p.kind === 'month' ? undefined : p.kind, from: undefined, to: undefined },
    );
  const plans = (id: number, status: 'overdue' | 'never') =>
    navigate(`/visits/plans?areaId=${id}&status=${status}`);

  const link = (r: VisitStatsRow, status: 'overdue' | 'never', n: number, testId: string): ReactNode =>
    n > 0 && r.areaId ? (
      <Button
        type="link"
        size="small"
        danger
        style={{ padding: 0, height: 'auto', fontWeight: 600 }}
        onClick={() => plans(r.areaId, status)}
        data-testid={testId}
      >
        {n}
      </Button>
    ) : (
      <span data-testid={r.areaId ? testId : undefined}>{n}</span>
    );
  const pct = (r: VisitStatsRow) => {
    const c = completion(r);
    return c === null ? '' : `${Math.round(c * 1000) / 10}%`;
  };

  const columns: LedgerColumn<VisitStatsRow>[] = [
    {
      key: 'areaName',
      title: t('stats.grid'),
      value: (r) => r.areaName,
      text: (r) => (r.areaId ? r.areaName : t('stats.total')),
      render: (r) =>
        r.areaId ? (
          <div style={{ minWidth: 120 }}>
            <Typography.Text strong>{r.areaName}</Typography.Text>
            {r.workerNames.length > 0 ? (
              <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{r.workerNames.join('、')}</div>
            ) : null}
          </div>
        ) : (
          t('stats.total')
        ),
    },
    { key: 'plans', title: t('stats.plans'), align: 'right', value: (r) => r.plans },
    { key: 'due', title: t('stats.due'), align: 'right', value: (r) => r.due },
    { key: 'doneOnTime', title: t('stats.onTime'), align: 'right', value: (r) => r.doneOnTime },
    { key: 'doneLate', title: t('stats.late'), align: 'right', value: (r) => r.doneLate },
    {
      key: 'overdue',
      title: t('stats.overdue'),
      align: 'right',
      value: (r) => r.overdue,
      render: (r) => link(r, 'overdue', r.overdue, `stats-overdue-${r.areaId}`),
    },
    {
      key: 'neverVisited',
      title: t('stats.never'),
      align: 'right',
      value: (r) => r.neverVisited,
      render: (r) => link(r, 'never', r.neverVisited, `stats-never-${r.areaId}`),
    },
    {
      key: 'rate',
      title: t('stats.rate'),
      value: (r) => completion(r) ?? -1,
      render: (r) => <Rate r={r} />,
      text: pct,
    },
    { key: 'visits', title: t('stats.visits'), align: 'right', value: (r) => r.visits },
    { key: 'patrols', title: t('stats.patrols'), align: 'right', value: (r) => r.patrols },
    { key: 'patrolDays', title: t('stats.patrolDays'), align: 'right', value: (r) => r.patrolDays },
    {
      key: 'patrolMinutes',
      title: t('stats.patrolTime'),
      align: 'right',
      value: (r) => r.patrolMinutes,
      text: (r) => formatMinutes(t, r.patrolMinutes),
    },
  ];

  return (
    <>
      <PageHeader title={t('nav.visitStats')} />
      <div className="jy-filter-bar" style={{ alignItems: 'center' }}>
        <div style={{ width: mobile ? undefined : 240 }}>
          <AreaTreeSelect
            allowClear
            value={areaId ?? null}
            onChange={(v) => update({ areaId: v ?? undefined })}
            placeholder={t('indicator.myArea')}
            data-testid="stats-area"
          />
        </div>
        <div style={{ minWidth: 0 }}>
          <PeriodPicker value={period} onChange={setPeriod} />
        </div>
      </div>
      <Ledger<VisitStatsRow>
        id="visit-stats"
        title={`${t('nav.visitStats')}（${period.from} — ${period.to}）`}
        params={lp}
        query={query}
        paged={false}
        columns={columns}
        rowKey={(r) => r.areaId}
        rowTestId={(r) => `stats-row-${r.areaId}`}
        testId="stats-table"
        emptyText={t('stats.empty')}
        saveFilters={false}
        totalRow={total}
        exportTo={{
          path: '/api/visits/stats/export',
          body: { areaId, from: period.from, to: period.to },
          fileName: 'visit-stats.xlsx',
        }}
        print={{ area: area.data?.name }}
        renderCard={(r) => (
          <Card size="small" title={r.areaName} extra={<Rate r={r} />} data-testid={`stats-row-${r.areaId}`}>
            {r.workerNames.length > 0 ? (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {r.workerNames.join('、')}
              </Typography.Text>
            ) : null}
            <div className="jy-stats-grid">
              <span>{t('stats.plans')}</span>
              <b>{r.plans}</b>
              <span>{t('stats.due')}</span>
              <b>{r.due}</b>
              <span>{t('stats.onTime')}</span>
              <b>{r.doneOnTime}</b>
              <span>{t('stats.late')}</span>
              <b>{r.doneLate}</b>
              <span>{t('stats.overdue')}</span>
              <b>{link(r, 'overdue', r.overdue, `stats-overdue-${r.areaId}`)}</b>
              <span>{t('stats.never')}</span>
              <b>{link(r, 'never', r.neverVisited, `stats-never-${r.areaId}`)}</b>
              <span>{t('stats.visits')}</span>
              <b>{r.visits}</b>
              <span>{t('stats.patrols')}</span>
              <b>
                {r.patrols} · {t('stats.daysN', { n: r.patrolDays })} · {formatMinutes(t, r.patrolMinutes)}
              </b>
            </div>
          </Card>
        )}
      />
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8 }}>
        {t('stats.note')}
      </Typography.Paragraph>
    </>
  );
}
