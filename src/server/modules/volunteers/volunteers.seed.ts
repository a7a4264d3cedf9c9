import { randomBytes } from 'node:crypto';
import { DEMO, demoRng } from '../../platform/demo.js';
import type { Services } from '../../platform/services.js';
import { KIND } from './volunteers.service.js';

const TEAMS: [string, string][] = [
  ['友谊河社区志愿服务队', 'community'],
  ['党员先锋志愿服务队', 'party'],
  ['巾帼志愿服务队', 'community'],
  ['金盆小区1栋楼栋服务队', 'building'],
  ['供电公司共建服务队', 'unit'],
  ['法律服务志愿队', 'community'],
  ['健康义诊志愿队', 'community'],
  ['文明劝导志愿队', 'community'],
];
/** Demo accounts registered as volunteers (the resident 黄美华 is not: the journey registers her). */
const PEOPLE: [username: string, birth: string, phone: string, team: number, skills: string[]][] = [
  ['volunteer', '1990-04-12', '13907301234', 0, ['陪伴老人', '摄影']],
  ['party_member', '1968-09-03', '13807305678', 1, ['政策宣讲']],
  ['building_head', '1962-01-20', '13607302345', 3, ['邻里调解']],
  ['compound_head', '1971-06-15', '13707303456', 3, ['环境整治']],
  ['grid_a', '1993-11-02', '13507304567', 7, ['文明劝导']],
  ['cobuild_unit', '1985-03-30', '13307306789', 4, ['电力安全']],
];
const ACTIVITIES: [
  title: string,
  place: string,
  team: number,
  daysFromNow: number,
  hours: number,
  capacity: number,
][] = [
  ['敬老院陪伴服务', '友谊河社区日间照料中心', 0, -60, 3, 10],
  ['政策宣讲进楼栋', '友谊河社区党群服务中心', 1, -52, 2, 20],
  ['垃圾分类宣传', '金盆小区广场', 7, -45, 2, 15],
  ['义诊进社区', '友谊河社区卫生服务站', 6, -38, 3, 8],
  ['法律咨询服务日', '友谊河社区党群服务中心', 5, -30, 2, 6],
  ['楼道环境整治', '金盆小区1栋', 3, -21, 2, 12],
  ['用电安全入户检查', '金盆小区', 4, -14, 3, 6],
  ['文明交通劝导', '建设路与友谊路交叉口', 7, -7, 2, 10],
  ['周末助老理发', '友谊河社区日间照料中心', 2, 2, 2, 6],
  ['重阳节敬老活动', '友谊河社区党群服务中心', 0, 5, 3, 30],
  ['河道清洁行动', '汨罗江友谊河段', 7, 9, 3, 20],
  ['儿童安全教育课堂', '友谊河社区儿童之家', 2, 12, 2, 25],
];

/** Teams, volunteers and a dozen volunteer activities with rolls and hours in 友谊河社区. */
export async function seedDemoVolunteers(s: Services): Promise<void> {
  if (await s.db.selectFrom('volunteerTeams').select('id').limit(1).executeTakeFirst()) return;
  const community = await s.db
    .selectFrom('areas')
    .select(['id', 'path'])
    .where('name', '=', DEMO.detailed)
    .where('kind', '=', 'community')
    .executeTakeFirst();
  if (!community) return;
  const worker = await s.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', 'community_worker')
    .executeTakeFirst();
  const rng = demoRng('volunteers');
  const now = s.clock.now();
  await s.db.transaction().execute(async (trx) => {
    const teamIds: number[] = [];
    for (const [name, kind] of TEAMS) {
      const t = await trx
        .insertInto('volunteerTeams')
        .values({ name, kind, areaId: community.id, areaPath: community.path })
        .returning('id')
        .executeTakeFirstOrThrow();
      teamIds.push(t.id);
    }
    const vols: { userId: number; id: number; name: string }[] = [];
    for (const [username, birth, phone, team, skills] of PEOPLE) {
      const u = await trx
        .selectFrom('users as u')
        .innerJoin('areas as a', 'a.id', 'u.areaId')
        .select(['u.id', 'u.displayName', 'a.id as areaId', 'a.path'])
        .where('u.username', '=', username)
        .executeTakeFirst();
      if (!u) continue;
      const inside = u.path === community.path || u.path.startsWith(`${community.path}.`);
      const v = await trx
        .insertInto('volunteers')
        .values({
          userId: u.id,
          areaId: inside ? u.areaId : community.id,
          areaPath: inside ? u.path : community.path,
          teamId: teamIds[team]!,
          name: u.displayName,
          birthDate: birth,
          phoneEnc: s.keyring.encrypt(phone),
          skills,
          availability: '周末',
          publicConsent: true,
          status: 'active',
          registeredAt: new Date(now.getTime() - 400 * 86_400_000),
          verifiedBy: worker?.id ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('volunteers')
        .set({ volunteerNo: `ZY${String(now.getFullYear() - 1)}${String(v.id).padStart(7, '0')}` })
        .where('id', '=', v.id)
        .execute();
      vols.push({ userId: u.id, id: v.id, name: u.displayName });
    }
    const minutes = new Map<number, number>();
    for (const [title, place, team, days, hours, capacity] of ACTIVITIES) {
      // 09:00 China time on the day
      const day = new Date(now.getTime() + days * 86_400_000);
      const startsAt = new Date(`${day.toISOString().slice(0, 10)}T09:00:00+08:00`);
      const endsAt = new Date(startsAt.getTime() + hours * 3_600_000);
      const past = days < 0;
      const a = await trx
        .insertInto('activities')
        .values({
          kind: KIND,
          module: 'volunteers',
          areaId: community.id,
          areaPath: community.path,
          ownerKind: 'team',
          ownerId: teamIds[team]!,
          ownerName: TEAMS[team]![0],
          title,
          description: `${TEAMS[team]![0]}组织的志愿服务活动`,
          placeName: place,
          lat: 28.8 + rng.between(0, 0.01),
          lng: 113.07 + rng.between(0, 0.01),
          startsAt,
          endsAt,
          signupDeadline: new Date(startsAt.getTime() - 24 * 3_600_000),
          capacity,
          status: past ? 'hours_confirmed' : 'published',
          qrSecret: randomBytes(24).toString('base64url'),
          createdBy: worker?.id ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const who = vols.filter(() => rng.chance(0.7));
      for (const v of who) {
        const came = past && rng.chance(0.85);
        const inAt = new Date(startsAt.getTime() - rng.int(0, 15) * 60_000);
        const outAt = new Date(endsAt.getTime() + rng.int(-20, 10) * 60_000);
        const credited = came
          ? Math.floor((Math.min(outAt.getTime(), endsAt.getTime()) - startsAt.getTime()) / 60_000)
          : null;
        await trx
          .insertInto('activitySignups')
          .values({
            activityId: a.id,
            userId: v.userId,
            name: v.name,
            status: 'confirmed',
            signedUpAt: new Date(startsAt.getTime() - rng.int(2, 10) * 86_400_000),
            checkedInAt: came ? inAt : null,
            checkedOutAt: came ? outAt : null,
            checkMethod: came ? 'qr' : null,
            rawMinutes: came ? Math.floor((outAt.getTime() - inAt.getTime()) / 60_000) : null,
            creditedMinutes: credited,
            hoursStatus: came ? 'confirmed' : 'none',
            confirmedBy: came ? (worker?.id ?? null) : null,
            confirmedAt: came ? endsAt : null,
          })
          .execute();
        if (credited) minutes.set(v.id, (minutes.get(v.id) ?? 0) + credited);
      }
    }
    for (const [id, m] of minutes)
      await trx.updateTable('volunteers').set({ confirmedMinutes: m }).where('id', '=', id).execute();
  });
}
