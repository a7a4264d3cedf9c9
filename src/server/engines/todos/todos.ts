import type { Actor } from '../../platform/access/actor.js';
import type { Db } from '../../platform/db/index.js';
import type { Services } from '../../platform/services.js';

/**
 * The to-dos engine: what waits for the person signed in, counted by the module that owns it.
 * A module declares its to-dos (`todos` in its manifest) and one `count` that answers, in one or
 * two aggregate queries scoped by the actor's area in SQL, every to-do asked of it. The home page
 * (the workbench) shows each as a count that opens its list already filtered (`path` + `query`).
 * Modules never import each other: the workbench endpoint collects the declarations here.
 */
export type TodoGroup =
  /** Work waiting on the actor's step: to accept, to dispatch, to handle, to verify. */
  | 'todo'
  /** Cases past their stage deadline, on a red card or under supervision. */
  | 'alert'
  /** Work planned for today (visits due and overdue). */
  | 'today'
  /** Registrations about to expire (temporary residence, rentals). */
  | 'expiring'
  /** Messages not yet read. */
  | 'notice';

export interface TodoDef {
  /** Unique over all modules: `<module>.<name>`. */
  key: string;
  group: TodoGroup;
  zh: string;
  en: string;
  /** The list that shows the counted records: a web path and its query (filters from the URL). */
  path: string;
  query?: Record<string, string>;
  /** Ordering on the page within its group (lower first). */
  order: number;
}

export interface TodoQuery {
  actor: Actor;
  /** The instant the counts are taken at, and today in China (YYYY-MM-DD). */
  now: Date;
  today: string;
}

export interface TodoSource {
  /** The to-dos this actor may have (by permission): the others are never counted. */
  todos(actor: Actor): TodoDef[];
  /** The counts of the to-dos in `keys` (all offered to the actor), each scoped in SQL. */
  count(db: Db, q: TodoQuery, keys: ReadonlySet<string>): Promise<Record<string, number>>;
}

export interface TodoItem extends TodoDef {
  count: number;
}

/**
 * Every to-do offered to the actor with its count, the sources counted concurrently. `ms`: how
 * long each source took (the endpoint logs slow ones; the tests measure them).
 */
export async function collectTodos(
  db: Db,
  sources: readonly TodoSource[],
  q: TodoQuery,
): Promise<{ items: TodoItem[]; ms: number[] }> {
  const ms: number[] = [];
  const parts = await Promise.all(
    sources.map(async (src, i) => {
      const defs = src.todos(q.actor);
      if (defs.length === 0) return [];
      const t0 = performance.now();
      const counts = await src.count(db, q, new Set(defs.map((d) => d.key)));
      ms[i] = Math.round((performance.now() - t0) * 10) / 10;
      return defs.map((d) => ({ ...d, count: Number(counts[d.key] ?? 0) }));
    }),
  );
  const items = parts.flat().sort((a, b) => a.order - b.order || a.key.localeCompare(b.key));
  return { items, ms: ms.filter((x) => x !== undefined) };
}

// The engine adds its fields to the manifest and to Services (the platform knows no engine).
declare module '../../platform/module.js' {
  interface ModuleManifest {
    /** The module's to-dos on the home workbench (engines/todos). */
    todos?: TodoSource | ((s: Services) => TodoSource);
  }
}

declare module '../../platform/services.js' {
  interface Services {
    /** Every module's to-dos (ModuleManifest.todos), collected at boot. */
    todos?: TodoSource[];
  }
}
