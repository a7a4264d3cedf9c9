import { readFileSync } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS_DOC_PATH, renderErrorsDoc } from '../scripts/gen-errors-doc.js';
import { MODULES } from '../src/server/modules/index.js';
import { ERRORS } from '../src/server/platform/errors/catalogue.js';
import { buildApp } from '../src/server/platform/http/app.js';
import type { ModuleManifest } from '../src/server/platform/module.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { type RouteInfo, routeTable } from './helpers/routes.js';

let t: TestApp;
let routes: RouteInfo[];
beforeAll(async () => {
  t = await createTestApp();
  routes = (await routeTable(t.services)).filter(
    (r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs'),
  );
});
afterAll(() => t.close());

const extra = (name: string, routesFn: FastifyPluginAsync): ModuleManifest => ({
  name,
  permissions: [],
  routes: routesFn as ModuleManifest['routes'],
});

describe('route permissions', () => {
  it('reads the same route table the app serves', async () => {
    expect(routes.length).toBeGreaterThan(30);
    for (const r of routes)
      expect(t.app.hasRoute({ method: r.method as 'GET', url: r.url }), `${r.method} ${r.url}`).toBe(true);
    // Every documented operation is in the table (the table also has the hidden ones).
    const doc = (await t.anon().get('/api/openapi.json')).json();
    const keys = new Set(routes.map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`));
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const m of Object.keys(ops))
        if (m !== 'head') expect(keys.has(`${m.toUpperCase()} ${p}`), `${m} ${p}`).toBe(true);
    }
  });

  it('declares a known permission on every /api route', () => {
    const known = new Set(t.services.registry.permissions.map((p) => p.name));
    for (const r of routes) {
      const p = r.config.permission;
      expect(p, `${r.method} ${r.url}`).toBeTruthy();
      expect(p === 'public' || p === 'authenticated' || known.has(p!), `${r.method} ${r.url}: ${p}`).toBe(
        true,
      );
    }
  });

  it('keeps the public surface to health, meta, sign-in, the OpenAPI document and the service guide', () => {
    const pub = routes.filter((r) => r.config.permission === 'public').map((r) => `${r.method} ${r.url}`);
    expect(pub.sort()).toEqual([
      'GET /api/health',
      'GET /api/meta',
      'GET /api/openapi.json',
      // issue 19: anyone checks a volunteer certificate (number + code; name masked; rate-limited)
      'GET /api/public/certificates/verify',
      // Public notices (audience "public" only) for someone not signed in: issue 17, docs/publications.md.
      'GET /api/public/notices',
      'GET /api/public/notices/:id',
      // the window's 办事指南: the catalogue holds no personal data (docs/window.md)
      'GET /api/public/window/matters',
      'GET /api/public/window/matters/:id',
      'POST /api/auth/login',
      // the resident channel's sign-in: a code to a number, then the code (rate-limited, docs/residents.md)
      'POST /api/resident/code',
      'POST /api/resident/signin',
    ]);
    // Only the sign-in steps stay open while a password change or a second factor is pending.
    const duringMfa = routes.filter((r) => r.config.duringMfa).map((r) => `${r.method} ${r.url}`);
    expect(duringMfa.sort()).toEqual([
      'GET /api/auth/me',
      'POST /api/auth/logout',
      'POST /api/auth/totp/verify',
    ]);
    const duringChange = routes
      .filter((r) => r.config.duringPasswordChange)
      .map((r) => `${r.method} ${r.url}`);
    expect(duringChange.sort()).toEqual([
      'GET /api/auth/me',
      'POST /api/auth/logout',
      'POST /api/auth/password',
      'POST /api/auth/totp/verify',
    ]);
  });

  it('answers every non-public route with 401 when signed out', async () => {
    for (const r of routes.filter((x) => x.config.permission !== 'public')) {
      const url = r.url.replace(/:(\w+)/g, '1');
      const res = await t.anon().request({ method: r.method as 'GET', url });
      // The session is checked before the input: a stranger learns nothing about a route's schema.
      expect(res.statusCode, `${r.method} ${url}: ${res.body}`).toBe(401);
      expect(res.json().code).toBe('AUTH_REQUIRED');
    }
  });

  it('refuses to build an app with a route that declares no permission', async () => {
    const bad = extra('bad', async (app) => {
      app.get('/sneaky', async () => ({ ok: true }));
    });
    await expect(buildApp(t.services, [...MODULES, bad], { webDir: null })).rejects.toThrow(
      /routes without a declared permission:\s+GET \/api\/sneaky/,
    );
  });

  it('refuses to build an app with a route that names an unknown permission', async () => {
    const bad = extra('bad', async (app) => {
      app.post('/sneaky', { config: { permission: 'area.teleport' } }, async () => ({ ok: true }));
    });
    await expect(buildApp(t.services, [...MODULES, bad], { webDir: null })).rejects.toThrow(
      /POST \/api\/sneaky \(unknown permission area\.teleport\)/,
    );
  });
});

describe('docs/errors.md', () => {
  it('is up to date with the error catalogue', () => {
    let onDisk = '';
    try {
      onDisk = readFileSync(ERRORS_DOC_PATH, 'utf8');
    } catch {
      /* missing: reported below */
    }
    expect(
      onDisk === renderErrorsDoc(),
      'docs/errors.md is stale: run npx tsx scripts/gen-errors-doc.ts',
    ).toBe(true);
  });

  it('lists exactly the catalogue codes, with their status and both messages', () => {
    const text = readFileSync(ERRORS_DOC_PATH, 'utf8');
    const rows = text
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) =>
        l
          .trim()
          .slice(1, -1)
          .split(/(?<!\\)\|/)
          .map((c) => c.trim().replace(/`/g, '').replace(/\\\|/g, '|')),
      );
    expect(rows.map((r) => r[0])).toEqual(Object.keys(ERRORS));
    for (const [code, status, zh, en] of rows) {
      const e = ERRORS[code as keyof typeof ERRORS];
      expect([Number(status), zh, en], code).toEqual([e.status, e.zh, e.en]);
    }
    expect(text).toMatch(/"code"[\s\S]*"message"[\s\S]*"requestId"[\s\S]*"issues"[\s\S]*"path"/);
  });
});
