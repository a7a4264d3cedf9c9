import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { hashPassword } from '../../platform/auth/password.js';
import { DEMO } from '../../platform/demo.js';
import type { Services } from '../../platform/services.js';

/** The demo's resident logins (README "Demo accounts"): the code is shown on screen in demo mode. */
export const DEMO_RESIDENT_PHONE_BASE = 13900000000;
/** Verified residents seeded in 友谊河社区: heads of households with at least two members. */
export const DEMO_VERIFIED_RESIDENTS = 40;
/** A signed-up account that is not verified yet (for the window's verification). */
export const DEMO_UNVERIFIED_PHONE = '13900009999';

/**
 * Verified residents in the demo street, deterministic and fast: the first households (by id) of
 * 友谊河社区 with two or more members give their first adult member (by id) an account numbered
 * 13900000001, 13900000002 …; the account is bound as if matched. One password hash for all (a
 * resident never uses a password), and a few statements.
 */
export async function seedDemoResidents(s: Services): Promise<void> {
  // Idempotent (every start runs the seeds): once seeded, nothing more.
  if (await s.db.selectFrom('users').select('id').where('username', '=', 'r_demo_0001').executeTakeFirst())
    return;
  const community = await s.db
    .selectFrom('areas')
    .select(['id', 'path'])
    .where('name', '=', DEMO.detailed)
    .executeTakeFirstOrThrow();
  const people = (
    await sql<{ id: number; name: string; householdId: number }>`
      SELECT DISTINCT ON (p.household_id) p.id, p.name, p.household_id AS "householdId"
      FROM people p JOIN areas h ON h.id = p.area_id
      WHERE h.path <@ ${community.path}::ltree AND p.status = 'active' AND p.household_id IS NOT NULL
        AND p.birth_date <= '2000-01-01' AND p.duplicate_of IS NULL
        AND (SELECT count(*) FROM people m WHERE m.household_id = p.household_id AND m.status = 'active') >= 2
      ORDER BY p.household_id, p.id
      LIMIT ${DEMO_VERIFIED_RESIDENTS}`.execute(s.db)
  ).rows;
  const role = await s.db
    .selectFrom('roles')
    .select('id')
    .where('code', '=', 'resident')
    .executeTakeFirstOrThrow();
  const hash = await hashPassword(randomBytes(24).toString('base64url'));
  const now = s.clock.now();
  const phones = [...people.map((_, i) => String(DEMO_RESIDENT_PHONE_BASE + i + 1)), DEMO_UNVERIFIED_PHONE];
  await s.db.transaction().execute(async (trx) => {
    const users = await trx
      .insertInto('users')
      .values(
        phones.map((_, i) => ({
          username: `r_demo_${String(i + 1).padStart(4, '0')}`,
          displayName: people[i]?.name ?? '居民',
          areaId: community.id,
          passwordHash: hash,
          mustChangePassword: false,
          isDemo: true,
          kind: 'resident',
        })),
      )
      .returning('id')
      .execute();
    await trx
      .insertInto('residentAccounts')
      .values(
        phones.map((phone, i) => ({
          userId: users[i]!.id,
          phoneEnc: s.keyring.encrypt(phone),
          phoneHash: s.keyring.lookupHash(phone),
          phoneTail: phone.slice(-4),
          personId: people[i]?.id ?? null,
          verifiedHow: people[i] ? 'match' : null,
          verifiedAt: people[i] ? now : null,
          signedUpAt: now,
        })),
      )
      .execute();
    if (people.length)
      await trx
        .insertInto('userRoles')
        .values(people.map((_, i) => ({ userId: users[i]!.id, roleId: role.id, areaId: community.id })))
        .execute();
  });
}
