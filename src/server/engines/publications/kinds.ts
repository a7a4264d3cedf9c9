import { sql } from 'kysely';
import type { Audience, Channel, KindInfo } from '../../../contract/publications.js';
import type { Db } from '../../platform/db/index.js';
import type { ModuleManifest } from '../../platform/module.js';
import type { Services } from '../../platform/services.js';
import type { Counting } from './periods.js';

/**
 * A kind of publication, declared by a module in its manifest (`publicationKinds`), the way a
 * case type is (docs/publications.md): who it is for, where it is posted, how long it must stay
 * up and how that is counted, whether residents may object and for how long, which approval
 * steps it passes before it may be published (e.g. 保密审查 for 党务), and its archive class.
 */
export interface PublicationKindDef {
  /** Stored code, unique over all modules: `[a-z][a-z0-9_]{1,31}`. */
  code: string;
  zh: string;
  en: string;
  /** The archive class it is filed under (居务, 党务, 财务 …), with the year of publication. */
  archiveClass: string;
  /** Who may read it; the first is the draft's default. */
  audiences: readonly Audience[];
  /** Where it is posted by default: online (the resident channel) and/or the physical board. */
  channels: readonly Channel[];
  /** The minimum display: `days` counted by `counting` (a draft may ask longer, never shorter). */
  display: { days: number; counting: Counting };
  /** An objection window of `days` from publication (same counting), replied on the objection case type. */
  objection?: { days: number };
  /** Approval steps in order: each named, decided by holders of `perm` over the publication's area. */
  steps: readonly { code: string; zh: string; en: string; perm: string }[];
  /** The permissions of the kind: read its ledger, draft and edit, publish, correct and take down. */
  perms: { read: string; draft: string; publish: string };
  /** Its defaults rest on a rule marked ⚠ (unverified): the pages say they are configurable defaults. */
  unverified?: boolean;
}

declare module '../../platform/module.js' {
  interface ModuleManifest {
    /** Kinds of publication this module posts (engines/publications). */
    publicationKinds?: PublicationKindDef[];
  }
}

const CODE = /^[a-z][a-z0-9_]{1,31}$/;

export class PublicationKinds {
  private readonly byCode = new Map<string, PublicationKindDef>();
  constructor(declared: { module: string; def: PublicationKindDef }[], known: (perm: string) => boolean) {
    for (const { module, def } of declared) {
      const where = `publication kind '${def.code}' of module '${module}'`;
      if (!CODE.test(def.code)) throw new Error(`${where}: malformed code`);
      if (this.byCode.has(def.code)) throw new Error(`${where}: declared twice`);
      if (!def.zh || !def.en || !def.archiveClass)
        throw new Error(`${where}: needs names and an archive class`);
      if (def.audiences.length === 0 || def.channels.length === 0)
        throw new Error(`${where}: needs an audience and a channel`);
      if (!Number.isInteger(def.display.days) || def.display.days < 0 || def.display.days > 365)
        throw new Error(`${where}: bad display period`);
      if (def.objection && (!Number.isInteger(def.objection.days) || def.objection.days < 1))
        throw new Error(`${where}: bad objection window`);
      const steps = new Set<string>();
      for (const st of def.steps) {
        if (!CODE.test(st.code) || steps.has(st.code))
          throw new Error(`${where}: bad or duplicate step '${st.code}'`);
        steps.add(st.code);
        if (!known(st.perm))
          throw new Error(`${where}: step '${st.code}' needs unknown permission '${st.perm}'`);
      }
      for (const p of Object.values(def.perms))
        if (!known(p)) throw new Error(`${where}: unknown permission '${p}'`);
      this.byCode.set(def.code, def);
    }
  }

  get all(): PublicationKindDef[] {
    return [...this.byCode.values()];
  }
  find(code: string): PublicationKindDef | undefined {
    return this.byCode.get(code);
  }
  /** Refuses to start while publications are stored under a kind no loaded module declares. */
  async checkStored(db: Db): Promise<void> {
    const r = await sql<{ kind: string }>`
      SELECT DISTINCT kind FROM publications WHERE NOT (kind = ANY(${[...this.byCode.keys()]}::text[]))`
      .execute(db)
      .catch((e: { code?: string }) => {
        if (e?.code === '42P01') return { rows: [] }; // the table is not there: no module owns it
        throw e;
      });
    if (r.rows.length)
      throw new Error(
        `publications stored under kinds no loaded module declares: ${r.rows.map((x) => x.kind).join(', ')}`,
      );
  }
}

const kinds = new WeakMap<Services, PublicationKinds>();

/** Called once at start (boot.ts) with every loaded module: a bad, duplicate or orphaned kind refuses to start. */
export async function registerPublicationKinds(s: Services, modules: ModuleManifest[]): Promise<void> {
  const reg = new PublicationKinds(
    modules.flatMap((m) => (m.publicationKinds ?? []).map((def) => ({ module: m.name, def }))),
    (p) => s.registry.has(p),
  );
  await reg.checkStored(s.db);
  kinds.set(s, reg);
}

export function publicationKindsOf(s: Services): PublicationKinds {
  const k = kinds.get(s);
  if (!k) throw new Error('publication kinds are not registered (boot registers them)');
  return k;
}

export function kindInfo(def: PublicationKindDef): KindInfo {
  return {
    code: def.code,
    zh: def.zh,
    en: def.en,
    archiveClass: def.archiveClass,
    audiences: [...def.audiences],
    channels: [...def.channels],
    counting: def.display.counting,
    displayDays: def.display.days,
    objectionDays: def.objection?.days ?? null,
    steps: def.steps.map((x) => ({ code: x.code, zh: x.zh, en: x.en })),
    unverified: !!def.unverified,
  };
}
