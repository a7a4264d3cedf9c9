import {
  CloudUploadOutlined,
  DeleteOutlined,
  DisconnectOutlined,
  PaperClipOutlined,
} from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Badge, Button, Drawer, Empty, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useMe } from './auth.js';
import { hasMessage, type TFunction, useT } from './i18n.js';
import {
  flush,
  getOutboxSnapshot,
  type OutboxItem,
  onOutboxSent,
  removeItem,
  startOutbox,
  subscribeOutbox,
} from './offline.js';
import { fmtTime } from './time.js';
import { useIsMobile } from './ui.js';

function subscribeOnline(cb: () => void) {
  window.addEventListener('online', cb);
  window.addEventListener('offline', cb);
  return () => {
    window.removeEventListener('online', cb);
    window.removeEventListener('offline', cb);
  };
}

/** The browser's idea of the connection (false: certainly offline; true: perhaps online). */
export function useOnline(): boolean {
  return useSyncExternalStore(
    subscribeOnline,
    () => navigator.onLine,
    () => true,
  );
}

/** The signed-in user's outbox: what waits, what was refused, and "send now". */
export function useOutbox() {
  const snap = useSyncExternalStore(subscribeOutbox, getOutboxSnapshot, getOutboxSnapshot);
  const me = useMe().data;
  const userId = me?.user.id;
  const items = useMemo(
    () => (userId === undefined ? [] : snap.items.filter((i) => i.userId === userId)),
    [snap.items, userId],
  );
  const sendNow = useCallback(() => (userId === undefined ? Promise.resolve() : flush(userId)), [userId]);
  return {
    items,
    waiting: items.filter((i) => i.state === 'waiting').length,
    failed: items.filter((i) => i.state === 'failed').length,
    sending: snap.sending,
    loaded: snap.loaded,
    userId,
    sendNow,
  };
}

export function outboxKindLabel(t: TFunction, kind: string): string {
  const key = `outbox.kind.${kind}`;
  return hasMessage(key) ? t(key) : kind;
}

/**
 * Runs the outbox for the signed-in user (mounted once by the shell): sends on start, on `online`
 * and every minute while something waits; refetches what a sent item changed.
 */
export function OutboxRunner({ userId }: { userId: number }) {
  const qc = useQueryClient();
  const t = useT();
  const { message } = App.useApp();
  useEffect(() => startOutbox(userId), [userId]);
  useEffect(
    () =>
      onOutboxSent((item, _result, foreground) => {
        for (const key of item.invalidate) void qc.invalidateQueries({ queryKey: key });
        if (!foreground && item.kind !== 'patrol.points') {
          void message.success(
            t('outbox.sentOne', { what: `${outboxKindLabel(t, item.kind)} ${item.label}`.trim() }),
          );
        }
      }),
    [qc, message, t],
  );
  return null;
}

function OutboxRow({ item }: { item: OutboxItem }) {
  const t = useT();
  const { modal } = App.useApp();
  return (
    <div className="jy-rowlist-row" data-testid="outbox-item">
      <div className="jy-rowlist-main">
        <div style={{ display: 'flex', gap: 6, flexWrap: 'wrap', alignItems: 'center' }}>
          <Typography.Text strong>{outboxKindLabel(t, item.kind)}</Typography.Text>
          <span style={{ overflowWrap: 'anywhere' }}>{item.label}</span>
          {item.state === 'failed' ? (
            <Tag color="error" style={{ marginInlineEnd: 0 }}>
              {t('outbox.refused')}
            </Tag>
          ) : (
            <Tag color="warning" style={{ marginInlineEnd: 0 }}>
              {t('outbox.waiting')}
            </Tag>
          )}
        </div>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {fmtTime(item.createdAt, 'MM-DD HH:mm')}
          {item.attachments.length > 0 ? (
            <>
              {' · '}
              <PaperClipOutlined /> {item.attachments.length}
            </>
          ) : null}
          {item.attempts > 0 ? ` · ${t('outbox.attempts', { n: item.attempts })}` : ''}
        </Typography.Text>
        {item.error ? (
          <div style={{ fontSize: 12, color: item.state === 'failed' ? '#cf1322' : 'rgba(0,0,0,0.45)' }}>
            {item.error}
          </div>
        ) : null}
      </div>
      <div className="jy-rowlist-actions">
        <Button
          type="text"
          danger
          size="small"
          icon={<DeleteOutlined />}
          aria-label={t('common.delete')}
          onClick={() =>
            modal.confirm({
              title: t('outbox.deleteConfirm'),
              content: t('outbox.deleteHint'),
              okButtonProps: { danger: true },
              okText: t('common.delete'),
              onOk: () => removeItem(item.key),
            })
          }
        />
      </div>
    </div>
  );
}

/** What waits to be sent, with "send now". */
export function OutboxList() {
  const t = useT();
  const online = useOnline();
  const box = useOutbox();
  if (box.items.length === 0) {
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('outbox.empty')} />;
  }
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="outbox-list">
      {!online ? (
        <Alert type="warning" showIcon icon={<DisconnectOutlined />} title={t('outbox.offline')} />
      ) : null}
      <div className="jy-rowlist jy-rowlist-small">
        {box.items.map((i) => (
          <OutboxRow key={i.key} item={i} />
        ))}
      </div>
      <Button
        type="primary"
        block
        icon={<CloudUploadOutlined />}
        loading={box.sending}
        disabled={box.waiting === 0 || !online}
        onClick={() => void box.sendNow()}
        data-testid="outbox-send"
      >
        {t('outbox.sendNow')}
      </Button>
    </Space>
  );
}

function OutboxDrawer({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const mobile = useIsMobile();
  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('outbox.title')}
      placement={mobile ? 'bottom' : 'right'}
      size={mobile ? 'auto' : 420}
      data-testid="outbox-drawer"
    >
      <OutboxList />
    </Drawer>
  );
}

/** The header's "待发送 N" (nothing when nothing waits). */
export function OutboxButton() {
  const t = useT();
  const mobile = useIsMobile();
  const box = useOutbox();
  const [open, setOpen] = useState(false);
  const n = box.items.length;
  if (n === 0 && !open) return null;
  return (
    <>
      <Button
        type="text"
        onClick={() => setOpen(true)}
        data-testid="outbox-button"
        aria-label={t('outbox.pending', { n })}
        style={{ color: box.failed > 0 ? '#cf1322' : '#d46b08', paddingInline: mobile ? 6 : undefined }}
        icon={
          <Badge count={n} size="small" offset={[2, -2]} color={box.failed > 0 ? '#f5222d' : '#fa8c16'}>
            <CloudUploadOutlined style={{ fontSize: 18, color: 'inherit' }} />
          </Badge>
        }
      >
        {mobile ? null : <span data-testid="outbox-count">{t('outbox.pending', { n })}</span>}
      </Button>
      <OutboxDrawer open={open} onClose={() => setOpen(false)} />
    </>
  );
}

/** A page's notice of what waits (e.g. on "my day"), with the list and "send now". */
export function OutboxBanner() {
  const t = useT();
  const online = useOnline();
  const box = useOutbox();
  const [open, setOpen] = useState(false);
  const n = box.items.length;
  if (n === 0 && online) return null;
  return (
    <>
      <Alert
        type={box.failed > 0 ? 'error' : 'warning'}
        showIcon
        icon={online ? <CloudUploadOutlined /> : <DisconnectOutlined />}
        style={{ marginBottom: 12 }}
        data-testid="outbox-banner"
        title={
          n > 0 ? (
            <span data-testid="outbox-banner-count">{t('outbox.pending', { n })}</span>
          ) : (
            t('outbox.offlineShort')
          )
        }
        description={
          n > 0
            ? online
              ? box.failed > 0
                ? t('outbox.someRefused', { n: box.failed })
                : t('outbox.willSend')
              : t('outbox.offline')
            : t('outbox.offlineHint')
        }
        action={
          n > 0 ? (
            <Space orientation="vertical" size={4}>
              <Button
                size="small"
                type="primary"
                loading={box.sending}
                disabled={box.waiting === 0 || !online}
                onClick={() => void box.sendNow()}
                data-testid="outbox-banner-send"
              >
                {t('outbox.sendNow')}
              </Button>
              <Button size="small" onClick={() => setOpen(true)} data-testid="outbox-banner-list">
                {t('outbox.view')}
              </Button>
            </Space>
          ) : undefined
        }
      />
      <OutboxDrawer open={open} onClose={() => setOpen(false)} />
    </>
  );
}
