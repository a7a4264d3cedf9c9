import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cloneDatabase,
  createTestApp,
  dbUrl,
  stayLoggedIn,
  type TestApp,
} from '../../../../test/helpers/app.js';
import { areaIdByCode } from '../../../../test/helpers/db.js';
import { createDb, type Db } from '../../platform/db/index.js';
import { ReadReplica, type ReadSource } from '../../platform/db/replica.js';

/**
 * Figures and exports read through `services.reads` (issue 22): a "replica" here is a second
 * pool on a clone of the same seeded database in which seven people were moved out, so a figure
 * read from it differs from the primary's by seven. Its lag is fixed at 90 s, so the freshness
 * shown must be dated back by it. Then a replica that does not answer: the primary, one log line.
 */
const LAG_MS = 90_000;

/** The replica as `ReadReplica.use()` answers it for a server in recovery, without one. */
class FixedReplica extends ReadReplica {
  constructor(
    primary: Db,
    private readonly src: ReadSource,
  ) {
    super(primary, null, { warn() {}, info() {} });
  }
  override async use(): Promise<ReadSource> {
    return this.src;
  }
}

let t: TestApp;
let replica: Db;
let street: number;
const lines: string[] = [];

beforeAll(async () => {
  t = await createTestApp({ log: (l) => lines.push(l) });
  replica = createDb(dbUrl(await cloneDatabase()), { max: 4 });
  street = await areaIdByCode(t.db, '430681001');
  await sql`UPDATE people SET status = 'moved_out'
            WHERE id IN (SELECT id FROM people WHERE status = 'active' ORDER BY id LIMIT 7)`.execute(replica);
}, 120_000);
afterAll(async () => {
  await replica?.destroy();
  await t?.close();
});

const people = (d: { figures: { key: string; value: number | null }[] }) =>
  d.figures.find((f) => f.key === 'registry.people')!.value!;

describe('figures and exports read the replica when one is configured', () => {
  it('the dashboard reads the replica and dates its figures back by the lag; the primary without one', async () => {
    const c = stayLoggedIn(t, 'street_admin');
    const reads = t.services.reads;
    try {
      t.services.reads = new FixedReplica(t.db, { db: replica, lagMs: LAG_MS, replica: true });
      const before = Date.now();
      const r = await c.get(`/api/dashboard?areaId=${street}&from=2026-11-01&to=2026-11-30`);
      expect(r.statusCode, r.body).toBe(200);
      const fromReplica = r.json();
      const asOf = Date.parse(fromReplica.computedAt);
      expect(asOf).toBeLessThanOrEqual(Date.now() - LAG_MS);
      expect(asOf).toBeGreaterThanOrEqual(before - LAG_MS - 1000);

      // The cache's snapshot was taken on the replica: another period is another entry anyway.
      t.services.reads = reads;
      const p = await c.get(`/api/dashboard?areaId=${street}&from=2026-10-01&to=2026-11-30`);
      expect(p.statusCode, p.body).toBe(200);
      expect(people(p.json()) - people(fromReplica)).toBe(7);
    } finally {
      t.services.reads = reads;
    }
  });

  it('the people export counts and reads its rows on the replica', async () => {
    const c = stayLoggedIn(t, 'street_admin');
    const reads = t.services.reads;
    try {
      t.services.reads = new FixedReplica(t.db, { db: replica, lagMs: LAG_MS, replica: true });
      const a = await c.post('/api/people/export', { status: 'moved_out' });
      expect(a.statusCode, a.body).toBe(200);
      t.services.reads = reads;
      const b = await c.post('/api/people/export', { status: 'moved_out' });
      expect(b.statusCode, b.body).toBe(200);
      expect(Number(a.headers['x-export-rows']) - Number(b.headers['x-export-rows'])).toBe(7);
      // The audit entries (a change) are on the primary, none on the replica.
      const onReplica = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM audit_log WHERE action = 'person.export'`.execute(replica);
      expect(onReplica.rows[0]!.n).toBe(0);
    } finally {
      t.services.reads = reads;
    }
  });

  it('a replica that does not answer: the figures come from the primary, with one log line', async () => {
    const c = stayLoggedIn(t, 'street_admin');
    const reads = t.services.reads;
    const warned: string[] = [];
    try {
      // Nothing listens on port 9 of loopback: refused at once.
      t.services.reads = new ReadReplica(
        t.db,
        'postgres://x:y@127.0.0.1:9/none',
        { warn: (m) => warned.push(m), info: (m) => warned.push(m) },
        60_000,
      );
      const r1 = await c.get(`/api/dashboard?areaId=${street}&from=2026-09-01&to=2026-11-30`);
      const r2 = await c.post('/api/people/export', { status: 'moved_out' });
      expect(r1.statusCode, r1.body).toBe(200);
      expect(r2.statusCode, r2.body).toBe(200);
      const primary = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM people WHERE status = 'moved_out'`.execute(t.db);
      expect(Number(r2.headers['x-export-rows'])).toBe(primary.rows[0]!.n);
      expect(warned).toEqual(['read replica unavailable (not reachable): figures are read from the primary']);
      await t.services.reads.close();
    } finally {
      t.services.reads = reads;
    }
  });
});
