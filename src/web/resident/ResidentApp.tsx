import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, Suspense, useEffect, useState } from 'react';
import { Navigate, NavLink, Route, Routes } from 'react-router';
import { isApiError } from '../app/api.js';
import { useI18n } from '../app/i18n.js';
import { startOutbox } from '../app/offline.js';
import { useResidentMe } from './api.js';
import HomePage from './pages/HomePage.js';
import SignInPage from './pages/SignInPage.js';
import { ResidentPrefsContext } from './prefs.js';
import { RESIDENT_ROUTES } from './routes.js';
import { Failed, Loading } from './ui.js';
import './resident.css';

const LARGE_KEY = 'jy_r_large';

/**
 * The resident shell (居民端): phone-first, one column, its own chunk, nothing of the staff desk.
 * 适老化: a large-text mode (kept on this device), touch targets of at least 48 px, high contrast,
 * no step with a time limit (a code stays valid for minutes and can be asked for again).
 */
export default function ResidentApp() {
  const { t, lang, setLang } = useI18n();
  const qc = useQueryClient();
  const me = useResidentMe();
  const [large, setLarge] = useState(() => {
    try {
      return localStorage.getItem(LARGE_KEY) === '1';
    } catch {
      return false;
    }
  });
  useEffect(() => {
    try {
      localStorage.setItem(LARGE_KEY, large ? '1' : '0');
    } catch {
      // storage off: the choice lasts for this page
    }
  }, [large]);
  // Reports written without a connection are sent when it returns (the shared outbox).
  const userId = me.data?.accountId;
  useEffect(() => (userId ? startOutbox(-userId) : undefined), [userId]);

  const signOut = async () => {
    await fetch('/api/auth/logout', {
      method: 'POST',
      headers: {
        'x-csrf-token': document.cookie.match(/jy_csrf=([^;]+)/)?.[1] ?? '',
        'content-type': 'application/json',
      },
      body: '{}',
    }).catch(() => undefined);
    qc.removeQueries({ queryKey: ['resident'] });
    await me.refetch();
  };

  const header = (
    <header className="r-header">
      <span className="r-brand">{t('resident.appName')}</span>
      <div className="r-tools">
        <button type="button" className="r-tool" aria-pressed={large} onClick={() => setLarge(!large)}>
          {large ? t('resident.normalText') : t('resident.largeText')}
        </button>
        <button
          type="button"
          className="r-tool"
          lang={lang === 'en' ? 'zh-CN' : 'en'}
          onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}
        >
          {t('resident.language')}
        </button>
        {me.data && (
          <button type="button" className="r-tool" onClick={signOut}>
            {t('resident.signOut')}
          </button>
        )}
      </div>
    </header>
  );

  let body: ReactNode;
  if (me.isPending) body = <Loading />;
  else if (me.error && isApiError(me.error) && [401, 403].includes(me.error.status))
    body = <SignInPage onSignedIn={() => void me.refetch()} />;
  else if (me.error) body = <Failed error={me.error} retry={() => void me.refetch()} />;
  else {
    const verified = me.data.state === 'verified';
    body = (
      <>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route index element={<HomePage me={me.data} />} />
            {RESIDENT_ROUTES.map((r) => (
              <Route
                key={r.path}
                path={r.path}
                element={r.public || verified ? <r.page /> : <Navigate to="/r/bind" replace />}
              />
            ))}
            <Route path="*" element={<Navigate to="/r" replace />} />
          </Routes>
        </Suspense>
        <nav className="r-tabs" aria-label={t('resident.nav')}>
          <NavLink to="/r" end>
            {t('resident.tabHome')}
          </NavLink>
          <NavLink to="/r/requests">{t('resident.tabRequests')}</NavLink>
          <NavLink to="/r/messages">
            {t('resident.tabMessages')}
            {me.data.unread > 0 && <span className="r-badge">{me.data.unread}</span>}
          </NavLink>
          <NavLink to={verified ? '/r/me' : '/r/settings'}>{t('resident.tabMe')}</NavLink>
        </nav>
      </>
    );
  }

  return (
    <ResidentPrefsContext.Provider value={{ large, setLarge, signOut }}>
      <div className={`r-app${large ? ' r-large' : ''}`}>
        {header}
        <main className="r-main">{body}</main>
      </div>
    </ResidentPrefsContext.Provider>
  );
}
