import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { totpCode } from '../../platform/auth/totp.js';
import { DEMO_PASSWORD } from '../../platform/demo.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const MIN = 60_000;
const GOOD_NEW_PASSWORD = 'Harbour7bridge!';

/** A login attempt from a given source address (each test uses its own, so IP locks stay apart). */
function attempt(username: string, password: string, ip = '127.0.0.1', lang?: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password },
    remoteAddress: ip,
    headers: lang ? { 'accept-language': lang } : {},
  });
}

/** status + code + message: what a caller can observe of a refused login. */
async function answer(username: string, password: string, ip: string) {
  const r = await attempt(username, password, ip);
  const b = r.json();
  return { status: r.statusCode, code: b.code as string, message: b.message as string };
}

/** A 6-digit code that is none of the codes accepted now (current step ± 1). */
function wrongCode(secret: string): string {
  const now = t.clock.now().getTime();
  const valid = new Set([-1, 0, 1].map((o) => totpCode(secret, now, o)));
  return ['000000', '111111', '222222', '333333'].find((c) => !valid.has(c))!;
}

async function areaId(code: string): Promise<number> {
  const r = await t.db.selectFrom('areas').select('id').where('code', '=', code).executeTakeFirstOrThrow();
  return r.id;
}

async function auditRows(action: string, actorName: string) {
  return t.db
    .selectFrom('auditLog')
    .select(['action', 'success', 'actorId', 'actorName', 'ip', 'detail', 'seq'])
    .where('action', '=', action)
    .where('actorName', '=', actorName)
    .orderBy('seq')
    .execute();
}

describe('sign-in', () => {
  it('signs in and tells who the user is: roles with their scope, and permissions', async () => {
    const r = await attempt('grid_a', DEMO_PASSWORD);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ next: 'ok' });
    const sid = r.cookies.find((c) => c.name === 'jy_sid')!;
    const csrf = r.cookies.find((c) => c.name === 'jy_csrf')!;
    expect(sid.httpOnly).toBe(true);
    expect(sid.sameSite).toBe('Lax');
    expect(csrf.httpOnly).toBeFalsy();
    expect(csrf.value.length).toBeGreaterThanOrEqual(20);

    const me = await t.fromLogin(r).get('/api/auth/me');
    expect(me.statusCode).toBe(200);
    const body = me.json();
    expect(body.user).toMatchObject({
      username: 'grid_a',
      displayName: '刘洋',
      mustChangePassword: false,
      passwordExpiresAt: null, // demo accounts do not expire
      totpEnabled: false,
      mfaPending: false,
      kind: 'staff',
    });
    expect(body.roles).toEqual([
      expect.objectContaining({
        role: 'grid_worker',
        roleName: '网格员',
        areaId: await areaId('430681001001001'),
        areaKind: 'grid',
        areaName: '第一网格（建设路—高泉南路）',
      }),
    ]);
    // The grid worker's grants (areas, registry): no export, import, mental-health or correction tags.
    expect(body.permissions).toContain('area.read');
    expect(body.permissions).toContain('person.read');
    for (const p of ['person.export', 'person.import', 'tag.mental', 'tag.correction', 'org.manage'])
      expect(body.permissions).not.toContain(p);
    // A grid worker's idle limit is the field's (4 h by default), not the desk's 30 minutes.
    expect(body.session.idleTimeoutSeconds).toBe(240 * 60);

    const admin = await (await t.login('street_admin')).get('/api/auth/me', { 'accept-language': 'en' });
    expect(admin.json().roles).toEqual([
      expect.objectContaining({ role: 'street_admin', roleName: 'Street administrator', areaKind: 'street' }),
    ]);
    expect(admin.json().permissions).toEqual(
      expect.arrayContaining(['area.read', 'area.create', 'area.update', 'area.delete', 'area.staff']),
    );
    expect(admin.json().permissions).not.toContain('user.read');
    expect(admin.json().permissions).not.toContain('audit.read');
  });

  it('writes the successful sign-in to the audit log with the source address', async () => {
    await attempt('grid_b', DEMO_PASSWORD, '10.1.0.1');
    const rows = await auditRows('auth.login', 'grid_b');
    expect(rows.at(-1)).toMatchObject({ success: true, ip: '10.1.0.1' });
    expect(rows.at(-1)!.actorId).toBeGreaterThan(0);
  });

  it('answers a wrong password and an unknown account alike', async () => {
    const wrong = await attempt('grid_a', 'Wrong#pass1', '10.2.0.1');
    const unknown = await attempt('no_such_person', 'Wrong#pass1', '10.2.0.2');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const w = wrong.json();
    const u = unknown.json();
    expect(w).toMatchObject({ code: 'INVALID_CREDENTIALS', message: '用户名或密码错误' });
    expect({ ...u, requestId: null }).toEqual({ ...w, requestId: null });
    expect(w.requestId).toBe(wrong.headers['x-request-id']);
    expect(wrong.cookies.find((c) => c.name === 'jy_sid')).toBeUndefined();
    const en = await attempt('grid_a', 'Wrong#pass1', '10.2.0.3', 'en');
    expect(en.json().message).toBe('Wrong username or password');
  });

  it('audits failed sign-ins with the reason, for unknown accounts too', async () => {
    await attempt('community_worker', 'Nope#12345', '10.3.0.1');
    await attempt('ghost_account', 'Nope#12345', '10.3.0.2');
    const bad = await auditRows('auth.login', 'community_worker');
    expect(bad.at(-1)).toMatchObject({ success: false, ip: '10.3.0.1', detail: { reason: 'bad_password' } });
    expect(bad.at(-1)!.actorId).toBeGreaterThan(0);
    const ghost = await auditRows('auth.login', 'ghost_account');
    expect(ghost).toEqual([
      expect.objectContaining({ success: false, actorId: null, detail: { reason: 'unknown_account' } }),
    ]);
  });
});

describe('lockout', () => {
  it('locks an account after 5 failures, from any address, even against the right password', async () => {
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await answer('building_head', 'Wrong#pass1', `10.4.0.${i + 1}`));
    expect(answers.slice(0, 4).map((a) => a.status)).toEqual([401, 401, 401, 401]);
    expect(answers[4]).toEqual({
      status: 423,
      code: 'ACCOUNT_LOCKED',
      message: '登录失败次数过多，请 30 分钟后再试',
    });
    expect(answers[5]).toMatchObject({ status: 423, code: 'ACCOUNT_LOCKED' });
    // The right password from yet another address does not get in while the lock lasts.
    const right = await attempt('building_head', DEMO_PASSWORD, '10.4.0.99');
    expect(right.statusCode).toBe(423);
    expect(right.cookies.find((c) => c.name === 'jy_sid')).toBeUndefined();
    // Other accounts are not affected.
    expect((await attempt('volunteer', DEMO_PASSWORD, '10.4.0.98')).statusCode).toBe(200);

    const lockouts = await auditRows('auth.lockout', 'building_head');
    expect(lockouts).toHaveLength(1);
    expect(lockouts[0]).toMatchObject({ success: true, detail: { minutes: 30 } });
    const refused = await auditRows('auth.login', 'building_head');
    expect(
      refused.filter((r) => !r.success && (r.detail as { reason?: string }).reason === 'locked'),
    ).toHaveLength(2);
  });

  it('answers an unknown account exactly as a real one: same statuses, codes and messages', async () => {
    const real = [];
    const ghost = [];
    for (let i = 0; i < 7; i++) {
      real.push(await answer('party_member', 'Wrong#pass1', `10.5.1.${i + 1}`));
      ghost.push(await answer('nobody_here', 'Wrong#pass1', `10.5.2.${i + 1}`));
    }
    expect(ghost).toEqual(real);
    expect(real.map((a) => a.status)).toEqual([401, 401, 401, 401, 423, 423, 423]);
  });

  it('slows a source address that fails many names, without locking the accounts behind it', async () => {
    const ip = '10.6.0.1';
    // 20 unsuccessful attempts (the default threshold) with made-up names go through …
    const statuses = [];
    for (let i = 0; i < 20; i++) statuses.push((await attempt(`made_up_${i}`, 'Wrong#pass1', ip)).statusCode);
    expect(statuses).toEqual(Array(20).fill(401));
    // … then every attempt from there must wait, whatever the name: 1 s after the last one.
    const known = await answer('compound_head', DEMO_PASSWORD, ip);
    const unknown = await answer('made_up_x', 'Wrong#pass1', ip);
    expect(known).toEqual({
      status: 429,
      code: 'LOGIN_SLOWED',
      message: '此地址登录失败过多，请 1 秒后再试',
    });
    expect(unknown).toEqual(known); // the same answer for a real account and a made-up one
    // Not a lock: a second later the right password gets in, from the same address.
    t.clock.advance(1000);
    expect((await attempt('compound_head', DEMO_PASSWORD, ip)).statusCode).toBe(200);
    // The accounts themselves were never touched: from elsewhere, at once.
    expect((await attempt('resident', DEMO_PASSWORD, '10.6.0.2')).statusCode).toBe(200);
    const audited = await auditRows('auth.login', 'made_up_x');
    expect(audited.at(-1)).toMatchObject({ success: false, detail: { reason: 'slowed' } });
  });

  it('spaces further failures from a slowed address 1, 2, 4 … seconds apart, at most a minute', async () => {
    const ip = '10.6.2.1';
    for (let i = 0; i < 20; i++) await attempt(`spray_${i}`, 'Wrong#pass1', ip);
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      const r = await attempt(`spray_more_${i}`, 'Wrong#pass1', ip);
      expect(r.statusCode).toBe(429);
      const seconds = Number(/(\d+) 秒/.exec(r.json().message)![1]);
      waits.push(seconds);
      t.clock.advance(seconds * 1000 - 1);
      expect((await attempt(`spray_more_${i}`, 'Wrong#pass1', ip)).statusCode).toBe(429);
      t.clock.advance(1);
      expect((await attempt(`spray_more_${i}`, 'Wrong#pass1', ip)).statusCode).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
  });

  it('applies a changed address threshold to existing counters at once', async () => {
    const sec = await t.login('security_admin');
    const current = (await sec.get('/api/settings/security')).json();
    expect(current.ipLockoutThreshold).toBe(20);
    const ip = '10.6.1.1';
    for (let i = 0; i < 20; i++) await attempt(`office_typo_${i}`, 'Wrong#pass1', ip);
    expect((await attempt('grid_b', DEMO_PASSWORD, ip)).statusCode).toBe(429);
    // An office behind one NAT: the administrator raises the threshold — the count already there
    // is compared with the new value on the next attempt.
    const raised = await sec.put('/api/settings/security', { ...current, ipLockoutThreshold: 50 });
    expect(raised.statusCode).toBe(200);
    expect((await attempt('grid_b', DEMO_PASSWORD, ip)).statusCode).toBe(200);
    // And lowered: a count below the old threshold slows the address now.
    const ip2 = '10.6.1.2';
    for (let i = 0; i < 3; i++) await attempt(`typo_${i}`, 'Wrong#pass1', ip2);
    expect((await attempt('grid_b', DEMO_PASSWORD, ip2)).statusCode).toBe(200);
    await sec.put('/api/settings/security', { ...current, ipLockoutThreshold: 3 });
    expect((await attempt('grid_b', DEMO_PASSWORD, ip2)).statusCode).toBe(429);
    expect((await sec.put('/api/settings/security', current)).statusCode).toBe(200);
  });

  it('lists slowed addresses for the security administrator, who can clear one (audited)', async () => {
    const ip = '10.6.3.1';
    for (let i = 0; i < 20; i++) await attempt(`listed_${i}`, 'Wrong#pass1', ip);
    const sec = await t.login('security_admin');
    const list = await sec.get('/api/settings/security/addresses');
    expect(list.statusCode).toBe(200);
    const row = list.json().items.find((a: { address: string }) => a.address === ip);
    expect(row).toMatchObject({ failures: 20, slowed: true, delaySeconds: 1, waitSeconds: 1 });
    // An account's unlock does not touch the address …
    const id = (
      await t.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'cobuild_unit')
        .executeTakeFirstOrThrow()
    ).id;
    expect((await sec.post(`/api/users/${id}/unlock`)).statusCode).toBe(200);
    expect((await attempt('cobuild_unit', DEMO_PASSWORD, ip)).statusCode).toBe(429);
    // … the address's unlock does.
    const street = await t.login('street_admin');
    expect((await street.get('/api/settings/security/addresses')).statusCode).toBe(403);
    expect((await street.post('/api/settings/security/addresses/unlock', { address: ip })).statusCode).toBe(
      403,
    );
    const cleared = await sec.post('/api/settings/security/addresses/unlock', { address: ip });
    expect(cleared.statusCode).toBe(200);
    expect((await sec.post('/api/settings/security/addresses/unlock', { address: ip })).statusCode).toBe(404);
    expect((await attempt('cobuild_unit', DEMO_PASSWORD, ip)).statusCode).toBe(200);
    const audit = await t.db
      .selectFrom('auditLog')
      .select(['actorName', 'entityType', 'entityId'])
      .where('action', '=', 'auth.unlock_address')
      .execute();
    expect(audit).toEqual([{ actorName: 'security_admin', entityType: 'address', entityId: ip }]);
  });

  it('counts failures within the lockout window only', async () => {
    for (let i = 0; i < 4; i++) {
      expect((await attempt('sys_admin', 'Wrong#pass1', `10.7.0.${i}`)).statusCode).toBe(401);
    }
    t.clock.advance(31 * MIN);
    // The earlier four are outside the window now: this failure starts a new count.
    expect((await attempt('sys_admin', 'Wrong#pass1', '10.7.0.9')).statusCode).toBe(401);
    expect((await attempt('sys_admin', DEMO_PASSWORD, '10.7.0.10')).statusCode).toBe(200);
  });

  it('lifts an account lock when the lockout time has passed, and an address delay sooner', async () => {
    for (let i = 0; i < 5; i++) await attempt('building_head', 'Wrong#pass1', `10.8.0.${i + 1}`);
    for (let i = 0; i < 20; i++) await attempt(`stranger_${i}`, 'Wrong#pass1', '10.8.1.1');
    expect((await attempt('building_head', DEMO_PASSWORD, '10.8.0.50')).statusCode).toBe(423);
    expect((await attempt('grid_b', DEMO_PASSWORD, '10.8.1.1')).statusCode).toBe(429);
    t.clock.advance(29 * MIN);
    expect((await attempt('building_head', DEMO_PASSWORD, '10.8.0.51')).statusCode).toBe(423);
    expect((await attempt('grid_b', DEMO_PASSWORD, '10.8.1.1')).statusCode).toBe(200);
    t.clock.advance(2 * MIN);
    const ok = await attempt('building_head', DEMO_PASSWORD, '10.8.0.52');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ next: 'ok' });
  });
});

describe('sign-in under concurrency', () => {
  /** Demo accounts no other test here signs in with (the street's community workers). */
  const untouched = async (i: number) =>
    (
      await t.db
        .selectFrom('users')
        .select('username')
        .where('username', 'like', 'worker\\_%')
        .orderBy('username')
        .offset(i)
        .limit(1)
        .executeTakeFirstOrThrow()
    ).username;
  const wrongAudits = async (username: string) =>
    (await auditRows('auth.login', username))
      .filter((r) => !r.success)
      .map((r) => (r.detail as { reason: string }).reason);

  it('checks at most the threshold of passwords when 40 wrong ones arrive at once', async () => {
    const name = await untouched(0);
    expect((await attempt(name, DEMO_PASSWORD, '10.40.200.1')).statusCode).toBe(200);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => attempt(name, `Wrong#burst${i}`, `10.40.${i}.1`)),
    );
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses.filter((x) => x === 401)).toHaveLength(4);
    expect(statuses.filter((x) => x === 423)).toHaveLength(36);
    const reasons = await wrongAudits(name);
    // Exactly five passwords were checked (and failed); the other 35 were refused unchecked.
    expect(reasons.filter((r) => r === 'bad_password')).toHaveLength(5);
    expect(reasons.filter((r) => r === 'locked')).toHaveLength(35);
    expect(await auditRows('auth.lockout', name)).toHaveLength(1);
  });

  it('refuses the right password arriving inside the burst once the name is locked', async () => {
    const key = await untouched(1);
    const burst = Array.from({ length: 40 }, (_, i) => attempt(key, `Wrong#burst${i}`, `10.41.${i}.1`));
    // While the burst is still being answered, wait for the claims to reach the threshold …
    for (let i = 0; i < 500; i++) {
      const row = await t.db
        .selectFrom('loginThrottle')
        .select('failures')
        .where('kind', '=', 'account')
        .where('key', '=', key)
        .executeTakeFirst();
      if ((row?.failures ?? 0) >= 5) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    // … and send the right one.
    const right = attempt(key, DEMO_PASSWORD, '10.41.99.1');
    const [answers, r] = await Promise.all([Promise.all(burst), right]);
    expect(r.statusCode).toBe(423);
    expect(r.cookies.find((c) => c.name === 'jy_sid')).toBeUndefined();
    expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(0);
    expect((await wrongAudits(key)).filter((x) => x === 'bad_password')).toHaveLength(5);
  });
});

describe('sessions', () => {
  it('ends a session left idle for more than 30 minutes', async () => {
    const c = await t.login('community_worker');
    t.clock.advance(29 * MIN);
    expect((await c.get('/api/auth/me')).statusCode).toBe(200);
    // Activity keeps it alive: 29 more minutes since the last request.
    t.clock.advance(29 * MIN);
    expect((await c.get('/api/auth/me')).statusCode).toBe(200);
    t.clock.advance(31 * MIN);
    const r = await c.get('/api/areas/tree');
    expect(r.statusCode).toBe(401);
    expect(r.json()).toMatchObject({ code: 'AUTH_REQUIRED', message: '请先登录' });
    // Gone for good, even if the clock came back.
    expect((await c.get('/api/auth/me')).statusCode).toBe(401);
  });

  it('ends a session after its absolute lifetime (12 hours) however active it is', async () => {
    const c = await t.login('grid_a');
    const expiresAt = new Date((await c.get('/api/auth/me')).json().session.expiresAt).getTime();
    expect(expiresAt - t.clock.now().getTime()).toBe(12 * 60 * MIN);
    while (t.clock.now().getTime() + 20 * MIN < expiresAt) {
      t.clock.advance(20 * MIN);
      expect((await c.get('/api/auth/me')).statusCode).toBe(200);
    }
    t.clock.advance(20 * MIN);
    expect((await c.get('/api/auth/me')).json().code).toBe('AUTH_REQUIRED');
  });

  it('logs out: the session ends and its cookie no longer works', async () => {
    const c = await t.login('grid_a');
    const r = await c.post('/api/auth/logout');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ ok: true });
    const cleared = r.cookies.find((ck) => ck.name === 'jy_sid');
    expect(cleared?.value).toBe('');
    expect((await c.get('/api/auth/me')).statusCode).toBe(401);
    expect((await c.post('/api/auth/logout')).statusCode).toBe(401);
    expect((await auditRows('auth.logout', 'grid_a')).length).toBeGreaterThan(0);
  });

  it('refuses a state-changing request without the right CSRF token, and keeps the session', async () => {
    const login = await attempt('grid_a', DEMO_PASSWORD);
    const sid = login.cookies.find((c) => c.name === 'jy_sid')!.value;
    const csrf = login.cookies.find((c) => c.name === 'jy_csrf')!.value;
    const post = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: { cookie: `jy_sid=${sid}`, ...headers },
      });
    const variants: Record<string, string>[] = [
      {},
      { 'x-csrf-token': '' },
      { 'x-csrf-token': 'forged-token-value-000000' },
    ];
    for (const headers of variants) {
      const r = await post(headers);
      expect(r.statusCode).toBe(403);
      expect(r.json()).toMatchObject({ code: 'CSRF_FAILED' });
    }
    // The token of another session does not do either.
    const other = (await attempt('grid_b', DEMO_PASSWORD)).cookies.find((c) => c.name === 'jy_csrf')!.value;
    expect((await post({ 'x-csrf-token': other })).json().code).toBe('CSRF_FAILED');
    // Still signed in: the refused requests did nothing. Reads need no token.
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { cookie: `jy_sid=${sid}` },
    });
    expect(me.statusCode).toBe(200);
    expect((await post({ 'x-csrf-token': csrf })).statusCode).toBe(200);
  });
});

describe('forced password change', () => {
  let admin: Client;
  let initialPassword: string;
  beforeAll(async () => {
    admin = await t.login('security_admin');
    const r = await admin.post('/api/users', {
      username: 'newcomer',
      displayName: '新来的',
      areaId: await areaId('430681001001'),
    });
    expect(r.statusCode).toBe(201);
    initialPassword = r.json().initialPassword;
  });

  it('makes a new account change its one-time password before anything else', async () => {
    const login = await attempt('newcomer', initialPassword, '10.9.0.1');
    expect(login.statusCode).toBe(200);
    expect(login.json()).toEqual({ next: 'change_password' });
    const c = t.fromLogin(login);
    const me = await c.get('/api/auth/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().user.mustChangePassword).toBe(true);
    for (const [method, url] of [
      ['GET', '/api/areas/tree'],
      ['GET', '/api/users'],
      ['POST', '/api/auth/totp/setup'],
    ] as const) {
      const r = await c.request({ method, url });
      expect(r.statusCode, url).toBe(403);
      expect(r.json().code, url).toBe('PASSWORD_CHANGE_REQUIRED');
    }
  });

  it('refuses weak new passwords with the policy issues on newPassword', async () => {
    const c = t.fromLogin(await attempt('newcomer', initialPassword, '10.9.0.2'));
    const cases: [string, string[]][] = [
      ['short1A', ['too_short']],
      ['alllowercaseletters', ['too_simple']],
      ['Newcomer#2026', ['contains_username']],
      [initialPassword, ['same_as_current']],
    ];
    for (const [pw, codes] of cases) {
      const r = await c.post('/api/auth/password', { currentPassword: initialPassword, newPassword: pw });
      expect(r.statusCode, pw).toBe(400);
      const b = r.json();
      expect(b.code).toBe('PASSWORD_POLICY');
      expect(b.issues.map((i: { code: string }) => i.code)).toEqual(codes);
      expect(b.issues.every((i: { path: string }) => i.path === 'newPassword')).toBe(true);
    }
    const wrong = await c.post('/api/auth/password', {
      currentPassword: 'Not#theRight1',
      newPassword: GOOD_NEW_PASSWORD,
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe('WRONG_PASSWORD');
    // Nothing changed: the one-time password still signs in.
    expect((await attempt('newcomer', initialPassword, '10.9.0.3')).json()).toEqual({
      next: 'change_password',
    });
  });

  it('opens the account once the password is changed, and ends its other sessions', async () => {
    const other = t.fromLogin(await attempt('newcomer', initialPassword, '10.9.0.4'));
    const c = t.fromLogin(await attempt('newcomer', initialPassword, '10.9.0.5'));
    const r = await c.post('/api/auth/password', {
      currentPassword: initialPassword,
      newPassword: GOOD_NEW_PASSWORD,
    });
    expect(r.statusCode).toBe(200);
    expect((await c.get('/api/auth/me')).json().user.mustChangePassword).toBe(false);
    // The account holds no role: the gate is now the permission, not the password.
    expect((await c.get('/api/areas/tree')).json().code).toBe('FORBIDDEN');
    expect((await c.post('/api/auth/totp/setup')).statusCode).toBe(200);
    expect((await other.get('/api/auth/me')).statusCode).toBe(401);
    expect((await attempt('newcomer', initialPassword, '10.9.0.6')).statusCode).toBe(401);
    expect((await attempt('newcomer', GOOD_NEW_PASSWORD, '10.9.0.7')).json()).toEqual({ next: 'ok' });
    const rows = await auditRows('auth.password_change', 'newcomer');
    expect(rows).toHaveLength(1);
  });
});

describe('two-factor sign-in', () => {
  it('sets up TOTP, then asks for a code at sign-in before anything else', async () => {
    const c = await t.login('community_worker');
    const setup = await c.post('/api/auth/totp/setup');
    expect(setup.statusCode).toBe(200);
    const { secret, uri } = setup.json();
    expect(uri).toContain(`secret=${secret}`);
    // The secret is stored encrypted, never in clear.
    const stored = await t.db
      .selectFrom('users')
      .select(['totpSecretEnc', 'totpEnabled'])
      .where('username', '=', 'community_worker')
      .executeTakeFirstOrThrow();
    expect(stored.totpSecretEnc).not.toContain(secret);
    expect(stored.totpEnabled).toBe(false);

    const now = t.clock.now().getTime();
    const bad = await c.post('/api/auth/totp/enable', { code: wrongCode(secret) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('INVALID_TOTP');
    const malformed = await c.post('/api/auth/totp/enable', { code: '12ab56' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().issues[0].path).toBe('code');
    const on = await c.post('/api/auth/totp/enable', { code: totpCode(secret, now) });
    expect(on.statusCode).toBe(200);
    expect((await c.get('/api/auth/me')).json().user.totpEnabled).toBe(true);

    const login = await attempt('community_worker', DEMO_PASSWORD, '10.10.0.1');
    expect(login.json()).toEqual({ next: 'mfa' });
    const pending = t.fromLogin(login);
    const me = await pending.get('/api/auth/me');
    expect(me.json().user.mfaPending).toBe(true);
    expect(me.json().roles).toEqual([]);
    expect(me.json().permissions).toEqual([]);
    const blocked = await pending.get('/api/areas/tree');
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().code).toBe('MFA_REQUIRED');

    const wrong = await pending.request({
      method: 'POST',
      url: '/api/auth/totp/verify',
      payload: { code: wrongCode(secret) },
      remoteAddress: '10.10.0.1',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe('INVALID_TOTP');
    expect((await pending.get('/api/areas/tree')).json().code).toBe('MFA_REQUIRED');

    // A code is good once: the one that enabled the factor cannot sign in (RFC 6238 §5.2).
    const replay = await pending.post('/api/auth/totp/verify', { code: totpCode(secret, now) });
    expect(replay.json().code).toBe('INVALID_TOTP');
    t.clock.advance(30_000);
    const ok = await pending.post('/api/auth/totp/verify', {
      code: totpCode(secret, t.clock.now().getTime()),
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ next: 'ok' });
    expect((await pending.get('/api/areas/tree')).statusCode).toBe(200);
    const audited = await t.db
      .selectFrom('auditLog')
      .select(['success'])
      .where('action', '=', 'auth.mfa')
      .where('actorName', '=', 'community_worker')
      .orderBy('seq')
      .execute();
    expect(audited.map((a) => a.success)).toEqual([false, false, true]);

    // Turning it off needs a valid code too; afterwards the password alone signs in.
    const off = await pending.post('/api/auth/totp/disable', { code: wrongCode(secret) });
    expect(off.json().code).toBe('INVALID_TOTP');
    t.clock.advance(30_000);
    const now2 = t.clock.now().getTime();
    expect((await pending.post('/api/auth/totp/disable', { code: totpCode(secret, now2) })).statusCode).toBe(
      200,
    );
    expect((await attempt('community_worker', DEMO_PASSWORD, '10.10.0.2')).json()).toEqual({ next: 'ok' });
  });

  it('does not let a second factor be verified without one set up', async () => {
    const c = await t.login('volunteer');
    const r = await c.post('/api/auth/totp/verify', { code: '123456' });
    expect(r.statusCode).toBe(409);
    expect(r.json().code).toBe('TOTP_NOT_SET_UP');
  });
});

describe('password expiry', () => {
  it('asks a non-demo account to change its password after 90 days; demo accounts are exempt', async () => {
    const fresh = t.fromLogin(await attempt('newcomer', GOOD_NEW_PASSWORD, '10.11.0.1'));
    const expires = new Date((await fresh.get('/api/auth/me')).json().user.passwordExpiresAt).getTime();
    const changed = await t.db
      .selectFrom('users')
      .select('passwordChangedAt')
      .where('username', '=', 'newcomer')
      .executeTakeFirstOrThrow();
    expect(expires - changed.passwordChangedAt.getTime()).toBe(90 * 24 * 60 * MIN);

    t.clock.set(new Date(expires - MIN));
    expect((await attempt('newcomer', GOOD_NEW_PASSWORD, '10.11.0.2')).json()).toEqual({ next: 'ok' });
    t.clock.set(new Date(expires + MIN));
    const late = await attempt('newcomer', GOOD_NEW_PASSWORD, '10.11.0.3');
    expect(late.json()).toEqual({ next: 'change_password' });
    const c = t.fromLogin(late);
    expect((await c.post('/api/auth/totp/setup')).json().code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await attempt('grid_a', DEMO_PASSWORD, '10.11.0.4')).json()).toEqual({ next: 'ok' });

    expect(
      (
        await c.post('/api/auth/password', {
          currentPassword: GOOD_NEW_PASSWORD,
          newPassword: 'Another7river!',
        })
      ).statusCode,
    ).toBe(200);
    expect((await c.post('/api/auth/totp/setup')).statusCode).toBe(200);
  });
});

describe('password rules', () => {
  const P0 = 'Harbour7bridge!';
  const P1 = 'Lantern4meadow!';
  const P2 = 'Copper9valley#';
  let sec: Client;
  let me: Client;
  let current = P0;
  const change = (next: string, lang?: string) =>
    me.post(
      '/api/auth/password',
      { currentPassword: current, newPassword: next },
      lang ? { 'accept-language': lang } : undefined,
    );
  const codes = (r: { json(): { issues?: { code: string }[] } }) => r.json().issues?.map((i) => i.code);

  beforeAll(async () => {
    sec = await t.login('security_admin');
    const r = await sec.post('/api/users', {
      username: 'historian',
      displayName: '史官',
      areaId: await areaId('430681001001'),
      password: P0,
    });
    expect(r.statusCode, r.body).toBe(201);
    me = t.fromLogin(await attempt('historian', P0, '10.12.0.1'));
  });

  it('refuses the demo password, common passwords and their dressed-up variants', async () => {
    for (const pw of [
      'Jiayuan@2026',
      'Jiayuan@2027',
      'Aa123456',
      'P@ssw0rd',
      'Qwer1234',
      'Admin@123',
      '1qaz@WSX',
    ]) {
      const r = await change(pw);
      expect(r.statusCode, pw).toBe(400);
      expect(codes(r), pw).toEqual(['too_common']);
    }
    const r = await change('Jiayuan@2026', 'en');
    expect(r.json().issues[0]).toEqual({
      path: 'newPassword',
      code: 'too_common',
      message:
        'the password is too common (a common or demo password, or a variant of one) and easy to guess',
    });
    // An administrator setting one is refused the same way, on its own field.
    const created = await sec.post('/api/users', {
      username: 'demo_copy',
      displayName: '演示',
      areaId: await areaId('430681001001'),
      password: 'Jiayuan@2026',
    });
    expect(created.json()).toMatchObject({
      code: 'PASSWORD_POLICY',
      issues: [
        {
          path: 'password',
          code: 'too_common',
          message: '密码过于常见（常见密码、演示密码或其变体），容易被猜中',
        },
      ],
    });
  });

  it('counts no spaces: refuses leading and trailing ones, and eight spaces and Aa1', async () => {
    const padded = await change('        Aa1');
    expect(codes(padded)).toEqual(['whitespace_edges', 'too_short', 'too_common']);
    expect(padded.json().issues[1].message).toBe('密码至少需要 8 个字符（空格不计）');
    expect(codes(await change(' Lantern4meadow!'))).toEqual(['whitespace_edges']);
    expect(codes(await change('Lantern4meadow! '))).toEqual(['whitespace_edges']);
    expect(codes(await change('Ab 1 c d'))).toEqual(['too_short']);
  });

  it('refuses any of the last five passwords (kept as argon2 hashes), a number the policy sets', async () => {
    expect((await change(P1)).statusCode).toBe(200);
    current = P1;
    expect((await change(P2)).statusCode).toBe(200);
    current = P2;
    for (const old of [P0, P1]) {
      const r = await change(old);
      expect(r.statusCode).toBe(400);
      expect(r.json().issues).toEqual([
        { path: 'newPassword', code: 'reused', message: '新密码不能与最近 5 次使用过的密码相同' },
      ]);
    }
    const kept = await t.db
      .selectFrom('passwordHistory as h')
      .innerJoin('users as u', 'u.id', 'h.userId')
      .select('h.passwordHash')
      .where('u.username', '=', 'historian')
      .execute();
    expect(kept).toHaveLength(2);
    for (const k of kept) {
      expect(k.passwordHash).toMatch(/^\$argon2id\$/);
      for (const pw of [P0, P1, P2]) expect(k.passwordHash).not.toContain(pw);
    }
    // An administrator's reset keeps the replaced one too: back to P2 is refused after it.
    const id = (
      await t.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'historian')
        .executeTakeFirstOrThrow()
    ).id;
    const reset = await sec.post(`/api/users/${id}/reset-password`);
    current = reset.json().initialPassword;
    me = t.fromLogin(await attempt('historian', current, '10.12.0.2'));
    expect(codes(await change(P2))).toEqual(['reused']);
    // With a history of one, only the current password is refused.
    const settings = (await sec.get('/api/settings/security')).json();
    expect(settings.passwordPolicy.history).toBe(5);
    const one = { ...settings, passwordPolicy: { ...settings.passwordPolicy, history: 1 } };
    expect((await sec.put('/api/settings/security', one)).statusCode).toBe(200);
    expect((await change(P0)).statusCode).toBe(200);
    expect((await sec.put('/api/settings/security', settings)).statusCode).toBe(200);
  });

  it('keeps the seeded demo accounts on the demo password', async () => {
    expect((await attempt('grid_a', DEMO_PASSWORD, '10.12.0.9')).json()).toEqual({ next: 'ok' });
  });
});

describe('audit trail of sign-ins', () => {
  it('keeps every sign-in, failure and lockout in the hash-chained log', async () => {
    const counts = await sql<{ action: string; success: boolean; n: number }>`
      SELECT action, success, count(*)::int AS n FROM audit_log
      WHERE action IN ('auth.login', 'auth.lockout') GROUP BY 1, 2 ORDER BY 1, 2`.execute(t.db);
    const by = Object.fromEntries(counts.rows.map((r) => [`${r.action}:${r.success}`, r.n]));
    expect(by['auth.login:true']).toBeGreaterThan(10);
    expect(by['auth.login:false']).toBeGreaterThan(20);
    expect(by['auth.lockout:true']).toBeGreaterThanOrEqual(4);
    const admin = await t.login('audit_admin');
    const v = await admin.post('/api/audit/verify');
    expect(v.json()).toMatchObject({ ok: true, firstBrokenSeq: null });
  });
});
