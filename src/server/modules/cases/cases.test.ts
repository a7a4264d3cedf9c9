import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from '../../../../test/helpers/app.js';

let t: TestApp;
let gridA: Client;
let worker: Client;
let secretary: Client;
let resident: Client;
let gridB: Client;

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5a1d1a60000000049454e44ae426082',
  'hex',
);

function multipart(name: string, content: Buffer, filename = 'photo.png') {
  const boundary = '----jiayuan';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: image/png\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

beforeAll(async () => {
  t = await createTestApp({ clock: new Date('2026-11-23T09:00:00+08:00') }); // a Monday
  [gridA, gridB, worker, secretary, resident] = await Promise.all([
    t.login('grid_a'),
    t.login('grid_b'),
    t.login('community_worker'),
    t.login('community_admin'),
    t.login('resident'),
  ]);
});
afterAll(async () => t?.close());

describe('grid event: report to close', () => {
  it('runs the whole flow with a photo, deadlines, timeline and notifications', async () => {
    const m = multipart('file', PNG);
    const up = await gridA.request({
      method: 'POST',
      url: '/api/cases/attachments',
      payload: m.body,
      headers: m.headers,
    });
    expect(up.statusCode, up.body).toBe(201);
    const photo = up.json();
    const created = await gridA.post(
      '/api/cases',
      {
        type: 'event',
        category: 'fire.exit',
        title: '三单元楼道堆放杂物',
        description: '堵塞消防通道',
        attachmentIds: [photo.id],
      },
      { 'idempotency-key': 'test-key-000001' },
    );
    expect(created.statusCode, created.body).toBe(201);
    const c = created.json();
    expect(c.state).toBe('reported');
    expect(c.no).toMatch(/^SJ20261123\d{7}$/);
    // accept within 30 working minutes; fire.exit handled within 4 working hours after accept + dispatch
    expect(c.stageDueAt).toBe('2026-11-23T01:30:00.000Z');
    // + 30 min dispatch = 10:00; fire.exit is handled within 4 working hours: 10–12 and 14–16 → 16:00
    expect(c.dueAt).toBe('2026-11-23T08:00:00.000Z');
    expect(c.attachments).toHaveLength(1);
    expect(c.abilities).toEqual(expect.arrayContaining(['comment']));
    expect(c.abilities).not.toContain('accept');

    // the same submission again: the same case
    const again = await gridA.post(
      '/api/cases',
      {
        type: 'event',
        category: 'fire.exit',
        title: '三单元楼道堆放杂物',
        description: '堵塞消防通道',
        attachmentIds: [photo.id],
      },
      { 'idempotency-key': 'test-key-000001' },
    );
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(c.id);

    const inbox = await worker.get('/api/cases?box=accept&type=event');
    expect(inbox.json().items.map((x: { id: number }) => x.id)).toContain(c.id);
    const bell = await worker.get('/api/notifications/unread-count');
    expect(bell.json().count).toBeGreaterThan(0);

    const acc = await worker.post(`/api/cases/${c.id}/transitions`, { action: 'accept' });
    expect(acc.statusCode, acc.body).toBe(200);
    expect(acc.json().state).toBe('accepted');
    const who = await worker.get(`/api/cases/assignable?caseId=${c.id}`);
    expect(who.statusCode, who.body).toBe(200);
    const handler = who.json().find((u: { name: string }) => u.name === '张丽');
    expect(handler).toBeTruthy();
    const dis = await worker.post(`/api/cases/${c.id}/transitions`, {
      action: 'dispatch',
      assigneeUserId: handler.id,
    });
    expect(dis.json().state).toBe('dispatched');
    expect((await worker.post(`/api/cases/${c.id}/transitions`, { action: 'sign' })).json().state).toBe(
      'handling',
    );
    // the handler reports back with a photo of the result: the answer already shows it
    const m2 = multipart('file', PNG);
    const done = (
      await worker.request({
        method: 'POST',
        url: '/api/cases/attachments',
        payload: m2.body,
        headers: m2.headers,
      })
    ).json();
    const fb = await worker.post(`/api/cases/${c.id}/transitions`, {
      action: 'feedback',
      comment: '已清理',
      attachmentIds: [done.id],
    });
    expect(fb.statusCode, fb.body).toBe(200);
    expect(fb.json().state).toBe('feedback');
    expect(fb.json().attachments.map((a: { id: number }) => a.id)).toEqual([photo.id, done.id]);
    // the reporter verifies: fail once (rework), then pass
    const fail = await gridA.post(`/api/cases/${c.id}/transitions`, {
      action: 'verify',
      passed: false,
      comment: '仍有杂物',
    });
    expect(fail.statusCode, fail.body).toBe(200);
    expect(fail.json().state).toBe('handling');
    expect(fail.json().reworkCount).toBe(1);
    // a photo already on a case cannot be attached again: refused, naming the field, nothing written
    const reused = await worker.post(`/api/cases/${c.id}/transitions`, {
      action: 'feedback',
      comment: '已全部清理',
      attachmentIds: [done.id],
    });
    expect(reused.statusCode, reused.body).toBe(400);
    expect(reused.body).toContain('attachmentIds');
    expect((await worker.get(`/api/cases/${c.id}`)).json().state).toBe('handling');
    await worker.post(`/api/cases/${c.id}/transitions`, { action: 'feedback', comment: '已全部清理' });
    const pass = await gridA.post(`/api/cases/${c.id}/transitions`, { action: 'verify', passed: true });
    expect(pass.json().state).toBe('closed');
    const rate = await gridA.post(`/api/cases/${c.id}/transitions`, { action: 'rate', rating: 5 });
    expect(rate.json().rating).toBe(5);

    const tl = await gridA.get(`/api/cases/${c.id}/timeline`);
    expect(tl.json().map((e: { kind: string }) => e.kind)).toEqual([
      'report',
      'accept',
      'dispatch',
      'sign',
      'feedback',
      'verify',
      'feedback',
      'verify',
      'rate',
    ]);
    expect(tl.json()[0].attachments).toHaveLength(1);
    const img = await gridA.get(photo.url);
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    // another grid's worker cannot see the case or its photo
    expect((await gridB.get(`/api/cases/${c.id}`)).statusCode).toBe(404);
    expect((await gridB.get(photo.url)).statusCode).toBe(404);
    const audit = await t.db
      .selectFrom('auditLog')
      .select('action')
      .where('entityType', '=', 'case')
      .where('entityId', '=', String(c.id))
      .execute();
    expect(audit.map((a) => a.action)).toContain('case.verify');
  });

  it('refuses a file that is not an image by its content, whatever its name', async () => {
    const m = multipart('file', Buffer.from('<script>alert(1)</script>'), 'x.png');
    const r = await gridA.request({
      method: 'POST',
      url: '/api/cases/attachments',
      payload: m.body,
      headers: m.headers,
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().code).toBe('ATTACHMENT_BAD_FILE');
  });

  it('answers a truncated or malformed multipart body 400 UPLOAD_MALFORMED, storing nothing (issue 14)', async () => {
    // busboy's "Unexpected end of form" used to leave as a 500.
    const m = multipart('file', PNG);
    const before = await t.db.selectFrom('caseAttachments').select('id').execute();
    for (const payload of [
      m.body.subarray(0, m.body.length - 20),
      m.body.subarray(0, 60),
      Buffer.from('--other\r\nContent-Disposition: form-data; name="file"\r\n\r\nx\r\n--other--\r\n'),
    ]) {
      const r = await gridA.request({
        method: 'POST',
        url: '/api/cases/attachments',
        payload,
        headers: m.headers,
      });
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().code).toBe('UPLOAD_MALFORMED');
    }
    expect(await t.db.selectFrom('caseAttachments').select('id').execute()).toEqual(before);
  });

  it('two workers accepting at once: one wins, the other gets 409', async () => {
    const c = (
      await gridA.post('/api/cases', { type: 'event', category: 'order.parking', title: '人行道违停' })
    ).json();
    const [a, b] = await Promise.all([
      worker.post(`/api/cases/${c.id}/transitions`, { action: 'accept' }),
      secretary.post(`/api/cases/${c.id}/transitions`, { action: 'accept' }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const events = await t.db
      .selectFrom('caseEvents')
      .select('kind')
      .where('caseId', '=', c.id)
      .where('kind', '=', 'accept')
      .execute();
    expect(events).toHaveLength(1);
  });

  it('a resident raises a request and is told of each step', async () => {
    const r = await resident.post('/api/cases', {
      type: 'request',
      category: 'help.repair',
      title: '楼道灯坏了',
    });
    expect(r.statusCode, r.body).toBe(201);
    const id = r.json().id;
    await worker.post(`/api/cases/${id}/transitions`, { action: 'accept' });
    const n = await resident.get('/api/notifications?unread=true');
    expect(n.json().items.some((x: { caseId: number }) => x.caseId === id)).toBe(true);
    const mine = await resident.get('/api/cases?box=reported');
    expect(mine.json().items.map((x: { id: number }) => x.id)).toContain(id);
    // but no one else's
    expect(mine.json().items.every((x: { type: string }) => x.type === 'request')).toBe(true);
  });
});
