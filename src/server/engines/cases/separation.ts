import { sql } from 'kysely';
import type { Conn, Db } from '../../platform/db/index.js';
import type { Services } from '../../platform/services.js';
import type { CaseRow, Refusal } from './definition.js';

/** The setting's key in `settings`: `{ off: [type, …] }`, the types where the switch is off. */
export const SEPARATION_KEY = 'cases.separation';

/**
 * Separation of duties on a case (职责分离): its verifier must not be its handler (the assignee who
 * reported back). On for every type unless the administrator switches it off for a type at
 * `/settings/case-limits`. The answer is a rule of the engine: the action is refused with 409 and
 * shown as a disabled button saying why.
 */
export class Separation {
  constructor(readonly off: ReadonlySet<string>) {}

  /** Is the rule on for this type? */
  on(type: string): boolean {
    return !this.off.has(type);
  }

  /** Why the actor may not verify this case now, or null. */
  refusal(userId: number, c: Pick<CaseRow, 'type' | 'assigneeUserId'>): Refusal | null {
    if (!this.on(c.type) || c.assigneeUserId === null || c.assigneeUserId !== userId) return null;
    return {
      zh: '职责分离：办理人不能核查自己办理的案件，请由其他有核查权限的人员核查',
      en: 'Separation of duties: the handler of a case may not verify it; someone else with the right to verify must',
      shown: true,
    };
  }
}

/** The switch per type from the database, cached; a change made here clears it at once. */
export class SeparationStore {
  private cached: { value: Separation; at: number } | null = null;
  constructor(
    private readonly db: Db,
    private readonly ttlMs = 30_000,
  ) {}

  async get(conn: Conn = this.db): Promise<Separation> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.value;
    const row = await conn
      .selectFrom('settings')
      .select('value')
      .where('key', '=', SEPARATION_KEY)
      .executeTakeFirst();
    const off = (row?.value as { off?: unknown } | undefined)?.off;
    const value = new Separation(new Set(Array.isArray(off) ? off.filter((x) => typeof x === 'string') : []));
    this.cached = { value, at: Date.now() };
    return value;
  }

  /** Switches the rule for a type, in the caller's transaction (which audits it). */
  async set(conn: Conn, type: string, on: boolean): Promise<Separation> {
    // Two administrators switching two types at once: the second reads the first's change.
    await sql`SELECT pg_advisory_xact_lock(hashtext('jiayuan:case-rules'))`.execute(conn);
    const current = await this.read(conn);
    const off = new Set(current);
    if (on) off.delete(type);
    else off.add(type);
    const value = JSON.stringify({ off: [...off].sort() });
    await conn
      .insertInto('settings')
      .values({ key: SEPARATION_KEY, value })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({
          value,
          version: eb('settings.version', '+', 1),
          updatedAt: new Date(),
        })),
      )
      .execute();
    this.cached = null;
    return new Separation(off);
  }

  private async read(conn: Conn): Promise<string[]> {
    const row = await conn
      .selectFrom('settings')
      .select('value')
      .where('key', '=', SEPARATION_KEY)
      .executeTakeFirst();
    const off = (row?.value as { off?: unknown } | undefined)?.off;
    return Array.isArray(off) ? off.filter((x): x is string => typeof x === 'string') : [];
  }

  invalidate() {
    this.cached = null;
  }
}

const stores = new WeakMap<Services, SeparationStore>();

/** One cache per running app. */
export function separationFor(s: Services): SeparationStore {
  let t = stores.get(s);
  if (!t) {
    t = new SeparationStore(s.db);
    stores.set(s, t);
  }
  return t;
}
