import { Button, Card, Progress, Space, Table, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useT } from '../../app/i18n.js';
import { ErrorState, emptyText, PageHeader, QueryState, useIsMobile } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
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
  const [sp, setSp] = useSearchParams();
  const areaId = num(sp.get('areaId'));
  const period = readPeriod(sp);
  const stats = useVisitStats({ areaId, from: period.from, to: period.to });

  const update = (patch: Record<string, string | number | undefined>) =>
    setSp(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch)) {
          if (v === undefined || v === '') next.delete(k);
          else next.set(k, String(v));
        }
        return next;
      },
      { replace: true },
    );
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
      <span data-testid={testId}>{n}</span>
    );

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
      {stats.error && !stats.data ? (
        <ErrorState error={stats.error} onRetry={() => void stats.refetch()} />
      ) : (
        <QueryState query={stats} rows={8}>
          {(s) => {
            const total = sumRows(s.rows);
            if (mobile) {
              return (
                <Space orientation="vertical" size={10} style={{ width: '100%' }} data-testid="stats-table">
                  {s.rows.length === 0 ? emptyText(t('stats.empty')) : null}
                  {s.rows.map((r) => (
                    <Card
                      key={r.areaId}
                      size="small"
                      title={r.areaName}
                      extra={<Rate r={r} />}
                      data-testid={`stats-row-${r.areaId}`}
                    >
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
                          {r.patrols} · {t('stats.daysN', { n: r.patrolDays })} ·{' '}
                          {formatMinutes(t, r.patrolMinutes)}
                        </b>
                      </div>
                    </Card>
                  ))}
                </Space>
              );
            }
            return (
              <Space orientation="vertical" size={8} style={{ width: '100%' }}>
                <Table<VisitStatsRow>
                  rowKey="areaId"
                  size="middle"
                  pagination={false}
                  loading={stats.isFetching}
                  dataSource={s.rows}
                  scroll={{ x: 'max-content' }}
                  data-testid="stats-table"
                  locale={{ emptyText: emptyText(t('stats.empty')) }}
                  onRow={(r) => ({ 'data-testid': `stats-row-${r.areaId}` }) as object}
                  summary={() =>
                    s.rows.length > 1 ? (
                      <Table.Summary.Row style={{ fontWeight: 600, background: '#fafafa' }}>
                        <Table.Summary.Cell index={0}>{t('stats.total')}</Table.Summary.Cell>
                        <Table.Summary.Cell index={1} align="right">
                          {total.plans}
                        </Table.Summary.Cell>
                        <Table.Summary.Cell index={2} align="right">
                          {total.due}
                        </Table.Summary.Cell>
                        <Table.Summary.Cell index={3} align="right">
                          {total.doneOnTime}
                        </Table.Summary.Cell>
                        <Table.Summary.Cell index={4} align="right">
                          {total.doneLate}
                        </Table.Summary.Cell>
                        <Table.Summary.Cell index={5} align="right">
                          {total.overdue}
                        </Table.Summary.Cell>
                        <Table.Summary.Cell index={6} align="right">
                          {total.neverVisited}
                        </Table.Summary.Cell>
                        <Table.Summary.Cell index={7}>
                          <Rate r={total} />
                        </Table.Summary.Cell>
                        <Table.Summary.Cell index={8} align="right">
                          {total.visits}
                        </Table.Summary.Cell>
                        <Table.Summary.Cell index={9} align="right">
                          {total.patrols}
                        </Table.Summary.Cell>
                        <Table.Summary.Cell index={10} align="right">
                          {total.patrolDays}
                        </Table.Summary.Cell>
                        <Table.Summary.Cell index={11} align="right">
                          {formatMinutes(t, total.patrolMinutes)}
                        </Table.Summary.Cell>
                      </Table.Summary.Row>
                    ) : null
                  }
                  columns={[
                    {
                      title: t('stats.grid'),
                      key: 'grid',
                      fixed: 'left',
                      render: (_, r) => (
                        <div style={{ minWidth: 120 }}>
                          <Typography.Text strong>{r.areaName}</Typography.Text>
                          {r.workerNames.length > 0 ? (
                            <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>
                              {r.workerNames.join('、')}
                            </div>
                          ) : null}
                        </div>
                      ),
                    },
                    { title: t('stats.plans'), dataIndex: 'plans', align: 'right' },
                    { title: t('stats.due'), dataIndex: 'due', align: 'right' },
                    { title: t('stats.onTime'), dataIndex: 'doneOnTime', align: 'right' },
                    { title: t('stats.late'), dataIndex: 'doneLate', align: 'right' },
                    {
                      title: t('stats.overdue'),
                      key: 'overdue',
                      align: 'right',
                      render: (_, r) => link(r, 'overdue', r.overdue, `stats-overdue-${r.areaId}`),
                    },
                    {
                      title: t('stats.never'),
                      key: 'never',
                      align: 'right',
                      render: (_, r) => link(r, 'never', r.neverVisited, `stats-never-${r.areaId}`),
                    },
                    { title: t('stats.rate'), key: 'rate', render: (_, r) => <Rate r={r} /> },
                    { title: t('stats.visits'), dataIndex: 'visits', align: 'right' },
                    { title: t('stats.patrols'), dataIndex: 'patrols', align: 'right' },
                    { title: t('stats.patrolDays'), dataIndex: 'patrolDays', align: 'right' },
                    {
                      title: t('stats.patrolTime'),
                      key: 'minutes',
                      align: 'right',
                      render: (_, r) => formatMinutes(t, r.patrolMinutes),
                    },
                  ]}
                />
                <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
                  {t('stats.note')}
                </Typography.Paragraph>
              </Space>
            );
          }}
        </QueryState>
      )}
    </>
  );
}
