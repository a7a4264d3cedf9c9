import {
  ApiOutlined,
  AuditOutlined,
  BankOutlined,
  BarChartOutlined,
  BlockOutlined,
  CalendarOutlined,
  CarryOutOutlined,
  CheckSquareOutlined,
  ClockCircleOutlined,
  DashboardOutlined,
  DownOutlined,
  EnvironmentOutlined,
  FileTextOutlined,
  FlagOutlined,
  FundOutlined,
  HeartOutlined,
  HistoryOutlined,
  HomeOutlined,
  IdcardOutlined,
  LogoutOutlined,
  MenuOutlined,
  NodeIndexOutlined,
  NotificationOutlined,
  PushpinOutlined,
  SafetyCertificateOutlined,
  ScheduleOutlined,
  SettingOutlined,
  ShopOutlined,
  SolutionOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import {
  Avatar,
  Button,
  Drawer,
  Dropdown,
  Layout,
  Menu,
  type MenuProps,
  Segmented,
  Spin,
  Typography,
} from 'antd';
import { type ReactNode, Suspense, useEffect, useMemo, useState } from 'react';
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import type { Me } from '../../contract/auth.js';
import { NotificationBell } from '../pages/cases/NotificationBell.js';
import { PatrolPill } from '../pages/visits/PatrolPill.js';
import { isApiError } from './api.js';
import { useLogout, useMe } from './auth.js';
import { type MessageKey, useI18n } from './i18n.js';
import { CASE_ACCESS, CASE_READ, PageFallback, VISIT_ACCESS } from './nav.js';
import { OutboxButton, OutboxRunner } from './outbox.js';
import { MobileTabBar, tabsFor } from './tabbar.js';
import { ErrorBoundary, ErrorState, useIsMobile } from './ui.js';

export interface NavItem {
  key:
    | 'dashboard'
    | 'home'
    | 'cases'
    | 'caseMap'
    | 'disputes'
    | 'caseIndicators'
    | 'visits'
    | 'visitLog'
    | 'patrolLog'
    | 'visitStats'
    | 'visitRules'
    | 'notices'
    | 'activities'
    | 'volunteers'
    | 'party'
    | 'myActivities'
    | 'venues'
    | 'areas'
    | 'people'
    | 'houses'
    | 'organisations'
    | 'residentAccounts'
    | 'users'
    | 'roles'
    | 'grants'
    | 'security'
    | 'calendar'
    | 'caseLimits'
    | 'open311'
    | 'audit'
    | 'window'
    | 'windowQueue'
    | 'profile';
  path: string;
  label: MessageKey;
  icon: ReactNode;
  /** Shown when the user holds this permission; none: everyone signed in. */
  permission?: string;
  /** Shown when the user holds any of these. */
  anyPermission?: string[];
  /** Other paths that belong to the entry (the menu marks it there too). */
  also?: string[];
}

export { CASE_ACCESS, CASE_READ, PageFallback, VISIT_ACCESS };

/** docs/api-draft.md "Permissions that drive the menu". */
export const NAV_ITEMS: NavItem[] = [
  {
    key: 'dashboard',
    path: '/dashboard',
    label: 'nav.dashboard',
    icon: <DashboardOutlined />,
    permission: 'dashboard.read',
  },
  { key: 'home', path: '/', label: 'nav.home', icon: <HomeOutlined /> },
  {
    key: 'cases',
    path: '/cases',
    label: 'nav.cases',
    icon: <FileTextOutlined />,
    anyPermission: CASE_ACCESS,
  },
  {
    key: 'caseMap',
    path: '/cases/map',
    label: 'nav.caseMap',
    icon: <PushpinOutlined />,
    anyPermission: CASE_READ,
  },
  {
    key: 'disputes',
    path: '/disputes',
    label: 'nav.disputes',
    icon: <SolutionOutlined />,
    permission: 'dispute.read',
  },
  {
    key: 'caseIndicators',
    path: '/cases/indicators',
    label: 'nav.caseIndicators',
    icon: <BarChartOutlined />,
    anyPermission: CASE_READ,
  },
  {
    key: 'window',
    path: '/window/matters',
    label: 'nav.window',
    icon: <SolutionOutlined />,
    permission: 'window.read',
  },
  {
    key: 'windowQueue',
    path: '/window/queue',
    label: 'nav.windowQueue',
    icon: <NodeIndexOutlined />,
    permission: 'window.read',
  },
  {
    key: 'visits',
    path: '/visits/my-day',
    label: 'nav.visits',
    icon: <CarryOutOutlined />,
    permission: 'visit.record',
    also: ['/visits/new'],
  },
  {
    key: 'visitLog',
    path: '/visits',
    label: 'nav.visitLog',
    icon: <HistoryOutlined />,
    permission: 'visit.read',
  },
  {
    key: 'patrolLog',
    path: '/patrols',
    label: 'nav.patrolLog',
    icon: <NodeIndexOutlined />,
    permission: 'visit.read',
  },
  {
    key: 'visitStats',
    path: '/visits/stats',
    label: 'nav.visitStats',
    icon: <FundOutlined />,
    permission: 'visit.read',
    also: ['/visits/plans'],
  },
  {
    key: 'notices',
    path: '/notices',
    label: 'nav.notices',
    icon: <NotificationOutlined />,
    permission: 'notice.read',
  },
  {
    key: 'activities',
    path: '/activities',
    label: 'nav.activities',
    icon: <CalendarOutlined />,
    anyPermission: ['activity.read', 'activity.organise'],
  },
  {
    key: 'volunteers',
    path: '/volunteers',
    label: 'nav.volunteers',
    icon: <HeartOutlined />,
    permission: 'volunteer.read',
  },
  {
    key: 'venues',
    path: '/venues',
    label: 'nav.venues',
    icon: <BlockOutlined />,
    anyPermission: ['venue.read', 'venue.book'],
    also: ['/venues/calendar'],
  },
  {
    key: 'party',
    path: '/party',
    label: 'nav.party',
    icon: <FlagOutlined />,
    permission: 'party.read',
  },
  {
    key: 'myActivities',
    path: '/my-activities',
    label: 'nav.myActivities',
    icon: <HeartOutlined />,
    permission: 'activity.join',
    also: ['/m/checkin'],
  },
  {
    key: 'areas',
    path: '/areas',
    label: 'nav.areas',
    icon: <EnvironmentOutlined />,
    permission: 'area.read',
  },
  {
    key: 'people',
    path: '/people',
    label: 'nav.people',
    icon: <IdcardOutlined />,
    permission: 'person.read',
  },
  {
    key: 'houses',
    path: '/houses',
    label: 'sheets.houses',
    icon: <BankOutlined />,
    permission: 'house.read',
  },
  {
    key: 'organisations',
    path: '/organisations',
    label: 'nav.organisations',
    icon: <ShopOutlined />,
    permission: 'org.read',
  },
  {
    key: 'residentAccounts',
    path: '/resident-accounts',
    label: 'nav.residentAccounts',
    icon: <IdcardOutlined />,
    permission: 'resident_account.read',
  },
  { key: 'users', path: '/users', label: 'nav.users', icon: <TeamOutlined />, permission: 'user.read' },
  {
    key: 'roles',
    path: '/roles',
    label: 'nav.roles',
    icon: <SafetyCertificateOutlined />,
    permission: 'role.read',
  },
  {
    key: 'grants',
    path: '/role-grants',
    label: 'nav.grants',
    icon: <CheckSquareOutlined />,
    permission: 'role.approve',
  },
  {
    key: 'security',
    path: '/settings/security',
    label: 'nav.security',
    icon: <SettingOutlined />,
    permission: 'setting.security',
  },
  {
    key: 'calendar',
    path: '/settings/calendar',
    label: 'nav.calendar',
    icon: <CalendarOutlined />,
    permission: 'case.configure',
  },
  {
    key: 'caseLimits',
    path: '/settings/case-limits',
    label: 'nav.caseLimits',
    icon: <ClockCircleOutlined />,
    permission: 'case.configure',
  },
  {
    key: 'visitRules',
    path: '/settings/visit-rules',
    label: 'nav.visitRules',
    icon: <ScheduleOutlined />,
    permission: 'visit.manage',
    also: ['/settings/visit-pairs'],
  },
  {
    key: 'open311',
    path: '/settings/open311',
    label: 'nav.open311',
    icon: <ApiOutlined />,
    permission: 'open311.manage',
  },
  { key: 'audit', path: '/audit', label: 'nav.audit', icon: <AuditOutlined />, permission: 'audit.read' },
  { key: 'profile', path: '/profile', label: 'nav.profile', icon: <UserOutlined /> },
];

export function visibleNav(me: Me | undefined): NavItem[] {
  const perms = me?.permissions ?? [];
  return NAV_ITEMS.filter((n) => {
    if (n.permission && !perms.includes(n.permission)) return false;
    if (n.anyPermission && !n.anyPermission.some((p) => perms.includes(p))) return false;
    return true;
  });
}

function activeKey(pathname: string): string {
  const hits = NAV_ITEMS.flatMap((n) =>
    [n.path, ...(n.also ?? [])]
      .filter((p) => p !== '/' && pathname.startsWith(p))
      .map((p) => ({ key: n.key, len: p.length })),
  ).sort((a, b) => b.len - a.len);
  return hits[0]?.key ?? (pathname === '/' ? 'home' : '');
}

/** Staff-shell pages a resident's account may open (see the redirect in AppLayout). */
const RESIDENT_SELF_SERVICE = ['/my-activities', '/m/checkin', '/activities/', '/volunteers/certificates/'];

function SideMenu({ me, onNavigate }: { me: Me; onNavigate?: () => void }) {
  const { t } = useI18n();
  const { pathname } = useLocation();
  const items: MenuProps['items'] = visibleNav(me).map((n) => ({
    key: n.key,
    icon: n.icon,
    label: (
      <Link to={n.path} data-testid={`menu-${n.key}`} onClick={onNavigate}>
        {t(n.label)}
      </Link>
    ),
  }));
  return (
    <Menu mode="inline" selectedKeys={[activeKey(pathname)]} items={items} style={{ borderInlineEnd: 0 }} />
  );
}

function LangSwitch({ compact }: { compact: boolean }) {
  const { lang, setLang } = useI18n();
  if (compact) {
    return (
      <Button
        size="small"
        type="text"
        data-testid="lang-switch"
        onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}
        aria-label={lang === 'zh-CN' ? 'English' : '中文'}
      >
        {lang === 'zh-CN' ? 'EN' : '中'}
      </Button>
    );
  }
  return (
    <Segmented
      size="small"
      data-testid="lang-switch"
      value={lang}
      onChange={(v) => setLang(v as 'zh-CN' | 'en')}
      options={[
        { label: '中文', value: 'zh-CN' },
        { label: 'English', value: 'en' },
      ]}
    />
  );
}

function roleScopes(me: Me): string {
  return me.roles.map((r) => `${r.roleName} · ${r.areaName}`).join('，');
}

function UserMenu({ me, mobile }: { me: Me; mobile: boolean }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const logout = useLogout();
  const items: MenuProps['items'] = [
    ...(mobile
      ? [
          {
            key: 'who',
            disabled: true,
            label: (
              <div style={{ maxWidth: 240 }}>
                <div style={{ fontWeight: 600 }}>{me.user.displayName}</div>
                <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'normal' }}>
                  {roleScopes(me) || t('home.noRoles')}
                </Typography.Text>
              </div>
            ),
          },
          { type: 'divider' as const },
        ]
      : []),
    {
      key: 'profile',
      icon: <UserOutlined />,
      label: <span data-testid="user-menu-profile">{t('nav.profile')}</span>,
    },
    { key: 'logout', icon: <LogoutOutlined />, label: <span data-testid="logout">{t('auth.logout')}</span> },
  ];
  const onClick: MenuProps['onClick'] = async ({ key }) => {
    if (key === 'profile') navigate('/profile');
    if (key === 'logout') {
      await logout();
      navigate('/login', { replace: true });
    }
  };
  return (
    <Dropdown menu={{ items, onClick }} trigger={['click']} placement="bottomRight">
      <Button type="text" data-testid="user-menu" className="jy-user-trigger">
        <Avatar size="small" style={{ background: '#1f6feb' }} icon={<UserOutlined />} />
        {mobile ? null : (
          <span className="jy-user-text">
            <span className="jy-user-name">{me.user.displayName}</span>
            <span className="jy-user-scope">{roleScopes(me)}</span>
          </span>
        )}
        <DownOutlined style={{ fontSize: 10 }} />
      </Button>
    </Dropdown>
  );
}

function FullPageSpin() {
  return (
    <div className="jy-fullpage-center">
      <Spin size="large" />
    </div>
  );
}

/** The signed-in shell: guards the session, then header, menu and the page. */
export function AppLayout() {
  const { t } = useI18n();
  const mobile = useIsMobile();
  const location = useLocation();
  const meQuery = useMe();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [collapsed, setCollapsed] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: close the drawer whenever the page changes
  useEffect(() => setDrawerOpen(false), [location.pathname]);

  const here = `${location.pathname}${location.search}`;
  const redirect = useMemo(() => encodeURIComponent(here), [here]);

  if (meQuery.isPending) return <FullPageSpin />;
  if (meQuery.error) {
    if (isApiError(meQuery.error) && meQuery.error.status === 401) {
      return <Navigate to={`/login?redirect=${redirect}`} replace />;
    }
    if (isApiError(meQuery.error, 'PASSWORD_CHANGE_REQUIRED')) {
      return <Navigate to={`/login/change-password?redirect=${redirect}`} replace />;
    }
    if (isApiError(meQuery.error, 'MFA_REQUIRED')) {
      return <Navigate to={`/login?step=mfa&redirect=${redirect}`} replace />;
    }
    return (
      <div className="jy-fullpage-center">
        <ErrorState error={meQuery.error} onRetry={() => void meQuery.refetch()} />
      </div>
    );
  }
  const me = meQuery.data;
  // A resident's account belongs to the resident channel: its own pages, not the staff desk — but
  // for the activity pages a resident uses too (sign-up, the QR check-in a phone opens, hours and
  // certificates), which live here until the resident shell has its own.
  if (me.user.kind === 'resident' && !RESIDENT_SELF_SERVICE.some((p) => location.pathname.startsWith(p)))
    return <Navigate to="/r" replace />;
  if (me.user.mfaPending) return <Navigate to={`/login?step=mfa&redirect=${redirect}`} replace />;
  if (me.user.mustChangePassword) {
    return <Navigate to={`/login/change-password?redirect=${redirect}`} replace />;
  }

  // A grid worker's phone gets a bottom tab bar (its "more" holds the rest of the menu), not the drawer.
  const tabBar = mobile && tabsFor(me).length > 0;

  const brand = (
    <Link to="/" className="jy-brand">
      <span className="jy-brand-logo">家</span>
      <span>{t('app.name')}</span>
    </Link>
  );

  return (
    <Layout className={tabBar ? 'jy-shell jy-has-tabbar' : 'jy-shell'}>
      {tabBar ? (
        <MobileTabBar me={me} nav={visibleNav(me)} />
      ) : mobile ? (
        <Drawer
          placement="left"
          open={drawerOpen}
          onClose={() => setDrawerOpen(false)}
          size={260}
          title={brand}
          styles={{ body: { padding: 0 } }}
          data-testid="mobile-drawer"
        >
          <SideMenu me={me} onNavigate={() => setDrawerOpen(false)} />
        </Drawer>
      ) : (
        <Layout.Sider
          theme="light"
          width={208}
          collapsible
          collapsed={collapsed}
          onCollapse={setCollapsed}
          className="jy-sider"
          // Fixed in place on long pages: the sider keeps the window's height and scrolls its own menu.
          style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'hidden', zIndex: 11 }}
        >
          <div className="jy-sider-brand">
            {collapsed ? (
              <Link to="/" className="jy-brand">
                <span className="jy-brand-logo">家</span>
              </Link>
            ) : (
              brand
            )}
          </div>
          <div className="jy-sider-menu">
            <SideMenu me={me} />
          </div>
        </Layout.Sider>
      )}
      <Layout>
        <Layout.Header className="jy-header">
          <div className="jy-header-left">
            {tabBar ? (
              brand
            ) : mobile ? (
              <>
                <Button
                  type="text"
                  icon={<MenuOutlined />}
                  onClick={() => setDrawerOpen(true)}
                  data-testid="mobile-menu"
                  aria-label={t('nav.openMenu')}
                />
                {brand}
              </>
            ) : null}
          </div>
          <div className="jy-header-right">
            <OutboxRunner userId={me.user.id} />
            {me.permissions.includes('visit.record') ? <PatrolPill userId={me.user.id} /> : null}
            <OutboxButton />
            <NotificationBell />
            <LangSwitch compact={mobile} />
            <UserMenu me={me} mobile={mobile} />
          </div>
        </Layout.Header>
        <Layout.Content className="jy-content">
          <ErrorBoundary key={location.pathname}>
            <Suspense fallback={<PageFallback />}>
              <Outlet />
            </Suspense>
          </ErrorBoundary>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
