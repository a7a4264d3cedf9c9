import { sql } from 'kysely';
import type { CaseState } from '../../../contract/cases.js';
import { Actor } from '../../platform/access/actor.js';
import { writeAudit } from '../../platform/audit/audit.js';
import type { Conn } from '../../platform/db/index.js';
import type { Services } from '../../platform/services.js';
import { deliver, type Message } from '../notifications/notifications.js';
import { type CaseRow, type CaseTypeDef, perm } from './definition.js';
import { ancestorsOf, holdersAt, levelNode, notify } from './notify.js';
import { caseTypesOf } from './registry.js';
import { levelAt, nextAt, slaThresholds, type TimingStore } from './timing.js';

export const SYSTEM_ACTOR = new Actor(0, 'system', '系统', []);
const AUDIT_CTX = { actorId: null, actorName: 'system', ip: null, requestId: null };

export const LEVEL_TEXT = [
  null,
  { zh: '黄牌预警：即将超时', en: 'Yellow card: the deadline is near' },
  { zh: '红牌督办：已超时，已上报上级', en: 'Red card: overdue, escalated to the next level' },
  { zh: '超期督办：超时 5 个工作日，已上报街道', en: 'Overdue 5 working days: escalated to the street' },
];

/**
 * Marks cases whose stage nears or passes its deadline and escalates them: yellow (assignee and
 * owner), red (the community's supervisors), red + 5 working days (the street's). It reads only
 * cases whose next threshold has passed (`sla_next_at`, indexed), locks them with SKIP LOCKED so
 * several instances share the work without doing it twice, and derives the level from the
 * stored deadlines and now — after downtime it catches up in one pass.
 */
export async function sweep(
  s: Services,
  timings: TimingStore,
  opts: { batch?: number; maxBatches?: number } = {},
): Promise<{ escalated: number; checked: number }> {
  const batch = opts.batch ?? 500;
  const timing = await timings.get();
  const types = caseTypesOf(s);
  let escalated = 0;
  let checked = 0;
  for (let b = 0; b < (opts.maxBatches ?? 1000); b++) {
    const now = s.clock.now();
    const sent: Message[] = [];
    const n = await s.db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('cases')
        .selectAll()
        .where('slaNextAt', '<=', now)
        .orderBy('slaNextAt')
        .limit(batch)
        .forUpdate()
        .skipLocked()
        .execute();
      for (const c of rows) {
        checked++;
        const state = c.state as CaseState;
        if (!c.stageDueAt || !c.stageStartedAt) {
          await trx.updateTable('cases').set({ slaNextAt: null }).where('id', '=', c.id).execute();
          continue;
        }
        const t = slaThresholds(timing.calendar, state, c.stageStartedAt, c.stageDueAt);
        const level = levelAt(t, now);
        const next = nextAt(t, level);
        if (level <= c.slaLevel) {
          await trx.updateTable('cases').set({ slaNextAt: next }).where('id', '=', c.id).execute();
          continue;
        }
        escalated++;
        await escalate(trx as Conn, types.def(c.type), c, level, next, now, sent);
      }
      return rows.length;
    });
    await deliver(s, sent);
    if (n < batch) break;
  }
  return { escalated, checked };
}

async function escalate(
  trx: Conn,
  def: CaseTypeDef,
  c: CaseRow,
  level: number,
  next: Date | null,
  now: Date,
  sent: Message[],
) {
  const supervision = Math.max(c.supervisionLevel, level - 1);
  // A new version: the card shows, and a transition decided on the case before it (say a
  // supervisor's 督办 raising the level) must decide again rather than undo it.
  await trx
    .updateTable('cases')
    .set({
      slaLevel: level,
      slaNextAt: next,
      supervisionLevel: supervision,
      version: sql`version + 1`,
      updatedAt: now,
    })
    .where('id', '=', c.id)
    .execute();
  const text = LEVEL_TEXT[level]!;
  await trx
    .insertInto('caseEvents')
    .values({
      caseId: c.id,
      at: now,
      actorUserId: null,
      actorName: '系统',
      kind: 'escalate',
      fromState: null,
      toState: null,
      comment: text.zh,
      data: JSON.stringify({ level, from: c.slaLevel, stageDueAt: c.stageDueAt?.toISOString() }),
      lat: null,
      lng: null,
    })
    .execute();
  const recipients: (number | null)[] = [c.assigneeUserId ?? c.ownerUserId];
  const anc = await ancestorsOf(trx, c.areaPath);
  if (!c.assigneeUserId && !c.ownerUserId) {
    // Nobody has taken it yet: those who accept cases where it was reported hear of it.
    const levels = anc.filter((a) => !['street', 'district'].includes(a.kind)).map((a) => a.id);
    recipients.push(...(await holdersAt(trx, perm(def.code, 'accept'), levels)));
  }
  if (level >= 2) {
    const up = [levelNode(anc, 'community')];
    if (level >= 3) up.push(levelNode(anc, 'street'));
    recipients.push(
      ...(await holdersAt(
        trx,
        perm(def.code, 'supervise'),
        up.filter((x): x is number => x !== null),
      )),
    );
  }
  await notify(trx, c, recipients, null, { kind: 'escalate', textZh: text.zh, textEn: text.en }, now, sent);
  await writeAudit(
    trx,
    AUDIT_CTX,
    { action: 'case.escalate', entityType: 'case', entityId: c.id, detail: { no: c.no, level } },
    now,
  );
}

/** Runs the sweep now (catching up after downtime) and every `everyMs`; returns the stop function. */
export function startSweep(s: Services, timings: TimingStore, everyMs = 60_000): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const r = await sweep(s, timings);
      if (r.escalated > 0) s.log.info(`case sweep: ${r.escalated} escalated`);
    } catch (e) {
      s.log.warn(`case sweep failed: ${(e as Error)?.message ?? e}`);
    } finally {
      running = false;
    }
  };
  void run();
  const timer = setInterval(() => void run(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
