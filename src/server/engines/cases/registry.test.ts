import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { cloneDatabase, dbUrl } from '../../../../test/helpers/app.js';
import { EventCreate } from '../../../contract/cases.js';
import { boot } from '../../boot.js';
import { MODULES } from '../../modules/index.js';
import { AccessRegistry } from '../../platform/access/registry.js';
import { loadConfig } from '../../platform/config.js';
import { createDb } from '../../platform/db/index.js';
import { type ModuleManifest, perm } from '../../platform/module.js';
import { type CaseTypeDef, commonFlow } from './definition.js';
import { CaseTypeRegistry, casePermissions, collectCaseTypes } from './registry.js';

const wday = { amount: 1, unit: 'wday' as const };
const typeDef = (code: string, prefix: string): CaseTypeDef => ({
  code,
  prefix,
  zh: '测试件',
  en: 'Test case',
  many: 'test cases',
  publicity: 'public',
  input: EventCreate,
  categories: [
    { code: 'a', parent: null, zh: '甲', en: 'A', handle: wday },
    { code: 'a.b', parent: 'a', zh: '乙', en: 'B' },
  ],
  actions: commonFlow(7),
  stages: {
    accept: { normal: wday, urgent: wday },
    dispatch: { normal: wday, urgent: wday },
    sign: { normal: wday, urgent: wday },
    verify: { normal: wday, urgent: wday },
  },
  reopenDays: 7,
  indicators: ['closureRate'],
});
const moduleOf = (name: string, defs: CaseTypeDef[], withPerms = true): ModuleManifest => ({
  name,
  duty: 'business',
  permissions: withPerms ? defs.flatMap((d) => casePermissions(name, d)) : [],
  caseTypes: defs,
});

describe('the registry of declared case types', () => {
  const build = (...modules: ModuleManifest[]) => collectCaseTypes(modules, new AccessRegistry(modules));

  it('collects every module’s types, in module order', () => {
    const r = build(moduleOf('m1', [typeDef('alpha', 'AL')]), moduleOf('m2', [typeDef('beta', 'BE')]));
    expect(r.codes).toEqual(['alpha', 'beta']);
    expect(r.def('beta').prefix).toBe('BE');
    expect(r.find('gamma')).toBeUndefined();
    expect(() => r.def('gamma')).toThrow(/unknown case type gamma/);
  });

  it('refuses a code declared twice', () => {
    // The second module's permissions would clash first; give it none, so the type clash is what is seen.
    expect(() =>
      build(moduleOf('m1', [typeDef('alpha', 'AL')]), moduleOf('m2', [typeDef('alpha', 'AB')], false)),
    ).toThrow(/case type alpha declared twice/);
  });

  it('refuses a case number prefix shared by two types', () => {
    expect(() => build(moduleOf('m1', [typeDef('alpha', 'AL'), typeDef('beta', 'AL')]))).toThrow(
      /share the case number prefix AL/,
    );
  });

  it('refuses a malformed code or prefix', () => {
    expect(() => new CaseTypeRegistry([{ module: 'm', def: typeDef('Alpha', 'AL') }])).toThrow(/bad code/);
    expect(() => new CaseTypeRegistry([{ module: 'm', def: typeDef('alpha.x', 'AL') }])).toThrow(/bad code/);
    expect(() => new CaseTypeRegistry([{ module: 'm', def: typeDef('alpha', 'al') }])).toThrow(
      /bad case number prefix/,
    );
  });

  it('refuses a type whose permissions no module declares (as an unknown permission is)', () => {
    expect(() => build(moduleOf('m1', [typeDef('alpha', 'AL')], false))).toThrow(
      /needs permission alpha.read, which no module declares/,
    );
    const partial: ModuleManifest = {
      name: 'm1',
      duty: 'business',
      permissions: [perm('m1', 'alpha.read', '看', 'Read')],
      caseTypes: [typeDef('alpha', 'AL')],
    };
    expect(() => build(partial)).toThrow(/needs permission alpha.report/);
  });

  it('lists the types that opt in to Open311', () => {
    const open = { ...typeDef('beta', 'BE'), open311: { attributes: [] } };
    const r = build(moduleOf('m1', [typeDef('alpha', 'AL'), open]));
    expect(r.open311().map((d) => d.code)).toEqual(['beta']);
  });
});

describe('boot refuses to start on case types it cannot serve', () => {
  const dbs: { destroy(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const d of dbs) await d.destroy();
  });
  const start = async (
    modules: ModuleManifest[],
    prepare?: (db: ReturnType<typeof createDb>) => Promise<void>,
  ) => {
    const name = await cloneDatabase();
    const db = createDb(dbUrl(name), { max: 2 });
    dbs.push(db);
    await prepare?.(db);
    const config = { ...loadConfig({}), databaseUrl: dbUrl(name), seedDemo: false };
    const log = { info() {}, warn() {}, error() {} };
    return boot(config, { log, db, modules });
  };

  it('a module declaring a type the cases module already declares', async () => {
    const clash = moduleOf('clash', [typeDef('event', 'EV')], false);
    await expect(start([...MODULES, clash])).rejects.toThrow(/case type event declared twice/);
  });

  it('cases in the database of a type no loaded module declares', async () => {
    await expect(
      start(MODULES, async (db) => {
        await sql`UPDATE case_stats SET type = 'retired' WHERE ctid = (SELECT ctid FROM case_stats LIMIT 1)`.execute(
          db,
        );
      }),
    ).rejects.toThrow(/case types no module declares: retired/);
  });
});
