import { kernelMigrations } from '../platform/migrations/index.js';
import type { ModuleManifest } from '../platform/module.js';
import { accountsModule } from './accounts/accounts.manifest.js';
import { activitiesModule } from './activities/activities.manifest.js';
import { areasModule } from './areas/areas.manifest.js';
import { auditModule } from './audit/audit.manifest.js';
import { authModule } from './auth/auth.manifest.js';
import { casesModule } from './cases/cases.manifest.js';
import { dashboardModule } from './dashboard/dashboard.manifest.js';
import { noticesModule } from './notices/notices.manifest.js';
import { open311Module } from './open311/open311.manifest.js';
import { partyModule } from './party/party.manifest.js';
import { registryModule } from './registry/registry.manifest.js';
import { residentsModule } from './residents/residents.manifest.js';
import { systemModule } from './system/system.manifest.js';
import { venuesModule } from './venues/venues.manifest.js';
import { visitsModule } from './visits/visits.manifest.js';
import { volunteersModule } from './volunteers/volunteers.manifest.js';
import { windowModule } from './window/window.manifest.js';
import { workbenchModule } from './workbench/workbench.manifest.js';

/** Every module of the platform, in dependency order (seeds run in this order). */
export const MODULES: ModuleManifest[] = [
  systemModule,
  authModule,
  areasModule,
  accountsModule,
  registryModule,
  casesModule,
  open311Module,
  residentsModule,
  visitsModule,
  noticesModule,
  windowModule,
  activitiesModule,
  volunteersModule,
  venuesModule,
  partyModule,
  dashboardModule,
  workbenchModule,
  auditModule,
];

export function allMigrations() {
  return [kernelMigrations, ...MODULES.map((m) => m.migrations ?? {})];
}
