import { createHash, randomBytes } from 'node:crypto';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { leaves } from '../../../contract/case-codes.js';
import {
  type CaseAction,
  type CaseCreate,
  type CaseState,
  type CaseTransition,
  STATE_LABELS,
  type TimelineKind,
} from '../../../contract/cases.js';
import { checkIdNumber, checkPhone } from '../../../contract/identifiers.js';
import { areaIdInScope, pathInScope } from '../../platform/access/scope.js';
import { auditRow } from '../../platform/audit/audit.js';
import { insertFrom, prepared, type Tx } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors/app-error.js';
import { RequestValidationError } from '../../platform/http/errors.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';
import { chinaDate } from '../calendar/calendar.js';
import { deliver, type Message } from '../notifications/notifications.js';
import { type Around, aroundColumns } from './around.js';
import { type CaseRow, type CaseTypeDef, perm, stageOf } from './definition.js';
import { ancestorsOf, holdersAt, levelNode, messagesOf, notice, notify } from './notify.js';
import { type CaseTypeRegistry, caseTypesOf } from './registry.js';
import { relationsOf, verdict, visibleTo } from './rules.js';
import { separationFor } from './separation.js';
import { slaThresholds, type Timing, type TimingStore } from './timing.js';

/** Who the engine acts for when no user does: the sweep, Open311 clients. */
export interface Origin {
  channel?: 'open311';
  /** Scope for locating the grid (Open311: the key's area). */
  areaPath?: string;
  areaId?: number;
  contactEmail?: string;
  token?: string;
}

const field = (path: string, zh: string, en: string, lang: 'zh' | 'en') =>
  new AppError('VALIDATION_FAILED', { fields: path }, [
    { path, code: 'custom', message: lang === 'zh' ? zh : en },
  ]);

/**
 * A report's body as its type declares it (`CaseTypeDef.input`: the common fields, its detail,
 * fields of its own such as a dispute's parties, with their defaults); a type no module declares
 * is refused on `type`. The route reads only the type first (`CaseCreateHead`).
 */
export function parseReport(types: CaseTypeRegistry, body: { type: string }, lang: 'zh' | 'en'): CaseCreate {
  const def = types.find(body.type);
  if (!def)
    throw new RequestValidationError(
      [
        {
          code: 'custom',
          path: ['type'],
          message: lang === 'zh' ? '没有这种案件类型' : 'Unknown case type',
          input: body.type,
        },
      ],
      'body',
    );
  const parsed = def.input.safeParse(body);
  if (!parsed.success) throw new RequestValidationError(parsed.error.issues, 'body');
  return parsed.data as CaseCreate;
}

function caseNo(def: CaseTypeDef, id: number, at: Date): string {
  return `${def.prefix}${chinaDate(at).replaceAll('-', '')}${String(id).padStart(7, '0')}`;
}

function hashBody(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

/**
 * Stage clock fields for a case entering `state` at `at`. The level starts at 0 and the next
 * check is the first threshold: when the stage is entered already late (a late dispatch, a
 * reopened case), that instant has passed and the sweep escalates it at once, with its timeline
 * entry and notifications, like any other.
 */
function stageFields(
  timing: Timing,
  def: CaseTypeDef,
  c: Pick<CaseRow, 'category' | 'urgency' | 'dueAt' | 'acceptDueAt'>,
  state: CaseState,
  at: Date,
) {
  const due = timing.stageDue(def, c, state, at);
  if (!due) return { stageStartedAt: null, stageDueAt: null, slaLevel: 0, slaNextAt: null };
  const t = slaThresholds(timing.calendar, state, at, due);
  return { stageStartedAt: at, stageDueAt: due, slaLevel: 0, slaNextAt: t[0] ?? null };
}

interface EventInput {
  from?: CaseState | null;
  to?: CaseState | null;
  comment?: string | null;
  data?: Record<string, unknown>;
  location?: { lat: number; lng: number } | undefined;
  actorName?: string;
}

/** A timeline entry's row. */
function eventRow(ctx: Ctx, caseId: number, kind: TimelineKind, at: Date, e: EventInput) {
  return {
    caseId,
    at,
    actorUserId: ctx.actor.userId > 0 ? ctx.actor.userId : null,
    actorName: e.actorName ?? ctx.actor.displayName,
    kind,
    fromState: e.from ?? null,
    toState: e.to ?? null,
    comment: e.comment ?? null,
    data: JSON.stringify(e.data ?? {}),
    lat: e.location?.lat ?? null,
    lng: e.location?.lng ?? null,
  };
}

/** Attempts of a transition that lost the case to a concurrent change before it is refused. */
const ATTEMPTS = 5;

export function caseEngine(s: Services, timings: TimingStore) {
  const types = caseTypesOf(s);
  const defOf = (type: string) => types.def(type);

  /** Links uploaded attachments (the uploader's own, not yet used) to a case and timeline entry. */
  async function link(trx: Tx, ctx: Ctx, ids: number[] | undefined, caseId: number, eventId: number) {
    if (!ids || ids.length === 0) return;
    const r = await trx
      .updateTable('caseAttachments')
      .set({ caseId, eventId })
      .where('id', 'in', ids)
      .where('uploadedBy', '=', ctx.actor.userId)
      .where('caseId', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== new Set(ids).size)
      throw field('attachmentIds', '附件不存在或已被使用', 'Unknown or already used attachment', ctx.lang);
  }

  async function timeline(trx: Tx, ctx: Ctx, caseId: number, kind: TimelineKind, at: Date, e: EventInput) {
    const row = await trx
      .insertInto('caseEvents')
      .values(eventRow(ctx, caseId, kind, at, e))
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** The node a new case belongs to: the given one (in scope), or the grid found from the point. */
  async function placeOf(trx: Tx, ctx: Ctx, def: CaseTypeDef, input: CaseCreate, origin?: Origin) {
    const reportPerm = perm(def.code, 'report');
    const scope = origin?.areaPath
      ? sql<SqlBool>`a.path <@ ${origin.areaPath}::ltree`
      : pathInScope(ctx.actor, reportPerm, 'a.path');
    if (input.areaId !== undefined) {
      const a = await trx
        .selectFrom('areas as a')
        .select(['a.id', 'a.path'])
        .where('a.id', '=', input.areaId)
        .where('a.status', '=', 'active')
        .where(scope)
        .executeTakeFirst();
      if (!a)
        throw field(
          'areaId',
          '所选区域不存在或不在您的范围内',
          'Unknown area or outside your scope',
          ctx.lang,
        );
      return a;
    }
    if (input.location) {
      // The grid whose boundary holds the point (the deepest, then the first), within scope.
      const a = await trx
        .selectFrom('areas as a')
        .select(['a.id', 'a.path'])
        .where('a.kind', '=', 'grid')
        .where('a.status', '=', 'active')
        .where(sql<SqlBool>`a.boundary @> point(${input.location.lng}, ${input.location.lat})`)
        .where(scope)
        .orderBy('a.depth', 'desc')
        .orderBy('a.id')
        .limit(1)
        .executeTakeFirst();
      if (a) return { id: a.id, path: a.path };
    }
    // An Open311 request without a point is filed at the key's area; a point outside its grids is refused.
    if (origin?.areaId && origin.areaPath && !input.location)
      return { id: origin.areaId, path: origin.areaPath };
    // One place to report in (a resident's home, a grid worker's only grid): use it.
    const paths = ctx.actor.pathsFor(reportPerm);
    if (paths.length === 1 && !input.location) {
      const id = Number(paths[0]!.split('.').pop());
      return { id, path: paths[0]! };
    }
    throw new AppError('CASE_NO_AREA', {}, [
      { path: 'areaId', code: 'custom', message: ctx.lang === 'zh' ? '请选择所属区域' : 'Choose the area' },
    ]);
  }

  function encryptParty(ctx: Ctx, p: NonNullable<CaseCreate['parties']>[number], i: number) {
    let idEnc: string | null = null;
    let idHash: string | null = null;
    let idTail: string | null = null;
    if (p.idNumber) {
      const r = checkIdNumber(p.idNumber, s.clock.now());
      if (!r.ok) throw field(`parties.${i}.idNumber`, r.message.zh, r.message.en, ctx.lang);
      idEnc = s.keyring.encrypt(r.value);
      idHash = s.keyring.lookupHash(r.value);
      idTail = r.value.slice(-6);
    }
    let phoneEnc: string | null = null;
    let phoneTail: string | null = null;
    if (p.phone) {
      const r = checkPhone(p.phone);
      if (!r.ok) throw field(`parties.${i}.phone`, r.message.zh, r.message.en, ctx.lang);
      phoneEnc = s.keyring.encrypt(r.value);
      phoneTail = r.value.slice(-4);
    }
    return { idEnc, idHash, idTail, phoneEnc, phoneTail };
  }

  return {
    timings,

    /** 上报: a new case in `reported`, its deadlines, timeline, notifications and audit in one transaction. */
    async create(ctx: Ctx, input: CaseCreate, opts: { idempotencyKey?: string; origin?: Origin } = {}) {
      const def = defOf(input.type);
      const origin = opts.origin;
      if (!origin && !ctx.actor.can(perm(def.code, 'report'))) throw new AppError('FORBIDDEN');
      if (!leaves(def.categories).some((c) => c.code === input.category))
        throw field('category', '请选择具体的分类', 'Choose a category from the list', ctx.lang);
      const isStaff = !origin && ctx.actor.can(perm(def.code, 'accept'));
      if (!isStaff && (input.channel === 'window' || input.channel === 'phone' || input.reporterPersonId))
        throw field(
          'channel',
          '只有工作人员可以代居民登记',
          'Only staff register on behalf of residents',
          ctx.lang,
        );
      if (input.public && def.publicity === 'never')
        throw field(
          'public',
          `${def.zh}不对外公开`,
          `A ${def.en.toLowerCase()} is never shown outside`,
          ctx.lang,
        );
      let phone: string | null = null;
      if (input.contactPhone) {
        const r = checkPhone(input.contactPhone);
        if (!r.ok) throw field('contactPhone', r.message.zh, r.message.en, ctx.lang);
        phone = r.value;
      }
      const timing = await timings.get();
      const bodyHash = opts.idempotencyKey ? hashBody(input) : null;

      const sent: Message[] = [];
      const created = await inTx(s, ctx, async (trx, audit) => {
        if (opts.idempotencyKey) {
          // A retry sent while the first submission is still being written waits for it here and
          // then replays it (without the lock both insert a case and one fails on the key: 500).
          await sql`SELECT pg_advisory_xact_lock(hashtext(${`jiayuan:idem:${ctx.actor.userId}:${opts.idempotencyKey}`}))`.execute(
            trx,
          );
          const prior = await trx
            .selectFrom('idempotencyKeys')
            .select(['bodyHash', 'entityId'])
            .where('userId', '=', ctx.actor.userId)
            .where('key', '=', opts.idempotencyKey)
            .executeTakeFirst();
          if (prior) {
            if (prior.bodyHash !== bodyHash) throw new AppError('IDEMPOTENCY_MISMATCH');
            return { id: prior.entityId, replayed: true };
          }
        }
        const now = s.clock.now();
        const place = await placeOf(trx, ctx, def, input, origin);
        // People linked from the registry must be ones the actor may see.
        const linked: [string, number][] = [];
        if (input.reporterPersonId) linked.push(['reporterPersonId', input.reporterPersonId]);
        if (input.type === 'dispute')
          (input.parties ?? []).forEach((p, i) => {
            if (p.personId) linked.push([`parties.${i}.personId`, p.personId]);
          });
        for (const [path, personId] of linked) {
          const p = await trx
            .selectFrom('people as p')
            .select('p.id')
            .where('p.id', '=', personId)
            .where(areaIdInScope(ctx.actor, 'person.read', 'p.areaId'))
            .executeTakeFirst();
          if (!p)
            throw field(
              path,
              '登记的人员不存在或不在您的范围内',
              'Unknown person or outside your scope',
              ctx.lang,
            );
        }
        const { acceptDueAt, dueAt, clockFrom } = timing.plan(def, { ...input, reportedAt: now });
        const idRow = await sql<{
          id: number;
        }>`SELECT nextval(pg_get_serial_sequence('cases', 'id'))::bigint AS id`.execute(trx);
        const id = Number(idRow.rows[0]!.id);
        // A finding of a visit or patrol: the actor's own, or one they may read.
        if (input.source) {
          const own =
            input.source.kind === 'visit'
              ? await trx
                  .selectFrom('visits')
                  .select('id')
                  .where('id', '=', input.source.id)
                  .where(
                    sql<SqlBool>`(visitor_user_id = ${ctx.actor.userId} OR area_path <@ ${sql.val(ctx.actor.pathsFor('visit.read'))}::ltree[])`,
                  )
                  .executeTakeFirst()
              : await trx
                  .selectFrom('patrols')
                  .select('id')
                  .where('id', '=', input.source.id)
                  .where('userId', '=', ctx.actor.userId)
                  .executeTakeFirst();
          if (!own) throw field('source.id', '来源的走访或巡查不存在', 'No such visit or patrol', ctx.lang);
        }
        const channel =
          origin?.channel ??
          input.channel ??
          (input.source?.kind === 'visit' ? 'visit' : undefined) ??
          (isStaff ? 'staff' : ctx.actor.can('person.update') ? 'grid' : 'resident');
        const ownsFirst = isStaff && ctx.actor.canAt(perm(def.code, 'accept'), place.path);
        const base = { category: input.category, urgency: input.urgency, dueAt, acceptDueAt };
        const row = await trx
          .insertInto('cases')
          .values({
            id,
            no: caseNo(def, id, now),
            type: def.code,
            category: input.category,
            urgency: input.urgency,
            state: 'reported',
            title: input.title,
            description: input.description,
            areaId: place.id,
            areaPath: place.path,
            lat: input.location?.lat ?? null,
            lng: input.location?.lng ?? null,
            address: input.address ?? null,
            channel,
            reporterUserId: origin ? null : ctx.actor.userId,
            reporterPersonId: input.reporterPersonId ?? null,
            contactName: input.contactName ?? null,
            contactPhoneEnc: phone ? s.keyring.encrypt(phone) : null,
            contactPhoneTail: phone ? phone.slice(-4) : null,
            // The resident channel finds a resident's Open311 requests by it (docs/residents.md).
            contactPhoneHash: phone ? s.keyring.lookupHash(phone) : null,
            contactEmailEnc: origin?.contactEmail ? s.keyring.encrypt(origin.contactEmail) : null,
            // 首问: staff who take a case own it until someone else accepts it.
            ownerUserId: ownsFirst ? ctx.actor.userId : null,
            detail: JSON.stringify(input.detail ?? {}),
            reportedAt: now,
            acceptDueAt,
            dueAt,
            clockFrom,
            externalToken: origin?.token ?? null,
            sourceKind: input.source?.kind ?? null,
            sourceId: input.source?.id ?? null,
            public: def.publicity === 'public' && input.public !== false,
            ...stageFields(timing, def, base, 'reported', now),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        if (input.type === 'dispute') {
          await trx
            .insertInto('disputeParties')
            .values(
              (input.parties ?? []).map((p, i) => ({
                caseId: id,
                role: p.role,
                personId: p.personId ?? null,
                name: p.name,
                address: p.address ?? null,
                ...encryptParty(ctx, p, i),
              })),
            )
            .execute();
        }
        const eventId = await timeline(trx, ctx, id, 'report', now, {
          to: 'reported',
          comment: input.description || null,
          data: { channel },
          location: input.location,
          actorName: origin?.channel === 'open311' ? (ctx.audit.actorName ?? 'Open311') : undefined,
        });
        await link(trx, ctx, input.attachmentIds, id, eventId);
        // Those who accept cases where it was reported hear of it (grid and community level).
        const ancestors = await ancestorsOf(trx, place.path);
        const levels = ancestors.filter((a) => !['street', 'district'].includes(a.kind)).map((a) => a.id);
        const acceptors = await holdersAt(trx, perm(def.code, 'accept'), levels);
        await notify(
          trx,
          row,
          acceptors,
          ctx.actor.userId,
          {
            kind: 'report',
            state: 'reported',
            actor: origin?.channel === 'open311' ? 'Open311' : ctx.actor.displayName,
          },
          now,
          sent,
        );
        if (opts.idempotencyKey) {
          await trx
            .insertInto('idempotencyKeys')
            .values({ userId: ctx.actor.userId, key: opts.idempotencyKey, bodyHash: bodyHash!, entityId: id })
            .execute();
        }
        await audit({
          action: 'case.report',
          entityType: 'case',
          entityId: id,
          detail: { no: row.no, type: def.code, category: input.category, channel },
        });
        return { id, replayed: false };
      });
      await deliver(s, sent);
      return created;
    },

    /**
     * One step of the flow: read the case, decide (the type's rules, the actor's permission and
     * relation), then write everything the step changes in one statement that applies only to
     * the version decided on. When another change got there first (two workers accepting at
     * once), it reads and decides again: the loser is then refused with 409, nothing doubled.
     * No row lock is held while the app decides.
     */
    async transition(
      ctx: Ctx,
      caseId: number,
      input: CaseTransition,
      ifMatch?: number,
    ): Promise<{ row: CaseRow; around: Around }> {
      const timing = await timings.get();
      const separation = await separationFor(s).get();
      for (let attempt = 1; ; attempt++) {
        const [c] = await prepared(
          s.db,
          s.db
            .selectFrom('cases as c')
            .selectAll('c')
            .where('c.id', '=', caseId)
            .where(visibleTo(ctx.actor, types.codes)),
        );
        if (!c) throw new AppError('NOT_FOUND');
        if (ifMatch !== undefined && ifMatch !== c.version) throw new AppError('STALE_VERSION');
        const def = defOf(c.type);
        const now = s.clock.now();
        const v = verdict(ctx.actor, c, def, input.action, now, separation);
        if (!v.ok) {
          if (v.why === 'unknown')
            throw field('action', '此类案件没有该操作', 'This kind of case has no such action', ctx.lang);
          if (v.why === 'state') throw conflict(ctx, c);
          if (v.why === 'forbidden') throw new AppError('FORBIDDEN');
          if (v.why === 'rule') throw new AppError('CASE_RULE', { zh: v.refusal.zh, en: v.refusal.en });
          throw new AppError('FORBIDDEN');
        }
        const eff = await effects(ctx, c, def, input, now, timing);
        const to =
          eff.to ??
          (def.actions[input.action]!.to === 'same'
            ? (c.state as CaseState)
            : (def.actions[input.action]!.to as CaseState));
        const moved = to !== c.state;
        const patch: Record<string, unknown> = { ...eff.patch };
        if (moved || eff.restartStage) {
          Object.assign(
            patch,
            stageFields(timing, def, { ...c, ...(eff.patch as Partial<CaseRow>) }, to, now),
          );
        } else if (eff.patch.dueAt && stageOf(to) === 'handle') {
          // An approved extension moves the running handling stage's deadline.
          Object.assign(
            patch,
            stageFields(timing, def, { ...c, dueAt: eff.patch.dueAt as Date }, to, c.stageStartedAt ?? now),
          );
        }
        const raised = await raise(ctx, c, def, input, now, timing);
        const heard = notice(c, eff.notify, ctx.actor.userId, {
          kind: input.action,
          state: to,
          actor: ctx.actor.displayName,
          assigneeUserId:
            input.action === 'dispatch' ? (eff.patch.assigneeUserId as number) : c.assigneeUserId,
          reporterUserId: c.reporterUserId,
          data: eff.data,
          comment: input.comment ?? null,
        });
        const updated = await apply(
          ctx,
          c,
          { ...patch, state: to, version: c.version + 1, updatedAt: now },
          {
            event: eventRow(ctx, c.id, input.action, now, {
              from: c.state as CaseState,
              to: moved ? to : null,
              comment: input.comment ?? null,
              data: raised ? { ...eff.data, raisedId: raised.id, raisedNo: raised.no } : eff.data,
              location: input.location,
            }),
            extraEvents: eff.events ?? [],
            raised,
            attachmentIds: [...new Set(input.attachmentIds ?? [])],
            notice: heard,
            audit: auditRow(
              ctx.audit,
              {
                action: `case.${input.action}`,
                entityType: 'case',
                entityId: c.id,
                detail: { no: c.no, from: c.state, to, ...eff.data },
              },
              now,
            ),
          },
        );
        if (updated) {
          await deliver(s, messagesOf(heard));
          return updated;
        }
        if (attempt === ATTEMPTS) throw conflict(ctx, c);
      }
    },
  };

  /** 延期 within the legal limit (`CaseTypeDef.latestDue`): refused on `amount` past it. */
  function beyondLegal(
    ctx: Ctx,
    def: CaseTypeDef,
    c: CaseRow,
    timing: Timing,
    amount: number,
    unit: 'wday' | 'whour',
  ) {
    const latest = timing.latest(def, c);
    if (!latest) return;
    const after = timing.calendar.add(c.dueAt, { amount, unit });
    if (after.getTime() > latest.getTime()) {
      const day = chinaDate(latest);
      throw field(
        'amount',
        `延期后超过法定办结时限（${day}），不能延期`,
        `The extension would run past the legal limit (${day})`,
        ctx.lang,
      );
    }
  }

  /**
   * The case an action raises (`ActionDef.raises`), as rows written by the transition's own
   * statement: the case in `reported` with its type's deadlines, its report entry and audit.
   */
  async function raise(
    ctx: Ctx,
    c: CaseRow,
    def: CaseTypeDef,
    input: CaseTransition,
    now: Date,
    timing: Timing,
  ) {
    const r = def.actions[input.action]?.raises?.(c, input) ?? null;
    if (!r) return null;
    const rdef = defOf(r.type);
    const idRow = await sql<{
      id: number;
    }>`SELECT nextval(pg_get_serial_sequence('cases', 'id'))::bigint AS id`.execute(s.db);
    const id = Number(idRow.rows[0]!.id);
    const base = { category: r.category, urgency: 'normal' as const, reportedAt: now, detail: r.detail };
    const { acceptDueAt, dueAt, clockFrom } = timing.plan(rdef, base);
    const no = caseNo(rdef, id, now);
    return {
      id,
      no,
      row: {
        id,
        no,
        type: rdef.code,
        category: r.category,
        urgency: 'normal',
        state: 'reported',
        title: r.title,
        description: r.description,
        areaId: c.areaId,
        areaPath: c.areaPath,
        channel: 'staff',
        reporterUserId: c.reporterUserId,
        reporterPersonId: c.reporterPersonId,
        contactName: c.contactName,
        ownerUserId: c.ownerUserId,
        detail: JSON.stringify(r.detail),
        reportedAt: now,
        acceptDueAt,
        dueAt,
        clockFrom,
        public: false,
        ...stageFields(
          timing,
          rdef,
          { category: r.category, urgency: 'normal', dueAt, acceptDueAt },
          'reported',
          now,
        ),
      },
      event: eventRow(ctx, id, 'report', now, {
        to: 'reported',
        comment: r.description,
        data: { raisedBy: c.id, raisedByNo: c.no },
      }),
      audit: auditRow(
        ctx.audit,
        {
          action: 'case.report',
          entityType: 'case',
          entityId: id,
          detail: { no, type: rdef.code, raisedBy: c.no },
        },
        now,
      ),
    };
  }

  function conflict(ctx: Ctx, c: CaseRow) {
    return new AppError('CASE_CONFLICT', { state: STATE_LABELS[c.state as CaseState][ctx.lang] });
  }

  /**
   * A transition's writes as one statement, so they commit together or not at all: the case's
   * update (only while it is still the version decided on), its timeline entry, the attachments
   * it carries, other timeline entries (a merge noted on the case merged into), notifications
   * and the audit entry. Every insert selects from the update, so it writes only if the update
   * did. Returns the updated case with what its page shows around it (`aroundColumns`), or null
   * when the case changed since it was read.
   */
  async function apply(
    ctx: Ctx,
    c: CaseRow,
    set: Record<string, unknown>,
    w: {
      event: ReturnType<typeof eventRow>;
      extraEvents: ReturnType<typeof eventRow>[];
      raised: Awaited<ReturnType<typeof raise>>;
      attachmentIds: number[];
      notice: ReturnType<typeof notice>;
      audit: ReturnType<typeof auditRow>;
    },
  ): Promise<{ row: CaseRow; around: Around } | null> {
    const ctes: RawBuilder<unknown>[] = [];
    const cte = (name: string, body: RawBuilder<unknown>) => {
      ctes.push(sql`${sql.table(name)} AS (${body})`);
    };
    const ids = w.attachmentIds;
    if (ids.length > 0)
      // The uploader's own attachments, not yet on a case, locked so no other change takes them.
      cte(
        'att',
        sql`SELECT id FROM case_attachments WHERE id = ANY (${ids}::bigint[]) AND uploaded_by = ${ctx.actor.userId} AND case_id IS NULL FOR UPDATE`,
      );
    const sets = Object.entries(set)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => sql`${sql.ref(k)} = ${v}`);
    cte(
      'u',
      sql`UPDATE cases SET ${sql.join(sets)} WHERE id = ${c.id} AND version = ${c.version}${
        ids.length > 0 ? sql` AND (SELECT count(*) FROM att) = ${ids.length}` : sql``
      } RETURNING *`,
    );
    cte('e', sql`${insertFrom('caseEvents', w.event, 'u')} RETURNING id`);
    for (const [i, x] of w.extraEvents.entries()) cte(`e${i}`, insertFrom('caseEvents', x, 'u'));
    if (w.raised) {
      cte('r', sql`${insertFrom('cases', w.raised.row, 'u')} RETURNING id`);
      cte('re', insertFrom('caseEvents', w.raised.event, 'r'));
      cte('ra', insertFrom('auditLog', w.raised.audit, 'r'));
    }
    if (ids.length > 0)
      cte(
        'l',
        sql`UPDATE case_attachments SET case_id = ${c.id}, event_id = e.id FROM e WHERE case_attachments.id IN (SELECT id FROM att)
          RETURNING case_attachments.id, case_attachments.event_id, name, mime, size`,
      );
    if (w.notice)
      cte(
        'n',
        insertFrom(
          'notifications',
          {
            // One row per recipient, each with their own sentence (unnest in step).
            userId: sql`unnest(${w.notice.userIds}::bigint[])`,
            ...w.notice.text,
            bodyZh: sql`unnest(${w.notice.bodyZh}::text[])`,
            bodyEn: sql`unnest(${w.notice.bodyEn}::text[])`,
            createdAt: set.updatedAt,
          },
          'u',
        ),
      );
    cte('a', insertFrom('auditLog', w.audit, 'u'));
    const [r] = await prepared(
      s.db,
      sql<
        CaseRow & Around
      >`WITH ${sql.join(ctes)} SELECT u.*, ${aroundColumns('u', ids.length > 0 ? 'l' : undefined)} FROM u`,
    );
    if (r) {
      const { aroundNames, aroundUsers, aroundAtt, aroundParties, ...row } = r;
      return { row, around: { aroundNames, aroundUsers, aroundAtt, aroundParties } };
    }
    if (ids.length > 0) {
      const free = await s.db
        .selectFrom('caseAttachments')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('id', 'in', ids)
        .where('uploadedBy', '=', ctx.actor.userId)
        .where('caseId', 'is', null)
        .executeTakeFirstOrThrow();
      if (free.n !== ids.length)
        throw field('attachmentIds', '附件不存在或已被使用', 'Unknown or already used attachment', ctx.lang);
    }
    return null;
  }

  /**
   * What each action does to the case. Pure bookkeeping of the common flow; who may act and from
   * which state was settled by the type's declaration before this runs.
   */
  async function effects(
    ctx: Ctx,
    c: CaseRow,
    def: CaseTypeDef,
    input: CaseTransition,
    now: Date,
    timing: Timing,
  ): Promise<{
    patch: Record<string, unknown>;
    data: Record<string, unknown>;
    notify: (number | null)[];
    /** Timeline entries of other cases, written with the change. */
    events?: ReturnType<typeof eventRow>[];
    to?: CaseState;
    restartStage?: boolean;
  }> {
    const parties = [c.reporterUserId, c.ownerUserId, c.assigneeUserId];
    const supervisorsOf = async () => {
      const anc = await ancestorsOf(s.db, c.areaPath);
      const community = levelNode(anc, 'community');
      return holdersAt(s.db, perm(def.code, 'supervise'), community ? [community] : []);
    };
    switch (input.action) {
      case 'accept':
        return {
          patch: { acceptedAt: now, ownerUserId: ctx.actor.userId },
          data: {},
          notify: [c.reporterUserId, c.ownerUserId],
        };
      case 'reject': {
        let mergedIntoId: number | null = null;
        if (input.reason === 'duplicate') {
          if (!input.duplicateOfId)
            throw field('duplicateOfId', '请指明重复的案件', 'Say which case this duplicates', ctx.lang);
          const target = await s.db
            .selectFrom('cases as c')
            .select(['c.id', 'c.no', 'c.type'])
            .where('c.id', '=', input.duplicateOfId)
            .where('c.id', '!=', c.id)
            .where(visibleTo(ctx.actor, types.codes))
            .executeTakeFirst();
          if (!target || target.type !== c.type)
            throw field('duplicateOfId', '重复的案件不存在或不可见', 'No such case to merge into', ctx.lang);
          mergedIntoId = target.id;
        }
        return {
          patch: { mergedIntoId, closedAt: null },
          data: { reason: input.reason, duplicateOfId: mergedIntoId },
          notify: [c.reporterUserId, c.ownerUserId],
          events: mergedIntoId
            ? [eventRow(ctx, mergedIntoId, 'merge', now, { data: { mergedId: c.id, mergedNo: c.no } })]
            : [],
        };
      }
      case 'dispatch': {
        const target = await s.db
          .selectFrom('users')
          .select(['id', 'displayName'])
          .where('id', '=', input.assigneeUserId)
          .where('status', '=', 'active')
          .executeTakeFirst();
        if (!target)
          throw field('assigneeUserId', '处置人不存在或已停用', 'Unknown or disabled assignee', ctx.lang);
        return {
          patch: {
            dispatchedAt: now,
            assigneeUserId: target.id,
            organisationId: input.organisationId ?? null,
            department: input.department ?? null,
            // A case dispatched straight from the reported list is accepted by the dispatcher.
            acceptedAt: c.acceptedAt ?? now,
            ownerUserId: c.ownerUserId ?? ctx.actor.userId,
          },
          data: {
            assigneeUserId: target.id,
            assignee: target.displayName,
            department: input.department ?? null,
          },
          notify: [target.id, c.reporterUserId],
        };
      }
      case 'sign':
        return { patch: {}, data: {}, notify: [c.reporterUserId, c.ownerUserId] };
      case 'return':
        return {
          patch: { assigneeUserId: null, organisationId: null, department: null },
          data: { returnedBy: ctx.actor.userId },
          notify: [c.ownerUserId],
        };
      case 'feedback':
        return { patch: { resolvedAt: now }, data: {}, notify: [c.reporterUserId, c.ownerUserId] };
      case 'conclude': {
        const mediated = input.outcome === 'agreement' || input.outcome === 'failed';
        return {
          patch: {
            resolvedAt: now,
            outcome: input.outcome,
            mediatedAt: mediated ? now : c.mediatedAt,
            detail: JSON.stringify({
              ...(c.detail ?? {}),
              agreement: input.agreement ?? null,
              referredTo: input.referredTo ?? null,
            }),
          },
          data: {
            outcome: input.outcome,
            agreement: input.agreement ?? null,
            referredTo: input.referredTo ?? null,
          },
          notify: [c.reporterUserId, c.ownerUserId],
        };
      }
      case 'mediate':
        return {
          patch: {},
          data: {
            date: input.date,
            place: input.place,
            method: input.method,
            participants: input.participants,
            notes: input.notes,
          },
          notify: [c.ownerUserId],
        };
      case 'follow_up':
        return { patch: {}, data: {}, notify: [c.ownerUserId] };
      case 'verify':
        if (input.passed)
          return { patch: { closedAt: now }, data: { passed: true }, notify: parties, to: 'closed' };
        return {
          patch: { reworkCount: c.reworkCount + 1, resolvedAt: null },
          data: { passed: false },
          notify: parties,
          to: 'handling',
        };
      case 'rate':
        return {
          patch: { rating: input.rating },
          data: { rating: input.rating, onBehalf: !relationsOf(ctx.actor, c).has('reporter') },
          notify: [c.assigneeUserId, c.ownerUserId],
        };
      case 'extend_request':
        beyondLegal(ctx, def, c, timing, input.amount, input.unit);
        return {
          patch: {
            pendingExtension: JSON.stringify({
              amount: input.amount,
              unit: input.unit,
              reason: input.comment,
              by: ctx.actor.displayName,
              byUserId: ctx.actor.userId,
              at: now.toISOString(),
            }),
          },
          data: { amount: input.amount, unit: input.unit },
          notify: await supervisorsOf(),
        };
      case 'extend_decide': {
        const req = c.pendingExtension as { amount: number; unit: 'wday' | 'whour' } | null;
        if (!input.approved || !req)
          return { patch: { pendingExtension: null }, data: { approved: false }, notify: [c.assigneeUserId] };
        beyondLegal(ctx, def, c, timing, req.amount, req.unit);
        const dueAt = timing.calendar.add(c.dueAt, { amount: req.amount, unit: req.unit });
        return {
          patch: { pendingExtension: null, dueAt, extensionCount: c.extensionCount + 1 },
          data: { approved: true, amount: req.amount, unit: req.unit, dueAt: dueAt.toISOString() },
          notify: [c.assigneeUserId, c.reporterUserId],
        };
      }
      case 'suspend':
        return { patch: {}, data: {}, notify: parties };
      case 'resume': {
        // Back from the pending list with a fresh handling limit, counted from now (a type with
        // its own deadline restarts it in full: a service application after 补正).
        const dueAt = timing.restart(def, c, now);
        return {
          patch: { dueAt, ...(def.ownDue ? { clockFrom: now } : {}) },
          data: { dueAt: dueAt.toISOString() },
          notify: parties,
        };
      }
      case 'supervise':
        return {
          patch: { supervisionLevel: c.supervisionLevel + 1 },
          data: { level: c.supervisionLevel + 1 },
          notify: [c.assigneeUserId, c.ownerUserId],
        };
      case 'remind':
        return { patch: {}, data: {}, notify: [c.assigneeUserId ?? c.ownerUserId] };
      case 'reopen': {
        // Reopened work gets a fresh handling limit; the reopening itself is counted.
        const dueAt = timing.restart(def, c, now);
        return {
          patch: {
            closedAt: null,
            resolvedAt: null,
            rating: null,
            reopenCount: c.reopenCount + 1,
            dueAt,
            ...(def.ownDue ? { clockFrom: now } : {}),
          },
          data: { dueAt: dueAt.toISOString() },
          notify: [c.assigneeUserId, c.ownerUserId],
        };
      }
      case 'comment':
        return { patch: {}, data: {}, notify: parties };
      case 'set_public':
        if (input.public === c.public)
          throw new AppError(
            'CASE_RULE',
            input.public
              ? { zh: '该件已对外公开', en: 'The case is public already' }
              : { zh: '该件已设为不公开', en: 'The case is not public already' },
          );
        return { patch: { public: input.public }, data: { public: input.public }, notify: [] };
    }
  }
}

export type CaseEngine = ReturnType<typeof caseEngine>;

/** A random Open311 token (returned when a client asks before the id is known). */
export const newToken = () => randomBytes(12).toString('hex');
export type { CaseAction };
