import { sql } from 'kysely';
import type { CaseState, TimelineKind } from '../../../contract/cases.js';
import { chinaDate } from '../../engines/calendar/calendar.js';
import type { CaseTypeDef } from '../../engines/cases/definition.js';
import { notice } from '../../engines/cases/notify.js';
import { LEVEL_TEXT } from '../../engines/cases/sweep.js';
import { nextAt, slaThresholds, type Timing } from '../../engines/cases/timing.js';
import { timingsFor } from '../../engines/cases/timings.js';
import { writeAudit } from '../../platform/audit/audit.js';
import {
  DEMO,
  type DemoRng,
  demoHistoryStart,
  demoInsert,
  demoRng,
  withoutRowChecks,
} from '../../platform/demo.js';
import type { Services } from '../../platform/services.js';
import {
  AGREEMENTS,
  DISPUTE_SEED,
  EVENT_SEED,
  type HandlerKind,
  MEDIATION_NOTES,
  REFERRED_TO,
  REQUEST_SEED,
  type SeedCategory,
  SURNAMES,
} from './cases.content.js';
import { CASE_TYPE_DEFS } from './types/index.js';

/**
 * The demo street's cases in every community since January of last year (`demoHistoryStart`: a
 * year ending today, and last year to compare this year with; demo mode, first start), in bulk:
 * each case's life is played out here on the working calendar and the type's time limits, as the
 * engine would have recorded it — its timeline (report, accept or reject, dispatch, sign, the
 * sweep's yellow and red cards, extensions, feedback, a failed verification now and then, verify,
 * rating; for disputes mediation sessions, the outcome and the follow-up), its deadlines and SLA
 * fields, and, for cases still open, the notification of whoever must act. Cases reported lately
 * are still open in every state, a few older ones are overdue or on the pending list.
 *
 * How many: about 0.1 grid events, 0.022 resident requests and 0.0055 disputes per resident a
 * year (友谊河's own figures: 51 disputes for its 9,383 people), more on working days, by month as
 * the category goes (noise in summer, e-bikes and gas in winter, garbage at the Spring Festival…).
 * 友谊河's grids 1–2 keep the engine-driven examples of the last months (cases.seed.ts) instead.
 *
 * One transaction: cases with ids in order of report (case numbers as the engine gives them),
 * case_stats rebuilt once after the load (its row triggers are off meanwhile: one aggregate
 * instead of one upsert per case), one audit entry for the load.
 */

interface User {
  id: number;
  name: string;
}
type Box = [number, number, number, number]; // lng0, lat0, lng1, lat1
interface Compound {
  name: string;
  box: Box;
  buildings: number;
}
interface Person {
  id: number;
  name: string;
  address: string;
}
interface Community {
  id: number;
  name: string;
  index: number;
  worker: User;
  secretary: User;
  roads: string[];
}
interface Grid {
  id: number;
  path: string;
  box: Box;
  community: Community;
  user: User | null;
  people: number;
  compounds: Compound[];
  residents: Person[];
}

interface Ev {
  at: Date;
  kind: TimelineKind;
  actor: User | null;
  from: CaseState | null;
  to: CaseState | null;
  comment: string | null;
  data: Record<string, unknown>;
  lat?: number | null;
  lng?: number | null;
}

interface Party {
  role: string;
  personId: number | null;
  name: string;
  phone: string | null;
  address: string | null;
}

export interface SeedCase {
  id: number;
  def: CaseTypeDef;
  category: string;
  urgency: 'normal' | 'urgent';
  state: CaseState;
  title: string;
  description: string;
  grid: Grid;
  lat: number | null;
  lng: number | null;
  address: string | null;
  channel: string;
  reporter: User | null;
  reporterPersonId: number | null;
  contactName: string | null;
  contactPhone: string | null;
  owner: User | null;
  assignee: User | null;
  department: string | null;
  detail: Record<string, unknown>;
  outcome: string | null;
  reportedAt: Date;
  acceptDueAt: Date;
  acceptedAt: Date | null;
  dispatchedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  dueAt: Date;
  stageStartedAt: Date | null;
  stageDueAt: Date | null;
  slaLevel: number;
  slaNextAt: Date | null;
  supervisionLevel: number;
  reworkCount: number;
  extensionCount: number;
  rating: number | null;
  mediatedAt: Date | null;
  version: number;
  updatedAt: Date;
  events: Ev[];
  parties: Party[];
  /** Who must act on it now (open cases): their notification. */
  waitingOn: User[];
  /** An extension asked for and not yet decided. */
  pendingExtension: Record<string, unknown> | null;
}

/** Cases per resident and year, by type. */
const RATES = { event: 0.1, request: 0.022, dispute: 0.0055 };
/** Of a working day's rate, on a weekend or holiday. */
const OFF_DAY = { event: 0.4, request: 0.15, dispute: 0.3 };
const ROADS = [
  '建设路',
  '罗城路',
  '高泉南路',
  '大众南路',
  '人民北路',
  '天问大道',
  '屈原路',
  '汨罗江大道',
  '归义路',
  '桃花路',
  '新市街',
  '汨水路',
  '金盆路',
  '友谊路',
];
const GIVEN = '建华秀兰志强丽娟海燕国平桂英明辉春梅伟东红霞德胜玉珍永刚小燕';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const CST = 8 * HOUR;

function boxOf(boundary: string | null): Box | null {
  if (!boundary) return null;
  const n = (boundary.match(/-?\d+(\.\d+)?/g) ?? []).map(Number);
  if (n.length < 4) return null;
  const xs = n.filter((_, i) => i % 2 === 0);
  const ys = n.filter((_, i) => i % 2 === 1);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** An instant on China date `day` (days since 1970-01-01) at local minutes `min`. */
const at = (day: number, min: number) => new Date(day * DAY + min * 60_000 - CST);

async function loadStreet(s: Services): Promise<Grid[]> {
  const db = s.db;
  const staff = await sql<{ areaId: number; code: string; id: number; name: string }>`
    SELECT ur.area_id, r.code, u.id, u.display_name AS name FROM user_roles ur
    JOIN roles r ON r.id = ur.role_id JOIN users u ON u.id = ur.user_id
    WHERE r.code IN ('grid_worker', 'community_worker', 'community_secretary') AND u.status = 'active'
      AND NOT ur.pending
    ORDER BY ur.id`.execute(db);
  const first = new Map<string, User>();
  for (const r of staff.rows) {
    const k = `${r.areaId}:${r.code}`;
    if (!first.has(k)) first.set(k, { id: r.id, name: r.name });
  }
  const comms = await sql<{ id: number; name: string }>`
    SELECT id, name FROM areas WHERE kind = 'community' AND status = 'active' ORDER BY code`.execute(db);
  const communities = new Map<number, Community>();
  comms.rows.forEach((c, i) => {
    const worker = first.get(`${c.id}:community_worker`);
    const secretary = first.get(`${c.id}:community_secretary`);
    if (!worker || !secretary) return;
    const k = Math.max(0, DEMO.communities.indexOf(c.name));
    communities.set(c.id, {
      id: c.id,
      name: c.name,
      index: i,
      worker,
      secretary,
      roads: [ROADS[k % ROADS.length]!, ROADS[(k + 4) % ROADS.length]!, ROADS[(k + 9) % ROADS.length]!],
    });
  });
  const grids = await sql<{
    id: number;
    path: string;
    boundary: string | null;
    communityId: number;
    people: number;
  }>`
    SELECT g.id, g.path::text AS path, g.boundary::text AS boundary, g.parent_id AS community_id,
      (SELECT count(*)::int FROM people p JOIN areas a ON a.id = p.area_id
        WHERE a.path <@ g.path AND p.status = 'active') AS people
    FROM areas g WHERE g.kind = 'grid' AND g.status = 'active' ORDER BY g.code`.execute(db);
  const compounds = await sql<{ gridId: number; name: string; boundary: string | null; buildings: number }>`
    SELECT a.parent_id AS grid_id, a.name, a.boundary::text AS boundary,
      (SELECT count(*)::int FROM areas b WHERE b.parent_id = a.id AND b.kind = 'building') AS buildings
    FROM areas a JOIN areas g ON g.id = a.parent_id AND g.kind = 'grid'
    WHERE a.kind = 'compound' AND a.status = 'active' ORDER BY a.code`.execute(db);
  // Residents who report at the window or are party to a dispute: one in thirteen adults.
  const people = await sql<{ id: number; name: string; gridPath: string; address: string }>`
    SELECT p.id, p.name, subpath(h.path, 0, 4)::text AS grid_path,
      cp.name || b.name || u.name || h.name AS address
    FROM people p JOIN areas h ON h.id = p.area_id AND h.kind = 'house'
    JOIN areas u ON u.id = h.parent_id JOIN areas b ON b.id = u.parent_id JOIN areas cp ON cp.id = b.parent_id
    WHERE p.status = 'active' AND p.id % 13 = 0 AND p.birth_date <= ${chinaDate(s.clock.now())}::date - 7300
    ORDER BY p.id`.execute(db);
  const residents = new Map<string, Person[]>();
  for (const p of people.rows) {
    const xs = residents.get(p.gridPath) ?? [];
    xs.push({ id: p.id, name: p.name, address: p.address });
    residents.set(p.gridPath, xs);
  }
  const out: Grid[] = [];
  for (const g of grids.rows) {
    const community = communities.get(g.communityId);
    const box = boxOf(g.boundary);
    if (!community || !box) continue;
    out.push({
      id: g.id,
      path: g.path,
      box,
      community,
      user: first.get(`${g.id}:grid_worker`) ?? null,
      people: g.people,
      compounds: compounds.rows
        .filter((c) => c.gridId === g.id)
        .map((c) => ({ name: c.name, box: boxOf(c.boundary) ?? box, buildings: Math.max(1, c.buildings) })),
      residents: residents.get(g.path) ?? [],
    });
  }
  return out;
}

/** The street's cases since the history's start as they would be written (deterministic). */
export async function planCaseYear(s: Services): Promise<SeedCase[]> {
  const grids = await loadStreet(s);
  if (!grids.length) return [];
  const timing = await timingsFor(s).get();
  return generate(grids, timing, s.clock.now(), demoRng('jiayuan-demo-year'));
}

/** The street's cases since the history's start: generated, then written (returns how many). */
export async function seedCaseYear(s: Services): Promise<{ cases: number; events: number }> {
  const t0 = Date.now();
  const now = s.clock.now();
  const cases = await planCaseYear(s);
  if (!cases.length) return { cases: 0, events: 0 };
  const have = await sql<{ m: number }>`SELECT coalesce(max(id), 0)::bigint AS m FROM cases`.execute(s.db);
  let id = Number(have.rows[0]!.m);
  for (const c of cases) c.id = ++id;
  const events = await write(s, cases, now);
  s.log.info(`demo year: ${cases.length} cases, ${events} timeline entries in ${Date.now() - t0} ms`);
  return { cases: cases.length, events };
}

function generate(grids: Grid[], timing: Timing, now: Date, r: DemoRng): SeedCase[] {
  const cal = timing.calendar;
  const today = Math.floor((now.getTime() + CST) / DAY);
  const first = demoHistoryStart(now);
  const out: SeedCase[] = [];
  // 友谊河's first two grids have the engine-driven examples of the last 120 days (events),
  // 110 days (requests) and the year (disputes): no generated cases there and then.
  const youyi = grids.find((g) => g.community.name === DEMO.detailed)?.community.id;
  // (grid_a's and grid_b's: the first two by code, as the accounts seed gives them)
  const youyiGrids = grids.filter((g) => g.community.id === youyi).slice(0, 2);
  const tables = (seed: SeedCategory[]) =>
    Array.from({ length: 12 }, (_, m) => seed.map((c) => [c, c.weight * c.season[m]!] as const));
  const monthly = { event: tables(EVENT_SEED), request: tables(REQUEST_SEED), dispute: tables(DISPUTE_SEED) };
  const seasonMean = (seed: SeedCategory[], m: number) => {
    const w = seed.reduce((a, c) => a + c.weight, 0);
    return seed.reduce((a, c) => a + c.weight * c.season[m]!, 0) / w;
  };
  const seeds = { event: EVENT_SEED, request: REQUEST_SEED, dispute: DISPUTE_SEED };

  for (let day = first; day <= today; day++) {
    const date = new Date(day * DAY).toISOString().slice(0, 10);
    const working = cal.isWorkingDay(date);
    const month = new Date(day * DAY).getUTCMonth();
    for (const g of grids) {
      for (const type of ['event', 'request', 'dispute'] as const) {
        if (g.community.id === youyi) {
          if (type === 'dispute') continue;
          if (type === 'event' && youyiGrids.includes(g) && day > today - 121) continue;
          if (type === 'request' && day > today - 111) continue;
        }
        const lambda =
          ((RATES[type] * g.people) / 365) * (working ? 1 : OFF_DAY[type]) * seasonMean(seeds[type], month);
        const n = r.poisson(lambda);
        for (let i = 0; i < n; i++) {
          const cat = r.weighted(monthly[type][month]!);
          let minute: number;
          if (cat.night && r.chance(0.45)) minute = r.int(19 * 60 + 30, 23 * 60 + 30);
          else if (!working) minute = r.int(9 * 60, 18 * 60);
          else if (r.chance(0.85))
            minute = r.chance(0.55) ? r.int(8 * 60 + 40, 11 * 60 + 50) : r.int(14 * 60 + 10, 17 * 60 + 20);
          else minute = r.chance(0.5) ? r.int(7 * 60 + 20, 8 * 60 + 30) : r.int(17 * 60 + 30, 21 * 60);
          const reportedAt = at(day, minute);
          if (reportedAt.getTime() > now.getTime() - 20 * 60_000) continue;
          out.push(life(type, cat, g, reportedAt, timing, now, r));
        }
      }
    }
  }
  out.sort((a, b) => a.reportedAt.getTime() - b.reportedAt.getTime());
  return out;
}

/** A stage's share of its time limit that a step takes: mostly well within, some near it, a few past it. */
function pace(r: DemoRng, late = 0.04): number {
  const x = r.next();
  if (x < late) return r.between(1.05, 2.6);
  if (x < late + 0.08) return r.between(0.8, 1);
  return r.between(0.08, 0.75);
}

const pointIn = (r: DemoRng, b: Box, inset = 0.08) => {
  const w = b[2] - b[0];
  const h = b[3] - b[1];
  return {
    lng: Number((b[0] + w * r.between(inset, 1 - inset)).toFixed(6)),
    lat: Number((b[1] + h * r.between(inset, 1 - inset)).toFixed(6)),
  };
};

const phone = (r: DemoRng) =>
  `1${r.pick(['35', '37', '38', '39', '58', '77', '86', '89'])}${String(r.int(0, 99_999_999)).padStart(8, '0')}`;
const nameOf = (r: DemoRng) =>
  SURNAMES[r.int(0, SURNAMES.length - 1)]! + GIVEN.slice(r.int(0, 14) * 2, r.int(0, 14) * 2 + 2).slice(0, 2);

/**
 * One case's life from its report until now: every step at a plausible working time after the
 * previous one, within its limit mostly; it stops where "now" falls, leaving the case open there.
 */
function life(
  type: 'event' | 'request' | 'dispute',
  cat: SeedCategory,
  g: Grid,
  reportedAt: Date,
  timing: Timing,
  now: Date,
  r: DemoRng,
): SeedCase {
  const def = CASE_TYPE_DEFS[type];
  const cal = timing.calendar;
  const { worker, secretary } = g.community;
  const urgent =
    type === 'request'
      ? cat.code === 'emergency.emergency'
      : r.chance(
          ['fire.exit', 'safety.gas', 'facility.manhole', 'public_order.suspicious'].includes(cat.code)
            ? 0.35
            : 0.03,
        );
  const urgency = urgent ? 'urgent' : 'normal';
  const { acceptDueAt, dueAt } = timing.plan(def, { category: cat.code, urgency, reportedAt });
  const title0 = r.pick(cat.titles);

  // Where, who reported it, through which channel.
  const street = cat.street && r.chance(0.7);
  const compound = g.compounds.length ? r.pick(g.compounds) : null;
  const spot = street || !compound ? pointIn(r, g.box) : pointIn(r, compound.box, 0.2);
  const place =
    street || !compound
      ? `${r.pick(g.community.roads)}${r.int(1, 260)}号附近`
      : `${compound.name}${r.int(1, compound.buildings)}栋`;
  const resident = g.residents.length ? r.pick(g.residents) : null;
  let channel: string;
  let reporter: User | null;
  let reporterPersonId: number | null = null;
  let contactName: string | null = null;
  let contactPhone: string | null = null;
  let title = title0;
  let description: string;
  let address: string | null = place;
  let lat: number | null = spot.lat;
  let lng: number | null = spot.lng;
  const detail: Record<string, unknown> = {};
  const parties: Party[] = [];
  if (type === 'event') {
    const byGrid = g.user && r.chance(0.93);
    channel = byGrid ? 'grid' : 'staff';
    reporter = byGrid ? g.user : worker;
    description = `${place}，${title}。${byGrid ? '网格员巡查发现，已拍照取证。' : '社区工作人员走访发现。'}`;
    if (urgent) detail.hazardLevel = 'high';
  } else if (type === 'request') {
    const x = r.next();
    channel = x < 0.5 ? 'window' : x < 0.85 || !g.user ? 'phone' : 'grid';
    reporter = channel === 'grid' ? g.user : r.chance(0.8) ? worker : secretary;
    if (resident && channel !== 'grid') {
      reporterPersonId = resident.id;
      contactName = resident.name;
      address = resident.address;
    } else
      contactName = `${SURNAMES[r.int(0, SURNAMES.length - 1)]}${r.pick(['先生', '女士', '大爷', '阿姨'])}`;
    contactPhone = phone(r);
    description = `${address}居民${channel === 'window' ? '到社区服务窗口' : channel === 'phone' ? '来电' : '向网格员'}反映：${title}。`;
    if (cat.code.startsWith('consult') || cat.code.startsWith('suggestion')) {
      lat = null;
      lng = null;
    }
  } else {
    const byGrid = g.user && r.chance(0.6);
    channel = byGrid ? 'grid' : 'window';
    reporter = byGrid ? g.user : worker;
    const a = resident ?? { id: null, name: nameOf(r), address: place };
    const other = g.residents.length > 1 && r.chance(0.6) ? r.pick(g.residents) : null;
    const respondentName =
      cat.code === '0402'
        ? `${compound?.name ?? g.community.name.replace('社区', '')}物业服务中心`
        : cat.code === '0701'
          ? `包工头${SURNAMES[r.int(0, SURNAMES.length - 1)]}某`
          : (other?.name ?? nameOf(r));
    parties.push({ role: 'applicant', personId: a.id, name: a.name, phone: phone(r), address: a.address });
    parties.push({
      role: 'respondent',
      personId: other && other.id !== a.id && respondentName === other.name ? other.id : null,
      name: respondentName,
      phone: r.chance(0.6) ? phone(r) : null,
      address: other?.address ?? null,
    });
    title = `${a.address.replace(/\d+室$/, '')}${title0}`.slice(0, 100);
    address = a.address;
    lat = null;
    lng = null;
    description = `${a.name}与${respondentName}因${title0.replace(/纠纷$/, '')}发生纠纷，${byGrid ? '网格员排查发现' : '当事人到社区申请调解'}，双方情绪较为激动，需尽快调解。`;
    const money = ['0601', '0701', '0801', '0501', '0502', '0402'].includes(cat.code);
    const involved = cat.code === '0701' ? r.int(2, 14) : 2;
    detail.scale = involved >= 10 ? '02' : '01';
    if (money) detail.amount = r.int(8, 600) * 100;
    detail.involvedCount = involved;
  }

  const c: SeedCase = {
    id: 0,
    def,
    category: cat.code,
    urgency,
    state: 'reported',
    title,
    description,
    grid: g,
    lat,
    lng,
    address,
    channel,
    reporter,
    reporterPersonId,
    contactName,
    contactPhone,
    owner: channel === 'window' || channel === 'phone' || channel === 'staff' ? reporter : null,
    assignee: null,
    department: null,
    detail,
    outcome: null,
    reportedAt,
    acceptDueAt,
    acceptedAt: null,
    dispatchedAt: null,
    resolvedAt: null,
    closedAt: null,
    dueAt,
    stageStartedAt: reportedAt,
    stageDueAt: acceptDueAt,
    slaLevel: 0,
    slaNextAt: null,
    supervisionLevel: 0,
    reworkCount: 0,
    extensionCount: 0,
    rating: null,
    mediatedAt: null,
    version: 1,
    updatedAt: reportedAt,
    events: [],
    parties,
    waitingOn: [],
    pendingExtension: null,
  };
  c.events.push({
    at: reportedAt,
    kind: 'report',
    actor: reporter,
    from: null,
    to: 'reported',
    comment: description,
    data: { channel },
    lat,
    lng,
  });

  let stopped = false;
  /** The stage just left: the sweep's cards for each threshold passed before it ended. */
  const closeStage = (end: Date) => {
    cards(c, cal, Math.min(end.getTime() - 1, now.getTime()));
  };
  /** A step at `when` by `who`; false (and the case stays as it is) when `when` is still to come. */
  const step = (
    when: Date,
    kind: TimelineKind,
    who: User | null,
    to: CaseState | null,
    comment: string | null = null,
    data: Record<string, unknown> = {},
  ): boolean => {
    if (stopped || when.getTime() > now.getTime()) {
      stopped = true;
      return false;
    }
    if (to) {
      closeStage(when);
      const from = c.state;
      c.events.push({ at: when, kind, actor: who, from, to, comment, data });
      c.state = to;
      const due = timing.stageDue(def, c, to, when);
      c.stageStartedAt = due ? when : null;
      c.stageDueAt = due;
    } else c.events.push({ at: when, kind, actor: who, from: c.state, to: null, comment, data });
    c.version++;
    c.updatedAt = when;
    return true;
  };
  /** `share` of the working time between `from` and the limit's end after `from`, counted from `from`. */
  const within = (from: Date, due: Date, share: number, min = 3) =>
    cal.add(from, {
      amount: Math.max(min, Math.round(cal.workingMinutesBetween(from, due) * share)),
      unit: 'wmin',
    });
  const stageLimit = (stage: 'dispatch' | 'sign' | 'verify', from: Date) =>
    cal.add(from, timing.limit(def, cat.code, urgency, stage));

  // 受理 or 不予受理
  const acceptor = c.owner ?? (r.chance(0.8) ? worker : secretary);
  const staffFirst = c.owner !== null;
  let t = within(reportedAt, acceptDueAt, staffFirst ? r.between(0.05, 0.3) : pace(r, 0.05), 2);
  const rejectP = type === 'event' ? 0.03 : type === 'request' ? 0.04 : 0.02;
  if (r.chance(rejectP)) {
    const reason = r.pick(['invalid', 'out_of_scope'] as const);
    step(
      t,
      'reject',
      acceptor,
      'rejected',
      reason === 'invalid' ? '经核实情况不属实' : '不属于社区受理范围，已告知反映人向有关部门反映',
      {
        reason,
        duplicateOfId: null,
      },
    );
    return finish(c, now, timing);
  }
  if (!step(t, 'accept', acceptor, 'accepted')) return finish(c, now, timing);
  c.acceptedAt = t;
  c.owner = acceptor;

  // 派遣
  let assignee: User;
  let department: string | null = null;
  if (type === 'dispute') assignee = r.chance(0.6) ? worker : secretary;
  else {
    const kind: HandlerKind = r.weighted(cat.handler.length ? cat.handler : [['worker', 1]]);
    if (kind === 'grid' && g.user) assignee = g.user;
    else if (kind === 'dept' && cat.departments) {
      assignee = worker;
      department = r.pick(cat.departments);
    } else assignee = worker;
  }
  t = within(t, stageLimit('dispatch', t), pace(r), 2);
  if (
    !step(t, 'dispatch', acceptor, 'dispatched', null, {
      assigneeUserId: assignee.id,
      assignee: assignee.name,
      department,
    })
  )
    return finish(c, now, timing);
  c.dispatchedAt = t;
  c.assignee = assignee;
  c.department = department;

  // 签收
  t = within(t, stageLimit('sign', t), pace(r), 2);
  if (!step(t, 'sign', assignee, 'handling')) return finish(c, now, timing);
  const signedAt = t;
  /** Where the handling (or mediation) is counted from: signing, or taking it up again. */
  let handleFrom = signedAt;

  // 延期 (and now and then 挂账)
  if (type !== 'dispute' && r.chance(0.05)) {
    const ask = within(signedAt, c.dueAt, r.between(0.3, 0.6), 30);
    const amount = r.pick([2, 3, 5]);
    if (
      !step(
        ask,
        'extend_request',
        assignee,
        null,
        r.pick(['需协调物业与业主，申请延期', '需等待配件到货，申请延期', '涉及多个部门，申请延期']),
        {
          amount,
          unit: 'wday',
        },
      )
    )
      return finish(c, now, timing, {
        amount,
        unit: 'wday',
        reason: '申请延期',
        by: assignee.name,
        byUserId: assignee.id,
        at: ask.toISOString(),
      });
    const decide = cal.add(ask, { amount: r.int(20, 240), unit: 'wmin' });
    const newDue = cal.add(c.dueAt, { amount, unit: 'wday' });
    if (
      !step(decide, 'extend_decide', secretary, null, null, {
        approved: true,
        amount,
        unit: 'wday',
        dueAt: newDue.toISOString(),
      })
    )
      return finish(c, now, timing, {
        amount,
        unit: 'wday',
        reason: '申请延期',
        by: assignee.name,
        byUserId: assignee.id,
        at: ask.toISOString(),
      });
    c.dueAt = newDue;
    c.stageDueAt = newDue;
    c.extensionCount = 1;
    if (r.chance(0.12)) {
      // 挂账: put on the pending list, and after some weeks taken up again with a fresh limit.
      const when = cal.add(decide, { amount: r.int(2, 6), unit: 'wday' });
      if (!step(when, 'suspend', secretary, 'pending', '涉及历史遗留问题，需多部门协调，暂缓办理'))
        return finish(c, now, timing);
      const back = cal.add(when, { amount: r.int(10, 45), unit: 'wday' });
      if (back.getTime() > now.getTime()) return finish(c, now, timing);
      const dueAt = cal.add(back, timing.limit(def, cat.code, urgency, 'handle'));
      c.dueAt = dueAt;
      step(back, 'resume', secretary, 'handling', '相关部门已协调一致，恢复办理', {
        dueAt: dueAt.toISOString(),
      });
      handleFrom = back;
    }
  }

  // 处置 / 调解
  const verifier =
    type === 'event'
      ? c.reporter && c.reporter !== assignee && c.channel === 'grid'
        ? c.reporter
        : acceptor !== assignee
          ? acceptor
          : secretary !== assignee
            ? secretary
            : worker
      : type === 'dispute'
        ? assignee === secretary
          ? worker
          : secretary
        : acceptor !== assignee
          ? acceptor
          : assignee === secretary
            ? worker
            : secretary;
  let done: Date;
  if (type === 'dispute') {
    const sessions = r.int(1, 3);
    let m = signedAt;
    const span = r.chance(0.07) ? r.between(1.05, 1.6) : r.between(0.05, 0.55);
    const end = new Date(signedAt.getTime() + (c.dueAt.getTime() - signedAt.getTime()) * span);
    for (let i = 0; i < sessions; i++) {
      m = cal.add(new Date(m.getTime() + (end.getTime() - m.getTime()) * r.between(0.2, 0.6)), {
        amount: 30,
        unit: 'wmin',
      });
      const ok = step(m, 'mediate', assignee, null, null, {
        date: chinaDate(m),
        place: `${g.community.name}人民调解室`,
        method: r.weighted([
          ['joint', 5],
          ['separate', 2],
          ['onsite', 2],
          ['phone', 1],
        ] as const),
        participants: '社区调解员、网格员、双方当事人',
        notes: r.pick(MEDIATION_NOTES),
      });
      if (!ok) return finish(c, now, timing);
    }
    done = cal.add(new Date(Math.max(end.getTime(), m.getTime())), { amount: 60, unit: 'wmin' });
    const outcome = r.weighted([
      ['agreement', 85],
      ['failed', 9],
      ['referred', 6],
    ] as const);
    const group = cat.code.slice(0, 2);
    const agreement = outcome === 'agreement' ? r.pick(AGREEMENTS[group] ?? AGREEMENTS['02']!) : null;
    const referredTo = outcome === 'referred' ? r.pick(REFERRED_TO) : null;
    if (!step(done, 'conclude', assignee, 'feedback', null, { outcome, agreement, referredTo }))
      return finish(c, now, timing);
    c.resolvedAt = done;
    c.outcome = outcome;
    if (outcome !== 'referred') c.mediatedAt = done;
    c.detail = { ...c.detail, agreement, referredTo };
  } else {
    const share = pace(r, urgent ? 0.06 : 0.09);
    // A few are left far behind (a red card, then the street's): handled long after the deadline.
    const stuck = r.chance(0.012) ? r.between(3, 9) : share;
    done = within(handleFrom, c.dueAt, stuck, 20);
    if (!step(done, 'feedback', assignee, 'feedback', r.pick(cat.feedback))) return finish(c, now, timing);
    c.resolvedAt = done;
    if (r.chance(0.06)) {
      const v = within(done, stageLimit('verify', done), pace(r), 5);
      if (!step(v, 'verify', verifier, 'handling', '现场核查未处置到位，请重新处置', { passed: false }))
        return finish(c, now, timing);
      c.reworkCount = 1;
      c.resolvedAt = null;
      done = cal.add(v, { amount: r.int(60, 900), unit: 'wmin' });
      if (!step(done, 'feedback', assignee, 'feedback', '已重新处置到位')) return finish(c, now, timing);
      c.resolvedAt = done;
    }
  }

  // 核查结案
  const v = within(done, stageLimit('verify', done), pace(r), 5);
  if (
    !step(
      v,
      'verify',
      verifier,
      'closed',
      type === 'dispute' ? '调解结果属实，予以结案' : '经现场核查，已处置到位，予以结案',
      { passed: true },
    )
  )
    return finish(c, now, timing);
  c.closedAt = v;

  // 评价 / 回访
  if (type === 'dispute') {
    if (c.outcome === 'agreement') {
      const f = cal.add(v, { amount: r.int(5, 15), unit: 'wday' });
      step(
        f,
        'follow_up',
        assignee,
        null,
        r.pick(['回访双方，协议履行良好，未再发生纠纷。', '电话回访，双方表示满意，矛盾已化解。']),
      );
    }
  } else if (r.chance(type === 'request' ? 0.82 : 0.6)) {
    const late = c.closedAt.getTime() > c.dueAt.getTime() || c.reworkCount > 0;
    const rating = late
      ? r.weighted([
          [5, 35],
          [4, 30],
          [3, 22],
          [2, 9],
          [1, 4],
        ] as const)
      : r.weighted([
          [5, 74],
          [4, 19],
          [3, 5],
          [2, 1.5],
          [1, 0.5],
        ] as const);
    const rater =
      type === 'event' ? (c.reporter ?? worker) : c.channel === 'grid' ? worker : (c.reporter ?? worker);
    const when = new Date(v.getTime() + r.between(1, 30) * HOUR);
    if (step(when, 'rate', rater, null, null, { rating, onBehalf: rater !== c.reporter })) c.rating = rating;
  }
  return finish(c, now, timing);
}

/**
 * The sweep's cards of the case's running stage up to `until` (ms), as the sweep (every minute)
 * gives them: one timeline entry when a threshold passes; a stage entered already late (a
 * rework after the deadline) gets one card at once with every level it has passed. Returns the
 * level reached.
 */
function cards(c: SeedCase, cal: Timing['calendar'], until: number): number {
  if (!c.stageStartedAt || !c.stageDueAt) return 0;
  const start = c.stageStartedAt.getTime();
  const t = slaThresholds(cal, c.state, c.stageStartedAt, c.stageDueAt).map((x) => x.getTime());
  let level = 0;
  while (level < t.length) {
    const when = Math.max(t[level]!, start + 30_000);
    if (when > until) break;
    let to = level + 1;
    while (to < t.length && t[to]! <= when) to++;
    c.events.push({
      at: new Date(when),
      kind: 'escalate',
      actor: null,
      from: null,
      to: null,
      comment: LEVEL_TEXT[to]!.zh,
      data: { level: to, from: level, stageDueAt: c.stageDueAt.toISOString() },
    });
    c.supervisionLevel = Math.max(c.supervisionLevel, to - 1);
    c.version++;
    if (when > c.updatedAt.getTime()) c.updatedAt = new Date(when);
    level = to;
  }
  return level;
}

/** Where "now" left the case: the running stage's card and next check, and who must act. */
function finish(
  c: SeedCase,
  now: Date,
  timing: Timing,
  pendingExtension?: Record<string, unknown>,
): SeedCase {
  c.pendingExtension = pendingExtension ?? null;
  const open = !['closed', 'rejected', 'pending'].includes(c.state);
  if (open && c.stageStartedAt && c.stageDueAt) {
    // Cards of the running stage up to now.
    c.slaLevel = cards(c, timing.calendar, now.getTime());
    c.slaNextAt = nextAt(slaThresholds(timing.calendar, c.state, c.stageStartedAt, c.stageDueAt), c.slaLevel);
  } else {
    c.stageStartedAt = null;
    c.stageDueAt = null;
    c.slaLevel = 0;
    c.slaNextAt = null;
  }
  const { worker, secretary } = c.grid.community;
  c.waitingOn =
    c.state === 'reported'
      ? [worker, secretary]
      : c.state === 'accepted'
        ? [c.owner ?? worker]
        : c.state === 'dispatched' || c.state === 'handling' || c.state === 'pending'
          ? [c.assignee ?? worker]
          : c.state === 'feedback'
            ? [
                c.def.code === 'event' && c.reporter && c.channel === 'grid'
                  ? c.reporter
                  : (c.owner ?? worker),
              ]
            : [];
  // The sweep's cards of a stage are written when it ends: the timeline in time order.
  c.events.sort((a, b) => a.at.getTime() - b.at.getTime());
  return c;
}

async function write(s: Services, cases: SeedCase[], now: Date): Promise<number> {
  const enc = (x: string | null) => (x ? s.keyring.encrypt(x) : null);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const caseRows = cases.map((c) => [
    c.id,
    `${c.def.prefix}${chinaDate(c.reportedAt).replaceAll('-', '')}${String(c.id).padStart(7, '0')}`,
    c.def.code,
    c.category,
    c.urgency,
    c.state,
    c.title,
    c.description,
    c.grid.id,
    c.grid.path,
    c.lat,
    c.lng,
    c.address,
    c.channel,
    c.reporter?.id,
    c.reporterPersonId,
    c.contactName,
    enc(c.contactPhone),
    c.contactPhone?.slice(-4),
    c.contactPhone ? s.keyring.lookupHash(c.contactPhone) : null,
    c.owner?.id,
    c.assignee?.id,
    c.department,
    JSON.stringify(c.detail),
    c.outcome,
    iso(c.reportedAt),
    iso(c.acceptDueAt),
    iso(c.acceptedAt),
    iso(c.dispatchedAt),
    iso(c.resolvedAt),
    iso(c.closedAt),
    iso(c.dueAt),
    iso(c.stageStartedAt),
    iso(c.stageDueAt),
    c.slaLevel,
    iso(c.slaNextAt),
    c.supervisionLevel,
    c.reworkCount,
    c.extensionCount,
    c.pendingExtension ? JSON.stringify(c.pendingExtension) : null,
    c.rating,
    iso(c.mediatedAt),
    c.version,
    iso(c.updatedAt),
    c.def.publicity === 'public',
  ]);
  const eventRows: unknown[][] = [];
  const partyRows: unknown[][] = [];
  const noteRows: unknown[][] = [];
  for (const [i, c] of cases.entries()) {
    for (const e of c.events)
      eventRows.push([
        c.id,
        iso(e.at),
        e.actor?.id,
        e.actor?.name ?? '系统',
        e.kind,
        e.from,
        e.to,
        e.comment,
        JSON.stringify(e.data),
        e.lat ?? null,
        e.lng ?? null,
      ]);
    for (const p of c.parties)
      partyRows.push([c.id, p.role, p.personId, p.name, enc(p.phone), p.phone?.slice(-4), p.address]);
    if (c.waitingOn.length) {
      // What they last heard of it: the latest step someone else took.
      const waiting = new Set(c.waitingOn.map((u) => u.id));
      const last =
        [...c.events].reverse().find((e) => e.kind !== 'escalate' && !(e.actor && waiting.has(e.actor.id))) ??
        c.events[0]!;
      const no = caseRows[i]![1] as string;
      const n = notice({ id: c.id, no, title: c.title }, [...waiting], null, {
        kind: last.kind,
        state: c.state,
      });
      if (n)
        n.userIds.forEach((userId, i) => {
          noteRows.push([
            userId,
            c.id,
            n.text.kind,
            n.text.titleZh,
            n.text.titleEn,
            n.bodyZh[i]!,
            n.bodyEn[i]!,
            iso(last.at),
          ]);
        });
    }
  }
  await s.db.transaction().execute(async (trx) => {
    await withoutRowChecks(trx, async () => {
      // case_stats: rebuilt once below rather than one upsert per inserted case.
      await sql`ALTER TABLE cases DISABLE TRIGGER case_stats_ins`.execute(trx);
      await demoInsert(
        trx,
        'cases',
        [
          ['id', 'bigint'],
          ['no', 'text'],
          ['type', 'text'],
          ['category', 'text'],
          ['urgency', 'text'],
          ['state', 'text'],
          ['title', 'text'],
          ['description', 'text'],
          ['area_id', 'bigint'],
          ['area_path', 'ltree'],
          ['lat', 'float8'],
          ['lng', 'float8'],
          ['address', 'text'],
          ['channel', 'text'],
          ['reporter_user_id', 'bigint'],
          ['reporter_person_id', 'bigint'],
          ['contact_name', 'text'],
          ['contact_phone_enc', 'text'],
          ['contact_phone_tail', 'text'],
          ['contact_phone_hash', 'text'],
          ['owner_user_id', 'bigint'],
          ['assignee_user_id', 'bigint'],
          ['department', 'text'],
          ['detail', 'jsonb'],
          ['outcome', 'text'],
          ['reported_at', 'timestamptz'],
          ['accept_due_at', 'timestamptz'],
          ['accepted_at', 'timestamptz'],
          ['dispatched_at', 'timestamptz'],
          ['resolved_at', 'timestamptz'],
          ['closed_at', 'timestamptz'],
          ['due_at', 'timestamptz'],
          ['stage_started_at', 'timestamptz'],
          ['stage_due_at', 'timestamptz'],
          ['sla_level', 'int2'],
          ['sla_next_at', 'timestamptz'],
          ['supervision_level', 'int2'],
          ['rework_count', 'int4'],
          ['extension_count', 'int4'],
          ['pending_extension', 'jsonb'],
          ['rating', 'int2'],
          ['mediated_at', 'timestamptz'],
          ['version', 'int4'],
          ['updated_at', 'timestamptz'],
          ['public', 'bool'],
        ],
        caseRows,
      );
      await sql`ALTER TABLE cases ENABLE TRIGGER case_stats_ins`.execute(trx);
      await sql`SELECT case_stats_rebuild()`.execute(trx);
      await sql`SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))`.execute(
        trx,
      );
      await demoInsert(
        trx,
        'case_events',
        [
          ['case_id', 'bigint'],
          ['at', 'timestamptz'],
          ['actor_user_id', 'bigint'],
          ['actor_name', 'text'],
          ['kind', 'text'],
          ['from_state', 'text'],
          ['to_state', 'text'],
          ['comment', 'text'],
          ['data', 'jsonb'],
          ['lat', 'float8'],
          ['lng', 'float8'],
        ],
        eventRows,
      );
      await demoInsert(
        trx,
        'dispute_parties',
        [
          ['case_id', 'bigint'],
          ['role', 'text'],
          ['person_id', 'bigint'],
          ['name', 'text'],
          ['phone_enc', 'text'],
          ['phone_tail', 'text'],
          ['address', 'text'],
        ],
        partyRows,
      );
      await demoInsert(
        trx,
        'notifications',
        [
          ['user_id', 'bigint'],
          ['case_id', 'bigint'],
          ['kind', 'text'],
          ['title_zh', 'text'],
          ['title_en', 'text'],
          ['body_zh', 'text'],
          ['body_en', 'text'],
          ['created_at', 'timestamptz'],
        ],
        noteRows,
      );
    });
    await writeAudit(
      trx,
      { actorId: null, actorName: 'system', ip: null, requestId: 'demo-seed' },
      {
        action: 'system.seed_demo',
        entityType: 'case',
        detail: {
          cases: cases.length,
          timeline: eventRows.length,
          since: new Date(demoHistoryStart(now) * 86_400_000).toISOString().slice(0, 10),
        },
      },
      now,
    );
  });
  return eventRows.length;
}
