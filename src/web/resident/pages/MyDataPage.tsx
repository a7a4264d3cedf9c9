import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage, isApiError } from '../../app/api.js';
import { type MessageKey, useI18n } from '../../app/i18n.js';
import { rpost, useMyData } from '../api.js';
import { Empty, Failed, FieldError, fmtTime, Loading, Page } from '../ui.js';

const FIELDS = ['name', 'idNumber', 'phone', 'address', 'residenceType', 'other'] as const;

/** 我的信息: what the community holds (masked), and asking for a correction (a case to the worker). */
export default function MyDataPage() {
  const { t, lang } = useI18n();
  const qc = useQueryClient();
  const q = useMyData();
  const [open, setOpen] = useState<number | null>(null);
  const [field, setField] = useState<(typeof FIELDS)[number]>('address');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [sent, setSent] = useState(false);
  if (q.isPending) return <Loading />;
  if (q.error) return <Failed error={q.error} retry={() => void q.refetch()} />;
  const send = async (ev: FormEvent) => {
    ev.preventDefault();
    setErrors({});
    try {
      await rpost('/api/resident/corrections', { personId: open, field, description: description.trim() });
      setSent(true);
      setOpen(null);
      setDescription('');
      await qc.invalidateQueries({ queryKey: ['resident', 'data'] });
    } catch (e) {
      if (isApiError(e) && e.issues.length)
        setErrors(Object.fromEntries(e.issues.map((i) => [i.path.replace(/^body\./, ''), i.message])));
      else setErrors({ form: errorMessage(e) });
    }
  };
  const v = (x: string | number | null) => (x === null || x === '' ? t('resident.empty') : String(x));
  return (
    <Page title={t('resident.data.title')} back="/r">
      <p>
        <Link className="r-btn r-secondary r-block" to="/r/settings">
          {t('resident.settings.title')}
        </Link>
      </p>
      <p className="r-hint">{t('resident.data.hint')}</p>
      {sent && (
        <p className="r-note" role="status">
          {t('resident.data.correctSent')}
        </p>
      )}
      {q.data.house && (
        <p>
          <strong>{t('resident.data.house')}：</strong>
          {q.data.house}
        </p>
      )}
      <ul className="r-list">
        {q.data.people.map((p) => (
          <li key={p.personId} className="r-item">
            <h2 style={{ marginTop: 0 }}>
              {p.name} {p.self && <span className="r-tag">{t('resident.data.self')}</span>}
            </h2>
            <dl className="r-dl">
              <dt>{t('resident.data.relation')}</dt>
              <dd>{v(p.relation)}</dd>
              <dt>{t('resident.data.sex')}</dt>
              <dd>{v(p.sex)}</dd>
              <dt>{t('resident.data.age')}</dt>
              <dd>{p.age === null ? t('resident.empty') : t('resident.data.ageYears', { n: p.age })}</dd>
              <dt>{t('resident.data.idNumber')}</dt>
              <dd>{v(p.idNumber)}</dd>
              <dt>{t('resident.data.phone')}</dt>
              <dd>{v(p.phone)}</dd>
              <dt>{t('resident.data.residenceType')}</dt>
              <dd>{v(p.residenceType)}</dd>
              <dt>{t('resident.data.address')}</dt>
              <dd>{v(p.address)}</dd>
            </dl>
            {open === p.personId ? (
              <form className="r-form" onSubmit={send} noValidate style={{ marginTop: 12 }}>
                <div>
                  <label htmlFor={`r-f-${p.personId}`}>{t('resident.data.correctField')}</label>
                  <select
                    id={`r-f-${p.personId}`}
                    value={field}
                    onChange={(e) => setField(e.target.value as typeof field)}
                  >
                    {FIELDS.map((f) => (
                      <option key={f} value={f}>
                        {t(`resident.field.${f}` as MessageKey)}
                      </option>
                    ))}
                  </select>
                </div>
                <div>
                  <label htmlFor={`r-d-${p.personId}`}>{t('resident.data.correctWhat')}</label>
                  <textarea
                    id={`r-d-${p.personId}`}
                    value={description}
                    onChange={(e) => setDescription(e.target.value)}
                  />
                  <FieldError id="r-d-err" text={errors.description ?? errors.personId ?? errors.form} />
                </div>
                <button type="submit" className="r-btn r-block">
                  {t('resident.data.correctSend')}
                </button>
              </form>
            ) : (
              <button
                type="button"
                className="r-btn r-secondary r-block"
                style={{ marginTop: 12 }}
                onClick={() => setOpen(p.personId)}
              >
                {t('resident.data.correct')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <h2>{t('resident.data.corrections')}</h2>
      {q.data.corrections.length === 0 ? (
        <Empty>{t('resident.empty')}</Empty>
      ) : (
        <ul className="r-list">
          {q.data.corrections.map((c) => (
            <li key={c.id} className="r-item">
              <span className="r-tag">{c.state}</span> {c.forName} ·{' '}
              <span className="r-meta">{fmtTime(c.reportedAt, lang)}</span>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
