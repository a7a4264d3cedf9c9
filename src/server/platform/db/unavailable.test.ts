import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectCaseTypes } from '../../engines/cases/registry.js';
import { MODULES } from '../../modules/index.js';
import { AccessRegistry } from '../access/registry.js';
import { systemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { createKeyring } from '../crypto/keys.js';
import { buildApp } from '../http/app.js';
import type { Services } from '../services.js';
import { SettingsStore } from '../settings.js';
import { createDb, type Db } from './index.js';

/**
 * The app without its database: boot() would fail on migrations, so Services are built by hand
 * around a pool that cannot connect — to a closed port (refused at once) or to a server that
 * accepts the connection and never answers (the pool's connect timeout applies).
 */
const SESSION = 'jy_sid=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx';
const silent = { info() {}, warn() {}, error() {} };

async function appOn(url: string): Promise<{ app: FastifyInstance; db: Db }> {
  const db = createDb(url, { max: 2 });
  const registry = new AccessRegistry(MODULES);
  const services: Services = {
    config: { ...loadConfig({}), databaseUrl: url },
    db,
    clock: systemClock,
    keyring: createKeyring(randomBytes(32)),
    registry,
    settings: new SettingsStore(db),
    log: silent,
    // What boot collects from the manifests without the database (the routes ask for it).
    caseTypes: collectCaseTypes(MODULES, registry),
  };
  return { app: await buildApp(services, MODULES, { webDir: null }), db };
}

let refused: { app: FastifyInstance; db: Db };
let silentServer: net.Server;
let hanging: { app: FastifyInstance; db: Db };
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  refused = await appOn('postgres://jiayuan:x@127.0.0.1:1/jiayuan');
  silentServer = net.createServer((s) => {
    sockets.add(s); // accept, never answer
    s.on('error', () => {});
  });
  await new Promise<void>((r) => silentServer.listen(0, '127.0.0.1', r));
  const port = (silentServer.address() as net.AddressInfo).port;
  hanging = await appOn(`postgres://jiayuan:x@127.0.0.1:${port}/jiayuan`);
});
afterAll(async () => {
  for (const x of [refused, hanging]) {
    await x.app.close();
    await x.db.destroy().catch(() => {});
  }
  for (const s of sockets) s.destroy();
  await new Promise((r) => silentServer.close(r));
});

describe.each([
  ['refused', () => refused.app],
  ['never answering', () => hanging.app],
])('database %s', (_name, app) => {
  it('reports itself degraded on /api/health with 503, quickly', async () => {
    const t0 = Date.now();
    const r = await app().inject({ method: 'GET', url: '/api/health' });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({ status: 'degraded', db: { ok: false, latencyMs: null } });
  });

  it('answers a signed-in-looking request with 503 DB_UNAVAILABLE, not 500', async () => {
    const t0 = Date.now();
    const [tree, login] = await Promise.all([
      app().inject({
        method: 'GET',
        url: '/api/areas/tree',
        headers: { cookie: SESSION, 'accept-language': 'en' },
      }),
      app().inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'grid_a', password: 'x' },
      }),
    ]);
    expect(Date.now() - t0).toBeLessThan(5000);
    for (const r of [tree, login]) {
      expect(r.statusCode, r.body).toBe(503);
      expect(r.json()).toMatchObject({ code: 'DB_UNAVAILABLE', requestId: expect.any(String) });
      expect(r.headers['retry-after']).toBe('5');
      expect(r.body).not.toMatch(/ECONNREFUSED|timeout exceeded|127\.0\.0\.1|at .*\.js/);
    }
    expect(tree.json().message).toBe('The database is unavailable; try again shortly');
  });

  it('keeps serving: requests that need no database still work', async () => {
    const anon = await app().inject({ method: 'GET', url: '/api/areas/tree' });
    expect(anon.statusCode).toBe(401);
    expect((await app().inject({ method: 'GET', url: '/api/meta' })).statusCode).toBe(200);
    expect((await app().inject({ method: 'GET', url: '/api/nope' })).json().code).toBe('ROUTE_NOT_FOUND');
  });
});
