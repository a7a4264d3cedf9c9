import { sql } from 'kysely';
import { writeAudit } from '../../platform/audit/audit.js';
import { hashPassword } from '../../platform/auth/password.js';
import { DEMO, DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../platform/demo.js';
import type { Services } from '../../platform/services.js';

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林';
const GIVEN = [
  '建华',
  '秀兰',
  '志强',
  '丽娟',
  '海燕',
  '国平',
  '桂英',
  '明辉',
  '春梅',
  '伟东',
  '红霞',
  '德胜',
  '玉珍',
  '永刚',
  '小燕',
];

/**
 * Staff accounts for every role of the demo street (password Jiayuan@2026, exempt from forced
 * change and expiry): the README's named accounts, plus a grid worker for every grid and heads
 * for 友谊河's compounds and first buildings.
 */
export async function seedDemoAccounts(s: Services): Promise<void> {
  const existing = await s.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (existing) return;
  const hash = await hashPassword(DEMO_PASSWORD);
  const area = async (where: string) =>
    (
      await sql<{
        id: number;
        code: string;
        path: string;
      }>`SELECT id, code, path::text AS path FROM areas WHERE ${sql.raw(where)} ORDER BY code LIMIT 1`.execute(
        s.db,
      )
    ).rows[0]!;
  const district = await area(`code = '${DEMO.district.code}'`);
  const street = await area(`code = '${DEMO.street.code}'`);
  const youyi = await area(`name = '${DEMO.detailed}'`);
  const youyiGrids = (
    await sql<{
      id: number;
      code: string;
    }>`SELECT id, code FROM areas WHERE parent_id = ${youyi.id} ORDER BY code`.execute(s.db)
  ).rows;
  const firstCompound = await area(`parent_id = ${youyiGrids[0]!.id} AND kind = 'compound'`);
  const firstBuilding = await area(`parent_id = ${firstCompound.id} AND kind = 'building'`);

  const scopeOf: Record<string, { home: number; scope: number }> = {
    street_admin: { home: street.id, scope: street.id },
    community_admin: { home: youyi.id, scope: youyi.id },
    community_worker: { home: youyi.id, scope: youyi.id },
    grid_a: { home: youyi.id, scope: youyiGrids[0]!.id },
    grid_b: { home: youyi.id, scope: youyiGrids[1]!.id },
    compound_head: { home: youyi.id, scope: firstCompound.id },
    building_head: { home: youyi.id, scope: firstBuilding.id },
    volunteer: { home: youyi.id, scope: youyi.id },
    party_member: { home: youyi.id, scope: youyi.id },
    cobuild_unit: { home: youyi.id, scope: youyi.id },
    resident: { home: youyi.id, scope: firstBuilding.id },
    sys_admin: { home: district.id, scope: district.id },
    security_admin: { home: district.id, scope: district.id },
    audit_admin: { home: district.id, scope: district.id },
  };

  const roles = new Map(
    (await s.db.selectFrom('roles').select(['id', 'code']).execute()).map((r) => [r.code, r.id] as const),
  );
  const users: { username: string; displayName: string; home: number; role: string; scope: number }[] =
    DEMO_ACCOUNTS.map((a) => ({ ...a, ...scopeOf[a.username]! }));

  // A grid worker for every other grid of the street; compound heads for 友谊河's compounds.
  const grids = (
    await sql<{ id: number; code: string; community: number }>`
      SELECT g.id, g.code, g.parent_id AS community FROM areas g WHERE g.kind = 'grid' AND g.path <@ ${street.path}::ltree ORDER BY g.code`.execute(
      s.db,
    )
  ).rows;
  let n = 0;
  const name = () => {
    n++;
    return SURNAMES[n % SURNAMES.length]! + GIVEN[(n * 7) % GIVEN.length]!;
  };
  for (const g of grids) {
    if (g.id === youyiGrids[0]!.id || g.id === youyiGrids[1]!.id) continue;
    users.push({
      username: `grid_${g.code.slice(-6)}`,
      displayName: name(),
      home: g.community,
      role: 'grid_worker',
      scope: g.id,
    });
  }
  const compounds = (
    await sql<{
      id: number;
      code: string;
    }>`SELECT id, code FROM areas WHERE kind = 'compound' AND path <@ ${youyi.path}::ltree AND id <> ${firstCompound.id} ORDER BY code`.execute(
      s.db,
    )
  ).rows;
  for (const c of compounds) {
    users.push({
      username: `head_${c.code.slice(-6)}`,
      displayName: name(),
      home: youyi.id,
      role: 'compound_head',
      scope: c.id,
    });
  }
  const communities = (
    await sql<{
      id: number;
      code: string;
    }>`SELECT id, code FROM areas WHERE kind = 'community' AND path <@ ${street.path}::ltree AND id <> ${youyi.id} ORDER BY code`.execute(
      s.db,
    )
  ).rows;
  for (const c of communities) {
    users.push({
      username: `sec_${c.code.slice(-3)}`,
      displayName: name(),
      home: c.id,
      role: 'community_secretary',
      scope: c.id,
    });
    users.push({
      username: `worker_${c.code.slice(-3)}`,
      displayName: name(),
      home: c.id,
      role: 'community_worker',
      scope: c.id,
    });
  }

  await s.db.transaction().execute(async (trx) => {
    const now = s.clock.now();
    const inserted = await trx
      .insertInto('users')
      .values(
        users.map((u) => ({
          username: u.username,
          displayName: u.displayName,
          areaId: u.home,
          passwordHash: hash,
          passwordChangedAt: now,
          mustChangePassword: false,
          isDemo: true,
        })),
      )
      .returning(['id', 'username'])
      .execute();
    const ids = new Map(inserted.map((r) => [r.username, r.id]));
    await trx
      .insertInto('userRoles')
      .values(
        users.map((u) => ({ userId: ids.get(u.username)!, roleId: roles.get(u.role)!, areaId: u.scope })),
      )
      .execute();
    await writeAudit(
      trx,
      { actorId: null, actorName: 'system', ip: null, requestId: null },
      { action: 'system.seed_demo', detail: { users: users.length } },
      now,
    );
  });
}
