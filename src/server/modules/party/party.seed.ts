import { sql } from 'kysely';
import type { IncomeKind } from '../../../contract/party.js';
import { chinaDate } from '../../engines/calendar/calendar.js';
import { addCalendarDays, civilMonthsAfter } from '../../engines/calendar/months.js';
import { DEMO, demoRng } from '../../platform/demo.js';
import type { Services } from '../../platform/services.js';
import { duesFor } from './party.rules.js';

const BRANCHES = ['第一党支部', '第二党支部', '第三党支部', '离退休党支部'];
/** stage of each pipeline case and months since the application */
const CASES: [name: string, branch: number, stage: string, monthsAgo: number][] = [
  ['周晓雨', 0, 'applicant', 0],
  ['陈思远', 1, 'applicant', 2],
  ['李文博', 0, 'activist', 8],
  ['赵欣然', 2, 'activist', 15],
  ['王嘉怡', 1, 'candidate', 20],
  ['刘子涵', 0, 'probationary', 26],
  ['孙浩然', 2, 'probationary', 36],
];

/**
 * 友谊河社区党总支 with four branches on its grids, ~30 members linked to registry people of the
 * community, seven recruitment cases at various stages and three months of dues. A few dozen rows in
 * one transaction: well under a second.
 */
export async function seedDemoParty(s: Services): Promise<void> {
  if (await s.db.selectFrom('partyOrgs').select('id').limit(1).executeTakeFirst()) return;
  const community = await s.db
    .selectFrom('areas')
    .select(['id', 'path'])
    .where('name', '=', DEMO.detailed)
    .where('kind', '=', 'community')
    .executeTakeFirst();
  if (!community) return;
  const grids = await s.db
    .selectFrom('areas')
    .select(['id', 'path'])
    .where('kind', '=', 'grid')
    .where(sql<boolean>`path <@ ${community.path}::ltree`)
    .orderBy('id')
    .limit(3)
    .execute();
  const people = await s.db
    .selectFrom('people as p')
    .innerJoin('areas as a', 'a.id', 'p.areaId')
    .select(['p.id', 'p.name', 'p.birthDate'])
    .where(sql<boolean>`a.path <@ ${community.path}::ltree`)
    .where('p.birthDate', '<', '1995-01-01')
    .orderBy('p.id')
    .limit(30)
    .execute();
  const rng = demoRng('party');
  const now = s.clock.now();
  const today = chinaDate(now);
  const y = Number(today.slice(0, 4));
  await s.db.transaction().execute(async (trx) => {
    const general = await trx
      .insertInto('partyOrgs')
      .values({
        kind: 'general',
        name: '友谊河社区党总支',
        areaId: community.id,
        areaPath: community.path,
        secretary: '李建华',
        termStart: `${y - 4}-11-20`,
        termEnd: `${y + 1}-02-19`,
        parentId: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const branches: { id: number; path: string }[] = [];
    for (const [i, name] of BRANCHES.entries()) {
      const area = grids[i] ?? community;
      const b = await trx
        .insertInto('partyOrgs')
        .values({
          kind: 'branch',
          name,
          parentId: general.id,
          areaId: area.id,
          areaPath: area.path,
          secretary: ['张国强', '刘红梅', '陈志明', '王秀英'][i]!,
          termStart: i === 1 ? null : `${y - 2}-03-15`,
          termEnd: i === 1 ? null : `${y + 3}-03-14`,
        })
        .returning(['id', 'areaPath'])
        .executeTakeFirstOrThrow();
      branches.push({ id: b.id, path: b.areaPath });
    }
    const members: { id: number; path: string; kind: IncomeKind; base: number }[] = [];
    for (const [i, p] of people.entries()) {
      // branch 4 (离退休) takes the oldest; branch 3 is kept small (2 full members: a warning)
      const b = i < 9 ? 0 : i < 17 ? 1 : i < 20 ? 2 : 3;
      const retired = b === 3;
      const probationary = b === 2 && i === 19;
      const admitted = `${1985 + ((i * 7) % 35)}-0${1 + (i % 9)}-1${i % 9}`;
      const kind: IncomeKind = retired ? 'retired' : i % 11 === 5 ? 'unemployed' : 'working';
      const base =
        kind === 'unemployed'
          ? 0
          : Math.round((retired ? 2800 + rng.int(0, 3400) : 2600 + rng.int(0, 9000)) / 10) * 10;
      const m = await trx
        .insertInto('partyMembers')
        .values({
          orgId: branches[b]!.id,
          areaPath: branches[b]!.path,
          personId: p.id,
          name: p.name,
          phoneEnc: s.keyring.encrypt(`1390730${String(1000 + i).padStart(4, '0')}`),
          status: probationary ? 'probationary' : 'full',
          kinds: retired
            ? ['retired', ...(i % 4 === 0 ? ['frail'] : [])]
            : i % 6 === 0
              ? ['inservice']
              : i % 7 === 0
                ? ['floating']
                : ['resident'],
          admittedOn: probationary ? civilMonthsAfter(today, -5) : admitted,
          fullOn: probationary ? null : civilMonthsAfter(admitted, 12),
          employer: retired ? '' : ['汨罗市供电公司', '城关中学', '个体经营', '汨罗市人民医院', ''][i % 5]!,
          incomeKind: kind,
          monthlyBase: base,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      members.push({ id: m.id, path: branches[b]!.path, kind, base });
    }
    // three months of dues: the last two months mostly paid, the current month partly
    const months = [-2, -1, 0].map((k) => civilMonthsAfter(`${today.slice(0, 7)}-01`, k).slice(0, 7));
    const dues = [];
    for (const [k, month] of months.entries())
      for (const [i, m] of members.entries()) {
        const paidNow = k < 2 ? i % 9 !== 4 : i % 3 === 0;
        if (!paidNow) continue;
        const c = duesFor(m.kind, m.base);
        dues.push({
          memberId: m.id,
          areaPath: m.path,
          month,
          base: m.base,
          rate: c.rate,
          due: c.due,
          paid: c.due,
          paidOn: k < 2 ? `${month}-10` : today,
        });
      }
    if (dues.length) await trx.insertInto('partyDues').values(dues).execute();
    for (const [name, b, stage, monthsAgo] of CASES) {
      const applied = civilMonthsAfter(today, -monthsAgo - 1);
      const dates: Record<string, string> = { applied };
      const people: Record<string, string> = {};
      let training = 0;
      if (stage !== 'applicant' || monthsAgo > 1) {
        dates.talk = addCalendarDays(applied, 12);
        people.talk = '张国强';
      }
      if (stage !== 'applicant') {
        dates.activist = civilMonthsAfter(applied, 3);
        people.activist = '刘红梅、陈志明';
      }
      if (stage === 'candidate' || stage === 'probationary') {
        dates.candidate = civilMonthsAfter(dates.activist!, 13);
        people.candidate = '张国强、王秀英';
        training = 3;
      }
      if (stage === 'probationary') {
        dates.prereview = civilMonthsAfter(dates.candidate!, 2);
        dates.admit = addCalendarDays(dates.prereview, 20);
        if (monthsAgo > 30) {
          dates.approve = civilMonthsAfter(dates.admit, 2);
          dates.oath = addCalendarDays(dates.approve, 20);
        }
      }
      await trx
        .insertInto('partyDevelopments')
        .values({
          orgId: branches[b]!.id,
          areaPath: branches[b]!.path,
          name,
          birthDate: `${1990 + ((monthsAgo * 3) % 10)}-05-0${1 + (monthsAgo % 8)}`,
          stage,
          dates: JSON.stringify(dates),
          people: JSON.stringify(people),
          trainingDays: training,
          trainingHours: training * 8,
        })
        .execute();
    }
  });
}
