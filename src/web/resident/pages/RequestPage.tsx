import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router';
import { errorMessage } from '../../app/api.js';
import { useI18n } from '../../app/i18n.js';
import { rpost, useMyRequest } from '../api.js';
import { Failed, FieldError, fmtTime, Loading, Page } from '../ui.js';

/** One request: its steps in plain words, and the rating when it is done. */
export default function RequestPage() {
  const { t, lang } = useI18n();
  const id = Number(useParams().id);
  const qc = useQueryClient();
  const q = useMyRequest(id);
  const [stars, setStars] = useState(0);
  const [err, setErr] = useState<string>();
  const [busy, setBusy] = useState(false);
  if (q.isPending) return <Loading />;
  if (q.error) return <Failed error={q.error} retry={() => void q.refetch()} />;
  const r = q.data;
  const rate = async () => {
    setBusy(true);
    setErr(undefined);
    try {
      await rpost(`/api/resident/requests/${id}/rate`, { rating: stars });
      await qc.invalidateQueries({ queryKey: ['resident', 'requests'] });
    } catch (e) {
      setErr(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title={r.title} back="/r/requests">
      <dl className="r-dl">
        <dt>{t('resident.report.category')}</dt>
        <dd>{r.category}</dd>
        <dt>{t('residentAccounts.state')}</dt>
        <dd>
          <span className="r-tag">{r.state}</span>
        </dd>
        {r.viaOpen311 && (
          <>
            <dt>{t('resident.request.via')}</dt>
            <dd>{t('resident.requests.viaOpen311Long')}</dd>
          </>
        )}
        {r.forName && (
          <>
            <dt>{t('resident.report.for')}</dt>
            <dd>{r.forName}</dd>
          </>
        )}
      </dl>
      <p>{r.description}</p>
      <h2>{t('resident.request.steps')}</h2>
      <ol className="r-steps">
        {r.steps.map((s) => (
          <li key={`${s.at}-${s.text}`}>
            <span className="r-meta">{fmtTime(s.at, lang)}</span>
            <br />
            {s.text}
          </li>
        ))}
      </ol>
      {r.abilities.includes('rate') && (
        <fieldset className="r-form" style={{ border: 0, padding: 0 }}>
          <legend>
            <h2>{t('resident.request.rate')}</h2>
          </legend>
          <div className="r-stars">
            {[1, 2, 3, 4, 5].map((n) => (
              <button
                key={n}
                type="button"
                className={`r-btn${stars === n ? '' : ' r-secondary'}`}
                aria-pressed={stars === n}
                onClick={() => setStars(n)}
              >
                {t('resident.request.star', { n })}
              </button>
            ))}
          </div>
          <FieldError id="r-rate-err" text={err} />
          <button type="button" className="r-btn r-block" disabled={!stars || busy} onClick={rate}>
            {t('resident.request.rateSend')}
          </button>
        </fieldset>
      )}
      {r.rating !== null && <p className="r-note">{t('resident.requests.rated', { n: r.rating })}</p>}
    </Page>
  );
}
