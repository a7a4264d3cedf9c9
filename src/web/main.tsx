import { QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp } from 'antd';
import { StrictMode, useCallback } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { setAuthRedirectHandler } from './app/api.js';
import { getLang, I18nProvider, loadLang } from './app/i18n.js';
import { queryClient } from './app/queryClient.js';
import { router } from './app/routes.js';
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
if (getLang() === 'zh-CN') render();
else loadLang(getLang()).then(render, render);
