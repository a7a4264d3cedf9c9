import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { boot } from '../../src/server/boot.js';
import { loadConfig } from '../../src/server/platform/config.js';
import { type EmbeddedHandle, startEmbedded } from '../../src/server/platform/db/embedded.js';
import { createDb } from '../../src/server/platform/db/index.js';

/**
 * One PostgreSQL for the run: the embedded one (fresh, in a temp dir) or DATABASE_URL's server.
 * A template database is migrated and seeded with the demo street once; every test file clones
 * it (CREATE DATABASE … TEMPLATE, ~100 ms) and so starts from the same known data.
 */
let embedded: EmbeddedHandle | null = null;
let tmp: string | null = null;

function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export default async function setup(project: TestProject) {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    tmp = mkdtempSync(path.join(tmpdir(), 'jiayuan-test-'));
    embedded = await startEmbedded({ dataDir: tmp, port: 54500 + (process.pid % 400), database: 'postgres' });
    adminUrl = embedded.url;
  }
  const template = `jy_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  const templateUrl = withDb(adminUrl, template);
  const db = createDb(templateUrl, { max: 4 });
  const keyDir = mkdtempSync(path.join(tmpdir(), 'jiayuan-key-'));
  const runtime = await boot(
    {
      ...loadConfig({}),
      databaseUrl: templateUrl,
      keyFile: path.join(keyDir, 'master.key'),
      seedDemo: true,
      seedDemoYear: false,
    },
    { log: { info() {}, warn() {}, error: console.error }, db },
  );
  await runtime.close();
  project.provide('adminUrl', adminUrl);
  project.provide('templateDb', template);
  project.provide('keyFile', path.join(keyDir, 'master.key'));

  return async () => {
    // Drop what the run created, then stop the embedded server.
    const dbs = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'jy_t_%' OR datname = $1`,
      [template],
    );
    for (const r of dbs.rows)
      await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`).catch(() => {});
    await admin.end();
    rmSync(keyDir, { recursive: true, force: true });
    if (embedded) await embedded.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    templateDb: string;
    keyFile: string;
  }
}
