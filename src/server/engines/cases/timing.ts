import { handleLimitOf, type Limit } from '../../../contract/case-codes.js';
import type { CaseLimit, CaseState, Stage } from '../../../contract/cases.js';
import type { Conn, Db } from '../../platform/db/index.js';
import type { WorkCalendar } from '../calendar/calendar.js';
import { type CalendarSnapshot, CalendarStore, overrideFor } from '../calendar/store.js';
import { type CaseRow, type CaseTypeDef, stageOf } from './definition.js';

/** Fallback when a category has no handling limit of its own or its group's. */
const DEFAULT_HANDLE: Limit = { amount: 5, unit: 'wday' };
/** After the red card, the case goes one more level up when this much more time passes (公示). */
export const ESCALATE_AFTER: Limit = { amount: 5, unit: 'wday' };

/**
 * Time limits of a case: the code's defaults (per type, stage, category and urgency) under the
 * administrator's overrides, counted on the working-day calendar.
 */
export class Timing {
  constructor(
    readonly calendar: WorkCalendar,
    private readonly overrides: CaseLimit[],
  ) {}

  limit(def: CaseTypeDef, category: string, urgency: 'normal' | 'urgent', stage: Stage): Limit {
    const group = def.categories.find((c) => c.code === category)?.parent ?? null;
    const o = overrideFor(this.overrides, { type: def.code, category, group, urgency, stage });
    if (o) return o;
    if (stage === 'handle') return handleLimitOf(def.categories, category) ?? DEFAULT_HANDLE;
    return def.stages[stage][urgency];
  }

  /** Deadlines fixed at report: acceptance, and the overall deadline (accept + dispatch + handle). */
  plan(
    def: CaseTypeDef,
    c: { category: string; urgency: 'normal' | 'urgent'; reportedAt: Date; detail?: unknown },
  ) {
    const L = (s: Stage) => this.limit(def, c.category, c.urgency, s);
    let acceptDueAt = this.calendar.add(c.reportedAt, L('accept'));
    const own = def.ownDue?.({ detail: c.detail ?? {}, from: c.reportedAt }, this.calendar) ?? null;
    if (own) {
      // The case's own deadline; acceptance is never due after it (a 即办件 is due today).
      if (own.getTime() < acceptDueAt.getTime()) acceptDueAt = own;
      return { acceptDueAt, dueAt: own, clockFrom: c.reportedAt as Date | null };
    }
    const dueAt = this.calendar.add(this.calendar.add(acceptDueAt, L('dispatch')), L('handle'));
    return { acceptDueAt, dueAt, clockFrom: null as Date | null };
  }

  /** The legal ceiling of the case's deadline (`CaseTypeDef.latestDue`), or null. */
  latest(def: CaseTypeDef, c: Pick<CaseRow, 'detail' | 'clockFrom'>): Date | null {
    if (!def.latestDue || !c.clockFrom) return null;
    return def.latestDue({ detail: c.detail ?? {}, from: c.clockFrom }, this.calendar);
  }

  /** A fresh handling deadline from `from`: the case's own (full restart) or its category's limit. */
  restart(def: CaseTypeDef, c: Pick<CaseRow, 'category' | 'urgency' | 'detail'>, from: Date): Date {
    const own = def.ownDue?.({ detail: c.detail ?? {}, from }, this.calendar) ?? null;
    return (
      own ?? this.calendar.add(from, this.limit(def, c.category, c.urgency as 'normal' | 'urgent', 'handle'))
    );
  }

  /** The deadline of the stage a case enters at `start` in `state` (null: no clock runs). */
  stageDue(
    def: CaseTypeDef,
    c: Pick<CaseRow, 'category' | 'urgency' | 'dueAt' | 'acceptDueAt'>,
    state: CaseState,
    start: Date,
  ): Date | null {
    const stage = stageOf(state);
    if (!stage) return null;
    if (stage === 'accept') return c.acceptDueAt;
    if (stage === 'handle') return c.dueAt;
    return this.calendar.add(start, this.limit(def, c.category, c.urgency as 'normal' | 'urgent', stage));
  }
}

/**
 * Supervision levels of a running stage: 1 (yellow) when 80% of the stage's time is used, 2
 * (red) at the deadline, 3 when the handling stage is ESCALATE_AFTER past it.
 */
export function slaThresholds(cal: WorkCalendar, state: CaseState, start: Date, due: Date): Date[] {
  const span = Math.max(0, due.getTime() - start.getTime());
  // 80% of the stage's working time (not of the wall-clock span, which puts the yellow card in the
  // night, or days early before a holiday); wall-clock only for a stage with no office time in it.
  const worked = cal.workingMinutesBetween(start, due);
  const yellow =
    worked > 0
      ? cal.add(start, { amount: Math.floor(worked * 0.8), unit: 'wmin' })
      : new Date(start.getTime() + Math.floor(span * 0.8));
  const t = [yellow, due];
  if (stageOf(state) === 'handle') t.push(cal.add(due, ESCALATE_AFTER));
  return t;
}

export function levelAt(thresholds: Date[], now: Date): number {
  let level = 0;
  for (const t of thresholds) if (now.getTime() >= t.getTime()) level++;
  return level;
}

export function nextAt(thresholds: Date[], level: number): Date | null {
  return thresholds[level] ?? null;
}

/**
 * The case time limits over the calendar engine's snapshot (calendar, office hours, overrides),
 * cached with it; edits clear the cache (`invalidate`).
 */
export class TimingStore {
  readonly store: CalendarStore;
  private readonly made = new WeakMap<CalendarSnapshot, Timing>();
  constructor(source: Db | CalendarStore, ttlMs = 30_000) {
    this.store = source instanceof CalendarStore ? source : new CalendarStore(source, ttlMs);
  }

  async get(conn?: Conn): Promise<Timing> {
    const snap = await this.store.get(conn);
    let timing = this.made.get(snap);
    if (!timing) {
      timing = new Timing(snap.calendar, snap.limits);
      this.made.set(snap, timing);
    }
    return timing;
  }

  invalidate() {
    this.store.invalidate();
  }
}
