import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { areaIdByCode, auditCount } from '../../../../test/helpers/db.js';
import { sealAudit } from '../../platform/audit/audit.js';

let t: TestApp;
let auditor: Client;
let street: Client;
let youyi: number;

type Entry = {
  seq: number;
  at: string;
  action: string;
  actorName: string | null;
  entityType: string | null;
  entityId: string | null;
  success: boolean;
};

beforeAll(async () => {
  t = await createTestApp();
  auditor = await t.login('audit_admin');
  street = await t.login('street_admin');
  youyi = await areaIdByCode(t.db, '430681001001');
  // Some history: a failed sign-in, an area created and renamed an hour later.
  await t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'grid_a', password: 'Wrong#pass1' },
    remoteAddress: '10.30.0.1',
  });
  const g = await street.post('/api/areas', { parentId: youyi, kind: 'grid', name: '审计网格' });
  expect(g.statusCode).toBe(201);
  t.clock.advance(60 * 60_000);
  street = await t.login('street_admin');
  auditor = await t.login('audit_admin');
  expect(
    (await street.patch(`/api/areas/${g.json().id}`, { name: '审计网格二' }, { 'if-match': '"1"' }))
      .statusCode,
  ).toBe(200);
});
afterAll(() => t.close());

async function entries(query: string): Promise<{ items: Entry[]; total: number }> {
  const r = await auditor.get(`/api/audit?pageSize=100&${query}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

/** Runs `fn` as the database superuser with the append-only trigger switched off. */
async function tamper(fn: () => Promise<unknown>) {
  await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`.execute(t.db);
  try {
    await fn();
  } finally {
    await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change`.execute(t.db);
  }
}

describe('reading the audit log', () => {
  it('is for the audit administrator alone', async () => {
    for (const name of ['security_admin', 'sys_admin', 'street_admin', 'community_admin']) {
      const c = await t.login(name);
      const r = await c.get('/api/audit');
      expect(r.statusCode, name).toBe(403);
      expect(r.json().code).toBe('FORBIDDEN');
      expect((await c.post('/api/audit/verify')).statusCode).toBe(403);
    }
    expect((await t.anon().get('/api/audit')).statusCode).toBe(401);
    const r = await auditor.get('/api/audit');
    expect(r.statusCode).toBe(200);
    expect(r.json().total).toBe(await auditCount(t.db));
    expect(r.json().items[0].seq).toBeGreaterThan(r.json().items[1].seq); // newest first
  });

  it('filters by action prefix, actor, entity, outcome and time', async () => {
    const areaOps = await entries('action=area.');
    expect(areaOps.items.map((e) => e.action).sort()).toEqual(['area.create', 'area.update']);
    // The prefix is literal: '_' is not a wildcard.
    expect((await entries('action=area_')).total).toBe(0);

    const byActor = await entries('actor=street_admin');
    expect(byActor.total).toBeGreaterThan(0);
    expect(byActor.items.every((e) => e.actorName === 'street_admin')).toBe(true);

    const created = areaOps.items.find((e) => e.action === 'area.create')!;
    const entity = await entries(`entityType=area&entityId=${created.entityId}`);
    expect(entity.items.map((e) => e.action)).toEqual(['area.update', 'area.create']);

    const failed = await entries('success=false');
    expect(failed.total).toBe(1);
    expect(failed.items[0]).toMatchObject({ action: 'auth.login', actorName: 'grid_a', success: false });

    const update = areaOps.items.find((e) => e.action === 'area.update')!;
    const cut = new Date(new Date(update.at).getTime() - 30 * 60_000).toISOString();
    const since = await entries(`from=${encodeURIComponent(cut)}&action=area.`);
    expect(since.items.map((e) => e.action)).toEqual(['area.update']);
    const until = await entries(`to=${encodeURIComponent(cut)}&action=area.`);
    expect(until.items.map((e) => e.action)).toEqual(['area.create']);
    const bad = await auditor.get('/api/audit?from=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].path).toBe('query.from');
  });

  it('pages through the log without overlap', async () => {
    const p1 = (await auditor.get('/api/audit?pageSize=2&page=1')).json();
    const p2 = (await auditor.get('/api/audit?pageSize=2&page=2')).json();
    expect(p1.items).toHaveLength(2);
    expect(p2.items[0].seq).toBe(p1.items[1].seq - 1);
    const asc = (await auditor.get('/api/audit?pageSize=2&sort=seq')).json();
    expect(asc.items.map((e: Entry) => e.seq)).toEqual([1, 2]);
  });
});

type Worded = Entry & {
  actorLabel: string;
  actionLabel: string;
  entityLabel: string | null;
  sentence: string;
  fields: { key: string; label: string; before: string | null; after: string | null; value: string | null }[];
};

describe('the log in words (issue 16)', () => {
  it('reads each entry as a sentence with the operator’s name and the area’s path, in both languages', async () => {
    const zh = (await entries('action=area.')).items as Worded[];
    const created = zh.find((e) => e.action === 'area.create')!;
    expect(created).toMatchObject({ actorLabel: '王建国', actionLabel: '新建区域' });
    // The grid under its community: "第一网格" repeats in every community.
    expect(created.sentence).toMatch(/^王建国 新建了区域“.+社区 \/ 审计网格二”$/);
    expect(created.sentence).not.toMatch(/#|\bgrid\b|area\.create/);
    const renamed = zh.find((e) => e.action === 'area.update')!;
    expect(renamed.sentence).toMatch(/^王建国 修改了区域“.+ \/ 审计网格二”$/);
    expect(renamed.fields).toContainEqual({
      key: 'name',
      label: '名称',
      before: '审计网格',
      after: '审计网格二',
      value: null,
    });

    const en = await auditor.get('/api/audit?action=area.create', { 'accept-language': 'en' });
    const e = en.json().items[0] as Worded;
    expect(e.actionLabel).toBe('Create an area');
    expect(e.sentence).toMatch(/^王建国 created area .+ \/ 审计网格二$/);

    // A failed sign-in names the account's holder and says it failed; the kind of the entity is words.
    const failed = (await entries('success=false')).items[0] as Worded;
    expect(failed.sentence).toBe('刘洋 登录系统（未成功）');
    for (const x of ((await entries('')).items as Worded[]).filter((e) => !e.action.startsWith('system.'))) {
      expect(x.sentence, x.action).not.toMatch(/[a-z]+\.[a-z_]+|\{\w+\}|#\d/);
      for (const f of x.fields) expect(f.label, `${x.action} ${f.key}`).not.toBe('其他');
    }
  });

  it('filters by the action’s Chinese name and by the operator’s name', async () => {
    const byName = await entries(`q=${encodeURIComponent('新建区域')}`);
    expect(byName.items.map((e) => e.action)).toEqual(['area.create']);
    const logins = await entries(`q=${encodeURIComponent('登录')}`);
    expect(logins.total).toBeGreaterThan(0);
    expect(logins.items.every((e) => e.action.startsWith('auth.'))).toBe(true);
    // The operator by their name, whole or in part, or by the user name's beginning.
    for (const who of ['王建国', '建国', 'street_']) {
      const r = await entries(`actor=${encodeURIComponent(who)}`);
      expect(r.total, who).toBeGreaterThan(0);
      expect(
        (r.items as Worded[]).every((x) => x.actorLabel === '王建国'),
        who,
      ).toBe(true);
    }
    expect((await entries(`actor=${encodeURIComponent('不存在的人')}`)).total).toBe(0);
  });

  it('exports the filtered log as .xlsx in words, watermarked, and audits the export', async () => {
    const r = await auditor.post('/api/audit/export', { action: 'area.' });
    expect(r.statusCode, r.body.slice(0, 200)).toBe(200);
    expect(r.headers['content-type']).toContain('spreadsheetml');
    expect(r.headers['x-export-rows']).toBe('2');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as never);
    const text: string[] = [];
    wb.worksheets[0]!.eachRow((row) => text.push(JSON.stringify(row.values)));
    const all = text.join('\n');
    expect(all).toContain('审计管理员（audit_admin）');
    expect(all).toMatch(/王建国 新建了区域“.+ \/ 审计网格二”/);
    expect(all).toContain('名称：审计网格 → 审计网格二');
    expect(all).not.toContain('area.create');
    const last = (await entries('action=audit.export')).items[0] as Worded;
    expect(last).toMatchObject({ actorName: 'audit_admin', success: true });
    expect(last.sentence).toBe('审计管理员 导出了审计日志（2 条）');
    // Only the audit administrator may export, as only they may read.
    expect((await street.post('/api/audit/export', {})).statusCode).toBe(403);
  });
});

describe('the hash chain', () => {
  it('verifies a fresh chain, and the verification itself is audited', async () => {
    const before = await auditCount(t.db);
    const r = await auditor.post('/api/audit/verify');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ ok: true, checked: before, firstBrokenSeq: null, reason: null });
    expect(await auditCount(t.db)).toBe(before + 1);
    expect((await entries('action=audit.verify')).items[0]).toMatchObject({
      actorName: 'audit_admin',
      success: true,
    });
  });

  it('refuses UPDATE and DELETE on the log while its trigger is on', async () => {
    await expect(sql`UPDATE audit_log SET action = 'x' WHERE seq = 1`.execute(t.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`DELETE FROM audit_log WHERE seq = 1`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`UPDATE audit_log SET success = NOT success`.execute(t.db)).rejects.toThrow(
      /append-only/,
    );
    expect((await auditor.post('/api/audit/verify')).json().ok).toBe(true);
  });

  it('names the first entry whose content was changed', async () => {
    const target = (await entries('action=area.create')).items[0]!;
    await tamper(() =>
      sql`UPDATE audit_log SET action = 'area.view' WHERE seq = ${target.seq}`.execute(t.db),
    );
    const r = (await auditor.post('/api/audit/verify')).json();
    expect(r).toMatchObject({
      ok: false,
      firstBrokenSeq: target.seq,
      reason: 'content does not match its hash',
    });
    expect(r.checked).toBe(target.seq - 1);
    // Putting the value back restores the chain: the hash covers exactly the content.
    await tamper(() =>
      sql`UPDATE audit_log SET action = 'area.create' WHERE seq = ${target.seq}`.execute(t.db),
    );
    expect((await auditor.post('/api/audit/verify')).json().ok).toBe(true);
  });

  it('notices a change to any field, including the changes recorded', async () => {
    const target = (await entries('action=area.update')).items[0]!;
    await tamper(() =>
      sql`UPDATE audit_log SET changes = jsonb_set(changes, '{name,after}', '"别的名字"') WHERE seq = ${target.seq}`.execute(
        t.db,
      ),
    );
    expect((await auditor.post('/api/audit/verify')).json()).toMatchObject({
      ok: false,
      firstBrokenSeq: target.seq,
    });
    await tamper(() =>
      sql`UPDATE audit_log SET changes = jsonb_set(changes, '{name,after}', '"审计网格二"') WHERE seq = ${target.seq}`.execute(
        t.db,
      ),
    );
    expect((await auditor.post('/api/audit/verify')).json().ok).toBe(true);
  });

  it('notices the newest entry removed: the chain head remembers how many there were', async () => {
    const newest = (await entries('')).items[0]!.seq;
    // Entries are chained within a second of their commit (the app's sealer); this one is sealed now.
    await sealAudit(t.db);
    await tamper(() => sql`DELETE FROM audit_log WHERE seq = ${newest}`.execute(t.db));
    const r = (await auditor.post('/api/audit/verify')).json();
    expect(r).toMatchObject({ ok: false, firstBrokenSeq: newest, checked: newest - 1 });
    expect(r.reason).toContain('chain head');
  });

  it('names the seq of a deleted entry in the middle', async () => {
    const head = await auditCount(t.db);
    const middle = Math.floor(head / 2);
    await tamper(() => sql`DELETE FROM audit_log WHERE seq = ${middle}`.execute(t.db));
    const r = (await auditor.post('/api/audit/verify')).json();
    expect(r).toMatchObject({ ok: false, firstBrokenSeq: middle, checked: middle - 1 });
    expect(r.reason).toContain(`${middle}`);
  });
});
