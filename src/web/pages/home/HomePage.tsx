import {
  AlertOutlined,
  BellOutlined,
  CalendarOutlined,
  CheckCircleOutlined,
  ClockCircleOutlined,
  DashboardOutlined,
  InboxOutlined,
  RightOutlined,
} from '@ant-design/icons';
import { Alert, Button, Card, Col, Empty, Row, Skeleton, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { TodoGroup } from '../../../contract/workbench.js';
import { useAuth } from '../../app/auth.js';
import { type MessageKey, useT } from '../../app/i18n.js';
import { fmtTime } from '../../app/time.js';
import { ErrorState, useIsMobile } from '../../app/ui.js';
import { NotificationRow, useOpenNotification } from '../cases/NotificationBell.js';
import { useNotifications } from '../cases/queries.js';
import { type TodoItem, todoHref, useWorkbench } from './queries.js';
import './home.css';

/** The groups of the workbench in the order a day's work reads them. */
const GROUPS: { group: TodoGroup; title: MessageKey; icon: ReactNode }[] = [
  { group: 'todo', title: 'workbench.group.todo', icon: <InboxOutlined /> },
  { group: 'alert', title: 'workbench.group.alert', icon: <AlertOutlined /> },
  { group: 'today', title: 'workbench.group.today', icon: <CalendarOutlined /> },
  { group: 'expiring', title: 'workbench.group.expiring', icon: <ClockCircleOutlined /> },
];

function TodoTile({ item }: { item: TodoItem }) {
  const t = useT();
  const warn = item.group === 'alert' && item.count > 0;
  const tone = item.count === 0 ? 'jy-todo-zero' : warn ? 'jy-todo-warn' : 'jy-todo-some';
  return (
    <Link
      to={todoHref(item)}
      className={`jy-todo ${tone}`}
      data-testid={`todo-${item.key}`}
      aria-label={t('workbench.open', { label: item.label, count: item.count })}
    >
      <span className="jy-todo-count">{item.count}</span>
      <span className="jy-todo-label">{item.label}</span>
      <RightOutlined className="jy-todo-arrow" />
    </Link>
  );
}

function RecentNotices({ unread }: { unread: TodoItem | undefined }) {
  const t = useT();
  const list = useNotifications({ page: 1, pageSize: 5 });
  const open = useOpenNotification();
  return (
    <Card
      size="small"
      title={
        <Space>
          <BellOutlined />
          {t('workbench.group.notice')}
          {unread && unread.count > 0 ? (
            <Tag color="red">{t('workbench.unread', { n: unread.count })}</Tag>
          ) : null}
        </Space>
      }
      extra={<Link to={unread ? todoHref(unread) : '/notifications'}>{t('workbench.allNotices')}</Link>}
      data-testid="home-notices"
    >
      {list.error && !list.data ? (
        <ErrorState compact error={list.error} onRetry={() => void list.refetch()} />
      ) : list.isPending ? (
        <Skeleton active paragraph={{ rows: 3 }} title={false} />
      ) : (list.data?.items.length ?? 0) === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('workbench.noNotices')} />
      ) : (
        <div className="jy-home-notices">
          {list.data?.items.map((n) => (
            <NotificationRow key={n.id} n={n} onOpen={(x) => void open(x)} />
          ))}
        </div>
      )}
    </Card>
  );
}

function Workbench() {
  const t = useT();
  const wb = useWorkbench();
  if (wb.error && !wb.data) return <ErrorState error={wb.error} onRetry={() => void wb.refetch()} />;
  if (wb.isPending || !wb.data) return <Skeleton active paragraph={{ rows: 5 }} />;
  const items = wb.data.items;
  const unread = items.find((i) => i.group === 'notice');
  const tiles = items.filter((i) => i.group !== 'notice');
  if (items.length === 0)
    return (
      <Card data-testid="home-no-todos">
        <Empty
          image={<CheckCircleOutlined style={{ fontSize: 48, color: '#52c41a' }} />}
          styles={{ image: { height: 52 } }}
          description={
            <Space orientation="vertical" size={2}>
              <Typography.Text strong>{t('workbench.none')}</Typography.Text>
              <Typography.Text type="secondary">{t('workbench.noneHint')}</Typography.Text>
            </Space>
          }
        />
      </Card>
    );
  const waiting = tiles.reduce((n, i) => n + (i.group === 'todo' || i.group === 'alert' ? i.count : 0), 0);
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="home-workbench">
      {tiles.length > 0 && waiting === 0 ? (
        <Alert type="success" showIcon title={t('workbench.allDone')} data-testid="home-all-done" />
      ) : null}
      <Row gutter={[16, 16]}>
        {GROUPS.map(({ group, title, icon }) => {
          const its = tiles.filter((i) => i.group === group);
          if (its.length === 0) return null;
          return (
            <Col xs={24} lg={group === 'todo' ? 24 : 12} xl={group === 'todo' ? 24 : 8} key={group}>
              <Card
                size="small"
                title={
                  <Space>
                    {icon}
                    {t(title)}
                  </Space>
                }
                style={{ height: '100%' }}
                data-testid={`home-group-${group}`}
              >
                <div className={`jy-todo-grid${group === 'todo' ? ' jy-todo-grid-main' : ''}`}>
                  {its.map((i) => (
                    <TodoTile key={i.key} item={i} />
                  ))}
                </div>
              </Card>
            </Col>
          );
        })}
      </Row>
      {unread ? <RecentNotices unread={unread} /> : null}
    </Space>
  );
}

export default function HomePage() {
  const t = useT();
  const mobile = useIsMobile();
  const { query } = useAuth();
  const me = query.data;
  if (!me) return <Skeleton active />;
  const expiresAt = me.user.passwordExpiresAt ? dayjs(me.user.passwordExpiresAt) : null;
  const expiresSoon = expiresAt ? expiresAt.diff(dayjs(), 'day') <= 14 : false;
  const places = [...new Map(me.roles.map((r) => [`${r.roleName}@${r.areaName}`, r])).values()];
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <div className="jy-home-head">
        <div style={{ minWidth: 0 }}>
          <Typography.Title level={mobile ? 5 : 4} style={{ margin: 0 }}>
            {t('home.welcome', { name: me.user.displayName })}
          </Typography.Title>
          <Space wrap size={[4, 4]} style={{ marginTop: 4 }}>
            <Typography.Text type="secondary">
              {fmtTime(Date.now(), t('workbench.dateFormat'))}
            </Typography.Text>
            {places.slice(0, 3).map((r) => (
              <Tag key={r.assignmentId} color="blue" style={{ marginInlineEnd: 0 }}>
                {r.roleName} · {r.areaName}
              </Tag>
            ))}
          </Space>
        </div>
        {me.permissions.includes('dashboard.read') ? (
          <Link to="/dashboard" data-testid="home-dashboard-open">
            <Button icon={<DashboardOutlined />}>{t('home.dashboardOpen')}</Button>
          </Link>
        ) : null}
      </div>
      {expiresSoon && expiresAt ? (
        <Alert
          type="warning"
          showIcon
          title={t('home.passwordExpires', { date: fmtTime(expiresAt, 'YYYY-MM-DD') })}
          action={<Link to="/profile">{t('home.changeNow')}</Link>}
        />
      ) : null}
      {!me.user.totpEnabled ? (
        <Alert
          type="info"
          showIcon
          closable
          title={t('home.totpSuggest')}
          action={<Link to="/profile">{t('home.enableNow')}</Link>}
        />
      ) : null}
      {me.roles.length === 0 ? <Alert type="info" showIcon title={t('home.noRoles')} /> : null}
      <Workbench />
    </Space>
  );
}
