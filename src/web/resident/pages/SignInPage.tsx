import { type FormEvent, useEffect, useState } from 'react';
import { errorMessage, isApiError } from '../../app/api.js';
import { useT } from '../../app/i18n.js';
import { rpost } from '../api.js';
import { Page } from '../ui.js';
import { PhoneCodeFields } from './PhoneCodeFields.js';

/** 手机号 + 验证码: sign in, or sign up on the first time. */
export default function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const t = useT();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [wait, setWait] = useState(0);
  const [demoCode, setDemoCode] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (wait <= 0) return;
    const h = setTimeout(() => setWait(wait - 1), 1000);
    return () => clearTimeout(h);
  }, [wait]);

  const fail = (e: unknown, fallback: string) => {
    if (isApiError(e) && e.issues.length)
      setErrors(Object.fromEntries(e.issues.map((i) => [i.path.replace(/^body\./, ''), i.message])));
    else setErrors({ [fallback]: errorMessage(e) });
  };

  const getCode = async () => {
    setErrors({});
    setBusy(true);
    try {
      const r = await rpost<{ resendAfter: number; demoCode?: string }>('/api/resident/code', {
        phone: phone.trim(),
      });
      setWait(r.resendAfter);
      setDemoCode(r.demoCode ?? null);
      setSent(true);
    } catch (e) {
      fail(e, 'phone');
    } finally {
      setBusy(false);
    }
  };
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setErrors({});
    setBusy(true);
    try {
      await rpost('/api/resident/signin', { phone: phone.trim(), code: code.trim() });
      onSignedIn();
    } catch (e) {
      fail(e, 'code');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t('resident.signIn.title')}>
      <p className="r-hint">{t('resident.signIn.hint')}</p>
      <form className="r-form" onSubmit={submit} noValidate>
        <PhoneCodeFields
          id="r"
          phoneLabel={t('resident.signIn.phone')}
          sentText={t('resident.signIn.sent')}
          {...{ phone, setPhone, code, setCode, errors, busy, wait, sent, demoCode, getCode }}
        />
        <button type="submit" className="r-btn r-block" disabled={busy}>
          {t('resident.signIn.submit')}
        </button>
        <a href="/login" className="r-back">
          {t('resident.staffLink')}
        </a>
      </form>
    </Page>
  );
}
