import { type FormEvent, useEffect, useState } from 'react';
import { errorMessage, isApiError } from '../../app/api.js';
import { useT } from '../../app/i18n.js';
import { rpost } from '../api.js';
import { FieldError } from '../ui.js';

/**
 * The state of a phone-and-code form: `getCode` asks `codeUrl` for a code (with the resend
 * countdown and the demo transport's code), `submit(send)` runs `send(phone, code)` and puts a
 * 400's field errors on their fields (else the whole error on the code).
 */
export function usePhoneCode(codeUrl: string) {
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [wait, setWait] = useState(0);
  const [sent, setSent] = useState(false);
  const [demoCode, setDemoCode] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (wait <= 0) return;
    const h = setTimeout(() => setWait(wait - 1), 1000);
    return () => clearTimeout(h);
  }, [wait]);
  const run = async (fallback: string, work: () => Promise<void>) => {
    setErrors({});
    setBusy(true);
    try {
      await work();
    } catch (e) {
      if (isApiError(e) && e.issues.length)
        setErrors(Object.fromEntries(e.issues.map((i) => [i.path.replace(/^body\./, ''), i.message])));
      else setErrors({ [fallback]: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };
  const getCode = () =>
    run('phone', async () => {
      const r = await rpost<{ resendAfter: number; demoCode?: string }>(codeUrl, { phone: phone.trim() });
      setWait(r.resendAfter);
      setDemoCode(r.demoCode ?? null);
      setSent(true);
    });
  const submit = (send: (phone: string, code: string) => Promise<void>) => (ev: FormEvent) => {
    ev.preventDefault();
    void run('code', () => send(phone.trim(), code.trim()));
  };
  return {
    busy,
    sent,
    submit,
    fields: { phone, setPhone, code, setCode, errors, busy, wait, sent, demoCode, getCode },
  };
}

/**
 * A mobile number with its "get code" button and the one-time code: signing in and changing the
 * number ask for the same two fields. `id` prefixes the inputs' ids (labels and error hints).
 */
export function PhoneCodeFields(p: {
  id: string;
  phoneLabel: string;
  sentText: string;
  phone: string;
  setPhone: (v: string) => void;
  code: string;
  setCode: (v: string) => void;
  errors: Record<string, string>;
  busy: boolean;
  wait: number;
  sent: boolean;
  demoCode: string | null;
  getCode: () => void;
}) {
  const t = useT();
  const phoneId = `${p.id}-phone`;
  const codeId = `${p.id}-code`;
  return (
    <>
      <div>
        <label htmlFor={phoneId}>{p.phoneLabel}</label>
        <div className="r-row">
          <input
            id={phoneId}
            name="phone"
            inputMode="tel"
            autoComplete="tel"
            maxLength={11}
            value={p.phone}
            onChange={(e) => p.setPhone(e.target.value)}
            aria-invalid={!!p.errors.phone}
            aria-describedby={p.errors.phone ? `${phoneId}-err` : undefined}
          />
          <button
            type="button"
            className="r-btn r-secondary"
            onClick={p.getCode}
            disabled={p.busy || p.wait > 0}
          >
            {p.wait > 0 ? t('resident.signIn.resend', { s: p.wait }) : t('resident.signIn.getCode')}
          </button>
        </div>
        <FieldError id={`${phoneId}-err`} text={p.errors.phone} />
      </div>
      {p.sent && (
        <p className="r-note" role="status">
          {p.demoCode ? t('resident.signIn.demoCode', { code: p.demoCode }) : p.sentText}
        </p>
      )}
      <div>
        <label htmlFor={codeId}>{t('resident.signIn.code')}</label>
        <input
          id={codeId}
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          value={p.code}
          onChange={(e) => p.setCode(e.target.value)}
          aria-invalid={!!p.errors.code}
          aria-describedby={p.errors.code ? `${codeId}-err` : undefined}
        />
        <FieldError id={`${codeId}-err`} text={p.errors.code} />
      </div>
    </>
  );
}
