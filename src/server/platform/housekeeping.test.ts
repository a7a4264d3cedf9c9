import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { housekeep } from './housekeeping.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const count = async (table: 'sessions' | 'loginThrottle') =>
  Number(
    (
      await t.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('housekeeping', () => {
  it('removes idle sessions and lapsed lockout counters, keeps live ones', async () => {
    await t.login('community_worker');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'nobody', password: 'x' },
      remoteAddress: '10.44.0.1',
    });
    expect(wrong.statusCode).toBe(401);
    expect(await count('sessions')).toBe(1);
    expect(await count('loginThrottle')).toBe(2);

    // Within the windows: nothing goes.
    expect(await housekeep(t.services)).toEqual({ sessions: 0, throttles: 0, rateCounters: 0 });

    t.clock.advance(31 * 60_000);
    expect(await housekeep(t.services)).toEqual({ sessions: 1, throttles: 2, rateCounters: 0 });
    expect(await count('sessions')).toBe(0);
    expect(await count('loginThrottle')).toBe(0);
  });

  it("keeps a grid worker's session for the field's idle limit, a desk's for the general one", async () => {
    await t.login('grid_a');
    await t.login('community_worker');
    expect(await count('sessions')).toBe(2);
    t.clock.advance(31 * 60_000);
    expect((await housekeep(t.services)).sessions).toBe(1);
    expect(await count('sessions')).toBe(1);
    t.clock.advance(210 * 60_000);
    expect((await housekeep(t.services)).sessions).toBe(1);
    expect(await count('sessions')).toBe(0);
  });
});
