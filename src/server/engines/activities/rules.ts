import { createHmac, timingSafeEqual } from 'node:crypto';

/** Pure rules of the activities engine (small tests: rules.test.ts). */

/** Where a new sign-up goes: a free open place (capacity less reserved ones), else the waitlist. */
export function placeFor(
  a: { capacity: number; reserved: number },
  openTaken: number,
): 'confirmed' | 'waitlisted' {
  return openTaken < a.capacity - a.reserved ? 'confirmed' : 'waitlisted';
}

/**
 * Who moves up when places free: the earliest waitlisted, as many as there are free open places.
 * `waitlist` is in the order people joined it.
 */
export function promote<T>(a: { capacity: number; reserved: number }, openTaken: number, waitlist: T[]): T[] {
  const free = Math.max(0, a.capacity - a.reserved - openTaken);
  return waitlist.slice(0, free);
}

/**
 * Minutes between check-in and check-out (raw), and the minutes credited: only the time within
 * the activity's scheduled span counts, rounded down to `round` minutes (⚠ default 1: exact).
 */
export function creditMinutes(
  checkIn: Date,
  checkOut: Date,
  span: { startsAt: Date; endsAt: Date },
  round = 1,
): { raw: number; credited: number } {
  const raw = Math.max(0, Math.floor((checkOut.getTime() - checkIn.getTime()) / 60_000));
  const from = Math.max(checkIn.getTime(), span.startsAt.getTime());
  const to = Math.min(checkOut.getTime(), span.endsAt.getTime());
  const within = Math.max(0, Math.floor((to - from) / 60_000));
  const unit = Math.max(1, Math.floor(round));
  return { raw, credited: within - (within % unit) };
}

/** Age in whole years on a day (YYYY-MM-DD both). */
export function ageOn(birthDate: string, day: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** Why a person may not sign up, or null. */
export function ineligible(
  a: { minAge: number; risky: boolean; guardianConsent: boolean; trainingRequired: string | null },
  p: { birthDate: string | null; guardianConsent: boolean; trainings: string[] },
  day: string,
): 'min_age' | 'minor_risky' | 'guardian' | 'training' | null {
  const age = p.birthDate ? ageOn(p.birthDate, day) : null;
  if (a.minAge > 0 && (age === null || age < a.minAge)) return 'min_age';
  const minor = age !== null && age < 18;
  if (minor && a.risky) return 'minor_risky';
  if (minor && a.guardianConsent && !p.guardianConsent) return 'guardian';
  if (a.trainingRequired && !p.trainings.includes(a.trainingRequired)) return 'training';
  return null;
}

export const INELIGIBLE_WORDS: Record<
  NonNullable<ReturnType<typeof ineligible>>,
  { zh: string; en: string }
> = {
  min_age: { zh: '未达到活动的最低年龄', en: 'below the minimum age of the activity' },
  minor_risky: { zh: '未成年人不能参加有人身危险的活动', en: 'minors may not take part in risky activities' },
  guardian: { zh: '未成年人须有监护人同意', en: 'a minor needs a guardian’s consent' },
  training: { zh: '须先完成活动要求的培训', en: 'the required training is missing' },
};

/** The QR code turns every this many seconds; a code is good for its window and the one after. */
export const QR_STEP_SECONDS = 30;

export function qrWindow(now: Date): number {
  return Math.floor(now.getTime() / 1000 / QR_STEP_SECONDS);
}

function mac(secret: string, activityId: number, window: number): string {
  return createHmac('sha256', secret).update(`${activityId}.${window}`).digest('base64url').slice(0, 22);
}

/** The check-in token shown as a QR code by the organiser: `A<activity>.<window>.<mac>`. */
export function qrToken(secret: string, activityId: number, window: number): string {
  return `A${activityId}.${window}.${mac(secret, activityId, window)}`;
}

/** The activity a token names (before its secret is looked up), or null when malformed. */
export function qrActivity(token: string): { activityId: number; window: number } | null {
  const m = /^A(\d{1,15})\.(\d{1,15})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!m) return null;
  return { activityId: Number(m[1]), window: Number(m[2]) };
}

/** Checks a token: 'ok' within its window or the next, 'expired' after, 'invalid' if forged. */
export function verifyQr(secret: string, token: string, now: Date): 'ok' | 'expired' | 'invalid' {
  const t = qrActivity(token);
  if (!t) return 'invalid';
  const want = Buffer.from(mac(secret, t.activityId, t.window));
  const got = Buffer.from(token.slice(token.lastIndexOf('.') + 1));
  if (want.length !== got.length || !timingSafeEqual(want, got)) return 'invalid';
  const w = qrWindow(now);
  if (t.window > w) return 'invalid';
  return w - t.window <= 1 ? 'ok' : 'expired';
}

/** Check-in opens this long before the start; check-out closes this long after the end. */
export const CHECKIN_OPENS_MIN = 60;
export const CHECKOUT_CLOSES_MIN = 120;
/** A scan further than this from the place is accepted but flagged for the organiser. */
export const FAR_METRES = 500;

export function metresBetween(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const R = 6_371_000;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}
