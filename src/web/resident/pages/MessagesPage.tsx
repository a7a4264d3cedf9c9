import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useI18n } from '../../app/i18n.js';
import { rpost, useMessages } from '../api.js';
import { Empty, Failed, fmtTime, Loading, Page } from '../ui.js';

/** Messages (the bell's list, the notifications engine): a request's steps link to it. */
export default function MessagesPage() {
  const { t, lang } = useI18n();
  const qc = useQueryClient();
  const q = useMessages();
  const readAll = async () => {
    await rpost('/api/notifications/read-all');
    await qc.invalidateQueries({ queryKey: ['resident'] });
  };
  return (
    <Page title={t('resident.messages.title')} back="/r">
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <Failed error={q.error} retry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <Empty>{t('resident.messages.empty')}</Empty>
      ) : (
        <>
          <button
            type="button"
            className="r-btn r-secondary r-block"
            onClick={readAll}
            style={{ marginBottom: 12 }}
          >
            {t('resident.messages.readAll')}
          </button>
          <ul className="r-list">
            {q.data.items.map((m) => {
              const inner = (
                <>
                  <span className="r-item-title">{m.title}</span>
                  <span className="r-meta" style={{ display: 'block' }}>
                    {fmtTime(m.at, lang)}
                  </span>
                  {m.body && <span style={{ display: 'block' }}>{m.body}</span>}
                </>
              );
              return (
                <li key={m.id} className={`r-item${m.readAt ? '' : ' r-unread'}`}>
                  {m.caseId ? <Link to={`/r/requests/${m.caseId}`}>{inner}</Link> : inner}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </Page>
  );
}
