import { z } from 'zod';
import { Id, pageOf } from './common.js';

/** Volunteers (志愿服务条例 2017; 民政部令第67号 "谁组织谁记录，谁记录谁证明"): issue 19. */

export const VOLUNTEER_STATUSES = ['applied', 'active', 'suspended', 'left'] as const;
export const VOLUNTEER_STATUS_LABELS: Record<
  (typeof VOLUNTEER_STATUSES)[number],
  { zh: string; en: string }
> = {
  applied: { zh: '待审核', en: 'Applied' },
  active: { zh: '在册', en: 'Active' },
  suspended: { zh: '暂停', en: 'Suspended' },
  left: { zh: '已退出', en: 'Left' },
};
export const TEAM_KINDS = ['community', 'party', 'building', 'unit'] as const;
export const TEAM_KIND_LABELS: Record<(typeof TEAM_KINDS)[number], { zh: string; en: string }> = {
  community: { zh: '社区服务队', en: 'Community team' },
  party: { zh: '党员志愿服务队', en: 'Party members’ team' },
  building: { zh: '楼栋服务队', en: 'Building team' },
  unit: { zh: '共建单位服务队', en: 'Co-building unit’s team' },
};

/**
 * Star levels (no national rule; a per-street scheme, ⚠ configurable): the default is
 * 中国社区志愿者注册管理办法 art. 18 / 广东 / 福建 — ★1–5 at 100/300/600/1,000/1,500 hours.
 */
export const DEFAULT_STAR_HOURS = [100, 300, 600, 1000, 1500] as const;

/** The star level of confirmed minutes under a scheme of hour thresholds (0: none yet). */
export function starLevel(
  confirmedMinutes: number,
  thresholdsHours: readonly number[] = DEFAULT_STAR_HOURS,
): number {
  let level = 0;
  for (const [i, h] of thresholdsHours.entries()) if (confirmedMinutes >= h * 60) level = i + 1;
  return level;
}

export const VolunteerApply = z.strictObject({
  name: z.string().trim().min(1).max(30),
  birthDate: z.iso.date(),
  phone: z
    .string()
    .trim()
    .regex(/^1\d{10}$/, '请填写 11 位手机号'),
  skills: z.array(z.string().trim().min(1).max(20)).max(10).default([]),
  availability: z.string().trim().max(60).default(''),
  guardianConsent: z.boolean().default(false),
  publicConsent: z.boolean().default(false),
  teamId: Id.optional(),
});
export type VolunteerApply = z.infer<typeof VolunteerApply>;

export const Volunteer = z.object({
  id: z.number(),
  userId: z.number(),
  volunteerNo: z.string().nullable(),
  name: z.string(),
  phone: z.string().nullable(),
  age: z.number().nullable(),
  skills: z.array(z.string()),
  availability: z.string(),
  status: z.enum(VOLUNTEER_STATUSES),
  teamName: z.string().nullable(),
  areaName: z.string(),
  confirmedHours: z.number(),
  star: z.number(),
  guardianConsent: z.boolean(),
  publicConsent: z.boolean(),
  registeredAt: z.string(),
  abilities: z.array(z.string()),
});
export type Volunteer = z.infer<typeof Volunteer>;
export const VolunteerPage = pageOf(Volunteer);
export const VolunteerSort = z.enum(['name', '-name', 'hours', '-hours', 'registeredAt', '-registeredAt']);
export const VolunteerListQuery = z.strictObject({
  areaId: Id.optional(),
  status: z.enum(VOLUNTEER_STATUSES).optional(),
  teamId: Id.optional(),
  q: z.string().trim().max(40).optional(),
  sort: VolunteerSort.default('-hours'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type VolunteerListQuery = z.infer<typeof VolunteerListQuery>;

export const Team = z.object({
  id: z.number(),
  name: z.string(),
  kind: z.enum(TEAM_KINDS),
  areaName: z.string(),
  leaderName: z.string().nullable(),
  members: z.number(),
  confirmedHours: z.number(),
});
export const TeamCreate = z.strictObject({
  name: z.string().trim().min(1).max(40),
  kind: z.enum(TEAM_KINDS),
  areaId: Id,
});

export const Certificate = z.object({
  id: z.number(),
  number: z.string(),
  verifyCode: z.string(),
  volunteerName: z.string(),
  volunteerNo: z.string(),
  issuer: z.string(),
  hours: z.number(),
  activities: z.array(z.object({ title: z.string(), date: z.string(), hours: z.number() })),
  personInCharge: z.string(),
  handlingOfficer: z.string(),
  contact: z.string(),
  issuedAt: z.string(),
  noticeEndsOn: z.string(),
});
export type Certificate = z.infer<typeof Certificate>;
export const CertificateIssue = z.strictObject({
  personInCharge: z.string().trim().min(1).max(30),
  contact: z.string().trim().min(1).max(40),
});
export const CertificateVerifyQuery = z.strictObject({
  number: z.string().trim().min(6).max(30),
  code: z.string().trim().min(6).max(12),
});
export const CertificateVerified = z.object({
  valid: z.boolean(),
  number: z.string(),
  volunteerName: z.string().nullable(),
  volunteerNo: z.string().nullable(),
  issuer: z.string().nullable(),
  hours: z.number().nullable(),
  issuedAt: z.string().nullable(),
});
