import { DashboardOutlined, RightOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Empty, Row, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { Link } from 'react-router';
import { useAuth } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { KindTag } from '../../app/labels.js';
import { visibleNav } from '../../app/layout.js';
import { QueryState, RowList } from '../../app/ui.js';

const NAV_DESC = {
  dashboard: 'home.desc.dashboard',
  cases: 'home.desc.cases',
  caseMap: 'home.desc.caseMap',
  disputes: 'home.desc.disputes',
  caseIndicators: 'home.desc.caseIndicators',
  calendar: 'home.desc.calendar',
  caseLimits: 'home.desc.caseLimits',
  open311: 'home.desc.open311',
  areas: 'home.desc.areas',
  people: 'home.desc.people',
  organisations: 'home.desc.organisations',
  users: 'home.desc.users',
  roles: 'home.desc.roles',
  grants: 'home.desc.grants',
  security: 'home.desc.security',
  audit: 'home.desc.audit',
  profile: 'home.desc.profile',
} as const;

export default function HomePage() {
  const t = useT();
  const { query } = useAuth();

  return (
    <QueryState query={query}>
      {(me) => {
        const links = visibleNav(me).filter((n) => n.key !== 'home');
        const grids = me.roles.filter((r) => r.areaKind === 'grid');
        const expiresAt = me.user.passwordExpiresAt ? dayjs(me.user.passwordExpiresAt) : null;
        const expiresSoon = expiresAt ? expiresAt.diff(dayjs(), 'day') <= 14 : false;
        return (
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Card>
              <Typography.Title level={4} style={{ marginTop: 0 }}>
                {t('home.welcome', { name: me.user.displayName })}
              </Typography.Title>
              <Typography.Text type="secondary">{t('home.subtitle')}</Typography.Text>
              {expiresSoon && expiresAt ? (
                <Alert
                  style={{ marginTop: 12 }}
                  type="warning"
                  showIcon
                  title={t('home.passwordExpires', { date: expiresAt.format('YYYY-MM-DD') })}
                  action={<Link to="/profile">{t('home.changeNow')}</Link>}
                />
              ) : null}
              {!me.user.totpEnabled ? (
                <Alert
                  style={{ marginTop: 12 }}
                  type="info"
                  showIcon
                  title={t('home.totpSuggest')}
                  action={<Link to="/profile">{t('home.enableNow')}</Link>}
                />
              ) : null}
            </Card>

            {me.permissions.includes('dashboard.read') ? (
              <Card data-testid="home-dashboard">
                <div
                  style={{
                    display: 'flex',
                    flexWrap: 'wrap',
                    gap: 12,
                    alignItems: 'center',
                    justifyContent: 'space-between',
                  }}
                >
                  <Space align="start">
                    <DashboardOutlined style={{ fontSize: 28, color: '#1f6feb' }} />
                    <div>
                      <Typography.Title level={5} style={{ margin: 0 }}>
                        {t('home.dashboardTitle')}
                      </Typography.Title>
                      <Typography.Text type="secondary">{t('home.desc.dashboard')}</Typography.Text>
                    </div>
                  </Space>
                  <Space wrap>
                    <Link to="/dashboard" data-testid="home-dashboard-open">
                      <Button type="primary">{t('home.dashboardOpen')}</Button>
                    </Link>
                    <Link to="/screen">
                      <Button>{t('home.screenOpen')}</Button>
                    </Link>
                  </Space>
                </div>
              </Card>
            ) : null}

            {grids.length > 0 ? (
              <Card title={t('home.myGrids')} data-testid="my-grids">
                <RowList
                  items={grids}
                  rowKey={(g) => g.assignmentId}
                  render={(g) => (
                    <div>
                      <Link to={`/areas?focus=${g.areaId}`} style={{ fontWeight: 500 }}>
                        {g.areaName}
                      </Link>
                      <div>
                        <Typography.Text type="secondary">{g.roleName}</Typography.Text>
                      </div>
                    </div>
                  )}
                  actions={(g) => (
                    <Link to={`/areas?focus=${g.areaId}`}>
                      {t('home.openGrid')} <RightOutlined />
                    </Link>
                  )}
                />
              </Card>
            ) : null}

            <Row gutter={[16, 16]}>
              <Col xs={24} lg={10}>
                <Card title={t('home.myRoles')} style={{ height: '100%' }}>
                  {me.roles.length === 0 ? (
                    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('home.noRoles')} />
                  ) : (
                    <RowList
                      size="small"
                      items={me.roles}
                      rowKey={(r) => r.assignmentId}
                      render={(r) => (
                        <Space wrap size={[8, 4]}>
                          <Tag color="blue">{r.roleName}</Tag>
                          <span>{r.areaName}</span>
                          <KindTag kind={r.areaKind} />
                        </Space>
                      )}
                    />
                  )}
                </Card>
              </Col>
              <Col xs={24} lg={14}>
                <Card title={t('home.quickLinks')} style={{ height: '100%' }}>
                  <Row gutter={[12, 12]}>
                    {links.map((n) => (
                      <Col xs={24} sm={12} key={n.key}>
                        <Link to={n.path} data-testid={`quick-${n.key}`}>
                          <Card size="small" hoverable>
                            <Space align="start">
                              <span style={{ fontSize: 20, color: '#1f6feb' }}>{n.icon}</span>
                              <div>
                                <div style={{ fontWeight: 500 }}>{t(n.label)}</div>
                                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                                  {t(NAV_DESC[n.key as keyof typeof NAV_DESC])}
                                </Typography.Text>
                              </div>
                            </Space>
                          </Card>
                        </Link>
                      </Col>
                    ))}
                  </Row>
                </Card>
              </Col>
            </Row>
          </Space>
        );
      }}
    </QueryState>
  );
}
