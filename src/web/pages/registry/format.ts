import { checkCreditCode, checkIdNumber, checkPhone } from '../../../contract/identifiers.js';
import { getLang } from '../../app/i18n.js';

/**
 * Instant client-side checks of identifiers with the contract's checkers (identifiers.ts: GB 11643
 * ID numbers, GB 32100 credit codes, CN phone numbers). The server is the authority and checks again.
 * Each answers the message to show (in the UI language) or null when the value is fine.
 */
const pick = (m: { zh: string; en: string }) => (getLang() === 'en' ? m.en : m.zh);

export function idNumberError(raw: string): string | null {
  const r = checkIdNumber(raw);
  return r.ok ? null : pick(r.message);
}

/** Birth date and sex read from a valid ID number. */
export function idNumberFacts(raw: string): { birthDate: string; sex: 'M' | 'F' } | null {
  const r = checkIdNumber(raw);
  return r.ok ? { birthDate: r.birthDate, sex: r.sex } : null;
}

export function phoneError(raw: string): string | null {
  const r = checkPhone(raw);
  return r.ok ? null : pick(r.message);
}

export function creditCodeError(raw: string): string | null {
  const r = checkCreditCode(raw);
  return r.ok ? null : pick(r.message);
}

/** A value as masked by the server (contains `*`): never to be sent back. */
export function isMasked(v: string | null | undefined): boolean {
  return typeof v === 'string' && v.includes('*');
}
