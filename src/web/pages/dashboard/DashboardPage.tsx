import { DownloadOutlined, FundProjectionScreenOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  Breadcrumb,
  Button,
  Card,
  Col,
  Collapse,
  Empty,
  Row,
  Segmented,
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
import { type MessageKey, type TFunction, useI18n, useT } from '../../app/i18n.js';
import { fmtTime } from '../../app/time.js';
import { ErrorState, PageHeader, useIsMobile, useNotify } from '../../app/ui.js';
import { useAreaMap } from '../areas/queries.js';
import { type Period, PeriodPicker } from '../cases/period.js';
import {
  type AxisPoint,
  type ChartOption,
  EChart,
  partialTail,
  registerAreas,
  uniqueSeries,
} from './charts.js';
import {
  type Dashboard,
  type DashboardFigure,
  dashboardKeys,
  useDashboard,
  useDashboardTrend,
} from './queries.js';
import {
  bandLabel,
  bandsOf,
  compareText,
  DashFigureCard,
  formatValue,
  NO_VALUE,
  readDashPeriod,
  SECTIONS,
  unassignedLabel,
  vsWord,
} from './shared.js';
import './dashboard.css';

const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

/** The map's and the ranking's figure unless the URL picks one: open cases. */
const DEFAULT_MAP_FIGURE = 'cases.open';
const DEFAULT_RANK_FIGURE = 'cases.open';

/** The few figures on top, in order (a figure the user may not see is left out). */
const KEY_FIGURES = [
  'registry.people',
  'cases.reported',
  'cases.closed',
  'cases.open',
  'cases.overdue',
  'cases.closureRate',
  'visits.done',
  'registry.floatingRegistrationRate',
];

/** The trend lines: flow counts month by month. */
const TREND_FIGURES = ['cases.reported', 'cases.closed', 'visits.done', 'visits.patrols'];

const PALETTE = ['#1f6feb', '#2fb67c', '#f5a623', '#8f5cf7', '#ef5b5b', '#13a8a8', '#a0a7b4'];

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

/** The name of the level below ("网格", "grid"), for sentences. */
function kindName(t: TFunction, lang: string, kind: string | null): string {
  if (!kind) return t('dash.rankName');
  const name = t(`areaKind.${kind}` as MessageKey);
  return lang === 'en' ? name.toLowerCase() : name;
}

export default function DashboardPage() {
  const t = useT();
  const { lang } = useI18n();
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { fail, ok } = useNotify();
  const [sp, setSp] = useSearchParams();
  const areaId = num(sp.get('areaId'));
  const period = readDashPeriod(sp);
  const compare: 'year' | undefined = sp.get('compare') === 'year' ? 'year' : undefined;
  const params = { areaId, from: period.from, to: period.to, compare };
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
        { areaId: view.data?.area.id ?? areaId, from: period.from, to: period.to, compare },
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
        <div className="jy-dash-toolbar-row" style={{ justifyContent: 'flex-start' }}>
          <div style={{ minWidth: 0, maxWidth: '100%', overflowX: 'auto' }}>
            <PeriodPicker value={period} onChange={setPeriod} />
          </div>
          <Segmented
            size="small"
            value={compare ?? 'previous'}
            onChange={(v) => update({ compare: v === 'year' ? 'year' : undefined })}
            options={[
              { value: 'previous', label: t('dashx.compare.previous') },
              { value: 'year', label: t('dashx.compare.year') },
            ]}
            aria-label={t('dashx.compare')}
            data-testid="dash-compare-with"
          />
        </div>
        {d ? (
          <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="dash-compare">
            {compareText(t, lang, d.previous)}
            {d.previous.partial ? ` · ${t('dashx.through', { day: d.through })}` : ''}
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
          <KeyFigures d={d} onOpen={(f) => navigate(drillTo(f) ?? '')} />
          <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
            <Col xs={24} xl={14}>
              <Trend d={d} mobile={mobile} />
            </Col>
            <Col xs={24} xl={10}>
              <Breakdowns d={d} mobile={mobile} />
            </Col>
          </Row>
          <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
            <Col xs={24} xl={10}>
              <Ranking d={d} sp={sp} update={update} onOpen={openArea} />
            </Col>
            <Col xs={24} xl={14}>
              <AreaMap d={d} sp={sp} update={update} onOpen={openArea} mobile={mobile} />
            </Col>
          </Row>
          <AllFigures d={d} onOpen={(f) => navigate(drillTo(f) ?? '')} />
        </div>
      )}
    </>
  );
}

function Freshness({ d }: { d: Dashboard }) {
  const t = useT();
  return (
    <Space size={6} className="jy-dash-fresh" data-testid="dash-fresh">
      <span>{t('dash.computedAt', { time: fmtTime(d.computedAt, 'HH:mm:ss') })}</span>
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
        {Array.from({ length: mobile ? 4 : 8 }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: placeholders
          <Col key={i} xs={12} sm={8} lg={6}>
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

/** The few figures that matter most, large, each with its like-period comparison. */
function KeyFigures({ d, onOpen }: { d: Dashboard; onOpen: (f: DashboardFigure) => void }) {
  const t = useT();
  const byKey = new Map(d.figures.map((f) => [f.key, f]));
  const shown = KEY_FIGURES.map((k) => byKey.get(k)).filter((f): f is DashboardFigure => !!f);
  // A role that sees none of them (a custom role): the first figures it sees.
  const figures = shown.length ? shown : d.figures.slice(0, 8);
  const vs = vsWord(t, d.previous);
  return (
    <section data-testid="dash-key-figures" aria-label={t('dashx.keyFigures')}>
      <Row gutter={[12, 12]}>
        {figures.map((f) => (
          <Col key={f.key} xs={12} sm={8} lg={6}>
            <DashFigureCard
              f={f}
              big
              vs={vs}
              previousRange={d.previous}
              onOpen={f.drill ? () => onOpen(f) : undefined}
            />
          </Col>
        ))}
      </Row>
    </section>
  );
}

/** "1月" / "Jan", with the year on January and on the first month shown. */
function monthLabel(lang: string, month: string, first: boolean): string {
  const m = dayjs(`${month}-01`);
  if (lang === 'en') return m.month() === 0 || first ? m.format('MMM YY') : m.format('MMM');
  return m.month() === 0 || first ? `${m.year()}年${m.month() + 1}月` : `${m.month() + 1}月`;
}

function Trend({ d, mobile }: { d: Dashboard; mobile: boolean }) {
  const t = useT();
  const { lang } = useI18n();
  const keys = TREND_FIGURES.filter((k) => d.figures.some((f) => f.key === k));
  const trend = useDashboardTrend(
    { areaId: d.area.id, to: d.through, figures: keys.join(',') },
    { enabled: keys.length > 0 },
  );
  const tr = trend.data;
  const option = useMemo<ChartOption | null>(() => {
    if (!tr) return null;
    const labels = tr.months.map((m, i) => monthLabel(lang, m.month, i === 0));
    const partialLast = tr.months.at(-1)?.partial === true;
    return {
      color: PALETTE,
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0, type: 'scroll' },
      tooltip: {
        trigger: 'axis',
        formatter: (params: unknown) => {
          const ps = params as AxisPoint[];
          const m = tr.months[ps[0]?.dataIndex ?? 0]!;
          const head = m.partial
            ? t('dashx.trendNote', { month: labels[ps[0]?.dataIndex ?? 0]!, day: m.to })
            : labels[ps[0]?.dataIndex ?? 0]!;
          return [head, ...uniqueSeries(ps).map((p) => `${p.marker}${p.seriesName}　${p.value ?? '—'}`)].join(
            '<br/>',
          );
        },
      },
      xAxis: { type: 'category', data: labels, boundaryGap: false, axisLabel: { hideOverlap: true } },
      // Cases on the left axis, visits and patrols (ten times as many) on the right.
      yAxis: [
        { type: 'value', minInterval: 1, splitLine: { lineStyle: { type: 'dashed' } } },
        { type: 'value', minInterval: 1, splitLine: { show: false } },
      ],
      // The month so far is drawn dashed: its lower count is days not yet lived, not a fall.
      series: tr.series.flatMap((s, i) => {
        const color = PALETTE[i % PALETTE.length];
        const line = {
          type: 'line' as const,
          name: s.name,
          yAxisIndex:
            s.key.startsWith('visits.') && tr.series.some((x) => x.key.startsWith('cases.')) ? 1 : 0,
          smooth: true,
          symbolSize: 6,
          itemStyle: { color },
          lineStyle: { color },
        };
        const { done, tail } = partialTail(s.values, partialLast);
        const area = s.key === 'cases.reported' ? { opacity: 0.08 } : undefined;
        return tail
          ? [
              { ...line, data: done, areaStyle: area },
              { ...line, smooth: false, data: tail, lineStyle: { color, type: 'dashed' as const } },
            ]
          : [{ ...line, data: done, areaStyle: area }];
      }),
    };
  }, [tr, lang, t]);

  return (
    <Card size="small" title={t('dashx.trend')} data-testid="dash-trend">
      {keys.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashx.noData')} />
      ) : trend.error && !tr ? (
        <ErrorState compact error={trend.error} onRetry={() => void trend.refetch()} />
      ) : !option ? (
        <Skeleton.Node active style={{ width: '100%', height: mobile ? 220 : 280 }} />
      ) : (
        <EChart
          option={option}
          height={mobile ? 240 : 300}
          ariaLabel={t('dashx.trend')}
          data-testid="dash-trend-chart"
        />
      )}
    </Card>
  );
}

/** Breakdowns of the period's figures: cases by type, people by residence type, by age. */
function Breakdowns({ d, mobile }: { d: Dashboard; mobile: boolean }) {
  const t = useT();
  const [which, setWhich] = useState<'caseTypes' | 'residence' | 'age' | 'tags'>('caseTypes');
  const parts = (prefix: string) =>
    d.figures
      .filter((f) => f.key.startsWith(prefix) && f.key.split('.').length === prefix.split('.').length)
      .map((f) => ({
        // Short names on a chart: "网格事件上报数" → "网格事件", "Aged 18-34" → "18-34".
        name: f.name.replace(/上报数$|\s+reported$|^Aged\s+/, ''),
        value: f.value ?? 0,
        key: f.key,
      }));
  const groups = {
    caseTypes: parts('cases.reported.'),
    residence: parts('registry.people.'),
    age: parts('registry.age.'),
    tags: parts('registry.tag.'),
  };
  const available = (Object.keys(groups) as (keyof typeof groups)[]).filter((k) => groups[k].length > 0);
  const current = available.includes(which) ? which : available[0];
  const data = current ? groups[current] : [];
  const empty = data.every((x) => !x.value);
  const bar = current === 'age' || current === 'tags';
  const option = useMemo<ChartOption>(
    () =>
      bar
        ? {
            color: PALETTE,
            grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
            tooltip: { trigger: 'axis' },
            xAxis: {
              type: 'category',
              data: data.map((x) => x.name),
              axisLabel: { interval: 0, rotate: data.length > 6 ? 30 : 0 },
            },
            yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { type: 'dashed' } } },
            series: [
              {
                type: 'bar',
                data: data.map((x) => x.value),
                barMaxWidth: 28,
                itemStyle: { borderRadius: [4, 4, 0, 0] },
                label: { show: true, position: 'top' },
              },
            ],
          }
        : {
            color: PALETTE,
            tooltip: { trigger: 'item', formatter: '{b}：{c}（{d}%）' },
            legend: { bottom: 0, type: 'scroll' },
            series: [
              {
                type: 'pie',
                radius: ['42%', '68%'],
                center: ['50%', '45%'],
                data: data.map((x) => ({ name: x.name, value: x.value })),
                label: { show: !mobile, formatter: '{b}\n{c}' },
              },
            ],
          },
    [bar, data, mobile],
  );
  return (
    <Card
      size="small"
      title={current ? t(`dashx.breakdown.${current}`) : t('dashx.noData')}
      data-testid="dash-breakdown"
    >
      {available.length > 1 ? (
        <div style={{ overflowX: 'auto', maxWidth: '100%', marginBottom: 8 }}>
          <Segmented
            size="small"
            value={current}
            onChange={(v) => setWhich(v as typeof which)}
            options={available.map((k) => ({ value: k, label: t(`dashx.breakdown.${k}`) }))}
            data-testid="dash-breakdown-pick"
          />
        </div>
      ) : null}
      {!current || empty ? (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={t('dashx.noData')}
          style={{ height: mobile ? 220 : 280, display: 'grid', placeContent: 'center' }}
        />
      ) : (
        <EChart option={option} height={mobile ? 240 : 268} data-testid="dash-breakdown-chart" />
      )}
    </Card>
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

type RankRow = {
  id: number;
  name: string;
  value: number | null;
  rank: number | null;
  rest?: boolean;
};

function Ranking({ d, sp, update, onOpen }: PanelProps) {
  const t = useT();
  const { lang } = useI18n();
  const figure = pickFigure(d, sp.get('rank'), DEFAULT_RANK_FIGURE);
  const [order, setOrder] = useState<SortOrder>('descend');
  const rest = figure ? d.unassigned?.values[figure.key] : undefined;
  const label = unassignedLabel(t, d.childKind);
  const rows = useMemo<RankRow[]>(() => {
    if (!figure) return [];
    const sign = order === 'ascend' ? 1 : -1;
    const ranked: RankRow[] = [...d.children]
      .map((c) => ({ id: c.id, name: c.name, value: c.values[figure.key] ?? null, rank: null }))
      .sort((a, b) => {
        if (a.value === null && b.value === null) return 0;
        if (a.value === null) return 1;
        if (b.value === null) return -1;
        return sign * (a.value - b.value);
      })
      .map((c, i) => ({ ...c, rank: i + 1 }));
    // What the children do not hold: its own row, last, so the rows add up to the total.
    if (rest !== undefined) ranked.push({ id: -1, name: label, value: rest, rank: null, rest: true });
    return ranked;
  }, [d.children, figure, order, rest, label]);

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
      {(d.children.length === 0 && rest === undefined) || !figure ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dash.noChildren')} />
      ) : (
        <>
          <Table<RankRow>
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={rows}
            scroll={rows.length > 12 ? { y: 440 } : undefined}
            onChange={(_p, _f, sorter) => {
              const s = Array.isArray(sorter) ? sorter[0] : sorter;
              setOrder(s?.order ?? 'descend');
            }}
            onRow={(r) =>
              r.rest
                ? { 'data-testid': 'rank-row-unassigned', className: 'jy-dash-rest-row' }
                : {
                    onClick: () => onOpen(r.id),
                    style: { cursor: 'pointer' },
                    'data-testid': `rank-row-${r.id}`,
                  }
            }
            summary={() => (
              <Table.Summary fixed>
                <Table.Summary.Row className="jy-dash-total-row" data-testid="rank-total">
                  <Table.Summary.Cell index={0} />
                  <Table.Summary.Cell index={1}>
                    <strong>{t('dashx.total')}</strong>
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={2} align="right">
                    <strong style={{ fontVariantNumeric: 'tabular-nums' }}>
                      {formatValue(t, figure.unit, figure.value)}
                    </strong>
                  </Table.Summary.Cell>
                </Table.Summary.Row>
              </Table.Summary>
            )}
            columns={[
              {
                title: t('dash.rankNo'),
                dataIndex: 'rank',
                width: 56,
                align: 'center' as const,
                render: (v: number | null) => v ?? '—',
              },
              {
                title: t('dash.rankName'),
                dataIndex: 'name',
                render: (v: string, r) =>
                  r.rest ? (
                    <Typography.Text type="secondary" data-testid="rank-unassigned-name">
                      {v}
                    </Typography.Text>
                  ) : (
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
                render: (v: number | null, r) => (
                  <span
                    style={{ fontVariantNumeric: 'tabular-nums' }}
                    data-testid={r.rest ? 'rank-unassigned-value' : undefined}
                  >
                    {formatValue(t, figure.unit, v)}
                  </span>
                ),
              },
            ]}
          />
          {rest !== undefined ? (
            <Typography.Paragraph
              type="secondary"
              style={{ fontSize: 12, margin: '8px 0 0' }}
              data-testid="rank-unassigned-note"
            >
              {t('dashx.unassignedNote', {
                label,
                area: d.area.name,
                kind: kindName(t, lang, d.childKind),
                value: `${figure.name} ${formatValue(t, figure.unit, rest)}`,
                total: formatValue(t, figure.unit, figure.value),
              })}
            </Typography.Paragraph>
          ) : null}
        </>
      )}
    </Card>
  );
}

/** The areas one level down coloured by a figure: an ECharts map over their boundaries. */
function AreaMap({ d, sp, update, onOpen, mobile }: PanelProps & { mobile: boolean }) {
  const t = useT();
  const { lang } = useI18n();
  const figure = pickFigure(d, sp.get('figure'), DEFAULT_MAP_FIGURE);
  const boundaries = useAreaMap(d.area.id);
  const childIds = useMemo(() => new Set(d.children.map((c) => c.id)), [d.children]);
  const features = useMemo(
    () =>
      (boundaries.data?.features ?? []).filter(
        (f) => childIds.has(f.id) && (f.boundary?.coordinates?.[0]?.length ?? 0) >= 4,
      ),
    [boundaries.data, childIds],
  );
  const mapName = useMemo(
    () =>
      features.length
        ? registerAreas(`dash-${d.area.id}-${features.map((f) => f.id).join('.')}`, features)
        : null,
    [features, d.area.id],
  );
  const kind = kindName(t, lang, d.childKind);
  const rest = figure ? d.unassigned?.values[figure.key] : undefined;

  const option = useMemo<ChartOption | null>(() => {
    if (!mapName || !figure) return null;
    const names = new Map(d.children.map((c) => [String(c.id), c.name]));
    const values = d.children
      .filter((c) => features.some((f) => f.id === c.id))
      .map((c) => ({ name: String(c.id), value: c.values[figure.key] ?? null }));
    const bands = bandsOf(
      values.map((v) => v.value),
      figure.unit,
      figure.better,
    );
    const show = (v: unknown) =>
      formatValue(t, figure.unit, typeof v === 'number' && Number.isFinite(v) ? v : null);
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: unknown) => {
          const x = p as { name: string; value: number };
          return `${names.get(x.name) ?? ''}<br/><b>${figure.name}：${show(x.value)}</b>`;
        },
      },
      visualMap: bands.length
        ? {
            type: 'piecewise',
            pieces: bands.map((b) => ({
              min: b.min,
              max: b.max,
              color: b.color,
              label: bandLabel(t, figure.unit, b),
            })),
            left: 0,
            bottom: 0,
            itemWidth: 14,
            itemHeight: 10,
            textStyle: { fontSize: 11 },
            outOfRange: { color: NO_VALUE.light },
          }
        : undefined,
      series: [
        {
          type: 'map',
          map: mapName,
          roam: false,
          aspectScale: 0.88,
          layoutCenter: ['50%', '46%'],
          layoutSize: '92%',
          // '-': no value (a rate without a denominator), drawn grey.
          data: values.map((v) => ({
            name: v.name,
            value: v.value ?? ('-' as const),
            // White text on the two darkest colours.
            label:
              v.value !== null && bands.findIndex((b) => v.value! <= b.max) >= Math.max(2, bands.length - 2)
                ? { color: '#ffffff' }
                : undefined,
          })),
          itemStyle: { borderColor: '#ffffff', borderWidth: 1.5, areaColor: NO_VALUE.light },
          emphasis: {
            label: { show: true, fontWeight: 700 },
            itemStyle: { areaColor: '#ffd666', borderColor: '#1f1f1f' },
          },
          select: { disabled: true },
          label: {
            show: !mobile || values.length <= 12,
            fontSize: 11,
            color: '#1f1f1f',
            formatter: (p: unknown) => {
              const x = p as { name: string; value: number };
              return `${names.get(x.name) ?? ''}\n{v|${show(x.value)}}`;
            },
            rich: { v: { fontWeight: 700, fontSize: 12 } },
          },
        },
      ],
    };
  }, [mapName, figure, d.children, features, t, mobile]);

  const error = boundaries.error;
  return (
    <Card
      size="small"
      title={t('dashx.map', { kind: d.childKind ? t(`areaKind.${d.childKind}` as MessageKey) : '' })}
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
        <ErrorState compact error={error} onRetry={() => void boundaries.refetch()} />
      ) : boundaries.isPending ? (
        <Skeleton.Node active style={{ width: '100%', height: 300 }} />
      ) : !option ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashx.noBoundaries')} />
      ) : (
        <>
          <EChart
            option={option}
            height={mobile ? 300 : 420}
            onClick={(id) => {
              const n = Number(id);
              if (childIds.has(n)) onOpen(n);
            }}
            ariaLabel={t('dashx.map', { kind })}
            data-testid="dash-choropleth"
          />
          {rest !== undefined && figure ? (
            <Typography.Paragraph
              type="secondary"
              style={{ fontSize: 12, margin: 0 }}
              data-testid="map-unassigned"
            >
              {t('dashx.mapUnassigned', {
                name: figure.name,
                value: formatValue(t, figure.unit, rest),
                kind,
              })}
            </Typography.Paragraph>
          ) : null}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t(mobile ? 'dashx.mapHintTouch' : 'dashx.mapHint')}
          </Typography.Text>
        </>
      )}
    </Card>
  );
}

/** Every figure, by section, folded away under the charts. */
function AllFigures({ d, onOpen }: { d: Dashboard; onOpen: (f: DashboardFigure) => void }) {
  const t = useT();
  const vs = vsWord(t, d.previous);
  const sections = [...SECTIONS, ...new Set(d.figures.map((f) => f.section))].filter(
    (s, i, all) => all.indexOf(s) === i && d.figures.some((f) => f.section === s),
  );
  return (
    <Collapse
      style={{ marginTop: 16, background: '#fff' }}
      data-testid="dash-all"
      items={[
        {
          key: 'all',
          label: (
            <Space size={12} wrap>
              <strong>{t('dashx.allFigures', { n: d.figures.length })}</strong>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('dashx.allFiguresHint')}
              </Typography.Text>
            </Space>
          ),
          children: (
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
                            vs={vs}
                            testPrefix="all"
                            previousRange={d.previous}
                            onOpen={f.drill ? () => onOpen(f) : undefined}
                          />
                        </Col>
                      ))}
                  </Row>
                </section>
              ))}
            </Space>
          ),
        },
      ]}
    />
  );
}
