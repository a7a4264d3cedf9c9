import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../app/api.js';
import { useT } from '../app/i18n.js';

/** The resident pages' building blocks: plain elements, large targets, one column. */
export function Page({ title, back, children }: { title: string; back?: string; children: ReactNode }) {
  const t = useT();
  return (
    <section className="r-page" aria-labelledby="r-page-title">
      <div className="r-page-head">
        {back && (
          <Link className="r-back" to={back}>
            ‹ {t('resident.back')}
          </Link>
        )}
        <h1 id="r-page-title">{title}</h1>
      </div>
      {children}
    </section>
  );
}

export function Loading() {
  const t = useT();
  return (
    <p className="r-state" role="status">
      {t('resident.loading')}
    </p>
  );
}

export function Failed({ error, retry }: { error: unknown; retry?: () => void }) {
  const t = useT();
  return (
    <div className="r-state r-error" role="alert">
      <p>{t('resident.loadFailed', { message: errorMessage(error) })}</p>
      {retry && (
        <button type="button" className="r-btn" onClick={retry}>
          {t('resident.retry')}
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="r-state r-empty">{children}</p>;
}

/** A field error from the server's envelope, shown under the field it names. */
export function FieldError({ id, text }: { id: string; text?: string }) {
  return text ? (
    <p id={id} className="r-field-error" role="alert">
      {text}
    </p>
  ) : null;
}

export const fmtTime = (iso: string, lang: string) =>
  new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
