import { HistoryOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Empty, Input, Skeleton, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useAuth } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { OutboxBanner, useOnline, useOutbox } from '../../app/outbox.js';
import { ErrorState, PageHeader, useDebounced } from '../../app/ui.js';
import { OpenPatrolBar, StartPatrolButton, useFinishPending } from './PatrolControls.js';
import { dueState, type PlanItem, useMyDay, useVisitRules } from './queries.js';
import { PlanCard } from './shared.js';
import { forgetPatrol, startTracking, useTracker } from './tracker.js';

type Show = 'all' | 'overdue' | 'today' | 'upcoming';

function Counts({
  overdue,
  today,
  upcoming,
  show,
  onShow,
}: {
  overdue: number;
  today: number;
  upcoming: number;
  show: Show;
  onShow: (s: Show) => void;
}) {
  const t = useT();
  const tiles: { key: Exclude<Show, 'all'>; n: number; label: string }[] = [
    { key: 'overdue', n: overdue, label: t('visit.countOverdue') },
    { key: 'today', n: today, label: t('visit.countToday') },
    { key: 'upcoming', n: upcoming, label: t('visit.countUpcoming') },
  ];
  return (
    <div className="jy-day-counts" data-testid="myday-counts">
      {tiles.map((x) => (
        <button
          key={x.key}
          type="button"
          className={`jy-day-count ${x.key}${show === x.key ? ' active' : ''}`}
          onClick={() => onShow(show === x.key ? 'all' : x.key)}
          aria-pressed={show === x.key}
          data-testid={`myday-${x.key}`}
        >
          <span className="jy-day-count-n">{x.n}</span>
          <span className="jy-day-count-label">{x.label}</span>
        </button>
      ))}
    </div>
  );
}

/** "我的走访": the grid worker's day on a phone — who to visit (overdue first), the patrol button. */
export default function MyDayPage() {
  const t = useT();
  const { me, can } = useAuth();
  const navigate = useNavigate();
  const online = useOnline();
  const box = useOutbox();
  const tracker = useTracker();
  const [sp, setSp] = useSearchParams();
  const [search, setSearch] = useState(sp.get('q') ?? '');
  const q = useDebounced(search.trim(), 300);
  const show = (sp.get('show') as Show | null) ?? 'all';
  const day = useMyDay({ q: q || undefined });
  const data = day.data;
  const openPatrol = data?.openPatrol ?? null;
  const finishPending = useFinishPending(openPatrol?.id);
  // What a visit needs offline: the rules' questions and the form's and patrol's code — fetched once
  // the day is on screen, so on a slow link they do not hold up the list the worker is waiting for.
  const shown = !!data;
  useVisitRules(undefined, shown && (can('visit.read') || can('visit.manage')));
  useEffect(() => {
    if (!shown) return;
    void import('./VisitFormPage.js');
    void import('./PatrolPage.js');
    void import('../cases/ReportPage.js');
  }, [shown]);

  // Keep the open patrol recording (after a reload, or when it was started on this phone earlier).
  useEffect(() => {
    if (!me || !day.isFetchedAfterMount || day.isPlaceholderData) return;
    if (openPatrol && !finishPending) {
      startTracking({
        patrolId: openPatrol.id,
        userId: me.user.id,
        startedAt: openPatrol.startedAt,
        areaName: openPatrol.areaName,
      });
    } else if (!openPatrol && tracker.patrolId && !day.isFetching && day.dataUpdatedAt > tracker.since) {
      // The server, asked after this phone started recording, has no open patrol: it ended elsewhere.
      forgetPatrol(tracker.patrolId);
    }
  }, [
    me,
    openPatrol,
    finishPending,
    tracker.patrolId,
    tracker.since,
    day.isFetchedAfterMount,
    day.isPlaceholderData,
    day.isFetching,
    day.dataUpdatedAt,
  ]);

  /** Visits waiting in the outbox, by plan (and by person for visits outside a plan). */
  const pending = useMemo(() => {
    const plans = new Set<number>();
    for (const i of box.items) {
      if (i.kind !== 'visit') continue;
      if (typeof i.meta.planId === 'number') plans.add(i.meta.planId);
    }
    return plans;
  }, [box.items]);

  // A patrol ended on this phone whose end is still on its way: no new patrol before it lands.
  const finishQueued = box.items.find((i) => i.kind === 'patrol.finish')?.meta.patrolId as number | undefined;

  const items = useMemo(
    () => (data?.items ?? []).filter((i) => show === 'all' || dueState(i) === show),
    [data, show],
  );

  const setShow = (s: Show) =>
    setSp(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (s === 'all') next.delete('show');
        else next.set('show', s);
        return next;
      },
      { replace: true },
    );
  const onSearch = (v: string) => {
    setSearch(v);
    setSp(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (v.trim()) next.set('q', v.trim());
        else next.delete('q');
        return next;
      },
      { replace: true },
    );
  };
  const open = (i: PlanItem) =>
    navigate(`/visits/new?personId=${i.personId}&ruleId=${i.ruleId}&planId=${i.planId}`);

  // The patrol from the server, or the one this phone is recording while the server is out of reach.
  const patrol =
    openPatrol ??
    (tracker.patrolId && tracker.startedAt
      ? { id: tracker.patrolId, startedAt: tracker.startedAt, areaName: tracker.areaName ?? '' }
      : null);

  return (
    <div className="jy-narrow">
      <PageHeader
        title={t('visit.myDay')}
        extra={
          <>
            {/* A visit outside any plan (met in the street, a call from a neighbour): pick whom first. */}
            {can('person.read') ? (
              <Button
                type="primary"
                ghost
                icon={<PlusOutlined />}
                onClick={() => navigate('/visits/new')}
                data-testid="myday-unplanned"
              >
                {t('phone.unplanned')}
              </Button>
            ) : null}
            {can('visit.read') ? (
              <Button icon={<HistoryOutlined />} onClick={() => navigate('/visits')} data-testid="myday-log">
                {t('nav.visitLog')}
              </Button>
            ) : null}
          </>
        }
      />
      <OutboxBanner />
      <div style={{ marginBottom: 12 }}>
        {patrol && !(finishQueued && finishQueued === patrol.id) ? (
          <OpenPatrolBar patrol={patrol} />
        ) : finishQueued ? (
          <Alert
            type="warning"
            showIcon
            title={t('patrol.finishWaiting')}
            description={t('patrol.startAfterFinish')}
            data-testid="patrol-finish-waiting"
          />
        ) : (
          <StartPatrolButton />
        )}
      </div>

      {day.error && !data ? (
        online ? (
          <ErrorState error={day.error} onRetry={() => void day.refetch()} />
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('visit.offlineList')} />
        )
      ) : !data ? (
        <Skeleton active paragraph={{ rows: 6 }} />
      ) : (
        <>
          <Counts
            overdue={data.overdue}
            today={data.dueToday}
            upcoming={data.upcoming}
            show={show}
            onShow={setShow}
          />
          <Input.Search
            allowClear
            placeholder={t('visit.searchPlaceholder')}
            value={search}
            onChange={(e) => onSearch(e.target.value)}
            style={{ margin: '12px 0' }}
            data-testid="myday-search"
          />
          {items.length === 0 ? (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={q || show !== 'all' ? t('visit.emptyFiltered') : t('visit.emptyDay')}
            />
          ) : (
            <div
              className="jy-case-cards"
              style={{ opacity: day.isFetching ? 0.7 : 1 }}
              data-testid="myday-list"
            >
              {items.map((i) => (
                <PlanCard key={i.planId} item={i} pending={pending.has(i.planId)} onOpen={() => open(i)} />
              ))}
            </div>
          )}
          <Typography.Text
            type="secondary"
            style={{ display: 'block', textAlign: 'center', marginTop: 10, fontSize: 12 }}
          >
            {t('visit.dayNote', { date: data.today })}
          </Typography.Text>
        </>
      )}
    </div>
  );
}
