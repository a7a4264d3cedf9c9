import type { FastifyPluginAsync } from 'fastify';
import type { Migration } from 'kysely';
import type { Duty, PermissionDef } from '../../contract/roles.js';
import type { Hooks, Services } from './services.js';

/**
 * The contract every module follows (docs/modules.md). A module is one folder under
 * src/server/modules/<name>/ whose manifest is listed in src/server/modules/index.ts.
 * The engines add the fields they read (`indicators`: engines/figures, `files`: engines/files)
 * by declaration merging, so the platform knows none of them.
 */
export interface ModuleManifest {
  name: string;
  /**
   * The duty of this module's permissions (三权分立: system, security, audit, business, common),
   * unless a permission names its own. A permission with neither stops the app at start.
   */
  duty?: Duty;
  /** Permissions this module defines: `resource.action`. */
  permissions: PermissionDecl[];
  /** Which of this module's permissions each built-in role gets. */
  grants?: Partial<Record<string, string[]>>;
  /** Frozen migrations, keyed `<yyyymmddhhmm>_<module>_<what>`. */
  migrations?: Record<string, Migration>;
  /** Fastify plugin with the module's routes; registered under /api. */
  routes?: FastifyPluginAsync<{ services: Services }>;
  /** Seeds the demo street (demo mode, first start), in dependency order of `modules/index.ts`. */
  seedDemo?: (services: Services) => Promise<void>;
  /** Runs once at every start, after migrations and seeding (e.g. to fail jobs a crash left behind). */
  onStart?: (services: Services) => Promise<void>;
  /** Background work of a running server (e.g. the case sweep); returns its stop function. */
  jobs?: (services: Services) => () => void;
  /** Reactions to other modules' changes, run in their transaction (see `Hooks`). */
  hooks?: Partial<Hooks>;
  /** Routes outside /api (e.g. /open311/v2); their permission checks are their own. */
  rootRoutes?: FastifyPluginAsync<{ services: Services }>;
}

/** A permission as a manifest declares it: its duty defaults to the module's. */
export type PermissionDecl = Omit<PermissionDef, 'duty'> & { duty?: Duty };

export function perm(
  module: string,
  name: string,
  zh: string,
  en: string,
  sensitive = false,
  duty?: Duty,
): PermissionDecl {
  return { name, module, zh, en, sensitive, ...(duty ? { duty } : {}) };
}
