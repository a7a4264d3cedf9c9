import { QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp } from 'antd';
import { StrictMode, useCallback } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import type { LoginResult } from '../contract/auth.js';
import { setAuthRedirectHandler } from './app/api.js';
import { prefetchMe } from './app/auth.js';
import { adoptStoredLang, I18nProvider, loadLang } from './app/i18n.js';
import { queryClient } from './app/queryClient.js';
import { safeRedirect } from './app/redirect.js';
import { prefetchRoute, router } from './app/routes.js';
import { ErrorBoundary } from './app/ui.js';
import './app/global.css';

setAuthRedirectHandler((kind) => {
  const { pathname, search } = window.location;
  if (pathname.startsWith('/login')) return;
  const redirect = encodeURIComponent(`${pathname}${search}`);
  if (kind === 'login') {
    queryClient.removeQueries({ queryKey: ['me'] });
    void router.navigate(`/login?redirect=${redirect}`, { replace: true });
  } else if (kind === 'change_password') {
    void router.navigate(`/login/change-password?redirect=${redirect}`, { replace: true });
  } else {
    void router.navigate(`/login?step=mfa&redirect=${redirect}`, { replace: true });
  }
});

function Root() {
  // Names, roles and error texts come from the server in the request's language: refetch them.
  const onLangChange = useCallback(() => void queryClient.invalidateQueries(), []);
  return (
    <I18nProvider onChange={onLangChange}>
      <AntApp>
        <ErrorBoundary>
          <RouterProvider router={router} />
        </ErrorBoundary>
      </AntApp>
    </I18nProvider>
  );
}

declare global {
  interface Window {
    /** Set by the quick sign-in of index.html while it is on screen (see there). */
    __jyQuick?: { next: LoginResult['next'] | null; go: ((next: LoginResult['next']) => void) | null };
  }
}

const el = document.getElementById('root');
if (!el) throw new Error('#root missing');
const render = () =>
  createRoot(el).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <Root />
      </QueryClientProvider>
    </StrictMode>,
  );
// English was chosen on this device: its texts (a chunk of their own) before the first paint.
const start = () => {
  const lang = adoptStoredLang();
  if (lang === 'zh-CN') render();
  else loadLang(lang).then(render, render);
};

const quick = window.__jyQuick;
if (quick && document.getElementById('jy-quick')) {
  // The quick sign-in is on screen: fetch what the user will land on while they type, and start the
  // app only when they are signed in (the form stays theirs until then: no re-render under their
  // fingers). Two-factor and a password change continue on the app's own pages.
  const redirect = safeRedirect(new URLSearchParams(window.location.search).get('redirect'));
  prefetchRoute(redirect.split('?')[0]!);
  quick.go = (next) => {
    quick.go = null;
    const back = encodeURIComponent(redirect);
    const target =
      next === 'mfa'
        ? `/login?step=mfa&redirect=${back}`
        : next === 'change_password'
          ? `/login/change-password?redirect=${back}`
          : redirect;
    if (next === 'ok') prefetchMe(queryClient);
    void router.navigate(target, { replace: true }).then(start);
  };
  if (quick.next) quick.go(quick.next);
} else {
  // The shell and the page asked for, beside the check of the session instead of after it.
  if (!window.location.pathname.startsWith('/login')) {
    prefetchMe(queryClient);
    prefetchRoute(window.location.pathname);
  }
  start();
}
