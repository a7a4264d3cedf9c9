import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idCheckDigit } from '../../src/contract/identifiers.js';
import { MODULES } from '../../src/server/modules/index.js';
import { EXPORT_LIMIT } from '../../src/server/modules/registry/registry.export.js';
import { REVEAL_LIMIT } from '../../src/server/modules/registry/registry.service.js';
import { DEMO_PASSWORD } from '../../src/server/platform/demo.js';
import { buildApp } from '../../src/server/platform/http/app.js';
import { type Client, createTestApp, type TestApp } from '../helpers/app.js';
import { areaIdByCode, fingerprint } from '../helpers/db.js';
import { type RouteInfo, routeTable } from '../helpers/routes.js';

/**
 * Sensitive data at rest and in logs, security headers, CSRF and rate limits (docs/security.md,
 * "How it is tested").
 *
 * At rest: every text, varchar, char and json(b) column of every table is scanned with SQL for a
 * 公民身份号码 (18 characters, a plausible birth date and the GB 11643 check character) or a
 * mainland mobile number (1[3-9] and nine digits), each standing alone (not inside a longer run of
 * letters and digits: hashes and ciphertext are made of those). Once on the seeded template, once
 * after a workload that sends ID numbers and phones through every way the API takes them.
 *
 * Free text that users type (case descriptions, comments, visit findings) is stored as typed: the
 * app has a dedicated, encrypted field for every identifier it asks for (contact phone, party ID
 * number and phone, person ID and phone), and does not rewrite what a worker writes in prose —
 * masking a number in "请回电 139…" would lose it for the handler with no way to reveal it. So the
 * workload types a phone into a case description on purpose, and the scan must find exactly that
 * row and nothing else: the grey area is shown, not excluded (docs/security.md).
 */

const makeId = (first17: string) => first17 + idCheckDigit(first17);
const rnd = (n: number) =>
  Array.from(randomBytes(n))
    .map((b) => String(b % 10))
    .join('');
/** Every identifier the workload sends: none may be found in clear anywhere but typed prose. */
const sent = { ids: [] as string[], phones: [] as string[], secrets: [] as string[] };
const newId = (birth = '19850315') => {
  const v = makeId(`430681${birth}${rnd(3)}`);
  sent.ids.push(v);
  return v;
};
const newPhone = () => {
  const v = `139${rnd(8)}`;
  sent.phones.push(v);
  return v;
};

const logLines: string[] = [];
let t: TestApp;
let routes: RouteInfo[];

/** Session cookies of each sign-in (for requests that must leave the CSRF header out). */
const cookieOf = new Map<Client, string>();

/** Signs in through the API, keeping the session and CSRF tokens to look for in the logs. */
async function login(username: string, remoteAddress?: string): Promise<Client> {
  const r = await t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password: DEMO_PASSWORD },
    ...(remoteAddress ? { remoteAddress } : {}),
  });
  expect(r.statusCode, r.body).toBe(200);
  for (const c of r.cookies) sent.secrets.push(c.value);
  const client = t.fromLogin(r);
  client.username = username;
  cookieOf.set(client, r.cookies.map((c) => `${c.name}=${c.value}`).join('; '));
  return client;
}

beforeAll(async () => {
  t = await createTestApp({ log: (line) => logLines.push(line) });
  routes = (await routeTable(t.services)).filter((r) => !r.url.startsWith('/api/docs'));
});
afterAll(async () => t?.close());

// ---------------------------------------------------------------------------------------------
// At rest

interface Hit {
  where: string;
  value: string;
}

const ID_RE =
  /(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g;
const PHONE_RE = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/g;
/** The same, as PostgreSQL regular expressions: the candidates the scan reads back to check. */
const PG_ID = '(^|[^0-9A-Za-z])[1-9][0-9]{16}[0-9Xx]([^0-9A-Za-z]|$)';
const PG_PHONE = '(^|[^0-9A-Za-z])1[3-9][0-9]{9}([^0-9A-Za-z]|$)';

/** Every column of every table that can hold text, with a row identifier to name hits by. */
async function textColumns() {
  const r = await sql<{ table: string; column: string; hasId: boolean }>`
    SELECT c.table_name AS "table", c.column_name AS "column",
           EXISTS (SELECT 1 FROM information_schema.columns i
                   WHERE i.table_schema = 'public' AND i.table_name = c.table_name AND i.column_name = 'id') AS "hasId"
    FROM information_schema.columns c
    JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
    WHERE c.table_schema = 'public' AND tb.table_type = 'BASE TABLE'
      AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED')
      AND (c.data_type <> 'ARRAY' OR c.udt_name IN ('_text', '_varchar'))
      AND (c.data_type <> 'USER-DEFINED' OR c.udt_name IN ('ltree', 'citext'))
    ORDER BY 1, 2`.execute(t.db);
  return r.rows;
}

async function scan(): Promise<{ hits: Hit[]; columns: number }> {
  const cols = await textColumns();
  const hits: Hit[] = [];
  for (const { table, column, hasId } of cols) {
    const rowId = hasId ? sql`id::text` : sql`ctid::text`;
    const r = await sql<{ rid: string; v: string }>`
      SELECT ${rowId} AS rid, ${sql.ref(column)}::text AS v FROM ${sql.table(table)}
      WHERE ${sql.ref(column)}::text ~ ${PG_ID} OR ${sql.ref(column)}::text ~ ${PG_PHONE}`.execute(t.db);
    for (const { rid, v } of r.rows) {
      for (const m of v.matchAll(ID_RE))
        if (idCheckDigit(m[0].slice(0, 17)) === m[0][17]!.toUpperCase())
          hits.push({ where: `${table}.${column} ${hasId ? 'id' : 'ctid'}=${rid}`, value: m[0] });
      for (const m of v.matchAll(PHONE_RE))
        hits.push({ where: `${table}.${column} ${hasId ? 'id' : 'ctid'}=${rid}`, value: m[0] });
    }
  }
  return { hits, columns: cols.length };
}

/** The case descriptions the workload typed a phone into: the documented grey area. */
const proseCaseIds: number[] = [];

describe('at rest', () => {
  it('the seeded template holds no ID number or mobile number in clear in any column', async () => {
    const started = Date.now();
    const { hits, columns } = await scan();
    console.log(
      `at-rest scan (template): ${columns} columns, ${Date.now() - started} ms, ${hits.length} hits`,
    );
    expect(columns).toBeGreaterThan(100);
    expect(hits).toEqual([]);
  });

  it('nor after a workload that sends them through every way the API takes them', async () => {
    const street = await login('street_admin');
    const gridA = await login('grid_a');
    const sec = await login('security_admin');
    const grid1 = await areaIdByCode(t.db, '430681001001001');
    const house = (
      await sql<{ id: number }>`
        SELECT h.id FROM areas h, areas g WHERE g.id = ${grid1} AND h.kind = 'house' AND h.path <@ g.path
        ORDER BY h.id LIMIT 1`.execute(t.db)
    ).rows[0]!.id;

    // people: created, edited, searched by whole and partial identifiers, revealed, exported
    const people: { id: number; version: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await gridA.post('/api/people', {
        name: `测试${i}`,
        idNumber: newId(),
        phone: newPhone(),
        residenceType: 'resident',
        areaId: house,
        currentAddress: `友谊花园${i}栋`,
      });
      expect(r.statusCode, r.body).toBe(201);
      people.push(r.json());
    }
    const edit = await gridA.patch(
      `/api/people/${people[0]!.id}`,
      { phone: newPhone(), idNumber: newId('19900101') },
      { 'if-match': `"${people[0]!.version}"` },
    );
    expect(edit.statusCode, edit.body).toBe(200);
    for (const q of [sent.ids[1]!, sent.phones[1]!, sent.ids[2]!.slice(-6), sent.phones[2]!.slice(-4)]) {
      const s = await gridA.get(`/api/people?q=${q}`);
      expect(s.statusCode, s.body).toBe(200);
      expect(s.body).not.toContain(sent.ids[1]);
    }
    const rev = await gridA.post(`/api/people/${people[1]!.id}/reveal`, {
      field: 'idNumber',
      purpose: '核对身份',
    });
    expect(rev.json().value).toBe(sent.ids[1]);
    const exp = await street.post('/api/people/export', { q: sent.phones[2] });
    expect(exp.statusCode, exp.body.slice(0, 200)).toBe(200);
    expect(exp.headers['x-export-rows']).toBe('1');

    // an organisation with a contact phone
    const org = await street.post('/api/organisations', {
      name: '测试物业公司',
      kind: 'property',
      areaId: grid1,
      contactName: '钱经理',
      contactPhone: newPhone(),
    });
    expect(org.statusCode, org.body).toBe(201);

    // a small ledger imported
    const csv = `姓名,公民身份号码,联系电话\n导入甲,${newId('19600101')},${newPhone()}\n导入乙,${newId('19700202')},${newPhone()}\n`;
    const boundary = `----jy${randomBytes(8).toString('hex')}`;
    const up = await street.request({
      method: 'POST',
      url: '/api/people/import',
      payload: Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="ledger.csv"\r\nContent-Type: text/csv\r\n\r\n`,
        ),
        Buffer.from(csv),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]),
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(up.statusCode, up.body).toBe(200);
    const preview = up.json() as { id: number; columns: { index: number; field: string | null }[] };
    const conf = await street.post(`/api/imports/${preview.id}/confirm`, {
      mapping: Object.fromEntries(preview.columns.map((c) => [String(c.index), c.field])),
      areaId: house,
      residenceType: 'resident',
    });
    expect(conf.statusCode, conf.body).toBe(202);
    let job = conf.json();
    for (let i = 0; i < 200 && !['done', 'failed'].includes(job.status); i++) {
      await new Promise((r) => setTimeout(r, 50));
      job = (await street.get(`/api/imports/${preview.id}`)).json();
    }
    expect(job.status, JSON.stringify(job)).toBe('done');
    expect(job.created, JSON.stringify(job)).toBe(2);

    // cases: a contact phone, a dispute's parties, and — the grey area — a phone typed in prose
    const typed = newPhone();
    const ev = await gridA.post('/api/cases', {
      type: 'event',
      category: 'order.parking',
      title: '人行道违停',
      description: `车主电话 ${typed}，请联系挪车`,
      contactName: '周先生',
      contactPhone: newPhone(),
      areaId: grid1,
    });
    expect(ev.statusCode, ev.body).toBe(201);
    proseCaseIds.push(ev.json().id);
    const dispute = await gridA.post('/api/cases', {
      type: 'dispute',
      category: '0203',
      title: '卫生间漏水引发邻里纠纷',
      areaId: grid1,
      parties: [
        { role: 'applicant', name: '张三', idNumber: newId('19800315'), phone: newPhone() },
        { role: 'respondent', name: '李四', idNumber: newId('19811111'), phone: newPhone() },
      ],
    });
    expect(dispute.statusCode, dispute.body).toBe(201);
    const d = dispute.json();
    const secretary = await login('community_admin');
    const crev = await secretary.post(`/api/cases/${d.id}/reveal`, {
      field: 'partyIdNumber',
      partyId: d.parties[0].id,
      purpose: '核对当事人',
    });
    expect(crev.statusCode, crev.body).toBe(200);
    expect(sent.ids).toContain(crev.json().value);

    // a visit recorded
    const day = (await gridA.get('/api/visits/my-day?horizon=90')).json();
    const item = day.items[0];
    const rule = (await gridA.get('/api/visit-rules'))
      .json()
      .find((r: { id: number }) => r.id === item.ruleId);
    const form: Record<string, string | boolean> = {};
    for (const f of rule.form)
      form[f.key] = f.kind === 'yesno' ? false : f.kind === 'choice' ? f.options[0] : '无';
    const visit = await gridA.post(
      '/api/visits',
      { personId: item.personId, ruleId: item.ruleId, met: '本人', findings: '老人独居，身体尚可', form },
      { 'idempotency-key': 'security-visit-0001' },
    );
    expect(visit.statusCode, visit.body).toBe(201);

    // Open311: a request with a phone, under an API key
    const key = await sec.post('/api/open311/keys', {
      name: 'scan client',
      areaId: await areaIdByCode(t.db, '430681001'),
    });
    expect(key.statusCode, key.body).toBe(201);
    sent.secrets.push(key.json().key);
    const form311 = new URLSearchParams({
      api_key: key.json().key,
      service_code: 'request.help.repair',
      address_string: '友谊花园1栋',
      description: '楼道灯坏了',
      phone: newPhone(),
    });
    const geo = await t.anon().request({
      method: 'POST',
      url: '/open311/v2/requests.json',
      payload: form311.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(geo.statusCode, geo.body).toBe(200);

    // failed sign-ins (their passwords must not reach the log either)
    for (const password of ['Wrong#Pass1', 'Wrong#Pass2']) {
      sent.secrets.push(password);
      const r = await t.anon().request({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'building_head', password },
        remoteAddress: '10.20.30.40',
      });
      expect(r.statusCode).toBe(401);
    }
    // a new account with a chosen password
    const pw = `Pw#${randomBytes(6).toString('hex')}`;
    sent.secrets.push(pw);
    const u = await sec.post('/api/users', {
      username: 'scan_user',
      displayName: '扫描',
      areaId: grid1,
      password: pw,
    });
    expect(u.statusCode, u.body).toBe(201);

    // Wait for the audit sealer so that sealed entries are scanned too.
    await (await login('audit_admin')).post('/api/audit/verify');

    const started = Date.now();
    const { hits, columns } = await scan();
    console.log(
      `at-rest scan (after the workload): ${columns} columns, ${Date.now() - started} ms, ${hits.length} hits`,
    );
    // The one expected: the phone typed into a case description, stored as typed (the grey area),
    // there and in the report's timeline entry, which shows the description.
    const reportEvent = await t.db
      .selectFrom('caseEvents')
      .select('id')
      .where('caseId', '=', proseCaseIds[0]!)
      .where('kind', '=', 'report')
      .executeTakeFirstOrThrow();
    const grey = [`cases.description id=${proseCaseIds[0]}`, `case_events.comment id=${reportEvent.id}`];
    const prose = hits.filter((h) => grey.includes(h.where));
    expect(prose.sort((a, b) => a.where.localeCompare(b.where))).toEqual(
      grey.map((where) => ({ where, value: typed })).sort((a, b) => a.where.localeCompare(b.where)),
    );
    expect(hits.filter((h) => !prose.includes(h))).toEqual([]);
    // The workload sent this many; the grey-area hit shows the scan finds one left in clear.
    expect(sent.ids).toHaveLength(8);
    expect(sent.phones).toHaveLength(12);
  });
});

// ---------------------------------------------------------------------------------------------
// Logs

describe('logs', () => {
  it('record the requests of the workload without ID numbers, phones, tokens or passwords', () => {
    const text = logLines.join('\n');
    // The capture works: the request logger wrote the workload's requests, query values left out.
    expect(logLines.length).toBeGreaterThan(50);
    expect(text).toContain('"url":"/api/people?q=*"');
    const found: string[] = [];
    for (const v of [...sent.ids, ...sent.phones, ...sent.secrets]) if (text.includes(v)) found.push(v);
    for (const re of [ID_RE, PHONE_RE])
      for (const m of text.matchAll(re))
        if (re !== ID_RE || idCheckDigit(m[0].slice(0, 17)) === m[0][17]!.toUpperCase()) found.push(m[0]);
    expect(found).toEqual([]);
    expect(text).not.toContain(DEMO_PASSWORD);
  });
});

// ---------------------------------------------------------------------------------------------
// Headers

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const concrete = (url: string) => url.replace(/:\w+/g, '1').replace('*', 'x.json');

function securityHeaders(r: LightMyRequestResponse, what: string) {
  const csp = String(r.headers['content-security-policy'] ?? '');
  expect(csp, `CSP of ${what}`).toMatch(/default-src 'self'/);
  expect(csp, `CSP of ${what}`).toMatch(/script-src 'self'/);
  expect(csp, `CSP of ${what}`).toMatch(/frame-ancestors 'none'/);
  expect(r.headers['x-frame-options'], what).toBe('DENY');
  expect(r.headers['x-content-type-options'], what).toBe('nosniff');
  expect(r.headers['referrer-policy'], what).toBe('no-referrer');
}

describe('headers', () => {
  it('every route answers with CSP, frame-ancestors, nosniff, referrer policy; every /api answer with no-store', async () => {
    const worker = await login('community_worker');
    const anon = t.anon();
    let n = 0;
    for (const route of routes) {
      if (!['GET', ...MUTATING].includes(route.method)) continue;
      // Reads as a signed-in user; writes without the CSRF header (refused before any change:
      // the error answers carry the headers too).
      const url = concrete(route.url);
      for (const client of [worker, anon]) {
        const r = await client.request({
          method: route.method as 'GET',
          url,
          ...(MUTATING.has(route.method) ? { payload: {}, headers: { 'x-csrf-token': '' } } : {}),
        });
        const what = `${route.method} ${url} (${client.username ?? 'anonymous'}) → ${r.statusCode}`;
        expect(r.statusCode, what).toBeLessThan(500);
        securityHeaders(r, what);
        if (url.startsWith('/api/')) expect(String(r.headers['cache-control']), what).toMatch(/no-store/);
        expect(r.headers['strict-transport-security'], what).toBeUndefined();
        n++;
      }
    }
    // the answers of no route at all, too
    for (const url of ['/api/nothing-here', '/nothing-here', '/api/docs']) {
      const r = await worker.get(url);
      securityHeaders(r, url);
      if (url.startsWith('/api/')) expect(String(r.headers['cache-control'])).toMatch(/no-store/);
    }
    console.log(`headers: ${n} requests on ${routes.length} routes`);
    expect(n).toBeGreaterThan(100);
  });

  it('HSTS only over TLS, as a trusted proxy reports it (TRUST_PROXY)', async () => {
    const tls = await buildApp(
      { ...t.services, config: { ...t.services.config, trustProxy: true } },
      MODULES,
      {
        webDir: null,
      },
    );
    try {
      for (const url of ['/api/health', '/api/meta', '/api/auth/me', '/open311/v2/services.json']) {
        const https = await tls.inject({ url, headers: { 'x-forwarded-proto': 'https' } });
        expect(https.headers['strict-transport-security'], url).toMatch(
          /^max-age=\d{8,}; includeSubDomains$/,
        );
        securityHeaders(https, url);
        const http = await tls.inject({ url, headers: { 'x-forwarded-proto': 'http' } });
        expect(http.headers['strict-transport-security'], url).toBeUndefined();
        // without TRUST_PROXY the header is not believed
        const spoofed = await t.app.inject({ url, headers: { 'x-forwarded-proto': 'https' } });
        expect(spoofed.headers['strict-transport-security'], url).toBeUndefined();
      }
      // and the session cookie is Secure behind TLS only when configured so (SECURE_COOKIES follows TRUST_PROXY)
    } finally {
      await tls.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// CSRF

/**
 * State-changing routes that need no CSRF token, and why. Every other one must refuse a request
 * that carries the session cookie but not the token.
 */
const CSRF_EXEMPT: Record<string, string> = {
  'POST /api/auth/login':
    'there is no session yet to ride on; the answer sets the token (SameSite=Lax cookies refuse cross-site posts)',
  'POST /api/resident/code':
    'no session yet: a sign-in code to a number (rate-limited by number and address)',
  'POST /api/resident/signin': 'no session yet; the answer sets the token, as the staff sign-in',
  'POST /open311/v2/requests.json':
    'GeoReport clients authenticate with api_key; session cookies are not read outside /api',
  'POST /open311/v2/requests.xml': 'as above',
};

describe('CSRF', () => {
  it('every state-changing route refuses a session without the token (403 CSRF_FAILED) and writes nothing', async () => {
    const street = await login('street_admin');
    const exempt = routes
      .filter((r) => MUTATING.has(r.method) && r.config.permission === 'public')
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(exempt).toEqual(Object.keys(CSRF_EXEMPT).sort());
    const before = await fingerprint(t.db);
    let n = 0;
    for (const route of routes) {
      if (!MUTATING.has(route.method) || CSRF_EXEMPT[`${route.method} ${route.url}`]) continue;
      for (const token of [undefined, 'not-the-token', '']) {
        const r = await t.app.inject({
          method: route.method as 'POST',
          url: concrete(route.url),
          payload: {},
          headers: {
            cookie: cookieOf.get(street)!,
            ...(token === undefined ? {} : { 'x-csrf-token': token }),
          },
        });
        const what = `${route.method} ${route.url} (token ${JSON.stringify(token)}) → ${r.statusCode} ${r.body}`;
        expect(r.statusCode, what).toBe(403);
        expect(r.json().code, what).toBe('CSRF_FAILED');
        n++;
      }
    }
    console.log(`CSRF: ${n} refused requests on ${n / 3} state-changing routes`);
    expect(n / 3).toBeGreaterThan(50);
    expect(await fingerprint(t.db)).toEqual(before);
    // the same session with its token is let through (the check is the token, not the session)
    expect((await street.post('/api/notifications/read-all', {})).statusCode).toBeLessThan(400);
  });

  it('exports and error sheets (audited, rate-limited) are POSTs with the token, never a cross-site GET (issue 14)', async () => {
    // A GET export could be started by any page the user visits (<img src>): it wrote an audit
    // entry and used up the hour's exports. matrix.test.ts checks every GET changes nothing.
    const street = await login('street_admin');
    const youyi = await areaIdByCode(t.db, '430681001001');
    const audited = async () => {
      const r = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM audit_log WHERE action LIKE '%export%'`.execute(t.db);
      return r.rows[0]!.n;
    };
    const before = await audited();
    for (const url of [
      '/api/people/export?q=nobody-at-all',
      `/api/dashboard/export?areaId=${youyi}&from=2026-01-01&to=2026-12-31`,
      '/api/imports/1/errors.xlsx',
    ]) {
      // (GET /api/people/export is GET /api/people/:id, refused cross-site: 403; the others no route: 404)
      const r = await street.get(url, { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' });
      expect([403, 404], `GET ${url}: ${r.statusCode} ${r.body.slice(0, 200)}`).toContain(r.statusCode);
      expect(String(r.headers['content-type'])).not.toContain('spreadsheetml');
    }
    expect(await audited()).toBe(before);
    for (const [url, body] of [
      ['/api/people/export', { q: 'nobody-at-all' }],
      ['/api/dashboard/export', { areaId: youyi, from: '2026-01-01', to: '2026-12-31' }],
    ] as const) {
      const refused = await t.app.inject({
        method: 'POST',
        url,
        payload: body,
        headers: { cookie: cookieOf.get(street)! },
      });
      expect(refused.statusCode, url).toBe(403);
      expect(refused.json().code).toBe('CSRF_FAILED');
      const ok = await street.post(url, body);
      expect(ok.statusCode, `${url}: ${ok.body.slice(0, 200)}`).toBe(200);
      expect(String(ok.headers['content-type'])).toContain('spreadsheetml');
    }
    expect(await audited()).toBe(before + 2);
  });

  it('refuses every /api request a browser marks cross-site, reads too: an identifier search writes its audit entry (issue 14)', async () => {
    const building = await login('building_head');
    const searches = async () => {
      const r = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM audit_log WHERE action = 'person.search.identifier'`.execute(t.db);
      return r.rows[0]!.n;
    };
    const before = await searches();
    const cross = await building.get('/api/people?q=0022', { 'sec-fetch-site': 'cross-site' });
    expect(cross.statusCode, cross.body).toBe(403);
    expect(cross.json().code).toBe('CSRF_FAILED');
    expect(await searches()).toBe(before);
    // The same search from the app itself (same-origin, or a client that sends no such header).
    for (const site of ['same-origin', undefined]) {
      const own = await building.get('/api/people?q=0022', site ? { 'sec-fetch-site': site } : {});
      expect(own.statusCode, own.body).toBe(200);
    }
    expect(await searches()).toBe(before + 2);
  });
});

// ---------------------------------------------------------------------------------------------
// Rate limits (last: they move the clock)

describe('rate limits', () => {
  it('sign-in: 5 failures lock the account name for 30 minutes (423); 20 from an address slow it (429)', async () => {
    const attempt = (username: string, password: string, remoteAddress: string) =>
      t
        .anon()
        .request({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++)
      codes.push((await attempt('grid_b', `Wrong#${i}`, `10.1.0.${i + 1}`)).statusCode);
    expect(codes.slice(0, 4)).toEqual([401, 401, 401, 401]);
    const locked = await attempt('grid_b', DEMO_PASSWORD, '10.1.0.99');
    expect(locked.statusCode).toBe(423);
    expect(locked.json().code).toBe('ACCOUNT_LOCKED');
    // one address trying many names: slowed (1, 2, 4 … s between attempts), never a lock
    for (let i = 0; i < 20; i++) await attempt(`nobody_${i}`, 'Wrong#1', '10.2.0.1');
    const fromThere = await attempt('volunteer', DEMO_PASSWORD, '10.2.0.1');
    expect(fromThere.statusCode).toBe(429);
    expect(fromThere.json().code).toBe('LOGIN_SLOWED');
    expect((await attempt('volunteer', DEMO_PASSWORD, '10.2.0.2')).statusCode).toBe(200);
    t.clock.advance(1000);
    expect((await attempt('volunteer', DEMO_PASSWORD, '10.2.0.1')).statusCode).toBe(200);
  });

  it('search: SEARCH_PER_MINUTE (120) a minute per user, then 429', async () => {
    const SEARCH_LIMIT = t.services.config.searchPerMinute;
    expect(SEARCH_LIMIT).toBe(120);
    const admin = await login('community_admin');
    const other = await login('compound_head');
    for (let i = 0; i < SEARCH_LIMIT; i++) {
      const r = await admin.get(`/api/people?q=${encodeURIComponent(`张${i}`)}&pageSize=1`);
      expect(r.statusCode, `${i}: ${r.body}`).toBe(200);
    }
    const over = await admin.get('/api/people?q=%E5%BC%A0&pageSize=1');
    expect(over.statusCode).toBe(429);
    expect(over.json().code).toBe('RATE_LIMITED');
    // lists without a search, and other users, are not limited
    expect((await admin.get('/api/people?pageSize=1')).statusCode).toBe(200);
    expect((await other.get('/api/people?q=%E5%BC%A0&pageSize=1')).statusCode).toBe(200);
    t.clock.advance(61_000);
    expect((await admin.get('/api/people?q=%E5%BC%A0&pageSize=1')).statusCode).toBe(200);
  });

  it(`reveal: ${REVEAL_LIMIT} an hour per user (people and cases together), export: ${EXPORT_LIMIT} an hour, then 429`, async () => {
    const gridA = await login('grid_a');
    const worker = await login('community_worker');
    const since = new Date(t.clock.now().getTime() - 3600_000);
    const used = async (username: string, actions: string[]) =>
      (
        await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM audit_log a JOIN users u ON u.id = a.actor_id
          WHERE u.username = ${username} AND a.action = ANY(${actions}) AND a.at > ${since}`.execute(t.db)
      ).rows[0]!.n;
    const person = (await gridA.get('/api/people?pageSize=1')).json().items[0].id;
    const left = REVEAL_LIMIT - (await used('grid_a', ['person.reveal', 'case.reveal']));
    expect(left).toBeGreaterThan(0);
    for (let i = 0; i < left; i++) {
      const r = await gridA.post(`/api/people/${person}/reveal`, { field: 'phone', purpose: '核对电话' });
      expect(r.statusCode, r.body).toBe(200);
    }
    const over = await gridA.post(`/api/people/${person}/reveal`, { field: 'phone', purpose: '核对电话' });
    expect(over.statusCode).toBe(429);
    expect(over.json().code).toBe('RATE_LIMITED');

    const exportsLeft = EXPORT_LIMIT - (await used('community_worker', ['person.export']));
    for (let i = 0; i < exportsLeft; i++) {
      const r = await worker.post('/api/people/export', { q: 'nobody-at-all' });
      expect(r.statusCode, r.body.slice(0, 200)).toBe(200);
    }
    const before = await used('community_worker', ['person.export']);
    const refused = await worker.post('/api/people/export', { q: 'nobody-at-all' });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe('RATE_LIMITED');
    expect(await used('community_worker', ['person.export'])).toBe(before); // a refused export is not audited

    // an hour later both are allowed again (sessions have timed out meanwhile: sign in again)
    t.clock.advance(61 * 60_000);
    const gridA2 = await login('grid_a');
    expect(
      (await gridA2.post(`/api/people/${person}/reveal`, { field: 'phone', purpose: '核对电话' })).statusCode,
    ).toBe(200);
    expect(
      (await (await login('community_worker')).post('/api/people/export', { q: 'nobody-at-all' })).statusCode,
    ).toBe(200);
  });
});
