import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { areaIdByCode } from '../../../../test/helpers/db.js';
import { messyLedgers } from './import/fixtures.js';

let t: TestApp;
let street: Client;
let gridA: Client;
let house: number;

function upload(c: Client, name: string, buffer: Buffer) {
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
    url: '/api/people/import',
    payload,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
}

async function poll(c: Client, id: number) {
  for (let i = 0; i < 200; i++) {
    const j = (await c.get(`/api/imports/${id}`)).json();
    if (j.status === 'done' || j.status === 'failed') return j;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('import did not finish');
}

type Preview = {
  id: number;
  columns: { index: number; field: string | null }[];
  total: number;
  sample: Record<string, string | null>[];
};

async function importOnce(name: string, buffer: Buffer) {
  const up = await upload(street, name, buffer);
  expect(up.statusCode, up.body).toBe(200);
  const p: Preview = up.json();
  const mapping = Object.fromEntries(p.columns.map((c) => [String(c.index), c.field]));
  const conf = await street.post(`/api/imports/${p.id}/confirm`, {
    mapping,
    areaId: house,
    residenceType: 'resident',
  });
  expect(conf.statusCode, conf.body).toBe(202);
  expect(['queued', 'running', 'done']).toContain(conf.json().status);
  return { preview: p, job: await poll(street, p.id) };
}

beforeAll(async () => {
  t = await createTestApp({ clock: new Date('2026-11-21T04:00:00Z') });
  [street, gridA] = await Promise.all([t.login('street_admin'), t.login('grid_a')]);
  const grid2 = await areaIdByCode(t.db, '430681001001002');
  const r = await sql<{ id: number }>`
    SELECT h.id FROM areas h, areas g WHERE g.id = ${grid2} AND h.kind = 'house' AND h.path <@ g.path ORDER BY h.id LIMIT 1`.execute(
    t.db,
  );
  house = r.rows[0]!.id;
});
afterAll(() => t.close());

describe('ledger import, end to end', () => {
  it('imports every messy fixture, then the same file again changes nothing', async () => {
    for (const f of await messyLedgers()) {
      const first = await importOnce(f.name, f.buffer);
      expect(first.job.status, `${f.name}: ${JSON.stringify(first.job.errors)}`).toBe('done');
      // The preview shows identifiers masked, never in clear.
      expect(JSON.stringify(first.preview.sample)).not.toMatch(/\d{17}[\dXx]/);
      expect(first.job.created, f.name).toBe(f.expect.created);
      const failedRows = [...new Set(first.job.errors.map((e: { row: number }) => e.row))].sort(
        (a, b) => (a as number) - (b as number),
      );
      expect(failedRows, f.name).toEqual(f.expect.failedRows);
      expect(first.job.failed).toBe(f.expect.failedRows.length);
      expect(first.job.processed).toBe(first.job.total);

      const again = await importOnce(f.name, f.buffer);
      expect(again.job, f.name).toMatchObject({
        status: 'done',
        created: 0,
        updated: 0,
        unchanged: f.expect.created,
      });

      // One audit entry per applied import, with counts.
      const a = await t.db
        .selectFrom('auditLog')
        .select(['action', 'detail'])
        .where('entityType', '=', 'import')
        .where('entityId', '=', String(again.preview.id))
        .execute();
      expect(a).toHaveLength(1);
      expect(a[0]!.detail).toMatchObject({ created: 0, unchanged: f.expect.created });

      if (f.expect.failedRows.length) {
        const sheet = await street.get(`/api/imports/${first.preview.id}/errors.xlsx`);
        expect(sheet.statusCode).toBe(200);
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(sheet.rawPayload as never);
        expect(wb.worksheets[0]!.rowCount).toBeGreaterThanOrEqual(1 + f.expect.failedRows.length);
      }
    }
    // Nothing plain at rest: staged cells are encrypted, people rows hold no clear identifiers.
    const plain = await sql<{ n: number }>`
      SELECT (SELECT count(*) FROM import_rows r WHERE r::text ~ '[0-9]{17}[0-9Xx]')::int
           + (SELECT count(*) FROM people p WHERE p::text ~ '[0-9]{17}[0-9Xx]')::int AS n`.execute(t.db);
    expect(plain.rows[0]!.n).toBe(0);
  });

  it('keeps jobs to their creator and scope', async () => {
    const mine = (await street.get('/api/imports')).json();
    expect(mine.total).toBeGreaterThan(0);
    const id = mine.items[0].id;
    // A grid worker does not import at all; a community worker elsewhere would get 404.
    expect((await gridA.get(`/api/imports/${id}`)).statusCode).toBe(403);
    const other = await t.login('community_worker');
    expect((await other.get(`/api/imports/${id}`)).statusCode).toBe(200); // same community: person.import there
    expect(
      (await other.post(`/api/imports/${id}/confirm`, { mapping: { '0': 'name' }, areaId: house }))
        .statusCode,
    ).toBe(404);
  });

  it('refuses what is not a ledger, by content', async () => {
    const png = await upload(street, 'people.xlsx', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
    expect(png.statusCode).toBe(400);
    expect(png.json().code).toBe('IMPORT_BAD_FILE');
    const json = await street.post('/api/people/import', { file: 'x' });
    expect(json.statusCode).toBe(415);
    const empty = await upload(street, 'empty.csv', Buffer.from('姓名,身份证号\n'));
    expect(empty.statusCode).toBe(400);
    expect(
      await t.db.selectFrom('imports').select('id').where('fileName', '=', 'empty.csv').execute(),
    ).toEqual([]);
  });

  it('fails jobs a restart left unfinished', async () => {
    const id = (await street.get('/api/imports')).json().items[0].id;
    await t.db.updateTable('imports').set({ status: 'running' }).where('id', '=', id).execute();
    const { failUnfinishedImports } = await import('./import.service.js');
    await failUnfinishedImports(t.services);
    const j = (await street.get(`/api/imports/${id}`)).json();
    expect(j.status).toBe('failed');
    expect(j.errors[0].message).toMatch(/重新确认/);
  });
});
