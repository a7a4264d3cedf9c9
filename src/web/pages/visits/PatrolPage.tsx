import { AimOutlined, AlertOutlined, ArrowLeftOutlined, StopOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Space, Tag, Typography } from 'antd';
import { useEffect, useMemo } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useAuth } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { useOnline, useOutbox } from '../../app/outbox.js';
import { PageHeader, QueryState, useIsMobile } from '../../app/ui.js';
import { AreaMap, type MapShape } from '../areas/AreaMap.js';
import type { LngLat } from '../areas/geo.js';
import { useArea } from '../areas/queries.js';
import { CaseStateTag } from '../cases/shared.js';
import { useFinishPatrol, useFinishPending } from './PatrolControls.js';
import { type Patrol, usePatrol } from './queries.js';
import { findingReport, fmtTime, formatClock, formatDistance, formatMinutes, useTick } from './shared.js';
import { forgetPatrol, metres, startTracking, type TrackPoint, useTracker } from './tracker.js';

/** The patrol's route on the outline of its grid. */
function RouteMap({ areaId, route, height }: { areaId: number; route: LngLat[]; height: number }) {
  const { can } = useAuth();
  const area = useArea(can('area.read') ? areaId : null);
  const shapes: MapShape[] = useMemo(() => {
    const b = area.data?.boundary;
    if (!b || !area.data) return [];
    return [
      {
        id: area.data.id,
        name: area.data.name,
        kind: area.data.kind,
        ring: b.coordinates[0] as LngLat[],
        base: true,
      },
    ];
  }, [area.data]);
  if (shapes.length === 0 && route.length === 0) return null;
  return (
    <AreaMap
      shapes={shapes}
      route={route}
      fallbackCenter={(area.data?.center as LngLat | null | undefined) ?? route[route.length - 1] ?? null}
      fitKey={`${shapes.length}-${route.length > 0}`}
      height={height}
      data-testid="patrol-map"
    />
  );
}

/** The server keeps route points as [lat, lng]; the map wants [lng, lat]. */
const toLngLat = (p: [number, number]): LngLat => [p[1], p[0]];

function LivePatrol({ p }: { p: Patrol }) {
  const t = useT();
  const { me } = useAuth();
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const now = useTick(1000);
  const tracker = useTracker();
  const box = useOutbox();
  const online = useOnline();
  const finishPending = useFinishPending(p.id);
  const ender = useFinishPatrol(p, () => navigate('/visits/my-day'));

  useEffect(() => {
    if (me && !finishPending)
      startTracking({ patrolId: p.id, userId: me.user.id, startedAt: p.startedAt, areaName: p.areaName });
  }, [me, p.id, p.startedAt, p.areaName, finishPending]);

  // Points the server has, then those waiting in the outbox, then those not yet batched.
  const pending = useMemo<TrackPoint[]>(() => {
    const queued = box.items
      .filter((i) => i.kind === 'patrol.points' && i.meta.patrolId === p.id)
      .flatMap((i) => (i.body.points as TrackPoint[] | undefined) ?? []);
    const buffered = tracker.patrolId === p.id ? tracker.buffer : [];
    return [...queued, ...buffered];
  }, [box.items, tracker.patrolId, tracker.buffer, p.id]);
  const serverLast = p.route[p.route.length - 1];
  let extra = 0;
  let prev = serverLast ? { lat: serverLast[0], lng: serverLast[1] } : null;
  for (const q of pending) {
    if (prev) extra += metres(prev.lat, prev.lng, q.lat, q.lng);
    prev = q;
  }
  const distance = p.distanceM + extra;
  const route: LngLat[] = [...p.route.map(toLngLat), ...pending.map((q) => [q.lng, q.lat] as LngLat)];
  const last = tracker.patrolId === p.id ? tracker.last : null;
  const here = last ?? (serverLast ? { lat: serverLast[0], lng: serverLast[1] } : null);

  const geoNotice =
    tracker.patrolId !== p.id ? null : tracker.geo === 'denied' ? (
      <Alert type="warning" showIcon title={t('patrol.geoDenied')} data-testid="patrol-geo-denied" />
    ) : tracker.geo === 'unsupported' ? (
      <Alert type="warning" showIcon title={t('patrol.geoUnsupported')} />
    ) : tracker.geo === 'error' ? (
      <Alert type="info" showIcon title={t('patrol.geoWaiting')} />
    ) : null;

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      {finishPending ? (
        <Alert
          type="warning"
          showIcon
          title={t('patrol.finishWaiting')}
          description={t('patrol.finishQueued')}
        />
      ) : null}
      <Card data-testid="patrol-live">
        <div className="jy-patrol-clock" data-testid="patrol-clock">
          {formatClock(now - Date.parse(p.startedAt))}
        </div>
        <div className="jy-patrol-figures">
          <div>
            <div className="jy-patrol-figure" data-testid="patrol-distance">
              {formatDistance(t, distance)}
            </div>
            <div className="jy-patrol-figure-label">{t('patrol.distance')}</div>
          </div>
          <div>
            <div className="jy-patrol-figure" data-testid="patrol-points">
              {p.route.length + pending.length}
            </div>
            <div className="jy-patrol-figure-label">{t('patrol.points')}</div>
          </div>
          <div>
            <div className="jy-patrol-figure">{pending.length}</div>
            <div className="jy-patrol-figure-label">{t('patrol.unsent')}</div>
          </div>
        </div>
        <Typography.Text type="secondary" style={{ display: 'block', textAlign: 'center', fontSize: 12 }}>
          {p.areaName} · {t('patrol.startedAt', { at: fmtTime(p.startedAt, 'HH:mm') })}
          {tracker.patrolId === p.id && tracker.geo === 'watching' ? (
            <>
              {' · '}
              <AimOutlined />{' '}
              {tracker.accuracy !== null
                ? t('patrol.accuracy', { m: tracker.accuracy })
                : t('patrol.recording')}
            </>
          ) : null}
        </Typography.Text>
      </Card>
      {geoNotice}
      <div
        className={mobile ? 'jy-patrol-actions' : undefined}
        style={mobile ? undefined : { display: 'flex', gap: 8 }}
      >
        <Button
          size="large"
          icon={<AlertOutlined />}
          block={mobile}
          // A case is reported online (it is not queued).
          disabled={!online}
          onClick={() => {
            const r = findingReport('event', {
              kind: 'patrol',
              id: p.id,
              title: t('finding.patrolTitle', { area: p.areaName }),
              location: here,
            });
            navigate(r.to, { state: r.state });
          }}
          data-testid="patrol-finding"
        >
          {t('patrol.finding')}
        </Button>
        {finishPending ? null : (
          <Button
            size="large"
            danger
            type="primary"
            icon={<StopOutlined />}
            block={mobile}
            loading={ender.busy}
            onClick={ender.open}
            data-testid="patrol-finish"
          >
            {t('patrol.finish')}
          </Button>
        )}
      </div>
      <RouteMap areaId={p.areaId} route={route} height={mobile ? 260 : 360} />
      {p.cases.length > 0 ? <PatrolCases p={p} /> : null}
      {ender.modal}
    </Space>
  );
}

function PatrolCases({ p }: { p: Patrol }) {
  const t = useT();
  return (
    <Card size="small" title={t('visit.linkedCases')} data-testid="patrol-cases">
      <Space orientation="vertical" size={6} style={{ width: '100%' }}>
        {p.cases.map((c) => (
          <Space key={c.id} size={8} wrap>
            <Link to={`/cases/${c.id}`}>
              <span className="jy-mono">{c.no}</span> {c.title}
            </Link>
            <CaseStateTag state={c.state as 'reported'} />
          </Space>
        ))}
      </Space>
    </Card>
  );
}

function PatrolSummary({ p }: { p: Patrol }) {
  const t = useT();
  const mobile = useIsMobile();
  const tracker = useTracker();
  // Ended elsewhere (another phone, or the end sent from the queue): stop recording it here.
  useEffect(() => {
    if (p.endedAt && tracker.patrolId === p.id) forgetPatrol(p.id);
  }, [p.endedAt, p.id, tracker.patrolId]);
  const route = p.route.map(toLngLat);
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Card size="small">
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2 }}
          items={[
            { key: 'area', label: t('patrol.area'), children: p.areaName },
            { key: 'user', label: t('patrol.user'), children: p.user.name },
            { key: 'start', label: t('patrol.started'), children: fmtTime(p.startedAt) },
            {
              key: 'end',
              label: t('patrol.ended'),
              children: p.endedAt ? fmtTime(p.endedAt) : <Tag color="processing">{t('patrol.running')}</Tag>,
            },
            { key: 'min', label: t('patrol.duration'), children: formatMinutes(t, p.minutes) },
            { key: 'dist', label: t('patrol.distance'), children: formatDistance(t, p.distanceM) },
            { key: 'pts', label: t('patrol.points'), children: p.route.length },
            ...(p.note
              ? [{ key: 'note', label: t('patrol.note'), children: p.note, span: 'filled' as const }]
              : []),
          ]}
        />
      </Card>
      <RouteMap areaId={p.areaId} route={route} height={mobile ? 260 : 360} />
      {p.cases.length > 0 ? <PatrolCases p={p} /> : null}
    </Space>
  );
}

/** A patrol: live on the walker's phone while open (clock, distance, points), a summary after. */
export default function PatrolPage() {
  const t = useT();
  const { me } = useAuth();
  const navigate = useNavigate();
  const { id } = useParams();
  const patrol = usePatrol(Number(id));
  return (
    <div className="jy-narrow">
      <PageHeader
        title={
          <Space size={8}>
            <Button
              type="text"
              icon={<ArrowLeftOutlined />}
              onClick={() => navigate(-1)}
              aria-label={t('common.back')}
            />
            <span>{t('patrol.title')}</span>
          </Space>
        }
      />
      <QueryState query={patrol} rows={6}>
        {(p) => (!p.endedAt && p.user.id === me?.user.id ? <LivePatrol p={p} /> : <PatrolSummary p={p} />)}
      </QueryState>
    </div>
  );
}
