import { type SecuritySettings, SecuritySettings as SecuritySettingsSchema } from '../../contract/auth.js';
import { DEFAULT_PASSWORD_POLICY } from './auth/password.js';
import type { Conn, Db } from './db/index.js';

export const DEFAULT_SECURITY: SecuritySettings = {
  passwordPolicy: DEFAULT_PASSWORD_POLICY,
  idleTimeoutMinutes: 30,
  gridWorkerIdleMinutes: 240,
  absoluteLifetimeHours: 12,
  lockoutThreshold: 5,
  ipLockoutThreshold: 20,
  lockoutMinutes: 30,
};

/**
 * Settings kept in the database, read through a short cache (they are read on every request;
 * a change made by another instance is seen within `ttlMs`, one made here at once).
 */
export class SettingsStore {
  private cache: { value: SecuritySettings; at: number } | null = null;
  constructor(
    private readonly db: Db,
    private readonly ttlMs = 5000,
  ) {}

  async security(): Promise<SecuritySettings> {
    if (this.cache && Date.now() - this.cache.at < this.ttlMs) return this.cache.value;
    const row = await this.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', 'security')
      .executeTakeFirst();
    const parsed = row ? SecuritySettingsSchema.safeParse(row.value) : null;
    const value = parsed?.success ? parsed.data : DEFAULT_SECURITY;
    this.cache = { value, at: Date.now() };
    return value;
  }

  async saveSecurity(conn: Conn, value: SecuritySettings): Promise<void> {
    await conn
      .insertInto('settings')
      .values({ key: 'security', value: JSON.stringify(value) })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({
          value: JSON.stringify(value),
          version: eb('settings.version', '+', 1),
          updatedAt: new Date(),
        })),
      )
      .execute();
    this.cache = null;
  }

  invalidate() {
    this.cache = null;
  }
}
