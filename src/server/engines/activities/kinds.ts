import { type ColumnType, type Generated, sql } from 'kysely';
import type { Conn, Tx } from '../../platform/db/index.js';
import type { ErrorCode } from '../../platform/errors/catalogue.js';
import type { ModuleManifest } from '../../platform/module.js';
import type { Ctx, Services } from '../../platform/services.js';

/**
 * The activities engine (issue 19, docs/activities.md): a module declares its kinds of activity
 * (`activityKinds` in its manifest) — who may take part and what happens when the organiser
 * confirms hours — and the engine does sign-up, waitlist, check-in/out, minutes and figures.
 */

/** Who is signing up, as the declaring module knows them (a volunteer, a party member …). */
export interface Participant {
  name: string;
  /** YYYY-MM-DD, from the registry; null when unknown (then a minimum age cannot be met). */
  birthDate: string | null;
  guardianConsent: boolean;
  /** Trainings the person has (matched against an activity's `trainingRequired`). */
  trainings: string[];
}

/** A confirmed roll entry, as the confirmation hook gets it. */
export interface ConfirmedRecord {
  signupId: number;
  activityId: number;
  userId: number;
  creditedMinutes: number;
  startsAt: Date;
}

export interface ActivityKindDef {
  /** Stored in `activities.kind`; unique over all modules. */
  code: string;
  zh: string;
  en: string;
  /**
   * Who may sign up: the person's profile, or an error code when they may not (not a registered
   * volunteer …). Without it anyone holding `activity.join` may, by their account's name.
   */
  participant?: (conn: Conn, s: Services, userId: number) => Promise<Participant | ErrorCode>;
  /** Hours confirmed by the organiser: run in the confirming transaction (volunteer hours …). */
  onConfirm?: (trx: Tx, s: Services, records: ConfirmedRecord[]) => Promise<void>;
  /** Credited minutes are rounded down to this unit (⚠ no national rule: default 1, exact). */
  roundMinutes?: number;
}

/**
 * Rooms an activity may book (the venues module declares it): the engine books the room in the
 * activity's own transaction, so an activity and its booking are written together or not at all.
 */
export interface ActivityRoomBooker {
  /** Books the room for the activity (throws a coded error when taken or not allowed); returns the room's name. */
  book(
    trx: Tx,
    s: Services,
    ctx: Ctx,
    r: { roomId: number; activityId: number; title: string; startsAt: Date; endsAt: Date; capacity: number },
  ): Promise<{ placeName: string }>;
}

declare module '../../platform/module.js' {
  interface ModuleManifest {
    /** The kinds of activity this module declares; the activities engine serves them. */
    activityKinds?: ActivityKindDef[];
    /** Rooms activities may book (at most one module declares it: venues). */
    activityRooms?: ActivityRoomBooker;
  }
}

const CODE = /^[a-z][a-z0-9_]{1,23}$/;

/** The kinds every loaded module declared, checked at start: a bad or duplicate code refuses to start. */
export class ActivityKindRegistry {
  private readonly byCode = new Map<string, ActivityKindDef & { module: string }>();
  constructor(
    declared: { module: string; def: ActivityKindDef }[],
    /** Who books rooms for activities; absent without the venues module (then no room can be named). */
    readonly rooms?: ActivityRoomBooker,
  ) {
    for (const { module, def } of declared) {
      if (!CODE.test(def.code))
        throw new Error(`module ${module} declares activity kind with bad code "${def.code}"`);
      if (this.byCode.has(def.code)) throw new Error(`activity kind ${def.code} declared twice`);
      this.byCode.set(def.code, { ...def, module });
    }
  }
  get codes(): string[] {
    return [...this.byCode.keys()];
  }
  find(code: string): (ActivityKindDef & { module: string }) | undefined {
    return this.byCode.get(code);
  }
  def(code: string): ActivityKindDef & { module: string } {
    const d = this.byCode.get(code);
    if (!d) throw new Error(`unknown activity kind ${code}`);
    return d;
  }
  /** Refuses to start on activities of a kind no loaded module declares. */
  async checkStored(db: Conn): Promise<void> {
    const t = await sql<{ t: string | null }>`SELECT to_regclass('activities')::text AS t`.execute(db);
    if (!t.rows[0]?.t) return;
    const rows = await db.selectFrom('activities').select('kind').distinct().execute();
    const unknown = rows.map((r) => r.kind).filter((k) => !this.byCode.has(k));
    if (unknown.length)
      throw new Error(`the database holds activities of kinds no module declares: ${unknown.join(', ')}`);
  }
}

export function collectActivityKinds(modules: ModuleManifest[]): ActivityKindRegistry {
  const rooms = modules.filter((m) => m.activityRooms);
  if (rooms.length > 1)
    throw new Error(`activity rooms declared twice: ${rooms.map((m) => m.name).join(', ')}`);
  return new ActivityKindRegistry(
    modules.flatMap((m) => (m.activityKinds ?? []).map((def) => ({ module: m.name, def }))),
    rooms[0]?.activityRooms,
  );
}

const registries = new WeakMap<Services, ActivityKindRegistry>();

/** Sets the kinds of a running app (the activities module's onStart, from boot's module list). */
export function registerActivityKinds(s: Services, r: ActivityKindRegistry): void {
  registries.set(s, r);
}

export function activityKindsOf(s: Services): ActivityKindRegistry {
  const r = registries.get(s);
  if (!r) throw new Error('activity kinds are not registered');
  return r;
}

// —— the engine's tables (declared here, beside the engine, by merging into the schema) ——

type Opt<T> = ColumnType<T, T | undefined, T>;
type Ts = ColumnType<Date, Date | string, Date | string>;
type TsNull = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface ActivitiesTable {
  id: Generated<number>;
  kind: string;
  module: string;
  areaId: number;
  areaPath: string;
  ownerKind: string;
  ownerId: number | null;
  ownerName: string;
  title: string;
  description: Opt<string>;
  placeName: string;
  lat: number | null;
  lng: number | null;
  startsAt: Ts;
  endsAt: Ts;
  signupDeadline: Ts;
  capacity: number;
  reserved: Opt<number>;
  minAge: Opt<number>;
  guardianConsent: Opt<boolean>;
  trainingRequired: string | null;
  risky: Opt<boolean>;
  insurancePolicy: string | null;
  riskText: string | null;
  status: Opt<string>;
  qrSecret: string;
  remindedAt: TsNull;
  createdBy: number | null;
  version: Opt<number>;
  createdAt: ColumnType<Date, Date | string | undefined, never>;
  updatedAt: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ActivitySignupsTable {
  id: Generated<number>;
  activityId: number;
  userId: number;
  name: string;
  status: string;
  reserved: Opt<boolean>;
  signedUpAt: Ts;
  waitlistedAt: TsNull;
  checkedInAt: TsNull;
  checkedOutAt: TsNull;
  checkMethod: string | null;
  checkinWindow: number | null;
  flag: string | null;
  rawMinutes: number | null;
  creditedMinutes: number | null;
  hoursStatus: Opt<string>;
  confirmedBy: number | null;
  confirmedAt: TsNull;
  version: Opt<number>;
}

declare module '../../platform/db/schema.js' {
  interface DB {
    activities: ActivitiesTable;
    activitySignups: ActivitySignupsTable;
  }
}
