import { sql } from 'kysely';
import type { AccessRegistry } from '../../platform/access/registry.js';
import type { Db } from '../../platform/db/index.js';
import type { ModuleManifest, PermissionDecl } from '../../platform/module.js';
import type { Services } from '../../platform/services.js';
import { type CaseTypeDef, PERMISSION_SUFFIXES } from './definition.js';

declare module '../../platform/module.js' {
  interface ModuleManifest {
    /** The kinds of case this module declares; the case engine serves them (engines/cases). */
    caseTypes?: CaseTypeDef[];
  }
}

/** A type code: stored in `cases.type`, the first part of its permissions (`<code>.read`). */
const CODE = /^[a-z][a-z0-9_]{1,23}$/;
/** A case number prefix: two or three capitals (SJ 事件 …). */
const PREFIX = /^[A-Z]{2,3}$/;

/**
 * The case types every loaded module declared (`caseTypes` in its manifest), built once at start.
 * The engine, the inbox, the sweep, Open311 and the dashboard ask it, never a list in code.
 */
export class CaseTypeRegistry {
  readonly defs: readonly CaseTypeDef[];
  readonly codes: readonly string[];
  private readonly byCode: Map<string, CaseTypeDef>;

  /**
   * Refuses (throws) a duplicate or malformed code or prefix, and a type whose permissions
   * (`<code>.read|report|accept|verify|supervise`) no module declares: the app does not start.
   */
  constructor(declared: { module: string; def: CaseTypeDef }[], access?: AccessRegistry) {
    this.byCode = new Map();
    const prefixes = new Map<string, string>();
    for (const { module, def } of declared) {
      if (!CODE.test(def.code))
        throw new Error(`module ${module} declares case type with bad code "${def.code}"`);
      if (this.byCode.has(def.code)) throw new Error(`case type ${def.code} declared twice`);
      if (!PREFIX.test(def.prefix))
        throw new Error(`case type ${def.code}: bad case number prefix "${def.prefix}"`);
      const other = prefixes.get(def.prefix);
      if (other)
        throw new Error(`case types ${other} and ${def.code} share the case number prefix ${def.prefix}`);
      if (access)
        for (const suffix of PERMISSION_SUFFIXES)
          if (!access.has(`${def.code}.${suffix}`))
            throw new Error(
              `case type ${def.code} needs permission ${def.code}.${suffix}, which no module declares`,
            );
      prefixes.set(def.prefix, def.code);
      this.byCode.set(def.code, def);
    }
    this.defs = [...this.byCode.values()];
    this.codes = this.defs.map((d) => d.code);
  }

  /** The declaration of a type, or undefined when no loaded module declares it. */
  find(code: string): CaseTypeDef | undefined {
    return this.byCode.get(code);
  }

  /** The declaration of a type the data holds (a stored case's type is always declared: see `checkStored`). */
  def(code: string): CaseTypeDef {
    const def = this.byCode.get(code);
    if (!def) throw new Error(`unknown case type ${code}`);
    return def;
  }

  /** The types offered through Open311 (declared with `open311`). */
  open311(): CaseTypeDef[] {
    return this.defs.filter((d) => d.open311);
  }

  /**
   * Refuses to start on cases or time limits of a type no loaded module declares (a module taken
   * out of the list while its cases remain): such a case could be neither read nor swept.
   */
  async checkStored(db: Db): Promise<void> {
    const r = await sql<{ type: string }>`
      SELECT DISTINCT type FROM case_stats WHERE NOT (type = ANY (${sql.val([...this.codes])}::text[]))
      UNION SELECT DISTINCT type FROM case_limits WHERE NOT (type = ANY (${sql.val([...this.codes])}::text[]))`.execute(
      db,
    );
    if (r.rows.length)
      throw new Error(
        `the database holds cases or limits of case types no module declares: ${r.rows.map((x) => x.type).join(', ')}`,
      );
  }
}

declare module '../../platform/services.js' {
  interface Services {
    /** The declared case types (ModuleManifest.caseTypes), checked and collected at boot. */
    caseTypes?: CaseTypeRegistry;
  }
}

/** The case types of this app (boot.ts registers them). */
export function caseTypesOf(s: Services): CaseTypeRegistry {
  if (!s.caseTypes) throw new Error('case types are not registered (boot registers them)');
  return s.caseTypes;
}

/** Every loaded module's declared case types, checked against the declared permissions. */
export function collectCaseTypes(modules: ModuleManifest[], access: AccessRegistry): CaseTypeRegistry {
  return new CaseTypeRegistry(
    modules.flatMap((m) => (m.caseTypes ?? []).map((def) => ({ module: m.name, def }))),
    access,
  );
}

/**
 * The five permissions of a case type (`<code>.read|report|accept|verify|supervise`), labelled
 * from its names; a module lists them in its manifest's `permissions`.
 */
export function casePermissions(module: string, def: CaseTypeDef): PermissionDecl[] {
  const zh = def.zh;
  const en = def.many;
  const p = (suffix: string, z: string, e: string, sensitive = false): PermissionDecl => ({
    name: `${def.code}.${suffix}`,
    module,
    zh: z,
    en: e,
    sensitive,
  });
  return [
    p('read', `查看${zh}`, `View ${en}`, def.sensitive ?? false),
    p('report', `上报${zh}`, `Report ${en}`),
    p('accept', `受理、派遣${zh}`, `Accept and dispatch ${en}`),
    p('verify', `核查${zh}`, `Verify ${en}`),
    p('supervise', `督办、审批延期${zh}`, `Supervise ${en}, decide extensions`),
  ];
}
