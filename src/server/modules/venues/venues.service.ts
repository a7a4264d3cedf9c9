import { type ColumnType, type Expression, type Generated, type SqlBool, sql } from 'kysely';
import type { Page } from '../../../contract/common.js';
import { maskName } from '../../../contract/identifiers.js';
import {
  type Booking,
  type BookingCreate,
  type BookingListQuery,
  type BookingStatus,
  type Room,
  type RoomCreate,
  type RoomListQuery,
  type Usage,
  VENUE_DEFAULTS,
} from '../../../contract/venues.js';
import type { ActivityRoomBooker } from '../../engines/activities/kinds.js';
import type { Actor } from '../../platform/access/actor.js';
import { areaLabelSql } from '../../platform/access/area-label.js';
import { writeAudit } from '../../platform/audit/audit.js';
import type { Conn, Tx } from '../../platform/db/index.js';
import { AppError, notFound } from '../../platform/errors/app-error.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';

type Opt<T> = ColumnType<T, T | undefined, T>;
export interface VenueRoomsTable {
  id: Generated<number>;
  areaId: number;
  areaPath: string;
  name: string;
  capacity: number;
  opensAt: string;
  closesAt: string;
  openDays: Opt<number[]>;
  equipment: Opt<string[]>;
  residentsMayBook: Opt<boolean>;
  active: Opt<boolean>;
  createdAt: ColumnType<Date, Date | string | undefined, never>;
  version: Opt<number>;
}
export interface VenueBookingsTable {
  id: Generated<number>;
  roomId: number;
  areaPath: string;
  /** tstzrange, written as `[start,end)` */
  period: ColumnType<string, string, string>;
  purpose: string;
  bookerKind: string;
  bookerId: number | null;
  bookerName: string;
  team: string | null;
  attendees: Opt<number>;
  activityId: number | null;
  status: string;
  decidedBy: number | null;
  decidedAt: ColumnType<Date | null, Date | null | undefined, Date | null>;
  note: string | null;
  createdAt: ColumnType<Date, Date | string | undefined, never>;
  version: Opt<number>;
}
declare module '../../platform/db/schema.js' {
  interface DB {
    venueRooms: VenueRoomsTable;
    venueBookings: VenueBookingsTable;
  }
}

export const PERM = { read: 'venue.read', book: 'venue.book', manage: 'venue.manage' } as const;
/** Statuses that hold the room (the exclusion constraint's predicate). */
const HOLDING = ['requested', 'approved', 'used', 'no_show'] as const;
const TZ = 8 * 3_600_000;

const rule = (zh: string, en: string) => new AppError('VENUE_RULE', { zh, en });
const field = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', { fields: path }, [{ path, code: 'invalid', message }]);

/** China local wall time of an instant: date, ISO weekday, HH:MM. */
function local(d: Date): { date: string; dow: number; hm: string } {
  const l = new Date(d.getTime() + TZ);
  const iso = l.toISOString();
  const dow = l.getUTCDay() === 0 ? 7 : l.getUTCDay();
  return { date: iso.slice(0, 10), dow, hm: iso.slice(11, 16) };
}
const stamp = (d: Date) => {
  const l = local(d);
  return `${l.date} ${l.hm}`;
};
const range = (a: Date, b: Date) => `[${a.toISOString()},${b.toISOString()})`;
const hm = (t: string) => t.slice(0, 5);

/** Rooms the actor may see: staff by scope; bookers the rooms of the areas around them. */
export function roomVisible(actor: Actor, alias = 'r'): Expression<SqlBool> {
  const col = sql.ref(`${alias}.area_path`);
  const staff = [...new Set([...actor.pathsFor(PERM.read), ...actor.pathsFor(PERM.manage)])];
  const book = actor.pathsFor(PERM.book);
  const parts: Expression<SqlBool>[] = [];
  if (staff.length) parts.push(sql<SqlBool>`${col} <@ ${sql.val(staff)}::ltree[]`);
  if (book.length)
    parts.push(
      sql<SqlBool>`(${col} <@ ${sql.val(book)}::ltree[] OR ${col} @> ANY(${sql.val(book)}::ltree[]))`,
    );
  if (!parts.length) return sql<SqlBool>`false`;
  return sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
}

/** Checks a slot against a room's rules (opening hours, lead time, length); throws on the first broken. */
export function checkSlot(
  room: { opensAt: string; closesAt: string; openDays: number[]; capacity: number },
  startsAt: Date,
  endsAt: Date,
  now: Date,
  attendees: number,
): void {
  const a = local(startsAt);
  const b = local(new Date(endsAt.getTime() - 1));
  const closes = hm(room.closesAt);
  if (a.date !== b.date) throw field('endsAt', '预约须在同一天内开始和结束');
  if (!room.openDays.includes(a.dow)) throw field('startsAt', '该场地这一天不开放');
  if (
    a.hm < hm(room.opensAt) ||
    local(endsAt).hm > closes ||
    (local(endsAt).date !== a.date && closes !== '24:00')
  )
    throw field('startsAt', `不在开放时间内（${hm(room.opensAt)}–${closes}）`);
  if (endsAt.getTime() - startsAt.getTime() > VENUE_DEFAULTS.maxHours * 3_600_000)
    throw field('endsAt', `单次预约不超过 ${VENUE_DEFAULTS.maxHours} 小时`);
  if (startsAt.getTime() < now.getTime() + VENUE_DEFAULTS.leadMinutes * 60_000)
    throw field('startsAt', `须至少提前 ${VENUE_DEFAULTS.leadMinutes} 分钟预约`);
  if (startsAt.getTime() > now.getTime() + VENUE_DEFAULTS.maxDaysAhead * 86_400_000)
    throw field('startsAt', `最多提前 ${VENUE_DEFAULTS.maxDaysAhead} 天预约`);
  if (attendees > room.capacity) throw field('attendees', `超过场地容量（${room.capacity} 人）`);
}

export function venuesService(s: Services) {
  async function lockRoom(trx: Tx, actor: Actor, roomId: number) {
    const r = await trx
      .selectFrom('venueRooms as r')
      .selectAll('r')
      .where('r.id', '=', roomId)
      .where(roomVisible(actor))
      .forUpdate()
      .executeTakeFirst();
    if (!r?.active) throw field('roomId', '没有这个场地');
    return r;
  }

  /** The room's first holding booking that meets [a, b), under the room's lock. */
  async function clash(trx: Tx, roomId: number, a: Date, b: Date) {
    const c = await sql<{ lo: Date; hi: Date }>`
      SELECT lower(period) AS lo, upper(period) AS hi FROM venue_bookings
      WHERE room_id = ${roomId} AND status IN ('requested','approved','used','no_show')
        AND period && ${range(a, b)}::tstzrange
      ORDER BY lower(period) LIMIT 1`.execute(trx);
    const row = c.rows[0];
    if (row)
      throw new AppError('BOOKING_OVERLAP', {
        from: stamp(new Date(row.lo)),
        to: local(new Date(row.hi)).hm,
      });
  }

  async function insertBooking(
    trx: Tx,
    ctx: Ctx,
    room: { id: number; areaPath: string; name: string },
    b: {
      startsAt: Date;
      endsAt: Date;
      purpose: string;
      kind: Booking['bookerKind'];
      team: string | null;
      attendees: number;
      activityId: number | null;
      status: BookingStatus;
    },
    audit: (e: {
      action: string;
      entityType: string;
      entityId: number;
      detail: Record<string, unknown>;
    }) => Promise<void>,
  ): Promise<number> {
    await clash(trx, room.id, b.startsAt, b.endsAt);
    const u = await trx
      .selectFrom('users')
      .select('displayName')
      .where('id', '=', ctx.actor.userId)
      .executeTakeFirst();
    const row = await trx
      .insertInto('venueBookings')
      .values({
        roomId: room.id,
        areaPath: room.areaPath,
        period: range(b.startsAt, b.endsAt),
        purpose: b.purpose,
        bookerKind: b.kind,
        bookerId: ctx.actor.userId,
        bookerName: u?.displayName ?? '—',
        team: b.team,
        attendees: b.attendees,
        activityId: b.activityId,
        status: b.status,
        decidedBy: b.status === 'approved' ? ctx.actor.userId : null,
        decidedAt: b.status === 'approved' ? s.clock.now() : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit({
      action: 'venue.book',
      entityType: 'venue_booking',
      entityId: row.id,
      detail: {
        room: room.name,
        from: b.startsAt.toISOString(),
        to: b.endsAt.toISOString(),
        status: b.status,
        ...(b.activityId ? { activityId: b.activityId } : {}),
      },
    });
    return row.id;
  }

  /** Two bookings at once for one slot: the constraint refuses the second (never a 500). */
  const overlap = (e: unknown): never => {
    if ((e as { code?: string }).code === '23P01')
      throw new AppError('BOOKING_OVERLAP', { from: '—', to: '—' });
    throw e;
  };

  async function presentBookings(ctx: Ctx, ids: number[]): Promise<Booking[]> {
    if (!ids.length) return [];
    const rows = await s.db
      .selectFrom('venueBookings as b')
      .innerJoin('venueRooms as r', 'r.id', 'b.roomId')
      .innerJoin('areas as a', 'a.id', 'r.areaId')
      .selectAll('b')
      .select([
        'r.name as roomName',
        areaLabelSql('a').as('areaName'),
        sql<Date>`lower(b.period)`.as('lo'),
        sql<Date>`upper(b.period)`.as('hi'),
      ])
      .where('b.id', 'in', ids)
      .execute();
    const now = s.clock.now();
    return ids.map((id) => {
      const b = rows.find((x) => x.id === id)!;
      const mine = b.bookerId === ctx.actor.userId;
      const staff = ctx.actor.canAt(PERM.read, b.areaPath) || ctx.actor.canAt(PERM.manage, b.areaPath);
      const manage = ctx.actor.canAt(PERM.manage, b.areaPath);
      const lo = new Date(b.lo);
      const abilities: string[] = [];
      if (manage && b.status === 'requested') abilities.push('approve', 'reject');
      if ((manage || mine) && (b.status === 'requested' || b.status === 'approved') && now < lo)
        abilities.push('cancel');
      if (manage && b.status === 'approved' && now >= lo) abilities.push('used', 'no_show');
      const open = mine || staff;
      return {
        id: b.id,
        roomId: b.roomId,
        roomName: b.roomName,
        areaName: b.areaName,
        startsAt: lo.toISOString(),
        endsAt: new Date(b.hi).toISOString(),
        // Someone else's booking seen from the calendar: busy, no name or purpose.
        purpose: open || b.bookerKind === 'activity' ? b.purpose : ctx.lang === 'zh' ? '已预约' : 'Booked',
        bookerKind: b.bookerKind as Booking['bookerKind'],
        bookerName: mine ? b.bookerName : (maskName(b.bookerName) ?? '—'),
        team: open ? b.team : null,
        attendees: b.attendees,
        activityId: b.activityId,
        status: b.status as BookingStatus,
        mine,
        abilities,
      };
    });
  }

  const svc = {
    async rooms(ctx: Ctx, q: RoomListQuery): Promise<Page<Room>> {
      let b = s.db.selectFrom('venueRooms as r').where(roomVisible(ctx.actor)).where('r.active', '=', true);
      if (q.areaId) b = b.where(sql<SqlBool>`r.area_path <@ (SELECT path FROM areas WHERE id = ${q.areaId})`);
      if (q.q) b = b.where('r.name', 'ilike', `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      const total = await b.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const desc = q.sort.startsWith('-');
      const f = q.sort.replace('-', '') as 'name' | 'capacity';
      const today = `${local(s.clock.now()).date}T00:00:00+08:00`;
      const rows = await b
        .innerJoin('areas as a', 'a.id', 'r.areaId')
        .selectAll('r')
        .select([
          areaLabelSql('a').as('areaName'),
          sql<number>`(SELECT count(*)::int FROM venue_bookings x WHERE x.room_id = r.id
            AND x.status IN ('requested','approved') AND upper(x.period) > ${today}::timestamptz)`.as(
            'upcoming',
          ),
        ])
        .orderBy(`r.${f}`, desc ? 'desc' : 'asc')
        .orderBy('r.id')
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          areaId: r.areaId,
          areaName: r.areaName,
          name: r.name,
          capacity: r.capacity,
          opensAt: hm(r.opensAt),
          closesAt: hm(r.closesAt),
          openDays: r.openDays.map(Number),
          equipment: r.equipment,
          residentsMayBook: r.residentsMayBook,
          active: r.active,
          upcoming: Number(r.upcoming),
          abilities: [
            ...(ctx.actor.canAt(PERM.manage, r.areaPath) ? ['manage'] : []),
            ...(ctx.actor.can(PERM.book) || ctx.actor.canAt(PERM.manage, r.areaPath) ? ['book'] : []),
          ],
        })),
        total: Number(total.n),
        page: q.page,
        pageSize: q.pageSize,
      };
    },

    async createRoom(ctx: Ctx, input: RoomCreate): Promise<Room> {
      const area = await s.db
        .selectFrom('areas')
        .select(['id', 'path'])
        .where('id', '=', input.areaId)
        .executeTakeFirst();
      if (!area || !ctx.actor.canAt(PERM.manage, area.path)) throw field('areaId', '不能在该区域登记场地');
      const id = await inTx(s, ctx, async (trx, audit) => {
        const dup = await trx
          .selectFrom('venueRooms')
          .select('id')
          .where('areaId', '=', area.id)
          .where('name', '=', input.name)
          .executeTakeFirst();
        if (dup) throw field('name', '该区域已有同名场地');
        const row = await trx
          .insertInto('venueRooms')
          .values({
            areaId: area.id,
            areaPath: area.path,
            name: input.name,
            capacity: input.capacity,
            opensAt: input.opensAt,
            closesAt: input.closesAt,
            openDays: [...new Set(input.openDays)].sort(),
            equipment: input.equipment,
            residentsMayBook: input.residentsMayBook,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await audit({
          action: 'venue.room_create',
          entityType: 'venue_room',
          entityId: row.id,
          detail: { name: input.name },
        });
        return row.id;
      }).catch((e: unknown) => {
        if ((e as { code?: string }).code === '23505') throw field('name', '该区域已有同名场地');
        throw e;
      });
      const page = await svc.rooms(ctx, { q: input.name, sort: 'name', page: 1, pageSize: 100 });
      return page.items.find((r) => r.id === id)!;
    },

    async bookings(ctx: Ctx, q: BookingListQuery): Promise<Page<Booking>> {
      const staff = [...new Set([...ctx.actor.pathsFor(PERM.read), ...ctx.actor.pathsFor(PERM.manage)])];
      let b = s.db
        .selectFrom('venueBookings as b')
        .innerJoin('venueRooms as r', 'r.id', 'b.roomId')
        .where(roomVisible(ctx.actor))
        .where((eb) =>
          eb.or([
            eb('b.bookerId', '=', ctx.actor.userId),
            ...(staff.length ? [sql<SqlBool>`b.area_path <@ ${sql.val(staff)}::ltree[]`] : []),
            // the calendar: rooms one may book show when they are taken (no name, no purpose)
            eb('b.status', 'in', ['requested', 'approved']),
          ]),
        );
      if (q.roomId) b = b.where('b.roomId', '=', q.roomId);
      if (q.areaId) b = b.where(sql<SqlBool>`b.area_path <@ (SELECT path FROM areas WHERE id = ${q.areaId})`);
      if (q.status) b = b.where('b.status', '=', q.status);
      if (q.mine === '1') b = b.where('b.bookerId', '=', ctx.actor.userId);
      if (q.from) b = b.where(sql<SqlBool>`upper(b.period) > ${`${q.from}T00:00:00+08:00`}::timestamptz`);
      if (q.to)
        b = b.where(
          sql<SqlBool>`lower(b.period) < (${`${q.to}T00:00:00+08:00`}::timestamptz + interval '1 day')`,
        );
      const total = await b.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const rows = await b
        .select('b.id')
        .orderBy(sql`lower(b.period)`, q.sort === '-startsAt' ? 'desc' : 'asc')
        .orderBy('b.id')
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute();
      return {
        items: await presentBookings(
          ctx,
          rows.map((r) => r.id),
        ),
        total: Number(total.n),
        page: q.page,
        pageSize: q.pageSize,
      };
    },

    /**
     * A booking: staff who may approve get it approved at once; others ask (the community worker
     * approves). Residents only for rooms that allow them. Never overlapping: the room row is
     * locked while the slot is checked, and the exclusion constraint stands behind it.
     */
    async book(ctx: Ctx, input: BookingCreate): Promise<Booking> {
      const id = await inTx(s, ctx, async (trx, audit) => {
        const room = await lockRoom(trx, ctx.actor, input.roomId);
        const manage = ctx.actor.canAt(PERM.manage, room.areaPath);
        const staff = manage || ctx.actor.canAt(PERM.read, room.areaPath);
        if (!staff && !ctx.actor.can(PERM.book)) throw new AppError('FORBIDDEN');
        const kind: Booking['bookerKind'] = staff ? 'staff' : input.team ? 'team' : 'resident';
        if (kind === 'resident' && !room.residentsMayBook)
          throw rule(
            '该场地不接受居民个人预约，请通过社区或所在队伍预约',
            'This room does not take bookings from residents: book through the community or your team',
          );
        checkSlot(
          { ...room, openDays: room.openDays.map(Number) },
          input.startsAt,
          input.endsAt,
          s.clock.now(),
          input.attendees,
        );
        return insertBooking(
          trx,
          ctx,
          room,
          {
            startsAt: input.startsAt,
            endsAt: input.endsAt,
            purpose: input.purpose,
            kind,
            team: input.team || null,
            attendees: input.attendees,
            activityId: null,
            status: manage ? 'approved' : 'requested',
          },
          audit,
        );
      }).catch(overlap);
      return (await presentBookings(ctx, [id]))[0]!;
    },

    async decide(
      ctx: Ctx,
      id: number,
      action: 'approve' | 'reject' | 'cancel' | 'used' | 'no_show',
      note?: string,
    ) {
      await inTx(s, ctx, async (trx, audit) => {
        const b = await trx
          .selectFrom('venueBookings as b')
          .innerJoin('venueRooms as r', 'r.id', 'b.roomId')
          .select(['b.id', 'b.status', 'b.bookerId', 'b.areaPath', sql<Date>`lower(b.period)`.as('lo')])
          .where('b.id', '=', id)
          .where(roomVisible(ctx.actor))
          .where((eb) =>
            eb.or([
              eb('b.bookerId', '=', ctx.actor.userId),
              ...(ctx.actor.pathsFor(PERM.manage).length || ctx.actor.pathsFor(PERM.read).length
                ? [
                    sql<SqlBool>`b.area_path <@ ${sql.val([...ctx.actor.pathsFor(PERM.manage), ...ctx.actor.pathsFor(PERM.read)])}::ltree[]`,
                  ]
                : []),
            ]),
          )
          .forUpdate()
          .executeTakeFirst();
        if (!b) throw notFound();
        const manage = ctx.actor.canAt(PERM.manage, b.areaPath);
        const mine = b.bookerId === ctx.actor.userId;
        const now = s.clock.now();
        const started = now >= new Date(b.lo);
        const to: Record<string, { from: string[]; who: boolean; when?: boolean; to: BookingStatus }> = {
          approve: { from: ['requested'], who: manage, to: 'approved' },
          reject: { from: ['requested'], who: manage, to: 'rejected' },
          cancel: { from: ['requested', 'approved'], who: manage || mine, when: !started, to: 'cancelled' },
          used: { from: ['approved'], who: manage, when: started, to: 'used' },
          no_show: { from: ['approved'], who: manage, when: started, to: 'no_show' },
        };
        const t = to[action]!;
        if (!t.who) throw new AppError('FORBIDDEN');
        if (!t.from.includes(b.status))
          throw rule(
            '该预约当前状态不能执行此操作',
            'This booking cannot take that step in its present state',
          );
        if (t.when === false)
          throw rule(
            started ? '预约已开始，不能取消' : '预约尚未开始，不能登记使用情况',
            started ? 'The booking has started: it cannot be cancelled' : 'The booking has not started yet',
          );
        await trx
          .updateTable('venueBookings')
          .set({
            status: t.to,
            note: note ?? null,
            version: sql`version + 1`,
            ...(action === 'approve' || action === 'reject'
              ? { decidedBy: ctx.actor.userId, decidedAt: now }
              : {}),
          })
          .where('id', '=', id)
          .execute();
        await audit({
          action: `venue.${action}`,
          entityType: 'venue_booking',
          entityId: id,
          changes: { status: { before: b.status, after: t.to } },
        });
      });
      return (await presentBookings(ctx, [id]))[0]!;
    },

    /**
     * 场地使用率 = hours of bookings marked used ÷ open hours of the rooms, over China dates
     * [from, to] (docs/indicators.md). Rooms of the actor's scope (venue.read).
     */
    async usage(ctx: Ctx, q: { areaId?: number; from: string; to: string }): Promise<Usage> {
      if (q.to < q.from) throw field('to', '结束日期须不早于开始日期');
      if ((Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 > 366) throw field('to', '统计区间不超过一年');
      const paths = [...new Set([...ctx.actor.pathsFor(PERM.read), ...ctx.actor.pathsFor(PERM.manage)])];
      if (!paths.length) throw new AppError('FORBIDDEN');
      const lo = `${q.from}T00:00:00+08:00`;
      const hi = `${q.to}T00:00:00+08:00`;
      const rows = await sql<{
        id: number;
        name: string;
        openH: number;
        usedH: number;
        bookings: number;
        noShows: number;
      }>`
        SELECT r.id, r.name,
          ((SELECT count(*) FROM generate_series(${q.from}::date, ${q.to}::date, interval '1 day') d
             WHERE extract(isodow FROM d)::int = ANY(r.open_days))
            * extract(epoch FROM (r.closes_at - r.opens_at)) / 3600)::float8 AS open_h,
          coalesce((SELECT sum(extract(epoch FROM (least(upper(b.period), ${hi}::timestamptz + interval '1 day')
                     - greatest(lower(b.period), ${lo}::timestamptz))) / 3600)
             FROM venue_bookings b WHERE b.room_id = r.id AND b.status = 'used'
              AND b.period && tstzrange(${lo}::timestamptz, ${hi}::timestamptz + interval '1 day')), 0)::float8 AS used_h,
          (SELECT count(*)::int FROM venue_bookings b WHERE b.room_id = r.id AND b.status IN ('approved','used','no_show')
              AND b.period && tstzrange(${lo}::timestamptz, ${hi}::timestamptz + interval '1 day')) AS bookings,
          (SELECT count(*)::int FROM venue_bookings b WHERE b.room_id = r.id AND b.status = 'no_show'
              AND b.period && tstzrange(${lo}::timestamptz, ${hi}::timestamptz + interval '1 day')) AS no_shows
        FROM venue_rooms r
        WHERE r.active AND r.area_path <@ ${sql.val(paths)}::ltree[]
          ${q.areaId ? sql`AND r.area_path <@ (SELECT path FROM areas WHERE id = ${q.areaId})` : sql``}
        ORDER BY r.name, r.id`.execute(s.reads ? (await s.reads.use()).db : s.db);
      const r2 = (n: number) => Math.round(n * 100) / 100;
      const rate = (u: number, o: number) => (o > 0 ? Math.round((u / o) * 10_000) / 10_000 : null);
      const rooms = rows.rows.map((r) => ({
        roomId: Number(r.id),
        name: r.name,
        openHours: r2(r.openH),
        usedHours: r2(r.usedH),
        bookings: r.bookings,
        noShows: r.noShows,
        rate: rate(r.usedH, r.openH),
      }));
      const open = rows.rows.reduce((a, r) => a + r.openH, 0);
      const used = rows.rows.reduce((a, r) => a + r.usedH, 0);
      return {
        from: q.from,
        to: q.to,
        rooms,
        openHours: r2(open),
        usedHours: r2(used),
        rate: rate(used, open),
      };
    },
  };
  return svc;
}

/** How an activity books its room (declared to the activities engine in the manifest). */
export const activityRooms: ActivityRoomBooker = {
  async book(trx, s, ctx, r) {
    const room = await trx
      .selectFrom('venueRooms as r')
      .selectAll('r')
      .where('r.id', '=', r.roomId)
      .where(roomVisible(ctx.actor))
      .forUpdate()
      .executeTakeFirst();
    if (!room?.active) throw field('roomId', '没有这个场地');
    const a = local(r.startsAt);
    const b = local(new Date(r.endsAt.getTime() - 1));
    if (
      a.date !== b.date ||
      !room.openDays.map(Number).includes(a.dow) ||
      a.hm < hm(room.opensAt) ||
      local(r.endsAt).hm > hm(room.closesAt)
    )
      throw field('roomId', `活动时间不在该场地开放时间内（${hm(room.opensAt)}–${hm(room.closesAt)}）`);
    if (r.capacity > room.capacity) throw field('capacity', `名额超过场地容量（${room.capacity} 人）`);
    const c = await sql<{ lo: Date; hi: Date }>`
      SELECT lower(period) AS lo, upper(period) AS hi FROM venue_bookings
      WHERE room_id = ${room.id} AND status IN ${sql`(${sql.join(HOLDING.map((x) => sql.lit(x)))})`}
        AND period && ${range(r.startsAt, r.endsAt)}::tstzrange LIMIT 1`.execute(trx);
    if (c.rows[0])
      throw new AppError('BOOKING_OVERLAP', {
        from: stamp(new Date(c.rows[0].lo)),
        to: local(new Date(c.rows[0].hi)).hm,
      });
    const u = await trx
      .selectFrom('users')
      .select('displayName')
      .where('id', '=', ctx.actor.userId)
      .executeTakeFirst();
    const approved = ctx.actor.canAt(PERM.manage, room.areaPath);
    const row = await trx
      .insertInto('venueBookings')
      .values({
        roomId: room.id,
        areaPath: room.areaPath,
        period: range(r.startsAt, r.endsAt),
        purpose: r.title,
        bookerKind: 'activity',
        bookerId: ctx.actor.userId,
        bookerName: u?.displayName ?? '—',
        team: null,
        attendees: r.capacity,
        activityId: r.activityId,
        status: approved ? 'approved' : 'requested',
        decidedBy: approved ? ctx.actor.userId : null,
        decidedAt: approved ? s.clock.now() : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // audited in the activity's transaction, beside the activity's own entry
    await writeAudit(
      trx as Conn,
      ctx.audit,
      {
        action: 'venue.book',
        entityType: 'venue_booking',
        entityId: row.id,
        detail: { room: room.name, activityId: r.activityId, status: approved ? 'approved' : 'requested' },
      },
      s.clock.now(),
    );
    return { placeName: room.name };
  },
};
