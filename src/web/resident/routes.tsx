import { type ComponentType, lazy } from 'react';

/**
 * The resident pages under /r/… (their own lazy chunk: a resident never downloads the staff desk).
 * Another module adds its pages with one line here (e.g. the notices pages: `{ path: 'notices',
 * page: lazy(() => import('../pages/notices/ResidentNotices.js')), public: true }`).
 */
export interface ResidentRoute {
  path: string;
  page: ComponentType;
  /** Open to unverified accounts (public notices); the rest ask for verification first. */
  public?: boolean;
}

export const RESIDENT_ROUTES: ResidentRoute[] = [
  { path: 'bind', page: lazy(() => import('./pages/BindPage.js')), public: true },
  { path: 'report', page: lazy(() => import('./pages/ReportPage.js')) },
  { path: 'requests', page: lazy(() => import('./pages/RequestsPage.js')) },
  { path: 'requests/:id', page: lazy(() => import('./pages/RequestPage.js')) },
  { path: 'me', page: lazy(() => import('./pages/MyDataPage.js')) },
  // The notices module's pages (the publications engine): what the resident's community and street
  // published. An unverified account reads the public ones of the community or street it chose.
  { path: 'notices', page: lazy(() => import('./pages/NoticesGate.js')), public: true },
  {
    path: 'notices/:id',
    page: lazy(() => import('./pages/NoticesGate.js').then((m) => ({ default: m.NoticeGate }))),
    public: true,
  },
  { path: 'settings', page: lazy(() => import('./pages/SettingsPage.js')), public: true },
  { path: 'messages', page: lazy(() => import('./pages/MessagesPage.js')), public: true },
];
