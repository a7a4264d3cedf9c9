import { Link } from 'react-router';
import type { ResidentMe } from '../../../contract/residents.js';
import { useT } from '../../app/i18n.js';
import { RESIDENT_CARDS } from '../cards.js';

/** The home page: a greeting and the cards modules declare (cards.tsx). */
export default function HomePage({ me }: { me: ResidentMe }) {
  const t = useT();
  const verified = me.state === 'verified';
  const cards = RESIDENT_CARDS.filter((c) => verified || c.public);
  return (
    <section className="r-page" aria-labelledby="r-page-title">
      <div className="r-page-head">
        <h1 id="r-page-title">
          {me.name ? t('resident.home.hello', { name: me.name }) : t('resident.home.helloAnon')}
        </h1>
        {me.communityName && (
          <p className="r-hint">{t('resident.home.community', { name: me.communityName })}</p>
        )}
      </div>
      {!verified && (
        <div className="r-note">
          <p>{t('resident.unverified')}</p>
          <Link className="r-btn" to="/r/bind">
            {t('resident.unverifiedAction')}
          </Link>
        </div>
      )}
      <div className="r-cards">
        {cards.map((c) => (
          <Link key={c.key} className="r-card" to={c.to}>
            <span className="r-card-icon" aria-hidden="true">
              {c.icon}
            </span>
            <span>
              <strong>{t(c.title)}</strong>
              <span className="r-meta">{c.hint(me, t)}</span>
            </span>
          </Link>
        ))}
      </div>
    </section>
  );
}
