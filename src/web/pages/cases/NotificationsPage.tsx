import { CheckOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Pagination, Segmented, Skeleton } from 'antd';
import { useSearchParams } from 'react-router';
import { useT } from '../../app/i18n.js';
import { ErrorState, PageHeader, useIsMobile } from '../../app/ui.js';
import { NotificationRow, useOpenNotification, useReadAll } from './NotificationBell.js';
import { useNotifications, useUnreadCount } from './queries.js';

const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

export default function NotificationsPage() {
  const t = useT();
  const mobile = useIsMobile();
  const [sp, setSp] = useSearchParams();
  const unreadOnly = sp.get('unread') === '1';
  const page = num(sp.get('page')) ?? 1;
  const pageSize = 20;
  const list = useNotifications({ unread: unreadOnly, page, pageSize });
  const unread = useUnreadCount(true);
  const open = useOpenNotification();
  const readAll = useReadAll();
  const total = list.data?.total ?? 0;

  return (
    <div style={{ maxWidth: 760 }}>
      <PageHeader
        title={t('notifications.title')}
        extra={
          <Button
            icon={<CheckOutlined />}
            disabled={(unread.data?.count ?? 0) === 0}
            loading={readAll.busy}
            onClick={() => void readAll.run()}
            data-testid="notifications-read-all"
          >
            {t('notifications.readAll')}
          </Button>
        }
      />
      <Segmented
        style={{ marginBottom: 12 }}
        value={unreadOnly ? 'unread' : 'all'}
        onChange={(v) => setSp(v === 'unread' ? { unread: '1' } : {}, { replace: true })}
        options={[
          { value: 'all', label: t('common.all') },
          { value: 'unread', label: t('notifications.unreadN', { n: unread.data?.count ?? 0 }) },
        ]}
      />
      {list.error && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Card size="small" styles={{ body: { padding: 0 } }}>
          {!list.data ? (
            <div style={{ padding: 16 }}>
              <Skeleton active paragraph={{ rows: 6 }} />
            </div>
          ) : list.data.items.length === 0 ? (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={unreadOnly ? t('notifications.emptyUnread') : t('notifications.empty')}
              style={{ padding: 24 }}
            />
          ) : (
            <div data-testid="notifications-list" style={{ opacity: list.isFetching ? 0.7 : 1 }}>
              {list.data.items.map((n) => (
                <NotificationRow key={n.id} n={n} onOpen={(x) => void open(x)} />
              ))}
            </div>
          )}
        </Card>
      )}
      {total > pageSize ? (
        <Pagination
          simple={mobile}
          style={{ marginTop: 12, justifyContent: 'center' }}
          current={page}
          pageSize={pageSize}
          total={total}
          showSizeChanger={false}
          onChange={(p) =>
            setSp(
              (prev) => {
                const next = new URLSearchParams(prev);
                if (p > 1) next.set('page', String(p));
                else next.delete('page');
                return next;
              },
              { replace: true },
            )
          }
        />
      ) : null}
    </div>
  );
}
