import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, stayLoggedIn, type TestApp } from '../../../../test/helpers/app.js';
import { sweep } from '../../engines/cases/sweep.js';
import { timingsFor } from '../../engines/cases/timings.js';
import { MODULES } from '../index.js';
import { exampleModule } from './example.manifest.js';

/**
 * The example module, loaded beside the platform's modules as a real one would be: its case type
 * is served by the engine, the inbox, the calendar, the sweep and the dashboard without any of
 * them naming it (docs/modules.md walks through it).
 *
 * Office hours 08:30–12:00, 14:00–17:30. A repair reported Fri 2026-11-27 17:00 must be accepted
 * within 2 working hours: 30 minutes on Friday, 90 on Monday → Mon 11-30 10:00. Yellow at 80 %
 * (96 working minutes: Mon 09:36), red at the deadline.
 */
let t: TestApp;
let grid: Client;
let worker: Client;
let street: Client;
let caseId: number;

const cst = (local: string) => new Date(`${local}+08:00`);

beforeAll(async () => {
  t = await createTestApp({ clock: cst('2026-11-27T17:00:00'), modules: [...MODULES, exampleModule] });
  grid = stayLoggedIn(t, 'grid_a');
  worker = stayLoggedIn(t, 'community_worker');
  street = stayLoggedIn(t, 'street_admin');
});
afterAll(async () => {
  await t?.close();
});

describe('the example module: a case type declared by a module', () => {
  it('is a declared type with its names and categories', async () => {
    const r = await worker.get('/api/cases/types');
    expect(r.statusCode, r.body).toBe(200);
    const repair = r.json().find((x: { code: string }) => x.code === 'repair');
    expect(repair).toMatchObject({ prefix: 'BX', zh: '设施报修', actions: ['accept', 'verify'] });
    expect(repair.categories.map((c: { code: string }) => c.code)).toContain('water.leak');
  });

  it('is reported through the cases API, its body checked by its declaration', async () => {
    const bad = await grid.post('/api/cases', {
      type: 'repair',
      category: 'water.leak',
      title: '三单元楼道漏水',
      detail: { floor: 'three' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues.map((i: { path: string }) => i.path)).toEqual(['detail.floor']);
    const unknown = await grid.post('/api/cases', { type: 'nosuch', category: 'x', title: '无此类型' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().issues[0].path).toBe('type');

    const r = await grid.post('/api/cases', {
      type: 'repair',
      category: 'water.leak',
      title: '三单元楼道漏水',
      detail: { floor: 3 },
    });
    expect(r.statusCode, r.body).toBe(201);
    const c = r.json();
    caseId = c.id;
    expect(c.no).toMatch(/^BX20261127\d{7}$/);
    expect(c).toMatchObject({ type: 'repair', state: 'reported', categoryName: '公共管道漏水' });
    expect(c.detail).toEqual({ floor: 3 });
  });

  it('appears in the inbox of whoever accepts it, with its two actions only', async () => {
    const r = await worker.get('/api/cases?box=accept&type=repair');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().items.map((x: { id: number }) => x.id)).toContain(caseId);
    const c = (await worker.get(`/api/cases/${caseId}`)).json();
    expect(c.abilities.filter((a: string) => a !== 'comment' && a !== 'remind')).toEqual(['accept']);
    // A type's permissions are its own: the grid worker reports repairs but may not accept them.
    expect((await grid.get(`/api/cases/${caseId}`)).json().abilities).not.toContain('accept');
  });

  it('obeys the working calendar: the acceptance deadline skips the weekend', async () => {
    const c = (await worker.get(`/api/cases/${caseId}`)).json();
    expect(c.stageDueAt).toBe(cst('2026-11-30T10:00:00').toISOString());
  });

  it('is swept: overdue on Monday it is escalated, with its timeline entry', async () => {
    t.clock.set(cst('2026-11-30T09:40:00'));
    await sweep(t.services, timingsFor(t.services));
    expect((await worker.get(`/api/cases/${caseId}`)).json().slaLevel).toBe(1);
    t.clock.set(cst('2026-11-30T10:05:00'));
    const r = await sweep(t.services, timingsFor(t.services));
    expect(r.escalated).toBeGreaterThanOrEqual(1);
    expect((await worker.get(`/api/cases/${caseId}`)).json().slaLevel).toBe(2);
    const timeline = (await worker.get(`/api/cases/${caseId}/timeline`)).json();
    expect(timeline.filter((e: { kind: string }) => e.kind === 'escalate')).toHaveLength(2);
    expect(
      (await worker.get('/api/cases?box=overdue&type=repair')).json().items.map((x: { id: number }) => x.id),
    ).toContain(caseId);
  });

  it('runs its own flow: accepted into handling, verified closed', async () => {
    const step = async (body: Record<string, unknown>) => {
      const c = (await worker.get(`/api/cases/${caseId}`)).json();
      const r = await worker.post(`/api/cases/${caseId}/transitions`, body, { 'if-match': `"${c.version}"` });
      expect(r.statusCode, r.body).toBe(200);
      return r.json();
    };
    const dispatch = await worker.post(`/api/cases/${caseId}/transitions`, {
      action: 'dispatch',
      assigneeUserId: 1,
    });
    expect(dispatch.statusCode).toBe(400); // not an action of this type
    expect((await step({ action: 'accept' })).state).toBe('handling');
    expect((await step({ action: 'verify', passed: true })).state).toBe('closed');
  });

  it('shows in the dashboard, counted where the actor reads repairs', async () => {
    const r = await street.get('/api/dashboard?from=2026-11-01&to=2026-11-30');
    expect(r.statusCode, r.body).toBe(200);
    const f = r.json().figures.find((x: { key: string }) => x.key === 'example.repairs');
    expect(f?.value).toBe(1);
    const list = await street.get(`/api${f.drill.path}?${new URLSearchParams(f.drill.query)}&pageSize=1`);
    expect(list.json().total).toBe(1);
    // Someone who may not read repairs does not get the figure.
    const resident = stayLoggedIn(t, 'resident');
    const own = await resident.get('/api/dashboard?from=2026-11-01&to=2026-11-30');
    expect(
      own.statusCode === 403 || !own.json().figures.some((x: { key: string }) => x.key === 'example.repairs'),
    ).toBe(true);
  });
});
