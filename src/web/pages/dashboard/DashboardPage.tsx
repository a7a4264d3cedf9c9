import { DownloadOutlined, FundProjectionScreenOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  Breadcrumb,
  Button,
  Card,
  Col,
  Empty,
  Row,
  Select,
  Skeleton,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { SortOrder } from 'antd/es/table/interface';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { download } from '../../app/api.js';
import { type TFunction, useT } from '../../app/i18n.js';
import { ErrorState, PageHeader, useIsMobile, useNotify } from '../../app/ui.js';
import { useAreaMap } from '../areas/queries.js';
import { type Period, PeriodPicker } from '../cases/period.js';
import {
  type Dashboard,
  type DashboardFigure,
  dashboardKeys,
  useDashboard,
  useDashboardMap,
} from './queries.js';
import { Choropleth, DashFigureCard, formatValue, readDashPeriod, SECTIONS } from './shared.js';
import './dashboard.css';

const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

/** The map's figure unless the URL picks one: open cases. */
const DEFAULT_MAP_FIGURE = 'cases.open';
const DEFAULT_RANK_FIGURE = 'cases.open';

/** Figures as Select options, grouped by section. */
function figureOptions(t: TFunction, figures: DashboardFigure[]) {
  const sections = [...SECTIONS, ...new Set(figures.map((f) => f.section))].filter(
    (s, i, all) => all.indexOf(s) === i,
  );
  return sections
    .map((s) => ({
      label: sectionName(t, s),
      title: s,
      options: figures.filter((f) => f.section === s).map((f) => ({ value: f.key, label: f.name })),
    }))
    .filter((g) => g.options.length > 0);
}

function sectionName(t: TFunction, s: string): string {
  return (SECTIONS as readonly string[]).includes(s)
    ? t(`dash.section.${s as (typeof SECTIONS)[number]}`)
    : s;
}

/** Where a figure's drill goes: its list with the query, as a react-router location. */
export function drillTo(f: DashboardFigure): string | null {
  if (!f.drill) return null;
  const qs = new URLSearchParams(f.drill.query).toString();
  return qs ? `${f.drill.path}?${qs}` : f.drill.path;
}

export default function DashboardPage() {
  const t = useT();
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { fail, ok } = useNotify();
  const [sp, setSp] = useSearchParams();
  const areaId = num(sp.get('areaId'));
  const period = readDashPeriod(sp);
  const params = { areaId, from: period.from, to: period.to };
  const view = useDashboard(params);
  const [exporting, setExporting] = useState(false);

  /** Filters go to the URL; a new area is a new page (Back returns), the rest replace. */
  const update = (patch: Record<string, string | number | undefined>, push = false) =>
    setSp(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch)) {
          if (v === undefined || v === '') next.delete(k);
          else next.set(k, String(v));
        }
        return next;
      },
      { replace: !push },
    );
  const setPeriod = (p: Period) =>
    update({ from: p.from, to: p.to, period: p.kind === 'custom' ? 'custom' : undefined });
  const openArea = (id: number) => update({ areaId: id }, true);

  const onExport = async () => {
    setExporting(true);
    try {
      const name = await download(
        '/api/dashboard/export',
        { areaId: view.data?.area.id ?? areaId, from: period.from, to: period.to },
        `dashboard-${period.from}-${period.to}.xlsx`,
      );
      ok(t('dash.exported', { name }));
    } catch (e) {
      fail(e);
    } finally {
      setExporting(false);
    }
  };
  const refresh = () => void qc.invalidateQueries({ queryKey: dashboardKeys.all });

  const d = view.data;
  const screenHref = `/screen${d ? `?areaId=${d.area.id}` : ''}`;

  return (
    <>
      <PageHeader
        title={t('nav.dashboard')}
        extra={
          <>
            <Tooltip title={t('dash.refresh')}>
              <Button
                icon={<ReloadOutlined spin={view.isFetching && !view.isPending} />}
                onClick={refresh}
                aria-label={t('dash.refresh')}
                data-testid="dash-refresh"
              />
            </Tooltip>
            <Button
              icon={<DownloadOutlined />}
              loading={exporting}
              disabled={!d}
              onClick={() => void onExport()}
              data-testid="dash-export"
            >
              {t('dash.export')}
            </Button>
            <Link to={screenHref} data-testid="dash-screen">
              <Button icon={<FundProjectionScreenOutlined />}>{t('dash.screen')}</Button>
            </Link>
          </>
        }
      />
      <div className="jy-dash-toolbar">
        <div className="jy-dash-toolbar-row">
          {d ? (
            <Breadcrumb
              data-testid="dash-trail"
              items={d.trail.map((a, i) => ({
                key: a.id,
                title:
                  i === d.trail.length - 1 ? (
                    <span data-testid="dash-area" style={{ fontWeight: 600 }}>
                      {a.name}
                    </span>
                  ) : (
                    <Typography.Link onClick={() => openArea(a.id)} data-testid={`dash-trail-${a.id}`}>
                      {a.name}
                    </Typography.Link>
                  ),
              }))}
            />
          ) : (
            <Skeleton.Input active size="small" />
          )}
          {d ? <Freshness d={d} /> : null}
        </div>
        <div style={{ minWidth: 0, maxWidth: '100%', overflowX: 'auto' }}>
          <PeriodPicker value={period} onChange={setPeriod} />
        </div>
        {d ? (
          <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="dash-compare">
            {t('dash.compareWith', { from: d.previous.from, to: d.previous.to })}
          </Typography.Text>
        ) : null}
      </div>

      {view.error && !d ? (
        <ErrorState error={view.error} onRetry={() => void view.refetch()} />
      ) : !d ? (
        <DashSkeleton mobile={mobile} />
      ) : d.figures.length === 0 && d.children.length === 0 ? (
        <Card>
          <Empty
            image={Empty.PRESENTED_IMAGE_SIMPLE}
            description={t('dash.empty')}
            data-testid="dash-empty"
          />
        </Card>
      ) : (
        <div
          style={{ opacity: view.isPlaceholderData ? 0.6 : 1, transition: 'opacity .2s' }}
          data-testid="dash-body"
          data-area={d.area.id}
          data-loading={view.isPlaceholderData ? '1' : '0'}
        >
          <Figures d={d} onOpen={(f) => navigate(drillTo(f) ?? '')} />
          <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
            <Col xs={24} xl={10}>
              <Ranking d={d} sp={sp} update={update} onOpen={openArea} />
            </Col>
            <Col xs={24} xl={14}>
              <GridMap d={d} sp={sp} update={update} onOpen={openArea} mobile={mobile} />
            </Col>
          </Row>
        </div>
      )}
    </>
  );
}

function Freshness({ d }: { d: Dashboard }) {
  const t = useT();
  return (
    <Space size={6} className="jy-dash-fresh" data-testid="dash-fresh">
      <span>{t('dash.computedAt', { time: dayjs(d.computedAt).format('HH:mm:ss') })}</span>
      {d.cached ? (
        <Tooltip title={t('dash.cachedHint')}>
          <Tag style={{ marginInlineEnd: 0 }} data-testid="dash-cached">
            {t('dash.cached')}
          </Tag>
        </Tooltip>
      ) : null}
    </Space>
  );
}

function DashSkeleton({ mobile }: { mobile: boolean }) {
  return (
    <div data-testid="dash-loading">
      <Row gutter={[12, 12]}>
        {Array.from({ length: mobile ? 4 : 12 }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: placeholders
          <Col key={i} xs={12} sm={8} lg={6} xl={4}>
            <Card size="small">
              <Skeleton active title={false} paragraph={{ rows: 2 }} />
            </Card>
          </Col>
        ))}
      </Row>
      <Card size="small" style={{ marginTop: 16 }}>
        <Skeleton active paragraph={{ rows: 6 }} />
      </Card>
    </div>
  );
}

function Figures({ d, onOpen }: { d: Dashboard; onOpen: (f: DashboardFigure) => void }) {
  const t = useT();
  const sections = [...SECTIONS, ...new Set(d.figures.map((f) => f.section))].filter(
    (s, i, all) => all.indexOf(s) === i && d.figures.some((f) => f.section === s),
  );
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="dash-figures">
      {sections.map((s) => (
        <section key={s} data-testid={`dash-section-${s}`}>
          <Typography.Title level={5} className="jy-dash-section-title">
            {sectionName(t, s)}
          </Typography.Title>
          <Row gutter={[12, 12]}>
            {d.figures
              .filter((f) => f.section === s)
              .map((f) => (
                <Col key={f.key} xs={12} sm={8} lg={6} xl={4}>
                  <DashFigureCard
                    f={f}
                    previousRange={d.previous}
                    onOpen={f.drill ? () => onOpen(f) : undefined}
                  />
                </Col>
              ))}
          </Row>
        </section>
      ))}
    </Space>
  );
}

interface PanelProps {
  d: Dashboard;
  sp: URLSearchParams;
  update: (patch: Record<string, string | number | undefined>) => void;
  onOpen: (id: number) => void;
}

function pickFigure(d: Dashboard, asked: string | null, fallback: string): DashboardFigure | undefined {
  return d.figures.find((f) => f.key === asked) ?? d.figures.find((f) => f.key === fallback) ?? d.figures[0];
}

function Ranking({ d, sp, update, onOpen }: PanelProps) {
  const t = useT();
  const figure = pickFigure(d, sp.get('rank'), DEFAULT_RANK_FIGURE);
  const [order, setOrder] = useState<SortOrder>('descend');
  const rows = useMemo(() => {
    if (!figure) return [];
    const sign = order === 'ascend' ? 1 : -1;
    return [...d.children]
      .map((c) => ({ ...c, value: c.values[figure.key] ?? null }))
      .sort((a, b) => {
        if (a.value === null && b.value === null) return 0;
        if (a.value === null) return 1;
        if (b.value === null) return -1;
        return sign * (a.value - b.value);
      })
      .map((c, i) => ({ ...c, rank: i + 1 }));
  }, [d.children, figure, order]);

  return (
    <Card
      size="small"
      title={t('dash.ranking')}
      data-testid="dash-ranking"
      extra={
        figure ? (
          <Select
            size="small"
            value={figure.key}
            onChange={(v) => update({ rank: v })}
            options={figureOptions(t, d.figures)}
            showSearch={{ optionFilterProp: 'label' }}
            popupMatchSelectWidth={false}
            style={{ width: 180 }}
            aria-label={t('dash.rankBy')}
            data-testid="dash-rank-figure"
          />
        ) : null
      }
    >
      {d.children.length === 0 || !figure ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dash.noChildren')} />
      ) : (
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={rows}
          scroll={rows.length > 12 ? { y: 440 } : undefined}
          onChange={(_p, _f, sorter) => {
            const s = Array.isArray(sorter) ? sorter[0] : sorter;
            setOrder(s?.order ?? 'descend');
          }}
          onRow={(r) => ({
            onClick: () => onOpen(r.id),
            style: { cursor: 'pointer' },
            'data-testid': `rank-row-${r.id}`,
          })}
          columns={[
            { title: t('dash.rankNo'), dataIndex: 'rank', width: 56, align: 'center' as const },
            {
              title: t('dash.rankName'),
              dataIndex: 'name',
              render: (v: string, r) => (
                <Typography.Link
                  onClick={(e) => {
                    e.stopPropagation();
                    onOpen(r.id);
                  }}
                  data-testid={`rank-open-${r.id}`}
                >
                  {v}
                </Typography.Link>
              ),
            },
            {
              title: figure.name,
              dataIndex: 'value',
              align: 'right' as const,
              sorter: true,
              sortOrder: order,
              sortDirections: ['descend', 'ascend', 'descend'],
              render: (v: number | null) => (
                <span style={{ fontVariantNumeric: 'tabular-nums' }}>{formatValue(t, figure.unit, v)}</span>
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}

function GridMap({ d, sp, update, onOpen, mobile }: PanelProps & { mobile: boolean }) {
  const t = useT();
  const figure = pickFigure(d, sp.get('figure'), DEFAULT_MAP_FIGURE);
  // The boundaries under the node, or under its grid when the node lies inside one.
  const grid = [...d.trail].reverse().find((a) => a.kind === 'grid');
  const root = d.area.kind === 'grid' || !grid ? d.area.id : grid.id;
  const boundaries = useAreaMap(root);
  const values = useDashboardMap(
    { areaId: d.area.id, from: d.from, to: d.to, figure: figure?.key ?? '' },
    { enabled: !!figure },
  );
  const error = boundaries.error ?? values.error;
  const loading = boundaries.isPending || (values.isPending && !!figure);
  const withBoundary = new Set((boundaries.data?.features ?? []).map((f) => f.id));
  const drawn = (values.data?.grids ?? []).filter((g) => withBoundary.has(g.id));

  return (
    <Card
      size="small"
      title={t('dash.map')}
      data-testid="dash-map"
      extra={
        figure ? (
          <Select
            size="small"
            value={figure.key}
            onChange={(v) => update({ figure: v })}
            options={figureOptions(t, d.figures)}
            showSearch={{ optionFilterProp: 'label' }}
            popupMatchSelectWidth={false}
            style={{ width: 180 }}
            aria-label={t('dash.mapFigure')}
            data-testid="dash-map-figure"
          />
        ) : null
      }
    >
      {error ? (
        <ErrorState
          compact
          error={error}
          onRetry={() => {
            void boundaries.refetch();
            void values.refetch();
          }}
        />
      ) : loading ? (
        <Skeleton.Node active style={{ width: '100%', height: 300 }} />
      ) : !values.data || drawn.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dash.noBoundaries')} />
      ) : (
        <>
          <Choropleth
            features={boundaries.data?.features ?? []}
            grids={drawn}
            unit={values.data.figure.unit}
            better={values.data.figure.better}
            height={mobile ? 280 : 400}
            labels={drawn.length <= 40}
            onOpen={(id) => (id === d.area.id ? undefined : onOpen(id))}
            data-testid="dash-choropleth"
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t(mobile ? 'dash.mapHintTouch' : 'dash.mapHint')}
          </Typography.Text>
        </>
      )}
    </Card>
  );
}
