import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { areaIdByCode, fingerprint } from '../../../../test/helpers/db.js';
import { unstorableTextPath } from './text.js';

let t: TestApp;
let street: Client;
let grid1: number;
beforeAll(async () => {
  t = await createTestApp();
  street = await t.login('street_admin');
  grid1 = await areaIdByCode(t.db, '430681001001001');
});
afterAll(() => t.close());

describe('text the database cannot store', () => {
  it('finds NUL and unpaired surrogates, in values and keys, at any depth', () => {
    expect(unstorableTextPath({ a: 'fine 😀 汉字 \u202e' })).toBeNull();
    expect(unstorableTextPath({ a: 'x\u0000' })).toEqual(['a']);
    expect(unstorableTextPath({ a: [1, { b: 'x\ud800y' }] })).toEqual(['a', '1', 'b']);
    expect(unstorableTextPath({ a: '\udc00' })).toEqual(['a']);
    expect(unstorableTextPath({ a: '😀'.slice(1) })).toEqual(['a']);
    expect(unstorableTextPath({ 'k\u0000': 1 })).toEqual(['k\u0000']);
    expect(unstorableTextPath('\u0000')).toEqual([]);
    expect(unstorableTextPath(null)).toBeNull();
  });

  it('answers 400 naming the field, in the asked language, and writes nothing', async () => {
    const before = await fingerprint(t.db);
    for (const name of ['a\u0000b', 'a\ud800b', 'b\udfff']) {
      const r = await street.post(
        '/api/areas',
        { parentId: grid1, kind: 'group', name },
        { 'accept-language': 'en' },
      );
      expect(r.statusCode, JSON.stringify(name)).toBe(400);
      expect(r.json()).toMatchObject({
        code: 'VALIDATION_FAILED',
        issues: [
          { path: 'name', message: 'contains characters that cannot be stored (NUL or unpaired surrogates)' },
        ],
      });
    }
    const q = await street.get('/api/areas?q=a%00b');
    expect(q.json().issues[0].path).toBe('query.q');
    const login = await t.anon().post('/api/auth/login', { username: 'grid_a\u0000', password: 'x' });
    expect(login.statusCode).toBe(400);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('stores any other text as typed, emoji and right-to-left scripts included; bidi controls removed (issue 14)', async () => {
    const name = "😀 \u202eمرحبا 汉字 =cmd|' /C calc'!A0";
    const r = await street.post('/api/areas', { parentId: grid1, kind: 'group', name });
    expect(r.statusCode).toBe(201);
    expect((await street.get(`/api/areas/${r.json().id}`)).json().name).toBe(
      "😀 مرحبا 汉字 =cmd|' /C calc'!A0",
    );
  });
});

describe('malformed requests get the envelope', () => {
  const envelope = (r: {
    statusCode: number;
    headers: Record<string, unknown>;
    json(): Record<string, unknown>;
  }) => {
    const b = r.json();
    expect(Object.keys(b).sort()).toEqual(expect.arrayContaining(['code', 'message', 'requestId']));
    expect(b.requestId).toBe(r.headers['x-request-id']);
    return b;
  };

  it('for a URL that is not valid percent-encoding, or a parameter too long', async () => {
    const bad = await street.get('/api/areas/%E0%A4%A');
    expect(bad.statusCode).toBe(400);
    expect(envelope(bad).code).toBe('VALIDATION_FAILED');
    const long = await street.get(`/api/areas/${'1'.repeat(300)}`);
    expect(long.statusCode).toBe(400);
    expect(envelope(long).code).toBe('VALIDATION_FAILED');
    const en = await street.get('/api/areas/%ZZ', { 'accept-language': 'en' });
    expect(envelope(en).message).toMatch(/^Invalid request/);
  });

  it('for broken JSON, a wrong content type and an oversized body', async () => {
    const json = await street.request({
      method: 'POST',
      url: '/api/areas',
      payload: '{"parentId":',
      headers: { 'content-type': 'application/json' },
    });
    expect(json.statusCode).toBe(400);
    expect(envelope(json).code).toBe('MALFORMED_JSON');
    const xml = await street.request({
      method: 'POST',
      url: '/api/areas',
      payload: '<area/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(xml.statusCode).toBe(415);
    expect(envelope(xml).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const big = await street.request({
      method: 'POST',
      url: '/api/areas',
      payload: JSON.stringify({ name: 'x'.repeat(1_100_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(big.statusCode).toBe(413);
    expect(envelope(big).code).toBe('BODY_TOO_LARGE');
    const empty = await street.request({
      method: 'POST',
      url: '/api/areas',
      payload: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(envelope(empty).issues).toEqual([{ path: 'body', code: 'required', message: '请求体不能为空' }]);
  });

  it('keeps a given request id, and makes one otherwise', async () => {
    const r = await street.get('/api/areas/0', { 'x-request-id': 'trace-1234567' });
    expect(r.json().requestId).toBe('trace-1234567');
    const forged = await street.get('/api/areas/0', { 'x-request-id': 'bad id with spaces' });
    expect(forged.json().requestId).not.toBe('bad id with spaces');
    expect(forged.json().issues[0].path).toBe('params.id');
  });
});
