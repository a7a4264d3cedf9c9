import { z } from 'zod';
import { Id, ListQuery, msg } from './common.js';
import { TAG_CODES } from './tags.js';

/**
 * Visits (走访) and patrols (巡查), DOMAIN §4 "Visits": rules derive a visit plan per person
 * from their tags; grid workers record visits and patrols on a phone; findings become cases.
 */

export const INTERVAL_UNITS = ['week', 'month', 'quarter', 'wday'] as const;
export const IntervalUnit = z.enum(INTERVAL_UNITS);
export type IntervalUnit = z.infer<typeof IntervalUnit>;

/** One field of a rule's visit form. */
export const FormField = z.strictObject({
  key: z
    .string()
    .regex(
      /^[a-z][a-z0-9_]{0,29}$/,
      msg('字段键只能用小写字母、数字和下划线', 'Field keys: lower-case letters, digits, _'),
    ),
  label: z.string().trim().min(1).max(40),
  kind: z.enum(['text', 'choice', 'yesno']),
  options: z.array(z.string().trim().min(1).max(20)).max(10).optional(),
  required: z.boolean().default(false),
});
export type FormField = z.infer<typeof FormField>;

const tagCode = z.enum(TAG_CODES as [string, ...string[]]);

export const VisitRuleInput = z.strictObject({
  name: z.string().trim().min(2).max(40),
  /** The community (or street) whose people the rule covers. */
  areaId: Id,
  /** Every tag listed must be on the person (e.g. 空巢 and …). */
  tags: z.array(tagCode).min(1).max(4),
  minAge: z.number().int().min(0).max(120).optional(),
  intervalCount: z.number().int().min(1).max(60),
  intervalUnit: IntervalUnit,
  /** 四个必访 and the like: never-visited people are reported. */
  mustVisit: z.boolean().default(false),
  /** grid_worker: the worker of the person's grid; pair: the person's paired cadre or party member. */
  visitor: z.enum(['grid_worker', 'pair']).default('grid_worker'),
  form: z.array(FormField).max(12).default([]),
  active: z.boolean().default(true),
});
export type VisitRuleInput = z.infer<typeof VisitRuleInput>;

export const VisitRule = VisitRuleInput.extend({
  id: z.number(),
  areaName: z.string(),
  minAge: z.number().nullable(),
  planCount: z.number(),
  version: z.number(),
  abilities: z.array(z.string()),
});
export type VisitRule = z.infer<typeof VisitRule>;

/** 结对帮扶 / 包联: a person paired with a cadre or party member who visits them. */
export const PairInput = z.strictObject({
  personId: Id,
  userId: Id,
  note: z.string().trim().max(100).optional(),
});
export const Pair = z.object({
  id: z.number(),
  personId: z.number(),
  personName: z.string(),
  userId: z.number(),
  userName: z.string(),
  note: z.string().nullable(),
});

/** A visit due for a person under a rule (one row of "my day"). */
export const PlanItem = z.object({
  planId: z.number(),
  personId: z.number(),
  personName: z.string(),
  age: z.number().nullable(),
  address: z.string(),
  houseId: z.number(),
  tags: z.array(z.string()),
  ruleId: z.number(),
  ruleName: z.string(),
  mustVisit: z.boolean(),
  dueOn: z.string(),
  /** Days past due (negative: due in that many days). */
  overdueDays: z.number(),
  lastVisitOn: z.string().nullable(),
  visitor: z.object({ id: z.number(), name: z.string() }).nullable(),
  /** The rule's questions, so a visitor without access to the rules can fill them in. */
  form: z.array(FormField),
});
export type PlanItem = z.infer<typeof PlanItem>;

export const MyDayQuery = z.strictObject({
  /** Include visits due within this many days (default 7). */
  horizon: z.coerce.number().int().min(0).max(90).default(7),
  areaId: Id.optional(),
  q: z.string().trim().max(40).optional(),
});
export const MyDay = z.object({
  today: z.string(),
  overdue: z.number(),
  dueToday: z.number(),
  upcoming: z.number(),
  items: z.array(PlanItem),
  openPatrol: z.object({ id: z.number(), startedAt: z.string(), areaName: z.string() }).nullable(),
});

export const VisitCreate = z.strictObject({
  personId: Id,
  ruleId: Id.optional(),
  /** When the visit happened (an offline visit is sent later); default now. */
  visitedAt: z.iso.datetime({ offset: true }).optional(),
  method: z.enum(['home', 'phone', 'elsewhere']).default('home'),
  met: z.string().trim().min(1).max(100),
  findings: z.string().trim().max(2000).default(''),
  form: z.record(z.string(), z.union([z.string().max(500), z.boolean()])).default({}),
  attachmentIds: z.array(Id).max(9).optional(),
  location: z
    .strictObject({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) })
    .optional(),
});
export type VisitCreate = z.infer<typeof VisitCreate>;

export const Visit = z.object({
  id: z.number(),
  personId: z.number(),
  personName: z.string(),
  ruleId: z.number().nullable(),
  ruleName: z.string().nullable(),
  visitor: z.object({ id: z.number(), name: z.string() }),
  visitedAt: z.string(),
  method: z.string(),
  met: z.string(),
  findings: z.string(),
  form: z.record(z.string(), z.unknown()),
  formFields: z.array(FormField),
  attachments: z.array(
    z.object({ id: z.number(), name: z.string(), mime: z.string(), size: z.number(), url: z.string() }),
  ),
  location: z.object({ lat: z.number(), lng: z.number() }).nullable(),
  cases: z.array(z.object({ id: z.number(), no: z.string(), title: z.string(), state: z.string() })),
});
export type Visit = z.infer<typeof Visit>;

/** What the visits log sorts by (`-field`: descending); anything else is a 400. */
export const VisitSort = z.enum(['visitedAt', '-visitedAt', 'personName', '-personName']);
export const VisitListQuery = ListQuery.extend({
  sort: VisitSort.optional(),
  personId: Id.optional(),
  ruleId: Id.optional(),
  areaId: Id.optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});

// —— patrols ——

export const PatrolStart = z.strictObject({ areaId: Id });
export const PatrolPoints = z.strictObject({
  points: z
    .array(
      z.strictObject({
        lat: z.number().min(-90).max(90),
        lng: z.number().min(-180).max(180),
        at: z.iso.datetime({ offset: true }),
      }),
    )
    .min(1)
    .max(500),
});
export const PatrolFinish = z.strictObject({ note: z.string().trim().max(1000).optional() });
export const Patrol = z.object({
  id: z.number(),
  areaId: z.number(),
  areaName: z.string(),
  user: z.object({ id: z.number(), name: z.string() }),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  minutes: z.number(),
  distanceM: z.number(),
  /** Positions in time order, each [lat, lng]. */
  route: z.array(z.tuple([z.number(), z.number()])),
  note: z.string().nullable(),
  cases: z.array(z.object({ id: z.number(), no: z.string(), title: z.string(), state: z.string() })),
  abilities: z.array(z.string()),
});
/** What the patrol log sorts by (`-field`: descending); anything else is a 400. */
export const PatrolSort = z.enum([
  'startedAt',
  '-startedAt',
  'minutes',
  '-minutes',
  'distanceM',
  '-distanceM',
]);
export const PatrolListQuery = ListQuery.extend({
  sort: PatrolSort.optional(),
  areaId: Id.optional(),
  mine: z.enum(['true', 'false']).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});

// —— supervision ——

export const VisitStatsQuery = z.strictObject({
  areaId: Id.optional(),
  from: z.iso.date(),
  to: z.iso.date(),
});
export const VisitStatsRow = z.object({
  areaId: z.number(),
  areaName: z.string(),
  workerNames: z.array(z.string()),
  plans: z.number(),
  due: z.number(),
  doneOnTime: z.number(),
  doneLate: z.number(),
  overdue: z.number(),
  neverVisited: z.number(),
  visits: z.number(),
  patrols: z.number(),
  patrolDays: z.number(),
  patrolMinutes: z.number(),
});
export const VisitStats = z.object({
  from: z.string(),
  to: z.string(),
  days: z.number(),
  rows: z.array(VisitStatsRow),
});
