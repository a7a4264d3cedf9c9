import type { Duty, PermissionDef } from '../../../contract/roles.js';
import type { Db } from '../db/index.js';
import type { ModuleManifest } from '../module.js';
import { dutiesOf, dutyConflict, registerDuties } from './duties.js';

export interface BuiltinRole {
  code: string;
  nameZh: string;
  nameEn: string;
  adminKind: 'system' | 'security' | 'audit' | null;
}

/** The built-in roles of DOMAIN.md §1; their permissions come from the modules' `grants`. */
export const BUILTIN_ROLES: BuiltinRole[] = [
  { code: 'street_admin', nameZh: '街道管理员', nameEn: 'Street administrator', adminKind: null },
  { code: 'community_secretary', nameZh: '社区书记/主任', nameEn: 'Community secretary', adminKind: null },
  { code: 'community_worker', nameZh: '社区工作者', nameEn: 'Community worker', adminKind: null },
  { code: 'grid_worker', nameZh: '网格员', nameEn: 'Grid worker', adminKind: null },
  { code: 'compound_head', nameZh: '小区组长', nameEn: 'Compound head', adminKind: null },
  { code: 'building_head', nameZh: '楼栋长', nameEn: 'Building head', adminKind: null },
  { code: 'volunteer', nameZh: '志愿者', nameEn: 'Volunteer', adminKind: null },
  { code: 'party_member', nameZh: '党员', nameEn: 'Party member', adminKind: null },
  { code: 'cobuild_unit', nameZh: '共建单位', nameEn: 'Co-building unit', adminKind: null },
  { code: 'resident', nameZh: '居民', nameEn: 'Resident', adminKind: null },
  { code: 'sys_admin', nameZh: '系统管理员', nameEn: 'System administrator', adminKind: 'system' },
  { code: 'security_admin', nameZh: '安全管理员', nameEn: 'Security administrator', adminKind: 'security' },
  { code: 'audit_admin', nameZh: '审计管理员', nameEn: 'Audit administrator', adminKind: 'audit' },
];

/**
 * All permissions and built-in grants, collected from the module manifests. Every permission gets
 * its duty (三权分立) from its module or its own declaration: one without a duty, or a built-in
 * role whose grants span incompatible duties, stops the app here, at start.
 */
export class AccessRegistry {
  readonly permissions: PermissionDef[];
  readonly grants: Map<string, Set<string>>;
  readonly duties: Map<string, Duty>;
  constructor(modules: ModuleManifest[]) {
    const seen = new Map<string, PermissionDef>();
    this.grants = new Map(BUILTIN_ROLES.map((r) => [r.code, new Set<string>()]));
    for (const m of modules) {
      for (const p of m.permissions) {
        if (seen.has(p.name)) throw new Error(`permission ${p.name} declared twice`);
        if (!/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/.test(p.name))
          throw new Error(`bad permission name ${p.name}`);
        const duty = p.duty ?? m.duty;
        if (!duty)
          throw new Error(
            `permission ${p.name} of module ${m.name} has no duty: declare \`duty\` on the module or the permission`,
          );
        seen.set(p.name, { ...p, duty });
      }
    }
    this.duties = new Map([...seen.values()].map((p) => [p.name, p.duty]));
    registerDuties(this.duties);
    for (const m of modules) {
      for (const [role, perms] of Object.entries(m.grants ?? {})) {
        const set = this.grants.get(role);
        if (!set) throw new Error(`module ${m.name} grants to unknown role ${role}`);
        for (const p of perms ?? []) {
          if (!seen.has(p)) throw new Error(`module ${m.name} grants unknown permission ${p}`);
          set.add(p);
        }
      }
    }
    this.permissions = [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
    for (const r of BUILTIN_ROLES) {
      const c = dutyConflict(dutiesOf(this.grants.get(r.code) ?? []));
      if (c) throw new Error(`built-in role ${r.code} spans incompatible duties (${c})`);
    }
  }

  dutyOf(permission: string): Duty | undefined {
    return this.duties.get(permission);
  }

  has(permission: string): boolean {
    return this.permissions.some((p) => p.name === permission);
  }

  /** Brings the built-in roles and their permissions in line with the code (run at start). */
  async syncBuiltinRoles(db: Db): Promise<void> {
    await db.transaction().execute(async (trx) => {
      for (const r of BUILTIN_ROLES) {
        const row = await trx
          .insertInto('roles')
          .values({ code: r.code, nameZh: r.nameZh, nameEn: r.nameEn, builtin: true, adminKind: r.adminKind })
          .onConflict((oc) =>
            oc
              .column('code')
              .doUpdateSet({ nameZh: r.nameZh, nameEn: r.nameEn, builtin: true, adminKind: r.adminKind }),
          )
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx.deleteFrom('rolePermissions').where('roleId', '=', row.id).execute();
        const perms = [...(this.grants.get(r.code) ?? [])];
        if (perms.length > 0) {
          await trx
            .insertInto('rolePermissions')
            .values(perms.map((permission) => ({ roleId: row.id, permission })))
            .execute();
        }
      }
    });
  }
}
