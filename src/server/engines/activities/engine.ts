import { randomBytes } from 'node:crypto';
import { type Expression, type Selectable, type SqlBool, sql } from 'kysely';
import QRCode from 'qrcode';
import {
  ACTIVITY_STATUS_LABELS,
  type Activity,
  type ActivityCreate,
  type ActivityListQuery,
  type RollEntry,
} from '../../../contract/activities.js';
import type { Page } from '../../../contract/common.js';
import type { Actor } from '../../platform/access/actor.js';
import { areaLabelSql } from '../../platform/access/area-label.js';
import type { Conn, Tx } from '../../platform/db/index.js';
import { AppError, notFound } from '../../platform/errors/app-error.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';
import { chinaDate } from '../calendar/calendar.js';
import { type Message, writeInApp } from '../notifications/notifications.js';
import { type ActivitiesTable, activityKindsOf, type Participant } from './kinds.js';
import {
  CHECKIN_OPENS_MIN,
  CHECKOUT_CLOSES_MIN,
  creditMinutes,
  FAR_METRES,
  INELIGIBLE_WORDS,
  ineligible,
  metresBetween,
  placeFor,
  promote,
  QR_STEP_SECONDS,
  qrActivity,
  qrToken,
  qrWindow,
  verifyQr,
} from './rules.js';

/** The engine's permissions (declared by the `activities` module). */
export const PERM = { read: 'activity.read', organise: 'activity.organise', join: 'activity.join' } as const;

type ActivityRow = Selectable<ActivitiesTable>;

const rule = (zh: string, en: string) => new AppError('ACTIVITY_RULE', { zh, en });

/** Activities the actor may see: organisers' and readers' by scope; joiners' published ones around them. */
export function activityVisible(actor: Actor, alias = 'a'): Expression<SqlBool> {
  const col = sql.ref(`${alias}.area_path`);
  const staff = [...new Set([...actor.pathsFor(PERM.read), ...actor.pathsFor(PERM.organise)])];
  const join = actor.pathsFor(PERM.join);
  const parts: Expression<SqlBool>[] = [];
  if (staff.length) parts.push(sql<SqlBool>`${col} <@ ${sql.val(staff)}::ltree[]`);
  if (join.length)
    parts.push(
      sql<SqlBool>`(${sql.ref(`${alias}.status`)} IN ('published','hours_confirmed') AND (${col} <@ ${sql.val(join)}::ltree[] OR ${col} @> ANY(${sql.val(join)}::ltree[])))`,
    );
  if (!parts.length) return sql<SqlBool>`false`;
  return sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
}

function iso(d: Date | string | null): string | null {
  return d === null ? null : new Date(d).toISOString();
}

export function activitiesEngine(s: Services) {
  const kinds = () => activityKindsOf(s);
  const kindName = (code: string, lang: 'zh' | 'en') => {
    const d = kinds().find(code);
    return d ? (lang === 'zh' ? d.zh : d.en) : '—';
  };

  async function lockActivity(trx: Tx, id: number): Promise<ActivityRow> {
    const a = await trx
      .selectFrom('activities')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!a) throw notFound();
    return a;
  }

  async function visibleRow(conn: Conn, actor: Actor, id: number): Promise<ActivityRow> {
    const a = await conn
      .selectFrom('activities as a')
      .selectAll('a')
      .where('a.id', '=', id)
      .where(activityVisible(actor))
      .executeTakeFirst();
    if (!a) throw notFound();
    return a;
  }

  function mayOrganise(actor: Actor, a: { areaPath: string }): boolean {
    return actor.canAt(PERM.organise, a.areaPath);
  }

  async function present(ctx: Ctx, rows: ActivityRow[]): Promise<Activity[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const counts = await s.db
      .selectFrom('activitySignups')
      .select((eb) => [
        'activityId',
        eb.fn.countAll<number>().filterWhere('status', '=', 'confirmed').as('confirmed'),
        eb.fn.countAll<number>().filterWhere('status', '=', 'waitlisted').as('waitlisted'),
        eb.fn.countAll<number>().filterWhere('checkedInAt', 'is not', null).as('checkedIn'),
      ])
      .where('activityId', 'in', ids)
      .groupBy('activityId')
      .execute();
    const mine = await s.db
      .selectFrom('activitySignups')
      .select(['id', 'activityId', 'status', 'checkedInAt', 'checkedOutAt'])
      .where('activityId', 'in', ids)
      .where('userId', '=', ctx.actor.userId)
      .execute();
    const areas = await s.db
      .selectFrom('areas as x')
      .select(['x.id', areaLabelSql('x').as('label')])
      .where('x.id', 'in', [...new Set(rows.map((r) => r.areaId))])
      .execute();
    const now = s.clock.now();
    return rows.map((r) => {
      const c = counts.find((x) => x.activityId === r.id);
      const m = mine.find((x) => x.activityId === r.id);
      const abilities: string[] = [];
      if (mayOrganise(ctx.actor, r)) {
        abilities.push('organise');
        if (r.status === 'draft') abilities.push('publish');
        if (r.status === 'published') abilities.push('checkin', 'confirm');
      }
      if (
        ctx.actor.can(PERM.join) &&
        r.status === 'published' &&
        now < new Date(r.signupDeadline) &&
        (!m || m.status === 'cancelled')
      )
        abilities.push('signup');
      if (m && m.status !== 'cancelled' && now < new Date(r.startsAt)) abilities.push('cancel');
      return {
        id: r.id,
        kind: r.kind,
        kindName: kindName(r.kind, ctx.lang),
        module: r.module,
        areaId: r.areaId,
        areaName: areas.find((x) => x.id === r.areaId)?.label ?? '—',
        ownerKind: r.ownerKind as Activity['ownerKind'],
        ownerName: r.ownerName,
        title: r.title,
        description: r.description,
        placeName: r.placeName,
        lat: r.lat,
        lng: r.lng,
        startsAt: iso(r.startsAt)!,
        endsAt: iso(r.endsAt)!,
        signupDeadline: iso(r.signupDeadline)!,
        capacity: r.capacity,
        reserved: r.reserved,
        confirmed: Number(c?.confirmed ?? 0),
        waitlisted: Number(c?.waitlisted ?? 0),
        checkedIn: Number(c?.checkedIn ?? 0),
        minAge: r.minAge,
        guardianConsent: r.guardianConsent,
        trainingRequired: r.trainingRequired,
        risky: r.risky,
        insurancePolicy: r.insurancePolicy,
        riskText: r.riskText,
        status: r.status as Activity['status'],
        mine: m
          ? {
              id: m.id,
              status: m.status as 'confirmed',
              checkedIn: !!m.checkedInAt,
              checkedOut: !!m.checkedOutAt,
            }
          : null,
        abilities,
      };
    });
  }

  /** The participant's profile from the kind's declaration (or the account's name). */
  async function participantOf(conn: Conn, kind: string, userId: number): Promise<Participant> {
    const def = kinds().def(kind);
    if (def.participant) {
      const p = await def.participant(conn, s, userId);
      if (typeof p === 'string') throw new AppError(p);
      return p;
    }
    const u = await conn
      .selectFrom('users')
      .select('displayName')
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!u) throw notFound();
    return { name: u.displayName, birthDate: null, guardianConsent: false, trainings: [] };
  }

  async function openTaken(trx: Tx, activityId: number): Promise<{ open: number; reserved: number }> {
    const r = await trx
      .selectFrom('activitySignups')
      .select((eb) => [
        eb.fn.countAll<number>().filterWhere('reserved', '=', false).as('open'),
        eb.fn.countAll<number>().filterWhere('reserved', '=', true).as('reserved'),
      ])
      .where('activityId', '=', activityId)
      .where('status', '=', 'confirmed')
      .executeTakeFirstOrThrow();
    return { open: Number(r.open), reserved: Number(r.reserved) };
  }

  async function waitPosition(conn: Conn, activityId: number, signupId: number): Promise<number | null> {
    const r = await sql<{ pos: number | null }>`
      SELECT pos::int FROM (SELECT id, row_number() OVER (ORDER BY waitlisted_at, id) AS pos
        FROM activity_signups WHERE activity_id = ${activityId} AND status = 'waitlisted') w
      WHERE id = ${signupId}`.execute(conn);
    return r.rows[0]?.pos ?? null;
  }

  /** Moves the earliest waitlisted into free open places; returns their messages. */
  async function promoteWaitlist(trx: Tx, a: ActivityRow): Promise<Message[]> {
    const taken = await openTaken(trx, a.id);
    const waiting = await trx
      .selectFrom('activitySignups')
      .select(['id', 'userId'])
      .where('activityId', '=', a.id)
      .where('status', '=', 'waitlisted')
      .orderBy('waitlistedAt')
      .orderBy('id')
      .execute();
    const up = promote(a, taken.open, waiting);
    if (!up.length) return [];
    await trx
      .updateTable('activitySignups')
      .set({ status: 'confirmed', version: sql`version + 1` })
      .where(
        'id',
        'in',
        up.map((u) => u.id),
      )
      .execute();
    return up.map((u) => ({
      userId: u.userId,
      kind: 'activity.promoted',
      titleZh: '候补转为报名成功',
      titleEn: 'You are off the waitlist',
      bodyZh: `有人取消报名，你已从候补转为正式参加“${a.title}”`,
      bodyEn: `A place freed up: you now have a place at “${a.title}”`,
      caseId: null,
    }));
  }

  return {
    kindName,

    async list(ctx: Ctx, q: ActivityListQuery): Promise<Page<Activity>> {
      let b = s.db.selectFrom('activities as a').where(activityVisible(ctx.actor));
      if (q.areaId) b = b.where(sql<SqlBool>`a.area_path <@ (SELECT path FROM areas WHERE id = ${q.areaId})`);
      if (q.kind) b = b.where('a.kind', '=', q.kind);
      if (q.status) b = b.where('a.status', '=', q.status);
      if (q.q) b = b.where('a.title', 'ilike', `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      if (q.from) b = b.where('a.startsAt', '>=', new Date(`${q.from}T00:00:00+08:00`));
      if (q.to)
        b = b.where('a.startsAt', '<', new Date(new Date(`${q.to}T00:00:00+08:00`).getTime() + 86_400_000));
      if (q.upcoming === '1') b = b.where('a.endsAt', '>', s.clock.now());
      if (q.mine === '1')
        b = b.where((eb) =>
          eb.exists(
            eb
              .selectFrom('activitySignups as m')
              .select('m.id')
              .whereRef('m.activityId', '=', 'a.id')
              .where('m.userId', '=', ctx.actor.userId)
              .where('m.status', '!=', 'cancelled'),
          ),
        );
      const total = await b.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const desc = q.sort.startsWith('-');
      const field = q.sort.replace('-', '') as 'startsAt' | 'title';
      const rows = await b
        .selectAll('a')
        .orderBy(`a.${field}`, desc ? 'desc' : 'asc')
        .orderBy('a.id', desc ? 'desc' : 'asc')
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute();
      return { items: await present(ctx, rows), total: Number(total.n), page: q.page, pageSize: q.pageSize };
    },

    async get(ctx: Ctx, id: number): Promise<Activity> {
      const a = await visibleRow(s.db, ctx.actor, id);
      return (await present(ctx, [a]))[0]!;
    },

    /** A module's activity (its kind must be declared); drafts until published. */
    async create(ctx: Ctx, input: ActivityCreate, module?: string): Promise<Activity> {
      const def = kinds().find(input.kind);
      if (!def || (module && def.module !== module))
        throw new AppError('VALIDATION_FAILED', { fields: 'kind' }, [
          { path: 'kind', code: 'invalid', message: '未知的活动类别' },
        ]);
      const area = await s.db
        .selectFrom('areas')
        .select(['id', 'path'])
        .where('id', '=', input.areaId)
        .executeTakeFirst();
      if (!area || !ctx.actor.canAt(PERM.organise, area.path))
        throw new AppError('VALIDATION_FAILED', { fields: 'areaId' }, [
          { path: 'areaId', code: 'invalid', message: '不能在该区域组织活动' },
        ]);
      const id = await inTx(s, ctx, async (trx, audit) => {
        const row = await trx
          .insertInto('activities')
          .values({
            kind: input.kind,
            module: def.module,
            areaId: area.id,
            areaPath: area.path,
            ownerKind: input.ownerKind,
            ownerId: input.ownerId ?? null,
            ownerName: input.ownerName,
            title: input.title,
            description: input.description,
            placeName: input.placeName,
            lat: input.lat ?? null,
            lng: input.lng ?? null,
            startsAt: input.startsAt,
            endsAt: input.endsAt,
            signupDeadline: new Date(input.startsAt.getTime() - input.deadlineHours * 3_600_000),
            capacity: input.capacity,
            reserved: input.reserved,
            minAge: input.minAge,
            guardianConsent: input.guardianConsent,
            trainingRequired: input.trainingRequired || null,
            risky: input.risky,
            insurancePolicy: input.insurancePolicy || null,
            riskText: input.riskText || null,
            qrSecret: randomBytes(24).toString('base64url'),
            createdBy: ctx.actor.userId,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        if (input.roomId !== undefined) {
          const rooms = kinds().rooms;
          if (!rooms)
            throw new AppError('VALIDATION_FAILED', { fields: 'roomId' }, [
              { path: 'roomId', code: 'invalid', message: '没有这个场地' },
            ]);
          const booked = await rooms.book(trx, s, ctx, {
            roomId: input.roomId,
            activityId: row.id,
            title: input.title,
            startsAt: input.startsAt,
            endsAt: input.endsAt,
            capacity: input.capacity,
          });
          await trx
            .updateTable('activities')
            .set({ placeName: booked.placeName })
            .where('id', '=', row.id)
            .execute();
        }
        await audit({
          action: 'activity.create',
          entityType: 'activity',
          entityId: row.id,
          detail: { title: input.title, kind: input.kind },
        });
        return row.id;
      });
      return this.get(ctx, id);
    },

    /** Opens sign-up; refused while a risky activity has no insurance policy (条例 art. 17). */
    async publish(ctx: Ctx, id: number): Promise<Activity> {
      await visibleRow(s.db, ctx.actor, id);
      await inTx(s, ctx, async (trx, audit) => {
        const a = await lockActivity(trx, id);
        if (!mayOrganise(ctx.actor, a)) throw new AppError('FORBIDDEN');
        if (a.status !== 'draft') throw rule('活动已发布', 'The activity is already published');
        if (a.risky && !a.insurancePolicy)
          throw rule(
            '有人身危险的活动须先登记意外保险保单（《志愿服务条例》第十七条）',
            'A risky activity needs an accident insurance policy recorded first (Regulation art. 17)',
          );
        await trx
          .updateTable('activities')
          .set({ status: 'published', version: sql`version + 1`, updatedAt: s.clock.now() })
          .where('id', '=', id)
          .execute();
        await audit({
          action: 'activity.publish',
          entityType: 'activity',
          entityId: id,
          changes: { status: { before: a.status, after: 'published' } },
        });
      });
      return this.get(ctx, id);
    },

    /**
     * Sign-up: a free open place or the waitlist, never an overbooking (the activity row is locked,
     * so concurrent sign-ups for the last place queue and only one gets it).
     */
    async signup(
      ctx: Ctx,
      id: number,
    ): Promise<{ id: number; status: 'confirmed' | 'waitlisted'; position: number | null }> {
      await visibleRow(s.db, ctx.actor, id);
      if (!ctx.actor.can(PERM.join)) throw new AppError('FORBIDDEN');
      return inTx(s, ctx, async (trx, audit) => {
        const a = await lockActivity(trx, id);
        const now = s.clock.now();
        if (a.status !== 'published') throw rule('活动未开放报名', 'The activity is not open for sign-up');
        if (now >= new Date(a.signupDeadline))
          throw rule('报名已截止', 'Sign-up has closed for this activity');
        const p = await participantOf(trx, a.kind, ctx.actor.userId);
        const why = ineligible(a, p, chinaDate(now));
        if (why)
          throw rule(`不能报名：${INELIGIBLE_WORDS[why].zh}`, `Cannot sign up: ${INELIGIBLE_WORDS[why].en}`);
        const existing = await trx
          .selectFrom('activitySignups')
          .select(['id', 'status'])
          .where('activityId', '=', id)
          .where('userId', '=', ctx.actor.userId)
          .executeTakeFirst();
        if (existing && existing.status !== 'cancelled') throw rule('你已报名', 'You are already signed up');
        const taken = await openTaken(trx, id);
        const status = placeFor(a, taken.open);
        const values = {
          status,
          name: p.name,
          reserved: false,
          signedUpAt: now,
          waitlistedAt: status === 'waitlisted' ? now : null,
        };
        const row = existing
          ? await trx
              .updateTable('activitySignups')
              .set({ ...values, version: sql`version + 1` })
              .where('id', '=', existing.id)
              .returning('id')
              .executeTakeFirstOrThrow()
          : await trx
              .insertInto('activitySignups')
              .values({ activityId: id, userId: ctx.actor.userId, ...values })
              .returning('id')
              .executeTakeFirstOrThrow();
        await audit({
          action: 'activity.signup',
          entityType: 'activity',
          entityId: id,
          detail: { status, signupId: row.id },
        });
        return {
          id: row.id,
          status,
          position: status === 'waitlisted' ? await waitPosition(trx, id, row.id) : null,
        };
      });
    },

    /** Cancels one's own sign-up before the start; a freed open place goes to the waitlist's first. */
    async cancelSignup(ctx: Ctx, id: number): Promise<{ ok: true }> {
      await visibleRow(s.db, ctx.actor, id);
      await inTx(s, ctx, async (trx, audit) => {
        const a = await lockActivity(trx, id);
        const mine = await trx
          .selectFrom('activitySignups')
          .select(['id', 'status'])
          .where('activityId', '=', id)
          .where('userId', '=', ctx.actor.userId)
          .where('status', '!=', 'cancelled')
          .executeTakeFirst();
        if (!mine) throw rule('你没有报名这个活动', 'You are not signed up for this activity');
        if (s.clock.now() >= new Date(a.startsAt))
          throw rule('活动已开始，不能取消报名', 'The activity has started: sign-up cannot be cancelled');
        await trx
          .updateTable('activitySignups')
          .set({ status: 'cancelled', waitlistedAt: null, version: sql`version + 1` })
          .where('id', '=', mine.id)
          .execute();
        const messages = await promoteWaitlist(trx, a);
        await writeInApp(trx, messages, s.clock.now());
        await audit({
          action: 'activity.signup_cancel',
          entityType: 'activity',
          entityId: id,
          detail: { signupId: mine.id, promoted: messages.length },
        });
      });
      return { ok: true };
    },

    /** The organiser puts someone on the roll: a reserved place first, else an open one, else the waitlist. */
    async addToRoll(ctx: Ctx, id: number, userId: number, reserved: boolean) {
      const seen = await visibleRow(s.db, ctx.actor, id);
      if (!mayOrganise(ctx.actor, seen)) throw new AppError('FORBIDDEN');
      return inTx(s, ctx, async (trx, audit) => {
        const a = await lockActivity(trx, id);
        if (a.status !== 'published') throw rule('活动未开放报名', 'The activity is not open for sign-up');
        const p = await participantOf(trx, a.kind, userId);
        const now = s.clock.now();
        const why = ineligible(a, p, chinaDate(now));
        if (why)
          throw rule(`不能报名：${INELIGIBLE_WORDS[why].zh}`, `Cannot sign up: ${INELIGIBLE_WORDS[why].en}`);
        const existing = await trx
          .selectFrom('activitySignups')
          .select(['id', 'status'])
          .where('activityId', '=', id)
          .where('userId', '=', userId)
          .executeTakeFirst();
        if (existing && existing.status !== 'cancelled') throw rule('此人已在名单中', 'Already on the roll');
        const taken = await openTaken(trx, id);
        const useReserved = reserved && taken.reserved < a.reserved;
        const status: 'confirmed' | 'waitlisted' = useReserved ? 'confirmed' : placeFor(a, taken.open);
        const values = {
          status,
          name: p.name,
          reserved: useReserved,
          signedUpAt: now,
          waitlistedAt: status === 'waitlisted' ? now : null,
        };
        const row = existing
          ? await trx
              .updateTable('activitySignups')
              .set(values)
              .where('id', '=', existing.id)
              .returning('id')
              .executeTakeFirstOrThrow()
          : await trx
              .insertInto('activitySignups')
              .values({ activityId: id, userId, ...values })
              .returning('id')
              .executeTakeFirstOrThrow();
        await audit({
          action: 'activity.roll_add',
          entityType: 'activity',
          entityId: id,
          detail: { signupId: row.id, status, reserved: useReserved },
        });
        return {
          id: row.id,
          status,
          position: status === 'waitlisted' ? await waitPosition(trx, id, row.id) : null,
        };
      });
    },

    async roll(ctx: Ctx, id: number): Promise<RollEntry[]> {
      const a = await visibleRow(s.db, ctx.actor, id);
      if (!mayOrganise(ctx.actor, a) && !ctx.actor.canAt(PERM.read, a.areaPath))
        throw new AppError('FORBIDDEN');
      const rows = await s.db
        .selectFrom('activitySignups')
        .selectAll()
        .where('activityId', '=', id)
        .orderBy(sql`CASE status WHEN 'confirmed' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END`)
        .orderBy(sql`coalesce(waitlisted_at, signed_up_at)`)
        .orderBy('id')
        .execute();
      let pos = 0;
      return rows.map((r) => ({
        id: r.id,
        userId: r.userId,
        name: r.name,
        status: r.status as RollEntry['status'],
        position: r.status === 'waitlisted' ? ++pos : null,
        reserved: r.reserved,
        signedUpAt: iso(r.signedUpAt)!,
        checkedInAt: iso(r.checkedInAt),
        checkedOutAt: iso(r.checkedOutAt),
        checkMethod: r.checkMethod as RollEntry['checkMethod'],
        flag: r.flag,
        rawMinutes: r.rawMinutes,
        creditedMinutes: r.creditedMinutes,
        hoursStatus: r.hoursStatus as RollEntry['hoursStatus'],
      }));
    },

    /** The current check-in code (turns every 30 s) as a token and an SVG QR code of `base/...`. */
    async qr(ctx: Ctx, id: number, base: string) {
      const a = await visibleRow(s.db, ctx.actor, id);
      if (!mayOrganise(ctx.actor, a)) throw new AppError('FORBIDDEN');
      if (a.status !== 'published') throw rule('活动未开放签到', 'The activity is not open for check-in');
      const now = s.clock.now();
      const w = qrWindow(now);
      const token = qrToken(a.qrSecret, a.id, w);
      const svg = await QRCode.toString(`${base}/m/checkin?t=${encodeURIComponent(token)}`, {
        type: 'svg',
        margin: 1,
        errorCorrectionLevel: 'M',
      });
      const checked = await s.db
        .selectFrom('activitySignups')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('activityId', '=', id)
        .where('checkedInAt', 'is not', null)
        .executeTakeFirstOrThrow();
      return {
        token,
        svg,
        expiresAt: new Date((w + 1) * QR_STEP_SECONDS * 1000).toISOString(),
        checkedIn: Number(checked.n),
      };
    },

    /**
     * A participant's scan: the first checks in, the second (a later code) checks out. A forged or
     * expired code, a replayed one, or a scan outside the activity's time is refused; a scan far
     * from the place is accepted and flagged for the organiser.
     */
    async scan(ctx: Ctx, body: { token: string; lat?: number; lng?: number }) {
      const t = qrActivity(body.token);
      if (!t) throw new AppError('QR_INVALID');
      const a = await s.db
        .selectFrom('activities')
        .selectAll()
        .where('id', '=', t.activityId)
        .executeTakeFirst();
      if (!a) throw new AppError('QR_INVALID');
      const now = s.clock.now();
      const v = verifyQr(a.qrSecret, body.token, now);
      if (v === 'invalid') throw new AppError('QR_INVALID');
      if (v === 'expired') throw new AppError('QR_EXPIRED');
      return inTx(s, ctx, async (trx, audit) => {
        const mine = await trx
          .selectFrom('activitySignups')
          .selectAll()
          .where('activityId', '=', a.id)
          .where('userId', '=', ctx.actor.userId)
          .where('status', '=', 'confirmed')
          .forUpdate()
          .executeTakeFirst();
        if (!mine)
          throw rule(
            '你没有报名或仍在候补，不能签到',
            'You have no place at this activity: check-in refused',
          );
        const far =
          a.lat !== null && a.lng !== null && body.lat !== undefined && body.lng !== undefined
            ? metresBetween({ lat: a.lat, lng: a.lng }, { lat: body.lat, lng: body.lng }) > FAR_METRES
            : false;
        return this.recordCheck(trx, audit, a, mine, now, 'qr', { window: t.window, far });
      });
    },

    /** Records a check-in or check-out on a roll entry (QR, officer or paper roll). */
    async recordCheck(
      trx: Tx,
      audit: (e: import('../../platform/audit/audit.js').AuditInput) => Promise<void>,
      a: ActivityRow,
      mine: {
        id: number;
        checkedInAt: Date | null;
        checkedOutAt: Date | null;
        checkinWindow: number | null;
        flag: string | null;
      },
      at: Date,
      method: 'qr' | 'officer' | 'roster',
      opts: { window?: number; far?: boolean; direction?: 'in' | 'out' } = {},
    ) {
      const starts = new Date(a.startsAt);
      const ends = new Date(a.endsAt);
      const direction = opts.direction ?? (mine.checkedInAt ? 'out' : 'in');
      if (a.status !== 'published') throw rule('活动不在签到阶段', 'The activity is not open for check-in');
      const flags = mine.flag ? mine.flag.split(',') : [];
      if (opts.far && !flags.includes('far')) flags.push('far');
      if (direction === 'in') {
        if (mine.checkedInAt) throw rule('已签到，请勿重复签到', 'Already checked in');
        if (at.getTime() < starts.getTime() - CHECKIN_OPENS_MIN * 60_000 || at > ends)
          throw rule(
            `不在签到时间内（活动开始前 ${CHECKIN_OPENS_MIN} 分钟至结束）`,
            `Outside the check-in time (from ${CHECKIN_OPENS_MIN} min before the start to the end)`,
          );
        await trx
          .updateTable('activitySignups')
          .set({
            checkedInAt: at,
            checkMethod: method,
            checkinWindow: opts.window ?? null,
            flag: flags.join(',') || null,
            version: sql`version + 1`,
          })
          .where('id', '=', mine.id)
          .execute();
        await audit({
          action: 'activity.checkin',
          entityType: 'activity',
          entityId: a.id,
          detail: { signupId: mine.id, method, flag: flags.join(',') || null },
        });
        return {
          signupId: mine.id,
          at: at.toISOString(),
          direction,
          flag: flags.join(',') || null,
          rawMinutes: null,
          creditedMinutes: null,
        };
      }
      if (!mine.checkedInAt) throw rule('尚未签到，不能签退', 'Not checked in yet: cannot check out');
      if (mine.checkedOutAt) throw rule('已签退', 'Already checked out');
      if (opts.window !== undefined && mine.checkinWindow !== null && opts.window <= mine.checkinWindow)
        throw rule(
          '这是签到时用过的二维码，请扫描现场最新的二维码签退',
          'This code was already used to check in: scan the current code to check out',
        );
      if (at.getTime() > ends.getTime() + CHECKOUT_CLOSES_MIN * 60_000)
        throw rule(
          '已超过签退时间，请联系组织者补录',
          'Too late to check out: ask the organiser to record it',
        );
      if (at < new Date(mine.checkedInAt)) throw rule('签退时间早于签到时间', 'Check-out is before check-in');
      const round = activityKindsOf(s).find(a.kind)?.roundMinutes ?? 1;
      const m = creditMinutes(new Date(mine.checkedInAt), at, { startsAt: starts, endsAt: ends }, round);
      await trx
        .updateTable('activitySignups')
        .set({
          checkedOutAt: at,
          rawMinutes: m.raw,
          creditedMinutes: m.credited,
          hoursStatus: 'pending',
          flag: flags.join(',') || null,
          version: sql`version + 1`,
        })
        .where('id', '=', mine.id)
        .execute();
      await audit({
        action: 'activity.checkout',
        entityType: 'activity',
        entityId: a.id,
        detail: { signupId: mine.id, method, rawMinutes: m.raw, creditedMinutes: m.credited },
      });
      return {
        signupId: mine.id,
        at: at.toISOString(),
        direction,
        flag: flags.join(',') || null,
        rawMinutes: m.raw,
        creditedMinutes: m.credited,
      };
    },

    /** An officer checks someone in or out from the roll. */
    async officerCheck(ctx: Ctx, id: number, body: { signupId: number; direction: 'in' | 'out'; at?: Date }) {
      const seen = await visibleRow(s.db, ctx.actor, id);
      if (!mayOrganise(ctx.actor, seen)) throw new AppError('FORBIDDEN');
      return inTx(s, ctx, async (trx, audit) => {
        const a = await lockActivity(trx, id);
        const mine = await trx
          .selectFrom('activitySignups')
          .selectAll()
          .where('id', '=', body.signupId)
          .where('activityId', '=', id)
          .where('status', '=', 'confirmed')
          .executeTakeFirst();
        if (!mine) throw notFound();
        return this.recordCheck(trx, audit, a, mine, body.at ?? s.clock.now(), 'officer', {
          direction: body.direction,
        });
      });
    },

    /**
     * The organiser confirms (or rejects) pending hours — all of them, or the listed entries with an
     * optional correction of the credited minutes. Only confirmed hours count anywhere; the kind's
     * `onConfirm` runs in the same transaction. With nothing pending left after the end, the
     * activity's hours are confirmed.
     */
    async confirm(
      ctx: Ctx,
      id: number,
      items?: { signupId: number; accept: boolean; creditedMinutes?: number }[],
    ): Promise<{ confirmed: number; rejected: number }> {
      const seen = await visibleRow(s.db, ctx.actor, id);
      if (!mayOrganise(ctx.actor, seen)) throw new AppError('FORBIDDEN');
      return inTx(s, ctx, async (trx, audit) => {
        const a = await lockActivity(trx, id);
        const pending = await trx
          .selectFrom('activitySignups')
          .selectAll()
          .where('activityId', '=', id)
          .where('hoursStatus', '=', 'pending')
          .execute();
        if (items && new Set(items.map((i) => i.signupId)).size !== items.length)
          throw new AppError('VALIDATION_FAILED', { fields: 'items' }, [
            { path: 'items', code: 'invalid', message: '同一条记录只能出现一次' },
          ]);
        const chosen: { signupId: number; accept: boolean; creditedMinutes?: number }[] =
          items ?? pending.map((p) => ({ signupId: p.id, accept: true }));
        const now = s.clock.now();
        const done: {
          signupId: number;
          activityId: number;
          userId: number;
          creditedMinutes: number;
          startsAt: Date;
        }[] = [];
        let rejected = 0;
        for (const it of chosen) {
          const p = pending.find((x) => x.id === it.signupId);
          if (!p) throw rule('该记录不是待确认状态', 'That record is not pending confirmation');
          const credited = it.creditedMinutes ?? p.creditedMinutes ?? 0;
          await trx
            .updateTable('activitySignups')
            .set({
              hoursStatus: it.accept ? 'confirmed' : 'rejected',
              creditedMinutes: credited,
              confirmedBy: ctx.actor.userId,
              confirmedAt: now,
              version: sql`version + 1`,
            })
            .where('id', '=', p.id)
            .execute();
          if (it.accept)
            done.push({
              signupId: p.id,
              activityId: id,
              userId: p.userId,
              creditedMinutes: credited,
              startsAt: new Date(a.startsAt),
            });
          else rejected++;
        }
        const def = activityKindsOf(s).find(a.kind);
        if (def?.onConfirm && done.length) await def.onConfirm(trx, s, done);
        const left = pending.length - chosen.length;
        if (left === 0 && now > new Date(a.endsAt))
          await trx
            .updateTable('activities')
            .set({ status: 'hours_confirmed', version: sql`version + 1`, updatedAt: now })
            .where('id', '=', id)
            .execute();
        await writeInApp(
          trx,
          done.map((d) => ({
            userId: d.userId,
            kind: 'activity.hours_confirmed',
            titleZh: '服务时长已确认',
            titleEn: 'Hours confirmed',
            bodyZh: `“${a.title}”的服务时长 ${Math.round((d.creditedMinutes / 60) * 10) / 10} 小时已由组织者确认`,
            bodyEn: `${Math.round((d.creditedMinutes / 60) * 10) / 10} h at “${a.title}” confirmed by the organiser`,
            caseId: null,
          })),
          now,
        );
        await audit({
          action: 'activity.hours_confirm',
          entityType: 'activity',
          entityId: id,
          detail: { confirmed: done.length, rejected },
        });
        return { confirmed: done.length, rejected };
      });
    },

    /** The actor's own hours across activities of the given kinds (all kinds when none given). */
    async myHours(ctx: Ctx, kindCodes?: string[]) {
      let b = s.db
        .selectFrom('activitySignups as g')
        .innerJoin('activities as a', 'a.id', 'g.activityId')
        .select([
          'g.id',
          'g.activityId',
          'a.title',
          'a.kind',
          'a.startsAt',
          'g.creditedMinutes',
          'g.hoursStatus',
        ])
        .where('g.userId', '=', ctx.actor.userId)
        .where('g.hoursStatus', '!=', 'none');
      if (kindCodes?.length) b = b.where('a.kind', 'in', kindCodes);
      const rows = await b.orderBy('a.startsAt', 'desc').limit(500).execute();
      const sum = (st: string) =>
        rows.filter((r) => r.hoursStatus === st).reduce((n, r) => n + (r.creditedMinutes ?? 0), 0);
      return {
        confirmedMinutes: sum('confirmed'),
        pendingMinutes: sum('pending'),
        items: rows.map((r) => ({
          signupId: r.id,
          activityId: r.activityId,
          title: r.title,
          kindName: kindName(r.kind, ctx.lang),
          startsAt: iso(r.startsAt)!,
          creditedMinutes: r.creditedMinutes,
          hoursStatus: r.hoursStatus as 'pending',
        })),
      };
    },

    /** Reminds everyone with a place of activities starting within a day (once per activity). */
    async remind(): Promise<number> {
      const now = s.clock.now();
      return s.db.transaction().execute(async (trx) => {
        const due = await trx
          .selectFrom('activities')
          .select(['id', 'title', 'startsAt', 'placeName'])
          .where('status', '=', 'published')
          .where('remindedAt', 'is', null)
          .where('startsAt', '>', now)
          .where('startsAt', '<=', new Date(now.getTime() + 24 * 3_600_000))
          .forUpdate()
          .skipLocked()
          .execute();
        if (!due.length) return 0;
        const people = await trx
          .selectFrom('activitySignups')
          .select(['activityId', 'userId'])
          .where(
            'activityId',
            'in',
            due.map((d) => d.id),
          )
          .where('status', '=', 'confirmed')
          .execute();
        const fmt = (d: Date | string) =>
          new Date(d).toLocaleString('zh-CN', {
            timeZone: 'Asia/Shanghai',
            month: 'numeric',
            day: 'numeric',
            hour: '2-digit',
            minute: '2-digit',
          });
        await writeInApp(
          trx,
          people.map((p) => {
            const a = due.find((d) => d.id === p.activityId)!;
            return {
              userId: p.userId,
              kind: 'activity.reminder',
              titleZh: '活动提醒',
              titleEn: 'Activity reminder',
              bodyZh: `你报名的“${a.title}”将于 ${fmt(a.startsAt)} 在${a.placeName}开始`,
              bodyEn: `“${a.title}” starts at ${fmt(a.startsAt)} (${a.placeName})`,
              caseId: null,
            };
          }),
          now,
        );
        await trx
          .updateTable('activities')
          .set({ remindedAt: now })
          .where(
            'id',
            'in',
            due.map((d) => d.id),
          )
          .execute();
        return people.length;
      });
    },

    statusLabel: (st: string, lang: 'zh' | 'en') => ACTIVITY_STATUS_LABELS[st as 'draft']?.[lang] ?? '—',
  };
}

export type ActivitiesEngine = ReturnType<typeof activitiesEngine>;
