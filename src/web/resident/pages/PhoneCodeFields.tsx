import { useT } from '../../app/i18n.js';
import { FieldError } from '../ui.js';

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
