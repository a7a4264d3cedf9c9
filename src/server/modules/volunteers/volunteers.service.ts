import { randomBytes } from 'node:crypto';
import { type ColumnType, type Generated, type SqlBool, sql } from 'kysely';
import type { Page } from '../../../contract/common.js';
import { maskName, maskPhone } from '../../../contract/identifiers.js';
import {
  type Certificate,
  starLevel,
  type Volunteer,
  type VolunteerApply,
  type VolunteerListQuery,
} from '../../../contract/volunteers.js';
import type { ActivityKindDef } from '../../engines/activities/kinds.js';
import { ageOn } from '../../engines/activities/rules.js';
import { chinaDate } from '../../engines/calendar/calendar.js';
import { areaLabelSql } from '../../platform/access/area-label.js';
import { pathInScope } from '../../platform/access/scope.js';
import { AppError, notFound } from '../../platform/errors/app-error.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';
import { creditService } from './timebank.service.js';

type Opt<T> = ColumnType<T, T | undefined, T>;
export interface VolunteersTable {
  id: Generated<number>;
  userId: number;
  personId: number | null;
  areaId: number;
  areaPath: string;
  teamId: number | null;
  volunteerNo: string | null;
  name: string;
  birthDate: ColumnType<string, string, string>;
  /** the phone, encrypted by the keyring (never in clear at rest) */
  phoneEnc: string;
  skills: Opt<string[]>;
  availability: Opt<string>;
  guardianConsent: Opt<boolean>;
  publicConsent: Opt<boolean>;
  status: Opt<string>;
  banUntil: string | null;
  confirmedMinutes: Opt<number>;
  registeredAt: ColumnType<Date, Date | string | undefined, Date | string>;
  verifiedBy: number | null;
  version: Opt<number>;
}
export interface VolunteerTeamsTable {
  id: Generated<number>;
  areaId: number;
  areaPath: string;
  name: string;
  kind: string;
  leaderUserId: number | null;
  createdAt: ColumnType<Date, Date | string | undefined, never>;
}
export interface VolunteerCertificatesTable {
  id: Generated<number>;
  number: string;
  verifyCode: string;
  volunteerId: number;
  issuerAreaId: number;
  issuer: string;
  minutes: number;
  activities: ColumnType<Certificate['activities'], string, string>;
  personInCharge: string;
  handlingOfficer: string;
  contact: string;
  issuedAt: ColumnType<Date, Date | string, Date | string>;
  noticeEndsOn: ColumnType<string, string, string>;
  issuedBy: number | null;
}
declare module '../../platform/db/schema.js' {
  interface DB {
    volunteers: VolunteersTable;
    volunteerTeams: VolunteerTeamsTable;
    volunteerCertificates: VolunteerCertificatesTable;
  }
}

export const KIND = 'volunteer_service';
export const PERM = { read: 'volunteer.read', manage: 'volunteer.manage', apply: 'volunteer.apply' } as const;
/** ⚠ Published internally ≥ 7 days before final (民发〔2015〕149号, from an English rendering): default. */
export const CERT_NOTICE_DAYS = 7;

/** 志愿服务: the activity kind this module declares. Only active volunteers may sign up. */
export const volunteerKind: ActivityKindDef = {
  code: KIND,
  zh: '志愿服务',
  en: 'Volunteer service',
  participant: async (conn, _s, userId) => {
    const v = await conn
      .selectFrom('volunteers')
      .select(['name', 'birthDate', 'guardianConsent', 'status'])
      .where('userId', '=', userId)
      .executeTakeFirst();
    if (v?.status !== 'active') return 'VOLUNTEER_REQUIRED';
    return {
      name: v.name,
      birthDate: typeof v.birthDate === 'string' ? v.birthDate : chinaDate(new Date(v.birthDate)),
      guardianConsent: v.guardianConsent,
      trainings: [],
    };
  },
  // Confirmed hours land on the volunteer's record (stars, certificates) in the same transaction.
  onConfirm: async (trx, s, records) => {
    for (const r of records)
      await trx
        .updateTable('volunteers')
        .set((eb) => ({ confirmedMinutes: eb('confirmedMinutes', '+', r.creditedMinutes) }))
        .where('userId', '=', r.userId)
        .execute();
    // where the street runs a time bank, confirmed service earns coins within its caps
    await creditService(trx, s, records);
  },
};

const hours = (min: number) => Math.round((min / 60) * 10) / 10;

export function volunteersService(s: Services) {
  async function present(ctx: Ctx, rows: { id: number }[]): Promise<Volunteer[]> {
    if (!rows.length) return [];
    const full = await s.db
      .selectFrom('volunteers as v')
      .innerJoin('areas as a', 'a.id', 'v.areaId')
      .leftJoin('volunteerTeams as t', 't.id', 'v.teamId')
      .selectAll('v')
      .select(['t.name as teamName', areaLabelSql('a').as('areaName')])
      .where(
        'v.id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    const today = chinaDate(s.clock.now());
    const reveal = false; // names and phones are masked in lists; the volunteer sees their own in full
    return rows.map((r) => {
      const v = full.find((x) => x.id === r.id)!;
      const own = v.userId === ctx.actor.userId;
      const birth = typeof v.birthDate === 'string' ? v.birthDate : chinaDate(new Date(v.birthDate));
      const abilities: string[] = [];
      if (ctx.actor.canAt(PERM.manage, v.areaPath)) {
        if (v.status === 'applied') abilities.push('verify');
        if (v.status === 'active') abilities.push('certify');
      }
      return {
        id: v.id,
        userId: v.userId,
        volunteerNo: v.volunteerNo,
        name: own || !reveal ? (own ? v.name : (maskName(v.name) ?? '')) : v.name,
        phone: own ? s.keyring.decrypt(v.phoneEnc) : maskPhone(s.keyring.decrypt(v.phoneEnc)),
        age: ageOn(birth, today),
        skills: v.skills,
        availability: v.availability,
        status: v.status as Volunteer['status'],
        teamName: v.teamName,
        areaName: v.areaName,
        confirmedHours: hours(v.confirmedMinutes),
        star: starLevel(v.confirmedMinutes),
        guardianConsent: v.guardianConsent,
        publicConsent: v.publicConsent,
        registeredAt: new Date(v.registeredAt).toISOString(),
        abilities,
      };
    });
  }

  return {
    /** A resident applies (or re-applies after leaving); minors need their guardian's consent. */
    async apply(ctx: Ctx, input: VolunteerApply): Promise<Volunteer> {
      const today = chinaDate(s.clock.now());
      const age = ageOn(input.birthDate, today);
      if (age < 14 || age > 100)
        throw new AppError('VALIDATION_FAILED', { fields: 'birthDate' }, [
          {
            path: 'birthDate',
            code: 'invalid',
            message: '注册志愿者须年满 14 周岁（北京市志愿者管理办法，可配置默认值）',
          },
        ]);
      if (age < 18 && !input.guardianConsent)
        throw new AppError('VALIDATION_FAILED', { fields: 'guardianConsent' }, [
          { path: 'guardianConsent', code: 'invalid', message: '未满 18 周岁须有监护人同意' },
        ]);
      const user = await s.db
        .selectFrom('users as u')
        .innerJoin('areas as a', 'a.id', 'u.areaId')
        .select(['u.id', 'a.id as areaId', 'a.path'])
        .where('u.id', '=', ctx.actor.userId)
        .executeTakeFirstOrThrow();
      if (input.teamId) {
        const team = await s.db
          .selectFrom('volunteerTeams')
          .select('id')
          .where('id', '=', input.teamId)
          .where(sql<SqlBool>`${user.path}::ltree <@ area_path`)
          .executeTakeFirst();
        if (!team)
          throw new AppError('VALIDATION_FAILED', { fields: 'teamId' }, [
            { path: 'teamId', code: 'invalid', message: '没有这个服务队' },
          ]);
      }
      const already = () =>
        new AppError('ACTIVITY_RULE', { zh: '你已提交过志愿者注册', en: 'You have already registered' });
      const id = await inTx(s, ctx, async (trx, audit) => {
        const existing = await trx
          .selectFrom('volunteers')
          .select(['id', 'status'])
          .where('userId', '=', ctx.actor.userId)
          .forUpdate()
          .executeTakeFirst();
        if (existing && existing.status !== 'left') throw already();
        const values = {
          name: input.name,
          birthDate: input.birthDate,
          phoneEnc: s.keyring.encrypt(input.phone),
          skills: input.skills,
          availability: input.availability,
          guardianConsent: input.guardianConsent,
          publicConsent: input.publicConsent,
          teamId: input.teamId ?? null,
          status: 'applied',
          registeredAt: s.clock.now(),
        };
        const row = existing
          ? await trx
              .updateTable('volunteers')
              .set(values)
              .where('id', '=', existing.id)
              .returning('id')
              .executeTakeFirstOrThrow()
          : await trx
              .insertInto('volunteers')
              .values({ ...values, userId: ctx.actor.userId, areaId: user.areaId, areaPath: user.path })
              .returning('id')
              .executeTakeFirstOrThrow();
        await audit({ action: 'volunteer.apply', entityType: 'volunteer', entityId: row.id });
        return row.id;
      }).catch((e: unknown) => {
        // Two applications at once: the second meets the first's row (one volunteer per account).
        if ((e as { code?: string }).code === '23505') throw already();
        throw e;
      });
      return (await present(ctx, [{ id }]))[0]!;
    },

    /** The community worker verifies an application: the volunteer gets a 志愿者统一编号. */
    async verify(ctx: Ctx, id: number): Promise<Volunteer> {
      await inTx(s, ctx, async (trx, audit) => {
        const v = await trx
          .selectFrom('volunteers')
          .select(['id', 'status', 'areaPath'])
          .where('id', '=', id)
          .where(pathInScope(ctx.actor, PERM.read, 'areaPath'))
          .forUpdate()
          .executeTakeFirst();
        if (!v) throw notFound();
        if (!ctx.actor.canAt(PERM.manage, v.areaPath)) throw new AppError('FORBIDDEN');
        if (v.status !== 'applied')
          throw new AppError('ACTIVITY_RULE', {
            zh: '该志愿者不在待审核状态',
            en: 'This volunteer is not awaiting verification',
          });
        const no = `ZY${chinaDate(s.clock.now()).slice(0, 4)}${String(id).padStart(7, '0')}`;
        await trx
          .updateTable('volunteers')
          .set({ status: 'active', volunteerNo: no, verifiedBy: ctx.actor.userId, version: sql`version + 1` })
          .where('id', '=', id)
          .execute();
        await audit({
          action: 'volunteer.verify',
          entityType: 'volunteer',
          entityId: id,
          changes: { status: { before: 'applied', after: 'active' } },
        });
      });
      return (await present(ctx, [{ id }]))[0]!;
    },

    async list(ctx: Ctx, q: VolunteerListQuery): Promise<Page<Volunteer>> {
      let b = s.db.selectFrom('volunteers as v').where(pathInScope(ctx.actor, PERM.read, 'v.areaPath'));
      if (q.areaId) b = b.where(sql<SqlBool>`v.area_path <@ (SELECT path FROM areas WHERE id = ${q.areaId})`);
      if (q.status) b = b.where('v.status', '=', q.status);
      if (q.teamId) b = b.where('v.teamId', '=', q.teamId);
      if (q.q) {
        const like = `${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        b = b.where((eb) => eb.or([eb('v.name', 'like', like), eb('v.volunteerNo', '=', q.q!)]));
      }
      const total = await b.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const desc = q.sort.startsWith('-');
      const col = { name: 'v.name', hours: 'v.confirmedMinutes', registeredAt: 'v.registeredAt' }[
        q.sort.replace('-', '') as 'name'
      ] as 'v.name';
      const rows = await b
        .select('v.id')
        .orderBy(col, desc ? 'desc' : 'asc')
        .orderBy('v.id')
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute();
      return { items: await present(ctx, rows), total: Number(total.n), page: q.page, pageSize: q.pageSize };
    },

    async me(ctx: Ctx): Promise<Volunteer | null> {
      const v = await s.db
        .selectFrom('volunteers')
        .select('id')
        .where('userId', '=', ctx.actor.userId)
        .executeTakeFirst();
      return v ? (await present(ctx, [v]))[0]! : null;
    },

    async teams(ctx: Ctx) {
      const rows = await s.db
        .selectFrom('volunteerTeams as t')
        .innerJoin('areas as a', 'a.id', 't.areaId')
        .leftJoin('users as u', 'u.id', 't.leaderUserId')
        .select([
          't.id',
          't.name',
          't.kind',
          'u.displayName as leaderName',
          areaLabelSql('a').as('areaName'),
          sql<number>`(SELECT count(*)::int FROM volunteers v WHERE v.team_id = t.id AND v.status = 'active')`.as(
            'members',
          ),
          sql<number>`(SELECT coalesce(sum(v.confirmed_minutes), 0)::int FROM volunteers v WHERE v.team_id = t.id)`.as(
            'minutes',
          ),
        ])
        .where(pathInScope(ctx.actor, PERM.read, 't.areaPath'))
        .orderBy('t.id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        kind: r.kind as 'community',
        areaName: r.areaName,
        leaderName: r.leaderName,
        members: r.members,
        confirmedHours: hours(r.minutes),
      }));
    },

    async createTeam(ctx: Ctx, input: { name: string; kind: string; areaId: number }) {
      const area = await s.db
        .selectFrom('areas')
        .select(['id', 'path'])
        .where('id', '=', input.areaId)
        .executeTakeFirst();
      if (!area || !ctx.actor.canAt(PERM.manage, area.path))
        throw new AppError('VALIDATION_FAILED', { fields: 'areaId' }, [
          { path: 'areaId', code: 'invalid', message: '不能在该区域建立队伍' },
        ]);
      const id = await inTx(s, ctx, async (trx, audit) => {
        const dup = await trx
          .selectFrom('volunteerTeams')
          .select('id')
          .where('areaId', '=', area.id)
          .where('name', '=', input.name)
          .executeTakeFirst();
        if (dup)
          throw new AppError('VALIDATION_FAILED', { fields: 'name' }, [
            { path: 'name', code: 'invalid', message: '该区域已有同名队伍' },
          ]);
        const row = await trx
          .insertInto('volunteerTeams')
          .values({ name: input.name, kind: input.kind, areaId: area.id, areaPath: area.path })
          .returning('id')
          .executeTakeFirstOrThrow();
        await audit({
          action: 'volunteer_team.create',
          entityType: 'volunteer_team',
          entityId: row.id,
          detail: { name: input.name },
        });
        return row.id;
      });
      return (await this.teams(ctx)).find((t) => t.id === id)!;
    },

    /**
     * 志愿服务记录证明: "谁记录谁证明" — only hours confirmed on activities organised within the
     * issuer's own community (the issuing worker's scope) are listed.
     */
    async issueCertificate(
      ctx: Ctx,
      volunteerId: number,
      input: { personInCharge: string; contact: string },
    ): Promise<Certificate> {
      const v = await s.db
        .selectFrom('volunteers')
        .selectAll()
        .where('id', '=', volunteerId)
        .where(pathInScope(ctx.actor, PERM.read, 'areaPath'))
        .executeTakeFirst();
      if (!v) throw notFound();
      if (!ctx.actor.canAt(PERM.manage, v.areaPath)) throw new AppError('FORBIDDEN');
      if (v.status !== 'active' || !v.volunteerNo)
        throw new AppError('ACTIVITY_RULE', {
          zh: '只能为在册志愿者开具证明',
          en: 'Certificates are for active volunteers only',
        });
      // The issuer is the community of the volunteer's registration, within the worker's scope.
      const issuerArea = await s.db
        .selectFrom('areas as a')
        .select(['a.id', 'a.name', 'a.path'])
        .where(sql<SqlBool>`a.path @> ${v.areaPath}::ltree`)
        .where('a.kind', '=', 'community')
        .executeTakeFirst();
      const issuer = issuerArea ?? { id: v.areaId, name: '—', path: v.areaPath };
      const rows = await s.db
        .selectFrom('activitySignups as g')
        .innerJoin('activities as a', 'a.id', 'g.activityId')
        .select(['a.title', 'a.startsAt', 'g.creditedMinutes'])
        .where('g.userId', '=', v.userId)
        .where('g.hoursStatus', '=', 'confirmed')
        .where('a.kind', '=', KIND)
        .where(sql<SqlBool>`a.area_path <@ ${issuer.path}::ltree`)
        .orderBy('a.startsAt')
        .execute();
      const minutes = rows.reduce((n, r) => n + (r.creditedMinutes ?? 0), 0);
      const now = s.clock.now();
      const today = chinaDate(now);
      const activities = rows.map((r) => ({
        title: r.title,
        date: chinaDate(new Date(r.startsAt)),
        hours: hours(r.creditedMinutes ?? 0),
      }));
      const officer = await s.db
        .selectFrom('users')
        .select('displayName')
        .where('id', '=', ctx.actor.userId)
        .executeTakeFirstOrThrow();
      const noticeEnds = chinaDate(new Date(now.getTime() + CERT_NOTICE_DAYS * 86_400_000));
      const id = await inTx(s, ctx, async (trx, audit) => {
        const seq = await sql<{ n: number }>`SELECT count(*)::int + 1 AS n FROM volunteer_certificates
          WHERE issuer_area_id = ${issuer.id} AND issued_at >= date_trunc('year', ${now}::timestamptz)`.execute(
          trx,
        );
        const number = `ZM${today.slice(0, 4)}${String(issuer.id).padStart(4, '0')}${String(seq.rows[0]!.n).padStart(4, '0')}`;
        const row = await trx
          .insertInto('volunteerCertificates')
          .values({
            number,
            verifyCode: randomBytes(6).toString('hex').slice(0, 8).toUpperCase(),
            volunteerId,
            issuerAreaId: issuer.id,
            issuer: `${issuer.name}居民委员会`,
            minutes,
            activities: JSON.stringify(activities),
            personInCharge: input.personInCharge,
            handlingOfficer: officer.displayName,
            contact: input.contact,
            issuedAt: now,
            noticeEndsOn: noticeEnds,
            issuedBy: ctx.actor.userId,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await audit({
          action: 'volunteer.certificate',
          entityType: 'volunteer',
          entityId: volunteerId,
          detail: { number, hours: hours(minutes) },
        });
        return row.id;
      });
      return (await this.certificate(ctx, id))!;
    },

    /** A certificate, for its volunteer or whoever may read the volunteer. */
    async certificate(ctx: Ctx, id: number): Promise<Certificate> {
      const c = await s.db
        .selectFrom('volunteerCertificates as c')
        .innerJoin('volunteers as v', 'v.id', 'c.volunteerId')
        .selectAll('c')
        .select(['v.name', 'v.volunteerNo', 'v.userId', 'v.areaPath'])
        .where('c.id', '=', id)
        .executeTakeFirst();
      if (!c || (c.userId !== ctx.actor.userId && !ctx.actor.canAt(PERM.read, c.areaPath))) throw notFound();
      return {
        id: c.id,
        number: c.number,
        verifyCode: c.verifyCode,
        volunteerName: c.userId === ctx.actor.userId ? c.name : (maskName(c.name) ?? ''),
        volunteerNo: c.volunteerNo ?? '',
        issuer: c.issuer,
        hours: hours(c.minutes),
        activities: c.activities,
        personInCharge: c.personInCharge,
        handlingOfficer: c.handlingOfficer,
        contact: c.contact,
        issuedAt: new Date(c.issuedAt).toISOString(),
        noticeEndsOn:
          typeof c.noticeEndsOn === 'string' ? c.noticeEndsOn : chinaDate(new Date(c.noticeEndsOn)),
      };
    },

    async myCertificates(ctx: Ctx): Promise<Certificate[]> {
      const rows = await s.db
        .selectFrom('volunteerCertificates as c')
        .innerJoin('volunteers as v', 'v.id', 'c.volunteerId')
        .select('c.id')
        .where('v.userId', '=', ctx.actor.userId)
        .orderBy('c.id', 'desc')
        .execute();
      return Promise.all(rows.map((r) => this.certificate(ctx, r.id)));
    },

    /** Anyone may check a certificate by its number and code: the name masked, the volunteer number shown. */
    async verifyCertificate(number: string, code: string) {
      const c = await s.db
        .selectFrom('volunteerCertificates as c')
        .innerJoin('volunteers as v', 'v.id', 'c.volunteerId')
        .select([
          'c.number',
          'c.verifyCode',
          'c.issuer',
          'c.minutes',
          'c.issuedAt',
          'v.name',
          'v.volunteerNo',
        ])
        .where('c.number', '=', number)
        .executeTakeFirst();
      if (!c || c.verifyCode !== code.toUpperCase())
        return {
          valid: false,
          number,
          volunteerName: null,
          volunteerNo: null,
          issuer: null,
          hours: null,
          issuedAt: null,
        };
      return {
        valid: true,
        number: c.number,
        volunteerName: maskName(c.name),
        volunteerNo: c.volunteerNo,
        issuer: c.issuer,
        hours: hours(c.minutes),
        issuedAt: chinaDate(new Date(c.issuedAt)),
      };
    },
  };
}
