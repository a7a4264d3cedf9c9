import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, stayLoggedIn, type TestApp } from '../../../../test/helpers/app.js';
import { sweep } from '../../engines/cases/sweep.js';
import { timingsFor } from '../../engines/cases/timings.js';
import { verifyChain } from '../../platform/audit/audit.js';

/**
 * The sweep, with the clock in the test's hand. Grid events of exposed garbage (handled within
 * 1 working day = 420 office minutes; office 08:30–12:00, 14:00–17:30):
 *
 *   reported Mon 2026-11-23 09:00 → deadline (due_at) = 09:00 + 30 accept + 30 dispatch → 10:00,
 *   + 420: Mon 10:00–17:30 330, Tue 08:30 + 90 → Tue 11-24 10:00.
 *   Signed for at Mon 10:00, the handling stage runs Mon 10:00 → Tue 10:00: 420 working minutes.
 *   yellow (1) at 80 % of it, 336 min: Mon 330 + Tue 6 → Tue 08:36 (wall-clock 80 % would be 05:12)
 *   red (2) at the deadline, Tue 10:00
 *   level 3 at 5 more working days: Wed, Thu, Fri, Mon, Tue → Tue 12-01 10:00
 */

let t: TestApp;
let grid: Client;
let worker: Client;
let secretary: Client;
const id: Record<string, number> = {};
const uid: Record<string, number> = {};

const cst = (local: string) => new Date(`${local}+08:00`);
const at = (local: string) => t.clock.set(cst(local));
const run = () => sweep(t.services, timingsFor(t.services));

/** A user's client that signs in again when a clock jump has expired its session. */
const user = (username: string): Client => stayLoggedIn(t, username);

async function report(title: string): Promise<number> {
  const r = await grid.post('/api/cases', { type: 'event', category: 'environment.exposed_garbage', title });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id;
}
async function step(who: Client, caseId: number, body: Record<string, unknown>) {
  const r = await who.post(`/api/cases/${caseId}/transitions`, body);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}
/** Reported at 09:00, accepted 09:10, dispatched to the community worker 09:20, signed for 10:00. */
async function handlingFrom(day: string, title: string): Promise<number> {
  at(`${day}T09:00:00`);
  const c = await report(title);
  at(`${day}T09:10:00`);
  await step(worker, c, { action: 'accept' });
  at(`${day}T09:20:00`);
  await step(worker, c, { action: 'dispatch', assigneeUserId: uid.community_worker });
  at(`${day}T10:00:00`);
  await step(worker, c, { action: 'sign' });
  return c;
}

const escalations = (caseId: number) =>
  t.db
    .selectFrom('caseEvents')
    .select(['at', 'data'])
    .where('caseId', '=', caseId)
    .where('kind', '=', 'escalate')
    .orderBy('id')
    .execute();
/** Who was notified of the escalation of `caseId` at the current instant. */
const notified = async (caseId: number) =>
  (
    await t.db
      .selectFrom('notifications')
      .select('userId')
      .where('caseId', '=', caseId)
      .where('kind', '=', 'escalate')
      .where('createdAt', '=', t.clock.now())
      .execute()
  )
    .map((n) => n.userId)
    .sort((a, b) => a - b);
const levelOf = async (caseId: number) =>
  t.db
    .selectFrom('cases')
    .select(['slaLevel', 'supervisionLevel'])
    .where('id', '=', caseId)
    .executeTakeFirstOrThrow();
const box = async (who: Client, name: string) =>
  ((await who.get(`/api/cases?box=${name}&pageSize=100&type=event`)).json().items as { id: number }[]).map(
    (c) => c.id,
  );
const sorted = (...xs: number[]) => [...xs].sort((a, b) => a - b);

beforeAll(async () => {
  t = await createTestApp({ clock: cst('2026-11-23T09:00:00') });
  const users = await t.db.selectFrom('users').select(['id', 'username']).execute();
  for (const u of users) uid[u.username] = u.id;
  grid = user('grid_a');
  worker = user('community_worker');
  secretary = user('community_admin');
  // A: left to run late. F: runs late, then is closed.
  id.A = await handlingFrom('2026-11-23', '垃圾桶满溢未清运');
  id.F = await handlingFrom('2026-11-23', '路边暴露垃圾');
});
afterAll(async () => t?.close());

describe('escalation of one late case, step by step', () => {
  it('stays unmarked until 80 % of the stage’s working time, overnight included', async () => {
    at('2026-11-24T06:00:00');
    await run();
    at('2026-11-24T08:35:00');
    await run();
    expect(await escalations(id.A!)).toEqual([]);
    expect(await levelOf(id.A!)).toEqual({ slaLevel: 0, supervisionLevel: 0 });
  });

  it('yellow at Tue 08:36: the assignee is warned; not yet in the supervisors’ inbox', async () => {
    at('2026-11-24T08:36:00');
    await run();
    expect(await levelOf(id.A!)).toEqual({ slaLevel: 1, supervisionLevel: 0 });
    const e = await escalations(id.A!);
    expect(e).toHaveLength(1);
    expect(e[0]!.data).toMatchObject({ level: 1, from: 0 });
    expect(await notified(id.A!)).toEqual([uid.community_worker]);
    expect(await box(secretary, 'supervised')).not.toContain(id.A);
    expect(await box(secretary, 'overdue')).not.toContain(id.A);
  });

  it('red at the deadline, Tue 10:00: the community secretary is notified and sees it in the supervised inbox', async () => {
    at('2026-11-24T09:59:00');
    await run();
    expect((await levelOf(id.A!)).slaLevel).toBe(1);
    at('2026-11-24T10:00:00');
    await run();
    expect(await levelOf(id.A!)).toEqual({ slaLevel: 2, supervisionLevel: 1 });
    expect((await escalations(id.A!)).map((e) => e.data)).toMatchObject([
      { level: 1, from: 0 },
      { level: 2, from: 1 },
    ]);
    expect(await notified(id.A!)).toEqual(sorted(uid.community_worker!, uid.community_admin!));
    expect(await box(secretary, 'supervised')).toEqual(expect.arrayContaining([id.A, id.F]));
    // a grid worker does not supervise: the inbox is empty for them
    expect(await box(grid, 'supervised')).toEqual([]);
    at('2026-11-24T10:01:00');
    expect(await box(secretary, 'overdue')).toEqual(expect.arrayContaining([id.A, id.F]));
    expect(await box(worker, 'overdue')).toEqual(expect.arrayContaining([id.A, id.F]));
  });

  it('a closed case leaves both inboxes and never escalates again', async () => {
    at('2026-11-24T11:00:00');
    await step(worker, id.F!, { action: 'feedback', comment: '已清运' });
    // the secretary verifies: the worker handled it (separation of duties)
    await step(secretary, id.F!, { action: 'verify', passed: true });
    expect(await box(secretary, 'supervised')).not.toContain(id.F);
    expect(await box(secretary, 'overdue')).not.toContain(id.F);
    at('2026-12-01T09:59:00');
    await run();
    expect((await levelOf(id.A!)).slaLevel).toBe(2);
  });

  it('level 3 five working days after the deadline, Tue 12-01 10:00: the street is notified', async () => {
    at('2026-12-01T10:00:00');
    await run();
    const e = await escalations(id.A!);
    expect(e.map((x) => x.data)).toMatchObject([{ level: 1 }, { level: 2 }, { level: 3, from: 2 }]);
    expect(await levelOf(id.A!)).toEqual({ slaLevel: 3, supervisionLevel: 2 });
    expect(await notified(id.A!)).toEqual(
      sorted(uid.community_worker!, uid.community_admin!, uid.street_admin!),
    );
    expect(await box(user('street_admin'), 'supervised')).toContain(id.A);
    // the closed case stayed where it was when it closed
    expect((await escalations(id.F!)).map((x) => (x.data as { level: number }).level)).toEqual([1, 2]);
    expect(await notified(id.F!)).toEqual([]);
    // and nothing more: level 3 is the last
    at('2026-12-31T10:00:00');
    await run();
    expect(await escalations(id.A!)).toHaveLength(3);
  });
});

describe('catching up after downtime', () => {
  it('one pass brings each case to its level with one timeline entry at that level, and the next pass does nothing', async () => {
    // B: handling Wed 12-02 10:00 → due Thu 12-03 10:00; level 3 at Thu 12-10 10:00
    id.B = await handlingFrom('2026-12-02', '建筑垃圾堆放未清理');
    // C: reported Wed 12-02 09:00 and never accepted: acceptance due 09:30 (no level 3 outside handling)
    at('2026-12-02T09:00:00');
    id.C = await report('垃圾桶满溢未清运（无人受理）');
    // P: put on the pending list (挂账) after an approved extension: no clock runs
    id.P = await handlingFrom('2026-12-02', '绿地毁绿（挂账）');
    at('2026-12-02T11:00:00');
    await step(worker, id.P!, {
      action: 'extend_request',
      amount: 1,
      unit: 'wday',
      comment: '需协调园林部门',
    });
    await step(secretary, id.P!, { action: 'extend_decide', approved: true });
    await step(secretary, id.P!, { action: 'suspend', comment: '需列入明年绿化改造计划' });

    // The app was down from Wed 12-02 11:00 to Mon 12-14 09:00.
    at('2026-12-14T09:00:00');
    const first = await run();
    expect(first.escalated).toBeGreaterThanOrEqual(2);
    // The engine jumps straight to the final level: one entry, `from` the level before.
    expect((await escalations(id.B!)).map((e) => e.data)).toMatchObject([{ level: 3, from: 0 }]);
    expect(await levelOf(id.B!)).toEqual({ slaLevel: 3, supervisionLevel: 2 });
    expect(await notified(id.B!)).toEqual(
      sorted(uid.community_worker!, uid.community_admin!, uid.street_admin!),
    );
    expect((await escalations(id.C!)).map((e) => e.data)).toMatchObject([{ level: 2, from: 0 }]);
    expect(await levelOf(id.C!)).toEqual({ slaLevel: 2, supervisionLevel: 1 });
    // nobody owns C yet: those who accept cases there and the community's supervisors hear of it
    expect(await notified(id.C!)).toEqual(sorted(uid.community_worker!, uid.community_admin!));
    expect(await escalations(id.P!)).toEqual([]);
    expect((await levelOf(id.P!)).slaLevel).toBe(0);
    expect(await escalations(id.A!)).toHaveLength(3);

    const before = await t.db
      .selectFrom('caseEvents')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirst();
    const second = await run();
    expect(second.escalated).toBe(0);
    const after = await t.db
      .selectFrom('caseEvents')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirst();
    expect(after).toEqual(before);
  });
});

describe('several sweeps at once', () => {
  it('two sweeps running together escalate each case once; the audit chain still verifies', async () => {
    at('2026-12-14T09:00:00');
    const ids: number[] = [];
    for (let i = 0; i < 8; i++) ids.push(await report(`并发扫描 ${i + 1}`));
    // Tue 12-15 09:00: every acceptance deadline (Mon 09:30) has passed: each goes red once.
    at('2026-12-15T09:00:00');
    const count = async () =>
      (
        await t.db
          .selectFrom('caseEvents')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('kind', '=', 'escalate')
          .executeTakeFirstOrThrow()
      ).n;
    const before = await count();
    const [r1, r2] = await Promise.all([run(), run()]);
    // every escalation counted is one timeline entry, whichever sweep did it
    expect((await count()) - before).toBe(r1.escalated + r2.escalated);
    for (const c of ids) expect((await escalations(c)).map((e) => e.data)).toMatchObject([{ level: 2 }]);
    // no case anywhere was escalated twice to one level
    const twice = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM (
        SELECT case_id FROM case_events WHERE kind = 'escalate'
        GROUP BY case_id, data->>'level' HAVING count(*) > 1) x`.execute(t.db);
    expect(twice.rows[0]!.n).toBe(0);
    const chain = await verifyChain(t.db);
    expect(chain).toMatchObject({ ok: true, firstBrokenSeq: null });
    const audited = await t.db
      .selectFrom('auditLog')
      .select('entityId')
      .where('action', '=', 'case.escalate')
      .where('entityId', 'in', ids.map(String))
      .execute();
    expect(audited.map((a) => Number(a.entityId)).sort((a, b) => a - b)).toEqual(sorted(...ids));
  });
});
