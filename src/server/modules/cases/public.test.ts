import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from '../../../../test/helpers/app.js';

/**
 * Whether a case may be shown outside (Open311, the big screen): the `public` flag (issue 14).
 * Default per type — grid events and resident requests public, disputes never; chosen when
 * reporting, changed later by the handling staff with an audited step.
 */
let t: TestApp;
let gridA: Client;
let worker: Client;
let resident: Client;

beforeAll(async () => {
  t = await createTestApp({ clock: new Date('2026-11-23T09:00:00+08:00') }); // a Monday
  [gridA, worker, resident] = await Promise.all([
    t.login('grid_a'),
    t.login('community_worker'),
    t.login('resident'),
  ]);
});
afterAll(async () => t?.close());

const event = (extra: Record<string, unknown> = {}) => ({
  type: 'event',
  category: 'fire.exit',
  title: '楼道堆放杂物',
  ...extra,
});

describe('the public flag of a case', () => {
  it('defaults per type: events and requests public, disputes never', async () => {
    const e = await gridA.post('/api/cases', event());
    expect(e.statusCode, e.body).toBe(201);
    expect(e.json().public).toBe(true);
    const q = await resident.post('/api/cases', {
      type: 'request',
      category: 'help.repair',
      title: '水管漏水',
    });
    expect(q.statusCode, q.body).toBe(201);
    expect(q.json().public).toBe(true);
    const dispute = {
      type: 'dispute',
      category: '0202',
      title: '邻里噪音纠纷',
      parties: [{ role: 'applicant', name: '张某' }],
    };
    const d = await gridA.post('/api/cases', dispute);
    expect(d.statusCode, d.body).toBe(201);
    expect(d.json().public).toBe(false);
    expect(d.json().abilities).not.toContain('set_public');
    const refused = await gridA.post('/api/cases', { ...dispute, public: true });
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json().issues[0].path).toBe('public');
    const step = await worker.post(`/api/cases/${d.json().id}/transitions`, {
      action: 'set_public',
      public: true,
    });
    expect(step.statusCode, step.body).toBe(400);
  });

  it('is chosen when reporting and changed by the handling staff, audited and on the timeline', async () => {
    const r = await gridA.post('/api/cases', event({ public: false }));
    expect(r.statusCode, r.body).toBe(201);
    const c = r.json();
    expect(c.public).toBe(false);
    // the reporter (a grid worker) may not change it later; the community's staff may
    expect(c.abilities).not.toContain('set_public');
    const forbidden = await gridA.post(`/api/cases/${c.id}/transitions`, {
      action: 'set_public',
      public: true,
    });
    expect(forbidden.statusCode, forbidden.body).toBe(403);
    const seen = (await worker.get(`/api/cases/${c.id}`)).json();
    expect(seen.abilities).toContain('set_public');

    const on = await worker.post(`/api/cases/${c.id}/transitions`, { action: 'set_public', public: true });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ public: true, state: 'reported' });
    const same = await worker.post(`/api/cases/${c.id}/transitions`, { action: 'set_public', public: true });
    expect(same.statusCode, same.body).toBe(409);
    expect(same.json().code).toBe('CASE_RULE');

    const timeline = (await worker.get(`/api/cases/${c.id}/timeline`)).json();
    expect(timeline.at(-1)).toMatchObject({ kind: 'set_public', data: { public: true } });
    const audit = await t.db
      .selectFrom('auditLog')
      .select(['action', 'detail'])
      .where('entityType', '=', 'case')
      .where('entityId', '=', String(c.id))
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['case.report', 'case.set_public']);
    expect(audit[1]!.detail).toMatchObject({ public: true });
  });

  it('filters the case list (the big screen asks for public cases only)', async () => {
    const hidden = (await gridA.post('/api/cases', event({ public: false, title: '不公开的件' }))).json();
    const shown = (await gridA.post('/api/cases', event({ title: '公开的件' }))).json();
    const ids = async (q: string) =>
      (await worker.get(`/api/cases?pageSize=100&${q}`)).json().items.map((x: { id: number }) => x.id);
    const pub = await ids('public=true');
    expect(pub).toContain(shown.id);
    expect(pub).not.toContain(hidden.id);
    const not = await ids('public=false');
    expect(not).toContain(hidden.id);
    expect(not).not.toContain(shown.id);
    const list = (await worker.get('/api/cases?pageSize=5')).json();
    expect(typeof list.items[0].public).toBe('boolean');
  });
});
