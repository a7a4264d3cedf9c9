import { sql } from 'kysely';
import type { z } from 'zod';
import {
  type BookingCreate,
  MIN_OFF_HOURS_STAFF,
  type SlotCreate,
  type Ticket,
  type TicketCall,
  type TicketIssue,
} from '../../../contract/window.js';
import { chinaDate } from '../../engines/calendar/calendar.js';
import { areaIdInScope } from '../../platform/access/scope.js';
import type { Tx } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors/app-error.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';

/**
 * Appointments and the queue (叫号): bookable slots per matter group and day, booked up to their
 * capacity (a full or closed slot is 409, two bookings of the last place: one wins); a ticket at
 * arrival numbered per hall and day; a window calls the next waiting ticket (two windows calling
 * at once take different tickets: SKIP LOCKED); served or no-show; the wait is called − issued.
 * Every record lies in an area and is read and changed within `window.read` / `window.manage`.
 */
export function windowQueue(s: Services) {
  const inArea = async (trx: Tx, ctx: Ctx, areaId: number, permission: string) => {
    const a = await trx
      .selectFrom('areas')
      .select('id')
      .where('id', '=', areaId)
      .where(areaIdInScope(ctx.actor, permission, 'id'))
      .executeTakeFirst();
    if (!a) throw new AppError('NOT_FOUND');
  };
  const slotOut = (r: { matterGroup: string } & Record<string, unknown>) => {
    const { matterGroup, createdAt: _c, ...rest } = r;
    return { ...rest, group: matterGroup } as unknown as z.infer<
      typeof import('../../../contract/window.js').Slot
    >;
  };

  async function createSlot(ctx: Ctx, input: SlotCreate) {
    return inTx(s, ctx, async (trx, audit) => {
      await inArea(trx, ctx, input.areaId, 'window.manage');
      const r = await trx
        .insertInto('windowSlots')
        .values({
          areaId: input.areaId,
          day: input.day,
          starts: input.starts,
          ends: input.ends,
          matterGroup: input.group,
          capacity: input.capacity,
          offHours: input.offHours,
          minStaff: input.minStaff ?? (input.offHours ? MIN_OFF_HOURS_STAFF : 1),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await audit({
        action: 'window_slot.create',
        entityType: 'window_slot',
        entityId: r.id,
        detail: { day: input.day, starts: input.starts, group: input.group, capacity: input.capacity },
      });
      return slotOut(r);
    });
  }

  async function slots(ctx: Ctx, q: { areaId: number; day?: string | undefined }) {
    const rows = await s.db
      .selectFrom('windowSlots')
      .selectAll()
      .where('areaId', '=', q.areaId)
      .where(areaIdInScope(ctx.actor, 'window.read', 'areaId'))
      .where('day', '=', q.day ?? chinaDate(s.clock.now()))
      .orderBy('starts')
      .orderBy('id')
      .execute();
    return rows.map(slotOut);
  }

  async function book(ctx: Ctx, slotId: number, input: z.infer<typeof BookingCreate>) {
    return inTx(s, ctx, async (trx, audit) => {
      const slot = await trx
        .selectFrom('windowSlots')
        .select(['id', 'closed', 'day'])
        .where('id', '=', slotId)
        .where(areaIdInScope(ctx.actor, 'window.read', 'areaId'))
        .executeTakeFirst();
      if (!slot) throw new AppError('NOT_FOUND');
      const zh = ctx.lang === 'zh';
      if (slot.closed || slot.day < chinaDate(s.clock.now()))
        throw new AppError('CONFLICT', { reason: zh ? '该时段已关闭' : 'the slot is closed' });
      // One statement takes the place: of two bookings of the last place, one wins.
      const took = await trx
        .updateTable('windowSlots')
        .set((e) => ({ booked: e('booked', '+', 1) }))
        .where('id', '=', slotId)
        .where(sql<boolean>`booked < capacity`)
        .executeTakeFirst();
      if (Number(took.numUpdatedRows) !== 1)
        throw new AppError('CONFLICT', { reason: zh ? '该时段已约满' : 'the slot is full' });
      const b = await trx
        .insertInto('windowBookings')
        .values({
          slotId,
          name: input.name,
          phoneTail: input.phoneTail ?? null,
          channel: input.channel,
          createdBy: ctx.actor.userId > 0 ? ctx.actor.userId : null,
        })
        .returning(['id', 'slotId', 'name', 'phoneTail', 'channel', 'status'])
        .executeTakeFirstOrThrow();
      await audit({
        action: 'window_booking.create',
        entityType: 'window_slot',
        entityId: slotId,
        detail: { channel: input.channel },
      });
      return b;
    });
  }

  const ticketOut = (r: {
    id: number;
    number: number;
    matterGroup: string;
    status: string;
    issuedAt: Date;
    calledAt: Date | null;
    windowNo: number | null;
  }): Ticket => ({
    id: r.id,
    number: r.number,
    label: `A${String(r.number).padStart(3, '0')}`,
    group: r.matterGroup,
    status: r.status as Ticket['status'],
    issuedAt: r.issuedAt.toISOString(),
    calledAt: r.calledAt?.toISOString() ?? null,
    windowNo: r.windowNo,
    waitMinutes: r.calledAt ? Math.round((r.calledAt.getTime() - r.issuedAt.getTime()) / 60_000) : null,
  });
  const TCOLS = ['id', 'number', 'matterGroup', 'status', 'issuedAt', 'calledAt', 'windowNo'] as const;

  async function issue(ctx: Ctx, input: z.infer<typeof TicketIssue>) {
    return inTx(s, ctx, async (trx, audit) => {
      await inArea(trx, ctx, input.areaId, 'window.read');
      const now = s.clock.now();
      const day = chinaDate(now);
      if (input.bookingId) {
        const b = await trx
          .updateTable('windowBookings')
          .set({ status: 'arrived' })
          .where('id', '=', input.bookingId)
          .where('status', '=', 'booked')
          .where('slotId', 'in', (q) =>
            q
              .selectFrom('windowSlots')
              .select('id')
              .where('areaId', '=', input.areaId)
              .where('day', '=', day),
          )
          .executeTakeFirst();
        if (Number(b.numUpdatedRows) !== 1)
          throw new AppError('VALIDATION_FAILED', { fields: 'bookingId' }, [
            {
              path: 'bookingId',
              code: 'custom',
              message:
                ctx.lang === 'zh' ? '预约不存在、不是今天或已取号' : 'No such booking today, or already used',
            },
          ]);
      }
      // Numbers per hall and day, without gaps: the hall's day is locked for the insert.
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`jiayuan:ticket:${input.areaId}:${day}`}))`.execute(
        trx,
      );
      const last = await trx
        .selectFrom('windowTickets')
        .select(sql<number>`coalesce(max(number), 0)::int`.as('n'))
        .where('areaId', '=', input.areaId)
        .where('day', '=', day)
        .executeTakeFirstOrThrow();
      const r = await trx
        .insertInto('windowTickets')
        .values({
          areaId: input.areaId,
          day,
          number: last.n + 1,
          matterGroup: input.group,
          bookingId: input.bookingId ?? null,
          issuedAt: now,
        })
        .returning(TCOLS)
        .executeTakeFirstOrThrow();
      await audit({
        action: 'window_ticket.issue',
        entityType: 'window_ticket',
        entityId: r.id,
        detail: { number: r.number, group: input.group },
      });
      return ticketOut(r);
    });
  }

  /** The next waiting ticket of the hall to this window; none waiting: 409. */
  async function callNext(ctx: Ctx, input: z.infer<typeof TicketCall>) {
    return inTx(s, ctx, async (trx, audit) => {
      await inArea(trx, ctx, input.areaId, 'window.read');
      const now = s.clock.now();
      const r = await trx
        .updateTable('windowTickets')
        .set({ status: 'called', calledAt: now, windowNo: input.windowNo, calledBy: ctx.actor.userId })
        .where(
          'id',
          '=',
          sql<number>`(SELECT t.id FROM window_tickets t WHERE t.area_id = ${input.areaId} AND t.day = ${chinaDate(now)}
            AND t.status = 'waiting' ORDER BY t.number LIMIT 1 FOR UPDATE SKIP LOCKED)`,
        )
        .returning(TCOLS)
        .executeTakeFirst();
      if (!r)
        throw new AppError('CONFLICT', { reason: ctx.lang === 'zh' ? '没有等候的号' : 'nobody is waiting' });
      await audit({
        action: 'window_ticket.call',
        entityType: 'window_ticket',
        entityId: r.id,
        detail: { number: r.number, windowNo: input.windowNo },
      });
      return ticketOut(r);
    });
  }

  async function finish(ctx: Ctx, id: number, outcome: 'served' | 'no_show') {
    return inTx(s, ctx, async (trx, audit) => {
      const r = await trx
        .updateTable('windowTickets')
        .set({ status: outcome, finishedAt: s.clock.now() })
        .where('id', '=', id)
        .where('status', '=', 'called')
        .where(areaIdInScope(ctx.actor, 'window.read', 'areaId'))
        .returning(TCOLS)
        .executeTakeFirst();
      if (!r) {
        const exists = await trx
          .selectFrom('windowTickets')
          .select('status')
          .where('id', '=', id)
          .where(areaIdInScope(ctx.actor, 'window.read', 'areaId'))
          .executeTakeFirst();
        if (!exists) throw new AppError('NOT_FOUND');
        throw new AppError('CONFLICT', {
          reason: ctx.lang === 'zh' ? '该号不在叫号中' : 'the ticket is not being served',
        });
      }
      await audit({
        action: `window_ticket.${outcome === 'served' ? 'serve' : 'no_show'}`,
        entityType: 'window_ticket',
        entityId: r.id,
        detail: { number: r.number },
      });
      return ticketOut(r);
    });
  }

  /** Today's queue of a hall (the desk's list and the call screen). */
  async function queue(ctx: Ctx, areaId: number) {
    const day = chinaDate(s.clock.now());
    const rows = await s.db
      .selectFrom('windowTickets')
      .select(TCOLS)
      .where('areaId', '=', areaId)
      .where(areaIdInScope(ctx.actor, 'window.read', 'areaId'))
      .where('day', '=', day)
      .orderBy('number', 'desc')
      .limit(200)
      .execute();
    const tickets = rows.map(ticketOut);
    return { day, waiting: tickets.filter((t) => t.status === 'waiting').length, tickets };
  }

  return { createSlot, slots, book, issue, callNext, finish, queue };
}
