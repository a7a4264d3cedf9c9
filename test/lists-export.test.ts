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

  it('exports the pairings (结对帮扶) in scope, with the search applied and digits in notes masked', async () => {
    const people = (await street.get(`/api/people?pageSize=2&areaId=${grid1}`)).json().items as {
      id: number;
      name: string;
    }[];
    const helper = await t.db
      .selectFrom('users')
      .select(['id', 'displayName'])
      .where('username', '=', 'grid_a')
      .executeTakeFirstOrThrow();
    const made = await street.post('/api/visit-pairs', {
      personId: people[0]!.id,
      userId: helper.id,
      note: '每周电话 13812345678',
    });
    expect(made.statusCode, made.body).toBe(201);

    const r = await street.post('/api/visit-pairs/export', {});
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    expect(String(r.headers['content-disposition'])).toContain('visit-pairs');
    const { rows, text } = await sheet(r.rawPayload);
    expect(rows[0]![0]).toContain('导出人');
    expect(rows[1]).toEqual(['帮扶对象', '帮扶人', '备注']);
    const listed = (await street.get('/api/visit-pairs')).json();
    expect(Number(r.headers['x-export-rows'])).toBe(listed.length);
    expect(text).toContain(people[0]!.name);
    expect(text).toContain(helper.displayName);
    expect(text).not.toContain('13812345678');
    expect(text).toMatch(/138\*+5678/);
    const audit = await lastAudit('visit_pair.export');
    expect(audit?.detail).toMatchObject({ rows: listed.length });

    // The page's search narrows the export as it narrows the list; English headers for English.
    const none = await street.post(
      '/api/visit-pairs/export',
      { q: '没有这个名字' },
      { 'accept-language': 'en' },
    );
    expect(none.statusCode).toBe(200);
    expect(none.headers['x-export-rows']).toBe('0');
    expect((await sheet(none.rawPayload)).rows[1]).toEqual(['Person', 'Helper', 'Note']);
    // A grid worker sees only the pairings they help with; the security administrator none at all.
    const mine = await gridA.post('/api/visit-pairs/export', {});
    expect(mine.statusCode).toBe(200);
    expect(Number(mine.headers['x-export-rows'])).toBe((await gridA.get('/api/visit-pairs')).json().length);
    expect((await security.post('/api/visit-pairs/export', {})).statusCode).toBe(403);
    expect((await street.post('/api/visit-pairs/export', { sort: 'x' })).statusCode).toBe(400);
  });

  it('exports the Open311 keys by their tails only, to the security administrator', async () => {
    const made = await security.post('/api/open311/keys', { name: '12345热线对接', areaId: community });
    expect(made.statusCode, made.body).toBe(201);
    const key = made.json() as { key: string; tail: string };
    await security.post(`/api/open311/keys/${made.json().id}/revoke`);
    const again = await security.post('/api/open311/keys', { name: '政务平台', areaId: community });
    expect(again.statusCode, again.body).toBe(201);

    const r = await security.post('/api/open311/keys/export', {});
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    const { rows, text } = await sheet(r.rawPayload);
    expect(rows[0]![0]).toContain('导出人');
    expect(rows[1]).toEqual(['名称', '密钥尾号', '受理区域', '创建时间', '状态']);
    const listed = (await security.get('/api/open311/keys')).json();
    expect(Number(r.headers['x-export-rows'])).toBe(listed.length);
    expect(text).toContain('12345热线对接');
    expect(text).toContain(`…${key.tail}`);
    expect(text).not.toContain(key.key);
    // 2026-12-07T02:00Z is 10:00 in China
    expect(text).toContain('2026-12-07 10:00');
    expect(text).toContain('已停用（2026-12-07）');
    expect(text).toContain('有效');
    expect((await lastAudit('open311_key.export'))?.detail).toMatchObject({ rows: listed.length });
    const en = await security.post('/api/open311/keys/export', {}, { 'accept-language': 'en' });
    expect((await sheet(en.rawPayload)).rows[1]).toEqual(['Name', 'Key ends', 'Area', 'Created', 'Status']);
    expect((await street.post('/api/open311/keys/export', {})).statusCode).toBe(403);
  });
});
