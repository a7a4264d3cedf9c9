import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneDatabase, dbUrl } from '../../../../test/helpers/app.js';
import { createDb, type Db } from './index.js';
import { dataAsOf, ReadReplica } from './replica.js';

let primary: Db;
beforeAll(async () => {
  primary = createDb(dbUrl(await cloneDatabase()), { max: 2 });
});
afterAll(() => primary.destroy());

const logger = () => {
  const lines: string[] = [];
  return {
    lines,
    warn: (m: string) => lines.push(`warn ${m}`),
    info: (m: string) => lines.push(`info ${m}`),
  };
};

describe('ReadReplica: figures from a replica, the primary when it is down', () => {
  it('reads the primary when no replica is configured', async () => {
    const r = new ReadReplica(primary, null, logger());
    expect(r.configured).toBe(false);
    const src = await r.use();
    expect(src).toMatchObject({ replica: false, lagMs: 0 });
    expect(src.db).toBe(primary);
  });

  it('falls back to the primary with one log line when the replica does not answer', async () => {
    const log = logger();
    // Nothing listens on port 9 of loopback: the connection is refused at once.
    const r = new ReadReplica(primary, 'postgres://x:y@127.0.0.1:9/none', log, 60_000);
    const a = await r.use();
    const b = await r.use();
    expect(a.db).toBe(primary);
    expect(b).toMatchObject({ replica: false, lagMs: 0 });
    expect(log.lines).toEqual([
      'warn read replica unavailable (not reachable): figures are read from the primary',
    ]);
    await r.close();
  });

  it('does not read a server that is out of recovery (a promoted replica) as the replica', async () => {
    const log = logger();
    const r = new ReadReplica(primary, null, log, 60_000, primary);
    expect((await r.use()).replica).toBe(false);
    expect(log.lines[0]).toMatch(/not in recovery/);
  });

  it('dates the figures back by the lag', () => {
    expect(dataAsOf(new Date('2026-12-07T10:00:05Z'), { lagMs: 5000 }).toISOString()).toBe(
      '2026-12-07T10:00:00.000Z',
    );
  });
});
