import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp, tableCounts } from '../../../../test/helpers/app.js';
import { areaIdByCode } from '../../../../test/helpers/db.js';

/**
 * Open311 GeoReport v2: keys (security administrator), the public endpoints in both formats, the
 * specification's error format, privacy of what is listed. JSON answers are checked against the
 * Open311 project's JSON Schemas (ajv, with formats: date-time needs a zone) when they are at hand.
 */
const SCHEMA_DIR = process.env.OPEN311_SCHEMAS ?? '/work/shared/open311-schemas';
const HAVE_SCHEMAS = existsSync(path.join(SCHEMA_DIR, 'requests.json'));

let validators: Record<string, (v: unknown) => string | null> = {};
if (HAVE_SCHEMAS) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const f of ['request', 'requests', 'service', 'services', 'service-definition']) {
    const schema = JSON.parse(readFileSync(path.join(SCHEMA_DIR, `${f}.json`), 'utf8'));
    ajv.addSchema(schema, `${f}.json`);
  }
  validators = Object.fromEntries(
    ['requests', 'services', 'service-definition'].map((f) => {
      const v = ajv.getSchema(`${f}.json`)!;
      return [f, (x: unknown) => (v(x) ? null : ajv.errorsText(v.errors))];
    }),
  );
} else {
  // Without the schema files: their required fields, checked by hand.
  const required = (keys: string[]) => (x: unknown) => {
    const items = Array.isArray(x) ? x : [x];
    for (const i of items)
      for (const k of keys) if (!(k in (i as object))) return `missing ${k} in ${JSON.stringify(i)}`;
    return null;
  };
  validators = {
    requests: required(['service_request_id', 'status', 'service_code', 'requested_datetime']),
    services: required(['service_code', 'service_name', 'metadata', 'type']),
    'service-definition': required(['service_code', 'attributes']),
  };
}
const valid = (schema: string, value: unknown) => expect(validators[schema]!(value)).toBeNull();

// —— a small XML reader: well-formedness and structure ——

interface XNode {
  tag: string;
  children: XNode[];
  text: string;
}
const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function parseXml(xml: string): XNode {
  const decl = '<?xml version="1.0" encoding="utf-8"?>';
  if (!xml.startsWith(decl)) throw new Error(`no XML declaration: ${xml.slice(0, 60)}`);
  const body = xml.slice(decl.length).trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are not allowed in XML: finding them is the point
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(body)) throw new Error('control character in XML');
  const doc: XNode = { tag: '#document', children: [], text: '' };
  const stack: XNode[] = [doc];
  const token = /<(\/)?([A-Za-z_][\w.-]*)(\/)?>|([^<]+)/y;
  let pos = 0;
  while (pos < body.length) {
    token.lastIndex = pos;
    const m = token.exec(body);
    if (!m) throw new Error(`malformed XML at ${pos}: ${body.slice(pos, pos + 40)}`);
    pos = token.lastIndex;
    const top = stack[stack.length - 1]!;
    if (m[4] !== undefined) {
      if (stack.length === 1) {
        if (m[4].trim()) throw new Error('text outside the root element');
        continue;
      }
      const text = m[4].replace(/&([a-z]+|#\d+|#x[0-9a-f]+);|&/gi, (all, name?: string) => {
        if (!name) throw new Error('bare & in XML text');
        if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
        if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
        if (!(name in ENTITY)) throw new Error(`unknown entity ${all}`);
        return ENTITY[name]!;
      });
      if (text.includes('>') && m[4].includes('>')) throw new Error('unescaped > in XML text');
      top.text += text;
    } else if (m[1]) {
      if (top.tag !== m[2]) throw new Error(`</${m[2]}> closes <${top.tag}>`);
      stack.pop();
    } else {
      const node: XNode = { tag: m[2]!, children: [], text: '' };
      if (stack.length === 1 && doc.children.length) throw new Error('two root elements');
      top.children.push(node);
      if (!m[3]) stack.push(node);
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.tag}>`);
  if (doc.children.length !== 1) throw new Error('no root element');
  return doc.children[0]!;
}
const child = (n: XNode, tag: string) => n.children.find((c) => c.tag === tag);
const textOf = (n: XNode, tag: string) => child(n, tag)?.text;

// —— helpers ——

let t: TestApp;
let sec: Client;
let street: Client;
let worker: Client;
let resident: Client;
let streetId: number;
let youyiPath: string;
let youyiName: string;
let grid: { id: number; lat: number; lng: number };
let apiKey: string;
let keyId: number;

const BASE = '/open311/v2';
const DATETIME = /[+-]\d\d:\d\d$|Z$/;
const form = (fields: Record<string, string> | [string, string][]) =>
  new URLSearchParams(fields as Record<string, string>).toString();

function post(fmt: 'json' | 'xml', fields: Record<string, string> | [string, string][], lang?: string) {
  return t.anon().request({
    method: 'POST',
    url: `${BASE}/requests.${fmt}`,
    payload: form(fields),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(lang ? { 'accept-language': lang } : {}),
    },
  });
}
const get = (url: string) => t.anon().get(url);

function expectJsonError(r: LightMyRequestResponse, status: number, mentions?: string) {
  expect(r.statusCode, r.body).toBe(status);
  expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
  const body = r.json();
  expect(body).toEqual([{ code: status, description: expect.any(String) }]);
  if (mentions) expect(body[0].description).toContain(mentions);
}

function expectXmlError(r: LightMyRequestResponse, status: number, mentions?: string) {
  expect(r.statusCode, r.body).toBe(status);
  expect(r.headers['content-type']).toBe('text/xml; charset=utf-8');
  const doc = parseXml(r.body);
  expect(doc.tag).toBe('errors');
  expect(doc.children.map((c) => c.tag)).toEqual(['error']);
  expect(textOf(doc.children[0]!, 'code')).toBe(String(status));
  if (mentions) expect(textOf(doc.children[0]!, 'description')).toContain(mentions);
}

/** Every datetime in an answer carries a zone (here always China time). */
function expectZonedDatetimes(value: unknown) {
  const walk = (v: unknown, key: string) => {
    if (Array.isArray(v)) for (const x of v) walk(x, key);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
    else if ((key.endsWith('_datetime') || key === 'changeset') && v !== null) {
      expect(v, key).toMatch(DATETIME);
      expect(v, key).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    }
  };
  walk(value, '');
}

const REQUEST_FIELDS = [
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'zipcode',
  'lat',
  'long',
  'media_url',
];

beforeAll(async () => {
  t = await createTestApp({ clock: new Date('2026-11-23T09:00:00+08:00') }); // a Monday
  [sec, street, worker, resident] = await Promise.all([
    t.login('security_admin'),
    t.login('street_admin'),
    t.login('community_worker'),
    t.login('resident'),
  ]);
  streetId = await areaIdByCode(t.db, '430681001');
  const youyi = await areaIdByCode(t.db, '430681001001');
  const y = await t.db
    .selectFrom('areas')
    .select([sql<string>`path::text`.as('p'), 'name'])
    .where('id', '=', youyi)
    .executeTakeFirstOrThrow();
  youyiPath = y.p;
  youyiName = y.name;
  const g = await sql<{ id: number; x: number; y: number }>`
    SELECT id, center[0] AS x, center[1] AS y FROM areas
    WHERE kind = 'grid' AND boundary IS NOT NULL AND center IS NOT NULL AND path <@ ${youyiPath}::ltree
      AND boundary @> center
    ORDER BY id LIMIT 1`.execute(t.db);
  grid = { id: g.rows[0]!.id, lat: g.rows[0]!.y, lng: g.rows[0]!.x };
});
afterAll(async () => t?.close());

describe('API keys', () => {
  it('are issued by the security administrator, shown once, stored as a keyed hash', async () => {
    const r = await sec.post('/api/open311/keys', { name: '市民热线 App', areaId: streetId });
    expect(r.statusCode, r.body).toBe(201);
    const k = r.json();
    expect(k.key).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    expect(k.tail).toBe(k.key.slice(-4));
    expect(k).toMatchObject({ name: '市民热线 App', areaId: streetId, revokedAt: null });
    expect(k.createdAt).toMatch(/Z$/);
    apiKey = k.key;
    keyId = k.id;
    const row = await t.db
      .selectFrom('open311Keys')
      .selectAll()
      .where('id', '=', k.id)
      .executeTakeFirstOrThrow();
    expect(row.keyHash).toBe(t.services.keyring.lookupHash(k.key));
    expect(JSON.stringify(row)).not.toContain(k.key);

    const list = await sec.get('/api/open311/keys');
    expect(list.statusCode).toBe(200);
    const mine = list.json().find((x: { id: number }) => x.id === k.id);
    expect(mine).toMatchObject({ name: '市民热线 App', tail: k.tail, areaName: expect.any(String) });
    expect(mine.key).toBeUndefined();

    const audit = await t.db
      .selectFrom('auditLog')
      .select(['action', 'actorName', 'detail'])
      .where('entityType', '=', 'open311_key')
      .where('entityId', '=', String(k.id))
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['open311_key.create']);
    expect(JSON.stringify(audit)).not.toContain(k.key);
  });

  it('are refused to everyone else, and checked for a real area', async () => {
    for (const c of [street, worker, resident]) {
      expect((await c.get('/api/open311/keys')).statusCode).toBe(403);
      expect((await c.post('/api/open311/keys', { name: 'x key', areaId: streetId })).statusCode).toBe(403);
      expect((await c.post(`/api/open311/keys/${keyId}/revoke`)).statusCode).toBe(403);
    }
    expect((await t.anon().get('/api/open311/keys')).statusCode).toBe(401);
    const bad = await sec.post('/api/open311/keys', { name: 'nowhere', areaId: 99_999_999 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].path).toBe('areaId');
    expect((await sec.post('/api/open311/keys/99999999/revoke')).statusCode).toBe(404);
  });

  it('are revoked once, audited, and stop working at once', async () => {
    const k = (await sec.post('/api/open311/keys', { name: '临时测试', areaId: streetId })).json();
    const r = await sec.post(`/api/open311/keys/${k.id}/revoke`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().revokedAt).toBeTruthy();
    expect((await sec.post(`/api/open311/keys/${k.id}/revoke`)).statusCode).toBe(409);
    const audit = await t.db
      .selectFrom('auditLog')
      .select('action')
      .where('entityType', '=', 'open311_key')
      .where('entityId', '=', String(k.id))
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['open311_key.create', 'open311_key.revoke']);
    const refused = await post('json', {
      api_key: k.key,
      service_code: 'event.fire.exit',
      address_string: '人民路 1 号',
    });
    expectJsonError(refused, 403);
  });
});

describe('discovery and services', () => {
  it('discovery, in both formats, with an absolute URL', async () => {
    const j = await get(`${BASE}/discovery.json`);
    expect(j.statusCode).toBe(200);
    expect(j.headers['content-type']).toBe('application/json; charset=utf-8');
    const d = j.json();
    expect(d.endpoints).toHaveLength(1);
    expect(d.endpoints[0]).toMatchObject({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      url: expect.stringMatching(/^http:\/\/localhost(:\d+)?\/open311\/v2$/),
      type: 'production',
      formats: ['text/xml', 'application/json'],
    });
    expect(d.contact).toBeTruthy();
    expect(d.key_service).toBeTruthy();
    expectZonedDatetimes(d);

    const x = await get(`${BASE}/discovery.xml`);
    expect(x.headers['content-type']).toBe('text/xml; charset=utf-8');
    const doc = parseXml(x.body);
    expect(doc.tag).toBe('discovery');
    expect(textOf(doc, 'changeset')).toBe(d.changeset);
    const ep = child(child(doc, 'endpoints')!, 'endpoint')!;
    expect(textOf(ep, 'url')).toBe(d.endpoints[0].url);
    expect(child(ep, 'formats')!.children.map((f) => f.text)).toEqual(['text/xml', 'application/json']);
  });

  it('lists one service per leaf category of events and requests, never disputes', async () => {
    const j = await get(`${BASE}/services.json`);
    expect(j.statusCode).toBe(200);
    const list = j.json();
    valid('services', list);
    const codes = list.map((s: { service_code: string }) => s.service_code);
    expect(codes).toContain('event.fire.exit');
    expect(codes).toContain('request.help.repair');
    expect(codes.every((c: string) => /^(event|request)\./.test(c))).toBe(true);
    expect(codes).not.toContain('event.fire'); // a group, not a leaf
    expect(list.find((s: { service_code: string }) => s.service_code === 'event.fire.exit')).toEqual({
      service_code: 'event.fire.exit',
      service_name: '消防通道堵塞',
      description: expect.any(String),
      metadata: true,
      type: 'realtime',
      keywords: expect.stringContaining('消防'),
      group: '消防安全',
    });

    const x = await get(`${BASE}/services.xml`);
    const doc = parseXml(x.body);
    expect(doc.tag).toBe('services');
    expect(doc.children).toHaveLength(list.length);
    expect(doc.children.every((c) => c.tag === 'service')).toBe(true);
    const fire = doc.children.find((c) => textOf(c, 'service_code') === 'event.fire.exit')!;
    expect(textOf(fire, 'metadata')).toBe('true');
    expect(textOf(fire, 'group')).toBe('消防安全');
  });

  it('defines the attributes of a service; unknown codes are 404 in the error format', async () => {
    const ev = (await get(`${BASE}/services/event.fire.exit.json`)).json();
    valid('service-definition', ev);
    expect(ev.service_code).toBe('event.fire.exit');
    expect(ev.attributes.map((a: { code: string }) => a.code)).toEqual(['urgency', 'hazard_level']);
    expect(ev.attributes[0]).toMatchObject({
      variable: true,
      datatype: 'singlevaluelist',
      required: false,
      order: 1,
    });
    expect(ev.attributes[0].values.map((v: { key: string }) => v.key)).toEqual(['normal', 'urgent']);
    expect(ev.attributes[1].values.map((v: { key: string }) => v.key)).toEqual(['low', 'medium', 'high']);
    const rq = (await get(`${BASE}/services/request.help.repair.json`)).json();
    valid('service-definition', rq);
    expect(rq.attributes.map((a: { code: string }) => a.code)).toEqual(['urgency']);

    const x = parseXml((await get(`${BASE}/services/event.fire.exit.xml`)).body);
    expect(x.tag).toBe('service_definition');
    const attrs = child(x, 'attributes')!.children;
    expect(attrs.map((a) => a.tag)).toEqual(['attribute', 'attribute']);
    expect(child(attrs[1]!, 'values')!.children.map((v) => textOf(v, 'key'))).toEqual([
      'low',
      'medium',
      'high',
    ]);

    expectJsonError(await get(`${BASE}/services/dispute.0101.json`), 404);
    expectXmlError(await get(`${BASE}/services/nothing.xml`), 404);
    // any other format: 404 in the specification's format (XML, the required one)
    expectXmlError(await get(`${BASE}/services/event.fire.exit.html`), 404);
    expectXmlError(await get(`${BASE}/services.html`), 404);
    expectJsonError(await get(`${BASE}/nothing/here.json`), 404);
  });
});

describe('POST requests', () => {
  const valid311 = () => ({
    api_key: apiKey,
    service_code: 'event.fire.exit',
    lat: String(grid.lat),
    long: String(grid.lng),
  });

  it('refuses a missing, wrong or revoked key with 403', async () => {
    expectJsonError(
      await post('json', { service_code: 'event.fire.exit', address_string: 'x' }),
      403,
      'api_key',
    );
    expectXmlError(
      await post('xml', { api_key: 'not-a-key', service_code: 'event.fire.exit', address_string: 'x' }),
      403,
      'api_key',
    );
  });

  it('names the field at fault with 400', async () => {
    const { service_code: _s, ...noCode } = valid311();
    expectJsonError(await post('json', noCode), 400, 'service_code');
    expectXmlError(await post('xml', { ...valid311(), service_code: 'dispute.0101' }), 400, 'service_code');
    expectJsonError(
      await post('json', { api_key: apiKey, service_code: 'event.fire.exit' }),
      400,
      'address_string',
    );
    expectJsonError(await post('json', { ...valid311(), lat: '91' }), 400, 'lat');
    expectJsonError(await post('json', { ...valid311(), long: 'east' }), 400, 'long');
    const { long: _l, ...latOnly } = valid311();
    expectJsonError(await post('json', latOnly), 400, 'long');
    expectJsonError(
      await post('json', { ...valid311(), 'attribute[color]': 'red' }),
      400,
      'attribute[color]',
    );
    expectJsonError(
      await post('json', { ...valid311(), 'attribute[hazard_level]': 'extreme' }),
      400,
      'attribute[hazard_level]',
    );
    expectJsonError(
      await post('json', [
        ...Object.entries(valid311()),
        ['attribute[urgency][]', 'normal'],
        ['attribute[urgency][]', 'urgent'],
      ]),
      400,
      'attribute[urgency]',
    );
    // hazard_level belongs to events only
    expectJsonError(
      await post('json', {
        ...valid311(),
        service_code: 'request.help.repair',
        'attribute[hazard_level]': 'low',
      }),
      400,
      'attribute[hazard_level]',
    );
    expectJsonError(await post('json', { ...valid311(), description: 'x'.repeat(4001) }), 400, 'description');
    expectJsonError(await post('json', { ...valid311(), email: 'not mail' }), 400, 'email');
    expectJsonError(
      await post('json', { ...valid311(), media_url: 'javascript:alert(1)' }),
      400,
      'media_url',
    );
    expectJsonError(await post('json', { ...valid311(), address_id: 'abc' }), 400, 'address_id');
    expectJsonError(await post('json', { ...valid311(), description: 'a\u0000b' }), 400, 'description');
    // a point outside every grid of the key's area (CASE_NO_AREA)
    expectJsonError(await post('json', { ...valid311(), lat: '39.9042', long: '116.4074' }), 400, 'lat/long');
    // an area outside the key's area
    const other = await t.db
      .selectFrom('areas')
      .select('id')
      .where(sql<boolean>`NOT (path <@ (SELECT path FROM areas WHERE id = ${streetId}))`)
      .executeTakeFirst();
    if (other) {
      const { lat: _a, long: _b, ...noPoint } = valid311();
      expectJsonError(await post('json', { ...noPoint, address_id: String(other.id) }), 400, 'address_id');
    }
    // not form-encoded
    const asJson = await t.anon().request({
      method: 'POST',
      url: `${BASE}/requests.json`,
      payload: valid311(),
    });
    expectJsonError(asJson, 400);
    const asText = await t.anon().request({
      method: 'POST',
      url: `${BASE}/requests.xml`,
      payload: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    expectXmlError(asText, 400);
  });

  it('writes nothing when it refuses', async () => {
    const before = await tableCounts(t.db);
    await post('json', { ...valid311(), 'attribute[urgency]': 'whenever' });
    await post('json', { ...valid311(), lat: '39.9042', long: '116.4074' });
    await post('xml', { ...valid311(), api_key: 'x' });
    expect(await tableCounts(t.db)).toEqual(before);
  });

  let created: { service_request_id: string; token: string };

  it('creates an ordinary case through the engine, in the grid of the point', async () => {
    const r = await post('json', {
      ...valid311(),
      'attribute[urgency]': 'urgent',
      'attribute[hazard_level]': 'high',
      description: '  三单元楼道堆放大量纸箱，堵塞消防通道，已持续一周，请尽快处理。  ',
      email: 'citizen@example.com',
      first_name: 'Mei',
      last_name: 'Li',
      phone: '13800138000',
      media_url: 'https://img.example.com/a.jpg',
      jurisdiction_id: 'miluo',
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = r.json();
    expect(body).toEqual([
      {
        service_request_id: expect.stringMatching(/^SJ20261123\d{7}$/),
        token: expect.stringMatching(/^[0-9a-f]{24}$/),
        service_notice: expect.any(String),
        account_id: null,
      },
    ]);
    created = body[0];

    const c = await t.db
      .selectFrom('cases')
      .selectAll()
      .where('no', '=', created.service_request_id)
      .executeTakeFirstOrThrow();
    expect(c).toMatchObject({
      type: 'event',
      category: 'fire.exit',
      urgency: 'urgent',
      state: 'reported',
      channel: 'open311',
      areaId: grid.id,
      reporterUserId: null,
      contactName: 'Mei Li',
      contactPhoneTail: '8000',
      externalToken: created.token,
      title: '三单元楼道堆放大量纸箱，堵塞消防通道，已持续一周，请尽快处理。',
    });
    expect(c.detail).toEqual({ hazardLevel: 'high' });
    expect(c.description).toContain('https://img.example.com/a.jpg');
    expect(t.services.keyring.decrypt(c.contactEmailEnc!)).toBe('citizen@example.com');

    // the community sees it like any other report
    const box = (await worker.get('/api/cases?box=accept&type=event&pageSize=100')).json();
    expect(box.items.map((x: { id: number }) => x.id)).toContain(c.id);
    const full = (await worker.get(`/api/cases/${c.id}`)).json();
    expect(full.channel).toBe('open311');
    const timeline = (await worker.get(`/api/cases/${c.id}/timeline`)).json();
    expect(timeline[0]).toMatchObject({ kind: 'report', actor: 'open311:市民热线 App' });
    const audit = await t.db
      .selectFrom('auditLog')
      .select(['action', 'actorId', 'actorName'])
      .where('entityType', '=', 'case')
      .where('entityId', '=', String(c.id))
      .execute();
    expect(audit).toEqual([{ action: 'case.report', actorId: null, actorName: 'open311:市民热线 App' }]);
  });

  it('files a request given by address only at the key area, answering in XML', async () => {
    const r = await post(
      'xml',
      {
        api_key: apiKey,
        service_code: 'request.help.repair',
        address_string: '友谊社区 3 栋 <东> & 西',
        description: '坏',
      },
      'en',
    );
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('text/xml; charset=utf-8');
    const doc = parseXml(r.body);
    expect(doc.tag).toBe('service_requests');
    const req = child(doc, 'request')!;
    const no = textOf(req, 'service_request_id')!;
    expect(no).toMatch(/^SQ/);
    expect(child(req, 'account_id')!.text).toBe('');
    const c = await t.db.selectFrom('cases').selectAll().where('no', '=', no).executeTakeFirstOrThrow();
    expect(c).toMatchObject({ areaId: streetId, address: '友谊社区 3 栋 <东> & 西', title: '维修求助' });
  });

  it('resolves its token', async () => {
    const j = await get(`${BASE}/tokens/${created.token}.json`);
    expect(j.statusCode).toBe(200);
    expect(j.json()).toEqual([{ service_request_id: created.service_request_id, token: created.token }]);
    const x = parseXml((await get(`${BASE}/tokens/${created.token}.xml`)).body);
    expect(x.tag).toBe('service_requests');
    expect(textOf(child(x, 'request')!, 'service_request_id')).toBe(created.service_request_id);
    expectJsonError(await get(`${BASE}/tokens/ffffffffffffffffffffffff.json`), 404);
  });

  it('shows it in GET requests and by id, with zoned datetimes, valid against the schema', async () => {
    const one = await get(`${BASE}/requests/${created.service_request_id}.json`);
    expect(one.statusCode, one.body).toBe(200);
    const list = one.json();
    valid('requests', list);
    expectZonedDatetimes(list);
    expect(list).toHaveLength(1);
    expect(Object.keys(list[0])).toEqual(REQUEST_FIELDS);
    // the schema check bites: a datetime without its zone is refused
    if (HAVE_SCHEMAS)
      expect(
        validators.requests!([{ ...list[0], requested_datetime: '2026-11-23T09:00:00' }]),
      ).not.toBeNull();
    expect(list[0]).toMatchObject({
      service_request_id: created.service_request_id,
      status: 'open',
      service_code: 'event.fire.exit',
      service_name: '消防通道堵塞',
      lat: grid.lat,
      long: grid.lng,
      address_id: String(grid.id),
      zipcode: '',
      media_url: null,
    });
    expect(list[0].agency_responsible).toBe(youyiName);
    expect(list[0].description).toContain('纸箱');
    // nobody's identity or contact
    expect(one.body).not.toMatch(/Mei|13800138000|citizen@example\.com|8000"/);

    const x = parseXml((await get(`${BASE}/requests/${created.service_request_id}.xml`)).body);
    expect(x.tag).toBe('service_requests');
    const r = child(x, 'request')!;
    expect(r.children.map((c) => c.tag)).toEqual(REQUEST_FIELDS);
    expect(textOf(r, 'requested_datetime')).toBe(list[0].requested_datetime);
    expect(textOf(r, 'requested_datetime')).toBe('2026-11-23T09:00:00+08:00');

    expectJsonError(await get(`${BASE}/requests/SJ00000000.json`), 404);
    expectXmlError(await get(`${BASE}/requests/${created.service_request_id}.txt`), 404);
  });
});

describe('GET requests', () => {
  it('defaults to the last 90 days and refuses a longer span', async () => {
    const old = (
      await post('json', {
        api_key: apiKey,
        service_code: 'event.order.parking',
        address_string: '人民路',
        description: '旧的违停',
      })
    ).json()[0].service_request_id;
    await t.db
      .updateTable('cases')
      .set({ reportedAt: new Date('2026-07-01T10:00:00+08:00') })
      .where('no', '=', old)
      .execute();
    const recent = (await get(`${BASE}/requests.json`)).json();
    valid('requests', recent);
    expectZonedDatetimes(recent);
    const nos = recent.map((x: { service_request_id: string }) => x.service_request_id);
    expect(nos).not.toContain(old);
    expect(nos.length).toBeGreaterThan(0);
    const times = recent.map((x: { requested_datetime: string }) => Date.parse(x.requested_datetime));
    expect([...times].sort((a, b) => b - a)).toEqual(times); // newest first

    const window = (
      await get(
        `${BASE}/requests.json?start_date=2026-06-15T00:00:00%2B08:00&end_date=2026-07-15T00:00:00%2B08:00`,
      )
    ).json();
    expect(window.map((x: { service_request_id: string }) => x.service_request_id)).toEqual([old]);
    expect(window[0].requested_datetime).toBe('2026-07-01T10:00:00+08:00');
    // an unencoded + (which a query string turns into a space), and dates without a time
    const raw = (
      await get(`${BASE}/requests.json?start_date=2026-06-15T00:00:00+08:00&end_date=2026-07-15`)
    ).json();
    expect(raw.map((x: { service_request_id: string }) => x.service_request_id)).toEqual([old]);

    expectJsonError(
      await get(`${BASE}/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z`),
      400,
      '90',
    );
    expectXmlError(await get(`${BASE}/requests.xml?start_date=yesterday`), 400, 'start_date');
    expectJsonError(await get(`${BASE}/requests.json?status=pending`), 400, 'status');
    expectJsonError(await get(`${BASE}/requests.json?service_code=nope`), 400, 'service_code');

    // service_request_id overrides every other parameter (here a window that would exclude it)
    const byId = (
      await get(`${BASE}/requests.json?service_request_id=${old},NOPE&start_date=2026-11-01&status=closed`)
    ).json();
    expect(byId.map((x: { service_request_id: string }) => x.service_request_id)).toEqual([old]);
  });

  it('filters by status and service', async () => {
    const r = (
      await post('json', {
        api_key: apiKey,
        service_code: 'event.order.ads',
        lat: String(grid.lat),
        long: String(grid.lng),
        description: '小广告',
      })
    ).json()[0];
    const c = await t.db
      .selectFrom('cases')
      .select('id')
      .where('no', '=', r.service_request_id)
      .executeTakeFirstOrThrow();
    const rej = await worker.post(`/api/cases/${c.id}/transitions`, {
      action: 'reject',
      reason: 'invalid',
      comment: '现场核实无小广告',
    });
    expect(rej.statusCode, rej.body).toBe(200);
    const closed = (await get(`${BASE}/requests.json?status=closed`)).json();
    const mine = closed.find(
      (x: { service_request_id: string }) => x.service_request_id === r.service_request_id,
    );
    expect(mine).toMatchObject({ status: 'closed', status_notes: '现场核实无小广告' });
    expect(closed.every((x: { status: string }) => x.status === 'closed')).toBe(true);
    const open = (await get(`${BASE}/requests.json?status=open`)).json();
    expect(open.every((x: { status: string }) => x.status === 'open')).toBe(true);
    expect(
      open.some((x: { service_request_id: string }) => x.service_request_id === r.service_request_id),
    ).toBe(false);
    const ads = (await get(`${BASE}/requests.json?service_code=event.order.ads`)).json();
    expect(ads.length).toBeGreaterThan(0);
    expect(ads.every((x: { service_code: string }) => x.service_code === 'event.order.ads')).toBe(true);
  });

  it("shows a resident's own request only as its kind, and never a dispute", async () => {
    const mine = await resident.post('/api/cases', {
      type: 'request',
      category: 'help.repair',
      title: '我家 3 栋 502 漏水，黄美华',
      description: '联系电话 13912345678',
      address: '友谊小区 3 栋 502',
      contactPhone: '13912345678',
    });
    expect(mine.statusCode, mine.body).toBe(201);
    const no = mine.json().no;
    // a point at the resident's home would show where they live
    await t.db.updateTable('cases').set({ lat: grid.lat, lng: grid.lng }).where('no', '=', no).execute();
    const r = await get(`${BASE}/requests/${no}.json`);
    expect(r.statusCode, r.body).toBe(200);
    const [item] = r.json();
    expect(item).toMatchObject({
      service_code: 'request.help.repair',
      description: '维修求助',
      address: null,
      lat: null,
      long: null,
      agency_responsible: youyiName,
    });
    expect(r.body).not.toMatch(/黄美华|502|13912345678/);
    const all = await get(`${BASE}/requests.json`);
    expect(all.body).not.toMatch(/黄美华|13912345678/);

    const dispute = await t.db
      .selectFrom('cases')
      .select('no')
      .where('type', '=', 'dispute')
      .executeTakeFirst();
    if (dispute) {
      expectJsonError(await get(`${BASE}/requests/${dispute.no}.json`), 404);
      expect((await get(`${BASE}/requests.json?service_request_id=${dispute.no}`)).json()).toEqual([]);
    }
  });

  it('publishes staff-written text scrubbed of phones, IDs, rooms and the names linked to the case (issue 14)', async () => {
    // A registered person of 友谊河, on whose behalf the worker registers the event.
    const person = await sql<{ id: number; name: string }>`
      SELECT p.id, p.name FROM people p JOIN areas a ON a.id = p.area_id
      WHERE a.path <@ ${youyiPath}::ltree AND char_length(p.name) >= 2 ORDER BY p.id LIMIT 1`.execute(t.db);
    const p = person.rows[0]!;
    const typed = `三单元楼道堆放杂物，请回电13912345678，身份证430681198503151234，${p.name}和张三家门口`;
    const r = await worker.post('/api/cases', {
      type: 'event',
      category: 'fire.exit',
      title: '楼道堆放杂物',
      description: typed,
      location: { lat: grid.lat, lng: grid.lng },
      address: '友谊小区3栋2单元301室',
      channel: 'window',
      reporterPersonId: p.id,
      contactName: '张三',
    });
    expect(r.statusCode, r.body).toBe(201);
    const c = r.json();
    // inside the app it stays as typed: the handler needs the number
    expect(c.description).toBe(typed);
    const rej = await worker.post(`/api/cases/${c.id}/transitions`, {
      action: 'reject',
      reason: 'invalid',
      comment: `已电话联系张三（0730-5223456），${p.name}称已清理`,
    });
    expect(rej.statusCode, rej.body).toBe(200);

    const one = await get(`${BASE}/requests/${c.no}.json`);
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json()[0]).toMatchObject({
      description: '三单元楼道堆放杂物，请回电***，身份证***，***和***家门口',
      address: '友谊小区3栋2单元***室',
      status: 'closed',
      status_notes: '已电话联系***（***），***称已清理',
    });
    const listed = (await get(`${BASE}/requests.json?status=closed`)).json();
    const item = listed.find((x: { service_request_id: string }) => x.service_request_id === c.no);
    expect(item).toEqual(one.json()[0]);
    const xml = (await get(`${BASE}/requests/${c.no}.xml`)).body;
    expect(textOf(child(parseXml(xml), 'request')!, 'description')).toBe(one.json()[0].description);
    for (const body of [one.body, xml])
      for (const s of ['13912345678', '430681198503151234', '5223456', '单元301', '张三', p.name])
        expect(body).not.toContain(s);
  });

  it('never shows a case marked non-public: absent from the list, its id 404 (issue 14)', async () => {
    const r = await worker.post('/api/cases', {
      type: 'event',
      category: 'fire.exit',
      title: '独居老人门口堆物',
      description: '不宜公开',
      location: { lat: grid.lat, lng: grid.lng },
      public: false,
    });
    expect(r.statusCode, r.body).toBe(201);
    const c = r.json();
    expect(c.public).toBe(false);
    const absent = async () => {
      expectJsonError(await get(`${BASE}/requests/${c.no}.json`), 404);
      expectXmlError(await get(`${BASE}/requests/${c.no}.xml`), 404);
      expect((await get(`${BASE}/requests.json?service_request_id=${c.no}`)).json()).toEqual([]);
      const all = (await get(`${BASE}/requests.json`)).json();
      expect(all.length).toBeGreaterThan(0);
      expect(all.map((x: { service_request_id: string }) => x.service_request_id)).not.toContain(c.no);
    };
    await absent();
    // made public by the handling staff: shown; and withdrawn again: gone
    const on = await worker.post(`/api/cases/${c.id}/transitions`, { action: 'set_public', public: true });
    expect(on.statusCode, on.body).toBe(200);
    expect((await get(`${BASE}/requests/${c.no}.json`)).statusCode).toBe(200);
    const off = await worker.post(`/api/cases/${c.id}/transitions`, { action: 'set_public', public: false });
    expect(off.statusCode, off.body).toBe(200);
    await absent();
  });

  it('answers at most 1000 requests', async () => {
    const now = t.clock.now();
    await sql`
      INSERT INTO cases (no, type, category, urgency, state, title, area_id, area_path, channel,
                         reported_at, accept_due_at, due_at)
      SELECT 'BULK' || lpad(g::text, 6, '0'), 'event', 'order.parking', 'normal', 'reported', '违停',
             ${grid.id}, (SELECT path FROM areas WHERE id = ${grid.id}), 'grid',
             ${now}::timestamptz - g * interval '1 minute', ${now}, ${now}::timestamptz + interval '1 day'
      FROM generate_series(1, 1100) g`.execute(t.db);
    const j = await get(`${BASE}/requests.json`);
    expect(j.statusCode).toBe(200);
    expect(j.json()).toHaveLength(1000);
    const x = parseXml((await get(`${BASE}/requests.xml?service_code=event.order.parking`)).body);
    expect(x.children).toHaveLength(1000);
  });

  it('lists nothing once no key is live', async () => {
    const keys = (await sec.get('/api/open311/keys')).json();
    for (const k of keys) if (!k.revokedAt) await sec.post(`/api/open311/keys/${k.id}/revoke`);
    expect((await get(`${BASE}/requests.json`)).json()).toEqual([]);
    expectJsonError(await get(`${BASE}/requests/${'BULK000001'}.json`), 404);
    const x = parseXml((await get(`${BASE}/requests.xml`)).body);
    expect(x).toEqual({ tag: 'service_requests', children: [], text: '' });
  });
});
