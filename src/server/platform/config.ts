import path from 'node:path';

export type Mode = 'demo' | 'production';

export interface Config {
  mode: Mode;
  port: number;
  host: string;
  /** External PostgreSQL; when null the app runs an embedded PostgreSQL in `dataDir/pg`. */
  databaseUrl: string | null;
  /**
   * Optional streaming replica for figures (READ_DATABASE_URL): the dashboard, the screen,
   * exports and reports read from it; when it is down they read the primary (platform/db/replica.ts).
   */
  readDatabaseUrl: string | null;
  /**
   * A ceiling on the rows of every ledger export (EXPORT_CAP), below each ledger's own cap (the
   * people ledger's 100,000); null: the ledgers' own caps. The benches' small CI run uses it.
   */
  exportCap: number | null;
  dataDir: string;
  embeddedPgPort: number;
  /** Key file for data encrypted at rest (TOTP secrets, later ID numbers and phones). */
  keyFile: string;
  /** Set when the app sits behind a TLS-terminating proxy: cookies become Secure, HSTS is sent. */
  trustProxy: boolean;
  secureCookies: boolean;
  /** Optional map tile URL template for deployments that reach a tile server. */
  tileUrl: string | null;
  logLevel: string;
  /** Seed the demo street on first start (demo mode only). */
  seedDemo: boolean;
  /**
   * With the demo street, a year of its life: cases, visits and patrols in every community up to
   * today (JIAYUAN_DEMO_YEAR=false leaves only the recent examples; the tests' template does).
   */
  seedDemoYear: boolean;
  /** People searches per user per minute (SEARCH_PER_MINUTE); more answer 429. */
  searchPerMinute: number;
  /** What an uploaded .xlsx may unpack to, all parts together (IMPORT_UNPACKED_MAX_MB; docs/security.md). */
  importUnpackedMaxMb: number;
}

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${value}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const mode: Mode = (env.JIAYUAN_MODE ?? 'demo') === 'production' ? 'production' : 'demo';
  if (env.JIAYUAN_MODE && !['demo', 'production'].includes(env.JIAYUAN_MODE)) {
    throw new Error(`JIAYUAN_MODE must be "demo" or "production", got "${env.JIAYUAN_MODE}"`);
  }
  const dataDir = path.resolve(env.DATA_DIR ?? 'data');
  const trustProxy = env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true';
  return {
    mode,
    port: int('PORT', env.PORT, 3000),
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || null,
    readDatabaseUrl: env.READ_DATABASE_URL || null,
    exportCap: env.EXPORT_CAP ? int('EXPORT_CAP', env.EXPORT_CAP, 100_000) : null,
    dataDir,
    embeddedPgPort: int('EMBEDDED_PG_PORT', env.EMBEDDED_PG_PORT, 54329),
    keyFile: path.resolve(env.JIAYUAN_KEY_FILE ?? path.join(dataDir, 'keys', 'master.key')),
    trustProxy,
    secureCookies: env.SECURE_COOKIES ? env.SECURE_COOKIES === 'true' : trustProxy,
    tileUrl: env.TILE_URL || null,
    logLevel: env.LOG_LEVEL ?? 'info',
    seedDemo: mode === 'demo' && env.JIAYUAN_SEED_DEMO !== 'false',
    seedDemoYear: env.JIAYUAN_DEMO_YEAR !== 'false',
    searchPerMinute: int('SEARCH_PER_MINUTE', env.SEARCH_PER_MINUTE, 120),
    importUnpackedMaxMb: int('IMPORT_UNPACKED_MAX_MB', env.IMPORT_UNPACKED_MAX_MB, 512),
  };
}
