import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from '../../../../test/helpers/app.js';

/** Issue 16: a notification says who did what and what it asks of you, not "派遣，当前状态：待签收". */
let t: TestApp;
let gridA: Client;
let worker: Client;

type Note = { caseId: number | null; title: string; body: string };
async function notes(c: Client, caseId: number, lang = 'zh-CN'): Promise<Note[]> {
  const r = await c.get('/api/notifications?pageSize=50', { 'accept-language': lang });
  expect(r.statusCode, r.body).toBe(200);
  return r.json().items.filter((n: Note) => n.caseId === caseId);
}

beforeAll(async () => {
  t = await createTestApp({ clock: new Date('2026-11-23T09:00:00+08:00') }); // a Monday
  [gridA, worker] = await Promise.all([t.login('grid_a'), t.login('community_worker')]);
});
afterAll(async () => t?.close());

describe('notifications read as sentences', () => {
  it('name the person who acted and say what the step asks of the reader', async () => {
    const created = await gridA.post('/api/cases', {
      type: 'event',
      category: 'fire.exit',
      title: '五单元楼道堆放杂物',
      description: '堵塞消防通道',
    });
    expect(created.statusCode, created.body).toBe(201);
    const c = created.json();
    // The community worker hears of the report from the grid worker (刘洋).
    expect((await notes(worker, c.id)).map((n) => n.body)).toContain('刘洋 上报了新案件，请及时受理');

    expect((await worker.post(`/api/cases/${c.id}/transitions`, { action: 'accept' })).statusCode).toBe(200);
    expect((await notes(gridA, c.id)).map((n) => n.body)).toContain('张丽 受理了你上报的案件');

    // Dispatched to a third person: they read "派给了你，请签收", the reporter reads to whom.
    const who = (await worker.get(`/api/cases/assignable?caseId=${c.id}`)).json() as {
      id: number;
      name: string;
    }[];
    const other = who.find((u) => u.name !== '张丽' && u.name !== '刘洋')!;
    expect(other, JSON.stringify(who)).toBeTruthy();
    const dis = await worker.post(`/api/cases/${c.id}/transitions`, {
      action: 'dispatch',
      assigneeUserId: other.id,
    });
    expect(dis.statusCode, dis.body).toBe(200);
    const { rows } = await t.db
      .selectFrom('users')
      .select(['username'])
      .where('id', '=', other.id)
      .execute()
      .then((r) => ({ rows: r }));
    const assignee = await t.login(rows[0]!.username);
    const mine = await notes(assignee, c.id);
    expect(mine.map((n) => n.body)).toEqual(['张丽 把案件派给了你，请签收']);
    expect(mine[0]!.title).toBe(`【${c.no}】五单元楼道堆放杂物`);
    expect((await notes(gridA, c.id)).map((n) => n.body)).toContain(`张丽 把案件派给了 ${other.name} 处置`);
    // In English too, with no state code or jargon.
    const en = await notes(assignee, c.id, 'en');
    expect(en.map((n) => n.body)).toEqual(['张丽 dispatched the case to you; please sign for it']);
    for (const n of [...(await notes(gridA, c.id)), ...(await notes(worker, c.id))])
      expect(n.body).not.toMatch(/当前状态|now:/);
  });
});
