import { AimOutlined, CloseCircleOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Modal, Space, Typography } from 'antd';
import { useMemo, useState } from 'react';
import type { Area } from '../../../contract/areas.js';
import { api } from '../../app/api.js';
import { useCan } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { useIsMobile } from '../../app/ui.js';
import { AreaMap, type MapShape } from '../areas/AreaMap.js';
import type { LngLat } from '../areas/geo.js';
import type { MapFeature } from '../areas/queries.js';

export interface Point {
  lat: number;
  lng: number;
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** Boundaries of the user's scope (GET /api/areas/map): grids, with their community as the outline. */
export function useScopeShapes(enabled: boolean) {
  const q = useQuery({
    queryKey: ['areas', 'map', 'scope'],
    queryFn: ({ signal }) => api.get<{ features: MapFeature[] }>('/api/areas/map', undefined, { signal }),
    enabled,
    staleTime: 5 * 60_000,
  });
  const shapes = useMemo<MapShape[]>(() => {
    const f = q.data?.features ?? [];
    const grids = f.filter((x) => x.kind === 'grid');
    const outer = f.filter((x) => x.kind === 'community' || x.kind === 'street');
    const pick = grids.length > 0 ? grids : f;
    return [
      ...(grids.length > 0
        ? outer.map((x) => ({
            id: x.id,
            name: x.name,
            kind: x.kind,
            ring: x.boundary.coordinates[0] as LngLat[],
            base: true,
          }))
        : []),
      ...pick.map((x) => ({
        id: x.id,
        name: x.name,
        kind: x.kind,
        ring: x.boundary.coordinates[0] as LngLat[],
      })),
    ];
  }, [q.data]);
  return { query: q, shapes };
}

/** The grid that holds a point (GET /api/areas/locate), for users who may read areas. */
function useLocate(p: Point | undefined, enabled: boolean) {
  return useQuery({
    queryKey: ['areas', 'locate', p?.lat, p?.lng],
    queryFn: ({ signal }) => api.get<Area>('/api/areas/locate', { lat: p?.lat, lng: p?.lng }, { signal }),
    enabled: enabled && !!p,
    retry: false,
  });
}

const PLACE_KINDS = new Set(['community', 'grid', 'compound', 'building']);

/**
 * Where a point is, in words: the community and grid that hold it ("东风社区 第一网格"), from the
 * boundaries the app has (GET /api/areas/locate), for users who may read areas; null while asked,
 * outside every grid, or for users who may not.
 */
export function usePlaceWords(p: Point | null | undefined): { words: string | null; area: Area | null } {
  const can = useCan();
  const located = useLocate(p ?? undefined, can('area.read'));
  const a = located.data;
  if (!a) return { words: null, area: null };
  const names = [...a.path.filter((x) => PLACE_KINDS.has(x.kind)).map((x) => x.name), a.name];
  return { words: names.join(' '), area: a };
}

/**
 * A point shown as where it is, never as raw coordinates: the place in words (or the address the
 * reporter typed, or "location marked"), and a map pin that opens a map with the point on it.
 */
export function PlaceText({
  point,
  address,
  'data-testid': testId,
}: {
  point: Point;
  /** The address written with it, used when the point falls in no grid the user may read. */
  address?: string | null;
  'data-testid'?: string;
}) {
  const t = useT();
  const mobile = useIsMobile();
  const [open, setOpen] = useState(false);
  const { words, area } = usePlaceWords(point);
  const text = words ? t('phone.placeNear', { place: words }) : address || t('phone.placeMarked');
  const shapes: MapShape[] = area?.boundary
    ? [{ id: area.id, name: area.name, kind: area.kind, ring: area.boundary.coordinates[0] as LngLat[] }]
    : [];
  return (
    <>
      <Button
        type="link"
        size="small"
        icon={<EnvironmentOutlined />}
        onClick={() => setOpen(true)}
        className="jy-place"
        title={t('phone.placeOpenMap')}
        data-testid={testId ?? 'place-text'}
      >
        <span className="jy-place-text">{text}</span>
      </Button>
      <Modal
        open={open}
        onCancel={() => setOpen(false)}
        footer={null}
        title={text}
        width={mobile ? '100%' : 640}
        destroyOnHidden
        data-testid="place-map"
      >
        <AreaMap
          shapes={shapes}
          markers={[{ id: 1, at: [point.lng, point.lat], color: '#f5222d', kind: 'pin' }]}
          fallbackCenter={[point.lng, point.lat]}
          fitKey={`${shapes.length}-${point.lat}-${point.lng}`}
          height={mobile ? 320 : 400}
        />
      </Modal>
    </>
  );
}

/**
 * Where it is: "use my location" (navigator.geolocation) or a tap on the map of the user's grids. The
 * server finds the grid from the point; the form offers an area picker when there is no point.
 */
export function LocationField({
  value,
  onChange,
}: {
  value?: Point;
  onChange?: (p: Point | undefined) => void;
}) {
  const t = useT();
  const can = useCan();
  const mobile = useIsMobile();
  const readAreas = can('area.read');
  const { shapes } = useScopeShapes(readAreas);
  const located = useLocate(value, readAreas);
  const { words } = usePlaceWords(value);
  const [locating, setLocating] = useState(false);
  const [geoError, setGeoError] = useState<string | null>(null);
  const [fitKey, setFitKey] = useState(0);

  const locate = () => {
    setGeoError(null);
    if (!('geolocation' in navigator)) {
      setGeoError(t('location.unsupported'));
      return;
    }
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        onChange?.({ lat: round6(pos.coords.latitude), lng: round6(pos.coords.longitude) });
        setFitKey((k) => k + 1);
      },
      (err) => {
        setLocating(false);
        setGeoError(err.code === err.PERMISSION_DENIED ? t('location.denied') : t('location.failed'));
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };

  const showMap = shapes.length > 0 || !!value;
  return (
    <Space orientation="vertical" size={8} style={{ width: '100%' }}>
      <Space wrap size={8}>
        <Button icon={<AimOutlined />} loading={locating} onClick={locate} data-testid="location-mine">
          {t('location.useMine')}
        </Button>
        {value ? (
          <Button
            type="text"
            icon={<CloseCircleOutlined />}
            onClick={() => onChange?.(undefined)}
            data-testid="location-clear"
          >
            {t('location.clear')}
          </Button>
        ) : null}
      </Space>
      {geoError ? <Typography.Text type="warning">{geoError}</Typography.Text> : null}
      {value ? (
        // Where the pin is, in words (the map below shows it): never the raw coordinates.
        <Typography.Text data-testid="location-value">
          <EnvironmentOutlined style={{ color: '#f5222d' }} />{' '}
          {words ? (
            t('phone.placeNear', { place: words })
          ) : readAreas && located.isError ? (
            <Typography.Text type="warning">{t('location.noGrid')}</Typography.Text>
          ) : (
            <Typography.Text type="secondary">{t('phone.placeMarked')}</Typography.Text>
          )}
        </Typography.Text>
      ) : showMap ? (
        <Typography.Text type="secondary">{t('location.tapHint')}</Typography.Text>
      ) : null}
      {showMap ? (
        <AreaMap
          shapes={shapes}
          markers={value ? [{ id: 1, at: [value.lng, value.lat], color: '#f5222d', kind: 'pin' }] : []}
          onPick={([lng, lat]) => onChange?.({ lat: round6(lat), lng: round6(lng) })}
          fitKey={`${shapes.length}-${fitKey}`}
          fallbackCenter={value ? [value.lng, value.lat] : null}
          height={mobile ? 240 : 300}
          data-testid="location-map"
        />
      ) : null}
    </Space>
  );
}
