import type { Limit } from '../../../contract/case-codes.js';
import type { CaseLimit, OfficeHours, Stage } from '../../../contract/cases.js';
import type { Conn, Db } from '../../platform/db/index.js';
import type { Services } from '../../platform/services.js';
import { DEFAULT_PERIODS, WorkCalendar } from './calendar.js';
import { CN_CALENDAR } from './calendar-cn.js';

/**
 * What the calendar engine reads from the database: the working-day calendar (`work_calendar`,
 * the exceptions to the weekend rule), the office hours (setting `cases.officeHours`) and the
 * administrator's time limits (`case_limits`). The tables stay where the cases migration made
 * them; the engine only reads them, and `/settings/calendar` edits them.
 */
export interface CalendarSnapshot {
  calendar: WorkCalendar;
  /** Overrides of the declared limits, per case type, category or group or '*', urgency or '*'. */
  limits: CaseLimit[];
}

/** Calendar, office hours and limits from the database, cached; edits clear the cache (`invalidate`). */
export class CalendarStore {
  private cached: { snapshot: CalendarSnapshot; at: number } | null = null;
  constructor(
    private readonly db: Db,
    private readonly ttlMs = 30_000,
  ) {}

  async get(conn: Conn = this.db): Promise<CalendarSnapshot> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.snapshot;
    const [days, hours, limits] = await Promise.all([
      conn.selectFrom('workCalendar').select(['day', 'kind']).execute(),
      conn.selectFrom('settings').select('value').where('key', '=', 'cases.officeHours').executeTakeFirst(),
      conn.selectFrom('caseLimits').selectAll().execute(),
    ]);
    const periods = (hours?.value as OfficeHours | undefined)?.periods ?? DEFAULT_PERIODS;
    const calendar = new WorkCalendar({
      holidays: days.filter((d) => d.kind === 'holiday').map((d) => d.day),
      workdays: days.filter((d) => d.kind === 'workday').map((d) => d.day),
      periods,
    });
    const snapshot = {
      calendar,
      limits: limits.map((o) => ({ ...o, unit: o.unit as Limit['unit'] }) as CaseLimit),
    };
    this.cached = { snapshot, at: Date.now() };
    return snapshot;
  }

  invalidate() {
    this.cached = null;
  }
}

const stores = new WeakMap<Services, CalendarStore>();

/** One calendar cache per running app, shared by every module (its edits clear it at once). */
export function calendarFor(s: Services): CalendarStore {
  let t = stores.get(s);
  if (!t) {
    t = new CalendarStore(s.db);
    stores.set(s, t);
  }
  return t;
}

/**
 * The administrator's limit for a stage of a case, if any: the most specific override first
 * (category, then its group, then '*'; exact urgency before '*').
 */
export function overrideFor(
  limits: readonly CaseLimit[],
  q: { type: string; category: string; group: string | null; urgency: 'normal' | 'urgent'; stage: Stage },
): Limit | null {
  for (const cat of [q.category, q.group, '*']) {
    if (!cat) continue;
    for (const urg of [q.urgency, '*']) {
      const o = limits.find(
        (x) => x.type === q.type && x.category === cat && x.urgency === urg && x.stage === q.stage,
      );
      if (o) return { amount: o.amount, unit: o.unit };
    }
  }
  return null;
}

/**
 * Seeds the statutory calendar years the code knows (calendar-cn.ts) that the database lacks;
 * years already there, and administrators' edits, are kept. Run at every start.
 */
export async function seedCalendarYears(db: Db): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const have = new Set((await trx.selectFrom('calendarYears').select('year').execute()).map((r) => r.year));
    for (const y of CN_CALENDAR) {
      if (have.has(y.year)) continue;
      await trx
        .insertInto('calendarYears')
        .values({ year: y.year, status: y.status, source: y.source })
        .execute();
      await trx
        .insertInto('workCalendar')
        .values(y.days.map((d) => ({ day: d.date, kind: d.kind, name: d.name })))
        .onConflict((oc) => oc.column('day').doNothing())
        .execute();
    }
  });
}
