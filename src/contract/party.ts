import { z } from 'zod';
import { Id, pageOf } from './common.js';

/**
 * Party building (社区党建), issue 21, first slice: the organisation tree, members, the recruitment
 * pipeline (发展党员工作细则 2014, rule pack `dev-2014`) and dues (中组部 2008). Rules and sources:
 * docs/party.md.
 */
type Label = { zh: string; en: string };

export const ORG_KINDS = ['gongwei', 'committee', 'general', 'branch', 'group'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];
export const ORG_KIND_LABELS: Record<OrgKind, Label> = {
  gongwei: { zh: '党工委', en: 'Street Party working committee' },
  committee: { zh: '党委', en: 'Party committee' },
  general: { zh: '党总支', en: 'General Party branch' },
  branch: { zh: '党支部', en: 'Party branch' },
  group: { zh: '党小组', en: 'Party group' },
};
/** The kind a unit's parent must be (党工委 → 党委/总支 → 支部 → 党小组). */
export const ORG_PARENT: Record<OrgKind, OrgKind[]> = {
  gongwei: [],
  committee: ['gongwei'],
  general: ['gongwei', 'committee'],
  branch: ['gongwei', 'committee', 'general'],
  group: ['branch'],
};

export const MEMBER_STATUSES = ['full', 'probationary', 'watch'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];
export const MEMBER_STATUS_LABELS: Record<MemberStatus, Label> = {
  full: { zh: '正式党员', en: 'Full member' },
  probationary: { zh: '预备党员', en: 'Probationary member' },
  watch: { zh: '留党察看', en: 'On probation within the Party' },
};
export const MEMBER_KINDS = ['resident', 'retired', 'floating', 'inservice', 'frail'] as const;
export type MemberKind = (typeof MEMBER_KINDS)[number];
export const MEMBER_KIND_LABELS: Record<MemberKind, Label> = {
  resident: { zh: '居民党员', en: 'Resident' },
  retired: { zh: '离退休', en: 'Retired' },
  floating: { zh: '流动党员', en: 'Floating' },
  inservice: { zh: '在职报到', en: 'In-service (reported in)' },
  frail: { zh: '年老体弱', en: 'Elderly or frail' },
};
/** How the monthly dues base is read (中组部 2008 §1–2). */
export const INCOME_KINDS = ['working', 'retired', 'student', 'unemployed', 'relief'] as const;
export type IncomeKind = (typeof INCOME_KINDS)[number];
export const INCOME_KIND_LABELS: Record<IncomeKind, Label> = {
  working: { zh: '在职（税后工资）', en: 'Working (after-tax pay)' },
  retired: { zh: '离退休（养老金）', en: 'Retired (pension)' },
  student: { zh: '学生', en: 'Student' },
  unemployed: { zh: '无固定收入', en: 'Unemployed' },
  relief: { zh: '低保/救济', en: 'Minimum living allowance' },
};

export const DEV_STAGES = [
  'applicant',
  'activist',
  'candidate',
  'probationary',
  'extended',
  'full',
  'cancelled',
] as const;
export type DevStage = (typeof DEV_STAGES)[number];
export const DEV_STAGE_LABELS: Record<DevStage, Label> = {
  applicant: { zh: '入党申请人', en: 'Applicant' },
  activist: { zh: '入党积极分子', en: 'Activist' },
  candidate: { zh: '发展对象', en: 'Candidate' },
  probationary: { zh: '预备党员', en: 'Probationary' },
  extended: { zh: '延长预备期', en: 'Probation extended' },
  full: { zh: '已转正', en: 'Full member' },
  cancelled: { zh: '取消预备党员资格', en: 'Cancelled' },
};
/** The steps recorded on a development case, each with its date. */
export const DEV_STEPS = [
  'talk',
  'activist',
  'candidate',
  'prereview',
  'admit',
  'approve',
  'oath',
  'extend',
  'full',
  'cancel',
] as const;
export type DevStep = (typeof DEV_STEPS)[number];
export const DEV_STEP_LABELS: Record<DevStep, Label> = {
  talk: { zh: '谈话', en: 'Talk' },
  activist: { zh: '确定为积极分子', en: 'Named activist' },
  candidate: { zh: '确定为发展对象', en: 'Named candidate' },
  prereview: { zh: '预审', en: 'Pre-review' },
  admit: { zh: '支部大会接收', en: 'Admitted by the branch meeting' },
  approve: { zh: '上级党委审批', en: 'Approved above' },
  oath: { zh: '入党宣誓', en: 'Oath' },
  extend: { zh: '延长预备期', en: 'Probation extended' },
  full: { zh: '转为正式党员', en: 'Made full member' },
  cancel: { zh: '取消预备党员资格', en: 'Cancelled' },
};

const Day = z.iso.date();
const Money = z.coerce.number().min(0).max(10_000_000).multipleOf(0.01);

export const OrgWarning = z.object({ code: z.string(), zh: z.string(), en: z.string() });
export type OrgWarning = z.infer<typeof OrgWarning>;
export const PartyOrg = z.object({
  id: z.number(),
  parentId: z.number().nullable(),
  kind: z.enum(ORG_KINDS),
  name: z.string(),
  areaId: z.number(),
  areaName: z.string(),
  secretary: z.string(),
  termStart: z.string().nullable(),
  termEnd: z.string().nullable(),
  /** days until the committee's term ends (negative: overdue for re-election) */
  reelectionInDays: z.number().nullable(),
  members: z.number(),
  fullMembers: z.number(),
  warnings: z.array(OrgWarning),
});
export type PartyOrg = z.infer<typeof PartyOrg>;
export const PartyOrgCreate = z.strictObject({
  parentId: Id.nullable().default(null),
  kind: z.enum(ORG_KINDS),
  name: z.string().trim().min(2).max(60),
  areaId: Id,
  secretary: z.string().trim().max(20).default(''),
  termStart: Day.optional(),
  termEnd: Day.optional(),
});
export type PartyOrgCreate = z.infer<typeof PartyOrgCreate>;

export const PartyMember = z.object({
  id: z.number(),
  orgId: z.number(),
  orgName: z.string(),
  personId: z.number().nullable(),
  name: z.string(),
  phone: z.string().nullable(),
  status: z.enum(MEMBER_STATUSES),
  kinds: z.array(z.enum(MEMBER_KINDS)),
  admittedOn: z.string().nullable(),
  fullOn: z.string().nullable(),
  /** whole years since the end of probation (党龄); null for a probationary member */
  partyYears: z.number().nullable(),
  employer: z.string(),
  incomeKind: z.enum(INCOME_KINDS),
  monthlyBase: z.number(),
  monthlyDue: z.number(),
});
export type PartyMember = z.infer<typeof PartyMember>;
export const PartyMemberCreate = z.strictObject({
  orgId: Id,
  personId: Id.optional(),
  name: z.string().trim().min(2).max(20),
  phone: z
    .string()
    .regex(/^1\d{10}$/)
    .optional(),
  status: z.enum(MEMBER_STATUSES).default('full'),
  kinds: z.array(z.enum(MEMBER_KINDS)).max(5).default(['resident']),
  admittedOn: Day.optional(),
  fullOn: Day.optional(),
  employer: z.string().trim().max(60).default(''),
  incomeKind: z.enum(INCOME_KINDS).default('working'),
  monthlyBase: Money.default(0),
});
export type PartyMemberCreate = z.infer<typeof PartyMemberCreate>;
export const PartyMemberQuery = z.strictObject({
  orgId: Id.optional(),
  status: z.enum(MEMBER_STATUSES).optional(),
  kind: z.enum(MEMBER_KINDS).optional(),
  q: z.string().trim().max(40).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type PartyMemberQuery = z.infer<typeof PartyMemberQuery>;
export const PartyMemberPage = pageOf(PartyMember);

export const DueItem = z.object({
  rule: z.string(),
  zh: z.string(),
  en: z.string(),
  /** deadline: to be done by `date`; earliest: not before `date` */
  kind: z.enum(['deadline', 'earliest']),
  date: z.string(),
  done: z.string().nullable(),
  state: z.enum(['open', 'ok', 'late', 'early', 'overdue']),
});
export type DueItem = z.infer<typeof DueItem>;
export const Development = z.object({
  id: z.number(),
  orgId: z.number(),
  orgName: z.string(),
  name: z.string(),
  stage: z.enum(DEV_STAGES),
  rulePack: z.string(),
  appliedOn: z.string(),
  dates: z.record(z.string(), z.string().nullable()),
  trainingDays: z.number(),
  trainingHours: z.number(),
  people: z.record(z.string(), z.string()),
  /** the next open due item (the board's column), null when nothing is due */
  next: DueItem.nullable(),
  due: z.array(DueItem),
  warnings: z.array(OrgWarning),
  abilities: z.array(z.enum(DEV_STEPS)),
});
export type Development = z.infer<typeof Development>;
export const DevelopmentCreate = z.strictObject({
  orgId: Id,
  personId: Id.optional(),
  name: z.string().trim().min(2).max(20),
  birthDate: Day,
  appliedOn: Day,
});
export type DevelopmentCreate = z.infer<typeof DevelopmentCreate>;
export const DevelopmentStep = z.strictObject({
  step: z.enum(DEV_STEPS),
  date: Day,
  /** the interviewer (talk), 培养联系人 (activist), sponsors (candidate) … as names */
  people: z.string().trim().max(60).optional(),
  trainingDays: z.number().min(0).max(60).optional(),
  trainingHours: z.number().min(0).max(500).optional(),
  /** extension end (extend) */
  until: Day.optional(),
});
export type DevelopmentStep = z.infer<typeof DevelopmentStep>;
export const DevelopmentQuery = z.strictObject({
  orgId: Id.optional(),
  stage: z.enum(DEV_STAGES).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type DevelopmentQuery = z.infer<typeof DevelopmentQuery>;
export const DevelopmentPage = pageOf(Development);

export const DuesRow = z.object({
  id: z.number(),
  memberId: z.number(),
  memberName: z.string(),
  orgName: z.string(),
  month: z.string(),
  base: z.number(),
  rate: z.number(),
  due: z.number(),
  paid: z.number(),
  paidOn: z.string().nullable(),
  state: z.enum(['paid', 'arrears', 'exempt']),
});
export type DuesRow = z.infer<typeof DuesRow>;
export const DuesQuery = z.strictObject({
  orgId: Id.optional(),
  memberId: Id.optional(),
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
    .optional(),
  state: z.enum(['paid', 'arrears', 'exempt']).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type DuesQuery = z.infer<typeof DuesQuery>;
export const DuesPage = pageOf(DuesRow).extend({
  dueTotal: z.number(),
  paidTotal: z.number(),
  arrearsTotal: z.number(),
});
export const DuesPayment = z.strictObject({
  memberId: Id,
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  paid: Money,
  paidOn: Day,
});
export type DuesPayment = z.infer<typeof DuesPayment>;
