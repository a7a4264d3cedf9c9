import type { Actor } from './access/actor.js';
import type { AccessRegistry } from './access/registry.js';
import { type AuditContext, type AuditInput, writeAudit } from './audit/audit.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Keyring } from './crypto/keys.js';
import type { Conn, Db, Tx } from './db/index.js';
import type { ReadReplica } from './db/replica.js';
import type { SettingsStore } from './settings.js';

export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: unknown): void;
}

/**
 * Reactions of modules to changes in other modules, run inside the changing transaction (e.g.
 * visit plans follow a person's tags). Declared in manifests (`hooks`), collected at boot.
 */
export interface Hooks {
  /** People whose tags, status or place changed. */
  personChanged: ((trx: Tx, s: Services, personIds: number[]) => Promise<void>)[];
}

export async function personChanged(s: Services, trx: Tx, personIds: number[]): Promise<void> {
  if (personIds.length === 0) return;
  for (const h of s.hooks?.personChanged ?? []) await h(trx, s, personIds);
}

/** What every service gets: built once at start, passed down, never imported as a global. */
export interface Services {
  hooks?: Hooks;
  config: Config;
  db: Db;
  /** Where figures, exports and reports read (a replica when READ_DATABASE_URL is set). */
  reads?: ReadReplica;
  clock: Clock;
  keyring: Keyring;
  registry: AccessRegistry;
  settings: SettingsStore;
  log: Log;
}

/** A request as the services see it: who acts, in which language, from where. */
export interface Ctx {
  actor: Actor;
  lang: 'zh' | 'en';
  audit: AuditContext;
}

export function systemCtx(actor: Actor): Ctx {
  return { actor, lang: 'zh', audit: { actorId: null, actorName: 'system', ip: null, requestId: null } };
}

/** Runs `fn` in one transaction and appends its audit entry in the same transaction. */
export async function inTx<T>(
  s: Services,
  ctx: Pick<Ctx, 'audit'>,
  fn: (trx: Tx, audit: (e: AuditInput) => Promise<void>) => Promise<T>,
): Promise<T> {
  return s.db.transaction().execute(async (trx) => {
    const pending: AuditInput[] = [];
    const result = await fn(trx, async (e) => {
      pending.push(e);
    });
    const at = s.clock.now();
    for (const e of pending) await writeAudit(trx as Conn, ctx.audit, e, at);
    return result;
  });
}
