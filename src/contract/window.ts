import { z } from 'zod';
import { Id, msg, sortParam } from './common.js';

/**
 * The one-stop service window (一窗受理, design/modules/window.md): the matter catalogue (事项目录)
 * with its materials and FAQs, versioned. Shared by server and web; no I/O.
 */

const label = <K extends string>(t: Record<K, [string, string]>) => t;

/** 事项类型 (rule 4). */
export const MATTER_TYPES = label({
  licence: ['行政许可', 'Administrative licence'],
  confirmation: ['行政确认', 'Administrative confirmation'],
  ruling: ['行政裁决', 'Administrative ruling'],
  benefit: ['行政给付', 'Administrative benefit'],
  award: ['行政奖励', 'Administrative award'],
  filing: ['行政备案', 'Administrative filing'],
  other_power: ['其他行政权力', 'Other administrative power'],
  public_service: ['公共服务', 'Public service'],
});
export type MatterType = keyof typeof MATTER_TYPES;

/** 行使层级 (rule 3). */
export const MATTER_LEVELS = label({
  national: ['国家级', 'National'],
  province: ['省级', 'Province'],
  city: ['市级', 'City'],
  county: ['县级', 'County'],
  street: ['乡(镇、街道)级', 'Township / street'],
  community: ['村(社区)级', 'Village / community'],
  tiered: ['分级管理', 'Tiered'],
});
export type MatterLevel = keyof typeof MATTER_LEVELS;

/** 办理方式 at community level (rule 5). */
export const MATTER_METHODS = label({
  direct: ['直接办结', 'Concluded here'],
  forward: ['受理后上报', 'Accepted here, concluded above'],
  proxy: ['代办', 'Done on the applicant’s behalf'],
  assist: ['协办', 'Assisted'],
  inform: ['公开告知', 'Information only'],
});
export type MatterMethod = keyof typeof MATTER_METHODS;

/** 主项 / 子项 / 业务办理项 (rule 1). */
export const MATTER_KINDS = label({
  main: ['主项', 'Main matter'],
  sub: ['子项', 'Sub-matter'],
  item: ['业务办理项', 'Handling item'],
});
export type MatterKind = keyof typeof MATTER_KINDS;

/** 材料必要性: 必要 / 非必要 / 容缺可 (may be brought later under a signed promise). */
export const NECESSITY = label({
  required: ['必要', 'Required'],
  optional: ['非必要', 'Optional'],
  gap_ok: ['容缺可', 'May follow later (容缺)'],
});
export type Necessity = keyof typeof NECESSITY;

export const LIMIT_UNITS = label({ wday: ['个工作日', 'working days'], day: ['个自然日', 'calendar days'] });

const enumOf = <T extends Record<string, unknown>>(t: T) =>
  z.enum(Object.keys(t) as [Extract<keyof T, string>, ...Extract<keyof T, string>[]]);

/**
 * 承诺办结时限 ceiling (rule 6, local: county 限时办结制): a configurable default — the catalogue
 * page says so — not a national rule.
 */
export const MAX_PROMISED_WD = 20;

/** 默认补正期限 (rule 9; seen 3 wd and 7 days ⚠): a configurable default. */
export const DEFAULT_SUPPLEMENT_WD = 3;

const text = (max: number) => z.string().trim().max(max);
const opt = (max: number) => text(max).optional().nullable();
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, msg('日期格式应为 YYYY-MM-DD', 'Date as YYYY-MM-DD'));

export const Material = z.strictObject({
  name: text(100).min(1),
  necessity: enumOf(NECESSITY).default('required'),
  form: opt(40), // 原件 / 复印件 / 电子
  copies: z.number().int().min(0).max(20).default(1),
  source: opt(100),
  review: opt(500), // 受理标准 / 审查要点
});
export type Material = z.infer<typeof Material>;
export const Faq = z.strictObject({ q: text(200).min(1), a: text(2000).min(1) });
export type Faq = z.infer<typeof Faq>;

const matterFields = {
  baseCode: text(12).min(1), // 基本编码 ≤ 12 (rule 2)
  implCode: opt(36), // 实施编码 ≤ 36
  itemCode: opt(50), // 业务办理项编码 ≤ 50
  name: text(100).min(1),
  parentName: opt(100),
  kind: enumOf(MATTER_KINDS).default('item'),
  type: enumOf(MATTER_TYPES).default('public_service'),
  level: enumOf(MATTER_LEVELS).default('community'),
  department: text(60).min(1),
  implementer: opt(100),
  basis: opt(2000),
  method: enumOf(MATTER_METHODS).default('forward'),
  audience: opt(200),
  conditions: opt(2000),
  legalLimit: z.number().int().min(1).max(365).nullable().default(null),
  promisedLimit: z.number().int().min(0).max(365).nullable().default(null),
  limitUnit: enumOf(LIMIT_UNITS).default('wday'),
  limitNote: opt(500),
  visits: z.number().int().min(0).max(5).default(1),
  place: opt(200),
  hours: opt(200),
  fees: opt(500),
  contacts: opt(200),
  online: z.boolean().default(false),
  bookable: z.boolean().default(true),
  effectiveOn: day,
  cancelledOn: day.optional().nullable(),
  materials: z.array(Material).max(40).default([]),
  faqs: z.array(Faq).max(40).default([]),
};

/** Rule 6: 承诺 < 法定; no 法定 → 即办件 (promised 0); 承诺 ≤ the local ceiling. */
export function limitProblem(
  m: { legalLimit: number | null; promisedLimit: number | null },
  lang: 'zh' | 'en',
): string | null {
  const zh = lang === 'zh';
  if (m.legalLimit !== null && m.promisedLimit === null)
    return zh ? '有法定时限的事项须填写承诺时限' : 'A matter with a legal limit needs a promised limit';
  if (m.legalLimit !== null && m.promisedLimit !== null && m.promisedLimit >= m.legalLimit)
    return zh
      ? `承诺时限（${m.promisedLimit}）须少于法定时限（${m.legalLimit}）`
      : `The promised limit (${m.promisedLimit}) must be below the legal one (${m.legalLimit})`;
  if (m.promisedLimit !== null && m.promisedLimit > MAX_PROMISED_WD)
    return zh
      ? `承诺时限不超过 ${MAX_PROMISED_WD} 个工作日（本地默认规则）`
      : `The promised limit is at most ${MAX_PROMISED_WD} working days (local default)`;
  return null;
}

export const MatterInput = z.strictObject(matterFields).superRefine((m, c) => {
  const p = limitProblem(m, 'zh');
  if (p) c.addIssue({ code: 'custom', path: ['promisedLimit'], message: msg(p, limitProblem(m, 'en')!) });
  if (m.cancelledOn && m.cancelledOn <= m.effectiveOn)
    c.addIssue({
      code: 'custom',
      path: ['cancelledOn'],
      message: msg('取消日期须晚于生效日期', 'The cancellation date must follow the effective date'),
    });
});
export type MatterInput = z.infer<typeof MatterInput>;

/** A matter as one version of it reads; `instant` = 即办件 (no promised working days). */
export const Matter = z.object({
  id: z.number(),
  matterKey: z.string(),
  version: z.number(),
  current: z.boolean(),
  areaId: z.number(),
  areaName: z.string(),
  implCode: z.string().nullable(),
  itemCode: z.string().nullable(),
  parentName: z.string().nullable(),
  implementer: z.string().nullable(),
  basis: z.string().nullable(),
  audience: z.string().nullable(),
  conditions: z.string().nullable(),
  limitNote: z.string().nullable(),
  visits: z.number(),
  place: z.string().nullable(),
  hours: z.string().nullable(),
  fees: z.string().nullable(),
  contacts: z.string().nullable(),
  online: z.boolean(),
  bookable: z.boolean(),
  baseCode: z.string(),
  name: z.string(),
  department: z.string(),
  kind: z.string(),
  type: z.string(),
  level: z.string(),
  method: z.string(),
  limitUnit: z.string(),
  effectiveOn: z.string(),
  cancelledOn: z.string().nullable(),
  legalLimit: z.number().nullable(),
  promisedLimit: z.number().nullable(),
  materials: z.array(Material),
  faqs: z.array(Faq),
  instant: z.boolean(),
  status: z.enum(['effective', 'future', 'cancelled']),
  updatedAt: z.string(),
  abilities: z.array(z.string()),
});
export type Matter = z.infer<typeof Matter>;

export const MatterListQuery = z.strictObject({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  sort: sortParam(['name', 'department', 'baseCode', 'promisedLimit', 'updatedAt']),
  q: z.string().trim().max(100).optional(),
  department: z.string().trim().max(60).optional(),
  status: z.enum(['effective', 'future', 'cancelled', 'all']).default('effective'),
  areaId: Id.optional(),
});
export type MatterListQuery = z.infer<typeof MatterListQuery>;

/** The 一次性告知单 / 容缺承诺书: which of the matter's materials are missing (by their index). */
export const NoticeQuery = z.strictObject({
  kind: z.enum(['notice', 'promise']).default('notice'),
  missing: z
    .string()
    .regex(
      /^\d{1,2}(,\d{1,2}){0,39}$/,
      msg('缺少的材料编号，以逗号分隔', 'Missing materials as indexes, comma-separated'),
    )
    .optional(),
  applicant: z.string().trim().max(40).optional(),
  /** 补正期限 in working days (rule 9: default 3, a configurable default ⚠). */
  supplementDays: z.coerce.number().int().min(1).max(30).default(3),
});
export type NoticeQuery = z.infer<typeof NoticeQuery>;

/** The catalogue import's answer: every row as it would be written, and the rows refused. */
export const MatterImportResult = z.object({
  confirmed: z.boolean(),
  rows: z.array(
    z.object({
      row: z.number(),
      baseCode: z.string(),
      name: z.string(),
      action: z.enum(['create', 'version', 'same']),
    }),
  ),
  errors: z.array(z.object({ row: z.number(), column: z.string(), message: z.string() })),
  created: z.number(),
  versioned: z.number(),
  unchanged: z.number(),
});
export type MatterImportResult = z.infer<typeof MatterImportResult>;

// —— applications (办件): a case type declared by the window module ——

/** The departments of the catalogue as the case type's categories (one leaf each). */
export const APPLICATION_DEPARTMENTS: [code: string, zh: string, en: string][] = [
  ['sb', '社保', 'Social insurance'],
  ['yb', '医保', 'Medical insurance'],
  ['mz', '民政', 'Civil affairs'],
  ['ll', '老龄', 'Ageing'],
  ['cl', '残联', 'Disability'],
  ['wj', '卫健', 'Health'],
  ['rs', '人社', 'Employment'],
  ['ga', '公安', 'Public security'],
  ['sf', '司法', 'Justice'],
  ['zf', '住房', 'Housing'],
  ['jy', '教育', 'Education'],
  ['qt', '社区', 'Community and other'],
];
export function departmentCategory(department: string): string {
  const d = APPLICATION_DEPARTMENTS.find(([, zh]) => zh === department);
  return `${d ? d[0] : 'qt'}.all`;
}

/** What the window records of an application in the case's `detail`. */
export const ApplicationDetail = z.strictObject({
  matterId: Id,
  matterVersion: z.number().int().positive(),
  matterName: z.string().max(100),
  /** complete: every material; gap: 容缺 under a signed promise */
  intake: z.enum(['complete', 'gap']),
  missing: z.array(z.string().max(100)).max(40).default([]),
  acceptedOn: day,
  /**
   * The matter's promised limit it was accepted under (null: 即办件, due the day accepted). The
   * promised date itself is the case's own `dueAt` (the engine's deadline, set from this at
   * acceptance and again in full after 补正), not a copy here.
   */
  promisedLimit: z.number().int().min(0).nullable(),
  /** the matter's legal limit (法定时限, same unit): no extension runs past it (rule 10) */
  legalLimit: z.number().int().min(1).nullable().default(null),
  limitUnit: z.enum(['wday', 'day']).default('wday'),
  supplementDueOn: day.nullable().default(null),
  forwardDueOn: day.nullable().default(null),
  instant: z.boolean(),
  applicantName: z.string().max(40),
  /** 代理人 / 代办员 and their authorisation */
  agentName: z.string().max(40).nullable().default(null),
  agentKind: z.enum(['agent', 'proxy']).nullable().default(null),
  authorisation: z.string().max(200).nullable().default(null),
});
export type ApplicationDetail = z.infer<typeof ApplicationDetail>;

/** A 差评 rectification case's detail: the application and the rating that opened it. */
export const RectificationDetail = z.strictObject({
  applicationId: Id,
  applicationNo: z.string().max(40),
  rating: z.number().int().min(1).max(2),
});
export type RectificationDetail = z.infer<typeof RectificationDetail>;

/** What an acceptance answers: the case, its detail and its promised date (the case's `dueAt`). */
export const ApplicationAccepted = z.object({
  id: z.number(),
  detail: ApplicationDetail,
  dueAt: z.string(),
  /** the China date of `dueAt` */
  dueOn: z.string(),
});
export type ApplicationAccepted = z.infer<typeof ApplicationAccepted>;

/** The window desk's acceptance: the matter, who applies, which materials were handed in. */
export const ApplicationAccept = z.strictObject({
  matterId: Id,
  areaId: Id,
  personId: Id.optional(),
  applicantName: z.string().trim().min(1).max(40),
  contactPhone: z.string().trim().max(20).optional(),
  /** indexes of the matter's materials handed in */
  provided: z.array(z.number().int().min(0).max(39)).max(40),
  /** accept with 容缺 the missing materials marked 容缺可 (the applicant signs the promise) */
  gap: z.boolean().default(false),
  supplementDays: z.number().int().min(1).max(30).default(DEFAULT_SUPPLEMENT_WD),
  agentName: z.string().trim().max(40).optional(),
  agentKind: z.enum(['agent', 'proxy']).optional(),
  authorisation: z.string().trim().max(200).optional(),
  channel: z.enum(['window', 'phone']).default('window'),
  note: z.string().trim().max(2000).default(''),
});
export type ApplicationAccept = z.infer<typeof ApplicationAccept>;

// —— appointments and the queue ——

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, msg('时间格式应为 HH:MM', 'Time as HH:MM'));

export const SlotCreate = z
  .strictObject({
    areaId: Id,
    day,
    starts: hhmm,
    ends: hhmm,
    /** the matter group (a department of the catalogue) */
    group: z.string().trim().min(1).max(60),
    capacity: z.number().int().min(1).max(200),
    /** 错时 hours (before 8:30, at noon, after 17:30, weekends): a configurable label, rule 15 */
    offHours: z.boolean().default(false),
    /** staff the slot needs on the roster; default 2 for 错时 hours (rule 15 ⚠ local), else 1 */
    minStaff: z.number().int().min(1).max(20).optional(),
  })
  .refine((s) => s.ends > s.starts, {
    path: ['ends'],
    message: msg('结束时间须晚于开始时间', 'The end must follow the start'),
  });
/** Rule 15 (local, 沈阳大东区 ⚠): at least two staff in 错时 hours; a configurable default. */
export const MIN_OFF_HOURS_STAFF = 2;
export type SlotCreate = z.infer<typeof SlotCreate>;

export const Slot = z.object({
  id: z.number(),
  areaId: z.number(),
  day: z.string(),
  starts: z.string(),
  ends: z.string(),
  group: z.string(),
  capacity: z.number(),
  booked: z.number(),
  offHours: z.boolean(),
  closed: z.boolean(),
  minStaff: z.number(),
});
export type Slot = z.infer<typeof Slot>;

// —— rosters (排班, rule 15) ——

export const RosterCreate = z
  .strictObject({
    areaId: Id,
    day,
    starts: hhmm,
    ends: hhmm,
    windowNo: z.number().int().min(1).max(99),
    /** the staff member on duty (a staff account) */
    userId: Id,
    offHours: z.boolean().default(false),
  })
  .refine((s) => s.ends > s.starts, {
    path: ['ends'],
    message: msg('结束时间须晚于开始时间', 'The end must follow the start'),
  });
export type RosterCreate = z.infer<typeof RosterCreate>;

export const RosterEntry = z.object({
  id: z.number(),
  areaId: z.number(),
  day: z.string(),
  starts: z.string(),
  ends: z.string(),
  windowNo: z.number(),
  userId: z.number(),
  staffName: z.string(),
  offHours: z.boolean(),
});
export type RosterEntry = z.infer<typeof RosterEntry>;

/** A day's roster of a hall and each slot's staff against its minimum (the coverage check). */
export const RosterDay = z.object({
  entries: z.array(RosterEntry),
  coverage: z.array(
    z.object({
      slotId: z.number(),
      starts: z.string(),
      ends: z.string(),
      group: z.string(),
      offHours: z.boolean(),
      minStaff: z.number(),
      /** roster entries covering the whole slot */
      staff: z.number(),
      ok: z.boolean(),
    }),
  ),
});
export type RosterDay = z.infer<typeof RosterDay>;

export const SlotQuery = z.strictObject({ areaId: Id, day: day.optional() });

export const BookingCreate = z.strictObject({
  name: z.string().trim().min(1).max(40),
  /** the last 4 digits only: the full number is not kept */
  phoneTail: z
    .string()
    .regex(/^\d{4}$/, msg('手机尾号 4 位数字', 'The last 4 digits of the phone'))
    .optional(),
  channel: z.enum(['phone', 'window', 'resident']).default('phone'),
});

export const TicketIssue = z.strictObject({
  areaId: Id,
  group: z.string().trim().min(1).max(60),
  bookingId: Id.optional(),
});
export const TicketCall = z.strictObject({ areaId: Id, windowNo: z.number().int().min(1).max(99) });
export const TicketFinish = z.strictObject({ outcome: z.enum(['served', 'no_show']) });

export const Ticket = z.object({
  id: z.number(),
  number: z.number(),
  label: z.string(),
  group: z.string(),
  status: z.enum(['waiting', 'called', 'served', 'no_show']),
  issuedAt: z.string(),
  calledAt: z.string().nullable(),
  windowNo: z.number().nullable(),
  waitMinutes: z.number().nullable(),
});
export type Ticket = z.infer<typeof Ticket>;
export const Queue = z.object({ day: z.string(), waiting: z.number(), tickets: z.array(Ticket) });
export type Queue = z.infer<typeof Queue>;
