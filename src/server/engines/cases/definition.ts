import type { Selectable } from 'kysely';
import type { z } from 'zod';
import type { Category, Limit } from '../../../contract/case-codes.js';
import type { CaseAction, CaseState, CaseTransition, CaseType, Stage } from '../../../contract/cases.js';
import type { CasesTable } from '../../platform/db/schema.js';
import type { WorkCalendar } from '../calendar/calendar.js';

export type CaseRow = Selectable<CasesTable>;

/** How the actor stands to a case. `supervisor`: holds `<type>.supervise` over the case's area. */
export type Relation = 'reporter' | 'owner' | 'assignee' | 'supervisor';

/** The per-type permissions a case type defines: `<type>.<suffix>`. */
export const PERMISSION_SUFFIXES = ['read', 'report', 'accept', 'verify', 'supervise'] as const;
export type PermSuffix = (typeof PERMISSION_SUFFIXES)[number];

/**
 * Who may take an action: any rule matching is enough. A rule with both a permission and a
 * relation needs both (e.g. the reporter who also holds `verify`).
 */
export interface Rule {
  perm?: PermSuffix;
  relation?: Relation;
}

/** A reason an action cannot be taken now, in both languages. */
export interface Refusal {
  zh: string;
  en: string;
  /**
   * Show the action as a disabled button with this reason (separation of duties: the person holds
   * the right but may not use it on this case), rather than hiding it.
   */
  shown?: boolean;
}

export interface ActionDef {
  /** States the action may start from. */
  from: readonly CaseState[];
  /** The state after; 'same' for actions that record something without moving the case. */
  to: CaseState | 'same';
  who: readonly Rule[];
  /** A further condition on the case (e.g. only one pending extension). */
  guard?: (c: CaseRow, now: Date) => Refusal | null;
  /**
   * A case of another type this action opens with it, in the same statement (a 差评 rating opens
   * a rectification case): filed in the same area, owned by the same owner (谁办理谁负责), its
   * deadlines from its own type. Null: none.
   */
  raises?: (c: CaseRow, input: CaseTransition) => Raised | null;
}

/** What an action raises: a new case of a declared type. */
export interface Raised {
  type: string;
  category: string;
  title: string;
  description: string;
  detail: Record<string, unknown>;
}

export interface StageDefaults {
  accept: { normal: Limit; urgent: Limit };
  dispatch: { normal: Limit; urgent: Limit };
  sign: { normal: Limit; urgent: Limit };
  verify: { normal: Limit; urgent: Limit };
}

/**
 * A GeoReport attribute of a type offered through Open311 (urgency is offered for every type):
 * its values go to the case's `detail[detail]`.
 */
export interface Open311Attribute {
  code: string;
  /** The detail field it fills. */
  detail: string;
  description: string;
  values: { key: string; name: string }[];
}

/**
 * A case type, declared in a module's manifest (`caseTypes`, docs/modules.md): its categories with
 * their handling limits, the actions it allows and who may take them, the stage limits, its
 * create body, and whether its records are sensitive. The engine does the rest: validation, one
 * transaction with timeline and audit, deadlines on the working-day calendar, the sweep,
 * notifications, indicators. Codes and prefixes are checked at start (engines/cases/registry.ts).
 */
export interface CaseTypeDef {
  code: CaseType;
  /** Case number prefix: SJ 事件, JF 纠纷, SQ 诉求. */
  prefix: string;
  zh: string;
  en: string;
  /** The English plural in a sentence ("View grid events"): permission labels. */
  many: string;
  /** Records are sensitive (`<code>.read` is a sensitive permission): disputes. */
  sensitive?: boolean;
  /**
   * The body that reports a case of the type: `caseCreateSchema(code, detail, extra)` from the
   * contract (the common fields, its `detail`, fields of its own such as a dispute's parties).
   */
  input: z.ZodType<{ type: string; detail?: unknown }>;
  /** Offered through Open311 (GeoReport v2) with these attributes; absent: never offered. */
  open311?: { attributes: Open311Attribute[] };
  categories: Category[];
  actions: Partial<Record<CaseAction, ActionDef>>;
  stages: StageDefaults;
  /**
   * The case's own handling deadline (办理时限 of the case rather than of its category), e.g. a
   * service application's promised date, from its `detail` and the instant its clock starts: at
   * creation (`from` = reported), and again when the case comes back from `pending` (`resume`:
   * the full limit restarts from `from`, not the remainder). It becomes the case's `due_at`, so
   * the sweep, red cards, overdue lists and on-time figures use it. Absent or null: the
   * category's handling limit (`case_limits` overrides included). A case limit override for the
   * type's handle stage does not apply to cases that set their own.
   */
  ownDue?: (c: { detail: unknown; from: Date }, calendar: WorkCalendar) => Date | null;
  /**
   * The latest a case of the type may be due (a service application's legal limit, 法定时限),
   * counted from where its own deadline was last counted from (`clock_from`): an extension that
   * would end after it is refused on `amount`, at the request and at the decision. Absent or
   * null: no ceiling.
   */
  latestDue?: (c: { detail: unknown; from: Date }, calendar: WorkCalendar) => Date | null;
  /**
   * The type's own words for engine states and actions, shown by the case pages in place of the
   * common ones (a service application's `pending` is 待补正, its `suspend` 告知补正).
   */
  words?: Partial<Record<CaseState | CaseAction, { zh: string; en: string }>>;
  /** Days after closing within which the case may be reopened. */
  reopenDays: number;
  /** Indicator keys this type reports (engine/indicators.ts). */
  indicators: readonly string[];
  /**
   * May its cases be shown outside the app (Open311, the big screen; docs/cases.md "Public or
   * not")? 'public': yes unless marked otherwise; 'never': not even when asked (no `set_public`).
   */
  publicity: 'public' | 'never';
}

export const perm = (type: CaseType, suffix: PermSuffix) => `${type}.${suffix}`;

/** The stage a state waits on, if any. */
export function stageOf(state: CaseState): Stage | null {
  switch (state) {
    case 'reported':
      return 'accept';
    case 'accepted':
      return 'dispatch';
    case 'dispatched':
      return 'sign';
    case 'handling':
      return 'handle';
    case 'feedback':
      return 'verify';
    default:
      return null;
  }
}

const refuse = (zh: string, en: string): Refusal => ({ zh, en });

/**
 * The common flow after the national digital urban-management model (STANDARDS.md): report →
 * accept (or reject) → dispatch → sign (or return) → handle → feedback → verify (pass: close;
 * fail: back to handling, rework) → rate; with extension, suspension (挂账), supervision,
 * reminders and reopening. Case types take it as it is or adjust it.
 */
export function commonFlow(reopenDays: number): Partial<Record<CaseAction, ActionDef>> {
  const OPEN: CaseState[] = ['reported', 'accepted', 'dispatched', 'handling', 'feedback', 'pending'];
  return {
    accept: { from: ['reported'], to: 'accepted', who: [{ perm: 'accept' }] },
    reject: { from: ['reported', 'accepted'], to: 'rejected', who: [{ perm: 'accept' }] },
    dispatch: { from: ['accepted'], to: 'dispatched', who: [{ perm: 'accept' }] },
    sign: { from: ['dispatched'], to: 'handling', who: [{ relation: 'assignee' }] },
    return: { from: ['dispatched', 'handling'], to: 'accepted', who: [{ relation: 'assignee' }] },
    feedback: { from: ['handling'], to: 'feedback', who: [{ relation: 'assignee' }] },
    verify: {
      from: ['feedback'],
      to: 'same', // decided by `passed`
      who: [{ perm: 'verify' }, { perm: 'supervise' }],
    },
    rate: {
      from: ['closed'],
      to: 'same',
      who: [{ relation: 'reporter' }, { perm: 'verify' }],
      guard: (c) => (c.rating !== null ? refuse('该件已评价', 'This case has been rated already') : null),
    },
    extend_request: {
      from: ['handling'],
      to: 'same',
      who: [{ relation: 'assignee' }],
      guard: (c) =>
        c.pendingExtension
          ? refuse('已有一个延期申请待审批', 'An extension request is already waiting for a decision')
          : null,
    },
    extend_decide: {
      from: ['handling', 'feedback'],
      to: 'same',
      who: [{ perm: 'supervise' }],
      guard: (c) =>
        c.pendingExtension ? null : refuse('没有待审批的延期申请', 'There is no extension request'),
    },
    suspend: {
      from: ['handling'],
      to: 'pending',
      who: [{ perm: 'supervise' }],
      guard: (c) =>
        c.extensionCount > 0
          ? null
          : refuse('挂账前须先批准过延期', 'Only a case already extended can be put on the pending list'),
    },
    resume: { from: ['pending'], to: 'handling', who: [{ perm: 'supervise' }] },
    supervise: {
      from: OPEN,
      to: 'same',
      who: [{ perm: 'supervise' }],
      guard: (c) =>
        c.supervisionLevel >= 3 ? refuse('督办已到最高级别', 'Supervision is at its highest level') : null,
    },
    remind: {
      from: OPEN,
      to: 'same',
      who: [{ perm: 'supervise' }, { relation: 'reporter' }, { relation: 'owner' }],
    },
    reopen: {
      from: ['closed'],
      to: 'handling',
      who: [{ perm: 'supervise' }, { relation: 'reporter' }],
      guard: (c, now) =>
        c.closedAt && now.getTime() - c.closedAt.getTime() <= reopenDays * 86_400_000
          ? null
          : refuse(`结案超过 ${reopenDays} 天，不能重新办理`, `Closed more than ${reopenDays} days ago`),
    },
    comment: {
      from: [...OPEN, 'closed'],
      to: 'same',
      who: [
        { perm: 'accept' },
        { perm: 'supervise' },
        { relation: 'reporter' },
        { relation: 'assignee' },
        { relation: 'owner' },
      ],
    },
    // 对外公开: the handling staff decide, in any state (a closed case stays listed by Open311).
    set_public: {
      from: [...OPEN, 'closed', 'rejected'],
      to: 'same',
      who: [{ perm: 'accept' }, { perm: 'supervise' }, { relation: 'owner' }],
    },
  };
}
