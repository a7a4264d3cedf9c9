import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneDatabase, dbUrl } from '../../../../test/helpers/app.js';
import { TestClock } from '../clock.js';
import { createDb, type Db } from '../db/index.js';
import { purgeRateCounters, SharedWindow } from './rate-limit.js';

// Two pools on one database stand for two app instances: a limit holds across them.
let a: Db;
let b: Db;
const clock = new TestClock(new Date('2026-12-07T10:00:00Z'));
beforeAll(async () => {
  const url = dbUrl(await cloneDatabase());
  a = createDb(url, { max: 4 });
  b = createDb(url, { max: 4 });
});
afterAll(async () => {
  await a.destroy();
  await b.destroy();
});

const take = async (w: SharedWindow, key: string, n: number) => {
  let granted = 0;
  for (let i = 0; i < n; i++) if (await w.tryTake(key)) granted++;
  return granted;
};

describe('SharedWindow: a limit counted in PostgreSQL', () => {
  it('holds across instances and slides with the previous window weighted by its remaining share', async () => {
    const now = () => clock.now();
    const wa = new SharedWindow(a, 'test', 5, 60_000, now);
    const wb = new SharedWindow(b, 'test', 5, 60_000, now);
    expect(await take(wa, 'u1', 3)).toBe(3);
    expect(await take(wb, 'u1', 3)).toBe(2); // 5 in all, across both
    await expect(wa.take('u1')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    // Another key, another limit's scope: their own counts.
    expect(await take(wb, 'u2', 1)).toBe(1);
    expect(await take(new SharedWindow(a, 'other', 5, 60_000, now), 'u1', 1)).toBe(1);

    // Next window, at its start: the previous 5 still weigh 5 × 1.0 → refused.
    clock.set(new Date('2026-12-07T10:01:00Z'));
    expect(await take(wa, 'u1', 1)).toBe(0);
    // Half way: 5 × 0.5 = 2.5, so 2.5 + 0, + 1, + 2 are below 5 → three more, not a fourth.
    clock.set(new Date('2026-12-07T10:01:30Z'));
    expect(await take(wb, 'u1', 4)).toBe(3);
    // Two windows later nothing of them is left: a full 5 again.
    clock.set(new Date('2026-12-07T10:03:00Z'));
    expect(await take(wa, 'u1', 6)).toBe(5);
  });

  it('never lets more than the limit through when instances race', async () => {
    const now = () => clock.now();
    const ws = [a, b].map((db) => new SharedWindow(db, 'race', 10, 60_000, now));
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => ws[i % 2]!.tryTake('k')));
    expect(results.filter(Boolean)).toHaveLength(10);
  });

  it('housekeeping removes counters whose windows have passed', async () => {
    const w = new SharedWindow(a, 'purge', 5, 60_000, () => new Date('2026-12-07T06:00:00Z'));
    await w.take('old');
    expect(await purgeRateCounters(a, new Date('2026-12-07T07:30:00Z'))).toBe(0);
    expect(await purgeRateCounters(a, new Date('2026-12-07T08:01:00Z'))).toBe(1);
  });
});
