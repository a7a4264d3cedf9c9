import { BellOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Empty, Popover, Skeleton, Typography } from 'antd';
import dayjs from 'dayjs';
import relativeTime from 'dayjs/plugin/relativeTime';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../../app/api.js';
import { useT } from '../../app/i18n.js';
import { ErrorState, useIsMobile, useNotify } from '../../app/ui.js';
import { caseKeys, type Notification, useNotifications, useUnreadCount } from './queries.js';

dayjs.extend(relativeTime);

/** Open a notification: mark it read, then go to its case (or the list). */
export function useOpenNotification() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { fail } = useNotify();
  return async (n: Notification) => {
    if (!n.readAt) {
      try {
        await api.post(`/api/notifications/${n.id}/read`);
      } catch (e) {
        fail(e);
      }
      void qc.invalidateQueries({ queryKey: caseKeys.notifications });
    }
    navigate(n.caseId ? `/cases/${n.caseId}` : '/notifications');
  };
}

export function useReadAll() {
  const qc = useQueryClient();
  const { fail } = useNotify();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      await api.post('/api/notifications/read-all');
      await qc.invalidateQueries({ queryKey: caseKeys.notifications });
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, run };
}

export function NotificationRow({ n, onOpen }: { n: Notification; onOpen: (n: Notification) => void }) {
  return (
    <button
      type="button"
      className={`jy-notif-item${n.readAt ? '' : ' unread'}`}
      onClick={() => onOpen(n)}
      data-testid={`notification-${n.id}`}
    >
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
        <span className="jy-notif-title">{n.title}</span>
        <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
          {dayjs(n.at).fromNow()}
        </Typography.Text>
      </div>
      {n.body ? <div className="jy-notif-body">{n.body}</div> : null}
    </button>
  );
}

function LatestList({ onDone }: { onDone: () => void }) {
  const t = useT();
  const list = useNotifications({ page: 1, pageSize: 10 });
  const open = useOpenNotification();
  const readAll = useReadAll();
  const navigate = useNavigate();
  const hasUnread = (list.data?.items ?? []).some((n) => !n.readAt);
  return (
    <div style={{ width: 'min(360px, calc(100vw - 32px))' }} data-testid="notification-popup">
      <div
        style={{
          display: 'flex',
          justifyContent: 'space-between',
          alignItems: 'center',
          padding: '8px 12px',
          borderBottom: '1px solid #f0f0f0',
        }}
      >
        <Typography.Text strong>{t('notifications.title')}</Typography.Text>
        <Button
          size="small"
          type="link"
          disabled={!hasUnread}
          loading={readAll.busy}
          onClick={() => void readAll.run()}
          data-testid="notifications-read-all"
        >
          {t('notifications.readAll')}
        </Button>
      </div>
      <div style={{ maxHeight: 420, overflowY: 'auto' }}>
        {list.error && !list.data ? (
          <div style={{ padding: 12 }}>
            <ErrorState error={list.error} onRetry={() => void list.refetch()} compact />
          </div>
        ) : !list.data ? (
          <div style={{ padding: 12 }}>
            <Skeleton active paragraph={{ rows: 3 }} />
          </div>
        ) : list.data.items.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} />
        ) : (
          list.data.items.map((n) => (
            <NotificationRow
              key={n.id}
              n={n}
              onOpen={(x) => {
                onDone();
                void open(x);
              }}
            />
          ))
        )}
      </div>
      <div style={{ textAlign: 'center', padding: 6, borderTop: '1px solid #f0f0f0' }}>
        <Button
          type="link"
          size="small"
          onClick={() => {
            onDone();
            navigate('/notifications');
          }}
          data-testid="notifications-all"
        >
          {t('notifications.viewAll')}
        </Button>
      </div>
    </div>
  );
}

/**
 * The bell in the header: unread count (polled every 30 s, refetched after case changes), the latest
 * ten in a popover; on phones it opens the list page.
 */
export function NotificationBell() {
  const t = useT();
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const unread = useUnreadCount(true);
  const count = unread.data?.count ?? 0;
  const bell = (
    <Button
      type="text"
      aria-label={t('notifications.title')}
      data-testid="notification-bell"
      onClick={mobile ? () => navigate('/notifications') : undefined}
      icon={
        <Badge count={count} size="small" overflowCount={99} offset={[2, -2]}>
          <BellOutlined style={{ fontSize: 18 }} />
        </Badge>
      }
    />
  );
  if (mobile) return bell;
  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      open={open}
      onOpenChange={setOpen}
      content={<LatestList onDone={() => setOpen(false)} />}
      styles={{ container: { padding: 0 } }}
      destroyOnHidden
    >
      {bell}
    </Popover>
  );
}
