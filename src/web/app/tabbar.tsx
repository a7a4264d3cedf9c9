import {
  AppstoreOutlined,
  CarryOutOutlined,
  FileTextOutlined,
  IdcardOutlined,
  PlusCircleOutlined,
} from '@ant-design/icons';
import { Drawer, Menu } from 'antd';
import { type ReactNode, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import type { Me } from '../../contract/auth.js';
import { type MessageKey, useI18n } from './i18n.js';
import './phone.css';

/** One entry of the side menu, as layout.tsx lists it (passed in: layout imports this file). */
export interface TabNavItem {
  key: string;
  path: string;
  label: MessageKey;
  icon: ReactNode;
}

interface Tab {
  key: 'myDay' | 'report' | 'cases' | 'people';
  path: string;
  label: MessageKey;
  icon: ReactNode;
  /** Shown when the user holds any of these. */
  anyOf: string[];
  /** The page belongs to the tab. */
  owns: (pathname: string) => boolean;
  /** Side-menu entries the tab stands for (left out of "more"). */
  menu: string[];
}

const REPORT = ['event.report', 'dispute.report', 'request.report'];
const TABS: Tab[] = [
  {
    key: 'myDay',
    path: '/visits/my-day',
    label: 'phone.tabMyDay',
    icon: <CarryOutOutlined />,
    anyOf: ['visit.record'],
    owns: (p) => p.startsWith('/visits/my-day') || p.startsWith('/visits/new') || p.startsWith('/patrols'),
    menu: ['visits'],
  },
  {
    key: 'report',
    path: '/cases/new',
    label: 'phone.tabReport',
    icon: <PlusCircleOutlined />,
    anyOf: REPORT,
    owns: (p) => p.startsWith('/cases/new'),
    menu: [],
  },
  {
    key: 'cases',
    path: '/cases',
    label: 'phone.tabCases',
    icon: <FileTextOutlined />,
    anyOf: ['event.read', 'dispute.read', 'request.read', ...REPORT],
    owns: (p) =>
      p === '/cases' ||
      (p.startsWith('/cases/') && !/^\/cases\/(new|map|indicators)/.test(p)) ||
      p.startsWith('/notifications'),
    menu: ['cases'],
  },
  {
    key: 'people',
    path: '/people',
    label: 'phone.tabPeople',
    icon: <IdcardOutlined />,
    anyOf: ['person.read'],
    owns: (p) => p.startsWith('/people') || p.startsWith('/houses'),
    menu: ['people'],
  },
];

/** The tabs this user gets; the bar is for someone with a day in the field (visit.record). */
export function tabsFor(me: Me): Tab[] {
  if (!me.permissions.includes('visit.record')) return [];
  return TABS.filter((tab) => tab.anyOf.some((p) => me.permissions.includes(p)));
}

/**
 * The grid worker's phone: a bottom tab bar with the day's places (my day, report, cases, people)
 * and "more" — the rest of the menu in a sheet — instead of a 13-entry drawer behind a button.
 */
export function MobileTabBar({ me, nav }: { me: Me; nav: TabNavItem[] }) {
  const { t } = useI18n();
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const [moreOpen, setMoreOpen] = useState(false);
  const tabs = tabsFor(me);
  const covered = new Set(tabs.flatMap((tab) => tab.menu));
  const rest = nav.filter((n) => !covered.has(n.key));
  const active = tabs.find((tab) => tab.owns(pathname))?.key ?? 'more';
  const restActive = rest.find((n) => (n.path === '/' ? pathname === '/' : pathname.startsWith(n.path)));

  return (
    <>
      <nav className="jy-tabbar" aria-label={t('phone.tabBar')} data-testid="tab-bar">
        {tabs.map((tab) => (
          <Link
            key={tab.key}
            // A grid worker mostly reports grid events: the form opens on that type (it can be switched).
            to={
              tab.key === 'report' && me.permissions.includes('event.report')
                ? `${tab.path}?type=event`
                : tab.path
            }
            className={`jy-tab${active === tab.key ? ' active' : ''}`}
            aria-current={active === tab.key ? 'page' : undefined}
            data-testid={`tab-${tab.key}`}
          >
            <span className="jy-tab-icon">{tab.icon}</span>
            <span className="jy-tab-label">{t(tab.label)}</span>
          </Link>
        ))}
        <button
          type="button"
          className={`jy-tab${active === 'more' ? ' active' : ''}`}
          onClick={() => setMoreOpen(true)}
          aria-haspopup="dialog"
          aria-expanded={moreOpen}
          data-testid="tab-more"
        >
          <span className="jy-tab-icon">
            <AppstoreOutlined />
          </span>
          <span className="jy-tab-label">{t('phone.tabMore')}</span>
        </button>
      </nav>
      <Drawer
        placement="bottom"
        open={moreOpen}
        onClose={() => setMoreOpen(false)}
        title={t('phone.tabMore')}
        size="auto"
        styles={{ body: { padding: '0 0 calc(8px + env(safe-area-inset-bottom))' } }}
        rootClassName="jy-more-sheet"
        data-testid="more-sheet"
      >
        <Menu
          mode="inline"
          selectedKeys={restActive ? [restActive.key] : []}
          style={{ borderInlineEnd: 0 }}
          items={rest.map((n) => ({
            key: n.key,
            icon: n.icon,
            label: (
              <span data-testid={`menu-${n.key}`} className="jy-more-item">
                {t(n.label)}
              </span>
            ),
            onClick: () => {
              setMoreOpen(false);
              navigate(n.path);
            },
          }))}
        />
      </Drawer>
    </>
  );
}
