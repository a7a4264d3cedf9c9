import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { areaIdByCode, fingerprint, userIdByName } from '../../../../test/helpers/db.js';
import { DUTIES, type Duty } from '../../../contract/roles.js';
import { reportDutyConflicts } from '../../boot.js';
import { dutiesOf, dutyConflict, needsApproval } from '../../platform/access/duties.js';
import { AccessRegistry, BUILTIN_ROLES } from '../../platform/access/registry.js';
import { hashPassword } from '../../platform/auth/password.js';
import { DEMO_PASSWORD } from '../../platform/demo.js';
import { perm } from '../../platform/module.js';
import { MODULES } from '../index.js';

/**
 * 三权分立 on permissions (the probe's defect 3): every expectation here is derived from the
 * manifests — the built-in roles' grants and the permissions' duties — never listed by hand.
 */

let t: TestApp;
let sec: Client;
let sys: Client;
let district: number;
let street: number;
let hash: string;
let n = 0;

const registry = new AccessRegistry(MODULES);
const grantsOf = (role: string) => [...(registry.grants.get(role) ?? [])];
/** One permission of each duty class (the first the registry lists), and all of them by class. */
const byDuty = new Map<Duty, string[]>();
for (const p of registry.permissions) byDuty.set(p.duty, [...(byDuty.get(p.duty) ?? []), p.name]);

beforeAll(async () => {
  t = await createTestApp();
  sec = await t.login('security_admin');
  sys = await t.login('sys_admin');
  district = await areaIdByCode(t.db, '430681');
  street = await areaIdByCode(t.db, '430681001');
  hash = await hashPassword(DEMO_PASSWORD);
});
afterAll(() => t.close());

/** A fresh account with no role, at the district (created in the database: what is tested is the grant). */
async function freshUser(prefix = 'duty'): Promise<{ id: number; username: string }> {
  const username = `${prefix}_${++n}`;
  const r = await t.db
    .insertInto('users')
    .values({
      username,
      displayName: username,
      areaId: district,
      passwordHash: hash,
      passwordChangedAt: new Date(),
      mustChangePassword: false,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: r.id, username };
}

/** Grants a role as the security administrator, and has the system administrator approve it when asked to. */
async function grant(userId: number, role: string, areaId = district) {
  const r = await sec.post(`/api/users/${userId}/roles`, { role, areaId });
  if (r.statusCode !== 200) return r;
  const asg = r.json().roles.find((x: { role: string }) => x.role === role);
  if (asg.pending) {
    const ok = await sys.post(`/api/role-grants/${asg.assignmentId}/approve`);
    expect(ok.statusCode, ok.body).toBe(200);
  }
  return r;
}

describe('every permission has a duty, from the manifests', () => {
  it('classifies every permission, and a module that forgets one does not start', () => {
    expect(registry.permissions.length).toBeGreaterThan(40);
    for (const p of registry.permissions) expect(DUTIES, p.name).toContain(p.duty);
    // Spot checks of the classification the rules rest on.
    expect(registry.dutyOf('audit.read')).toBe('audit');
    expect(registry.dutyOf('user.create')).toBe('security');
    expect(registry.dutyOf('person.reveal')).toBe('business');
    expect(registry.dutyOf('area.create')).toBe('system');
    expect(registry.dutyOf('area.read')).toBe('common');
    expect(registry.dutyOf('role.approve')).toBe('system');

    const stray = { name: 'stray', permissions: [perm('stray', 'stray.thing', '无', 'None')] };
    expect(() => new AccessRegistry([...MODULES, stray])).toThrow(/stray\.thing of module stray has no duty/);
    // A module-level duty classifies its new permissions without a list elsewhere …
    const declared = new AccessRegistry([...MODULES, { ...stray, duty: 'business' }]);
    expect(declared.dutyOf('stray.thing')).toBe('business');
    // … and a built-in role whose grants would span incompatible duties stops the start too.
    const greedy = { ...stray, duty: 'business' as const, grants: { security_admin: ['stray.thing'] } };
    expect(() => new AccessRegistry([...MODULES, greedy])).toThrow(
      /security_admin spans incompatible duties/,
    );
    new AccessRegistry(MODULES); // (the registry in force again for the rest of the file)
  });

  it('shows each role its duties, and each permission its duty', async () => {
    const perms = (await sec.get('/api/permissions')).json().items as { name: string; duty: Duty }[];
    expect(perms.find((p) => p.name === 'audit.read')?.duty).toBe('audit');
    const roles = (await sec.get('/api/roles')).json().items as { code: string; duties: Duty[] }[];
    for (const r of BUILTIN_ROLES) {
      const expected = DUTIES.filter((d) => d !== 'common' && dutiesOf(grantsOf(r.code)).has(d));
      expect(roles.find((x) => x.code === r.code)?.duties, r.code).toEqual(expected);
    }
  });
});

describe('every pair of built-in roles', () => {
  const codes = BUILTIN_ROLES.map((r) => r.code);
  const pairs = codes.flatMap((a, i) => codes.slice(i + 1).map((b) => [a, b] as const));

  it(`holds for all ${pairs.length} pairs: refused exactly when their permissions span incompatible duties`, async () => {
    const refusedPairs: string[] = [];
    for (const [a, b] of pairs) {
      const expected = dutyConflict(dutiesOf([...grantsOf(a), ...grantsOf(b)]));
      const u = await freshUser();
      const first = await grant(u.id, a);
      expect(first.statusCode, `${a} alone: ${first.body}`).toBe(200);
      // (a refusal writes nothing: checked on the first few, the fingerprint is slow)
      const before = refusedPairs.length < 3 ? await fingerprint(t.db) : null;
      const second = await sec.post(`/api/users/${u.id}/roles`, { role: b, areaId: street });
      const what = `${a} + ${b}: ${second.statusCode} ${second.body}`;
      if (expected) {
        refusedPairs.push(`${a}+${b}`);
        expect(second.statusCode, what).toBe(409);
        expect(second.json(), what).toMatchObject({ code: 'ADMIN_ROLES_EXCLUSIVE' });
        if (before) expect(await fingerprint(t.db), what).toEqual(before);
      } else {
        expect(second.statusCode, what).toBe(200);
        const asg = second.json().roles.find((x: { role: string }) => x.role === b);
        expect(asg.pending, what).toBe(needsApproval(grantsOf(b)));
      }
    }
    // Not vacuous: the three administrators exclude each other, audit excludes every role that
    // grants something, the security administrator excludes the business roles.
    for (const p of [
      'sys_admin+security_admin',
      'sys_admin+audit_admin',
      'security_admin+audit_admin',
      'street_admin+audit_admin',
      'street_admin+security_admin',
      'grid_worker+security_admin',
      'resident+audit_admin',
    ])
      expect(refusedPairs).toContain(p);
    expect(refusedPairs).not.toContain('street_admin+sys_admin');
    // A volunteer signs up for activities and applies to serve (business rights): not with audit.
    expect(refusedPairs).toContain('volunteer+audit_admin');
    console.log(`built-in pairs: ${pairs.length}, refused ${refusedPairs.length}`);
  }, 180_000);
});

describe('custom roles, by duty class', () => {
  const classes = DUTIES.filter((d) => byDuty.has(d));
  const sample = (d: Duty) => byDuty.get(d)![0]!;
  let made = 0;
  const create = (permissions: string[]) =>
    sec.post('/api/roles', {
      code: `duty_role_${++made}`,
      nameZh: `职责${made}`,
      nameEn: `Duty ${made}`,
      permissions,
    });

  it('refuses audit permissions in any custom role, and a mix of incompatible duties', async () => {
    const singles = classes.map((d) => [d] as Duty[]);
    const doubles = classes.flatMap((a, i) => classes.slice(i + 1).map((b) => [a, b] as Duty[]));
    for (const set of [...singles, ...doubles]) {
      const permissions = set.map(sample);
      const expectRefused = set.includes('audit') || dutyConflict(set) !== null;
      const r = await create(permissions);
      const what = `${set.join('+')} (${permissions.join(', ')}): ${r.statusCode} ${r.body}`;
      if (expectRefused) {
        expect(r.statusCode, what).toBe(400);
        expect(r.json().code, what).toBe('ROLE_DUTIES');
      } else expect(r.statusCode, what).toBe(201);
    }
    // The same rule on an edit.
    const ok = await create([sample('business')]);
    const edit = await sec.patch(
      `/api/roles/${ok.json().id}`,
      { permissions: [sample('business'), 'audit.read'] },
      { 'if-match': '"1"' },
    );
    expect(edit.json().code).toBe('ROLE_DUTIES');
    const en = await sec.request({
      method: 'POST',
      url: '/api/roles',
      payload: { code: 'with_audit', nameZh: 'x', nameEn: 'x', permissions: ['audit.read'] },
      headers: { 'accept-language': 'en' },
    });
    expect(en.json().message).toBe(
      'A custom role cannot carry audit permissions: only the built-in audit administrator holds them',
    );
  });

  it('gives a custom role of each class to holders of each built-in role only where the duties agree', async () => {
    let checked = 0;
    for (const d of classes.filter((c) => c !== 'audit')) {
      const r = await create([sample(d)]);
      expect(r.statusCode, r.body).toBe(201);
      const code = r.json().code as string;
      for (const b of BUILTIN_ROLES) {
        const expected = dutyConflict(dutiesOf([sample(d), ...grantsOf(b.code)]));
        const u = await freshUser();
        expect((await grant(u.id, b.code)).statusCode).toBe(200);
        const res = await sec.post(`/api/users/${u.id}/roles`, { role: code, areaId: street });
        const what = `${b.code} + custom ${d}: ${res.statusCode} ${res.body}`;
        expect(res.statusCode, what).toBe(expected ? 409 : 200);
        if (!expected) {
          const asg = res.json().roles.find((x: { role: string }) => x.role === code);
          expect(asg.pending, what).toBe(needsApproval([sample(d)]));
        }
        checked++;
      }
    }
    expect(checked).toBe((classes.length - 1) * BUILTIN_ROLES.length);
  }, 180_000);
});

describe('the probe: a security administrator building a data reader with audit rights', () => {
  it('cannot: audit is refused in the role, across roles, and business rights wait for a second person', async () => {
    const tag = byDuty.get('business')!.find((p) => p.startsWith('tag.'))!;
    // The probe's role, with audit.read: refused outright.
    const withAudit = await sec.post('/api/roles', {
      code: 'probe_reader',
      nameZh: '探测',
      nameEn: 'Probe',
      permissions: ['audit.read', 'person.read', 'person.reveal', tag],
    });
    expect(withAudit.json().code).toBe('ROLE_DUTIES');
    const role = await sec.post('/api/roles', {
      code: 'probe_reader',
      nameZh: '探测',
      nameEn: 'Probe',
      permissions: ['person.read', 'person.reveal', tag],
    });
    expect(role.statusCode).toBe(201);
    const created = await sec.post('/api/users', {
      username: 'probe_user',
      displayName: '探测用户',
      areaId: district,
      password: 'Harbour7bridge!',
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().user.id as number;
    // Requested, not given: nothing to read yet.
    const r1 = await sec.post(`/api/users/${id}/roles`, { role: 'probe_reader', areaId: district });
    expect(r1.statusCode).toBe(200);
    expect(r1.json().roles).toEqual([expect.objectContaining({ role: 'probe_reader', pending: true })]);
    const r2 = await sec.post(`/api/users/${id}/roles`, { role: 'street_admin', areaId: street });
    expect(r2.json().roles.map((x: { pending: boolean }) => x.pending)).toEqual([true, true]);
    const r3 = await sec.post(`/api/users/${id}/roles`, { role: 'audit_admin', areaId: district });
    expect(r3.statusCode).toBe(409);
    expect(r3.json()).toMatchObject({ code: 'ADMIN_ROLES_EXCLUSIVE' });
    expect(r3.json().message).toBe(
      '三权分立：审计权限与其他任何权限不能由同一账户兼任（系统、安全、审计职责互斥）',
    );

    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'probe_user', password: 'Harbour7bridge!' },
      remoteAddress: '10.61.0.1',
    });
    const probe = t.fromLogin(login);
    await probe.post('/api/auth/password', {
      currentPassword: 'Harbour7bridge!',
      newPassword: 'Lantern4meadow!',
    });
    expect((await probe.get('/api/auth/me')).json().permissions).toEqual([]);
    expect((await probe.get('/api/people?pageSize=1')).statusCode).toBe(403);

    // The security administrator cannot approve its own request; the system administrator can.
    const pending = (await sys.get('/api/role-grants')).json().items as {
      assignmentId: number;
      role: string;
      username: string;
      requestedBy: string;
      permissions: string[];
      abilities: string[];
    }[];
    const mine = pending.filter((g) => g.username === 'probe_user');
    expect(mine.map((g) => g.role).sort()).toEqual(['probe_reader', 'street_admin']);
    expect(mine[0]).toMatchObject({ requestedBy: 'security_admin', abilities: ['decide'] });
    const reader = mine.find((g) => g.role === 'probe_reader')!;
    expect(reader.permissions).toContain('person.reveal');
    expect((await sec.post(`/api/role-grants/${reader.assignmentId}/approve`)).statusCode).toBe(403);
    expect((await sec.get('/api/role-grants')).statusCode).toBe(403);
    const approved = await sys.post(`/api/role-grants/${reader.assignmentId}/approve`);
    expect(approved.statusCode, approved.body).toBe(200);
    const street_ = mine.find((g) => g.role === 'street_admin')!;
    expect((await sys.post(`/api/role-grants/${street_.assignmentId}/reject`)).json()).toMatchObject({
      approved: false,
    });
    expect((await sys.post(`/api/role-grants/${street_.assignmentId}/approve`)).statusCode).toBe(404);

    const me = (await probe.get('/api/auth/me')).json();
    expect(me.permissions).toContain('person.reveal');
    expect(me.permissions).not.toContain('audit.read');
    expect((await probe.get('/api/people?pageSize=1')).statusCode).toBe(200);
    expect((await probe.get('/api/audit')).statusCode).toBe(403);
    // Still no audit role for this account, now that it holds business rights.
    expect(
      (await sec.post(`/api/users/${id}/roles`, { role: 'audit_admin', areaId: district })).statusCode,
    ).toBe(409);
    const actions = await t.db
      .selectFrom('auditLog')
      .select(['action', 'actorName'])
      .where('entityType', '=', 'user')
      .where('entityId', '=', String(id))
      .where('action', 'like', 'role.%')
      .orderBy('seq')
      .execute();
    expect(actions).toEqual([
      { action: 'role.request', actorName: 'security_admin' },
      { action: 'role.request', actorName: 'security_admin' },
      { action: 'role.approve', actorName: 'sys_admin' },
      { action: 'role.reject', actorName: 'sys_admin' },
    ]);
  });

  it('lets no one approve a grant they asked for or that is for them', async () => {
    const sysId = await userIdByName(t.db, 'sys_admin');
    const sysRole = await sec.post('/api/roles', {
      code: 'calendar_keeper',
      nameZh: '日历',
      nameEn: 'Calendar',
      permissions: ['case.configure'],
    });
    expect(sysRole.statusCode).toBe(201);
    const r = await sec.post(`/api/users/${sysId}/roles`, { role: 'calendar_keeper', areaId: district });
    const asg = r.json().roles.find((x: { role: string }) => x.role === 'calendar_keeper');
    expect(asg.pending).toBe(true);
    const own = (await sys.get('/api/role-grants'))
      .json()
      .items.find((g: { assignmentId: number }) => g.assignmentId === asg.assignmentId);
    expect(own.abilities).toEqual([]);
    const self = await sys.post(`/api/role-grants/${asg.assignmentId}/approve`);
    expect(self.statusCode).toBe(403);
    expect(self.json().code).toBe('GRANT_APPROVER_SAME');
    // The security administrator grants its own duty alone (nothing of business, system or audit).
    const u = await freshUser();
    const alone = await sec.post(`/api/users/${u.id}/roles`, { role: 'security_admin', areaId: district });
    expect(alone.json().roles).toEqual([expect.objectContaining({ role: 'security_admin', pending: false })]);
  });

  it('does not let a role in use gain rights that need approval, or push a holder across duties', async () => {
    const role = await sec.post('/api/roles', {
      code: 'tree_reader',
      nameZh: '看树',
      nameEn: 'Tree reader',
      permissions: ['area.read'],
    });
    const roleId = role.json().id as number;
    const gridB = await userIdByName(t.db, 'grid_b');
    const given = await sec.post(`/api/users/${gridB}/roles`, { role: 'tree_reader', areaId: street });
    expect(given.json().roles.find((x: { role: string }) => x.role === 'tree_reader').pending).toBe(false);
    const widen = await sec.patch(
      `/api/roles/${roleId}`,
      { permissions: ['area.read', 'person.reveal'] },
      { 'if-match': '"1"' },
    );
    expect(widen.statusCode).toBe(409);
    expect(widen.json()).toMatchObject({ code: 'ROLE_WIDEN_IN_USE' });
    expect(widen.json().message).toContain('person.reveal');
    // Security rights need no approval, but a grid worker (business) may not hold them.
    const across = await sec.patch(
      `/api/roles/${roleId}`,
      { permissions: ['area.read', 'user.read'] },
      { 'if-match': '"1"' },
    );
    expect(across.statusCode).toBe(409);
    expect(across.json()).toMatchObject({ code: 'ADMIN_ROLES_EXCLUSIVE' });
    // Narrowing is always allowed.
    expect(
      (await sec.patch(`/api/roles/${roleId}`, { permissions: [] }, { 'if-match': '"1"' })).statusCode,
    ).toBe(200);
  });

  it('holds when a street administrator staffs a node, too', async () => {
    const auditor = await freshUser('staffed');
    await t.db.updateTable('users').set({ areaId: street }).where('id', '=', auditor.id).execute();
    expect((await grant(auditor.id, 'audit_admin')).statusCode).toBe(200);
    const streetAdmin = await t.login('street_admin');
    const building = await sql<{ id: number }>`
      SELECT id FROM areas WHERE kind = 'building' AND path <@ (SELECT path FROM areas WHERE id = ${street}) ORDER BY id LIMIT 1`.execute(
      t.db,
    );
    const r = await streetAdmin.post(`/api/areas/${building.rows[0]!.id}/staff`, {
      userId: auditor.id,
      role: 'building_head',
    });
    expect(r.statusCode, r.body).toBe(409);
    expect(r.json().code).toBe('ADMIN_ROLES_EXCLUSIVE');
  });
});

describe('existing data that breaks the rule', () => {
  it('voids audit rights of an account that holds anything else, and reports it at start', async () => {
    // Written past the app (as a grant made before the rule would be): audit + street admin.
    const u = await freshUser('legacy');
    const roleId = async (code: string) =>
      (await t.db.selectFrom('roles').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
    await t.db
      .insertInto('userRoles')
      .values([
        { userId: u.id, roleId: await roleId('audit_admin'), areaId: district },
        { userId: u.id, roleId: await roleId('street_admin'), areaId: street },
      ])
      .execute();
    const c = await t.login(u.username);
    const me = (await c.get('/api/auth/me')).json();
    expect(me.permissions).toContain('person.read');
    expect(me.permissions).not.toContain('audit.read');
    expect(me.permissions).not.toContain('audit.verify');
    expect((await c.get('/api/audit')).statusCode).toBe(403);
    expect((await c.post('/api/audit/verify')).statusCode).toBe(403);
    // The audit administrator alone still reads the log.
    expect((await (await t.login('audit_admin')).get('/api/audit')).statusCode).toBe(200);

    const lines: string[] = [];
    const log = { info() {}, warn: (m: unknown) => lines.push(String(m)), error() {} };
    await reportDutyConflicts({ ...t.services, log });
    expect(lines.some((l) => l.includes(u.username) && l.includes('audit_alone'))).toBe(true);
    const entry = await t.db
      .selectFrom('auditLog')
      .select(['detail', 'success'])
      .where('action', '=', 'system.duty_conflicts')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(entry.success).toBe(false);
    expect(JSON.stringify(entry.detail)).toContain(u.username);
    // Nothing more can be given that keeps the conflict; taking a role away can.
    expect(
      (await sec.post(`/api/users/${u.id}/roles`, { role: 'volunteer', areaId: street })).statusCode,
    ).toBe(409);
  });
});
