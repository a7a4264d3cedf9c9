import { ArrowLeftOutlined } from '@ant-design/icons';
import { Spin } from 'antd';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { isApiError } from '../../app/api.js';
import { useMe } from '../../app/auth.js';
import { type MessageKey, useT } from '../../app/i18n.js';
import { ErrorState, Forbidden } from '../../app/ui.js';
import { useAreaMap } from '../areas/queries.js';
import type { CaseListItem } from '../cases/queries.js';
import { type Dashboard, useDashboard, useDashboardMap, useLatestCases } from './queries.js';
import { Choropleth, Clock, formatValue } from './shared.js';
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
/** Today in China (the server's days). */
const chinaToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

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

function Screen() {
  const t = useT();
  const navigate = useNavigate();
  const [sp, setSp] = useSearchParams();
  const areaId = num(sp.get('areaId'));
  const today = chinaToday();
  const view = useDashboard({ areaId, from: today, to: today }, { refetchInterval: REFRESH_MS });
  const d = view.data;
  const map = useDashboardMap(
    { areaId: d?.area.id, from: today, to: today, figure: 'cases.open' },
    { enabled: !!d, refetchInterval: REFRESH_MS },
  );
  // The boundaries under the node, or under its grid when the node lies inside one.
  const grid = d ? [...d.trail].reverse().find((a) => a.kind === 'grid') : undefined;
  const boundaries = useAreaMap(d ? (d.area.kind === 'grid' || !grid ? d.area.id : grid.id) : null);
  const latest = useLatestCases(d?.area.id, { enabled: !!d, refetchInterval: REFRESH_MS });
  // Asked for public cases only; checked again here, the wall being seen by everyone in the room.
  const latestCases = latest.data?.items.filter((c) => c.public);
  const updatedAt = Math.max(view.dataUpdatedAt, map.dataUpdatedAt, latest.dataUpdatedAt);

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
    .sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
  const top = Math.max(1, ...ranking.map((r) => r.value ?? 0));
  const openArea = (id: number) => setSp({ areaId: String(id) });

  return (
    <div className="jy-screen" data-testid="screen">
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
        <h1 className="jy-screen-title" data-testid="screen-title">
          {t('screen.title', { area: d.area.name })}
        </h1>
        <div className="jy-screen-head-side right">
          <Clock
            render={(now) => (
              <span className="jy-screen-clock" data-testid="screen-clock">
                <span>{now.format('YYYY-MM-DD')}</span>
                <strong>{now.format('HH:mm:ss')}</strong>
              </span>
            )}
          />
          <span className="jy-screen-updated" data-testid="screen-updated">
            {t('screen.updatedAt', { time: dayjs(updatedAt).format('HH:mm:ss') })}
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
        <Panel title={t('screen.ranking', { kind: childKindName(t, d) })} testId="screen-ranking">
          {ranking.length === 0 ? (
            <div className="jy-screen-empty">{t('dash.noChildren')}</div>
          ) : (
            <ol className="jy-screen-rank">
              {ranking.slice(0, 12).map((r, i) => (
                <li key={r.id}>
                  <span className={`jy-screen-rank-no${i < 3 && (r.value ?? 0) > 0 ? ' top' : ''}`}>
                    {i + 1}
                  </span>
                  <button type="button" className="jy-screen-rank-name" onClick={() => openArea(r.id)}>
                    {r.name}
                  </button>
                  <span className="jy-screen-rank-bar">
                    <i
                      className="jy-screen-rank-fill"
                      style={{ width: `${((r.value ?? 0) / top) * 100}%` }}
                    />
                  </span>
                  <span className="jy-screen-rank-value">{r.value ?? '—'}</span>
                </li>
              ))}
            </ol>
          )}
        </Panel>

        <Panel
          title={t('screen.map')}
          testId="screen-map"
          extra={
            open ? <span>{t('screen.openTotal', { n: formatValue(t, open.unit, open.value) })}</span> : null
          }
          grow
        >
          {map.data && boundaries.data ? (
            map.data.grids.some((g) => boundaries.data.features.some((f) => f.id === g.id)) ? (
              <Choropleth
                dark
                features={boundaries.data.features}
                grids={map.data.grids.filter((g) => boundaries.data.features.some((f) => f.id === g.id))}
                unit={map.data.figure.unit}
                better={map.data.figure.better}
                height={660}
                labels={map.data.grids.length <= 40}
                onOpen={(id) => navigate(`/dashboard?areaId=${id}`)}
                data-testid="screen-choropleth"
              />
            ) : (
              <div className="jy-screen-empty">{t('dash.noBoundaries')}</div>
            )
          ) : map.error || boundaries.error ? (
            <div className="jy-screen-empty">{t('error.loadFailed')}</div>
          ) : (
            <div className="jy-screen-empty">
              <Spin />
            </div>
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
    </div>
  );
}

function childKindName(t: ReturnType<typeof useT>, d: Dashboard): string {
  const kind = d.children[0]?.kind;
  return kind ? t(`areaKind.${kind}` as MessageKey) : t('dash.rankName');
}

function LatestCase({ c }: { c: CaseListItem }) {
  const t = useT();
  const at = dayjs(c.reportedAt);
  // No titles: the screen is seen by everyone in the room.
  return (
    <li data-testid={`screen-case-${c.id}`} className={c.slaLevel > 0 ? 'late' : ''}>
      <div className="jy-screen-case-main">
        <span className="jy-screen-case-cat">{c.categoryName}</span>
        <span className={`jy-screen-case-state s-${c.state}`}>{t(`caseState.${c.state}` as MessageKey)}</span>
      </div>
      <div className="jy-screen-case-meta">
        <span className="jy-screen-case-time">
          {at.isSame(dayjs(), 'day') ? at.format('HH:mm') : at.format('MM-DD HH:mm')}
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
