import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { areaIdByCode } from '../../../../test/helpers/db.js';
import { idCheckDigit } from '../../../contract/identifiers.js';

/**
 * The disputes ledger import (issue 16): every good row a dispute through the case engine (its
 * number, deadline, case.report entry), bad rows listed by column, total rows skipped, parties'
 * identifiers masked in what comes back, the error sheet the importer's own.
 */
let t: TestApp;
let worker: Client;
let gridA: Client;
let community: number;
let grid1: number;
let grid2: number;

const makeId = (first17: string) => first17 + idCheckDigit(first17);

async function xlsx(rows: (string | number | null)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('纠纷');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function upload(c: Client, url: string, buffer: Buffer) {
  const boundary = `----jy${randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="纠纷台账.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n`,
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
  t = await createTestApp({ clock: new Date('2026-12-07T09:00:00+08:00') });
  [worker, gridA] = await Promise.all([t.login('community_worker'), t.login('grid_a')]);
  community = await areaIdByCode(t.db, '430681001001');
  grid1 = await areaIdByCode(t.db, '430681001001001');
  grid2 = await areaIdByCode(t.db, '430681001001002');
});

afterAll(async () => {
  await t?.close();
});

describe('disputes import', () => {
  it('gives a template with the titles the importer reads', async () => {
    const r = await worker.get('/api/disputes/import/template');
    expect(r.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as never);
    const head = (wb.worksheets[0]!.getRow(1).values as unknown[]).slice(1);
    expect(head).toEqual(expect.arrayContaining(['纠纷名称（必填）', '纠纷类型（必填）', '申请人（必填）']));
  });

  it('registers each good row as a dispute through the case engine', async () => {
    const grid1Name = (
      await t.db.selectFrom('areas').select('name').where('id', '=', grid1).executeTakeFirstOrThrow()
    ).name;
    const id = makeId('43068119800101123');
    const file = await xlsx([
      ['矛盾纠纷排查化解台账'],
      [
        '序号',
        '纠纷名称',
        '纠纷类型',
        '当事人',
        '当事人身份证号',
        '当事人电话',
        '所属网格',
        '登记日期',
        '涉及金额',
      ],
      [
        1,
        '楼上漏水',
        '漏水纠纷',
        '张三（申请人）、李四（被申请人）',
        `${id}、`,
        '13811112222',
        grid1Name,
        '2026-11-03',
        '2000',
      ],
      [2, '邻里噪音', '邻里纠纷', '王五、赵六', '', '', '', '', ''],
      [3, '无类型', '', '钱七', '', '', '', '', ''],
      [4, '证件错误', '婚姻纠纷', '孙八', '430681198001011234', '', '', '', ''],
      [5, '没有当事人', '家庭纠纷', '', '', '', '', '', ''],
      ['合计', '共5件', '', '', '', '', '', '', ''],
    ]);
    const r = await upload(worker, `/api/disputes/import?areaId=${community}`, file);
    expect(r.statusCode, r.body).toBe(200);
    const job = r.json();
    expect(job).toMatchObject({
      kind: 'disputes',
      status: 'done',
      total: 5,
      created: 2,
      failed: 3,
      skipped: [8],
    });
    expect(job.errors.map((e: { row: number; column: string }) => `${e.row}:${e.column}`)).toEqual([
      '5:纠纷类型',
      '6:当事人身份证号',
      '7:当事人',
    ]);
    // No identifier in clear in the answer.
    expect(r.body).not.toContain(id);

    const cases = await t.db
      .selectFrom('cases')
      .select(['id', 'no', 'category', 'areaId', 'title', 'description', 'dueAt', 'state'])
      .where('type', '=', 'dispute')
      .where('title', 'in', ['楼上漏水', '邻里噪音'])
      .orderBy('id')
      .execute();
    expect(cases).toHaveLength(2);
    expect(cases[0]).toMatchObject({ category: '0203', areaId: grid1, state: 'reported' });
    expect(cases[0]!.no).toMatch(/^JF\d{8}\d{7}$/);
    expect(cases[0]!.dueAt).not.toBeNull();
    expect(cases[0]!.description).toContain('2026-11-03');
    // A group (邻里纠纷) files under its "other" leaf; the case lies in the chosen area.
    expect(cases[1]).toMatchObject({ category: '0299', areaId: community });
    const parties = await t.db
      .selectFrom('disputeParties')
      .select(['name', 'role'])
      .where('caseId', '=', cases[0]!.id)
      .orderBy('id')
      .execute();
    expect(parties).toEqual([
      { name: '张三', role: 'applicant' },
      { name: '李四', role: 'respondent' },
    ]);
    // Each case audited as reported by hand, and the import once with its counts.
    const reports = await t.db
      .selectFrom('auditLog')
      .select('entityId')
      .where('action', '=', 'case.report')
      .where(
        'entityId',
        'in',
        cases.map((c) => String(c.id)),
      )
      .execute();
    expect(reports).toHaveLength(2);
    const imp = await t.db
      .selectFrom('auditLog')
      .select('detail')
      .where('action', '=', 'dispute.import')
      .executeTakeFirstOrThrow();
    expect(imp.detail).toMatchObject({ created: 2, failed: 3, skippedTotals: 1 });

    // The failed rows, for the importer only.
    const es = await worker.post(`/api/imports/${job.id}/errors.xlsx`);
    expect(es.statusCode).toBe(200);
    expect((await gridA.post(`/api/imports/${job.id}/errors.xlsx`)).statusCode).toBe(404);
    // In the importer's list of imports.
    const mine = (await worker.get('/api/imports')).json();
    expect(mine.items[0]).toMatchObject({ id: job.id, kind: 'disputes' });
  });

  it('keeps to the importer’s scope', async () => {
    const file = await xlsx([
      ['纠纷名称', '纠纷类型', '申请人'],
      ['越界', '漏水纠纷', '某人'],
    ]);
    const r = await upload(gridA, `/api/disputes/import?areaId=${grid2}`, file);
    expect(r.statusCode).toBe(400);
    expect(r.json().issues[0].path).toBe('query.areaId');
  });
});
