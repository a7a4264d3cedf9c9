import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { CaseCreate, CaseTransition } from '../../../contract/cases.js';
import { idCheckDigit } from '../../../contract/identifiers.js';
import { type CaseEngine, caseEngine } from '../../engines/cases/engine.js';
import { timingsFor } from '../../engines/cases/timings.js';
import { type Actor, loadActor } from '../../platform/access/actor.js';
import type { Ctx } from '../../platform/services.js';

/**
 * Who may do what to a case, through the API: every action of every type from the states it
 * starts from, tried by each kind of actor, against the answer of POST /api/cases/:id/transitions
 * and the `abilities` GET /api/cases/:id shows that actor. Then concurrency, If-Match and
 * Idempotency-Key, and the dispute specifics (masked, encrypted, revealed with a purpose, merged).
 */

const BASE = new Date('2026-11-23T09:00:00+08:00'); // a Monday, office hours

let t: TestApp;
const ACTORS = ['gridA', 'gridB', 'worker', 'sec', 'street', 'resident', 'unit', 'other'] as const;
type ActorKey = (typeof ACTORS)[number];
const USERNAMES: Record<ActorKey, string> = {
  gridA: 'grid_a', // grid 1 of 友谊河: reports the events and disputes below
  gridB: 'grid_b', // grid 2 of 友谊河
  worker: 'community_worker', // 友谊河: accepts (so owns) every case; mediates the disputes
  sec: 'community_admin', // 友谊河's secretary: holds <type>.supervise
  street: 'street_admin', // 城关街道: everything, street-wide
  resident: 'resident', // lives in grid 1: reports the requests
  unit: 'cobuild_unit', // no case permission: the assignee of events and requests, never of disputes
  other: 'sec_002', // the secretary of 金盆社区, another community
};
const as: Record<ActorKey, Client> = {} as never;
const uid: Record<ActorKey, number> = {} as never;

type CaseType = 'event' | 'dispute' | 'request';
type Action =
  | 'accept'
  | 'reject'
  | 'dispatch'
  | 'sign'
  | 'return'
  | 'feedback'
  | 'verify'
  | 'rate'
  | 'extend_request'
  | 'extend_decide'
  | 'suspend'
  | 'resume'
  | 'supervise'
  | 'remind'
  | 'reopen'
  | 'comment'
  | 'mediate'
  | 'conclude'
  | 'follow_up';
/** A state, or a state with a history the guards look at. */
type From =
  | 'reported'
  | 'accepted'
  | 'rejected'
  | 'dispatched'
  | 'handling'
  | 'handling+ext' // an extension request waits for a decision
  | 'handling+extended' // an extension was approved
  | 'handling+sup3' // supervised three times (the highest level)
  | 'pending'
  | 'feedback'
  | 'feedback+ext' // reported back while an extension request still waits
  | 'closed'
  | 'closed+rated'
  | 'closed+old'; // closed one day longer ago than the type's reopen window

const OK = 200;
const NO = 403; // visible, not allowed
const NF = 404; // not visible
const BAD = 400; // the type has no such action
const CON = '409 CASE_CONFLICT'; // not from this state
const RULE = '409 CASE_RULE'; // a guard of the type refuses
type Want = typeof OK | typeof NO | typeof NF | typeof BAD | typeof CON | typeof RULE;
type Line = [Action, From, Want, Want, Want, Want, Want, Want, Want, Want];

// biome-ignore format: the matrix is read by columns
const EVENT: Line[] = [
  // grid events: reporter gridA; owner worker; assignee unit (from dispatch on)
  // action          from                  gridA gridB worker sec   street resident unit other
  ['accept',         'reported',           NO,   NF,   OK,    OK,   OK,    NF,      NF,  NF],
  ['reject',         'reported',           NO,   NF,   OK,    OK,   OK,    NF,      NF,  NF],
  ['reject',         'accepted',           NO,   NF,   OK,    OK,   OK,    NF,      NF,  NF],
  ['dispatch',       'accepted',           NO,   NF,   OK,    OK,   OK,    NF,      NF,  NF],
  ['sign',           'dispatched',         NO,   NF,   NO,    NO,   NO,    NF,      OK,  NF],
  ['return',         'dispatched',         NO,   NF,   NO,    NO,   NO,    NF,      OK,  NF],
  ['return',         'handling',           NO,   NF,   NO,    NO,   NO,    NF,      OK,  NF],
  ['feedback',       'handling',           NO,   NF,   NO,    NO,   NO,    NF,      OK,  NF],
  ['extend_request', 'handling',           NO,   NF,   NO,    NO,   NO,    NF,      OK,  NF],
  ['extend_decide',  'handling+ext',       NO,   NF,   NO,    OK,   OK,    NF,      NO,  NF],
  ['extend_decide',  'feedback+ext',       NO,   NF,   NO,    OK,   OK,    NF,      NO,  NF],
  ['suspend',        'handling+extended',  NO,   NF,   NO,    OK,   OK,    NF,      NO,  NF],
  ['resume',         'pending',            NO,   NF,   NO,    OK,   OK,    NF,      NO,  NF],
  ['supervise',      'handling',           NO,   NF,   NO,    OK,   OK,    NF,      NO,  NF],
  ['remind',         'handling',           OK,   NF,   OK,    OK,   OK,    NF,      NO,  NF],
  ['comment',        'handling',           OK,   NF,   OK,    OK,   OK,    NF,      OK,  NF],
  ['verify',         'feedback',           OK,   NF,   OK,    OK,   OK,    NF,      NO,  NF],
  ['rate',           'closed',             OK,   NF,   OK,    OK,   OK,    NF,      NO,  NF],
  ['reopen',         'closed',             OK,   NF,   NO,    OK,   OK,    NF,      NO,  NF],
  ['comment',        'closed',             OK,   NF,   OK,    OK,   OK,    NF,      OK,  NF],
  // wrong state: whoever sees the case hears that it has moved on
  ['accept',         'accepted',           CON,  NF,   CON,   CON,  CON,   NF,      NF,  NF],
  ['sign',           'handling',           CON,  NF,   CON,   CON,  CON,   NF,      CON, NF],
  ['verify',         'handling',           CON,  NF,   CON,   CON,  CON,   NF,      CON, NF],
  ['reopen',         'handling',           CON,  NF,   CON,   CON,  CON,   NF,      CON, NF],
  ['resume',         'handling',           CON,  NF,   CON,   CON,  CON,   NF,      CON, NF],
  ['comment',        'rejected',           CON,  NF,   CON,   CON,  CON,   NF,      NF,  NF],
  // guards: only those allowed hear the rule; the others are refused first
  ['suspend',        'handling',           NO,   NF,   NO,    RULE, RULE,  NF,      NO,  NF],
  ['extend_request', 'handling+ext',       NO,   NF,   NO,    NO,   NO,    NF,      RULE,NF],
  ['extend_decide',  'handling',           NO,   NF,   NO,    RULE, RULE,  NF,      NO,  NF],
  ['supervise',      'handling+sup3',      NO,   NF,   NO,    RULE, RULE,  NF,      NO,  NF],
  ['rate',           'closed+rated',       RULE, NF,   RULE,  RULE, RULE,  NF,      NO,  NF],
  ['reopen',         'closed+old',         RULE, NF,   NO,    RULE, RULE,  NF,      NO,  NF],
];

// biome-ignore format: the matrix is read by columns
const DISPUTE: Line[] = [
  // disputes: reporter gridA (dispute.read, no verify); owner and mediator (assignee) worker; unit unrelated
  // action          from                  gridA gridB worker sec   street resident unit other
  ['accept',         'reported',           NO,   NF,   OK,    OK,   OK,    NF,      NF,  NF],
  ['reject',         'reported',           NO,   NF,   OK,    OK,   OK,    NF,      NF,  NF],
  ['reject',         'accepted',           NO,   NF,   OK,    OK,   OK,    NF,      NF,  NF],
  ['dispatch',       'accepted',           NO,   NF,   OK,    OK,   OK,    NF,      NF,  NF],
  ['sign',           'dispatched',         NO,   NF,   OK,    NO,   NO,    NF,      NF,  NF],
  ['return',         'dispatched',         NO,   NF,   OK,    NO,   NO,    NF,      NF,  NF],
  ['return',         'handling',           NO,   NF,   OK,    NO,   NO,    NF,      NF,  NF],
  ['mediate',        'handling',           NO,   NF,   OK,    NO,   NO,    NF,      NF,  NF],
  ['conclude',       'handling',           NO,   NF,   OK,    NO,   NO,    NF,      NF,  NF],
  ['feedback',       'handling',           BAD,  NF,   BAD,   BAD,  BAD,   NF,      NF,  NF],
  ['extend_request', 'handling',           NO,   NF,   OK,    NO,   NO,    NF,      NF,  NF],
  ['extend_decide',  'handling+ext',       NO,   NF,   NO,    OK,   OK,    NF,      NF,  NF],
  ['suspend',        'handling+extended',  NO,   NF,   NO,    OK,   OK,    NF,      NF,  NF],
  ['resume',         'pending',            NO,   NF,   NO,    OK,   OK,    NF,      NF,  NF],
  ['supervise',      'handling',           NO,   NF,   NO,    OK,   OK,    NF,      NF,  NF],
  ['remind',         'handling',           OK,   NF,   OK,    OK,   OK,    NF,      NF,  NF],
  ['comment',        'handling',           OK,   NF,   OK,    OK,   OK,    NF,      NF,  NF],
  // separation of duties: the worker mediated (is the handler), so may not verify; the secretary may
  ['verify',         'feedback',           NO,   NF,   RULE,  OK,   OK,    NF,      NF,  NF],
  ['rate',           'closed',             OK,   NF,   OK,    OK,   OK,    NF,      NF,  NF],
  ['follow_up',      'closed',             NO,   NF,   OK,    OK,   OK,    NF,      NF,  NF],
  ['reopen',         'closed',             OK,   NF,   NO,    OK,   OK,    NF,      NF,  NF],
  // wrong state
  ['mediate',        'feedback',           CON,  NF,   CON,   CON,  CON,   NF,      NF,  NF],
  ['conclude',       'dispatched',         CON,  NF,   CON,   CON,  CON,   NF,      NF,  NF],
  ['follow_up',      'feedback',           CON,  NF,   CON,   CON,  CON,   NF,      NF,  NF],
  ['dispatch',       'reported',           CON,  NF,   CON,   CON,  CON,   NF,      NF,  NF],
  // guards
  ['suspend',        'handling',           NO,   NF,   NO,    RULE, RULE,  NF,      NF,  NF],
  ['extend_request', 'handling+ext',       NO,   NF,   RULE,  NO,   NO,    NF,      NF,  NF],
  ['rate',           'closed+rated',       RULE, NF,   RULE,  RULE, RULE,  NF,      NF,  NF],
  ['reopen',         'closed+old',         RULE, NF,   NO,    RULE, RULE,  NF,      NF,  NF],
];

// biome-ignore format: the matrix is read by columns
const REQUEST: Line[] = [
  // resident requests: reporter resident; gridA reads its grid's; owner worker; assignee unit
  // action          from                  gridA gridB worker sec   street resident unit other
  ['accept',         'reported',           NO,   NF,   OK,    OK,   OK,    NO,      NF,  NF],
  ['reject',         'reported',           NO,   NF,   OK,    OK,   OK,    NO,      NF,  NF],
  ['reject',         'accepted',           NO,   NF,   OK,    OK,   OK,    NO,      NF,  NF],
  ['dispatch',       'accepted',           NO,   NF,   OK,    OK,   OK,    NO,      NF,  NF],
  ['sign',           'dispatched',         NO,   NF,   NO,    NO,   NO,    NO,      OK,  NF],
  ['return',         'handling',           NO,   NF,   NO,    NO,   NO,    NO,      OK,  NF],
  ['feedback',       'handling',           NO,   NF,   NO,    NO,   NO,    NO,      OK,  NF],
  ['extend_request', 'handling',           NO,   NF,   NO,    NO,   NO,    NO,      OK,  NF],
  ['extend_decide',  'handling+ext',       NO,   NF,   NO,    OK,   OK,    NO,      NO,  NF],
  ['suspend',        'handling+extended',  NO,   NF,   NO,    OK,   OK,    NO,      NO,  NF],
  ['resume',         'pending',            NO,   NF,   NO,    OK,   OK,    NO,      NO,  NF],
  ['supervise',      'handling',           NO,   NF,   NO,    OK,   OK,    NO,      NO,  NF],
  ['remind',         'handling',           NO,   NF,   OK,    OK,   OK,    OK,      NO,  NF],
  ['comment',        'handling',           NO,   NF,   OK,    OK,   OK,    OK,      OK,  NF],
  ['verify',         'feedback',           NO,   NF,   OK,    OK,   OK,    NO,      NO,  NF],
  ['rate',           'closed',             NO,   NF,   OK,    OK,   OK,    OK,      NO,  NF],
  ['reopen',         'closed',             NO,   NF,   NO,    OK,   OK,    OK,      NO,  NF],
  // wrong state
  ['accept',         'rejected',           CON,  NF,   CON,   CON,  CON,   CON,     NF,  NF],
  ['feedback',       'feedback',           CON,  NF,   CON,   CON,  CON,   CON,     CON, NF],
  ['rate',           'handling',           CON,  NF,   CON,   CON,  CON,   CON,     CON, NF],
  // guards
  ['rate',           'closed+rated',       NO,   NF,   RULE,  RULE, RULE,  RULE,    NO,  NF],
  ['reopen',         'closed+old',         NO,   NF,   NO,    RULE, RULE,  RULE,    NO,  NF],
  ['suspend',        'handling',           NO,   NF,   NO,    RULE, RULE,  NO,      NO,  NF],
];

const MATRIX = (
  [
    ['event', EVENT],
    ['dispute', DISPUTE],
    ['request', REQUEST],
  ] as const
).flatMap(([type, lines]) =>
  lines.flatMap(([action, from, ...wants]) =>
    ACTORS.map((actor, i) => ({ type: type as CaseType, action, from, actor, want: wants[i]! })),
  ),
);

const REOPEN_DAYS: Record<CaseType, number> = { event: 7, dispute: 30, request: 15 };
const reporterOf = (type: CaseType): ActorKey => (type === 'request' ? 'resident' : 'gridA');
const handlerOf = (type: CaseType): ActorKey => (type === 'dispute' ? 'worker' : 'unit');

function bodyOf(type: CaseType, action: Action): Record<string, unknown> {
  switch (action) {
    case 'reject':
      return { action, reason: 'invalid', comment: '不属于受理范围' };
    case 'dispatch':
      return { action, assigneeUserId: uid[handlerOf(type)] };
    case 'return':
      return { action, comment: '不属于本单位职责' };
    case 'feedback':
      return { action, comment: '已处置完毕' };
    case 'verify':
      return { action, passed: true };
    case 'rate':
      return { action, rating: 5 };
    case 'extend_request':
      return { action, amount: 2, unit: 'wday', comment: '需协调物业，申请延期' };
    case 'extend_decide':
      return { action, approved: true };
    case 'suspend':
      return { action, comment: '需列入改造计划解决' };
    case 'reopen':
      return { action, comment: '问题反弹' };
    case 'comment':
      return { action, comment: '已电话联系' };
    case 'mediate':
      return { action, date: '2026-11-23', place: '友谊河社区人民调解室', method: 'joint' };
    case 'conclude':
      return { action, outcome: 'agreement', agreement: '双方达成调解协议' };
    case 'follow_up':
      return { action, comment: '回访双方，协议履行良好' };
    default:
      return { action };
  }
}

/** Setting up goes through the engine itself (as the demo seed does); the matrix goes through HTTP. */
let engine: CaseEngine;
const actorOf: Record<ActorKey, Actor> = {} as never;
const ctxOf = (who: ActorKey): Ctx => ({
  actor: actorOf[who],
  lang: 'zh',
  audit: { actorId: uid[who], actorName: USERNAMES[who], ip: null, requestId: 'transitions.test' },
});
const act = (who: ActorKey, id: number, body: Record<string, unknown>) =>
  engine.transition(ctxOf(who), id, CaseTransition.parse(body));

let seq = 0;
async function report(type: CaseType): Promise<number> {
  seq++;
  const common = { title: `测试件 ${type} ${seq}`, description: '矩阵测试' };
  const body =
    type === 'event'
      ? { type, category: 'environment.exposed_garbage', ...common }
      : type === 'dispute'
        ? { type, category: '0202', ...common, parties: [{ role: 'applicant', name: '张某' }] }
        : { type, category: 'help.repair', ...common };
  return (await engine.create(ctxOf(reporterOf(type)), CaseCreate.parse(body))).id;
}

/** A fresh case of `type` driven through the engine to `from`. */
async function drive(type: CaseType, from: From): Promise<{ id: number }> {
  if (from === 'closed+old') {
    // closed one day past the reopen window: do it all that much earlier, then come back
    t.clock.set(new Date(BASE.getTime() - (REOPEN_DAYS[type] + 1) * 86_400_000));
    try {
      return await drive(type, 'closed');
    } finally {
      t.clock.set(BASE);
    }
  }
  const id = await report(type);
  const h = handlerOf(type);
  const steps: [ActorKey, Record<string, unknown>][] = [];
  const to = (...s: [ActorKey, Action][]) => {
    for (const [who, action] of s) steps.push([who, bodyOf(type, action)]);
  };
  const base = from.split('+')[0];
  if (from === 'rejected') to(['worker', 'reject']);
  else if (base !== 'reported') {
    to(['worker', 'accept']);
    if (base !== 'accepted') {
      to(['worker', 'dispatch']);
      if (base !== 'dispatched') to([h, 'sign']);
    }
  }
  if (from === 'handling+ext' || from === 'feedback+ext') to([h, 'extend_request']);
  if (from === 'handling+extended' || from === 'pending') to([h, 'extend_request'], ['sec', 'extend_decide']);
  if (from === 'pending') to(['sec', 'suspend']);
  if (from === 'handling+sup3') to(['sec', 'supervise'], ['sec', 'supervise'], ['sec', 'supervise']);
  if (base === 'feedback' || base === 'closed') to([h, type === 'dispute' ? 'conclude' : 'feedback']);
  // The handler never verifies (separation of duties): the secretary checks the worker's mediation.
  if (base === 'closed') to([h === 'worker' ? 'sec' : 'worker', 'verify']);
  if (from === 'closed+rated') to([reporterOf(type), 'rate']);
  for (const [who, body] of steps) await act(who, id, body);
  return { id };
}

/** Refused attempts write nothing, so they share one case per (type, state). */
const shared = new Map<string, Promise<{ id: number }>>();
const sharedCase = (type: CaseType, from: From) => {
  const k = `${type}/${from}`;
  if (!shared.has(k)) shared.set(k, drive(type, from));
  return shared.get(k)!;
};

async function rowCounts() {
  const r = await sql<{ cases: number; events: number; notes: number; audit: number; parties: number }>`
    SELECT (SELECT count(*) FROM cases)::int AS cases, (SELECT count(*) FROM case_events)::int AS events,
           (SELECT count(*) FROM notifications)::int AS notes, (SELECT count(*) FROM audit_log)::int AS audit,
           (SELECT count(*) FROM dispute_parties)::int AS parties`.execute(t.db);
  return r.rows[0]!;
}

/** The fresh case of each allowed row, prepared before the matrix runs. */
const fresh = new Map<(typeof MATRIX)[number], { id: number }>();

beforeAll(async () => {
  t = await createTestApp({ clock: BASE });
  const users = await t.db
    .selectFrom('users')
    .select(['id', 'username'])
    .where('username', 'in', Object.values(USERNAMES))
    .execute();
  for (const k of ACTORS) {
    uid[k] = users.find((u) => u.username === USERNAMES[k])!.id;
    as[k] = await t.login(USERNAMES[k]);
    actorOf[k] = (await loadActor(t.db, uid[k]))!;
  }
  engine = caseEngine(t.services, timingsFor(t.services));
  // The cases that move the clock first, alone; then the rest a few at a time (each case is
  // driven step by step; different cases in parallel).
  for (const type of ['event', 'dispute', 'request'] as const) await sharedCase(type, 'closed+old');
  const jobs: (() => Promise<unknown>)[] = [];
  for (const row of MATRIX) {
    if (row.want === OK) jobs.push(async () => fresh.set(row, await drive(row.type, row.from)));
    else jobs.push(() => sharedCase(row.type, row.from));
  }
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) await job();
    }),
  );
}, 180_000);
afterAll(async () => t?.close());

describe('the permission × relation matrix', () => {
  it.each(MATRIX)('$type: $action from $from by $actor → $want', async (row) => {
    const { type, action, from, actor, want } = row;
    const c = want === OK ? fresh.get(row)! : await sharedCase(type, from);
    const me = as[actor];

    // What the actor is shown agrees with what the server then does.
    const view = await me.get(`/api/cases/${c.id}`);
    if (want === NF) expect(view.statusCode).toBe(404);
    else {
      expect(view.statusCode, view.body).toBe(200);
      expect(view.json().abilities.includes(action), `abilities: ${view.json().abilities}`).toBe(want === OK);
    }

    const before = await rowCounts();
    const r = await me.post(`/api/cases/${c.id}/transitions`, bodyOf(type, action));
    const expected =
      want === CON
        ? [409, 'CASE_CONFLICT']
        : want === RULE
          ? [409, 'CASE_RULE']
          : [want, { 200: undefined, 400: 'VALIDATION_FAILED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' }[want]];
    expect([r.statusCode, r.statusCode === 200 ? undefined : r.json().code], r.body).toEqual(expected);

    if (want === OK) {
      const entries = await t.db
        .selectFrom('caseEvents')
        .select(['kind', 'actorUserId'])
        .where('caseId', '=', c.id)
        .orderBy('id', 'desc')
        .execute();
      expect(entries[0]).toEqual({ kind: action, actorUserId: uid[actor] });
      expect(r.json().version).toBe(view.json().version + 1);
    } else {
      if (want === BAD) expect(r.json().issues?.[0]?.path).toBe('action');
      // a refused step writes nothing: no case, timeline entry, notification or audit entry
      expect(await rowCounts()).toEqual(before);
    }
  });
});

describe('two people at once, stale versions, retried submissions', () => {
  it('return and report-back at once by the assignee: one wins, the other is told the case moved on', async () => {
    // Assigned to the community worker, who reads the case whatever happens to it. (Were the
    // assignee the co-building unit, which reads nothing but its own cases, a winning `return`
    // would leave its `feedback` no case to find: 404, not 409.)
    const { id } = await drive('event', 'accepted');
    await act('worker', id, { action: 'dispatch', assigneeUserId: uid.worker });
    await act('worker', id, { action: 'sign' });
    const [a, b] = await Promise.all([
      as.worker.post(`/api/cases/${id}/transitions`, { action: 'return', comment: '不属于本单位职责' }),
      as.worker.post(`/api/cases/${id}/transitions`, { action: 'feedback', comment: '已处置完毕' }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const loser = a.statusCode === 409 ? a : b;
    expect(loser.json().code).toBe('CASE_CONFLICT');
    const kinds = (
      await t.db.selectFrom('caseEvents').select('kind').where('caseId', '=', id).orderBy('id').execute()
    ).map((e) => e.kind);
    expect(kinds.slice(0, 4)).toEqual(['report', 'accept', 'dispatch', 'sign']);
    // one entry, the winner's
    expect(kinds.slice(4)).toEqual([a.statusCode === 200 ? 'return' : 'feedback']);
  });

  it('a step sent with a stale If-Match answers 412 and changes nothing; the current version goes through', async () => {
    const { id } = await drive('event', 'handling');
    const seen = await as.sec.get(`/api/cases/${id}`);
    expect(seen.headers.etag).toBe(`"${seen.json().version}"`);
    await act('unit', id, { action: 'comment', comment: '正在处理' }); // someone else acts meanwhile
    const before = await rowCounts();
    const ifMatch = (etag: unknown) => ({ 'if-match': String(etag) });
    const stale = await as.sec.post(
      `/api/cases/${id}/transitions`,
      { action: 'supervise' },
      ifMatch(seen.headers.etag),
    );
    expect(stale.statusCode).toBe(412);
    expect(stale.json().code).toBe('STALE_VERSION');
    expect(await rowCounts()).toEqual(before);
    const current = await as.sec.get(`/api/cases/${id}`);
    const ok = await as.sec.post(
      `/api/cases/${id}/transitions`,
      { action: 'supervise' },
      ifMatch(current.headers.etag),
    );
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().supervisionLevel).toBe(1);
  });

  it('an Idempotency-Key replayed with the same body gives the same case; with another body 422', async () => {
    const body = { type: 'event', category: 'order.parking', title: '人行道违停' };
    const key = { 'idempotency-key': 'matrix-retry-0001' };
    const first = await as.gridA.post('/api/cases', body, key);
    expect(first.statusCode, first.body).toBe(201);
    const before = await rowCounts();
    const again = await as.gridA.post('/api/cases', body, key);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    const other = await as.gridA.post('/api/cases', { ...body, title: '小区出入口乱停车' }, key);
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('IDEMPOTENCY_MISMATCH');
    expect(await rowCounts()).toEqual(before);
    // the key is the user's own: another user's same key is another submission
    const theirs = await as.gridB.post('/api/cases', body, key);
    expect(theirs.statusCode).toBe(201);
    expect(theirs.json().id).not.toBe(first.json().id);
  });

  it('a submission retried while the first is still being written makes one case', async () => {
    const body = { type: 'event', category: 'order.parking', title: '双击提交' };
    const key = { 'idempotency-key': 'matrix-double-0001' };
    const before = await rowCounts();
    const [a, b] = await Promise.all([
      as.gridA.post('/api/cases', body, key),
      as.gridA.post('/api/cases', body, key),
    ]);
    expect([a.statusCode, b.statusCode].sort(), `${a.body} ${b.body}`).toEqual([200, 201]);
    expect(a.json().id).toBe(b.json().id);
    expect((await rowCounts()).cases).toBe(before.cases + 1);
  });
});

/** A valid 公民身份号码 (GB 11643) from its first 17 digits. */
const idNo = (first17: string) => first17 + idCheckDigit(first17);

describe('disputes: parties masked, encrypted, revealed with a purpose; duplicates merged', () => {
  const ID = idNo('43068119800315272');
  const PHONE = '13873015678';
  let id: number;

  beforeAll(async () => {
    const r = await as.gridA.post('/api/cases', {
      type: 'dispute',
      category: '0203',
      title: '卫生间漏水引发邻里纠纷',
      parties: [
        { role: 'applicant', name: '张三', idNumber: ID, phone: PHONE, address: '友谊花园1栋' },
        { role: 'respondent', name: '李四' },
      ],
    });
    expect(r.statusCode, r.body).toBe(201);
    id = r.json().id;
  });

  it('shows ID number and phone masked, in the case and nowhere in clear in the timeline', async () => {
    for (const who of ['gridA', 'worker', 'street'] as const) {
      const c = (await as[who].get(`/api/cases/${id}`)).json();
      expect(c.parties[0]).toMatchObject({
        name: '张三',
        idNumber: `${ID[0]}${'*'.repeat(15)}${ID.slice(-2)}`,
        phone: `${PHONE.slice(0, 3)}****${PHONE.slice(-4)}`,
      });
      expect(c.parties[1]).toMatchObject({ name: '李四', idNumber: null, phone: null });
      const tl = await as[who].get(`/api/cases/${id}/timeline`);
      expect(tl.statusCode).toBe(200);
      expect(tl.body).not.toContain(ID);
      expect(tl.body).not.toContain(PHONE);
    }
  });

  it('stores them only encrypted: no column of the case, its parties, timeline or audit holds them', async () => {
    const dump = await sql<{ j: string }>`
      SELECT (SELECT json_agg(p)::text FROM dispute_parties p WHERE p.case_id = ${id}) ||
             (SELECT row_to_json(c)::text FROM cases c WHERE c.id = ${id}) ||
             (SELECT json_agg(e)::text FROM case_events e WHERE e.case_id = ${id}) ||
             (SELECT coalesce(json_agg(a), '[]')::text FROM audit_log a WHERE a.entity_type = 'case' AND a.entity_id = ${String(id)}) AS j`.execute(
      t.db,
    );
    const text = dump.rows[0]!.j;
    expect(text).not.toContain(ID);
    expect(text).not.toContain(PHONE);
    const p = await t.db
      .selectFrom('disputeParties')
      .selectAll()
      .where('caseId', '=', id)
      .orderBy('id')
      .execute();
    expect(p[0]!.idEnc).toBeTruthy();
    expect(p[0]!.phoneEnc).toBeTruthy();
    expect(p[0]!.idTail).toBe(ID.slice(-6));
  });

  it('reveals a value to dispute.reveal holders with a purpose, audited without the value', async () => {
    const c = (await as.worker.get(`/api/cases/${id}`)).json();
    const partyId = c.parties[0].id;
    const noPurpose = await as.worker.post(`/api/cases/${id}/reveal`, { field: 'partyIdNumber', partyId });
    expect(noPurpose.statusCode).toBe(400);
    expect(noPurpose.json().issues.map((i: { path: string }) => i.path)).toContain('purpose');

    const r = await as.worker.post(`/api/cases/${id}/reveal`, {
      field: 'partyIdNumber',
      partyId,
      purpose: '核实当事人身份以出具调解协议',
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().value).toBe(ID);
    const phone = await as.worker.post(`/api/cases/${id}/reveal`, {
      field: 'partyPhone',
      partyId,
      purpose: '电话通知调解时间',
    });
    expect(phone.json().value).toBe(PHONE);

    const audit = await t.db
      .selectFrom('auditLog')
      .select(['action', 'actorId', 'detail'])
      .where('action', '=', 'case.reveal')
      .where('entityId', '=', String(id))
      .orderBy('seq')
      .execute();
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({
      actorId: uid.worker,
      detail: { field: 'partyIdNumber', partyId, purpose: '核实当事人身份以出具调解协议' },
    });
    expect(JSON.stringify(audit)).not.toContain(ID);
    expect(JSON.stringify(audit)).not.toContain(PHONE);
  });

  it('refuses to reveal to a grid worker, who sees the dispute but holds no dispute.reveal', async () => {
    const c = (await as.gridA.get(`/api/cases/${id}`)).json();
    const before = await rowCounts();
    const r = await as.gridA.post(`/api/cases/${id}/reveal`, {
      field: 'partyIdNumber',
      partyId: c.parties[0].id,
      purpose: '核实身份',
    });
    expect(r.statusCode).toBe(403);
    expect(r.json().code).toBe('FORBIDDEN');
    expect(await rowCounts()).toEqual(before);
    // and to someone who cannot see the case at all, it does not exist
    const other = await as.other.post(`/api/cases/${id}/reveal`, {
      field: 'partyIdNumber',
      partyId: c.parties[0].id,
      purpose: '核实身份',
    });
    expect(other.statusCode).toBe(404);
  });

  it('rejects a party ID number that fails its check digit, naming parties.N.idNumber, in zh and en', async () => {
    const bad = `${ID.slice(0, 17)}${ID[17] === '0' ? '1' : '0'}`;
    const body = {
      type: 'dispute',
      category: '0202',
      title: '楼上楼下噪音纠纷',
      parties: [{ role: 'applicant', name: '王五', idNumber: bad }],
    };
    const before = await rowCounts();
    const zh = await as.gridA.post('/api/cases', body);
    expect(zh.statusCode).toBe(400);
    expect(zh.json().code).toBe('VALIDATION_FAILED');
    expect(zh.json().issues[0].path).toBe('parties.0.idNumber');
    expect(zh.json().message).toContain('parties.0.idNumber');
    expect(zh.json().issues[0].message).toMatch(/[\u4e00-\u9fa5]/);
    const en = await as.gridA.post('/api/cases', body, { 'accept-language': 'en' });
    expect(en.json().issues[0].path).toBe('parties.0.idNumber');
    expect(en.json().issues[0].message).not.toMatch(/[\u4e00-\u9fa5]/);
    expect(await rowCounts()).toEqual(before);
  });

  it('rejecting as a duplicate merges into the case it repeats, which records the merge', async () => {
    const dup = await as.gridA.post('/api/cases', {
      type: 'dispute',
      category: '0203',
      title: '卫生间漏水（重复上报）',
      parties: [{ role: 'applicant', name: '张三' }],
    });
    const dupId = dup.json().id;
    const noTarget = await as.worker.post(`/api/cases/${dupId}/transitions`, {
      action: 'reject',
      reason: 'duplicate',
      comment: '与已受理的纠纷重复',
    });
    expect(noTarget.statusCode).toBe(400);
    expect(noTarget.json().issues[0].path).toBe('duplicateOfId');
    const r = await as.worker.post(`/api/cases/${dupId}/transitions`, {
      action: 'reject',
      reason: 'duplicate',
      duplicateOfId: id,
      comment: '与已受理的纠纷重复',
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ state: 'rejected', mergedIntoId: id });
    const tl = (await as.worker.get(`/api/cases/${id}/timeline`)).json();
    const merge = tl.filter((e: { kind: string }) => e.kind === 'merge');
    expect(merge).toHaveLength(1);
    expect(merge[0].data).toMatchObject({ mergedId: dupId, mergedNo: dup.json().no });
  });
});
