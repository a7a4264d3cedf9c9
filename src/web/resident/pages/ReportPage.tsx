import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { errorMessage } from '../../app/api.js';
import { useT } from '../../app/i18n.js';
import { submit } from '../../app/offline.js';
import { useCategories, useResidentMe } from '../api.js';
import { Failed, FieldError, Loading, Page } from '../ui.js';

const newKey = () =>
  `r-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}${Math.random().toString(36).slice(2, 10)}`;

/**
 * 我要反映: category from the resident-facing list, description, an optional photo and location,
 * for oneself or a household member. Sent through the outbox: without a connection it is kept on
 * the phone and sent when back (same Idempotency-Key, one request on the server).
 */
export default function ReportPage() {
  const t = useT();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const me = useResidentMe();
  const cats = useCategories();
  const [category, setCategory] = useState('');
  const [description, setDescription] = useState('');
  const [address, setAddress] = useState('');
  const [forPersonId, setFor] = useState<number | ''>('');
  const [photo, setPhoto] = useState<File | null>(null);
  const [loc, setLoc] = useState<{ lat: number; lng: number } | null>(null);
  const [locState, setLocState] = useState<'idle' | 'busy' | 'ok' | 'failed'>('idle');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<'sent' | 'queued' | null>(null);
  const [busy, setBusy] = useState(false);

  if (cats.isPending || me.isPending) return <Loading />;
  if (cats.error) return <Failed error={cats.error} retry={() => void cats.refetch()} />;
  const members = me.data?.members.filter((m) => !m.self && m.mayActFor) ?? [];
  const groups = [...new Set(cats.data.map((c) => c.group))];

  const locate = () => {
    if (!navigator.geolocation) return setLocState('failed');
    setLocState('busy');
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setLoc({ lat: p.coords.latitude, lng: p.coords.longitude });
        setLocState('ok');
      },
      () => setLocState('failed'),
      { timeout: 15_000 },
    );
  };

  const send = async (ev: FormEvent) => {
    ev.preventDefault();
    const errs: Record<string, string> = {};
    if (!category) errs.category = t('resident.report.categoryPick');
    if (description.trim().length < 2) errs.description = t('resident.report.descriptionHint');
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    const body = {
      category,
      description: description.trim(),
      ...(address.trim() ? { address: address.trim() } : {}),
      ...(loc ? { location: loc } : {}),
      ...(forPersonId ? { forPersonId } : {}),
    };
    const r = await submit<{ id: number }>({
      key: newKey(),
      userId: -(me.data?.accountId ?? 0),
      kind: 'request',
      label: description.trim().slice(0, 20),
      url: '/api/resident/requests',
      body,
      attachments: photo ? [{ name: photo.name, type: photo.type, blob: photo }] : [],
      uploadUrl: '/api/cases/attachments',
      attachField: 'attachmentIds',
      invalidate: [['resident', 'requests']],
    });
    setBusy(false);
    if (r.status === 'failed') {
      const issues = r.error.issues;
      setErrors(
        issues.length
          ? Object.fromEntries(issues.map((i) => [i.path.replace(/^body\./, ''), i.message]))
          : { form: errorMessage(r.error) },
      );
      return;
    }
    await qc.invalidateQueries({ queryKey: ['resident', 'requests'] });
    setDone(r.status);
    if (r.status === 'sent') navigate(`/r/requests/${r.result.id}`);
  };

  return (
    <Page title={t('resident.report.title')} back="/r">
      {done === 'queued' && (
        <p className="r-note" role="status">
          {t('resident.report.queued')}
        </p>
      )}
      <form className="r-form" onSubmit={send} noValidate>
        {members.length > 0 && (
          <div>
            <label htmlFor="r-for">{t('resident.report.for')}</label>
            <select
              id="r-for"
              value={forPersonId}
              onChange={(e) => setFor(e.target.value ? Number(e.target.value) : '')}
            >
              <option value="">{t('resident.report.self')}</option>
              {members.map((m) => (
                <option key={m.personId} value={m.personId}>
                  {m.relation ? `${m.name}（${m.relation}）` : m.name}
                </option>
              ))}
            </select>
            <FieldError id="r-for-err" text={errors.forPersonId} />
          </div>
        )}
        <div>
          <label htmlFor="r-cat">{t('resident.report.category')}</label>
          <select
            id="r-cat"
            value={category}
            onChange={(e) => setCategory(e.target.value)}
            aria-invalid={!!errors.category}
          >
            <option value="">{t('resident.report.categoryPick')}</option>
            {groups.map((g) => (
              <optgroup key={g} label={g}>
                {cats.data
                  .filter((c) => c.group === g)
                  .map((c) => (
                    <option key={c.code} value={c.code}>
                      {c.name}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
          <FieldError id="r-cat-err" text={errors.category} />
        </div>
        <div>
          <label htmlFor="r-desc">{t('resident.report.description')}</label>
          <textarea
            id="r-desc"
            value={description}
            placeholder={t('resident.report.descriptionHint')}
            onChange={(e) => setDescription(e.target.value)}
            aria-invalid={!!errors.description}
          />
          <FieldError id="r-desc-err" text={errors.description} />
        </div>
        <div>
          <label htmlFor="r-photo">{t('resident.report.photo')}</label>
          <input
            id="r-photo"
            type="file"
            accept="image/*"
            onChange={(e) => setPhoto(e.target.files?.[0] ?? null)}
          />
        </div>
        <div>
          <label htmlFor="r-addr">{t('resident.report.address')}</label>
          <input id="r-addr" value={address} onChange={(e) => setAddress(e.target.value)} />
          <button
            type="button"
            className="r-btn r-secondary r-block"
            style={{ marginTop: 8 }}
            onClick={locate}
            disabled={locState === 'busy'}
          >
            {locState === 'busy'
              ? t('resident.report.locating')
              : locState === 'ok'
                ? t('resident.report.located')
                : t('resident.report.location')}
          </button>
          {locState === 'failed' && <p className="r-hint">{t('resident.report.locationFailed')}</p>}
        </div>
        <FieldError id="r-form-err" text={errors.form} />
        <button type="submit" className="r-btn r-block" disabled={busy}>
          {t('resident.report.submit')}
        </button>
      </form>
    </Page>
  );
}
