import { CloseOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Cascader, Segmented, Select, Space, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { OPEN_STATES } from '../../../contract/cases.js';
import { useCan } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { ErrorState, PageHeader, useIsMobile } from '../../app/ui.js';
import { AreaMap, type MapMarker } from '../areas/AreaMap.js';
import { useScopeShapes } from './LocationField.js';
import { CASE_TYPE_LIST, type CaseState, type CaseType, useCaseMap, useUnlocatedCount } from './queries.js';
import { CaseStateTag, CaseTypeTag, SLA_HEX, STATE_HEX, useCaseCodes } from './shared.js';

const MAP_CAP = 2000;
const isType = (v: string | null): v is CaseType => !!v && (CASE_TYPE_LIST as string[]).includes(v);

export default function CaseMapPage() {
  const t = useT();
  const can = useCan();
  const codes = useCaseCodes();
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const [sp, setSp] = useSearchParams();
  const types = CASE_TYPE_LIST.filter((x) => can(`${x}.read`));
  const typeParam = sp.get('type');
  const type = isType(typeParam) && types.includes(typeParam) ? typeParam : undefined;
  const category = sp.get('category') ?? undefined;
  const state = (sp.get('state') as CaseState | null) ?? undefined;
  const colourBy = sp.get('by') === 'sla' ? 'sla' : 'state';
  const [selected, setSelected] = useState<number | null>(null);

  const points = useCaseMap({ type, category, state });
  const unlocated = useUnlocatedCount({ type, category, state });
  const unlocatedLink = `/cases?${new URLSearchParams({
    located: 'false',
    ...(state ? { state } : { open: 'true' }),
    ...(type ? { type } : {}),
    ...(category ? { category } : {}),
  })}`;
  const { shapes } = useScopeShapes(can('area.read'));

  const update = (patch: Record<string, string | undefined>) => {
    setSelected(null);
    setSp(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch)) {
          if (!v) next.delete(k);
          else next.set(k, v);
        }
        return next;
      },
      { replace: true },
    );
  };

  const markers = useMemo<MapMarker[]>(
    () =>
      (points.data ?? []).map((p) => ({
        id: p.id,
        at: [p.lng, p.lat],
        color: colourBy === 'sla' ? SLA_HEX[Math.min(3, Math.max(0, p.slaLevel))]! : STATE_HEX[p.state],
        title: `${p.no} ${p.title}`,
        selected: p.id === selected,
      })),
    [points.data, colourBy, selected],
  );
  const picked = points.data?.find((p) => p.id === selected);
  const count = points.data?.length ?? 0;

  const legend =
    colourBy === 'sla'
      ? [
          { color: SLA_HEX[0], label: t('sla.0') },
          { color: SLA_HEX[1], label: t('sla.1') },
          { color: SLA_HEX[2], label: t('sla.2') },
        ]
      : OPEN_STATES.map((s) => ({ color: STATE_HEX[s], label: t(`caseState.${s}`) }));

  return (
    <>
      <PageHeader
        title={t('nav.caseMap')}
        extra={
          <Button icon={<UnorderedListOutlined />} onClick={() => navigate('/cases')}>
            {t('map.toList')}
          </Button>
        }
      />
      <div className="jy-filter-bar">
        {types.length > 1 ? (
          <div style={{ minWidth: 0, overflowX: 'auto', flex: mobile ? '1 1 100%' : undefined }}>
            <Segmented
              value={type ?? 'all'}
              onChange={(v) => update({ type: v === 'all' ? undefined : String(v), category: undefined })}
              options={[
                { value: 'all', label: t('common.all') },
                ...types.map((x) => ({ value: x, label: t(`caseType.${x}`) })),
              ]}
              data-testid="map-type"
            />
          </div>
        ) : null}
        {type ? (
          <div style={{ width: mobile ? undefined : 200 }} className={mobile ? 'jy-filter-half' : undefined}>
            <Cascader
              changeOnSelect
              placeholder={t('case.category')}
              value={codes.categoryPath(type, category)}
              options={codes.categoryOptions(type)}
              onChange={(v) => update({ category: v?.length ? String(v[v.length - 1]) : undefined })}
              style={{ width: '100%' }}
            />
          </div>
        ) : null}
        <div style={{ width: mobile ? undefined : 130 }} className={mobile ? 'jy-filter-half' : undefined}>
          <Select
            allowClear
            placeholder={t('common.status')}
            value={state}
            onChange={(v) => update({ state: v })}
            options={OPEN_STATES.map((s) => ({ value: s, label: t(`caseState.${s}`) }))}
            style={{ width: '100%' }}
          />
        </div>
        <div style={{ minWidth: 0 }} className={mobile ? 'jy-filter-half' : undefined}>
          <Segmented
            value={colourBy}
            onChange={(v) => update({ by: v === 'sla' ? 'sla' : undefined })}
            options={[
              { value: 'state', label: t('map.byState') },
              { value: 'sla', label: t('map.bySla') },
            ]}
          />
        </div>
      </div>
      {count >= MAP_CAP ? (
        <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('map.capped', { n: MAP_CAP })} />
      ) : null}
      {points.error && !points.data ? (
        <ErrorState error={points.error} onRetry={() => void points.refetch()} />
      ) : (
        <Card size="small" styles={{ body: { padding: mobile ? 6 : 12 } }}>
          <AreaMap
            shapes={shapes}
            markers={markers}
            onMarkerClick={setSelected}
            fitKey={`${shapes.length}-${points.isSuccess ? 1 : 0}-${type ?? ''}`}
            height={mobile ? 420 : 600}
            data-testid="case-map-canvas"
          >
            <div className="jy-map-legend">
              {legend.map((l) => (
                <span key={l.label}>
                  <i style={{ background: l.color }} />
                  {l.label}
                </span>
              ))}
            </div>
            {picked ? (
              <div className="jy-map-popup" data-testid="map-popup">
                <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
                  <Space size={4} wrap>
                    <span className="jy-mono" style={{ fontSize: 12 }}>
                      {picked.no}
                    </span>
                    <CaseTypeTag type={picked.type} />
                    <CaseStateTag state={picked.state} />
                  </Space>
                  <Button
                    size="small"
                    type="text"
                    icon={<CloseOutlined />}
                    onClick={() => setSelected(null)}
                    aria-label={t('common.close')}
                  />
                </div>
                <div style={{ fontWeight: 500, margin: '4px 0', overflowWrap: 'anywhere' }}>
                  {picked.title}
                </div>
                <Space size={12}>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {codes.category(picked.type, picked.category)}
                  </Typography.Text>
                  <Link to={`/cases/${picked.id}`} data-testid="map-popup-open">
                    {t('map.openCase')}
                  </Link>
                </Space>
              </div>
            ) : null}
          </AreaMap>
          <Typography.Text type="secondary" style={{ display: 'block', marginTop: 6, fontSize: 12 }}>
            {points.isFetching
              ? t('common.loading')
              : count === 0
                ? t('map.none')
                : t('map.count', { n: count })}
            {unlocated.data ? (
              <span data-testid="map-unlocated">
                {' · '}
                {t('words.mapUnlocated', { n: unlocated.data })}{' '}
                <Link to={unlocatedLink} data-testid="map-unlocated-link">
                  {t('words.mapUnlocatedLink')}
                </Link>
              </span>
            ) : null}
          </Typography.Text>
        </Card>
      )}
    </>
  );
}
