import { useT } from '../../app/i18n.js';
import { rpost } from '../api.js';
import { Page } from '../ui.js';
import { PhoneCodeFields, usePhoneCode } from './PhoneCodeFields.js';

/** 手机号 + 验证码: sign in, or sign up on the first time. */
export default function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const t = useT();
  const pc = usePhoneCode('/api/resident/code');
  const submit = pc.submit(async (phone, code) => {
    await rpost('/api/resident/signin', { phone, code });
    onSignedIn();
  });

  return (
    <Page title={t('resident.signIn.title')}>
      <p className="r-hint">{t('resident.signIn.hint')}</p>
      <form className="r-form" onSubmit={submit} noValidate>
        <PhoneCodeFields
          id="r"
          phoneLabel={t('resident.signIn.phone')}
          sentText={t('resident.signIn.sent')}
          {...pc.fields}
        />
        <button type="submit" className="r-btn r-block" disabled={pc.busy}>
          {t('resident.signIn.submit')}
        </button>
        <a href="/login" className="r-back">
          {t('resident.staffLink')}
        </a>
      </form>
    </Page>
  );
}
