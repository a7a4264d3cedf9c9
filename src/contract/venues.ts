import { z } from 'zod';
import { Id, pageOf } from './common.js';

/**
 * Venues (场地, issue 19): rooms with capacity, opening hours and equipment, and their bookings.
 * Bookings never overlap (a PostgreSQL exclusion constraint on room and time range); staff, teams
 * and — where a room allows it — residents book; the community worker approves; an activity books
 * its room through the activities engine.
 */

export const BOOKING_STATUSES = [
  'requested',
  'approved',
  'rejected',
  'cancelled',
  'used',
  'no_show',
] as const;
export const BookingStatus = z.enum(BOOKING_STATUSES);
export type BookingStatus = z.infer<typeof BookingStatus>;
export const BOOKING_STATUS_LABELS: Record<BookingStatus, { zh: string; en: string }> = {
  requested: { zh: '待审批', en: 'Awaiting approval' },
  approved: { zh: '已批准', en: 'Approved' },
  rejected: { zh: '未批准', en: 'Not approved' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
  used: { zh: '已使用', en: 'Used' },
  no_show: { zh: '未到场', en: 'No-show' },
};

export const BOOKER_KINDS = ['staff', 'team', 'resident', 'activity'] as const;
export const BookerKind = z.enum(BOOKER_KINDS);
export const BOOKER_KIND_LABELS: Record<(typeof BOOKER_KINDS)[number], { zh: string; en: string }> = {
  staff: { zh: '工作人员', en: 'Staff' },
  team: { zh: '队伍', en: 'Team' },
  resident: { zh: '居民', en: 'Resident' },
  activity: { zh: '活动', en: 'Activity' },
};

/** ISO weekdays (1 = Monday … 7 = Sunday). */
export const WEEKDAY_LABELS: Record<number, { zh: string; en: string }> = {
  1: { zh: '周一', en: 'Mon' },
  2: { zh: '周二', en: 'Tue' },
  3: { zh: '周三', en: 'Wed' },
  4: { zh: '周四', en: 'Thu' },
  5: { zh: '周五', en: 'Fri' },
  6: { zh: '周六', en: 'Sat' },
  7: { zh: '周日', en: 'Sun' },
};

/**
 * ⚠ No source rule for rooms (design note rule 19): these are configurable defaults, shown in the
 * booking form. A booking starts at least LEAD_MINUTES from now and at most MAX_DAYS_AHEAD days ahead.
 */
export const VENUE_DEFAULTS = { leadMinutes: 60, maxDaysAhead: 60, maxHours: 8 } as const;

const Clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式须为 HH:MM');
const Text = (max: number) => z.string().trim().min(1).max(max);

export const RoomCreate = z
  .strictObject({
    areaId: Id,
    name: Text(60),
    capacity: z.number().int().min(1).max(2000),
    opensAt: Clock.default('08:30'),
    closesAt: Clock.default('21:00'),
    openDays: z.array(z.number().int().min(1).max(7)).min(1).max(7).default([1, 2, 3, 4, 5, 6, 7]),
    equipment: z.array(Text(30)).max(30).default([]),
    /** Residents may ask for it themselves (⚠ default off: staff and teams only). */
    residentsMayBook: z.boolean().default(false),
  })
  .refine((r) => r.closesAt > r.opensAt, { path: ['closesAt'], message: '关门时间须晚于开门时间' });
export type RoomCreate = z.infer<typeof RoomCreate>;

export const Room = z.object({
  id: z.number(),
  areaId: z.number(),
  areaName: z.string(),
  name: z.string(),
  capacity: z.number(),
  opensAt: z.string(),
  closesAt: z.string(),
  openDays: z.array(z.number()),
  equipment: z.array(z.string()),
  residentsMayBook: z.boolean(),
  active: z.boolean(),
  /** Bookings from today on, not cancelled or refused. */
  upcoming: z.number(),
  abilities: z.array(z.string()),
});
export type Room = z.infer<typeof Room>;
export const RoomPage = pageOf(Room);

export const RoomListQuery = z.strictObject({
  areaId: Id.optional(),
  q: z.string().trim().max(40).optional(),
  sort: z.enum(['name', '-name', 'capacity', '-capacity']).default('name'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type RoomListQuery = z.infer<typeof RoomListQuery>;

export const BookingCreate = z
  .strictObject({
    roomId: Id,
    startsAt: z.coerce.date(),
    endsAt: z.coerce.date(),
    purpose: Text(120),
    /** The team booked for (a team leader booking for the team); empty: for oneself. */
    team: z.string().trim().max(60).optional(),
    attendees: z.number().int().min(1).max(2000).default(1),
  })
  .refine((b) => b.endsAt > b.startsAt, { path: ['endsAt'], message: '结束时间须晚于开始时间' });
export type BookingCreate = z.infer<typeof BookingCreate>;

export const Booking = z.object({
  id: z.number(),
  roomId: z.number(),
  roomName: z.string(),
  areaName: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  purpose: z.string(),
  bookerKind: BookerKind,
  /** Masked unless the booker is the actor or a staff member of the room. */
  bookerName: z.string(),
  team: z.string().nullable(),
  attendees: z.number(),
  activityId: z.number().nullable(),
  status: BookingStatus,
  mine: z.boolean(),
  abilities: z.array(z.string()),
});
export type Booking = z.infer<typeof Booking>;
export const BookingPage = pageOf(Booking);

export const BookingListQuery = z.strictObject({
  roomId: Id.optional(),
  areaId: Id.optional(),
  status: BookingStatus.optional(),
  mine: z.enum(['1', '0']).optional(),
  /** China dates, inclusive; the week view asks for seven days. */
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  sort: z.enum(['startsAt', '-startsAt']).default('startsAt'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(100),
});
export type BookingListQuery = z.infer<typeof BookingListQuery>;

export const BookingAction = z.enum(['approve', 'reject', 'cancel', 'used', 'no_show']);
export const BookingDecision = z.strictObject({
  action: BookingAction,
  note: z.string().trim().max(200).optional(),
});

export const UsageQuery = z.strictObject({
  areaId: Id.optional(),
  from: z.iso.date(),
  to: z.iso.date(),
});
export const Usage = z.object({
  from: z.string(),
  to: z.string(),
  rooms: z.array(
    z.object({
      roomId: z.number(),
      name: z.string(),
      openHours: z.number(),
      usedHours: z.number(),
      bookings: z.number(),
      noShows: z.number(),
      /** usedHours ÷ openHours, 0–1; null without open hours. */
      rate: z.number().nullable(),
    }),
  ),
  openHours: z.number(),
  usedHours: z.number(),
  rate: z.number().nullable(),
});
export type Usage = z.infer<typeof Usage>;
