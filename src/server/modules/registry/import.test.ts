import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { areaIdByCode } from '../../../../test/helpers/db.js';
import {
  deflateRepeated,
  HEADER_ROW,
  SHEET_HEAD,
  SHEET_TAIL,
  SST_HEAD,
  SST_TAIL,
  workbookParts,
  zip,
} from '../../../../test/helpers/zip.js';
import { idCheckDigit } from '../../../contract/identifiers.js';
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
        const sheet = await street.post(`/api/imports/${first.preview.id}/errors.xlsx`);
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

  it('keeps jobs and their error sheets to their creator: 404 for everyone else (issue 14)', async () => {
    // The secretary imports into her community; a worker of the same community and the street's
    // administrator both hold person.import over it, and used to read the job and its error sheet.
    const secretary = await t.login('community_admin');
    const bad = Buffer.from('姓名,公民身份号码,联系电话\n错行,110105194912310022,13812345678\n好行,,\n');
    const up = await upload(secretary, 'secretary.csv', bad);
    expect(up.statusCode, up.body).toBe(200);
    const p: Preview = up.json();
    const conf = await secretary.post(`/api/imports/${p.id}/confirm`, {
      mapping: Object.fromEntries(p.columns.map((c) => [String(c.index), c.field])),
      areaId: house,
      residenceType: 'resident',
    });
    expect(conf.statusCode, conf.body).toBe(202);
    const job = await poll(secretary, p.id);
    expect(job.failed, JSON.stringify(job)).toBeGreaterThan(0);
    const own = await secretary.post(`/api/imports/${p.id}/errors.xlsx`);
    expect(own.statusCode, own.body).toBe(200);
    const worker = await t.login('community_worker');
    for (const other of [worker, street]) {
      const read = await other.get(`/api/imports/${p.id}`);
      expect(read.statusCode, read.body).toBe(404);
      expect(read.body).not.toContain('secretary');
      const sheet = await other.post(`/api/imports/${p.id}/errors.xlsx`);
      expect(sheet.statusCode).toBe(404);
      expect(sheet.body).not.toContain('110105194912310022');
      expect(
        (await other.post(`/api/imports/${p.id}/confirm`, { mapping: { '0': 'name' }, areaId: house }))
          .statusCode,
      ).toBe(404);
      expect((await other.get('/api/imports?pageSize=100')).body).not.toContain('secretary');
    }
    // A grid worker imports other ledgers (houses, disputes): its list of jobs is its own, so
    // another's job is not found (issue 16; it was 403 when only people were imported).
    expect((await gridA.get(`/api/imports/${p.id}`)).statusCode).toBe(404);
    // The error sheet holds what the importer typed, in clear, for a day only.
    t.clock.advance(25 * 3600_000);
    const again = await (await t.login('community_admin')).post(`/api/imports/${p.id}/errors.xlsx`);
    expect(again.statusCode, again.body).toBe(410);
    expect(again.json().code).toBe('IMPORT_ERRORS_EXPIRED');
    t.clock.advance(-25 * 3600_000);
  });

  it('answers a number held out of reach as a new one: no existence oracle (issue 14)', async () => {
    // Another community's resident, registered by the street; 友谊河's worker cannot look them up.
    const makeId = (first17: string) => first17 + idCheckDigit(first17);
    const held = makeId('43068119770808512');
    const fresh = makeId('43068119770808513');
    const community2 = await areaIdByCode(t.db, '430681001002');
    const r = await sql<{ id: number }>`
      SELECT h.id FROM areas h, areas c WHERE c.id = ${community2} AND h.kind = 'house' AND h.path <@ c.path
      ORDER BY h.id LIMIT 1`.execute(t.db);
    const there = await street.post('/api/people', {
      name: '远处人',
      areaId: r.rows[0]!.id,
      idNumber: held,
      residenceType: 'resident',
    });
    expect(there.statusCode, there.body).toBe(201);

    const worker = await t.login('community_worker');
    const outcome = async (id: string, name: string) => {
      const up = await upload(worker, `${name}.csv`, Buffer.from(`姓名,公民身份号码\n${name},${id}\n`));
      expect(up.statusCode, up.body).toBe(200);
      const p: Preview = up.json();
      const conf = await worker.post(`/api/imports/${p.id}/confirm`, {
        mapping: Object.fromEntries(p.columns.map((c) => [String(c.index), c.field])),
        areaId: house,
        residenceType: 'resident',
      });
      expect(conf.statusCode, conf.body).toBe(202);
      const job = await poll(worker, p.id);
      return {
        status: job.status,
        created: job.created,
        updated: job.updated,
        failed: job.failed,
        errors: job.errors,
      };
    };
    const a = await outcome(held, '近处甲');
    const b = await outcome(fresh, '近处乙');
    expect(a).toEqual(b);
    expect(a).toMatchObject({ status: 'done', created: 1, failed: 0 });
    // One record holds the number; the import's row waits as a registration pending for it.
    const holders = await t.db
      .selectFrom('people')
      .select(['name', 'duplicateOf'])
      .where('idHash', '=', t.services.keyring.lookupHash(held))
      .orderBy('id')
      .execute();
    expect(holders.map((h) => [h.name, h.duplicateOf === null])).toEqual([
      ['远处人', true],
      ['近处甲', false],
    ]);
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

  it('refuses compressed bombs with 413 naming the file field, keeping memory and writing nothing (issue 14)', async () => {
    const count = async () =>
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM imports`.execute(t.db)).rows[0]!.n;
    const before = await count();
    const row = '<row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c></row>';
    const sheet = await deflateRepeated(row, 256 << 20, SHEET_HEAD + HEADER_ROW, SHEET_TAIL);
    const sst = await deflateRepeated(`<si><t>${'甲'.repeat(100)}</t></si>`, 256 << 20, SST_HEAD, SST_TAIL);
    const bombs = {
      // declared honestly: 256 MiB from a few hundred KB
      ratio: zip(workbookParts({ name: '', deflated: sheet })),
      // declared small, inflates to 256 MiB
      lyingSheet: zip(workbookParts({ name: '', deflated: sheet, declare: { size: 10_000 } })),
      // the probe's own: shared strings that unpack far beyond what they declare
      lyingStrings: zip(
        workbookParts(
          { name: '', data: SHEET_HEAD + HEADER_ROW + SHEET_TAIL },
          { name: '', deflated: sst, declare: { size: 10_000 } },
        ),
      ),
    };
    for (const [name, buf] of Object.entries(bombs)) {
      expect(buf.length, name).toBeLessThan(2 << 20);
      const heap = process.memoryUsage().heapUsed;
      const r = await upload(street, `${name}.xlsx`, buf);
      expect(r.statusCode, `${name}: ${r.body}`).toBe(413);
      const body = r.json();
      expect(body.code, name).toBe('UPLOAD_TOO_LARGE_UNPACKED');
      expect(body.issues?.[0]?.path, name).toBe('file');
      expect(process.memoryUsage().heapUsed - heap, name).toBeLessThan(128 << 20);
    }
    expect(await count()).toBe(before);
  });

  it('answers a truncated or malformed multipart body 400 UPLOAD_MALFORMED', async () => {
    const boundary = '----jytruncated';
    const whole = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n姓名,身份证号\n张三,\n\r\n--${boundary}--\r\n`,
    );
    for (const payload of [whole.subarray(0, whole.length - 12), whole.subarray(0, 40)]) {
      const r = await street.request({
        method: 'POST',
        url: '/api/people/import',
        payload,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().code).toBe('UPLOAD_MALFORMED');
    }
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
