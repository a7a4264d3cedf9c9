import { z } from 'zod';
import { Id, pageOf } from './common.js';

/**
 * The activities engine's shared shapes (issue 19): anything people sign up for and attend.
 * A module declares its kinds; the engine does sign-up, waitlist, check-in/out, hours and figures.
 */

export const OWNER_KINDS = ['community', 'team', 'party_branch', 'cobuild_unit'] as const;
export const OwnerKind = z.enum(OWNER_KINDS);
export const OWNER_KIND_LABELS: Record<(typeof OWNER_KINDS)[number], { zh: string; en: string }> = {
  community: { zh: '社区', en: 'Community' },
  team: { zh: '队伍', en: 'Team' },
  party_branch: { zh: '党支部', en: 'Party branch' },
  cobuild_unit: { zh: '共建单位', en: 'Co-building unit' },
};

export const ACTIVITY_STATUSES = ['draft', 'published', 'hours_confirmed', 'cancelled'] as const;
export const ActivityStatus = z.enum(ACTIVITY_STATUSES);
export const ACTIVITY_STATUS_LABELS: Record<(typeof ACTIVITY_STATUSES)[number], { zh: string; en: string }> =
  {
    draft: { zh: '草稿', en: 'Draft' },
    published: { zh: '已发布', en: 'Published' },
    hours_confirmed: { zh: '时长已确认', en: 'Hours confirmed' },
    cancelled: { zh: '已取消', en: 'Cancelled' },
  };

export const SIGNUP_STATUSES = ['confirmed', 'waitlisted', 'cancelled'] as const;
export const SIGNUP_STATUS_LABELS: Record<(typeof SIGNUP_STATUSES)[number], { zh: string; en: string }> = {
  confirmed: { zh: '已报名', en: 'Signed up' },
  waitlisted: { zh: '候补', en: 'Waitlisted' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
};

export const HOURS_STATUSES = ['none', 'pending', 'confirmed', 'rejected'] as const;
export const HOURS_STATUS_LABELS: Record<(typeof HOURS_STATUSES)[number], { zh: string; en: string }> = {
  none: { zh: '未签到', en: 'Not checked in' },
  pending: { zh: '待确认', en: 'Pending' },
  confirmed: { zh: '已确认', en: 'Confirmed' },
  rejected: { zh: '未认可', en: 'Rejected' },
};

export const CHECK_METHODS = ['qr', 'officer', 'roster'] as const;
export const CHECK_METHOD_LABELS: Record<(typeof CHECK_METHODS)[number], { zh: string; en: string }> = {
  qr: { zh: '扫码', en: 'QR code' },
  officer: { zh: '工作人员登记', en: 'By an officer' },
  roster: { zh: '纸质签到表导入', en: 'Paper roll' },
};

const Text = (max: number) => z.string().trim().min(1).max(max);
const Instant = z.coerce.date();

export const ActivityCreate = z
  .strictObject({
    kind: z.string().trim().min(2).max(24),
    areaId: Id,
    ownerKind: OwnerKind.default('community'),
    ownerId: Id.optional(),
    ownerName: Text(60),
    title: Text(80),
    description: z.string().trim().max(2000).default(''),
    /** A room of the venues module: the activity books it (approved when the organiser may approve). */
    roomId: Id.optional(),
    /** Where, in words; taken from the room when one is booked. */
    placeName: z.string().trim().max(120).default(''),
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
    startsAt: Instant,
    endsAt: Instant,
    /** Sign-ups close this many hours before the start (⚠ 北京 art. 13: default 24 h). */
    deadlineHours: z.number().int().min(0).max(720).default(24),
    capacity: z.number().int().min(1).max(10_000),
    /** Places kept for people the organiser names (not open to sign-up). */
    reserved: z.number().int().min(0).max(10_000).default(0),
    minAge: z.number().int().min(0).max(100).default(0),
    guardianConsent: z.boolean().default(true),
    trainingRequired: z.string().trim().max(60).optional(),
    risky: z.boolean().default(false),
    insurancePolicy: z.string().trim().max(60).optional(),
    riskText: z.string().trim().max(500).optional(),
  })
  .refine((a) => a.endsAt > a.startsAt, { path: ['endsAt'], message: '结束时间须晚于开始时间' })
  .refine((a) => a.reserved <= a.capacity, { path: ['reserved'], message: '预留名额不能超过总名额' })
  .refine((a) => a.roomId !== undefined || a.placeName.length > 0, {
    path: ['placeName'],
    message: '请填写活动地点或选择场地',
  });
export type ActivityCreate = z.infer<typeof ActivityCreate>;

export const Activity = z.object({
  id: z.number(),
  kind: z.string(),
  kindName: z.string(),
  module: z.string(),
  areaId: z.number(),
  areaName: z.string(),
  ownerKind: OwnerKind,
  ownerName: z.string(),
  title: z.string(),
  description: z.string(),
  placeName: z.string(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  signupDeadline: z.string(),
  capacity: z.number(),
  reserved: z.number(),
  confirmed: z.number(),
  waitlisted: z.number(),
  checkedIn: z.number(),
  minAge: z.number(),
  guardianConsent: z.boolean(),
  trainingRequired: z.string().nullable(),
  risky: z.boolean(),
  insurancePolicy: z.string().nullable(),
  riskText: z.string().nullable(),
  status: ActivityStatus,
  /** The actor's own sign-up, if any. */
  mine: z
    .object({
      id: z.number(),
      status: z.enum(SIGNUP_STATUSES),
      checkedIn: z.boolean(),
      checkedOut: z.boolean(),
    })
    .nullable(),
  abilities: z.array(z.string()),
});
export type Activity = z.infer<typeof Activity>;
export const ActivityPage = pageOf(Activity);

export const ActivitySort = z.enum(['startsAt', '-startsAt', 'title', '-title']);
export const ActivityListQuery = z.strictObject({
  areaId: Id.optional(),
  kind: z.string().trim().max(24).optional(),
  status: ActivityStatus.optional(),
  q: z.string().trim().max(40).optional(),
  /** Only what the actor signed up for. */
  mine: z.enum(['1', '0']).optional(),
  /** Only activities not yet ended. */
  upcoming: z.enum(['1', '0']).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  sort: ActivitySort.default('-startsAt'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type ActivityListQuery = z.infer<typeof ActivityListQuery>;

export const RollEntry = z.object({
  id: z.number(),
  userId: z.number(),
  name: z.string(),
  status: z.enum(SIGNUP_STATUSES),
  position: z.number().nullable(),
  reserved: z.boolean(),
  signedUpAt: z.string(),
  checkedInAt: z.string().nullable(),
  checkedOutAt: z.string().nullable(),
  checkMethod: z.enum(CHECK_METHODS).nullable(),
  flag: z.string().nullable(),
  rawMinutes: z.number().nullable(),
  creditedMinutes: z.number().nullable(),
  hoursStatus: z.enum(HOURS_STATUSES),
});
export type RollEntry = z.infer<typeof RollEntry>;

export const SignupResult = z.object({
  id: z.number(),
  status: z.enum(SIGNUP_STATUSES),
  position: z.number().nullable(),
});

export const QrCode = z.object({
  token: z.string(),
  svg: z.string(),
  expiresAt: z.string(),
  checkedIn: z.number(),
});
export const CheckBody = z.strictObject({
  token: z.string().trim().min(10).max(200),
  lat: z.number().min(-90).max(90).optional(),
  lng: z.number().min(-180).max(180).optional(),
});
export const CheckResult = z.object({
  signupId: z.number(),
  at: z.string(),
  direction: z.enum(['in', 'out']),
  flag: z.string().nullable(),
  rawMinutes: z.number().nullable(),
  creditedMinutes: z.number().nullable(),
});
export const OfficerCheck = z.strictObject({
  signupId: Id,
  direction: z.enum(['in', 'out']),
  at: Instant.optional(),
});
export const AddToRoll = z.strictObject({ userId: Id, reserved: z.boolean().default(true) });
export const ConfirmHours = z.strictObject({
  items: z
    .array(
      z.strictObject({
        signupId: Id,
        accept: z.boolean().default(true),
        creditedMinutes: z
          .number()
          .int()
          .min(0)
          .max(24 * 60)
          .optional(),
      }),
    )
    .max(2000)
    .optional(),
});
export const MyHours = z.object({
  confirmedMinutes: z.number(),
  pendingMinutes: z.number(),
  items: z.array(
    z.object({
      signupId: z.number(),
      activityId: z.number(),
      title: z.string(),
      kindName: z.string(),
      startsAt: z.string(),
      creditedMinutes: z.number().nullable(),
      hoursStatus: z.enum(HOURS_STATUSES),
    }),
  ),
});
