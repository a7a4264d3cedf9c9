import { z } from 'zod';
import { DISPUTE_OUTCOMES, DISPUTE_SCALES, MEDIATION_METHODS, PARTY_ROLES } from './case-codes.js';
import { Id, ListQuery, msg } from './common.js';

/**
 * The case engine's contract (DOMAIN §4 "Cases", STANDARDS "Case workflow and time limits").
 * One engine, several case types; every type runs the common flow and may add actions.
 *
 * A type is a code a module declares in its manifest (`caseTypes`); the server checks the
 * declarations at start and a request's type against them. The built-in types' code tables
 * and bodies are below; `GET /api/cases/types` lists every declared type with its words.
 */
export const CaseType = z.string().regex(/^[a-z][a-z0-9_]{1,23}$/);
export type CaseType = z.infer<typeof CaseType>;
/** The types the platform is built with (cases module); modules may declare more. */
export const CASE_TYPES = ['event', 'dispute', 'request'] as const;

export const CASE_STATES = [
  'reported', // 待受理 (上报)
  'accepted', // 待派遣 (受理)
  'dispatched', // 待签收 (派遣)
  'handling', // 处置中
  'feedback', // 待核查 (反馈)
  'closed', // 已结案
  'rejected', // 不予受理 / 重复合并
  'pending', // 挂账
] as const;
export const CaseState = z.enum(CASE_STATES);
export type CaseState = z.infer<typeof CaseState>;
export const OPEN_STATES: CaseState[] = [
  'reported',
  'accepted',
  'dispatched',
  'handling',
  'feedback',
  'pending',
];

export const CASE_ACTIONS = [
  'accept',
  'reject',
  'dispatch',
  'sign',
  'return',
  'feedback',
  'verify',
  'rate',
  'extend_request',
  'extend_decide',
  'suspend',
  'resume',
  'supervise',
  'remind',
  'reopen',
  'comment',
  'mediate',
  'conclude',
  'follow_up',
  /** Whether the case may be shown outside (Open311, the big screen): `public`. */
  'set_public',
] as const;
export const CaseAction = z.enum(CASE_ACTIONS);
export type CaseAction = z.infer<typeof CaseAction>;

/** Timeline entries also record what the system did. */
export const TimelineKind = z.enum([...CASE_ACTIONS, 'report', 'escalate', 'merge', 'reassign']);
export type TimelineKind = z.infer<typeof TimelineKind>;

export const Urgency = z.enum(['normal', 'urgent']);
export const Channel = z.enum(['grid', 'staff', 'resident', 'window', 'phone', 'visit', 'open311']);
export const SlaLevel = z.number().int().min(0).max(3); // 0 none · 1 yellow · 2 red · 3 red, escalated again

const lat = z.number().min(-90).max(90);
const lng = z.number().min(-180).max(180);
export const Location = z.strictObject({ lat, lng });
const comment = z.string().trim().max(2000);
const attachments = z.array(Id).max(9);
const phone = z.string().trim().max(20);

// —— type-specific details ——

export const EventDetail = z.strictObject({
  hazardLevel: z.enum(['low', 'medium', 'high']).optional(),
});

const codes = (rows: { code: string }[]) => z.enum(rows.map((r) => r.code) as [string, ...string[]]);

export const DisputePartyInput = z.strictObject({
  role: codes(PARTY_ROLES),
  personId: Id.optional(),
  name: z.string().trim().min(1).max(40),
  idNumber: z.string().trim().max(20).optional(),
  phone: phone.optional(),
  address: z.string().trim().max(200).optional(),
});
export const DisputeDetail = z.strictObject({
  scale: codes(DISPUTE_SCALES).default('01'),
  /** Amount in dispute, yuan. */
  amount: z.number().min(0).max(1e10).optional(),
  involvedCount: z.number().int().min(1).max(100000).optional(),
});

export const RequestDetail = z.strictObject({
  anonymous: z.boolean().optional(),
});

const CreateCommon = {
  category: z.string().trim().min(1).max(60),
  urgency: Urgency.default('normal'),
  title: z.string().trim().min(2).max(100),
  description: z.string().trim().max(4000).default(''),
  /** The node the case belongs to; found from the location when absent. */
  areaId: Id.optional(),
  location: Location.optional(),
  address: z.string().trim().max(200).optional(),
  attachmentIds: attachments.optional(),
  channel: Channel.optional(),
  /** For window and phone intakes: the resident on whose behalf it is raised. */
  reporterPersonId: Id.optional(),
  contactName: z.string().trim().max(40).optional(),
  contactPhone: phone.optional(),
  /** The visit or patrol whose finding this case is (raised with one tap from it). */
  source: z.strictObject({ kind: z.enum(['visit', 'patrol']), id: Id }).optional(),
  /**
   * 对外公开: may be shown outside the app (Open311, the big screen), its text scrubbed of
   * identifiers. Default: yes for grid events and resident requests; a dispute never is.
   */
  public: z.boolean().optional(),
};

/**
 * The body reporting a case of one type: the common fields, the type's `detail` and any fields of
 * its own (a dispute's parties). A case type's declaration names it (`CaseTypeDef.input`).
 */
export const caseCreateSchema = <
  T extends string,
  D extends z.ZodType,
  X extends z.ZodRawShape = Record<never, never>,
>(
  type: T,
  detail: D,
  extra?: X,
) => z.strictObject({ type: z.literal(type), ...CreateCommon, detail, ...(extra ?? ({} as X)) });

export const EventCreate = caseCreateSchema('event', EventDetail.default({}));
export const DisputeCreate = caseCreateSchema('dispute', DisputeDetail.default({ scale: '01' }), {
  parties: z.array(DisputePartyInput).min(1).max(50),
});
export const RequestCreate = caseCreateSchema('request', RequestDetail.default({}));
/** The built-in types' bodies. */
export const CaseCreate = z.discriminatedUnion('type', [EventCreate, DisputeCreate, RequestCreate]);
/** A report as the engine takes it, of any declared type (checked by the type's own body first). */
export type CaseCreate = z.infer<typeof CaseCreateAny>;
const CaseCreateAny = z.strictObject({
  type: CaseType,
  ...CreateCommon,
  detail: z.record(z.string(), z.unknown()).optional(),
  parties: z.array(DisputePartyInput).optional(),
});
/** What a report's route reads first: the type, whose declaration then validates the whole body. */
export const CaseCreateHead = z.looseObject({ type: CaseType });

/** A declared case type as the pages need it: names, categories, the actions it has. */
export const CaseTypeInfo = z.object({
  code: z.string(),
  prefix: z.string(),
  zh: z.string(),
  en: z.string(),
  categories: z.array(
    z.object({ code: z.string(), parent: z.string().nullable(), zh: z.string(), en: z.string() }),
  ),
  actions: z.array(z.string()),
  /** the type's own words for states and actions (absent: the common ones) */
  words: z.record(z.string(), z.object({ zh: z.string(), en: z.string() })).optional(),
});
export type CaseTypeInfo = z.infer<typeof CaseTypeInfo>;

// —— transitions ——

const T = <A extends CaseAction, S extends z.ZodRawShape>(action: A, shape: S) =>
  z
    .strictObject({
      action: z.literal(action),
      comment: comment.optional(),
      attachmentIds: attachments.optional(),
      location: Location.optional(),
    })
    .extend(shape);

export const CaseTransition = z.discriminatedUnion('action', [
  T('accept', {}),
  T('reject', {
    reason: z.enum(['invalid', 'duplicate', 'out_of_scope']),
    duplicateOfId: Id.optional(),
    comment: comment.min(2, msg('请说明不予受理的理由', 'Say why the case is rejected')),
  }),
  T('dispatch', {
    assigneeUserId: Id,
    /** Department or co-building unit (registry organisation) the assignee acts for. */
    organisationId: Id.optional(),
    department: z.string().trim().max(60).optional(),
  }),
  T('sign', {}),
  T('return', { comment: comment.min(2, msg('请说明退回理由', 'Say why the case is returned')) }),
  T('feedback', { comment: comment.min(2, msg('请填写处置情况', 'Describe what was done')) }),
  T('verify', { passed: z.boolean() }),
  T('rate', {
    rating: z.number().int().min(1).max(5),
    /** Staff record a rating given by phone or at the window (回访). */
    onBehalf: z.boolean().optional(),
  }),
  T('extend_request', {
    amount: z.number().int().min(1).max(60),
    unit: z.enum(['wday', 'whour']).default('wday'),
    comment: comment.min(2, msg('请说明延期理由', 'Say why more time is needed')),
  }),
  T('extend_decide', { approved: z.boolean() }),
  T('suspend', { comment: comment.min(2, msg('请说明挂账原因', 'Say why the case cannot be solved now')) }),
  T('resume', {}),
  T('supervise', {}),
  T('remind', {}),
  T('reopen', { comment: comment.min(2, msg('请说明重新办理的原因', 'Say why the case is reopened')) }),
  T('comment', { comment: comment.min(1) }),
  T('mediate', {
    date: z.iso.date(),
    place: z.string().trim().min(1).max(100),
    method: codes(MEDIATION_METHODS),
    participants: z.string().trim().max(500).default(''),
    notes: z.string().trim().max(4000).default(''),
  }),
  T('conclude', {
    outcome: codes(DISPUTE_OUTCOMES),
    /** For an agreement: its text or summary; the signed document goes in attachments. */
    agreement: z.string().trim().max(4000).optional(),
    referredTo: z.string().trim().max(100).optional(),
  }),
  T('follow_up', { comment: comment.min(2, msg('请填写回访情况', 'Describe the follow-up visit')) }),
  T('set_public', { public: z.boolean() }),
]);
export type CaseTransition = z.infer<typeof CaseTransition>;

// —— reads ——

export const UserRef = z.object({ id: z.number(), name: z.string() }).nullable();

export const Attachment = z.object({
  id: z.number(),
  name: z.string(),
  mime: z.string(),
  size: z.number(),
  url: z.string(),
});
export type Attachment = z.infer<typeof Attachment>;

export const DisputeParty = z.object({
  id: z.number(),
  role: z.string(),
  personId: z.number().nullable(),
  name: z.string(),
  idNumber: z.string().nullable(),
  phone: z.string().nullable(),
  address: z.string().nullable(),
});

export const Case = z.object({
  id: z.number(),
  no: z.string(),
  type: CaseType,
  category: z.string(),
  categoryName: z.string(),
  urgency: Urgency,
  state: CaseState,
  title: z.string(),
  description: z.string(),
  areaId: z.number(),
  areaName: z.string(),
  areaPathNames: z.array(z.string()),
  address: z.string().nullable(),
  location: z.object({ lat: z.number(), lng: z.number() }).nullable(),
  channel: Channel,
  reporter: UserRef,
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  reporterPersonId: z.number().nullable(),
  owner: UserRef,
  assignee: UserRef,
  organisationId: z.number().nullable(),
  department: z.string().nullable(),
  reportedAt: z.string(),
  acceptedAt: z.string().nullable(),
  dispatchedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  /** Deadline of the stage the case is in (null when closed or pending). */
  stageDueAt: z.string().nullable(),
  /** The handling deadline (from dispatch; moved by approved extensions). */
  dueAt: z.string().nullable(),
  slaLevel: SlaLevel,
  supervisionLevel: z.number().int(),
  reworkCount: z.number().int(),
  extensionCount: z.number().int(),
  pendingExtension: z
    .object({ amount: z.number(), unit: z.string(), reason: z.string(), by: z.string() })
    .nullable(),
  rating: z.number().nullable(),
  outcome: z.string().nullable(),
  mergedIntoId: z.number().nullable(),
  /** The visit or patrol this case was raised from. */
  source: z.object({ kind: z.enum(['visit', 'patrol']), id: z.number() }).nullable(),
  /** 对外公开: shown outside (Open311, the big screen); never for a dispute. */
  public: z.boolean(),
  detail: z.record(z.string(), z.unknown()),
  parties: z.array(DisputeParty),
  attachments: z.array(Attachment),
  version: z.number(),
  abilities: z.array(CaseAction),
  /**
   * Actions the reader holds the right to but may not take on this case, with the reason
   * (separation of duties: the handler does not verify): shown as disabled buttons.
   */
  blocked: z.array(z.object({ action: CaseAction, reason: z.string() })),
});
export type Case = z.infer<typeof Case>;

export const CaseListItem = Case.pick({
  id: true,
  no: true,
  type: true,
  category: true,
  categoryName: true,
  urgency: true,
  state: true,
  title: true,
  areaId: true,
  areaName: true,
  location: true,
  reportedAt: true,
  stageDueAt: true,
  dueAt: true,
  slaLevel: true,
  supervisionLevel: true,
  assignee: true,
  outcome: true,
  public: true,
}).extend({
  /** Disputes: GB/T 31000 scale and the number of parties (for the ledger). */
  scale: z.string().nullable().optional(),
  partyCount: z.number().int().optional(),
});
export type CaseListItem = z.infer<typeof CaseListItem>;

/** Inboxes (issue pages): what waits for the actor. */
export const CaseBox = z.enum([
  'all',
  'accept',
  'dispatch',
  'mine',
  'verify',
  'overdue',
  'supervised',
  'reported',
]);
export type CaseBox = z.infer<typeof CaseBox>;

/** What the inbox sorts by (`field` ascending, `-field` descending); anything else is a 400. */
export const CaseSort = z.enum([
  'id',
  '-id',
  'reportedAt',
  '-reportedAt',
  'stageDueAt',
  '-stageDueAt',
  'dueAt',
  '-dueAt',
  'closedAt',
  '-closedAt',
]);

export const CaseListQuery = ListQuery.extend({
  sort: CaseSort.optional(),
  type: CaseType.optional(),
  box: CaseBox.default('all'),
  state: CaseState.optional(),
  category: z.string().trim().max(60).optional(),
  areaId: Id.optional(),
  urgency: Urgency.optional(),
  sla: z.coerce.number().int().min(0).max(3).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  /** Which instant `from`/`to` read (default: reported); the dashboard's figures drill down by it. */
  dateField: z.enum(['reported', 'accepted', 'due', 'closed']).optional(),
  /** Only cases counted in the indicators (not rejected). */
  valid: z.enum(['true', 'false']).optional(),
  /** Only open cases (not closed, not rejected). */
  open: z.enum(['true', 'false']).optional(),
  /** Only cases the reporter rated (a satisfaction figure's denominator). */
  rated: z.enum(['true', 'false']).optional(),
  /** Only disputes mediated (agreement or failed: a success rate's denominator). */
  mediated: z.enum(['true', 'false']).optional(),
  /** Only cases that may (true) or may not (false) be shown outside: the big screen asks for public ones. */
  public: z.enum(['true', 'false']).optional(),
  /** Only cases with (true) or without (false) a location: the map links to those it cannot show. */
  located: z.enum(['true', 'false']).optional(),
  /** Only cases the person reported or is a party to (a person's page, 一人一档). */
  personId: Id.optional(),
});
export type CaseListQuery = z.infer<typeof CaseListQuery>;

export const CaseMapQuery = z.strictObject({
  type: CaseType.optional(),
  category: z.string().trim().max(60).optional(),
  state: CaseState.optional(),
  areaId: Id.optional(),
});
export const CaseMapPoint = z.object({
  id: z.number(),
  no: z.string(),
  type: CaseType,
  category: z.string(),
  state: CaseState,
  slaLevel: z.number(),
  title: z.string(),
  lat: z.number(),
  lng: z.number(),
});

export const NearQuery = z.strictObject({
  type: CaseType,
  category: z.string().trim().min(1).max(60),
  lat: z.coerce.number().min(-90).max(90),
  lng: z.coerce.number().min(-180).max(180),
  /** Metres; default 100. */
  radius: z.coerce.number().int().min(10).max(2000).default(100),
  /** Hours back; default 72. */
  hours: z.coerce.number().int().min(1).max(720).default(72),
});
export const NearCase = z.object({
  id: z.number(),
  no: z.string(),
  title: z.string(),
  state: CaseState,
  reportedAt: z.string(),
  distance: z.number(),
});

export const TimelineEntry = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  kind: TimelineKind,
  fromState: CaseState.nullable(),
  toState: CaseState.nullable(),
  comment: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  attachments: z.array(Attachment),
  location: z.object({ lat: z.number(), lng: z.number() }).nullable(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

/** A user the actor may dispatch to (in scope, with the right to handle). */
export const Assignable = z.object({
  id: z.number(),
  name: z.string(),
  roles: z.array(z.string()),
  areaName: z.string(),
  /** A grid worker of the case's grid: suggested first. */
  ofGrid: z.boolean(),
  /** Open cases on them now (dispatched, being handled or pending): the others come by this. */
  openLoad: z.number().int(),
});
export const AssignableQuery = z.strictObject({ caseId: Id, q: z.string().trim().max(40).optional() });

// —— notifications ——

export const Notification = z.object({
  id: z.number(),
  at: z.string(),
  caseId: z.number().nullable(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  readAt: z.string().nullable(),
});
export const NotificationQuery = ListQuery.pick({ page: true, pageSize: true }).extend({
  unread: z.enum(['true', 'false']).optional(),
});

// —— calendar and limits ——

export const CalendarDay = z.strictObject({
  date: z.iso.date(),
  kind: z.enum(['holiday', 'workday']),
  name: z.string().trim().min(1).max(40),
});
export type CalendarDay = z.infer<typeof CalendarDay>;
export const CalendarYear = z.object({
  year: z.number(),
  status: z.enum(['official', 'provisional', 'none']),
  source: z.string().nullable(),
  days: z.array(CalendarDay),
});
export const CalendarYearPut = z.strictObject({
  status: z.enum(['official', 'provisional']),
  source: z.string().trim().max(200).optional(),
  days: z.array(CalendarDay).max(80),
});
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, msg('时间格式为 HH:MM', 'Use HH:MM'));
export const OfficeHours = z.strictObject({
  periods: z
    .array(z.strictObject({ start: hhmm, end: hhmm }))
    .min(1)
    .max(4),
});
export type OfficeHours = z.infer<typeof OfficeHours>;

export const STAGES = ['accept', 'dispatch', 'sign', 'handle', 'verify'] as const;
export const Stage = z.enum(STAGES);
export type Stage = z.infer<typeof Stage>;
export const LimitUnitSchema = z.enum(['wmin', 'whour', 'wday', 'day']);
/** Rules of a case type the administrator may switch (`/settings/case-limits`). */
export const CaseRule = z.object({
  type: CaseType,
  /** Separation of duties: the handler of a case may not verify it (default on). */
  separateVerifier: z.boolean(),
});
export type CaseRule = z.infer<typeof CaseRule>;
export const CaseRuleSet = z.strictObject({ type: CaseType, separateVerifier: z.boolean() });

export const CaseLimit = z.strictObject({
  type: CaseType,
  /** A category or group code, or '*' for every category of the type. */
  category: z.string().trim().min(1).max(60),
  urgency: z.enum(['normal', 'urgent', '*']),
  stage: Stage,
  amount: z.number().int().min(1).max(100000),
  unit: LimitUnitSchema,
});
export type CaseLimit = z.infer<typeof CaseLimit>;
export const CaseLimitRow = CaseLimit.extend({ id: z.number() });

// —— indicators ——

export const IndicatorQuery = z.strictObject({
  areaId: Id.optional(),
  type: CaseType.optional(),
  from: z.iso.date(),
  to: z.iso.date(),
});
export const Figure = z.object({
  key: z.string(),
  name: z.string(),
  value: z.number().nullable(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  unit: z.enum(['rate', 'count', 'hours', 'score']),
});
export type Figure = z.infer<typeof Figure>;
export const IndicatorResult = z.object({
  areaId: z.number(),
  areaName: z.string(),
  from: z.string(),
  to: z.string(),
  figures: z.array(Figure),
  byState: z.array(z.object({ state: CaseState, count: z.number() })),
  byCategory: z.array(z.object({ category: z.string(), name: z.string(), count: z.number() })),
});

// —— Open311 keys ——

export const Open311Key = z.object({
  id: z.number(),
  name: z.string(),
  tail: z.string(),
  areaId: z.number(),
  areaName: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export const Open311KeyCreate = z.strictObject({
  name: z.string().trim().min(2).max(60),
  /** The area the key reports into: requests without a location are filed here; a point must fall in one of its grids. */
  areaId: Id,
});
export const Open311KeyCreated = Open311Key.extend({ key: z.string() });

// —— labels shared by server (notifications, errors) and web ——

export const STATE_LABELS: Record<CaseState, { zh: string; en: string }> = {
  reported: { zh: '待受理', en: 'To accept' },
  accepted: { zh: '待派遣', en: 'To dispatch' },
  dispatched: { zh: '待签收', en: 'To sign for' },
  handling: { zh: '处置中', en: 'Handling' },
  feedback: { zh: '待核查', en: 'To verify' },
  closed: { zh: '已结案', en: 'Closed' },
  rejected: { zh: '不予受理', en: 'Rejected' },
  pending: { zh: '挂账', en: 'Pending list' },
};

export const ACTION_LABELS: Record<TimelineKind, { zh: string; en: string }> = {
  report: { zh: '上报', en: 'Reported' },
  accept: { zh: '受理', en: 'Accept' },
  reject: { zh: '不予受理', en: 'Reject' },
  dispatch: { zh: '派遣', en: 'Dispatch' },
  sign: { zh: '签收', en: 'Sign for' },
  return: { zh: '退回', en: 'Return' },
  feedback: { zh: '处置反馈', en: 'Report back' },
  verify: { zh: '核查', en: 'Verify' },
  rate: { zh: '评价', en: 'Rate' },
  extend_request: { zh: '申请延期', en: 'Request extension' },
  extend_decide: { zh: '审批延期', en: 'Decide extension' },
  suspend: { zh: '挂账', en: 'Put on pending list' },
  resume: { zh: '恢复办理', en: 'Resume' },
  supervise: { zh: '督办', en: 'Supervise' },
  remind: { zh: '催办', en: 'Remind' },
  reopen: { zh: '重新办理', en: 'Reopen' },
  comment: { zh: '备注', en: 'Comment' },
  mediate: { zh: '调解记录', en: 'Mediation session' },
  conclude: { zh: '调解结果', en: 'Conclude mediation' },
  follow_up: { zh: '回访', en: 'Follow-up visit' },
  set_public: { zh: '对外公开设置', en: 'Public or not' },
  escalate: { zh: '超时预警', en: 'Deadline warning' },
  merge: { zh: '合并重复件', en: 'Merged duplicate' },
  reassign: { zh: '移交', en: 'Handed over' },
};
