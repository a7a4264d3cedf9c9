import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import type { ResidentMe } from '../../../contract/residents.js';
import { useI18n } from '../../app/i18n.js';
import { rpost, useResidentMe } from '../api.js';
import { useResidentPrefs } from '../prefs.js';
import { Failed, fmtTime, Loading, Page } from '../ui.js';
import { PlacePicker } from './NoticesGate.js';
import { PhoneCodeFields, usePhoneCode } from './PhoneCodeFields.js';

/** 更换手机号: a code to the new number, then the code (the account moves to the number; audited). */
function PhoneChange({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const pc = usePhoneCode('/api/resident/phone/code');
  const submit = pc.submit(async (phone, code) => {
    const me = await rpost<ResidentMe>('/api/resident/phone', { phone, code });
    qc.setQueryData(['resident', 'me'], me);
    onDone();
  });
  return (
    <form className="r-form" onSubmit={submit} noValidate>
      <PhoneCodeFields
        id="r-new"
        phoneLabel={t('resident.settings.newPhone')}
        sentText={t('resident.settings.codeSent')}
        {...pc.fields}
      />
      <button type="submit" className="r-btn r-block" disabled={pc.busy || !pc.sent}>
        {t('resident.settings.changePhone')}
      </button>
    </form>
  );
}

/**
 * 我的 → 设置: language, large text, the number (changed with a code to the new number), the
 * account's verification and what to do next, the place an unverified account reads notices of,
 * and signing out.
 */
export default function SettingsPage() {
  const { t, lang, setLang } = useI18n();
  const me = useResidentMe();
  const prefs = useResidentPrefs();
  const [changing, setChanging] = useState(false);
  const [changed, setChanged] = useState(false);
  if (me.isPending) return <Loading />;
  if (me.error) return <Failed error={me.error} retry={() => void me.refetch()} />;
  const m = me.data;
  const verified = m.state === 'verified';
  return (
    <Page title={t('resident.settings.title')} back="/r">
      <h2>{t('resident.settings.account')}</h2>
      <dl className="r-dl" data-testid="r-settings-account">
        <dt>{t('resident.settings.status')}</dt>
        <dd>
          <span className="r-tag">
            {verified ? t('residentAccounts.state.verified') : t('residentAccounts.state.unverified')}
          </span>
        </dd>
        {verified && m.verifiedHow && (
          <>
            <dt>{t('residentAccounts.how')}</dt>
            <dd>
              {t(m.verifiedHow === 'officer' ? 'residentAccounts.how.officer' : 'residentAccounts.how.match')}
              {m.verifiedAt ? ` · ${fmtTime(m.verifiedAt, lang)}` : ''}
            </dd>
          </>
        )}
        {m.name && (
          <>
            <dt>{t('resident.data.name')}</dt>
            <dd>{m.name}</dd>
          </>
        )}
        {m.place && (
          <>
            <dt>{t('resident.settings.place')}</dt>
            <dd>{m.place.name}</dd>
          </>
        )}
      </dl>
      {verified ? (
        <p className="r-hint">{t('resident.settings.verifiedNext')}</p>
      ) : (
        <div className="r-note">
          <p>{t('resident.settings.unverifiedNext')}</p>
          <p>{t('resident.bind.window')}</p>
          <Link className="r-btn" to="/r/bind">
            {t('resident.unverifiedAction')}
          </Link>
        </div>
      )}
      {!verified && (
        <>
          <h2>{t('resident.settings.place')}</h2>
          <PlacePicker me={m} />
        </>
      )}

      <h2>{t('resident.settings.display')}</h2>
      <div className="r-form">
        <label className="r-check">
          <input type="checkbox" checked={prefs.large} onChange={(e) => prefs.setLarge(e.target.checked)} />{' '}
          {t('resident.settings.largeText')}
        </label>
        <fieldset className="r-fieldset">
          <legend>{t('resident.settings.language')}</legend>
          <label className="r-check">
            <input type="radio" name="r-lang" checked={lang !== 'en'} onChange={() => setLang('zh-CN')} />{' '}
            <span lang="zh-CN">中文</span>
          </label>
          <label className="r-check">
            <input type="radio" name="r-lang" checked={lang === 'en'} onChange={() => setLang('en')} />{' '}
            <span lang="en">English</span>
          </label>
        </fieldset>
      </div>

      <h2>{t('resident.settings.phone')}</h2>
      <p>
        {t('resident.settings.phoneNow', { phone: m.phone })}
        {changed && (
          <span className="r-note" role="status" style={{ display: 'block' }}>
            {t('resident.settings.phoneChanged')}
          </span>
        )}
      </p>
      {changing ? (
        <PhoneChange
          onDone={() => {
            setChanging(false);
            setChanged(true);
          }}
        />
      ) : (
        <button type="button" className="r-btn r-secondary r-block" onClick={() => setChanging(true)}>
          {t('resident.settings.changePhone')}
        </button>
      )}
      <p className="r-hint">{t('resident.settings.phoneHint')}</p>

      <h2>{t('resident.settings.signOutTitle')}</h2>
      <button type="button" className="r-btn r-block" onClick={() => void prefs.signOut()}>
        {t('resident.signOut')}
      </button>
    </Page>
  );
}
