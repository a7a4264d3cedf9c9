import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { areaIdByCode } from '../../../../test/helpers/db.js';
import { idCheckDigit } from '../../../contract/identifiers.js';
import { countTotal, roundEstimate } from '../../platform/db/count.js';

/**
 * The registry's ledgers (issue 16): true totals, sort validated by the contract, the exports of
 * organisations, houses and users (masked, watermarked, audited, scoped; codes in words), and the
 * one-request imports of organisations and houses (templates, good and bad rows, total rows
 * skipped, the error sheet).
 */
let t: TestApp;
let street: Client;
let gridA: Client;
let security: Client;
let grid1: number;
let grid2: number;

const makeId = (first17: string) => first17 + idCheckDigit(first17);

async function sheet(payload: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(payload as never);
  const ws = wb.worksheets[0]!;
  const rows: string[][] = [];
  ws.eachRow((row) => {
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

async function xlsx(rows: (string | number | null)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('台账');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function upload(c: Client, url: string, name: string, buffer: Buffer, lang?: 'zh' | 'en') {
  const boundary = `----jy${randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    buffer,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return c.request({
    method: 'POST',
    url,
    payload,
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      ...(lang ? { 'accept-language': lang } : {}),
    },
  });
}

beforeAll(async () => {
  t = await createTestApp({ clock: new Date('2026-12-07T02:00:00Z') });
  [street, gridA, security] = await Promise.all([
    t.login('street_admin'),
    t.login('grid_a'),
    t.login('security_admin'),
  ]);
  grid1 = await areaIdByCode(t.db, '430681001001001');
  grid2 = await areaIdByCode(t.db, '430681001001002');
});

afterAll(async () => {
  await t?.close();
});

describe('true totals', () => {
  it('counts past 10,000 exactly when it is cheap, and labels an estimate as one', async () => {
    // 10,500 more people in grid 2's first house: the street now holds more than the old cap.
    const house = (
      await sql<{ id: number }>`
        SELECT h.id FROM areas h, areas g WHERE g.id = ${grid2} AND h.kind = 'house' AND h.path <@ g.path
        ORDER BY h.id LIMIT 1`.execute(t.db)
    ).rows[0]!.id;
    await sql`
      INSERT INTO people (name, name_pinyin, name_initials, area_id, residence_type, status)
      SELECT '测试' || i, 'ceshi' || i, 'cs', ${house}, 'resident', 'active' FROM generate_series(1, 10500) i`.execute(
      t.db,
    );
    await sql`VACUUM ANALYZE people`.execute(t.db);
    const n = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM people`.execute(t.db)).rows[0]!.n;
    expect(n).toBeGreaterThan(10_001);

    const r = await street.get('/api/people?pageSize=1');
    expect(r.statusCode, r.body).toBe(200);
    // Not "10001": the street's true count.
    expect(r.json().total).toBe(n);
    expect(r.json().totalExact).toBe(true);
    expect(r.headers['x-total-estimated']).toBeUndefined();

    // A small area: exact, as before.
    const g1 = (await street.get(`/api/people?pageSize=1&areaId=${grid1}`)).json();
    expect(g1.totalExact).toBe(true);
    const g1n = (
      await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM people p JOIN areas a ON a.id = p.area_id
        WHERE a.path <@ (SELECT path FROM areas WHERE id = ${grid1})`.execute(t.db)
    ).rows[0]!.n;
    expect(g1.total).toBe(g1n);

    // When the exact count would cost more than its budget: the planner's estimate, said to be one.
    const est = await countTotal(t.db, t.db.selectFrom('people').select(sql`1`.as('x')), { budgetMs: 0 });
    expect(est.exact).toBe(false);
    expect(est.total).toBeGreaterThan(10_000);
    expect(Math.abs(est.total - n) / n).toBeLessThan(0.25);
    expect(est.total % 100).toBe(0);
    // Under the cap it is always exact, whatever the budget.
    const small = await countTotal(
      t.db,
      t.db.selectFrom('areas').where('kind', '=', 'community').select(sql`1`.as('x')),
      { budgetMs: 0 },
    );
    expect(small.exact).toBe(true);
    expect(small.total).toBeGreaterThan(0);
  });

  it('rounds an estimate to two significant digits', () => {
    expect(roundEstimate(63_412)).toBe(63_000);
    expect(roundEstimate(1_056_000)).toBe(1_100_000);
    expect(roundEstimate(10_001)).toBe(10_000);
  });
});

describe('sorting', () => {
  it('accepts the sorts the contract lists, both ways, and refuses others naming query.sort', async () => {
    for (const [url, sorts] of [
      ['/api/houses', ['address', '-address', 'floorArea', '-floorArea', 'residents', '-residents']],
      ['/api/organisations', ['name', '-name', 'kind', '-kind']],
    ] as const) {
      for (const sort of sorts) {
        const r = await street.get(`${url}?sort=${sort}&pageSize=5`);
        expect(r.statusCode, `${url} ${sort} ${r.body}`).toBe(200);
      }
      const bad = await street.get(`${url}?sort=password`);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().issues[0].path).toBe('query.sort');
    }
    const users = await security.get('/api/users?sort=-lastLoginAt');
    expect(users.statusCode).toBe(200);
    expect((await security.get('/api/users?sort=passwordHash')).statusCode).toBe(400);
  });

  it('sorts houses by residents, most first', async () => {
    const r = (await street.get('/api/houses?sort=-residents&pageSize=10')).json();
    const counts = r.items.map((h: { residents: number }) => h.residents);
    expect(counts).toEqual([...counts].sort((a: number, b: number) => b - a));
    expect(r.items[0].address).toMatch(/栋/);
  });
});

describe('exports', () => {
  it('exports organisations: kinds in words, phones masked, watermarked, audited, scoped', async () => {
    const r = await street.post('/api/organisations/export', { sort: 'name' });
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    expect(r.headers['content-disposition']).toContain(encodeURIComponent('组织单位'));
    const { rows, text } = await sheet(r.rawPayload);
    expect(rows[0]![0]).toContain('导出人 王建国（street_admin）');
    expect(rows[1]).toContain('统一社会信用代码');
    expect(text).toMatch(/企业|共建单位|市场|社会组织|群众队伍/);
    expect(text).not.toMatch(/\|(enterprise|cobuild|market|social|team)\|/);
    // No phone in clear: a cell holding 11 digits starting with 1.
    expect(text).not.toMatch(/(^|\|)1[3-9]\d{9}(\||$)/m);
    const n = Number(r.headers['x-export-rows']);
    expect(n).toBeGreaterThan(0);
    const a = await lastAudit('org.export');
    expect(a?.detail).toMatchObject({ rows: n });

    // A grid worker exports only what it reads.
    const mine = await gridA.post('/api/organisations/export', {});
    expect(mine.statusCode).toBe(200);
    const listed = (await gridA.get('/api/organisations?pageSize=100')).json();
    expect(Number(mine.headers['x-export-rows'])).toBe(listed.total);
    expect(listed.total).toBeLessThan(n);
  });

  it('exports houses with the list filter: use in words, owner only to those who read people', async () => {
    const r = await street.post('/api/houses/export', { areaId: grid1, sort: '-residents' });
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    const { rows, text } = await sheet(r.rawPayload);
    // In the list's sort: most residents first.
    const col = rows[1]!.indexOf('在住人数');
    const counts = rows.slice(2).map((x) => Number(x[col]));
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(rows[0]![0]).toContain('导出人');
    expect(rows[1]).toEqual(expect.arrayContaining(['房屋地址', '房屋用途', '产权人', '在住人数']));
    expect(text).not.toMatch(/\|(owner|rental|vacant|commercial)\|/);
    const listed = (await street.get(`/api/houses?areaId=${grid1}&pageSize=1`)).json();
    expect(Number(r.headers['x-export-rows'])).toBe(listed.total);
    expect((await lastAudit('house.export'))?.detail).toMatchObject({
      rows: listed.total,
      query: { areaId: grid1 },
    });
    // Outside the grid worker's scope: no rows of grid 2.
    const other = await gridA.post('/api/houses/export', { areaId: grid2 });
    expect(other.statusCode).toBe(200);
    expect(Number(other.headers['x-export-rows'])).toBe(0);
  });

  it('exports users with statuses and roles in words, to who reads accounts only', async () => {
    const r = await security.post('/api/users/export', { sort: 'username' });
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    const { rows, text } = await sheet(r.rawPayload);
    expect(rows[1]).toContain('角色与范围');
    expect(text).toContain('网格员');
    expect(text).toContain('正常');
    expect(text).not.toMatch(/\|active\|/);
    expect((await lastAudit('user.export'))?.actorName).toBeTruthy();
    expect((await gridA.post('/api/users/export', {})).statusCode).toBe(403);
  });

  it("writes the people export's codes as words: 与户主关系, 文化程度, 政治面貌", async () => {
    const house = (
      await sql<{ id: number }>`
        SELECT h.id FROM areas h, areas g WHERE g.id = ${grid1} AND h.kind = 'house' AND h.path <@ g.path
        ORDER BY h.id LIMIT 1`.execute(t.db)
    ).rows[0]!.id;
    const id = makeId('43068120100304123');
    const p = await street.post('/api/people', {
      name: '导出测试',
      idNumber: id,
      residenceType: 'resident',
      areaId: house,
      relationToHead: 'son',
      education: 'senior',
      politicalStatus: 'masses',
    });
    expect(p.statusCode, p.body).toBe(201);
    const r = await street.post('/api/people/export', { q: '导出测试' });
    expect(r.statusCode).toBe(200);
    const { rows } = await sheet(r.rawPayload);
    const header = rows[1]!;
    const row = rows.find((x) => x.includes('导出测试'))!;
    expect(row[header.indexOf('与户主关系')]).toBe('子');
    expect(row[header.indexOf('文化程度')]).toBe('高中/中专');
    expect(row[header.indexOf('政治面貌')]).toBe('群众');

    // With the list's sort: oldest first by birth date.
    const sorted = await street.post('/api/people/export', { areaId: grid1, sort: 'birthDate' });
    expect(sorted.statusCode).toBe(200);
    const s2 = await sheet(sorted.rawPayload);
    const bcol = s2.rows[1]!.indexOf('出生日期');
    const dates = s2.rows
      .slice(2)
      .map((x) => x[bcol]!)
      .filter(Boolean);
    expect(dates.length).toBeGreaterThan(10);
    expect(dates).toEqual([...dates].sort());
  });
});

describe('organisations import', () => {
  it('gives a template whose titles the importer reads', async () => {
    const r = await street.get('/api/organisations/import/template');
    expect(r.statusCode).toBe(200);
    const { rows } = await sheet(r.rawPayload);
    expect(rows[0]![0]).toBe('单位名称（必填）');
    expect(rows[0]).toContain('统一社会信用代码');
  });

  it('imports good rows, lists bad ones with their column, skips total rows, keeps the error sheet', async () => {
    const file = await xlsx([
      ['金盆街道组织单位台账'],
      ['序号', '单位名称', '单位类别', '负责人', '联系电话', '地址', '所属网格'],
      [1, '导入测试超市', '个体工商户', '李明', '13912345678', '金盆路 1 号', ''],
      [2, '导入测试协会', '协会', '王芳', '0730-5212345', '', ''],
      [3, '', '企业', '', '', '', ''],
      [4, '导入测试工厂', '工厂', '', '', '', ''],
      [5, '导入测试网格单位', '企业', '', '', '', '不存在的网格'],
      ['合计：5家', '', '', '', '', '', ''],
      ['小计', '', '', '', '', '', ''],
    ]);
    const r = await upload(street, `/api/organisations/import?areaId=${grid1}`, '单位台账.xlsx', file);
    expect(r.statusCode, r.body).toBe(200);
    const job = r.json();
    expect(job).toMatchObject({ kind: 'organisations', status: 'done', total: 5, created: 2, failed: 3 });
    expect(job.skipped).toEqual([8, 9]);
    const cols = job.errors.map((e: { row: number; column: string }) => `${e.row}:${e.column}`);
    expect(cols).toEqual(['5:单位名称', '6:单位类别', '7:所属网格']);
    expect(job.errors[1].message).toContain('工厂');
    const list = (await street.get(`/api/organisations?q=${encodeURIComponent('导入测试')}`)).json();
    expect(list.items.map((o: { name: string }) => o.name).sort()).toEqual(['导入测试协会', '导入测试超市']);
    const shop = list.items.find((o: { name: string }) => o.name === '导入测试超市');
    expect(shop.kind).toBe('enterprise');
    expect(shop.contactPhone).toBe('139****5678');
    expect(list.items.map((o: { name: string }) => o.name)).not.toContain('合计：5家');
    expect((await lastAudit('org.import'))?.detail).toMatchObject({
      created: 2,
      failed: 3,
      skippedTotals: 2,
    });

    // The failed rows as a sheet to fix and import again: the importer's own.
    const es = await street.post(`/api/imports/${job.id}/errors.xlsx`);
    expect(es.statusCode).toBe(200);
    const errSheet = await sheet(es.rawPayload);
    expect(errSheet.rows).toHaveLength(4);
    expect(errSheet.text).toContain('工厂');
    expect((await gridA.post(`/api/imports/${job.id}/errors.xlsx`)).statusCode).toBe(404);

    // The same ledger again: nothing new, the two are unchanged.
    const again = (
      await upload(street, `/api/organisations/import?areaId=${grid1}`, '单位台账.xlsx', file)
    ).json();
    expect(again).toMatchObject({ created: 0, unchanged: 2 });
  });

  it('refuses a ledger without the required columns, naming them, and an area out of reach', async () => {
    const noKind = await xlsx([
      ['单位名称', '地址'],
      ['某单位', '某路'],
    ]);
    const r = await upload(street, `/api/organisations/import?areaId=${grid1}`, 'x.xlsx', noKind);
    expect(r.statusCode).toBe(400);
    expect(r.json().message).toContain('类别');
    const noArea = await upload(street, '/api/organisations/import', 'x.xlsx', noKind);
    expect(noArea.statusCode).toBe(400);
    expect(noArea.json().issues[0].path).toBe('query.areaId');
    const far = await upload(gridA, `/api/organisations/import?areaId=${grid2}`, 'x.xlsx', noKind);
    expect([400, 403]).toContain(far.statusCode);
  });
});

describe('houses import', () => {
  it('finds each row’s house by compound, building, unit and room and updates its facts', async () => {
    const h = (
      await sql<{ id: number; room: string; unit: string; building: string; compound: string }>`
        SELECT h.id, h.name AS room, u.name AS unit, b.name AS building, c.name AS compound
          FROM areas g JOIN areas h ON h.kind = 'house' AND h.path <@ g.path
          JOIN areas u ON u.id = h.parent_id JOIN areas b ON b.id = u.parent_id JOIN areas c ON c.id = b.parent_id
         WHERE g.id = ${grid1} ORDER BY h.id LIMIT 2`.execute(t.db)
    ).rows;
    const [a, b] = h as [(typeof h)[0], (typeof h)[0]];
    const tmpl = await street.get('/api/houses/import/template');
    expect(tmpl.statusCode).toBe(200);
    const file = await xlsx([
      ['小区', '楼栋', '单元', '房号', '房屋用途', '建筑面积', '备注'],
      [
        a.compound,
        a.building.replace('栋', '幢'),
        a.unit,
        a.room.replace('室', ''),
        '出租',
        '89.5㎡',
        '导入',
      ],
      [b.compound, b.building, b.unit, b.room, '空置', '', ''],
      [a.compound, '99栋', '1单元', '101', '自住', '', ''],
      [b.compound, b.building, b.unit, b.room, '仓库', '', ''],
      ['合计：3户', '', '', '', '', '', ''],
    ]);
    const r = await upload(street, `/api/houses/import?areaId=${grid1}`, '房屋.xlsx', file);
    expect(r.statusCode, r.body).toBe(200);
    const job = r.json();
    expect(job).toMatchObject({ kind: 'houses', total: 4, updated: 2, failed: 2, skipped: [6] });
    expect(job.errors.map((e: { row: number; column: string }) => `${e.row}:${e.column}`)).toEqual([
      '4:房号',
      '5:房屋用途',
    ]);
    const ha = (await street.get(`/api/houses/${a.id}`)).json();
    expect(ha).toMatchObject({ use: 'rental', floorArea: 89.5, note: '导入' });
    expect((await street.get(`/api/houses/${b.id}`)).json().use).toBe('vacant');
    const listed = (await street.get(`/api/houses?areaId=${grid1}&use=rental&pageSize=100`)).json();
    expect(listed.items.map((x: { id: number }) => x.id)).toContain(a.id);
    expect((await lastAudit('house.import'))?.detail).toMatchObject({ updated: 2, failed: 2 });
  });
});

describe('people import', () => {
  it('skips total rows and reads 子女 by the ID’s sex', async () => {
    const house = (
      await sql<{ id: number }>`
        SELECT h.id FROM areas h, areas g WHERE g.id = ${grid1} AND h.kind = 'house' AND h.path <@ g.path
        ORDER BY h.id OFFSET 3 LIMIT 1`.execute(t.db)
    ).rows[0]!.id;
    const son = makeId('43068120120101005'); // odd: male
    const daughter = makeId('43068120140101006'); // even: female
    const file = await xlsx([
      ['姓名', '身份证号', '与户主关系'],
      ['周子', son, '子女'],
      ['周女', daughter, '子女'],
      ['合计：7人', '', ''],
    ]);
    const up = await upload(street, '/api/people/import', '人口.xlsx', file);
    expect(up.statusCode, up.body).toBe(200);
    const p = up.json();
    expect(p.total).toBe(2);
    expect(p.skipped).toEqual([4]);
    const mapping = Object.fromEntries(
      p.columns.map((c: { index: number; field: string | null }) => [String(c.index), c.field]),
    );
    const conf = await street.post(`/api/imports/${p.id}/confirm`, {
      mapping,
      areaId: house,
      residenceType: 'resident',
    });
    expect(conf.statusCode, conf.body).toBe(202);
    for (let i = 0; i < 200; i++) {
      const j = (await street.get(`/api/imports/${p.id}`)).json();
      if (j.status === 'done') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const rows = await t.db
      .selectFrom('people')
      .select(['name', 'relationToHead'])
      .where('name', 'in', ['周子', '周女', '合计：7人'])
      .orderBy('name')
      .execute();
    expect(rows).toEqual([
      { name: '周女', relationToHead: 'daughter' },
      { name: '周子', relationToHead: 'son' },
    ]);
  });
});

describe('import errors in the reader’s language', () => {
  const CJK = /[\u4e00-\u9fff]/;
  type Err = { row: number; column: string; message: string };
  const byRow = (errs: Err[], row: number) => errs.find((e) => e.row === row)!;

  it('organisations: imported in English, the errors are English; read in Chinese, Chinese; the error sheet follows its reader', async () => {
    const file = await xlsx([
      ['单位名称', '单位类别', '联系电话'],
      ['语言测试超市', '企业', '13912345678'],
      ['', '企业', ''], // no name
      ['语言测试协会', '协会', '12345'], // a phone that is not one: a warning, left empty
    ]);
    const r = await upload(street, `/api/organisations/import?areaId=${grid1}`, 'orgs.xlsx', file, 'en');
    expect(r.statusCode, r.body).toBe(200);
    const job = r.json();
    expect(job).toMatchObject({ kind: 'organisations', status: 'done', failed: 1 });
    const en = byRow(job.errors, 3);
    expect(en.column).toBe('单位名称'); // the ledger's own title
    expect(en.message).not.toMatch(CJK);
    expect(job.warnings[0].message).not.toMatch(CJK);

    // The same job read by a Chinese reader.
    const zh = (await street.get(`/api/imports/${job.id}`, { 'accept-language': 'zh' })).json();
    expect(byRow(zh.errors, 3).message).toMatch(CJK);
    expect(zh.warnings[0].message).toMatch(CJK);
    expect((await street.get(`/api/imports/${job.id}`, { 'accept-language': 'en' })).json().errors).toEqual(
      job.errors,
    );

    const sheetEn = await sheet(
      (await street.post(`/api/imports/${job.id}/errors.xlsx`, undefined, { 'accept-language': 'en' }))
        .rawPayload,
    );
    expect(sheetEn.rows[0]).toEqual(['单位名称', '单位类别', '联系电话', 'Row', 'What is wrong']);
    expect(sheetEn.rows[1]![3]).toBe('3');
    expect(sheetEn.rows[1]![4]).toBe(`单位名称: ${en.message}`);
    const sheetZh = await sheet(
      (await street.post(`/api/imports/${job.id}/errors.xlsx`, undefined, { 'accept-language': 'zh' }))
        .rawPayload,
    );
    expect(sheetZh.rows[0]!.slice(3)).toEqual(['原行号', '错误原因']);
    expect(sheetZh.rows[1]![4]).toBe(`单位名称：${byRow(zh.errors, 3).message}`);
  });

  it('people: imported in Chinese, a bad ID reads in English for an English reader, and the other way round', async () => {
    const house = (
      await sql<{ id: number }>`
        SELECT h.id FROM areas h, areas g WHERE g.id = ${grid1} AND h.kind = 'house' AND h.path <@ g.path
        ORDER BY h.id OFFSET 4 LIMIT 1`.execute(t.db)
    ).rows[0]!.id;
    const good = makeId('43068119800101001');
    const bad = `${good.slice(0, 17)}${good[17] === '1' ? '2' : '1'}`; // a wrong check digit
    const file = await xlsx([
      ['姓名', '身份证号'],
      ['语言甲', good],
      ['语言乙', bad],
    ]);
    for (const [asked, other] of [
      ['zh', 'en'],
      ['en', 'zh'],
    ] as const) {
      const up = await upload(street, '/api/people/import', `people-${asked}.xlsx`, file, asked);
      expect(up.statusCode, up.body).toBe(200);
      const p = up.json() as { id: number; columns: { index: number; field: string | null }[] };
      const mapping = Object.fromEntries(p.columns.map((c) => [String(c.index), c.field]));
      const conf = await street.post(
        `/api/imports/${p.id}/confirm`,
        { mapping, areaId: house, residenceType: 'resident' },
        { 'accept-language': asked },
      );
      expect(conf.statusCode, conf.body).toBe(202);
      let job: { status: string; errors: Err[] } = conf.json();
      for (let i = 0; i < 200 && job.status !== 'done' && job.status !== 'failed'; i++) {
        await new Promise((res) => setTimeout(res, 50));
        job = (await street.get(`/api/imports/${p.id}`, { 'accept-language': asked })).json();
      }
      expect(job.status).toBe('done');
      const mine = byRow(job.errors, 3);
      expect(mine.column).toBe('身份证号');
      expect(CJK.test(mine.message), `${asked}: ${mine.message}`).toBe(asked === 'zh');
      const theirs = byRow(
        (await street.get(`/api/imports/${p.id}`, { 'accept-language': other })).json().errors,
        3,
      );
      expect(CJK.test(theirs.message), `${other}: ${theirs.message}`).toBe(other === 'zh');
      const es = await sheet(
        (await street.post(`/api/imports/${p.id}/errors.xlsx`, undefined, { 'accept-language': other }))
          .rawPayload,
      );
      expect(es.rows[0]!.slice(-2)).toEqual(
        other === 'zh' ? ['原行号', '错误原因'] : ['Row', 'What is wrong'],
      );
      expect(es.rows[1]![es.rows[1]!.length - 1]).toContain(theirs.message);
    }
  });
});
