import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Db } from './index.js';

/** Merges the kernel's and every module's migrations into one timestamp-ordered set. */
export class MergedMigrations implements MigrationProvider {
  constructor(private readonly sets: Record<string, Migration>[]) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const all: Record<string, Migration> = {};
    for (const set of this.sets) {
      for (const [name, m] of Object.entries(set)) {
        if (all[name]) throw new Error(`duplicate migration name ${name}`);
        all[name] = m;
      }
    }
    return all;
  }
}

export async function migrateToLatest(db: Db, sets: Record<string, Migration>[]): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new MergedMigrations(sets),
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
    // Modules are written side by side: one merged later may carry a name older than a migration
    // a street has applied already. Pending ones still run in name order; without this kysely
    // refuses them and the street cannot upgrade.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
