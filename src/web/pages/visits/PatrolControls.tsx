import { AimOutlined, FlagOutlined, PlayCircleOutlined, StopOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Radio, Skeleton, Space, Typography } from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, isApiError } from '../../app/api.js';
import { useAuth } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { useOnline, useOutbox } from '../../app/outbox.js';
import { useNotify } from '../../app/ui.js';
import { type Patrol, visitKeys } from './queries.js';
import { formatClock, useTick } from './shared.js';
import { finishPatrol, startTracking, useTracker } from './tracker.js';

// The area tree is needed only when a patrol is started: its code (tree select) comes then.
const AreaTreeSelect = lazy(() =>
  import('../areas/AreaTreeSelect.js').then((m) => ({ default: m.AreaTreeSelect })),
);

/** A finish for this patrol waits in the outbox. */
export function useFinishPending(patrolId: number | null | undefined): boolean {
  const box = useOutbox();
  return !!patrolId && box.items.some((i) => i.kind === 'patrol.finish' && i.meta.patrolId === patrolId);
}

/** "开始巡查": in the worker's grid (asked when they have several, or none on record). */
export function StartPatrolButton({ block = true }: { block?: boolean }) {
  const t = useT();
  const { me } = useAuth();
  const online = useOnline();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const { fail } = useNotify();
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);
  const [areaId, setAreaId] = useState<number | null>(null);
  const grids = useMemo(() => {
    const seen = new Map<number, string>();
    for (const r of me?.roles ?? []) if (r.areaKind === 'grid') seen.set(r.areaId, r.areaName);
    return [...seen.entries()].map(([id, name]) => ({ id, name }));
  }, [me]);

  const start = async (id: number) => {
    if (!me) return;
    if (!online) {
      message.warning(t('patrol.needOnline'));
      return;
    }
    setBusy(true);
    try {
      const p = await api.post<Patrol>('/api/patrols', { areaId: id });
      startTracking({ patrolId: p.id, userId: me.user.id, startedAt: p.startedAt, areaName: p.areaName });
      qc.setQueryData(visitKeys.patrol(p.id), p);
      void qc.invalidateQueries({ queryKey: visitKeys.myDayAll });
      setAsking(false);
      navigate(`/patrols/${p.id}`);
    } catch (e) {
      if (isApiError(e) && e.status === 0) message.warning(t('patrol.needOnline'));
      else fail(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button
        type="primary"
        size="large"
        block={block}
        icon={<PlayCircleOutlined />}
        loading={busy && !asking}
        className="jy-big-button"
        onClick={() => {
          if (grids.length === 1) void start(grids[0]!.id);
          else {
            setAreaId(grids[0]?.id ?? null);
            setAsking(true);
          }
        }}
        data-testid="patrol-start"
      >
        {t('patrol.start')}
      </Button>
      <Modal
        open={asking}
        title={t('patrol.pickGrid')}
        onCancel={() => setAsking(false)}
        okText={t('patrol.start')}
        okButtonProps={{ disabled: !areaId, 'data-testid': 'patrol-start-ok' }}
        confirmLoading={busy}
        onOk={() => (areaId ? start(areaId) : undefined)}
        destroyOnHidden
      >
        {grids.length > 1 ? (
          <Radio.Group
            value={areaId}
            onChange={(e) => setAreaId(e.target.value as number)}
            style={{ display: 'flex', flexDirection: 'column', gap: 8 }}
            options={grids.map((g) => ({ value: g.id, label: g.name }))}
          />
        ) : (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Typography.Text type="secondary">{t('patrol.pickGridHint')}</Typography.Text>
            <Suspense fallback={<Skeleton.Input active block />}>
              <AreaTreeSelect value={areaId} onChange={setAreaId} data-testid="patrol-area" />
            </Suspense>
          </Space>
        )}
      </Modal>
    </>
  );
}

/** Ask for a closing note, then finish through the outbox. Returns the opener and the modal. */
export function useFinishPatrol(p: { id: number; areaName: string } | null, onDone?: () => void) {
  const t = useT();
  const { me } = useAuth();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const { fail } = useNotify();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ note?: string }>();

  const finish = async (note?: string) => {
    if (!p || !me) return;
    setBusy(true);
    try {
      const r = await finishPatrol({ patrolId: p.id, userId: me.user.id, areaName: p.areaName }, note);
      if (r.status === 'failed') {
        fail(r.error);
        return;
      }
      if (r.status === 'sent') message.success(t('patrol.finished'));
      else message.info(t('patrol.finishQueued'));
      void qc.invalidateQueries({ queryKey: visitKeys.myDayAll });
      void qc.invalidateQueries({ queryKey: visitKeys.patrol(p.id) });
      setOpen(false);
      onDone?.();
    } finally {
      setBusy(false);
    }
  };

  const modal = (
    <Modal
      open={open}
      title={t('patrol.finishTitle')}
      onCancel={() => setOpen(false)}
      okText={t('patrol.finish')}
      okButtonProps={{ danger: true, 'data-testid': 'patrol-finish-ok' }}
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(v) => finish(v.note)} preserve={false}>
        <Form.Item
          name="note"
          label={t('patrol.note')}
          rules={[{ max: 1000, message: t('form.maxLength', { n: 1000 }) }]}
        >
          <Input.TextArea rows={3} maxLength={1000} placeholder={t('patrol.notePlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
  return { open: () => setOpen(true), modal, busy };
}

/** The open patrol on "my day": its clock, and buttons to open or end it. */
export function OpenPatrolBar({ patrol }: { patrol: { id: number; startedAt: string; areaName: string } }) {
  const t = useT();
  const navigate = useNavigate();
  const now = useTick(1000);
  const tracker = useTracker();
  const finishPending = useFinishPending(patrol.id);
  const ender = useFinishPatrol(patrol);
  const recording = tracker.patrolId === patrol.id && tracker.geo === 'watching';
  return (
    <div className="jy-patrol-bar" data-testid="patrol-bar">
      <div style={{ display: 'flex', alignItems: 'center', gap: 10, minWidth: 0 }}>
        <span className={`jy-pulse${finishPending ? ' done' : ''}`} />
        <div style={{ minWidth: 0 }}>
          <div style={{ fontWeight: 600 }}>
            {finishPending ? t('patrol.finishWaiting') : t('patrol.running')} · {patrol.areaName}
          </div>
          <div className="jy-mono" style={{ fontSize: 20 }} data-testid="patrol-bar-clock">
            {formatClock(now - Date.parse(patrol.startedAt))}
          </div>
          {recording ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              <AimOutlined /> {t('patrol.recording')}
            </Typography.Text>
          ) : null}
        </div>
      </div>
      <div className="jy-patrol-bar-actions">
        <Button
          icon={<FlagOutlined />}
          onClick={() => navigate(`/patrols/${patrol.id}`)}
          data-testid="patrol-open"
        >
          {t('patrol.view')}
        </Button>
        {finishPending ? null : (
          <Button
            danger
            type="primary"
            icon={<StopOutlined />}
            onClick={ender.open}
            loading={ender.busy}
            data-testid="patrol-finish"
          >
            {t('patrol.finish')}
          </Button>
        )}
      </div>
      {ender.modal}
    </div>
  );
}
