import { Link } from 'react-router';
import { useI18n } from '../../app/i18n.js';
import { useMyRequests } from '../api.js';
import { Empty, Failed, fmtTime, Loading, Page } from '../ui.js';

/** 我的诉求: every request of mine and those a household member raised for me. */
export default function RequestsPage() {
  const { t, lang } = useI18n();
  const q = useMyRequests();
  return (
    <Page title={t('resident.requests.title')} back="/r">
      <p>
        <Link className="r-btn r-block" to="/r/report">
          {t('resident.requests.new')}
        </Link>
      </p>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <Failed error={q.error} retry={() => void q.refetch()} />
      ) : q.data.length === 0 ? (
        <Empty>{t('resident.requests.empty')}</Empty>
      ) : (
        <ul className="r-list">
          {q.data.map((r) => (
            <li key={r.id} className="r-item">
              <Link to={`/r/requests/${r.id}`}>
                <span className="r-tag">{r.state}</span> <span className="r-item-title">{r.title}</span>
                <span className="r-meta" style={{ display: 'block' }}>
                  {r.category} · {fmtTime(r.reportedAt, lang)}
                  {r.forName ? ` · ${t('resident.requests.for', { name: r.forName })}` : ''}
                  {r.viaOpen311 ? ` · ${t('resident.requests.viaOpen311')}` : ''}
                  {r.rating ? ` · ${t('resident.requests.rated', { n: r.rating })}` : ''}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
