import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from './helpers/app.js';
import { areaIdByCode } from './helpers/db.js';

/**
 * The exports of the lists moved onto the ledger (issue 16): roles with their permissions in
 * words, an area's children, an area's staff and the visit rules — watermarked, in words (no
 * codes), audited, scoped like the lists they come from, refused to who may not read them.
 */
let t: TestApp;
let street: Client;
let gridA: Client;
let security: Client;
let community: number;
let grid1: number;

async function sheet(payload: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(payload as never);
  const rows: string[][] = [];
  wb.worksheets[0]!.eachRow((row) => {
    const v = row.values as unknown[];
    rows.push(v.slice(1).map((x) => (x === null || x === undefined ? '' : String(x))));
  });
  return { rows, text: rows.map((r) => r.join('|')).join('\n') };
}

async function lastAudit(action: string) {
  return t.db
    .selectFrom('auditLog')
    .select(['action', 'detail', 'actorName'])
    .where('action', '=', action)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

beforeAll(async () => {
  t = await createTestApp({ clock: new Date('2026-12-07T02:00:00Z') });
  [street, gridA, security] = await Promise.all([
    t.login('street_admin'),
    t.login('grid_a'),
    t.login('security_admin'),
  ]);
  community = await areaIdByCode(t.db, '430681001001');
  grid1 = await areaIdByCode(t.db, '430681001001001');
});

afterAll(async () => {
  await t?.close();
});

describe('exports of the ledger lists', () => {
  it('exports the roles with their permissions in words, to who reads roles only', async () => {
    const r = await security.post('/api/roles/export', {});
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    const { rows, text } = await sheet(r.rawPayload);
    expect(rows[0]![0]).toContain('导出人');
    expect(rows[1]).toEqual(expect.arrayContaining(['角色', '权限', '账号数']));
    const grid = rows.find((x) => x[0] === '网格员');
    expect(grid, text.slice(0, 500)).toBeTruthy();
    // permissions as words, never their codes
    expect(text).not.toMatch(/person\.read|case\.report/);
    const listed = (await security.get('/api/roles')).json().items.length;
    expect(Number(r.headers['x-export-rows'])).toBe(listed);
    expect((await lastAudit('role.export'))?.detail).toMatchObject({ rows: listed });
    // the search narrows it like the list
    const one = await security.post('/api/roles/export', { q: 'grid_worker' });
    expect(Number(one.headers['x-export-rows'])).toBe(1);
    expect((await street.post('/api/roles/export', {})).statusCode).toBe(403);
  });

  it("exports an area's children in words, in the actor's scope, sorted like the list", async () => {
    const r = await street.post('/api/areas/export', { parentId: community, sort: '-name' });
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    const { rows, text } = await sheet(r.rawPayload);
    expect(rows[1]).toEqual(['名称', '类型', '编码', '状态', '下级数', '边界']);
    const listed = (await street.get(`/api/areas?parentId=${community}&pageSize=100&sort=-name`)).json();
    expect(Number(r.headers['x-export-rows'])).toBe(listed.total);
    expect(rows.slice(2).map((x) => x[0])).toEqual(listed.items.map((a: { name: string }) => a.name));
    expect(text).toContain('网格');
    expect(text).not.toMatch(/\|(grid|active)\|/);
    expect((await lastAudit('area.export'))?.detail).toMatchObject({
      rows: listed.total,
      query: { parentId: community },
    });
    // a grid worker's scope is their grid: the community's other grids are not theirs
    const mine = await gridA.post('/api/areas/export', { parentId: community });
    expect(mine.statusCode).toBe(404);
    const bad = await street.post('/api/areas/export', { parentId: community, sort: 'depth' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('sort');
  });

  it("exports an area's staff with roles in words; outside the scope it is not found", async () => {
    const r = await street.post(`/api/areas/${grid1}/staff/export`, {});
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    const { rows, text } = await sheet(r.rawPayload);
    expect(rows[1]).toEqual(['姓名', '用户名', '职责', '任职时间']);
    const staff = (await street.get(`/api/areas/${grid1}/staff`)).json().items;
    expect(rows.length - 2).toBe(staff.length);
    expect(text).toContain('刘洋');
    expect(text).toContain('网格员');
    expect(text).not.toContain('grid_worker');
    expect((await lastAudit('area.staff_export'))?.detail).toMatchObject({ rows: staff.length });
    const grid2 = await areaIdByCode(t.db, '430681001001002');
    expect((await gridA.post(`/api/areas/${grid2}/staff/export`, {})).statusCode).toBe(404);
  });

  it('exports the visit rules with tags, interval and visitor in words', async () => {
    const r = await street.post('/api/visit-rules/export', {});
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    const { rows, text } = await sheet(r.rawPayload);
    expect(rows[1]).toEqual(expect.arrayContaining(['规则名称', '对象标签', '走访周期', '走访人']));
    const listed = (await street.get('/api/visit-rules')).json();
    expect(Number(r.headers['x-export-rows'])).toBe(listed.length);
    expect(text).toContain('四个必访·刑满释放人员');
    expect(text).toContain('刑满释放');
    expect(text).toMatch(/每 \d+ /);
    expect(text).not.toMatch(/released|grid_worker|\|month\|/);
    expect((await lastAudit('visit_rule.export'))?.actorName).toBeTruthy();
    expect((await security.post('/api/visit-rules/export', {})).statusCode).toBe(403);
  });
});
