import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from './helpers/app.js';

/** The ledgers' server side (issue 16): sort validated by the contract, exports of the same list. */

let t: TestApp;
let street: Client;
let gridA: Client;

beforeAll(async () => {
  t = await createTestApp();
  street = await t.login('street_admin');
  gridA = await t.login('grid_a');
});
afterAll(async () => {
  await t?.close();
});

/** The workbook's cells, one line per row. */
async function sheetText(r: LightMyRequestResponse): Promise<string[]> {
  expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
  expect(r.headers['content-type']).toContain('spreadsheetml');
  expect(r.headers['content-disposition']).toMatch(/filename\*=UTF-8''/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.rawPayload as never);
  const lines: string[] = [];
  wb.worksheets[0]!.eachRow((row) => {
    lines.push((row.values as unknown[]).filter((v) => v !== null && v !== undefined).join('|'));
  });
  return lines;
}

const lastAudit = () =>
  t.db
    .selectFrom('auditLog')
    .select(['action', 'actorId', 'detail'])
    .orderBy('seq', 'desc')
    .executeTakeFirstOrThrow();

describe('the case inbox', () => {
  it('sorts by a field the contract lists, both ways, and refuses any other with the field named', async () => {
    const asc = (await street.get('/api/cases?box=all&sort=reportedAt&pageSize=50')).json();
    const desc = (await street.get('/api/cases?box=all&sort=-reportedAt&pageSize=50')).json();
    const times = (p: { items: { reportedAt: string }[] }) => p.items.map((c) => Date.parse(c.reportedAt));
    expect(asc.items.length).toBeGreaterThan(1);
    expect(times(asc)).toEqual([...times(asc)].sort((a, b) => a - b));
    expect(times(desc)).toEqual([...times(desc)].sort((a, b) => b - a));

    const bad = await street.get('/api/cases?sort=title', { 'accept-language': 'zh-CN' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues.map((i: { path: string }) => i.path)).toContain('query.sort');
  });

  it('exports the same filters as the list: its rows, masked, watermarked, audited', async () => {
    const list = (await street.get('/api/cases?box=all&type=event&pageSize=100')).json();
    expect(list.total).toBeGreaterThan(0);
    const r = await street.post('/api/cases/export', { box: 'all', type: 'event', sort: '-reportedAt' });
    const lines = await sheetText(r);
    expect(Number(r.headers['x-export-rows'])).toBe(list.total);
    const all = lines.join('\n');
    expect(all).toContain('导出人 王建国（street_admin）');
    expect(lines.some((l) => l.includes('编号') && l.includes('上报时间'))).toBe(true);
    for (const c of list.items.slice(0, 20)) expect(all).toContain(c.no);
    // states and types as words, never codes; no phone number in clear
    expect(all).not.toMatch(/\|(handling|closed|reported|event)\|/);
    expect(all).not.toMatch(/1[3-9]\d{9}/);
    expect(await lastAudit()).toMatchObject({
      action: 'case.export',
      detail: { rows: list.total, query: { box: 'all', type: 'event', sort: '-reportedAt' } },
    });
  });

  it('exports only what the actor sees', async () => {
    const mine = (await gridA.get('/api/cases?box=all&pageSize=100')).json();
    const all = (await street.get('/api/cases?box=all&pageSize=100')).json();
    const r = await gridA.post('/api/cases/export', { box: 'all' });
    const text = (await sheetText(r)).join('\n');
    expect(Number(r.headers['x-export-rows'])).toBe(mine.total);
    const mineNos = new Set(mine.items.map((c: { no: string }) => c.no));
    const others = all.items.filter((c: { no: string }) => !mineNos.has(c.no));
    if (mine.total <= 100) for (const c of others) expect(text).not.toContain(c.no);
  });

  it('refuses an export filter it does not know, naming the field', async () => {
    const r = await street.post('/api/cases/export', { box: 'all', sort: 'title' });
    expect(r.statusCode).toBe(400);
    expect(r.json().issues.map((i: { path: string }) => i.path)).toContain('sort');
  });

  it('exports the case indicators of a period', async () => {
    const r = await street.post('/api/cases/indicators/export', { from: '2026-01-01', to: '2026-12-31' });
    const all = (await sheetText(r)).join('\n');
    expect(all).toContain('结案率');
    expect(all).toContain('按状态');
    expect((await lastAudit()).action).toBe('case_indicators.export');
  });
});

describe('the visits module’s ledgers', () => {
  it('sorts the visits log by person or time and refuses other fields', async () => {
    const byName = (await street.get('/api/visits?sort=personName&pageSize=50')).json();
    const names = byName.items.map((v: { personName: string }) => v.personName);
    expect(names).toEqual(
      [...names].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : a === b ? 0 : 1)),
    );
    expect((await street.get('/api/visits?sort=findings')).statusCode).toBe(400);
    expect((await street.get('/api/patrols?sort=-distanceM')).statusCode).toBe(200);
    expect((await street.get('/api/patrols?sort=note')).statusCode).toBe(400);
  });

  it('exports visits, patrols, plans and statistics, each audited', async () => {
    const visits = (await street.get('/api/visits?pageSize=100')).json();
    const v = await street.post('/api/visits/export', {});
    const vText = (await sheetText(v)).join('\n');
    expect(Number(v.headers['x-export-rows'])).toBe(visits.total);
    for (const x of visits.items.slice(0, 10)) expect(vText).toContain(x.personName);
    expect(vText).not.toMatch(/\d{17}[\dXx]/);
    expect((await lastAudit()).action).toBe('visit.export');

    const patrols = (await street.get('/api/patrols?pageSize=100')).json();
    const p = await street.post('/api/patrols/export', {});
    await sheetText(p);
    expect(Number(p.headers['x-export-rows'])).toBe(patrols.total);
    expect((await lastAudit()).action).toBe('patrol.export');

    const stats = (await street.get('/api/visits/stats?from=2026-01-01&to=2026-12-31')).json();
    const s = await street.post('/api/visits/stats/export', { from: '2026-01-01', to: '2026-12-31' });
    const sText = (await sheetText(s)).join('\n');
    for (const row of stats.rows) expect(sText).toContain(row.areaName);
    expect((await lastAudit()).action).toBe('visit_stats.export');

    const plans = await street.post('/api/visits/plans/export', { status: 'all' });
    await sheetText(plans);
    expect((await lastAudit()).action).toBe('visit_plan.export');
  });
});
