import { type ColumnType, type Generated, type SqlBool, sql } from 'kysely';
import type { Page } from '../../../contract/common.js';
import { maskPhone } from '../../../contract/identifiers.js';
import {
  DEV_STEP_LABELS,
  type Development,
  type DevelopmentCreate,
  type DevelopmentQuery,
  type DevelopmentStep,
  type DevStage,
  type DuesPayment,
  type DuesQuery,
  type DuesRow,
  type IncomeKind,
  type MemberKind,
  type MemberStatus,
  ORG_KIND_LABELS,
  ORG_PARENT,
  type OrgKind,
  type PartyMember,
  type PartyMemberCreate,
  type PartyMemberQuery,
  type PartyOrg,
  type PartyOrgCreate,
} from '../../../contract/party.js';
import { chinaDate } from '../../engines/calendar/calendar.js';
import { addCalendarDays, civilMonthsAfter } from '../../engines/calendar/months.js';
import { calendarFor } from '../../engines/calendar/store.js';
import { areaLabelSql } from '../../platform/access/area-label.js';
import { pathInScope } from '../../platform/access/scope.js';
import type { Conn } from '../../platform/db/index.js';
import { AppError, notFound } from '../../platform/errors/app-error.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';
import {
  DEPENDS,
  type DevState,
  type DuesRounding,
  devWarnings,
  dueItems,
  duesFor,
  nextSteps,
  orgWarnings,
  REQUIRES,
  STEP_FLOW,
  wholeYears,
} from './party.rules.js';

type Opt<T> = ColumnType<T, T | undefined, T>;
type Day = ColumnType<string, string | undefined, string>;
type Num = ColumnType<string, number | string | undefined, number | string>;
export interface PartyOrgsTable {
  id: Generated<number>;
  parentId: number | null;
  kind: string;
  name: string;
  areaId: number;
  areaPath: string;
  secretary: Opt<string>;
  termStart: Day | null;
  termEnd: Day | null;
  createdAt: ColumnType<Date, Date | string | undefined, never>;
  version: Opt<number>;
}
export interface PartyMembersTable {
  id: Generated<number>;
  orgId: number;
  areaPath: string;
  personId: number | null;
  name: string;
  phoneEnc: string | null;
  status: string;
  kinds: Opt<string[]>;
  admittedOn: Day | null;
  fullOn: Day | null;
  employer: Opt<string>;
  incomeKind: Opt<string>;
  monthlyBase: Num;
  createdAt: ColumnType<Date, Date | string | undefined, never>;
  version: Opt<number>;
}
export interface PartyDevelopmentsTable {
  id: Generated<number>;
  orgId: number;
  areaPath: string;
  personId: number | null;
  name: string;
  birthDate: Day;
  rulePack: Opt<string>;
  stage: Opt<string>;
  dates: ColumnType<Record<string, string>, string | undefined, string>;
  people: ColumnType<Record<string, string>, string | undefined, string>;
  trainingDays: Num;
  trainingHours: Num;
  extendedUntil: Day | null;
  createdAt: ColumnType<Date, Date | string | undefined, never>;
  version: Opt<number>;
}
export interface PartyDuesTable {
  id: Generated<number>;
  memberId: number;
  areaPath: string;
  month: string;
  base: Num;
  rate: Num;
  due: Num;
  paid: Num;
  paidOn: Day | null;
  exempt: Opt<boolean>;
  recordedBy: number | null;
}
declare module '../../platform/db/schema.js' {
  interface DB {
    partyOrgs: PartyOrgsTable;
    partyMembers: PartyMembersTable;
    partyDevelopments: PartyDevelopmentsTable;
    partyDues: PartyDuesTable;
  }
}

export const PERM = { read: 'party.read', manage: 'party.manage' } as const;

const dayOf = (v: unknown): string | null =>
  v === null || v === undefined
    ? null
    : typeof v === 'string'
      ? v.slice(0, 10)
      : chinaDate(new Date(v as Date));
const daysBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);
const rule = (zh: string, en: string) => new AppError('PARTY_RULE', { zh, en });
const field = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', { fields: path }, [{ path, code: 'invalid', message }]);

/** The dues rounding ⚠: setting `party.duesRounding` ('fen' by default). */
async function rounding(conn: Conn): Promise<DuesRounding> {
  const r = await conn
    .selectFrom('settings')
    .select('value')
    .where('key', '=', 'party.duesRounding')
    .executeTakeFirst();
  const v = r?.value;
  return v === 'jiao' || v === 'yuan' ? v : 'fen';
}

export function partyService(s: Services) {
  const today = () => chinaDate(s.clock.now());

  async function orgInScope(conn: Conn, ctx: Ctx, id: number, perm: string = PERM.read) {
    const o = await conn
      .selectFrom('partyOrgs')
      .select(['id', 'kind', 'areaPath', 'name'])
      .where('id', '=', id)
      .where(pathInScope(ctx.actor, PERM.read, 'areaPath'))
      .executeTakeFirst();
    if (!o) throw notFound();
    if (perm !== PERM.read && !ctx.actor.canAt(perm, o.areaPath)) throw new AppError('FORBIDDEN');
    return o;
  }

  function devState(r: {
    stage: string;
    dates: Record<string, string>;
    trainingDays: string | number;
    trainingHours: string | number;
    extendedUntil: unknown;
    birthDate: unknown;
  }): DevState {
    return {
      stage: r.stage as DevStage,
      dates: r.dates ?? {},
      trainingDays: Number(r.trainingDays),
      trainingHours: Number(r.trainingHours),
      extendedUntil: dayOf(r.extendedUntil),
      birthDate: dayOf(r.birthDate)!,
    };
  }

  async function presentDevs(ctx: Ctx, ids: number[]): Promise<Development[]> {
    if (!ids.length) return [];
    const rows = await s.db
      .selectFrom('partyDevelopments as d')
      .innerJoin('partyOrgs as o', 'o.id', 'd.orgId')
      .selectAll('d')
      .select('o.name as orgName')
      .where('d.id', 'in', ids)
      .execute();
    const { calendar } = await calendarFor(s).get();
    const now = today();
    return ids.map((id) => {
      const r = rows.find((x) => x.id === id)!;
      const st = devState(r);
      const due = dueItems(calendar, st, now);
      const open = due
        .filter((i) => i.state === 'open' || i.state === 'overdue')
        .sort((a, b) => (a.date < b.date ? -1 : 1));
      const canManage = ctx.actor.canAt(PERM.manage, r.areaPath);
      return {
        id: r.id,
        orgId: r.orgId,
        orgName: r.orgName,
        name: r.name,
        stage: st.stage,
        rulePack: r.rulePack,
        appliedOn: st.dates.applied ?? '',
        dates: { ...st.dates, extendedUntil: st.extendedUntil },
        trainingDays: st.trainingDays,
        trainingHours: st.trainingHours,
        people: r.people ?? {},
        next: open[0] ?? null,
        due,
        warnings: devWarnings(st, due),
        abilities: canManage ? nextSteps(st) : [],
      };
    });
  }

  async function presentMembers(ids: number[]): Promise<PartyMember[]> {
    if (!ids.length) return [];
    const rows = await s.db
      .selectFrom('partyMembers as m')
      .innerJoin('partyOrgs as o', 'o.id', 'm.orgId')
      .selectAll('m')
      .select('o.name as orgName')
      .where('m.id', 'in', ids)
      .execute();
    const r0 = await rounding(s.db);
    const now = today();
    return ids.map((id) => {
      const m = rows.find((x) => x.id === id)!;
      const full = dayOf(m.fullOn);
      return {
        id: m.id,
        orgId: m.orgId,
        orgName: m.orgName,
        personId: m.personId,
        name: m.name,
        phone: m.phoneEnc ? maskPhone(s.keyring.decrypt(m.phoneEnc)) : null,
        status: m.status as MemberStatus,
        kinds: m.kinds as MemberKind[],
        admittedOn: dayOf(m.admittedOn),
        fullOn: full,
        partyYears: full && m.status !== 'probationary' ? wholeYears(full, now) : null,
        employer: m.employer,
        incomeKind: m.incomeKind as IncomeKind,
        monthlyBase: Number(m.monthlyBase),
        monthlyDue: duesFor(m.incomeKind as IncomeKind, Number(m.monthlyBase), r0).due,
      };
    });
  }

  return {
    /** The organisation tree within the actor's areas, with counts, warnings and the re-election countdown. */
    async orgs(ctx: Ctx): Promise<PartyOrg[]> {
      const rows = await s.db
        .selectFrom('partyOrgs as o')
        .innerJoin('areas as a', 'a.id', 'o.areaId')
        .select([
          'o.id',
          'o.parentId',
          'o.kind',
          'o.name',
          'o.areaId',
          'o.secretary',
          'o.termStart',
          'o.termEnd',
          areaLabelSql('a').as('areaName'),
          sql<number>`(SELECT count(*)::int FROM party_members m WHERE m.org_id = o.id)`.as('members'),
          sql<number>`(SELECT count(*)::int FROM party_members m WHERE m.org_id = o.id AND m.status = 'full')`.as(
            'fullMembers',
          ),
        ])
        .where(pathInScope(ctx.actor, PERM.read, 'o.areaPath'))
        .orderBy('o.id')
        .execute();
      const now = today();
      // a unit's counts cover its subtree (a 总支 counts its branches' members)
      const total = (id: number, key: 'members' | 'fullMembers', depth = 0): number =>
        depth > 6
          ? 0
          : rows
              .filter((c) => c.parentId === id)
              .reduce((n, c) => n + total(c.id, key, depth + 1), rows.find((r) => r.id === id)![key]);
      return rows.map((o) => {
        o = { ...o, members: total(o.id, 'members'), fullMembers: total(o.id, 'fullMembers') };
        const end = dayOf(o.termEnd);
        const countdown = end ? daysBetween(now, end) : null;
        return {
          id: o.id,
          parentId: o.parentId,
          kind: o.kind as OrgKind,
          name: o.name,
          areaId: o.areaId,
          areaName: o.areaName,
          secretary: o.secretary,
          termStart: dayOf(o.termStart),
          termEnd: end,
          reelectionInDays: countdown,
          members: o.members,
          fullMembers: o.fullMembers,
          warnings: orgWarnings(o.kind as OrgKind, o.members, o.fullMembers, Boolean(end), countdown),
        };
      });
    },

    async createOrg(ctx: Ctx, input: PartyOrgCreate): Promise<PartyOrg> {
      const area = await s.db
        .selectFrom('areas')
        .select(['id', 'path'])
        .where('id', '=', input.areaId)
        .executeTakeFirst();
      if (!area || !ctx.actor.canAt(PERM.manage, area.path))
        throw field('areaId', '没有这个片区，或你无权在此设立党组织');
      if (input.termStart && input.termEnd && input.termEnd <= input.termStart)
        throw field('termEnd', '任期届满日须晚于任期开始日');
      const id = await inTx(s, ctx, async (trx, audit) => {
        if (input.parentId !== null) {
          const parent = await orgInScope(trx, ctx, input.parentId);
          if (!ORG_PARENT[input.kind].includes(parent.kind as OrgKind))
            throw field(
              'parentId',
              `${ORG_KIND_LABELS[input.kind].zh}不能设在${ORG_KIND_LABELS[parent.kind as OrgKind].zh}之下`,
            );
        } else if (input.kind !== 'gongwei' && input.kind !== 'committee' && input.kind !== 'general')
          throw field('parentId', `${ORG_KIND_LABELS[input.kind].zh}须有上级党组织`);
        const dup = await trx
          .selectFrom('partyOrgs')
          .select('id')
          .where('areaId', '=', input.areaId)
          .where('name', '=', input.name)
          .executeTakeFirst();
        if (dup) throw field('name', '该片区已有同名党组织');
        const row = await trx
          .insertInto('partyOrgs')
          .values({
            parentId: input.parentId,
            kind: input.kind,
            name: input.name,
            areaId: area.id,
            areaPath: area.path,
            secretary: input.secretary,
            termStart: input.termStart ?? null,
            termEnd: input.termEnd ?? null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await audit({
          action: 'party.org.create',
          entityType: 'party_org',
          entityId: row.id,
          detail: { name: input.name },
        });
        return row.id;
      });
      return (await this.orgs(ctx)).find((o) => o.id === id)!;
    },

    async members(ctx: Ctx, q: PartyMemberQuery): Promise<Page<PartyMember>> {
      let b = s.db.selectFrom('partyMembers as m').where(pathInScope(ctx.actor, PERM.read, 'm.areaPath'));
      if (q.orgId) b = b.where('m.orgId', '=', q.orgId);
      if (q.status) b = b.where('m.status', '=', q.status);
      if (q.kind) b = b.where(sql<SqlBool>`${q.kind} = ANY(m.kinds)`);
      if (q.q) b = b.where('m.name', 'like', `%${q.q.replace(/[\\%_]/g, '\\$&')}%`);
      const [{ n }, rows] = await Promise.all([
        b.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
        b
          .select('m.id')
          .orderBy('m.orgId')
          .orderBy('m.id')
          .limit(q.pageSize)
          .offset((q.page - 1) * q.pageSize)
          .execute(),
      ]);
      return {
        items: await presentMembers(rows.map((r) => r.id)),
        total: n,
        page: q.page,
        pageSize: q.pageSize,
      };
    },

    async member(ctx: Ctx, id: number): Promise<PartyMember> {
      const m = await s.db
        .selectFrom('partyMembers')
        .select('id')
        .where('id', '=', id)
        .where(pathInScope(ctx.actor, PERM.read, 'areaPath'))
        .executeTakeFirst();
      if (!m) throw notFound();
      return (await presentMembers([id]))[0]!;
    },

    async createMember(ctx: Ctx, input: PartyMemberCreate): Promise<PartyMember> {
      if (input.status !== 'probationary' && !input.fullOn && input.admittedOn)
        throw field('fullOn', '正式党员须填写转正日期（党龄自预备期满之日起算）');
      if (input.admittedOn && input.fullOn && input.fullOn < input.admittedOn)
        throw field('fullOn', '转正日期不能早于入党日期');
      const id = await inTx(s, ctx, async (trx, audit) => {
        const org = await orgInScope(trx, ctx, input.orgId, PERM.manage);
        if (org.kind !== 'branch' && org.kind !== 'group') throw field('orgId', '党员须编入党支部或党小组');
        if (input.personId) {
          const p = await trx
            .selectFrom('people')
            .innerJoin('areas as a', 'a.id', 'people.areaId')
            .select('people.id')
            .where('people.id', '=', input.personId)
            .where(pathInScope(ctx.actor, PERM.read, 'a.path'))
            .executeTakeFirst();
          if (!p) throw field('personId', '人口库中没有这个人，或不在你的辖区');
          const dup = await trx
            .selectFrom('partyMembers')
            .select('id')
            .where('personId', '=', input.personId)
            .executeTakeFirst();
          if (dup) throw field('personId', '此人已登记为党员');
        }
        const row = await trx
          .insertInto('partyMembers')
          .values({
            orgId: org.id,
            areaPath: org.areaPath,
            personId: input.personId ?? null,
            name: input.name,
            phoneEnc: input.phone ? s.keyring.encrypt(input.phone) : null,
            status: input.status,
            kinds: input.kinds,
            admittedOn: input.admittedOn ?? null,
            fullOn: input.fullOn ?? null,
            employer: input.employer,
            incomeKind: input.incomeKind,
            monthlyBase: input.monthlyBase,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await audit({ action: 'party.member.create', entityType: 'party_member', entityId: row.id });
        return row.id;
      });
      return (await presentMembers([id]))[0]!;
    },

    async developments(ctx: Ctx, q: DevelopmentQuery): Promise<Page<Development>> {
      let b = s.db
        .selectFrom('partyDevelopments as d')
        .where(pathInScope(ctx.actor, PERM.read, 'd.areaPath'));
      if (q.orgId) b = b.where('d.orgId', '=', q.orgId);
      if (q.stage) b = b.where('d.stage', '=', q.stage);
      const [{ n }, rows] = await Promise.all([
        b.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
        b
          .select('d.id')
          .orderBy('d.id')
          .limit(q.pageSize)
          .offset((q.page - 1) * q.pageSize)
          .execute(),
      ]);
      return {
        items: await presentDevs(
          ctx,
          rows.map((r) => r.id),
        ),
        total: n,
        page: q.page,
        pageSize: q.pageSize,
      };
    },

    async development(ctx: Ctx, id: number): Promise<Development> {
      const d = await s.db
        .selectFrom('partyDevelopments')
        .select('id')
        .where('id', '=', id)
        .where(pathInScope(ctx.actor, PERM.read, 'areaPath'))
        .executeTakeFirst();
      if (!d) throw notFound();
      return (await presentDevs(ctx, [id]))[0]!;
    },

    async createDevelopment(ctx: Ctx, input: DevelopmentCreate): Promise<Development> {
      if (input.appliedOn > today()) throw field('appliedOn', '申请日期不能晚于今天');
      if (civilMonthsAfter(input.birthDate, 18 * 12) > input.appliedOn)
        throw field('birthDate', '入党申请人须年满十八岁（党章第一条）');
      const id = await inTx(s, ctx, async (trx, audit) => {
        const org = await orgInScope(trx, ctx, input.orgId, PERM.manage);
        if (org.kind !== 'branch') throw field('orgId', '发展党员由党支部负责');
        const row = await trx
          .insertInto('partyDevelopments')
          .values({
            orgId: org.id,
            areaPath: org.areaPath,
            personId: input.personId ?? null,
            name: input.name,
            birthDate: input.birthDate,
            dates: JSON.stringify({ applied: input.appliedOn }),
            people: '{}',
            trainingDays: 0,
            trainingHours: 0,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await audit({
          action: 'party.development.create',
          entityType: 'party_development',
          entityId: row.id,
        });
        return row.id;
      });
      return (await presentDevs(ctx, [id]))[0]!;
    },

    /**
     * Records one step with its date. Refused: a step the stage does not allow, one whose required
     * step is missing, or one dated before the step it depends on (the rule named). Time limits only
     * warn: the system never decides.
     */
    async step(ctx: Ctx, id: number, input: DevelopmentStep): Promise<Development> {
      await inTx(s, ctx, async (trx, audit) => {
        const r = await trx
          .selectFrom('partyDevelopments')
          .selectAll()
          .where('id', '=', id)
          .where(pathInScope(ctx.actor, PERM.read, 'areaPath'))
          .forUpdate()
          .executeTakeFirst();
        if (!r) throw notFound();
        if (!ctx.actor.canAt(PERM.manage, r.areaPath)) throw new AppError('FORBIDDEN');
        const st = devState(r);
        const label = DEV_STEP_LABELS[input.step];
        const flow = STEP_FLOW[input.step];
        if (!flow.from.includes(st.stage) || st.dates[input.step])
          throw rule(`当前阶段不能登记“${label.zh}”`, `“${label.en}” cannot be recorded at this stage`);
        for (const req of REQUIRES[input.step] ?? [])
          if (!st.dates[req])
            throw rule(
              `登记“${label.zh}”前须先登记“${DEV_STEP_LABELS[req].zh}”`,
              `“${DEV_STEP_LABELS[req].en}” must be recorded before “${label.en}”`,
            );
        const dep = DEPENDS[input.step];
        const depDate = st.dates[dep];
        const depLabel = dep === 'applied' ? { zh: '入党申请', en: 'the application' } : DEV_STEP_LABELS[dep];
        if (depDate && input.date < depDate)
          throw field('date', `“${label.zh}”的日期不能早于“${depLabel.zh}”（${depDate}）`);
        if (input.date > today()) throw field('date', '日期不能晚于今天');
        const dates = { ...st.dates, [input.step]: input.date };
        const people = { ...(r.people ?? {}) } as Record<string, string>;
        if (input.people) people[input.step] = input.people;
        let extendedUntil = st.extendedUntil;
        if (input.step === 'extend') {
          const end = civilMonthsAfter(st.dates.admit!, 12);
          if (!input.until) throw field('until', '请填写延长后的预备期届满日');
          if (input.until <= end || input.until > civilMonthsAfter(end, 12))
            throw field(
              'until',
              `延长预备期不超过一年（${addCalendarDays(end, 1)} 至 ${civilMonthsAfter(end, 12)}）`,
            );
          extendedUntil = input.until;
        }
        if (
          input.step === 'candidate' &&
          input.trainingDays === undefined &&
          input.trainingHours === undefined
        )
          throw field('trainingDays', '请填写集中培训天数或学时（细则第17条）');
        const stage = flow.to ?? st.stage;
        await trx
          .updateTable('partyDevelopments')
          .set({
            stage,
            dates: JSON.stringify(dates),
            people: JSON.stringify(people),
            trainingDays: input.trainingDays ?? r.trainingDays,
            trainingHours: input.trainingHours ?? r.trainingHours,
            extendedUntil,
            version: sql`version + 1`,
          })
          .where('id', '=', id)
          .execute();
        await audit({
          action: 'party.development.step',
          entityType: 'party_development',
          entityId: id,
          detail: { step: input.step, date: input.date },
          ...(stage !== st.stage ? { changes: { stage: { before: st.stage, after: stage } } } : {}),
        });
      });
      return (await presentDevs(ctx, [id]))[0]!;
    },

    /** A month's dues ledger: every member of the scope with their due, paid or arrears. */
    async dues(
      ctx: Ctx,
      q: DuesQuery,
    ): Promise<Page<DuesRow> & { dueTotal: number; paidTotal: number; arrearsTotal: number }> {
      const month = q.month ?? today().slice(0, 7);
      const r0 = await rounding(s.db);
      const rows = await s.db
        .selectFrom('partyMembers as m')
        .innerJoin('partyOrgs as o', 'o.id', 'm.orgId')
        .leftJoin('partyDues as d', (j) => j.onRef('d.memberId', '=', 'm.id').on('d.month', '=', month))
        .select([
          'm.id as memberId',
          'm.name',
          'm.incomeKind',
          'm.monthlyBase',
          'o.name as orgName',
          'd.id',
          'd.base',
          'd.rate',
          'd.due',
          'd.paid',
          'd.paidOn',
          'd.exempt',
        ])
        .where(pathInScope(ctx.actor, PERM.read, 'm.areaPath'))
        .$if(Boolean(q.orgId), (b) => b.where('m.orgId', '=', q.orgId!))
        .$if(Boolean(q.memberId), (b) => b.where('m.id', '=', q.memberId!))
        .orderBy('m.orgId')
        .orderBy('m.id')
        .execute();
      const all: DuesRow[] = rows.map((r) => {
        const calc = duesFor(r.incomeKind as IncomeKind, Number(r.monthlyBase), r0);
        const due = r.id ? Number(r.due) : calc.due;
        const paid = r.id ? Number(r.paid) : 0;
        return {
          id: r.id ?? 0,
          memberId: r.memberId,
          memberName: r.name,
          orgName: r.orgName,
          month,
          base: r.id ? Number(r.base) : Number(r.monthlyBase),
          rate: r.id ? Number(r.rate) : calc.rate,
          due,
          paid,
          paidOn: dayOf(r.paidOn),
          state: r.exempt ? 'exempt' : paid >= due && r.id ? 'paid' : 'arrears',
        };
      });
      const f = q.state ? all.filter((r) => r.state === q.state) : all;
      const sum = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) * 100) / 100;
      return {
        items: f.slice((q.page - 1) * q.pageSize, q.page * q.pageSize),
        total: f.length,
        page: q.page,
        pageSize: q.pageSize,
        dueTotal: sum(all.filter((r) => r.state !== 'exempt').map((r) => r.due)),
        paidTotal: sum(all.map((r) => r.paid)),
        arrearsTotal: sum(all.filter((r) => r.state === 'arrears').map((r) => r.due - r.paid)),
      };
    },

    /** Records a month's payment; a month already paid is refused (nothing written). */
    async pay(ctx: Ctx, input: DuesPayment): Promise<DuesRow> {
      if (input.paidOn > today()) throw field('paidOn', '缴纳日期不能晚于今天');
      await inTx(s, ctx, async (trx, audit) => {
        const m = await trx
          .selectFrom('partyMembers')
          .select(['id', 'areaPath', 'incomeKind', 'monthlyBase'])
          .where('id', '=', input.memberId)
          .where(pathInScope(ctx.actor, PERM.read, 'areaPath'))
          .forUpdate()
          .executeTakeFirst();
        if (!m) throw field('memberId', '没有这名党员，或不在你的辖区');
        if (!ctx.actor.canAt(PERM.manage, m.areaPath)) throw new AppError('FORBIDDEN');
        const existing = await trx
          .selectFrom('partyDues')
          .select(['id', 'paid', 'exempt'])
          .where('memberId', '=', m.id)
          .where('month', '=', input.month)
          .executeTakeFirst();
        if (existing && (Number(existing.paid) > 0 || existing.exempt))
          throw rule(
            `${input.month} 的党费已缴纳（或已免交），不能重复登记`,
            `Dues for ${input.month} are already paid (or exempt)`,
          );
        const calc = duesFor(m.incomeKind as IncomeKind, Number(m.monthlyBase), await rounding(trx));
        if (input.paid < calc.due)
          throw field('paid', `应缴 ${calc.due.toFixed(2)} 元，少缴须经支部研究并报上级批准`);
        const values = {
          base: m.monthlyBase,
          rate: calc.rate,
          due: calc.due,
          paid: input.paid,
          paidOn: input.paidOn,
          recordedBy: ctx.actor.userId,
        };
        const row = existing
          ? await trx
              .updateTable('partyDues')
              .set(values)
              .where('id', '=', existing.id)
              .returning('id')
              .executeTakeFirstOrThrow()
          : await trx
              .insertInto('partyDues')
              .values({ ...values, memberId: m.id, areaPath: m.areaPath, month: input.month })
              .returning('id')
              .executeTakeFirstOrThrow();
        await audit({
          action: 'party.dues.pay',
          entityType: 'party_dues',
          entityId: row.id,
          detail: { month: input.month, paid: input.paid },
        });
      }).catch((e: unknown) => {
        if ((e as { code?: string }).code === '23505')
          throw rule(`${input.month} 的党费已缴纳，不能重复登记`, `Dues for ${input.month} are already paid`);
        throw e;
      });
      const page = await this.dues(ctx, {
        memberId: input.memberId,
        month: input.month,
        page: 1,
        pageSize: 1,
      });
      return page.items[0]!;
    },
  };
}
