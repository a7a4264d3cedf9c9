import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('system', () => {
  it('reports health with the database', async () => {
    const r = await t.anon().get('/api/health');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'ok', db: { ok: true } });
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers unknown API routes with the envelope in the asked language', async () => {
    const zh = await t.anon().get('/api/nope');
    expect(zh.statusCode).toBe(404);
    expect(zh.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND', message: '接口不存在' });
    const en = await t.anon().get('/api/nope', { 'accept-language': 'en-US,en;q=0.9' });
    expect(en.json().message).toBe('No such endpoint');
  });

  it('publishes the OpenAPI document', async () => {
    const r = await t.anon().get('/api/openapi.json');
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.paths['/api/areas/{id}']).toBeDefined();
    expect(doc.paths['/api/auth/login'].post).toBeDefined();
  });
});
