import { ArrowLeftOutlined } from '@ant-design/icons';
import { Spin } from 'antd';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { isApiError } from '../../app/api.js';
import { useMe } from '../../app/auth.js';
import { type MessageKey, useI18n, useT } from '../../app/i18n.js';
import { chinaDay, fmtTime } from '../../app/time.js';
import { ErrorState, Forbidden } from '../../app/ui.js';
import { useAreaMap } from '../areas/queries.js';
import type { CaseListItem } from '../cases/queries.js';
import { type ChartOption, EChart, partialTail, registerAreas, trendTooltip } from './charts.js';
import { type Dashboard, useDashboard, useDashboardTrend, useLatestCases } from './queries.js';
import { bandLabel, bandsOf, Clock, formatValue, NO_VALUE, unassignedLabel } from './shared.js';
import './dashboard.css';

/** The screen refreshes by itself this often. */
const REFRESH_MS = 30_000;

/** The big counters, in order; a figure the user may not see is left out. */
const COUNTERS: { key: string; label: MessageKey; tone?: 'warn' | 'good' }[] = [
  { key: 'cases.reported', label: 'screen.c.reported' },
  { key: 'cases.closed', label: 'screen.c.closed', tone: 'good' },
  { key: 'cases.open', label: 'screen.c.open' },
  { key: 'cases.overdue', label: 'screen.c.overdue', tone: 'warn' },
  { key: 'visits.done', label: 'screen.c.visits', tone: 'good' },
  { key: 'visits.overdue', label: 'screen.c.visitsOverdue', tone: 'warn' },
  { key: 'registry.people', label: 'screen.c.people' },
  { key: 'registry.floatingRegistrationRate', label: 'screen.c.floatingRate' },
];

const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

/** "/screen": the street command centre's wall (1920×1080, dark, no app shell). */
export default function ScreenPage() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) {
    return (
      <div className="jy-screen jy-screen-center">
        <Spin size="large" />
      </div>
    );
  }
  if (me.error) {
    const redirect = encodeURIComponent(`${location.pathname}${location.search}`);
    if (isApiError(me.error) && me.error.status === 401) {
      return <Navigate to={`/login?redirect=${redirect}`} replace />;
    }
    if (isApiError(me.error, 'PASSWORD_CHANGE_REQUIRED')) {
      return <Navigate to={`/login/change-password?redirect=${redirect}`} replace />;
    }
    return <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  }
  if (!me.data.permissions.includes('dashboard.read')) return <Forbidden />;
  return <Screen />;
}

/** The scale that fits the 1920×1080 design into a window, and the letterbox offsets. */
function stageOf(w: number, h: number): { scale: number; left: number; top: number } {
  const scale = Math.min(w / 1920, h / 1080);
  return { scale, left: (w - 1920 * scale) / 2, top: (h - 1080 * scale) / 2 };
}

function useStage() {
  const [stage, setStage] = useState(() => stageOf(window.innerWidth, window.innerHeight));
  useEffect(() => {
    const on = () => setStage(stageOf(window.innerWidth, window.innerHeight));
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, []);
  return stage;
}

const TREND = ['cases.reported', 'cases.closed'];

function Screen() {
  const t = useT();
  const { lang } = useI18n();
  const navigate = useNavigate();
  const [sp, setSp] = useSearchParams();
  const areaId = num(sp.get('areaId'));
  const today = chinaDay();
  const stage = useStage();
  const view = useDashboard({ areaId, from: today, to: today }, { refetchInterval: REFRESH_MS });
  const d = view.data;
  const boundaries = useAreaMap(d ? d.area.id : null);
  const latest = useLatestCases(d?.area.id, { enabled: !!d, refetchInterval: REFRESH_MS });
  const trendKeys = d ? TREND.filter((k) => d.figures.some((f) => f.key === k)) : [];
  const trend = useDashboardTrend(
    { areaId: d?.area.id, to: today, figures: trendKeys.join(',') },
    { enabled: trendKeys.length > 0, refetchInterval: REFRESH_MS * 10 },
  );
  // Asked for public cases only; checked again here, the wall being seen by everyone in the room.
  const latestCases = latest.data?.items.filter((c) => c.public);
  const updatedAt = Math.max(view.dataUpdatedAt, latest.dataUpdatedAt);

  const childIds = useMemo(() => new Set(d?.children.map((c) => c.id) ?? []), [d]);
  const features = useMemo(
    () =>
      (boundaries.data?.features ?? []).filter(
        (f) => childIds.has(f.id) && (f.boundary?.coordinates?.[0]?.length ?? 0) >= 4,
      ),
    [boundaries.data, childIds],
  );
  const mapName = useMemo(
    () =>
      d && features.length
        ? registerAreas(`screen-${d.area.id}-${features.map((f) => f.id).join('.')}`, features)
        : null,
    [features, d],
  );

  const wrap = (body: ReactNode) => (
    <div className="jy-screen-viewport">
      <div
        className="jy-screen jy-screen-stage"
        data-testid="screen"
        data-scale={stage.scale.toFixed(4)}
        style={{ transform: `translate(${stage.left}px, ${stage.top}px) scale(${stage.scale})` }}
      >
        {body}
      </div>
    </div>
  );

  if (view.error && !d) {
    return (
      <div className="jy-screen jy-screen-center">
        <div className="jy-screen-error">
          <ErrorState error={view.error} onRetry={() => void view.refetch()} />
        </div>
      </div>
    );
  }
  if (!d) {
    return (
      <div className="jy-screen jy-screen-center" data-testid="screen-loading">
        <Spin size="large" />
      </div>
    );
  }
  const figures = new Map(d.figures.map((f) => [f.key, f]));
  const counters = COUNTERS.filter((c) => figures.has(c.key));
  const open = figures.get('cases.open');
  const ranking = [...d.children]
    .map((c) => ({ ...c, value: c.values['cases.open'] ?? 0 }))
    .sort((a, b) => (b.value ?? 0) - (a.value ?? 0))
    .slice(0, 10);
  const rest = d.unassigned?.values['cases.open'];
  const restLabel = unassignedLabel(t, d.childKind);
  const openArea = (id: number) => setSp({ areaId: String(id) });
  const kind = childKindName(t, d);
  const title = t('screen.title', { area: d.area.name });

  return wrap(
    <>
      <header className="jy-screen-head">
        <div className="jy-screen-head-side">
          <Link to={`/dashboard?areaId=${d.area.id}`} className="jy-screen-back" data-testid="screen-back">
            <ArrowLeftOutlined /> {t('screen.back')}
          </Link>
          {d.trail.length > 1 ? (
            <span className="jy-screen-trail">
              {d.trail.slice(0, -1).map((a) => (
                <button key={a.id} type="button" onClick={() => openArea(a.id)}>
                  {a.name} /
                </button>
              ))}
            </span>
          ) : null}
        </div>
        <h1
          className="jy-screen-title"
          data-testid="screen-title"
          title={title}
          // A long name (a grid with its roads) gets a smaller font rather than a cut.
          style={{ fontSize: Math.max(24, Math.min(40, Math.floor(800 / [...title].length) - 4)) }}
        >
          {title}
        </h1>
        <div className="jy-screen-head-side right">
          <Clock
            render={(now) => (
              <span className="jy-screen-clock" data-testid="screen-clock">
                <span>{fmtTime(now, 'YYYY-MM-DD')}</span>
                <strong>{fmtTime(now, 'HH:mm:ss')}</strong>
              </span>
            )}
          />
          <span className="jy-screen-updated" data-testid="screen-updated">
            {t('screen.updatedAt', { time: fmtTime(updatedAt, 'HH:mm:ss') })}
            {view.isFetching ? ' ·' : ''}
          </span>
        </div>
      </header>

      <section className="jy-screen-counters" data-testid="screen-counters">
        {counters.map((c) => {
          const f = figures.get(c.key)!;
          return (
            <div key={c.key} className={`jy-screen-counter ${c.tone ?? ''}`} data-testid={`counter-${c.key}`}>
              <div className="jy-screen-counter-label">
                {t(c.label)}
                {f.kind === 'flow' ? <span className="jy-screen-today">{t('screen.today')}</span> : null}
              </div>
              <div className="jy-screen-counter-value" data-testid={`counter-${c.key}-value`}>
                {formatValue(t, f.unit, f.value)}
              </div>
            </div>
          );
        })}
      </section>

      <main className="jy-screen-main">
        <div className="jy-screen-col">
          <Panel title={t('screen.ranking', { kind })} testId="screen-ranking">
            {ranking.length === 0 ? (
              <div className="jy-screen-empty">{t('dash.noChildren')}</div>
            ) : (
              <>
                <EChart
                  height={rest !== undefined ? 270 : 300}
                  data-testid="screen-ranking-chart"
                  onClick={(name) => {
                    const r = ranking.find((x) => x.name === name);
                    if (r) openArea(r.id);
                  }}
                  option={{
                    grid: { left: 4, right: 44, top: 4, bottom: 4, containLabel: true },
                    xAxis: { type: 'value', show: false, minInterval: 1 },
                    yAxis: {
                      type: 'category',
                      inverse: true,
                      data: ranking.map((r) => r.name),
                      axisLine: { show: false },
                      axisTick: { show: false },
                      axisLabel: { color: '#dbe7ff', fontSize: 16, width: 150, overflow: 'truncate' },
                    },
                    series: [
                      {
                        type: 'bar',
                        data: ranking.map((r) => r.value),
                        barMaxWidth: 16,
                        showBackground: true,
                        backgroundStyle: { color: 'rgba(90, 150, 255, 0.1)', borderRadius: 8 },
                        itemStyle: {
                          borderRadius: 8,
                          color: {
                            type: 'linear',
                            x: 0,
                            y: 0,
                            x2: 1,
                            y2: 0,
                            colorStops: [
                              { offset: 0, color: '#2a72bf' },
                              { offset: 1, color: '#4fd1ff' },
                            ],
                          },
                        },
                        label: {
                          show: true,
                          position: 'right',
                          color: '#4fd1ff',
                          fontSize: 16,
                          fontWeight: 700,
                        },
                      },
                    ],
                  }}
                />
                {rest !== undefined ? (
                  <div className="jy-screen-note" data-testid="screen-unassigned">
                    {restLabel} {formatValue(t, 'count', rest)} · {t('dashx.total')}{' '}
                    {open ? formatValue(t, open.unit, open.value) : '—'}
                  </div>
                ) : null}
              </>
            )}
          </Panel>
          <Panel title={t('dashx.screenTrend')} testId="screen-trend">
            {trend.data ? (
              <EChart
                height={260}
                data-testid="screen-trend-chart"
                option={{
                  color: ['#4fd1ff', '#5be39a'],
                  grid: { left: 4, right: 12, top: 36, bottom: 4, containLabel: true },
                  legend: { top: 0, textStyle: { color: '#9fb4d6', fontSize: 14 } },
                  // A figure drawn as two series (the dashed month so far) shows once.
                  tooltip: { trigger: 'axis', formatter: trendTooltip },
                  xAxis: {
                    type: 'category',
                    boundaryGap: false,
                    data: trend.data.months.map((m) =>
                      lang === 'en' ? fmtTime(`${m.month}-01`, 'MMM') : `${Number(m.month.slice(5))}月`,
                    ),
                    axisLabel: { color: '#9fb4d6', fontSize: 13 },
                    axisLine: { lineStyle: { color: 'rgba(90,150,255,0.35)' } },
                  },
                  yAxis: {
                    type: 'value',
                    minInterval: 1,
                    axisLabel: { color: '#6f8bb8', fontSize: 12 },
                    splitLine: { lineStyle: { color: 'rgba(90,150,255,0.12)' } },
                  },
                  series: trend.data.series.flatMap((s, i) => {
                    const color = ['#4fd1ff', '#5be39a'][i % 2];
                    const line = {
                      type: 'line' as const,
                      name: s.name,
                      smooth: true,
                      symbolSize: 5,
                      itemStyle: { color },
                      lineStyle: { color },
                    };
                    const { done, tail } = partialTail(s.values, trend.data.months.at(-1)?.partial === true);
                    return tail
                      ? [
                          { ...line, data: done, areaStyle: { opacity: 0.12 } },
                          {
                            ...line,
                            smooth: false,
                            data: tail,
                            lineStyle: { color, type: 'dashed' as const },
                          },
                        ]
                      : [{ ...line, data: done, areaStyle: { opacity: 0.12 } }];
                  }),
                }}
              />
            ) : trend.error ? (
              <div className="jy-screen-empty">{t('error.loadFailed')}</div>
            ) : (
              <div className="jy-screen-empty">
                <Spin />
              </div>
            )}
          </Panel>
        </div>

        <Panel
          title={t('dashx.screenMap', { kind })}
          testId="screen-map"
          extra={
            open ? <span>{t('screen.openTotal', { n: formatValue(t, open.unit, open.value) })}</span> : null
          }
          grow
        >
          {boundaries.error ? (
            <div className="jy-screen-empty">{t('error.loadFailed')}</div>
          ) : !boundaries.data ? (
            <div className="jy-screen-empty">
              <Spin />
            </div>
          ) : !mapName ? (
            <div className="jy-screen-empty">{t('dashx.noBoundaries')}</div>
          ) : (
            <ScreenMap
              d={d}
              mapName={mapName}
              features={features.map((f) => f.id)}
              onOpen={(id) => navigate(`/dashboard?areaId=${id}`)}
            />
          )}
        </Panel>

        <Panel title={t('screen.latest')} testId="screen-latest">
          {latest.error && !latest.data ? (
            <div className="jy-screen-empty">{t('error.loadFailed')}</div>
          ) : !latestCases ? (
            <div className="jy-screen-empty">
              <Spin />
            </div>
          ) : latestCases.length === 0 ? (
            <div className="jy-screen-empty">{t('screen.noCases')}</div>
          ) : (
            <ul className="jy-screen-cases">
              {latestCases.map((c) => (
                <LatestCase key={c.id} c={c} />
              ))}
            </ul>
          )}
        </Panel>
      </main>
    </>,
  );
}

/** Open cases by the areas one level down, on their boundaries (dark). */
function ScreenMap({
  d,
  mapName,
  features,
  onOpen,
}: {
  d: Dashboard;
  mapName: string;
  features: number[];
  onOpen: (id: number) => void;
}) {
  const t = useT();
  const option = useMemo<ChartOption>(() => {
    const names = new Map(d.children.map((c) => [String(c.id), c.name]));
    const data = d.children
      .filter((c) => features.includes(c.id))
      .map((c) => ({ name: String(c.id), value: c.values['cases.open'] ?? 0 }));
    const bands = bandsOf(
      data.map((x) => x.value),
      'count',
      'down',
      true,
    );
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: unknown) => {
          const x = p as { name: string; value: number };
          return `${names.get(x.name) ?? ''}<br/><b>${formatValue(t, 'count', Number.isFinite(x.value) ? x.value : null)}</b>`;
        },
      },
      visualMap: bands.length
        ? {
            type: 'piecewise',
            pieces: bands.map((b) => ({
              min: b.min,
              max: b.max,
              color: b.color,
              label: bandLabel(t, 'count', b),
            })),
            left: 'center',
            bottom: 0,
            orient: 'horizontal',
            itemWidth: 22,
            itemHeight: 14,
            textStyle: { color: '#9fb4d6', fontSize: 15 },
          }
        : undefined,
      series: [
        {
          type: 'map',
          map: mapName,
          roam: false,
          aspectScale: 0.88,
          layoutCenter: ['50%', '47%'],
          layoutSize: '90%',
          data,
          itemStyle: { areaColor: NO_VALUE.dark, borderColor: '#0b1426', borderWidth: 2 },
          emphasis: {
            itemStyle: { areaColor: '#ffd666' },
            label: { color: '#0b1426' },
          },
          select: { disabled: true },
          label: {
            show: true,
            color: '#e6f0ff',
            fontSize: 16,
            formatter: (p: unknown) => {
              const x = p as { name: string; value: number };
              return `${names.get(x.name) ?? ''}\n{v|${Number.isFinite(x.value) ? x.value : '—'}}`;
            },
            rich: { v: { fontSize: 22, fontWeight: 700, color: '#ffffff' } },
          },
        },
      ],
    };
  }, [d.children, features, mapName, t]);
  return (
    <EChart
      option={option}
      height="100%"
      data-testid="screen-choropleth"
      onClick={(id) => {
        if (d.children.some((c) => String(c.id) === id)) onOpen(Number(id));
      }}
    />
  );
}

function childKindName(t: ReturnType<typeof useT>, d: Dashboard): string {
  const kind = d.children[0]?.kind;
  return kind ? t(`areaKind.${kind}` as MessageKey) : t('dash.rankName');
}

function LatestCase({ c }: { c: CaseListItem }) {
  const t = useT();
  // No titles: the screen is seen by everyone in the room.
  return (
    <li data-testid={`screen-case-${c.id}`} className={c.slaLevel > 0 ? 'late' : ''}>
      <div className="jy-screen-case-main">
        <span className="jy-screen-case-cat">{c.categoryName}</span>
        <span className={`jy-screen-case-state s-${c.state}`}>{t(`caseState.${c.state}` as MessageKey)}</span>
      </div>
      <div className="jy-screen-case-meta">
        <span className="jy-screen-case-time">
          {fmtTime(c.reportedAt, chinaDay(c.reportedAt) === chinaDay() ? 'HH:mm' : 'MM-DD HH:mm')}
        </span>
        <span className="jy-screen-case-area">{c.areaName}</span>
      </div>
    </li>
  );
}

function Panel({
  title,
  extra,
  children,
  testId,
  grow,
}: {
  title: string;
  extra?: ReactNode;
  children: ReactNode;
  testId: string;
  grow?: boolean;
}) {
  return (
    <section className={`jy-screen-panel${grow ? ' grow' : ''}`} data-testid={testId}>
      <div className="jy-screen-panel-head">
        <h2>{title}</h2>
        {extra}
      </div>
      <div className="jy-screen-panel-body">{children}</div>
    </section>
  );
}
