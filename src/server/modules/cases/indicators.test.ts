import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, stayLoggedIn, type TestApp } from '../../../../test/helpers/app.js';

/**
 * Case indicators (docs/indicators.md) on data made here and computed by hand, in 金盆社区, where
 * the demo seed files no case. All times China time, March 2026 (no holiday in it).
 *
 * Six grid events of exposed garbage (accept 30 working min, dispatch 30, handle 1 working day),
 * all reported Mon 03-02 09:00: acceptance due 09:30; deadline due_at Tue 03-03 10:00
 * (Mon 10:00–17:30 = 330 min, Tue 08:30 + 90).
 *   E1 grid 1: accepted 09:10, closed Mon 15:00 (on time, 6 h), rated 5
 *   E2 grid 1: accepted 09:10, extension of 2 working days approved → due Thu 03-05 10:00;
 *      closed Wed 03-04 11:00 (on time, 50 h), rated 4
 *   E3 grid 1: accepted 09:10, failed verification once (rework), closed Tue 09:00 (on time, 24 h)
 *   E4 grid 1: accepted late at 09:40, closed Wed 03-04 09:00 (late, 48 h), rated 2
 *   E5 grid 1: accepted 09:10, then rejected as a duplicate of E1 (counts in no rate)
 *   E6 grid 2: accepted 09:10, still being handled on Apr 1: overdue
 * Five disputes, reported Mon 03-02 10:00 in grid 1, accepted 10:10 (acceptance due Tue 10:00),
 * concluded Mon 03-09 10:00 and closed 11:00 (169 h) — D1, D2 agreement; D3 failed; D4 referred —
 * D5 still being mediated. Their deadline: + 1 working day accept, + 1 dispatch, + 30 calendar
 * days = Fri 04-03 10:00, outside March.
 */

let t: TestApp;
const C: Record<string, number> = {};
let jinpen: { id: number; path: string };
let youyi: number;
let workerId: number;

const cst = (local: string) => new Date(`${local}+08:00`);
const at = (local: string) => t.clock.set(cst(`2026-03-${local}`));

/** A user's client that signs in again when a clock jump has expired its session. */
const user = (username: string): Client => stayLoggedIn(t, username);

let grid1: Client;
let grid2: Client;
let worker: Client;
let secretary: Client;

async function report(who: Client, key: string, body: Record<string, unknown>) {
  const r = await who.post('/api/cases', { title: `指标测试 ${key}`, ...body });
  expect(r.statusCode, r.body).toBe(201);
  C[key] = r.json().id;
}
async function act(who: Client, keys: string[], body: Record<string, unknown>) {
  for (const k of keys) {
    const r = await who.post(`/api/cases/${C[k]}/transitions`, body);
    expect(r.statusCode, `${k} ${body.action}: ${r.body}`).toBe(200);
  }
}

type Fig = [number | null, number | null, number | null]; // value, numerator, denominator
async function figures(who: Client, query: string) {
  const r = await who.get(`/api/cases/indicators?${query}`);
  expect(r.statusCode, r.body).toBe(200);
  const body = r.json() as {
    areaId: number;
    figures: { key: string; value: number | null; numerator: number | null; denominator: number | null }[];
    byState: { state: string; count: number }[];
    byCategory: { category: string; count: number }[];
  };
  return {
    ...body,
    map: Object.fromEntries(body.figures.map((f) => [f.key, [f.value, f.numerator, f.denominator] as Fig])),
  };
}

beforeAll(async () => {
  t = await createTestApp({ clock: cst('2026-03-02T08:00:00') });
  const areas = await t.db
    .selectFrom('areas')
    .select(['id', 'name', 'path'])
    .where('name', 'in', ['金盆社区', '友谊河社区'])
    .where('kind', '=', 'community')
    .execute();
  jinpen = areas.find((a) => a.name === '金盆社区')!;
  youyi = areas.find((a) => a.name === '友谊河社区')!.id;
  const already = await sql`SELECT id FROM cases WHERE area_path <@ ${jinpen.path}::ltree`.execute(t.db);
  expect(already.rows).toEqual([]); // the demo leaves 金盆 without cases
  workerId = (
    await t.db.selectFrom('users').select('id').where('username', '=', 'worker_002').executeTakeFirstOrThrow()
  ).id;
  grid1 = user('grid_002001');
  grid2 = user('grid_002002');
  worker = user('worker_002');
  secretary = user('sec_002');

  const event = { type: 'event', category: 'environment.exposed_garbage' };
  const dispute = {
    type: 'dispute',
    category: '0202',
    parties: [
      { role: 'applicant', name: '甲' },
      { role: 'respondent', name: '乙' },
    ],
  };
  const E = ['E1', 'E2', 'E3', 'E4', 'E5'];
  const D = ['D1', 'D2', 'D3', 'D4', 'D5'];
  at('02T09:00:00');
  for (const k of E) await report(grid1, k, event);
  await report(grid2, 'E6', event);
  at('02T09:10:00');
  await act(worker, ['E1', 'E2', 'E3', 'E5', 'E6'], { action: 'accept' });
  at('02T09:12:00');
  await act(worker, ['E5'], {
    action: 'reject',
    reason: 'duplicate',
    duplicateOfId: C.E1,
    comment: '重复上报',
  });
  at('02T09:15:00');
  await act(worker, ['E1', 'E2', 'E3', 'E6'], { action: 'dispatch', assigneeUserId: workerId });
  at('02T09:20:00');
  await act(worker, ['E1', 'E2', 'E3', 'E6'], { action: 'sign' });
  at('02T09:40:00');
  await act(worker, ['E4'], { action: 'accept' });
  at('02T09:45:00');
  await act(worker, ['E4'], { action: 'dispatch', assigneeUserId: workerId });
  at('02T09:50:00');
  await act(worker, ['E4'], { action: 'sign' });
  at('02T10:00:00');
  await act(worker, ['E2'], { action: 'extend_request', amount: 2, unit: 'wday', comment: '需协调环卫车辆' });
  for (const k of D) await report(grid1, k, dispute);
  at('02T10:05:00');
  await act(secretary, ['E2'], { action: 'extend_decide', approved: true });
  at('02T10:10:00');
  await act(worker, D, { action: 'accept' });
  at('02T10:15:00');
  await act(worker, D, { action: 'dispatch', assigneeUserId: workerId });
  at('02T10:20:00');
  await act(worker, D, { action: 'sign' });
  at('02T14:30:00');
  await act(worker, ['E1'], { action: 'feedback', comment: '已清运' });
  at('02T15:00:00');
  await act(secretary, ['E1'], { action: 'verify', passed: true }); // not the handler (separation of duties)
  at('02T16:00:00');
  await act(worker, ['E3'], { action: 'feedback', comment: '已清运' });
  at('02T16:30:00');
  await act(grid1, ['E3'], { action: 'verify', passed: false, comment: '仍有垃圾' });
  at('03T08:40:00');
  await act(worker, ['E3'], { action: 'feedback', comment: '已全部清运' });
  at('03T09:00:00');
  await act(grid1, ['E3'], { action: 'verify', passed: true });
  at('03T16:00:00');
  await act(worker, ['E4'], { action: 'feedback', comment: '已清运' });
  at('04T09:00:00');
  await act(secretary, ['E4'], { action: 'verify', passed: true }); // not the handler (separation of duties)
  at('04T10:00:00');
  await act(worker, ['E2'], { action: 'feedback', comment: '已清运' });
  at('04T11:00:00');
  await act(secretary, ['E2'], { action: 'verify', passed: true }); // not the handler (separation of duties)
  at('04T12:00:00');
  await act(grid1, ['E1'], { action: 'rate', rating: 5 });
  await act(grid1, ['E2'], { action: 'rate', rating: 4 });
  await act(grid1, ['E4'], { action: 'rate', rating: 2 });
  at('09T10:00:00');
  await act(worker, ['D1', 'D2'], { action: 'conclude', outcome: 'agreement', agreement: '双方达成协议' });
  await act(worker, ['D3'], { action: 'conclude', outcome: 'failed' });
  await act(worker, ['D4'], { action: 'conclude', outcome: 'referred', referredTo: '市法院诉前调解' });
  at('09T11:00:00');
  await act(secretary, ['D1', 'D2', 'D3', 'D4'], { action: 'verify', passed: true }); // not the handler (separation of duties)
  t.clock.set(cst('2026-04-01T09:00:00'));
});
afterAll(async () => t?.close());

const MARCH = 'from=2026-03-01&to=2026-03-31';

describe('grid events of 金盆 in March, as its secretary sees them', () => {
  it('gives exactly the hand-computed figures', async () => {
    const r = await figures(secretary, `${MARCH}&type=event&areaId=${jinpen.id}`);
    expect(r.areaId).toBe(jinpen.id);
    expect(r.map).toEqual({
      reported: [5, null, null], // E1–E4, E6 (E5 was rejected)
      closed: [4, null, null], // E1–E4
      closureRate: [0.8, 4, 5], // closed ÷ due in March: E1–E4 of E1–E4, E6
      onTimeRate: [0.6, 3, 5], // E1, E2 (by its extended deadline), E3 ÷ 5; E4 closed late
      timelyAcceptRate: [0.8, 4, 5], // E1, E2, E3, E6 by 09:30 ÷ accepted (E4 late; E5 rejected, not counted)
      reworkRate: [0.25, 1, 4], // E3 ÷ closed
      extensionRate: [0.2, 1, 5], // E2 ÷ reported
      avgHours: [32, null, null], // (6 + 50 + 24 + 48) ÷ 4
      satisfaction: [0.6667, 2, 3], // ratings 5 and 4 of 5, 4, 2
      avgRating: [3.67, null, null], // 11 ÷ 3
    });
    expect(r.byState).toEqual(
      expect.arrayContaining([
        { state: 'closed', count: 4 },
        { state: 'handling', count: 1 },
        { state: 'rejected', count: 1 },
      ]),
    );
    expect(r.byState).toHaveLength(3);
    expect(r.byCategory).toEqual([{ category: 'environment.exposed_garbage', name: '暴露垃圾', count: 6 }]);
  });

  it('reads each figure by its own instant: from Mar 3, nothing was reported or accepted, three were closed', async () => {
    const r = await figures(secretary, `from=2026-03-03&to=2026-03-31&type=event&areaId=${jinpen.id}`);
    expect(r.map).toMatchObject({
      reported: [0, null, null],
      closed: [3, null, null], // E2, E3, E4
      closureRate: [0.8, 4, 5], // every deadline is on Mar 3 or later
      timelyAcceptRate: [null, 0, 0], // a rate with nothing to count is null, not 0 %
      extensionRate: [null, 0, 0],
      reworkRate: [0.3333, 1, 3],
      avgHours: [40.7, null, null], // (50 + 24 + 48) ÷ 3 = 40.67
    });
  });
});

describe('disputes of 金盆', () => {
  it('in March: mediation and success rates; no deadline fell in March', async () => {
    const r = await figures(secretary, `${MARCH}&type=dispute&areaId=${jinpen.id}`);
    expect(r.map).toEqual({
      reported: [5, null, null],
      closed: [4, null, null],
      closureRate: [null, 0, 0], // deadlines are Apr 3
      onTimeRate: [null, 0, 0],
      timelyAcceptRate: [1, 5, 5],
      extensionRate: [0, 0, 5],
      avgHours: [169, null, null], // Mon 03-02 10:00 → Mon 03-09 11:00
      mediationRate: [0.6, 3, 5], // 调处率: agreement or failed (D1–D3) ÷ registered; referred D4 is not mediated
      successRate: [0.6667, 2, 3], // 成功率: agreements ÷ mediated
    });
  });

  it('over March and April the deadlines count: 4 of 5 closed, all on time', async () => {
    const r = await figures(secretary, `from=2026-03-01&to=2026-04-30&type=dispute&areaId=${jinpen.id}`);
    expect(r.map).toMatchObject({ closureRate: [0.8, 4, 5], onTimeRate: [0.8, 4, 5] });
  });

  it('all types together add up', async () => {
    const r = await figures(secretary, `${MARCH}&areaId=${jinpen.id}`);
    expect(r.map).toEqual({
      reported: [10, null, null],
      closed: [8, null, null],
      closureRate: [0.8, 4, 5],
      onTimeRate: [0.6, 3, 5],
      timelyAcceptRate: [0.9, 9, 10],
      reworkRate: [0.125, 1, 8],
      extensionRate: [0.1, 1, 10],
      avgHours: [100.5, null, null], // (128 + 4 × 169) ÷ 8
      satisfaction: [0.6667, 2, 3],
      mediationRate: [0.6, 3, 5],
      successRate: [0.6667, 2, 3],
      avgRating: [3.67, null, null],
    });
  });
});

describe('case_stats (the monthly counts whole months are read from)', () => {
  it('holds exactly what rebuilding it from the cases gives, after every change above', async () => {
    const rows = (db: typeof t.db) =>
      sql`SELECT month::text, type, category, state, area_path::text, rep, rep_extended, rep_responded,
            rep_mediated, rep_agreed, due, due_on_time, acc, acc_in_time, clo, clo_reworked, clo_rated,
            clo_satisfied, clo_rating_sum, round(clo_seconds::numeric, 3) AS clo_seconds
          FROM case_stats
          WHERE rep <> 0 OR due <> 0 OR acc <> 0 OR clo <> 0
          ORDER BY 1, 2, 3, 4, 5`.execute(db);
    const kept = (await rows(t.db)).rows;
    expect(kept.length).toBeGreaterThan(0);
    let rebuilt: unknown[] = [];
    await t.db
      .transaction()
      .execute(async (trx) => {
        await sql`SELECT case_stats_rebuild()`.execute(trx);
        rebuilt = (await rows(trx)).rows;
        throw new Error('rollback');
      })
      .catch((e: Error) => {
        if (e.message !== 'rollback') throw e;
      });
    expect(kept).toEqual(rebuilt);
  });

  it('a period of whole and partial months gives the sum of its parts', async () => {
    // Feb 20 – Apr 5: Feb 20–28 and Apr 1–5 from the cases, March from case_stats.
    const whole = await figures(secretary, `from=2026-02-20&to=2026-04-05&areaId=${jinpen.id}`);
    const march = await figures(secretary, `${MARCH}&areaId=${jinpen.id}`);
    const april = await figures(secretary, `from=2026-04-01&to=2026-04-05&areaId=${jinpen.id}`);
    for (const k of ['reported', 'closed'])
      expect(whole.map[k]![0], k).toBe((march.map[k]![0] ?? 0) + (april.map[k]![0] ?? 0));
    expect(whole.map.closureRate![2]).toBe(march.map.closureRate![2]! + april.map.closureRate![2]!);
    expect(whole.map.closureRate![1]).toBe(march.map.closureRate![1]! + april.map.closureRate![1]!);
  });
});

describe('scope', () => {
  it('a grid worker asking for the community gets only their own grid', async () => {
    const r = await figures(grid1, `${MARCH}&type=event&areaId=${jinpen.id}`);
    expect(r.map).toEqual({
      reported: [4, null, null], // E1–E4; E6 is in grid 2
      closed: [4, null, null],
      closureRate: [1, 4, 4],
      onTimeRate: [0.75, 3, 4],
      timelyAcceptRate: [0.75, 3, 4],
      reworkRate: [0.25, 1, 4],
      extensionRate: [0.25, 1, 4],
      avgHours: [32, null, null],
      satisfaction: [0.6667, 2, 3],
      avgRating: [3.67, null, null],
    });
    // with no area named, their own grid
    const own = await figures(grid2, `${MARCH}&type=event`);
    expect(own.areaId).not.toBe(jinpen.id);
    expect(own.map.reported).toEqual([1, null, null]);
    expect(own.map.closureRate).toEqual([0, 0, 1]);
  });

  it('a grid worker asking for another community gets 404', async () => {
    const r = await grid1.get(`/api/cases/indicators?${MARCH}&areaId=${youyi}`);
    expect(r.statusCode).toBe(404);
    const other = await secretary.get(`/api/cases/indicators?${MARCH}&areaId=${youyi}`);
    expect(other.statusCode).toBe(404);
  });

  it('a role without dispute.read gets no dispute figures', async () => {
    const security = user('security_admin');
    const role = await security.post('/api/roles', {
      code: 'case_viewer',
      nameZh: '案件查看',
      nameEn: 'Case viewer',
      permissions: ['event.read', 'request.read'],
    });
    expect(role.statusCode, role.body).toBe(201);
    const volunteer = await t.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'volunteer')
      .executeTakeFirstOrThrow();
    const assigned = await security.post(`/api/users/${volunteer.id}/roles`, {
      role: 'case_viewer',
      areaId: jinpen.id,
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    // Business rights wait for a second person (docs/security.md): the system administrator approves.
    const grant = assigned.json().roles.find((r: { role: string }) => r.role === 'case_viewer');
    const approved = await user('sys_admin').post(`/api/role-grants/${grant.assignmentId}/approve`);
    expect(approved.statusCode, approved.body).toBe(200);
    const viewer = user('volunteer');

    const all = await figures(viewer, `${MARCH}&areaId=${jinpen.id}`);
    expect(all.map.reported).toEqual([5, null, null]); // the events only
    // dispute figures do not exist for a role that may not read disputes
    expect(all.map.mediationRate).toBeUndefined();
    expect(all.map.successRate).toBeUndefined();
    expect(all.byCategory.map((c) => c.category)).toEqual(['environment.exposed_garbage']);
    const disputes = await viewer.get(`/api/cases/indicators?${MARCH}&type=dispute&areaId=${jinpen.id}`);
    expect(disputes.statusCode).toBe(403);
  });
});
