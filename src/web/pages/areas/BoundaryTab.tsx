import {
  CheckOutlined,
  CloseOutlined,
  DeleteOutlined,
  EditOutlined,
  SaveOutlined,
  SnippetsOutlined,
  UndoOutlined,
} from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Input, Modal, Popconfirm, Space, Typography } from 'antd';
import { useMemo, useState } from 'react';
import type { Area, GeoPolygon } from '../../../contract/areas.js';
import { api, isApiError } from '../../app/api.js';
import { useMeta } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { ErrorState, useNotify } from '../../app/ui.js';
import { AreaMap, type MapShape } from './AreaMap.js';
import { type LngLat, parsePolygon, ringToPolygon } from './geo.js';
import { areaKeys, useAreaMap } from './queries.js';

type Draft = { points: LngLat[]; closed: boolean };

function ringOf(p: GeoPolygon): LngLat[] {
  const ring = p.coordinates[0] ?? [];
  // Drop the closing vertex for display and editing.
  return ring.slice(0, -1) as LngLat[];
}

export function BoundaryTab({ area, onSelect }: { area: Area; onSelect: (id: number) => void }) {
  const t = useT();
  const qc = useQueryClient();
  const { fail, ok } = useNotify();
  const meta = useMeta();
  const mapQuery = useAreaMap(area.id);
  const features = mapQuery.data?.features ?? [];
  // An area with nothing under it (a grid without compounds, a compound) gets its surroundings as context.
  const needContext = mapQuery.isSuccess && features.every((f) => f.id === area.id) && area.parentId !== null;
  const contextQuery = useAreaMap(needContext ? area.parentId : null);

  const [drawing, setDrawing] = useState(false);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [pasteOpen, setPasteOpen] = useState(false);
  const [pasteText, setPasteText] = useState('');
  const [pasteError, setPasteError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const canEdit = area.abilities.includes('update');

  const shapes = useMemo<MapShape[]>(() => {
    const out: MapShape[] = [];
    const seen = new Set<number>();
    if (area.boundary) {
      out.push({ id: area.id, name: area.name, kind: area.kind, ring: ringOf(area.boundary), base: true });
      seen.add(area.id);
    }
    for (const f of features) {
      if (seen.has(f.id)) continue;
      seen.add(f.id);
      out.push({ id: f.id, name: f.name, kind: f.kind, ring: ringOf(f.boundary) });
    }
    for (const f of contextQuery.data?.features ?? []) {
      if (seen.has(f.id)) continue;
      seen.add(f.id);
      out.push({ id: f.id, name: f.name, kind: f.kind, ring: ringOf(f.boundary), context: true });
    }
    return out;
  }, [area, features, contextQuery.data]);

  const fitKey = `${area.id}:${shapes.map((s) => s.id).join(',')}:${draft?.closed ? 'd' : ''}`;

  const startDrawing = () => {
    setDraft({ points: [], closed: false });
    setDrawing(true);
  };
  const cancel = () => {
    setDraft(null);
    setDrawing(false);
  };
  const closeRing = () => {
    if (!draft || draft.points.length < 3) return;
    setDraft({ points: draft.points, closed: true });
    setDrawing(false);
  };

  const save = async (boundary: GeoPolygon | null) => {
    setSaving(true);
    try {
      await api.patch<Area>(`/api/areas/${area.id}`, { boundary }, { ifMatch: area.version });
      ok(boundary ? t('map.saved') : t('map.cleared'));
      setDraft(null);
      setDrawing(false);
      await qc.invalidateQueries({ queryKey: areaKeys.all });
    } catch (e) {
      if (isApiError(e) && e.status === 412) {
        await qc.invalidateQueries({ queryKey: areaKeys.detail(area.id) });
      }
      fail(e);
    } finally {
      setSaving(false);
    }
  };

  const onPaste = () => {
    const r = parsePolygon(pasteText, {
      json: t('map.pasteBadJson'),
      notPolygon: t('map.pasteNotPolygon'),
      holes: t('map.pasteHoles'),
    });
    if (!r.ok) {
      setPasteError(r.error);
      return;
    }
    setDraft({ points: ringOf(r.polygon), closed: true });
    setDrawing(false);
    setPasteOpen(false);
    setPasteText('');
    setPasteError(null);
  };

  if (mapQuery.error) {
    return <ErrorState compact error={mapQuery.error} onRetry={() => void mapQuery.refetch()} />;
  }

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      {canEdit ? (
        <Space wrap>
          {!drawing && !draft ? (
            <>
              <Button icon={<EditOutlined />} onClick={startDrawing} data-testid="boundary-draw">
                {t('map.draw')}
              </Button>
              <Button icon={<SnippetsOutlined />} onClick={() => setPasteOpen(true)}>
                {t('map.paste')}
              </Button>
              {area.boundary ? (
                <Popconfirm title={t('map.clearConfirm')} onConfirm={() => save(null)}>
                  <Button icon={<DeleteOutlined />} danger loading={saving}>
                    {t('map.clear')}
                  </Button>
                </Popconfirm>
              ) : null}
            </>
          ) : null}
          {drawing ? (
            <>
              <Button
                icon={<UndoOutlined />}
                disabled={!draft || draft.points.length === 0}
                onClick={() => draft && setDraft({ ...draft, points: draft.points.slice(0, -1) })}
              >
                {t('map.undo')}
              </Button>
              <Button
                type="primary"
                icon={<CheckOutlined />}
                disabled={!draft || draft.points.length < 3}
                onClick={closeRing}
              >
                {t('map.close')}
              </Button>
              <Button icon={<CloseOutlined />} onClick={cancel}>
                {t('common.cancel')}
              </Button>
            </>
          ) : null}
          {!drawing && draft?.closed ? (
            <>
              <Button
                type="primary"
                icon={<SaveOutlined />}
                loading={saving}
                onClick={() => save(ringToPolygon(draft.points))}
                data-testid="boundary-save"
              >
                {t('map.save')}
              </Button>
              <Button icon={<CloseOutlined />} onClick={cancel}>
                {t('map.discard')}
              </Button>
            </>
          ) : null}
        </Space>
      ) : null}
      {drawing ? (
        <Alert type="info" showIcon title={t('map.drawHint', { n: draft?.points.length ?? 0 })} />
      ) : null}
      {!drawing && draft?.closed ? <Alert type="warning" showIcon title={t('map.unsaved')} /> : null}
      {mapQuery.isSuccess && shapes.length === 0 && !drawing && !draft ? (
        <Alert type="info" showIcon title={canEdit ? t('map.emptyCanDraw') : t('map.empty')} />
      ) : null}
      <AreaMap
        shapes={shapes}
        selectedId={area.id}
        draft={draft}
        drawing={drawing}
        onSelect={(id) => id !== area.id && onSelect(id)}
        onAddPoint={(p) => setDraft((d) => ({ points: [...(d?.points ?? []), p], closed: false }))}
        onFinishDrawing={closeRing}
        fallbackCenter={area.center}
        tileUrl={meta.data?.tileUrl ?? null}
        fitKey={fitKey}
      />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('map.legend', { n: features.filter((f) => f.id !== area.id).length })}
      </Typography.Text>

      <Modal
        open={pasteOpen}
        title={t('map.paste')}
        onCancel={() => setPasteOpen(false)}
        onOk={onPaste}
        okText={t('map.pasteApply')}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('map.pasteHint')}</Typography.Paragraph>
        <Input.TextArea
          rows={8}
          value={pasteText}
          onChange={(e) => {
            setPasteText(e.target.value);
            setPasteError(null);
          }}
          placeholder='{"type":"Polygon","coordinates":[[[116.39,39.90],[116.40,39.90],[116.40,39.91],[116.39,39.90]]]}'
          style={{ fontFamily: 'monospace', fontSize: 12 }}
          data-testid="boundary-geojson"
        />
        {pasteError ? <Alert style={{ marginTop: 8 }} type="error" showIcon title={pasteError} /> : null}
      </Modal>
    </Space>
  );
}
