import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { inject } from 'vitest';
import { boot } from '../../src/server/boot.js';
import { MODULES } from '../../src/server/modules/index.js';
import { TestClock } from '../../src/server/platform/clock.js';
import { type Config, loadConfig } from '../../src/server/platform/config.js';
import { createDb, type Db } from '../../src/server/platform/db/index.js';
import { DEMO_PASSWORD } from '../../src/server/platform/demo.js';
import { buildApp, loggerOptions } from '../../src/server/platform/http/app.js';
import type { ModuleManifest } from '../../src/server/platform/module.js';
import type { Services } from '../../src/server/platform/services.js';

export function dbUrl(name: string): string {
  const u = new URL(inject('adminUrl'));
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh database cloned from the seeded template. */
export async function cloneDatabase(): Promise<string> {
  const name = `jy_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: inject('adminUrl') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('templateDb')}`);
  } finally {
    await admin.end();
  }
  return name;
}

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  db: Db;
  clock: TestClock;
  dbName: string;
  /** Signs in and returns a client that carries the session cookie and CSRF header. */
  login(username: string, password?: string): Promise<Client>;
  /** A client carrying the cookies a login response set (for logins the test makes itself). */
  fromLogin(res: LightMyRequestResponse): Client;
  anon(): Client;
  close(): Promise<void>;
}

export interface Client {
  username: string | null;
  request(opts: InjectOptions): Promise<LightMyRequestResponse>;
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  patch(url: string, body: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  put(url: string, body: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  del(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

export async function createTestApp(
  opts: {
    clock?: Date;
    /** Receives every line the app logs (the request logger as main.ts configures it, and the services' log). */
    log?: (line: string) => void;
    /** Settings that differ from the defaults (e.g. lowered upload limits for the fuzz). */
    config?: Partial<Config>;
    /** The modules to load (default: MODULES; the example module's tests add it). */
    modules?: ModuleManifest[];
  } = {},
): Promise<TestApp> {
  const dbName = await cloneDatabase();
  const db = createDb(dbUrl(dbName), { max: 10 });
  const clock = new TestClock(opts.clock ?? new Date());
  const config = {
    ...loadConfig({}),
    ...opts.config,
    databaseUrl: dbUrl(dbName),
    keyFile: inject('keyFile'),
  };
  const sink = opts.log;
  const text = (x: unknown) =>
    typeof x === 'string' ? x : x instanceof Error ? `${x.message}\n${x.stack}` : JSON.stringify(x);
  const log = sink
    ? {
        info: (m: unknown) => sink(text(m)),
        warn: (m: unknown) => sink(text(m)),
        error: (m: unknown) => sink(text(m)),
      }
    : { info() {}, warn() {}, error() {} };
  const modules = opts.modules ?? MODULES;
  const runtime = await boot(config, { log, db, clock, modules });
  const app = await buildApp(runtime.services, modules, {
    webDir: null,
    ...(sink ? { logger: loggerOptions('info', { write: (line: string) => sink(line) }) } : {}),
  });

  function client(cookies: Record<string, string>, csrf: string | null, username: string | null): Client {
    const headers = () => ({
      cookie: Object.entries(cookies)
        .map(([k, v]) => `${k}=${v}`)
        .join('; '),
      ...(csrf ? { 'x-csrf-token': csrf } : {}),
    });
    const c: Client = {
      username,
      request: (o) => app.inject({ ...o, headers: { ...headers(), ...(o.headers ?? {}) } }),
      get: (url, h) => c.request({ method: 'GET', url, headers: h }),
      post: (url, body, h) => c.request({ method: 'POST', url, payload: body as never, headers: h }),
      patch: (url, body, h) => c.request({ method: 'PATCH', url, payload: body as never, headers: h }),
      put: (url, body, h) => c.request({ method: 'PUT', url, payload: body as never, headers: h }),
      del: (url, h) => c.request({ method: 'DELETE', url, headers: h }),
    };
    return c;
  }

  return {
    app,
    services: runtime.services,
    db,
    clock,
    dbName,
    anon: () => client({}, null, null),
    fromLogin(res) {
      const cookies: Record<string, string> = {};
      for (const ck of res.cookies) cookies[ck.name] = ck.value;
      if (!cookies.jy_sid) throw new Error(`no session cookie in the answer: ${res.statusCode} ${res.body}`);
      return client(cookies, cookies.jy_csrf ?? null, null);
    },
    async login(username, password = DEMO_PASSWORD) {
      const r = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
      if (r.statusCode !== 200) throw new Error(`login ${username} failed: ${r.statusCode} ${r.body}`);
      const cookies: Record<string, string> = {};
      for (const ck of r.cookies) cookies[ck.name] = ck.value;
      return client(cookies, cookies.jy_csrf ?? null, username);
    },
    async close() {
      await app.close();
      await runtime.close();
    },
  };
}

/**
 * Row counts of every table: a rejected request must leave them all unchanged. Not the request
 * limits' counters (rate_counters): a search counts whatever it answers, as a read it is.
 */
export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const { sql } = await import('kysely');
  const tables = await sql<{ t: string }>`
    SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'schema_migrations%' AND tablename <> 'rate_counters' ORDER BY 1`.execute(
    db,
  );
  const out: Record<string, number> = {};
  for (const { t } of tables.rows) {
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(t)}`.execute(db);
    out[t] = r.rows[0]!.n;
  }
  return out;
}

/**
 * A client that signs in again when its session expired (tests that move the clock by days pass
 * the idle timeout): the same calls as `Client`, for tests that travel in time.
 */
export function stayLoggedIn(t: TestApp, username: string): Client {
  let c: Client | null = null;
  const send = async (f: (c: Client) => Promise<LightMyRequestResponse>) => {
    c ??= await t.login(username);
    let r = await f(c);
    if (r.statusCode === 401) {
      c = await t.login(username);
      r = await f(c);
    }
    return r;
  };
  return {
    username,
    request: (o) => send((x) => x.request(o)),
    get: (u, h) => send((x) => x.get(u, h)),
    post: (u, b, h) => send((x) => x.post(u, b, h)),
    patch: (u, b, h) => send((x) => x.patch(u, b, h)),
    put: (u, b, h) => send((x) => x.put(u, b, h)),
    del: (u, h) => send((x) => x.del(u, h)),
  };
}
