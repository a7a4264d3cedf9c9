import { sealAudit, startAuditSealer } from '../../platform/audit/audit.js';
import { type ModuleManifest, perm } from '../../platform/module.js';
import { auditRoutes } from './audit.routes.js';

/** Reading the audit log is the audit administrator's alone (三权分立). */
export const auditModule: ModuleManifest = {
  name: 'audit',
  duty: 'audit',
  permissions: [
    perm('audit', 'audit.read', '查看审计日志', 'Read the audit log', true),
    perm('audit', 'audit.verify', '校验审计日志哈希链', 'Verify the audit hash chain', true),
  ],
  grants: { audit_admin: ['audit.read', 'audit.verify'] },
  routes: auditRoutes,
  // Entries are chained shortly after commit (platform/audit/audit.ts): at start, then every second.
  onStart: async (s) => {
    await sealAudit(s.db);
  },
  jobs: (s) => startAuditSealer(s.db, s.log),
};
