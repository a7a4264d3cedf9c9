import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from '../../../../test/helpers/app.js';

/** Issue 21, first slice, through the HTTP API: party roles only, the pipeline's rules, dues. */
let t: TestApp;
let sec: Client;
const cst = (s: string) => new Date(`${s}+08:00`);

beforeAll(async () => {
  t = await createTestApp({ clock: cst('2026-12-07T10:00:00') });
  sec = await t.login('community_admin');
});
afterAll(async () => t?.close());

describe('scope and sensitivity', () => {
  it('shows the demo tree to the community secretary with structure warnings', async () => {
    const r = await sec.get('/api/party/orgs');
    expect(r.statusCode, r.body).toBe(200);
    const orgs = r.json() as { kind: string; name: string; members: number; warnings: { code: string }[] }[];
    expect(orgs.filter((o) => o.kind === 'branch')).toHaveLength(4);
    const third = orgs.find((o) => o.name === '第三党支部')!;
    expect(third.warnings.map((w) => w.code)).toContain('few');
    const first = orgs.find((o) => o.name === '第一党支部')!;
    expect(first.warnings.map((w) => w.code)).not.toContain('committee'); // it has a committee with a term
  });
  it('refuses party data to roles without the party permissions', async () => {
    for (const who of ['community_worker', 'grid_a', 'party_member', 'resident']) {
      const c = await t.login(who);
      expect((await c.get('/api/party/members')).statusCode, who).toBe(403);
      expect((await c.get('/api/party/orgs')).statusCode, who).toBe(403);
    }
  });
  it('masks phones in the member list', async () => {
    const r = await sec.get('/api/party/members?pageSize=5');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().total).toBeGreaterThanOrEqual(20);
    for (const m of r.json().items) expect(m.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
  });
});

describe('recruitment', () => {
  it('computes the talk due date at a month end and refuses a step dated before its dependency', async () => {
    const orgs = (await sec.get('/api/party/orgs')).json() as { id: number; name: string }[];
    const branch = orgs.find((o) => o.name === '第一党支部')!;
    const c = await sec.post('/api/party/developments', {
      orgId: branch.id,
      name: '测试申请人',
      birthDate: '1998-03-01',
      appliedOn: '2026-01-31',
    });
    expect(c.statusCode, c.body).toBe(201);
    const d = c.json();
    expect(d.next).toMatchObject({ rule: 'talk', date: '2026-02-28', state: 'overdue' });
    const early = await sec.post(`/api/party/developments/${d.id}/steps`, {
      step: 'talk',
      date: '2026-01-30',
    });
    expect(early.statusCode).toBe(400);
    expect(early.json().message).toContain('date');
    const out = await sec.post(`/api/party/developments/${d.id}/steps`, {
      step: 'candidate',
      date: '2026-03-01',
      trainingDays: 3,
    });
    expect(out.statusCode).toBe(409);
    expect(out.json().code).toBe('PARTY_RULE');
    const talk = await sec.post(`/api/party/developments/${d.id}/steps`, {
      step: 'talk',
      date: '2026-03-02',
      people: '张国强',
    });
    expect(talk.statusCode, talk.body).toBe(200);
    expect(talk.json().warnings.map((w: { code: string }) => w.code)).toEqual(['talk']);
    const act = await sec.post(`/api/party/developments/${d.id}/steps`, {
      step: 'activist',
      date: '2026-03-10',
    });
    expect(act.json().stage).toBe('activist');
    expect(act.json().next).toMatchObject({ rule: 'activistYear', date: '2027-03-10' });
  });
  it('refuses an applicant under 18, naming the field', async () => {
    const orgs = (await sec.get('/api/party/orgs')).json() as { id: number; name: string }[];
    const r = await sec.post('/api/party/developments', {
      orgId: orgs.find((o) => o.name === '第二党支部')!.id,
      name: '未成年',
      birthDate: '2010-01-01',
      appliedOn: '2026-11-01',
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().message).toContain('birthDate');
  });
});

describe('dues', () => {
  it('records a month once and refuses a second payment for it', async () => {
    const list = (await sec.get('/api/party/dues?month=2026-12&state=arrears&pageSize=1')).json();
    const row = list.items[0];
    expect(row.state).toBe('arrears');
    const pay = await sec.post('/api/party/dues/payments', {
      memberId: row.memberId,
      month: '2026-12',
      paid: row.due,
      paidOn: '2026-12-07',
    });
    expect(pay.statusCode, pay.body).toBe(201);
    expect(pay.json().state).toBe('paid');
    const again = await sec.post('/api/party/dues/payments', {
      memberId: row.memberId,
      month: '2026-12',
      paid: row.due,
      paidOn: '2026-12-07',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('PARTY_RULE');
    const n = await t.db
      .selectFrom('partyDues')
      .select('id')
      .where('memberId', '=', row.memberId)
      .where('month', '=', '2026-12')
      .execute();
    expect(n).toHaveLength(1);
  });
});
