import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { areaIdByCode } from '../../../../test/helpers/db.js';
import { DEMO } from '../../platform/demo.js';

/** The window's catalogue through the API: seed, scope, versions, import, export, guide, PDF. */
let t: TestApp;
let street: Client;
let secretary: Client;
let worker: Client;
let streetId: number;

async function xlsx(rows: (string | number | null)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('目录');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
function upload(c: Client, url: string, name: string, buffer: Buffer) {
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
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
}

beforeAll(async () => {
  t = await createTestApp({ clock: new Date('2026-12-07T02:00:00Z') });
  [street, secretary, worker] = await Promise.all([
    t.login('street_admin'),
    t.login('community_admin'),
    t.login('community_worker'),
  ]);
  streetId = await areaIdByCode(t.db, DEMO.street.code);
});
afterAll(async () => {
  await t?.close();
});

describe('the catalogue', () => {
  it('is seeded with the 45 community matters, readable by a community worker under the street', async () => {
    const r = await worker.get('/api/window/matters?pageSize=100');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().total).toBe(45);
    const dibao = r.json().items.find((m: { name: string }) => m.name === '最低生活保障申请');
    expect(dibao).toMatchObject({
      department: '民政',
      legalLimit: 30,
      promisedLimit: 25,
      instant: false,
      status: 'effective',
      version: 1,
    });
    expect(dibao.materials.some((m: { necessity: string }) => m.necessity === 'gap_ok')).toBe(true);
    expect(dibao.abilities).toEqual([]);
    const unemployed = r.json().items.find((m: { name: string }) => m.name === '失业登记');
    expect(unemployed.materials.map((m: { name: string }) => m.name)).toEqual([
      '失业登记表',
      '申请人居民身份证',
      '书面承诺书',
    ]);
  });

  it('refuses a promised limit not below the legal one, naming the field, and writes nothing', async () => {
    const before = (await street.get('/api/window/matters?pageSize=1')).json().total;
    const r = await street.post(`/api/window/matters?areaId=${streetId}`, {
      baseCode: 'TEST01',
      name: '测试事项',
      department: '民政',
      effectiveOn: '2026-12-01',
      legalLimit: 10,
      promisedLimit: 10,
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().issues.map((i: { path: string }) => i.path)).toEqual(['promisedLimit']);
    expect(r.json().issues[0].message).toContain('须少于法定时限');
    expect((await street.get('/api/window/matters?pageSize=1')).json().total).toBe(before);
  });

  it('keeps old versions: an edit is a new version, the old one still readable by id', async () => {
    const list = (await street.get('/api/window/matters?q=高龄补贴申请')).json().items;
    const old = list[0];
    expect(old.abilities).toEqual(['update']);
    const {
      id,
      matterKey,
      version,
      current,
      areaId,
      areaName,
      instant,
      status,
      updatedAt,
      abilities,
      ...input
    } = old;
    const r = await street.put(`/api/window/matters/${id}`, { ...input, promisedLimit: 8 });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ version: 2, current: true, promisedLimit: 8 });
    const was = (await street.get(`/api/window/matters/${id}`)).json();
    expect(was).toMatchObject({ version: 1, current: false, promisedLimit: 10 });
    // A second edit of the old version: someone else already made a newer one.
    const again = await street.put(`/api/window/matters/${id}`, { ...input, promisedLimit: 7 });
    expect(again.statusCode).toBe(409);
    // the community worker may read but not edit
    expect(
      (await worker.put(`/api/window/matters/${r.json().id}`, { ...input, promisedLimit: 7 })).statusCode,
    ).toBe(403);
  });

  it('serves the public 办事指南 without signing in, current versions only', async () => {
    const anon = t.anon();
    const l = await anon.get('/api/public/window/matters?q=失业');
    expect(l.statusCode, l.body).toBe(200);
    const id = l.json().items[0].id;
    const g = await anon.get(`/api/public/window/matters/${id}`);
    expect(g.statusCode).toBe(200);
    expect(g.json().materials.length).toBe(3);
    expect((await anon.get('/api/window/matters')).statusCode).toBe(401);
  });

  it('prints the 告知单 and 容缺承诺书 naming the missing materials, with a Chinese font embedded', async () => {
    const dibao = (await worker.get('/api/window/matters?q=最低生活保障')).json().items[0];
    const gapIndex = dibao.materials.findIndex((m: { necessity: string }) => m.necessity === 'gap_ok');
    const r = await worker.get(
      `/api/window/matters/${dibao.id}/notice.pdf?kind=promise&missing=${gapIndex}&applicant=${encodeURIComponent('黄美华')}`,
    );
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(r.rawPayload.toString('latin1')).toMatch(/FontFile3|FontFile2/);
    // a required material cannot be promised later
    const req = dibao.materials.findIndex((m: { necessity: string }) => m.necessity === 'required');
    const bad = await worker.get(`/api/window/matters/${dibao.id}/notice.pdf?kind=promise&missing=${req}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].path).toBe('query.missing');
    expect((await worker.get(`/api/window/matters/${dibao.id}/notice.pdf?missing=99`)).statusCode).toBe(400);
  });
});

describe('the county’s sheet', () => {
  const header = [
    '事项编码',
    '事项名称',
    '主管部门',
    '事项类型',
    '办理方式',
    '法定时限',
    '承诺时限',
    '申请材料',
  ];
  it('previews with row errors naming the column, refuses to confirm, writes nothing', async () => {
    const file = await xlsx([
      ['汨罗市政务服务事项目录（2026 版）'],
      header,
      [
        'XZ0001',
        '养犬登记初审',
        '公安',
        '行政许可',
        '受理后上报',
        20,
        10,
        '身份证（必要）；狗狗照片（容缺可）',
      ],
      ['XZ0002', '门牌证明', '公安', '行政确认', '直接办结', 5, 5, '身份证'],
      ['XZ0003', '无此类型', '公安', '行政魔法', '直接办结', null, null, '身份证'],
    ]);
    const p = await upload(street, `/api/window/matters/import?areaId=${streetId}`, '县目录.xlsx', file);
    expect(p.statusCode, p.body).toBe(200);
    const body = p.json();
    expect(body.confirmed).toBe(false);
    expect(body.rows).toEqual([{ row: 3, baseCode: 'XZ0001', name: '养犬登记初审', action: 'create' }]);
    expect(body.errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([
      [4, '承诺时限'],
      [5, '事项类型'],
    ]);
    const c = await upload(
      street,
      `/api/window/matters/import?areaId=${streetId}&confirm=true`,
      '县目录.xlsx',
      file,
    );
    expect(c.statusCode).toBe(400);
    expect(c.json().issues[0].message).toContain('第 4 行');
    expect((await street.get('/api/window/matters?q=养犬')).json().total).toBe(0);
  });

  it('confirms a clean sheet in one go: new matters and new versions', async () => {
    const file = await xlsx([
      header,
      [
        'XZ0001',
        '养犬登记初审',
        '公安',
        '行政许可',
        '受理后上报',
        20,
        10,
        '身份证（必要）；狗狗照片（容缺可）',
      ],
      ['SB0001', '城乡居民养老保险参保登记', '社保', '公共服务', '受理后上报', 10, 4, '身份证；参保登记表'],
    ]);
    const c = await upload(
      street,
      `/api/window/matters/import?areaId=${streetId}&confirm=true`,
      '县目录.xlsx',
      file,
    );
    expect(c.statusCode, c.body).toBe(200);
    expect(c.json()).toMatchObject({ confirmed: true, created: 1, versioned: 1, unchanged: 0 });
    const dog = (await street.get('/api/window/matters?q=养犬')).json().items[0];
    expect(dog.materials[1]).toMatchObject({ name: '狗狗照片', necessity: 'gap_ok' });
    const sb = (await street.get('/api/window/matters?q=SB0001')).json().items[0];
    expect(sb).toMatchObject({ version: 2, promisedLimit: 4 });
    // the secretary of a community may not import into the street
    const other = await upload(
      secretary,
      `/api/window/matters/import?areaId=${streetId}`,
      '县目录.xlsx',
      file,
    );
    expect(other.statusCode).toBe(404);
  });

  it('exports in the import’s columns, audited', async () => {
    const r = await worker.post('/api/window/matters/export', { status: 'effective' });
    expect(r.statusCode, r.body.slice(0, 200)).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as never);
    const ws = wb.worksheets[0]!;
    const rows = [1, 2, 3].map((n) => (ws.getRow(n).values as unknown[]).slice(1));
    expect(rows.some((h) => h.includes('承诺办结时限'))).toBe(true);
    expect(Number(r.headers['x-export-rows'])).toBe(46);
    const a = await t.db
      .selectFrom('auditLog')
      .select('action')
      .where('action', '=', 'window_matter.export')
      .execute();
    expect(a.length).toBe(1);
  });
});

describe('applications (办件) on the case engine', () => {
  let communityId: number;
  let matter: { id: number; materials: { name: string; necessity: string }[] };
  beforeAll(async () => {
    communityId = (
      await t.db.selectFrom('areas').select('id').where('name', '=', DEMO.detailed).executeTakeFirstOrThrow()
    ).id;
    matter = (await worker.get('/api/window/matters?q=临时救助申请')).json().items[0];
  });

  it('refuses an intake without a 必要 material, or with a 容缺 one missing but no 容缺, writing nothing', async () => {
    const before = (
      await t.db
        .selectFrom('cases')
        .select((e) => e.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
    const noId = await worker.post('/api/window/applications', {
      matterId: matter.id,
      areaId: communityId,
      applicantName: '黄美华',
      provided: [1, 2, 3],
    });
    expect(noId.statusCode).toBe(400);
    expect(noId.json().issues[0]).toMatchObject({ path: 'provided' });
    expect(noId.json().issues[0].message).toContain('申请人居民身份证');
    const noGap = await worker.post('/api/window/applications', {
      matterId: matter.id,
      areaId: communityId,
      applicantName: '黄美华',
      provided: [0, 1, 2],
    });
    expect(noGap.statusCode).toBe(400);
    expect(noGap.json().issues[0].path).toBe('gap');
    const after = (
      await t.db
        .selectFrom('cases')
        .select((e) => e.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
    expect(after).toBe(before);
  });

  it('accepts with 容缺: the result due in 10 wd from the day after (12-21), 补正 in 3 wd (12-10), the version kept', async () => {
    expect(matter.materials[3]).toMatchObject({ name: '医疗诊断证明', necessity: 'gap_ok' });
    const r = await worker.post('/api/window/applications', {
      matterId: matter.id,
      areaId: communityId,
      applicantName: '黄美华',
      provided: [0, 1, 2],
      gap: true,
      agentName: '吴晓明',
      agentKind: 'proxy',
      authorisation: '代办委托书（2026-12-07）',
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().detail).toMatchObject({
      intake: 'gap',
      missing: ['医疗诊断证明'],
      acceptedOn: '2026-12-07',
      promisedLimit: 10,
      supplementDueOn: '2026-12-10',
      forwardDueOn: '2026-12-10',
      matterVersion: 1,
      agentName: '吴晓明',
    });
    // the promised date is the case's own deadline: the close of office (17:30 China) on 12-21
    expect(r.json()).toMatchObject({ dueOn: '2026-12-21', dueAt: '2026-12-21T09:30:00.000Z' });
    const id = r.json().id;
    const c = (await worker.get(`/api/cases/${id}`)).json();
    expect(c).toMatchObject({ type: 'service_application', state: 'reported', channel: 'window' });
    expect(new Date(c.dueAt).toISOString()).toBe('2026-12-21T09:30:00.000Z');
    expect(c.no).toMatch(/^BJ20261207/);

    // back office takes it up, concludes, and the applicant's paper rating (2★) is entered
    const go = (body: Record<string, unknown>) => secretary.post(`/api/cases/${id}/transitions`, body);
    expect((await go({ action: 'accept' })).statusCode).toBe(200);
    // the handling stage (the sweep's yellow and red cards) runs to the promised date
    const row = await t.db
      .selectFrom('cases')
      .select(['stageDueAt', 'dueAt'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.stageDueAt?.toISOString()).toBe('2026-12-21T09:30:00.000Z');
    expect(row.dueAt.toISOString()).toBe('2026-12-21T09:30:00.000Z');
    const done = await worker.post(`/api/cases/${id}/transitions`, {
      action: 'verify',
      passed: true,
      comment: '准予，补贴已发放',
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().state).toBe('closed');
    const rate = await worker.post(`/api/cases/${id}/transitions`, { action: 'rate', rating: 2 });
    expect(rate.statusCode, rate.body).toBe(200);
    const twice = await worker.post(`/api/cases/${id}/transitions`, { action: 'rate', rating: 3 });
    expect(twice.statusCode).toBe(409);
  });
});

describe('two staff at once', () => {
  it('a 即办件 is due the day it is accepted, and of two staff taking it up one wins', async () => {
    const communityId = (
      await t.db.selectFrom('areas').select('id').where('name', '=', DEMO.detailed).executeTakeFirstOrThrow()
    ).id;
    const m = (await worker.get('/api/window/matters?q=ZM0001')).json().items[0];
    expect(m).toMatchObject({ name: '居住证明', instant: true });
    const r = await worker.post('/api/window/applications', {
      matterId: m.id,
      areaId: communityId,
      applicantName: '周桂兰',
      provided: [0, 1],
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().detail).toMatchObject({
      intake: 'complete',
      missing: [],
      promisedLimit: null,
      instant: true,
    });
    expect(r.json().dueOn).toBe('2026-12-07');
    const id = r.json().id;
    const [a, b] = await Promise.all([
      worker.post(`/api/cases/${id}/transitions`, { action: 'accept' }),
      secretary.post(`/api/cases/${id}/transitions`, { action: 'accept' }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const events = await t.db
      .selectFrom('caseEvents')
      .select('kind')
      .where('caseId', '=', id)
      .where('kind', '=', 'accept')
      .execute();
    expect(events.length).toBe(1);
    // concluded at once: a 即办件 done the day it was accepted
    const done = await worker.post(`/api/cases/${id}/transitions`, {
      action: 'verify',
      passed: true,
      comment: '当场出具',
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().state).toBe('closed');
  });
});

describe('the window figures on the dashboard', () => {
  it('counts the period’s two applications by hand', async () => {
    // One accepted 12-07 with 容缺, due 12-21, concluded 12-07, rated 2★: December is running,
    // the period so far ends today (12-07), so it is not yet due in it. A second one, a 即办件
    // (居住证明) accepted the same day, is due today and concluded today, unrated.
    // 办件量 2; 即办率 1/1; 按时办结率 1/1; 容缺终止率 0/1; 主动评价率 1/2; 满意率 0/1; 差评率 1/1.
    const r = await street.get(`/api/dashboard?areaId=${streetId}&from=2026-12-01&to=2026-12-31`);
    expect(r.statusCode, r.body).toBe(200);
    const fig = (k: string) => r.json().figures.find((f: { key: string }) => f.key === `window.${k}`);
    expect(fig('applications')).toMatchObject({ value: 2 });
    expect(fig('onTimeRate')).toMatchObject({ numerator: 1, denominator: 1, value: 1 });
    expect(fig('gapTerminationRate')).toMatchObject({ numerator: 0, denominator: 1 });
    expect(fig('supplementRate')).toMatchObject({ numerator: 0, denominator: 2 });
    // the 容缺 one was done by a proxy (代办员 吴晓明), not yet due in the period
    expect(fig('proxies')).toMatchObject({ value: 1 });
    expect(fig('ratedRate')).toMatchObject({ numerator: 1, denominator: 2, value: 0.5 });
    expect(fig('satisfaction')).toMatchObject({ numerator: 0, denominator: 1 });
    expect(fig('badRate')).toMatchObject({ numerator: 1, denominator: 1 });
    expect(fig('instantRate')).toMatchObject({ numerator: 1, denominator: 1, value: 1 });
  });
});

describe('appointments and the queue', () => {
  let communityId: number;
  beforeAll(async () => {
    communityId = (
      await t.db.selectFrom('areas').select('id').where('name', '=', DEMO.detailed).executeTakeFirstOrThrow()
    ).id;
  });

  it('books a slot up to its capacity: the place after the last is 409, nothing doubled', async () => {
    const bad = await secretary.post('/api/window/slots', {
      areaId: communityId,
      day: '2026-12-08',
      starts: '16:30',
      ends: '16:00',
      group: '民政',
      capacity: 1,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].path).toBe('ends');
    const slot = await secretary.post('/api/window/slots', {
      areaId: communityId,
      day: '2026-12-08',
      starts: '17:30',
      ends: '19:00',
      group: '民政',
      capacity: 1,
      offHours: true,
    });
    expect(slot.statusCode, slot.body).toBe(200);
    const id = slot.json().id;
    const [a, b] = await Promise.all([
      worker.post(`/api/window/slots/${id}/bookings`, { name: '黄美华', phoneTail: '1234' }),
      worker.post(`/api/window/slots/${id}/bookings`, { name: '周桂兰', channel: 'window' }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const list = (await worker.get(`/api/window/slots?areaId=${communityId}&day=2026-12-08`)).json();
    expect(list.find((s: { id: number }) => s.id === id)).toMatchObject({
      booked: 1,
      capacity: 1,
      offHours: true,
    });
    // a community worker may not open slots
    expect(
      (
        await worker.post('/api/window/slots', {
          areaId: communityId,
          day: '2026-12-08',
          starts: '08:00',
          ends: '09:00',
          group: '民政',
          capacity: 3,
        })
      ).statusCode,
    ).toBe(403);
  });

  it('numbers tickets, two windows calling at once take different ones, and measures the wait', async () => {
    const one = await worker.post('/api/window/tickets', { areaId: communityId, group: '民政' });
    const two = await worker.post('/api/window/tickets', { areaId: communityId, group: '社保' });
    expect(one.statusCode, one.body).toBe(200);
    expect([one.json().label, two.json().label]).toEqual(['A001', 'A002']);
    t.clock.advance(12 * 60_000);
    const [c1, c2] = await Promise.all([
      worker.post('/api/window/tickets/call-next', { areaId: communityId, windowNo: 1 }),
      secretary.post('/api/window/tickets/call-next', { areaId: communityId, windowNo: 2 }),
    ]);
    expect([c1.statusCode, c2.statusCode]).toEqual([200, 200]);
    expect([c1.json().number, c2.json().number].sort()).toEqual([1, 2]);
    expect(c1.json().waitMinutes).toBe(12);
    expect(
      (await worker.post('/api/window/tickets/call-next', { areaId: communityId, windowNo: 1 })).statusCode,
    ).toBe(409);
    const done = await worker.post(`/api/window/tickets/${c1.json().id}/finish`, { outcome: 'no_show' });
    expect(done.json().status).toBe('no_show');
    expect(
      (await worker.post(`/api/window/tickets/${c1.json().id}/finish`, { outcome: 'served' })).statusCode,
    ).toBe(409);
    const q = (await worker.get(`/api/window/queue?areaId=${communityId}`)).json();
    expect(q).toMatchObject({ waiting: 0 });
    expect(q.tickets.length).toBe(2);
    // the figures: two tickets called after 12 minutes each (0.2 h), one of them a no-show
    const d = await street.get(`/api/dashboard?areaId=${streetId}&from=2026-12-01&to=2026-12-31`);
    const fig = (k: string) => d.json().figures.find((f: { key: string }) => f.key === `window.${k}`);
    expect(fig('meanWait')).toMatchObject({ unit: 'hours', value: 0.2 });
    expect(fig('noShows')).toMatchObject({ value: 1 });
  });
});
