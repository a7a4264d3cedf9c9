import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from '../../../../test/helpers/app.js';

/**
 * Issue 16, "Home, records and flow": separation of duties (the handler of a case does not verify
 * it: per type, on by default, refused with 409 and shown as a disabled action with the reason),
 * the dispatch suggestion (the grid's worker first, then by open load), and the cases of a person
 * (reported by them or with them as a party), scoped and masked like the case list.
 */

let t: TestApp;
let gridA: Client;
let gridB: Client;
let worker: Client;
let secretary: Client;
let street: Client;
let other: Client;
const uid: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestApp({ clock: new Date('2026-11-23T09:00:00+08:00') }); // a Monday
  [gridA, gridB, worker, secretary, street, other] = await Promise.all([
    t.login('grid_a'),
    t.login('grid_b'),
    t.login('community_worker'),
    t.login('community_admin'),
    t.login('street_admin'),
    t.login('sec_002'),
  ]);
  const users = await t.db.selectFrom('users').select(['id', 'username']).execute();
  for (const u of users) uid[u.username] = u.id;
});
afterAll(async () => t?.close());

async function step(c: Client, id: number, body: Record<string, unknown>) {
  const r = await c.post(`/api/cases/${id}/transitions`, body);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

/** A grid event of grid_a's grid, accepted by the worker, handled by `handler`, reported back. */
async function handledBy(handler: Client, handlerId: number, title: string): Promise<number> {
  const r = await gridA.post('/api/cases', { type: 'event', category: 'fire.exit', title });
  expect(r.statusCode, r.body).toBe(201);
  const id = r.json().id as number;
  await step(worker, id, { action: 'accept' });
  await step(worker, id, { action: 'dispatch', assigneeUserId: handlerId });
  await step(handler, id, { action: 'sign' });
  await step(handler, id, { action: 'feedback', comment: '已清理完毕' });
  return id;
}

const inBox = async (c: Client, box: string, id: number) =>
  ((await c.get(`/api/cases?box=${box}&pageSize=100`)).json().items as { id: number }[]).some(
    (x) => x.id === id,
  );

describe('separation of duties: the handler does not verify their own case', () => {
  it('is refused with 409 and the reason, writes nothing, and shows the action disabled with the reason', async () => {
    const id = await handledBy(worker, uid.community_worker!, '楼道杂物（职责分离）');
    const view = (await worker.get(`/api/cases/${id}`)).json();
    expect(view.state).toBe('feedback');
    expect(view.abilities).not.toContain('verify');
    expect(view.blocked).toEqual([{ action: 'verify', reason: expect.stringContaining('职责分离') }]);
    const before = (await t.db.selectFrom('caseEvents').select('id').where('caseId', '=', id).execute())
      .length;
    const r = await worker.post(`/api/cases/${id}/transitions`, { action: 'verify', passed: true });
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ code: 'CASE_RULE', message: expect.stringContaining('办理人不能核查') });
    const en = await worker.post(
      `/api/cases/${id}/transitions`,
      { action: 'verify', passed: true },
      {
        'accept-language': 'en',
      },
    );
    expect(en.json().message).toContain('Separation of duties');
    expect((await t.db.selectFrom('caseEvents').select('id').where('caseId', '=', id).execute()).length).toBe(
      before,
    );
    // Not in the worker's inbox to verify; in the secretary's, who verifies it.
    expect(await inBox(worker, 'verify', id)).toBe(false);
    expect(await inBox(secretary, 'verify', id)).toBe(true);
    const s = (await secretary.get(`/api/cases/${id}`)).json();
    expect(s.abilities).toContain('verify');
    expect(s.blocked).toEqual([]);
    expect((await step(secretary, id, { action: 'verify', passed: true })).state).toBe('closed');
  });

  it('a verifier who did not handle the case verifies as before (the reporter, a grid worker)', async () => {
    const id = await handledBy(worker, uid.community_worker!, '消防通道堵塞（网格员核查）');
    expect((await step(gridA, id, { action: 'verify', passed: true })).state).toBe('closed');
  });

  it('switched off for a type, the handler may verify; other types keep the rule; audited', async () => {
    const rules = (await worker.get('/api/case-rules')).json();
    expect(rules).toEqual(
      expect.arrayContaining([
        { type: 'event', separateVerifier: true },
        { type: 'dispute', separateVerifier: true },
        { type: 'request', separateVerifier: true },
      ]),
    );
    // Only who configures the case rules may switch it; an unknown type is named.
    expect((await worker.put('/api/case-rules', { type: 'event', separateVerifier: false })).statusCode).toBe(
      403,
    );
    const bad = await street.put('/api/case-rules', { type: 'nosuchtype', separateVerifier: false });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].path).toContain('type');
    const missing = await street.put('/api/case-rules', { type: 'event' });
    expect(missing.statusCode).toBe(400);
    expect(JSON.stringify(missing.json().issues)).toContain('separateVerifier');

    const off = await street.put('/api/case-rules', { type: 'event', separateVerifier: false });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toEqual({ type: 'event', separateVerifier: false });
    const audit = await t.db
      .selectFrom('auditLog')
      .select(['action', 'entityId', 'detail'])
      .where('action', '=', 'case_rule.set')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ entityId: 'event', detail: { from: true, to: false } });
    try {
      const id = await handledBy(worker, uid.community_worker!, '楼道杂物（规则关闭）');
      const view = (await worker.get(`/api/cases/${id}`)).json();
      expect(view.abilities).toContain('verify');
      expect(view.blocked).toEqual([]);
      expect(await inBox(worker, 'verify', id)).toBe(true);
      expect((await step(worker, id, { action: 'verify', passed: true })).state).toBe('closed');
      expect((await worker.get('/api/case-rules')).json()).toEqual(
        expect.arrayContaining([
          { type: 'event', separateVerifier: false },
          { type: 'dispute', separateVerifier: true },
        ]),
      );
    } finally {
      const on = await street.put('/api/case-rules', { type: 'event', separateVerifier: true });
      expect(on.statusCode, on.body).toBe(200);
    }
  });
});

describe('dispatch suggests the grid worker of the case’s grid first, then others by open load', () => {
  it('orders the candidates and shows each one’s open load', async () => {
    const r = await gridA.post('/api/cases', { type: 'event', category: 'fire.exit', title: '派遣建议测试' });
    const id = r.json().id as number;
    await step(worker, id, { action: 'accept' });
    const list = (await worker.get(`/api/cases/assignable?caseId=${id}`)).json() as {
      id: number;
      name: string;
      ofGrid: boolean;
      openLoad: number;
    }[];
    expect(list.length).toBeGreaterThan(2);
    expect(list[0]).toMatchObject({ id: uid.grid_a, ofGrid: true });
    // grid_b works another grid of the same community: offered, not first.
    const b = list.find((x) => x.id === uid.grid_b)!;
    expect(b.ofGrid).toBe(false);
    const rest = list.filter((x) => !x.ofGrid);
    for (let i = 1; i < rest.length; i++)
      expect(rest[i]!.openLoad).toBeGreaterThanOrEqual(rest[i - 1]!.openLoad);
    // The load is the person's open cases (dispatched, handling, pending).
    for (const x of list.slice(0, 5)) {
      const n = await t.db
        .selectFrom('cases')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('assigneeUserId', '=', x.id)
        .where('state', 'in', ['dispatched', 'handling', 'pending'])
        .executeTakeFirstOrThrow();
      expect(x.openLoad, x.name).toBe(Number(n.n));
    }
    // One more case on grid_b raises the load shown.
    await step(worker, id, { action: 'dispatch', assigneeUserId: uid.grid_b });
    const r2 = await gridA.post('/api/cases', {
      type: 'event',
      category: 'fire.exit',
      title: '派遣建议测试二',
    });
    await step(worker, r2.json().id, { action: 'accept' });
    const after = (await worker.get(`/api/cases/assignable?caseId=${r2.json().id}`)).json() as typeof list;
    expect(after.find((x) => x.id === uid.grid_b)!.openLoad).toBe(b.openLoad + 1);
  });

  it('is only for who may dispatch the case', async () => {
    const r = await gridA.post('/api/cases', { type: 'event', category: 'fire.exit', title: '派遣建议权限' });
    expect((await gridA.get(`/api/cases/assignable?caseId=${r.json().id}`)).statusCode).toBe(403);
    expect((await other.get(`/api/cases/assignable?caseId=${r.json().id}`)).statusCode).toBe(404);
  });
});

describe('the cases of a person (一人一档)', () => {
  it('lists the cases a person reported or is party to, within the reader’s scope, masked', async () => {
    const person = (await gridA.get('/api/people?pageSize=1')).json().items[0] as {
      id: number;
      name: string;
    };
    expect(person).toBeTruthy();
    const dispute = await gridA.post('/api/cases', {
      type: 'dispute',
      category: '0202',
      title: '邻里噪音纠纷（一人一档）',
      parties: [
        { role: 'applicant', personId: person.id, name: person.name, idNumber: '430681199001011230' },
        { role: 'respondent', name: '赵某' },
      ],
    });
    expect(dispute.statusCode, dispute.body).toBe(201);
    const reported = await worker.post('/api/cases', {
      type: 'request',
      category: 'help.repair',
      title: '窗口代报：楼道灯坏（一人一档）',
      channel: 'window',
      reporterPersonId: person.id,
      contactName: person.name,
    });
    expect(reported.statusCode, reported.body).toBe(201);
    const ids = async (c: Client) =>
      ((await c.get(`/api/cases?personId=${person.id}&pageSize=100`)).json().items as { id: number }[]).map(
        (x) => x.id,
      );
    const mine = await ids(worker);
    expect(mine).toEqual(expect.arrayContaining([dispute.json().id, reported.json().id]));
    // Nothing else: every listed case names the person.
    for (const id of mine) {
      const c = (await worker.get(`/api/cases/${id}`)).json();
      const named =
        c.reporterPersonId === person.id ||
        c.parties.some((p: { personId: number | null }) => p.personId === person.id);
      expect(named, c.no).toBe(true);
    }
    // Scope: another grid's worker sees neither the dispute of grid 1 nor the request; another
    // community sees nothing.
    expect(await ids(gridB)).not.toContain(dispute.json().id);
    expect(await ids(other)).toEqual([]);
    // Masked as on the case page: the party's ID number is never in clear.
    const body = (await worker.get(`/api/cases/${dispute.json().id}`)).body;
    expect(body).not.toContain('430681199001011230');
    const list = (await worker.get(`/api/cases?personId=${person.id}`)).body;
    expect(list).not.toContain('430681199001011230');
  });

  it('refuses a malformed person id naming the field', async () => {
    const r = await worker.get('/api/cases?personId=abc');
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain('personId');
  });
});
