import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { errorMessage, isApiError } from '../../app/api.js';
import { useT } from '../../app/i18n.js';
import { rpost, useResidentMe } from '../api.js';
import { FieldError, Page } from '../ui.js';

/** 实名核验: name + ID number against the registry; otherwise, the window. */
export default function BindPage() {
  const t = useT();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const me = useResidentMe();
  const [name, setName] = useState('');
  const [idNumber, setIdNumber] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  if (me.data?.state === 'verified') return <Navigate to="/r" replace />;
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setErrors({});
    setBusy(true);
    try {
      await rpost('/api/resident/bind', { name: name.trim(), idNumber: idNumber.trim() });
      await qc.invalidateQueries({ queryKey: ['resident'] });
      navigate('/r');
    } catch (e) {
      if (isApiError(e) && e.issues.length)
        setErrors(Object.fromEntries(e.issues.map((i) => [i.path.replace(/^body\./, ''), i.message])));
      else setErrors({ form: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title={t('resident.bind.title')} back="/r">
      <p className="r-hint">{t('resident.bind.hint')}</p>
      <form className="r-form" onSubmit={submit} noValidate>
        <div>
          <label htmlFor="r-name">{t('resident.bind.name')}</label>
          <input
            id="r-name"
            autoComplete="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={!!errors.name}
          />
          <FieldError id="r-name-err" text={errors.name} />
        </div>
        <div>
          <label htmlFor="r-id">{t('resident.bind.idNumber')}</label>
          <input
            id="r-id"
            autoComplete="off"
            maxLength={18}
            value={idNumber}
            onChange={(e) => setIdNumber(e.target.value)}
            aria-invalid={!!errors.idNumber}
            aria-describedby={errors.idNumber ? 'r-id-err' : undefined}
          />
          <FieldError id="r-id-err" text={errors.idNumber} />
        </div>
        <FieldError id="r-form-err" text={errors.form} />
        <button type="submit" className="r-btn r-block" disabled={busy}>
          {t('resident.bind.submit')}
        </button>
      </form>
      <p className="r-note">{t('resident.bind.window')}</p>
    </Page>
  );
}
