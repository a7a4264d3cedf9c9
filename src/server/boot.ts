import { sql } from 'kysely';
import { collectActivityKinds, registerActivityKinds } from './engines/activities/kinds.js';
import { collectCaseTypes } from './engines/cases/registry.js';
import { registerFileOwners } from './engines/files/files.js';
import { registerPublicationKinds } from './engines/publications/kinds.js';
import { MODULES } from './modules/index.js';
import { accountsInConflict } from './platform/access/duties.js';
import { AccessRegistry } from './platform/access/registry.js';
import { writeAudit } from './platform/audit/audit.js';
import { generatePassword, hashPassword } from './platform/auth/password.js';
import { type Clock, systemClock } from './platform/clock.js';
import type { Config } from './platform/config.js';
import { createKeyring, loadMasterKey } from './platform/crypto/keys.js';
import { type EmbeddedHandle, lockDataDir, startEmbedded } from './platform/db/embedded.js';
import { createDb, type Db } from './platform/db/index.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { ReadReplica } from './platform/db/replica.js';
import { kernelMigrations } from './platform/migrations/index.js';
import type { ModuleManifest } from './platform/module.js';
import type { Services } from './platform/services.js';
import { SettingsStore } from './platform/settings.js';

type Log = Services['log'];

export interface Runtime {
  services: Services;
  close(): Promise<void>;
}

/**
 * Opens the database (embedded or external), migrates, syncs roles and seeds: everything but HTTP.
 * `modules` is the module list (MODULES; tests add the example module).
 */
export async function boot(
  config: Config,
  opts: { log: Log; clock?: Clock; db?: Db; modules?: ModuleManifest[] } = { log: console },
): Promise<Runtime> {
  const log = opts.log;
  const modules = opts.modules ?? MODULES;
  let release: (() => void) | null = null;
  let embedded: EmbeddedHandle | null = null;
  let db = opts.db ?? null;
  try {
    if (!db) {
      let url = config.databaseUrl;
      if (!url) {
        release = lockDataDir(config.dataDir);
        const t0 = Date.now();
        embedded = await startEmbedded({
          dataDir: config.dataDir,
          port: config.embeddedPgPort,
          notify: (m) => log.warn(m),
        });
        log.info(
          `embedded PostgreSQL 17 ready on 127.0.0.1:${config.embeddedPgPort} (${Date.now() - t0} ms), data in ${config.dataDir}/pg`,
        );
        url = embedded.url;
      }
      db = createDb(url, { log: (e) => log.warn(`database connection error: ${e.message}`) });
    }
    const version = (await sql<{ v: string }>`SHOW server_version_num`.execute(db)).rows[0]!.v;
    if (Number(version) < 150000)
      throw new Error(`PostgreSQL ${version} is too old: Jiayuan needs 15 or later`);
    const applied = await migrateToLatest(db, [kernelMigrations, ...modules.map((m) => m.migrations ?? {})]);
    if (applied.length) log.info(`migrations applied: ${applied.join(', ')}`);
    const registry = new AccessRegistry(modules);
    // Case types are checked like permissions: a bad, duplicate or unknown code refuses to start.
    const caseTypes = collectCaseTypes(modules, registry);
    await caseTypes.checkStored(db);
    await registry.syncBuiltinRoles(db);
    const keyring = createKeyring(loadMasterKey({ keyFile: config.keyFile, mode: config.mode }));
    const services: Services = {
      config,
      db,
      reads: new ReadReplica(db, config.readDatabaseUrl, log),
      clock: opts.clock ?? systemClock,
      keyring,
      registry,
      settings: new SettingsStore(db),
      log,
      hooks: { personChanged: modules.flatMap((m) => m.hooks?.personChanged ?? []) },
      caseTypes,
      indicators: [],
      todos: [],
    };
    for (const m of modules)
      if (m.indicators)
        services.indicators!.push(typeof m.indicators === 'function' ? m.indicators(services) : m.indicators);
    for (const m of modules)
      if (m.todos) services.todos!.push(typeof m.todos === 'function' ? m.todos(services) : m.todos);
    // Activity kinds likewise (engines/activities): a bad or duplicate code refuses to start.
    const activityKinds = collectActivityKinds(modules);
    await activityKinds.checkStored(db);
    registerActivityKinds(services, activityKinds);
    registerFileOwners(
      services,
      modules.flatMap((m) => m.files ?? []),
    );
    await registerPublicationKinds(services, modules);
    if (config.mode === 'demo' && config.seedDemo) {
      // Each module's seed is idempotent; the tree being empty says this is the first start.
      const fresh = !(await db.selectFrom('areas').select('id').limit(1).executeTakeFirst());
      const t0 = Date.now();
      const took: string[] = [];
      for (const m of modules) {
        if (!m.seedDemo) continue;
        const t = Date.now();
        await m.seedDemo(services);
        took.push(`${m.name} ${Date.now() - t}`);
      }
      if (fresh) log.info(`demo street seeded in ${Date.now() - t0} ms (${took.join(', ')})`);
    } else if (config.mode === 'production') {
      await bootstrapProduction(services);
    }
    for (const m of modules) if (m.onStart) await m.onStart(services);
    await reportDutyConflicts(services);
    const finalDb = db;
    return {
      services,
      async close() {
        await services.reads?.close();
        await finalDb.destroy().catch(() => {});
        if (embedded) await embedded.stop().catch(() => {});
        release?.();
      },
    };
  } catch (e) {
    await db?.destroy().catch(() => {});
    if (embedded) await embedded.stop().catch(() => {});
    release?.();
    throw e;
  }
}

/**
 * Accounts that already hold permissions of incompatible duties (granted before the rule, or
 * written past the app) are reported at every start — in the log and the audit log — until the
 * administrators undo them. Meanwhile such an account cannot use audit permissions (the actor
 * drops them) and can be given nothing more that keeps the conflict.
 */
export async function reportDutyConflicts(s: Services): Promise<void> {
  const found = await accountsInConflict(s.db);
  if (found.length === 0) return;
  for (const f of found)
    s.log.warn(
      `separation of duties: account ${f.username} (#${f.userId}) holds ${f.roles.join(', ')}: ${f.conflict}`,
    );
  await s.db.transaction().execute((trx) =>
    writeAudit(
      trx,
      { actorId: null, actorName: 'system', ip: null, requestId: null },
      {
        action: 'system.duty_conflicts',
        success: false,
        detail: {
          accounts: found.map((f) => ({ id: f.userId, username: f.username, conflict: f.conflict })),
        },
      },
      s.clock.now(),
    ),
  );
}

/**
 * A production database starts with one root area, one security administrator and one system
 * administrator, each with a one-time password printed once (to be handed to two people: the
 * system administrator is the second person who approves what the security administrator grants
 * of business, system or audit rights); everything else is created through the app.
 */
async function bootstrapProduction(s: Services): Promise<void> {
  const any = await s.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (any) return;
  const rootName = process.env.JIAYUAN_ROOT_NAME ?? '本区';
  const rootCode = process.env.JIAYUAN_ROOT_CODE ?? '000000';
  if (!/^\d{6}$/.test(rootCode)) throw new Error('JIAYUAN_ROOT_CODE must be a 6-digit GB/T 2260 code');
  const firsts = [
    {
      username: 'security_admin',
      displayName: '安全管理员',
      role: 'security_admin',
      password: generatePassword(),
    },
    { username: 'sys_admin', displayName: '系统管理员', role: 'sys_admin', password: generatePassword() },
  ];
  const hashes = await Promise.all(firsts.map((f) => hashPassword(f.password)));
  await s.db.transaction().execute(async (trx) => {
    let root = await trx
      .selectFrom('areas')
      .select('id')
      .where('parentId', 'is', null)
      .orderBy('id')
      .executeTakeFirst();
    if (!root) {
      root = (
        await sql<{ id: number }>`
          WITH nid AS (SELECT nextval(pg_get_serial_sequence('areas', 'id')) AS id)
          INSERT INTO areas (id, kind, code, name, path, depth)
          SELECT nid.id, 'district', ${rootCode}, ${rootName}, nid.id::text::ltree, 1 FROM nid RETURNING id`.execute(
          trx,
        )
      ).rows[0]!;
    }
    for (const [i, f] of firsts.entries()) {
      const user = await trx
        .insertInto('users')
        .values({
          username: f.username,
          displayName: f.displayName,
          areaId: root.id,
          passwordHash: hashes[i]!,
          mustChangePassword: true,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const role = await trx
        .selectFrom('roles')
        .select('id')
        .where('code', '=', f.role)
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('userRoles')
        .values({ userId: user.id, roleId: role.id, areaId: root.id })
        .execute();
      await writeAudit(
        trx,
        { actorId: null, actorName: 'system', ip: null, requestId: null },
        { action: 'system.bootstrap', entityType: 'user', entityId: user.id },
        s.clock.now(),
      );
    }
  });
  // Printed once, never stored in clear: the first sign-in forces a change.
  const lines = firsts
    .map((f) => `  First start: "${f.username}", one-time password: ${f.password}`)
    .join('\n');
  process.stdout.write(
    `\n${lines}\n  (shown once; each must be changed at first sign-in; give them to two different people)\n\n`,
  );
}
