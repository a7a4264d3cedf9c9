import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { areaIdByCode } from '../../../../test/helpers/db.js';
import { DEMO_PASSWORD } from '../demo.js';
import { cleanRequestText } from './text.js';

/**
 * One normalisation of every text a client sends (issue 14): bidi overrides, zero-width and
 * control characters are removed, NFC applied and the ends trimmed, before validation, in every
 * JSON body and query; passwords are left as typed. The import cleans its cells the same way
 * (`cleanChars`, contract/text.ts).
 */
let t: TestApp;
let street: Client;
let house: number;

beforeAll(async () => {
  t = await createTestApp();
  street = await t.login('street_admin');
  const r = await sql<{ id: number }>`
    SELECT h.id FROM areas h, areas g WHERE g.code = '430681001001001' AND h.kind = 'house' AND h.path <@ g.path
    ORDER BY h.id LIMIT 1`.execute(t.db);
  house = r.rows[0]!.id;
});
afterAll(async () => t?.close());

describe('cleanRequestText', () => {
  it('cleans every string and key at any depth, but no password', () => {
    const password = ' pa\u202Ess\u200b ';
    expect(
      cleanRequestText({
        name: ' 张\u202E三\u200B ',
        'ke\u200by': ['\u2066a\u2069', { note: 'x\r\ny\u0007' }, 1, null, true],
        password,
        newPassword: password,
        currentPassword: password,
      }),
    ).toEqual({
      name: '张三',
      key: ['a', { note: 'x\ny' }, 1, null, true],
      password,
      newPassword: password,
      currentPassword: password,
    });
    expect(cleanRequestText('  \ufeffq ')).toBe('q');
    expect(cleanRequestText(5)).toBe(5);
    // the query parser's objects (an empty null-prototype object as prototype) are cleaned too …
    const query = Object.create(Object.create(null)) as Record<string, unknown>;
    query.q = '\u200bx';
    query.tags = ['\u202ea', 'b'];
    expect({ ...(cleanRequestText(query) as object) }).toEqual({ q: 'x', tags: ['a', 'b'] });
    // … but not a class instance (Open311's parsed form, a stream): it is not JSON text
    class Form {
      value = '\u200bx';
    }
    const form = new Form();
    expect(cleanRequestText(form)).toBe(form);
  });
});

describe('text through the API', () => {
  it('POST /api/people with name "张\\u202E三\\u200B" stores "张三"', async () => {
    const r = await street.post('/api/people', {
      name: '张\u202E三\u200B',
      residenceType: 'resident',
      areaId: house,
      currentAddress: '\u2067人民路\u2069 1 号\ufeff',
    });
    expect(r.statusCode, r.body).toBe(201);
    const row = await t.db
      .selectFrom('people')
      .select(['name', 'currentAddress'])
      .where('id', '=', r.json().id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ name: '张三', currentAddress: '人民路 1 号' });
  });

  it('cleans queries too: a search with a zero-width character finds the clean name', async () => {
    const grid = await areaIdByCode(t.db, '430681001001001');
    const a = await street.post('/api/areas', { parentId: grid, kind: 'group', name: '\u200b第\u202e九组 ' });
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json().name).toBe('第九组');
    const found = await street.get(`/api/areas?q=${encodeURIComponent('第\u200b九组')}&kind=group`);
    expect(found.json().items.map((x: { id: number }) => x.id)).toContain(a.json().id);
  });

  it('leaves passwords as typed, and still refuses NUL', async () => {
    const anon = t.anon();
    // the account name is cleaned …
    const ok = await anon.post('/api/auth/login', { username: 'grid_a\u200b', password: DEMO_PASSWORD });
    expect(ok.statusCode, ok.body).toBe(200);
    // … the password is not: a trailing space or a zero-width character makes it another password
    for (const password of [`${DEMO_PASSWORD} `, `${DEMO_PASSWORD}\u200b`]) {
      const r = await t.anon().post('/api/auth/login', { username: 'grid_b', password });
      expect(r.statusCode, JSON.stringify(password)).toBe(401);
    }
    const nul = await street.post('/api/areas', {
      parentId: await areaIdByCode(t.db, '430681001001001'),
      kind: 'group',
      name: 'a\u0000b',
    });
    expect(nul.statusCode).toBe(400);
  });

  it('cleans Open311 form fields, not the API key', async () => {
    const sec = await t.login('security_admin');
    const key = (
      await sec.post('/api/open311/keys', {
        name: 'text test',
        areaId: await areaIdByCode(t.db, '430681001'),
      })
    ).json().key as string;
    const send = (apiKey: string) =>
      t.anon().request({
        method: 'POST',
        url: '/open311/v2/requests.json',
        payload: new URLSearchParams({
          api_key: apiKey,
          service_code: 'event.fire.exit',
          address_string: '\u202e人民路\u200b 1 号',
          description: '楼道\u2066堆物\u2069\u200d',
          first_name: '\ufeffMei',
        }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    expect((await send(`${key}\u200b`)).statusCode).toBe(403);
    const r = await send(key);
    expect(r.statusCode, r.body).toBe(200);
    const c = await t.db
      .selectFrom('cases')
      .select(['address', 'description', 'contactName', 'title'])
      .where('no', '=', r.json()[0].service_request_id)
      .executeTakeFirstOrThrow();
    expect(c).toEqual({
      address: '人民路 1 号',
      description: '楼道堆物',
      contactName: 'Mei',
      title: '楼道堆物',
    });
  });
});
