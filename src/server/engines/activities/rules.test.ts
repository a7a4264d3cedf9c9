import { describe, expect, it } from 'vitest';
import { DEFAULT_STAR_HOURS, starLevel } from '../../../contract/volunteers.js';
import { ActivityKindRegistry } from './kinds.js';
import {
  ageOn,
  creditMinutes,
  ineligible,
  metresBetween,
  placeFor,
  promote,
  qrToken,
  qrWindow,
  verifyQr,
} from './rules.js';

const span = { startsAt: new Date('2026-12-05T01:00:00Z'), endsAt: new Date('2026-12-05T04:00:00Z') }; // 09:00–12:00 China

describe('places and the waitlist', () => {
  it('fills open places (capacity less reserved) and then waitlists', () => {
    const a = { capacity: 10, reserved: 3 };
    expect(placeFor(a, 6)).toBe('confirmed'); // the 7th open place
    expect(placeFor(a, 7)).toBe('waitlisted'); // 10 − 3 = 7 open places taken
  });
  it('promotes the earliest waitlisted into freed places, no more than are free', () => {
    const a = { capacity: 5, reserved: 1 };
    expect(promote(a, 3, ['x', 'y', 'z'])).toEqual(['x']); // 4 open, 3 taken: one place
    expect(promote(a, 2, ['x', 'y', 'z'])).toEqual(['x', 'y']);
    expect(promote(a, 4, ['x'])).toEqual([]);
  });
});

describe('hours', () => {
  it('credits only the scheduled span, exact minutes by default', () => {
    // in 08:40, out 12:25 China: raw 225 min; credited 09:00–12:00 = 180
    const m = creditMinutes(new Date('2026-12-05T00:40:00Z'), new Date('2026-12-05T04:25:00Z'), span);
    expect(m).toEqual({ raw: 225, credited: 180 });
  });
  it('credits a late arrival and early leaver their time inside, rounded down to the unit', () => {
    // in 09:17, out 11:50: 153 minutes inside; rounded to 15 → 150; to 30 → 150; to 60 → 120
    const inAt = new Date('2026-12-05T01:17:00Z');
    const outAt = new Date('2026-12-05T03:50:00Z');
    expect(creditMinutes(inAt, outAt, span).credited).toBe(153);
    expect(creditMinutes(inAt, outAt, span, 15).credited).toBe(150);
    expect(creditMinutes(inAt, outAt, span, 60).credited).toBe(120);
  });
  it('credits nothing for a stay wholly outside the span', () => {
    expect(creditMinutes(new Date('2026-12-05T04:10:00Z'), new Date('2026-12-05T05:00:00Z'), span)).toEqual({
      raw: 50,
      credited: 0,
    });
  });
});

describe('star levels (default 100/300/600/1,000/1,500 h)', () => {
  it('changes exactly at each threshold', () => {
    expect(DEFAULT_STAR_HOURS).toEqual([100, 300, 600, 1000, 1500]);
    expect(starLevel(100 * 60 - 1)).toBe(0);
    expect(starLevel(100 * 60)).toBe(1);
    expect(starLevel(300 * 60 - 1)).toBe(1);
    expect(starLevel(300 * 60)).toBe(2);
    expect(starLevel(600 * 60)).toBe(3);
    expect(starLevel(1000 * 60 - 1)).toBe(3);
    expect(starLevel(1500 * 60)).toBe(5);
    expect(starLevel(99_999 * 60)).toBe(5);
  });
  it('follows another scheme when a street sets one (北京: 100/200/500/800/1,000)', () => {
    expect(starLevel(200 * 60, [100, 200, 500, 800, 1000])).toBe(2);
    expect(starLevel(200 * 60)).toBe(1);
  });
});

describe('eligibility', () => {
  const a = { minAge: 0, risky: false, guardianConsent: true, trainingRequired: null };
  const adult = { birthDate: '1990-01-01', guardianConsent: false, trainings: [] };
  const minor = { birthDate: '2010-12-06', guardianConsent: true, trainings: [] };
  it('ages by whole years, the birthday counting', () => {
    expect(ageOn('2008-12-07', '2026-12-07')).toBe(18);
    expect(ageOn('2008-12-08', '2026-12-07')).toBe(17);
  });
  it('refuses minors for risky activities, minors without consent, the under-aged and the untrained', () => {
    expect(ineligible(a, adult, '2026-12-07')).toBeNull();
    expect(ineligible({ ...a, risky: true }, minor, '2026-12-07')).toBe('minor_risky');
    expect(ineligible(a, { ...minor, guardianConsent: false }, '2026-12-07')).toBe('guardian');
    expect(ineligible({ ...a, minAge: 18 }, minor, '2026-12-07')).toBe('min_age');
    expect(ineligible({ ...a, minAge: 18 }, { ...adult, birthDate: null }, '2026-12-07')).toBe('min_age');
    expect(ineligible({ ...a, trainingRequired: '急救' }, adult, '2026-12-07')).toBe('training');
    expect(
      ineligible({ ...a, trainingRequired: '急救' }, { ...adult, trainings: ['急救'] }, '2026-12-07'),
    ).toBeNull();
  });
});

describe('the rotating QR code', () => {
  const t0 = new Date('2026-12-05T01:00:10Z');
  it('is good in its 30 s window and the next, expired after, invalid if forged or from another activity', () => {
    const tok = qrToken('secret', 7, qrWindow(t0));
    expect(verifyQr('secret', tok, t0)).toBe('ok');
    expect(verifyQr('secret', tok, new Date(t0.getTime() + 30_000))).toBe('ok');
    expect(verifyQr('secret', tok, new Date(t0.getTime() + 60_000))).toBe('expired');
    expect(verifyQr('other', tok, t0)).toBe('invalid');
    expect(verifyQr('secret', tok.replace('A7.', 'A8.'), t0)).toBe('invalid');
    expect(verifyQr('secret', 'garbage', t0)).toBe('invalid');
    // a code from the future (a forged window) is refused
    expect(verifyQr('secret', qrToken('secret', 7, qrWindow(t0) + 5), t0)).toBe('invalid');
  });
  it('measures distance (1° of latitude ≈ 111.2 km)', () => {
    expect(Math.round(metresBetween({ lat: 28, lng: 113 }, { lat: 29, lng: 113 }) / 100)).toBe(1112);
  });
});

describe('the kinds registry', () => {
  it('refuses a bad or duplicate kind code', () => {
    const k = { code: 'volunteer_service', zh: '志愿服务', en: 'Volunteer service' };
    expect(
      () =>
        new ActivityKindRegistry([
          { module: 'a', def: k },
          { module: 'b', def: k },
        ]),
    ).toThrow(/twice/);
    expect(() => new ActivityKindRegistry([{ module: 'a', def: { ...k, code: 'Bad Code' } }])).toThrow(
      /bad code/,
    );
    expect(new ActivityKindRegistry([{ module: 'a', def: k }]).find('volunteer_service')?.module).toBe('a');
  });
});
