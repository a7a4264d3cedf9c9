import { createHash } from 'node:crypto';
import { type Expression, type SqlBool, sql } from 'kysely';
import {
  checkIdNumber,
  checkPhone,
  maskAddress,
  maskId,
  maskName,
  maskPhone,
} from '../../../contract/identifiers.js';
import {
  type Audience,
  type Channel,
  type Publication,
  type PublicationDraft,
  type PublicationItem,
  type PublicationListQuery,
  type PublicationStatus,
  type ResidentNotice,
  type ResidentNoticeItem,
  STATUS_LABELS,
} from '../../../contract/publications.js';
import type { Actor } from '../../platform/access/actor.js';
import { areaLabelSql } from '../../platform/access/area-label.js';
import { writeAudit } from '../../platform/audit/audit.js';
import type { Clock } from '../../platform/clock.js';
import type { Conn, Tx } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors/app-error.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';
import { chinaDate } from '../calendar/calendar.js';
import { calendarFor } from '../calendar/store.js';
import { caseEngine } from '../cases/engine.js';
import { timingsFor } from '../cases/timings.js';
import { type PublicationKindDef, publicationKindsOf } from './kinds.js';
import { OBJECTION_TYPE } from './objection.js';
import { endOf, lastDayFrom } from './periods.js';

/** Permission to read party-only publications (党员 audience) on the resident side. */
export const PARTY_READ = 'notice.party';
/** Permission of the resident-facing reads (residents and staff alike). */
export const RESIDENT_READ = 'notice.view';

const field = (path: string, zh: string, en: string, lang: 'zh' | 'en') =>
  new AppError('VALIDATION_FAILED', { fields: path }, [
    { path, code: 'custom', message: lang === 'zh' ? zh : en },
  ]);

type Row = {
  id: number;
  kind: string;
  seriesId: number;
  versionNo: number;
  supersedesId: number | null;
  areaId: number;
  areaPath: string;
  title: string;
  body: string;
  maskedList: unknown[];
  audience: string;
  channels: string[];
  counting: string;
  displayDays: number;
  objectionDays: number | null;
  status: string;
  step: number;
  contentHash: string | null;
  publishedAt: Date | null;
  displayUntil: string | null;
  objectionUntil: string | null;
  takenDownAt: Date | null;
  takedownReason: string | null;
  archiveClass: string;
  archiveYear: number | null;
  createdBy: number;
  createdAt: Date;
  version: number;
};

type ListRow = {
  name: string;
  idNumber: string | null;
  phone: string | null;
  address: string | null;
  note: string | null;
};

/** A recipient list masked with the platform's rules (transparency.md rule 19) before it is stored. */
export function maskList(rows: PublicationDraft['list'], now: Date, lang: 'zh' | 'en'): ListRow[] {
  return rows.map((r, i) => {
    let id: string | null = null;
    if (r.idNumber) {
      const c = checkIdNumber(r.idNumber, now);
      if (!c.ok) throw field(`list.${i}.idNumber`, c.message.zh, c.message.en, lang);
      id = maskId(c.value);
    }
    let phone: string | null = null;
    if (r.phone) {
      const c = checkPhone(r.phone);
      if (!c.ok) throw field(`list.${i}.phone`, c.message.zh, c.message.en, lang);
      phone = maskPhone(c.value);
    }
    return {
      name: maskName(r.name) ?? '',
      idNumber: id,
      phone,
      address: r.address ? maskAddress(r.address) : null,
      note: r.note ?? null,
    };
  });
}

/** The snapshot's hash: what was published, canonically (kind, place, audience, texts, list, files). */
export function contentHash(p: {
  kind: string;
  areaId: number;
  audience: string;
  title: string;
  body: string;
  list: unknown[];
  files: string[];
}): string {
  const canonical = JSON.stringify([
    p.kind,
    p.areaId,
    p.audience,
    p.title,
    p.body,
    p.list,
    [...p.files].sort(),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** Staff scope over publications: per kind, the area under the actor's `perm(kind)` paths. */
function staffScope(
  actor: Actor,
  kinds: PublicationKindDef[],
  which: keyof PublicationKindDef['perms'],
  alias = 'p',
) {
  const parts: Expression<SqlBool>[] = [];
  for (const k of kinds) {
    const paths = actor.pathsFor(k.perms[which]);
    if (paths.length === 0) continue;
    parts.push(
      sql<SqlBool>`(${sql.ref(`${alias}.kind`)} = ${k.code} AND ${sql.ref(`${alias}.area_path`)} <@ ${sql.val(paths)}::ltree[])`,
    );
  }
  return parts.length ? sql<SqlBool>`(${sql.join(parts, sql` OR `)})` : sql<SqlBool>`false`;
}

/**
 * What a resident (or any signed-in user holding `notice.view`) may read: published (or
 * corrected, still readable through its link) items whose target area contains their place or
 * lies under it; party-only items need `notice.party`.
 */
function residentScope(actor: Actor, alias = 'p'): Expression<SqlBool> {
  const paths = actor.pathsFor(RESIDENT_READ);
  if (paths.length === 0) return sql<SqlBool>`false`;
  const path = sql.ref(`${alias}.area_path`);
  const party = actor.pathsFor(PARTY_READ);
  const aud = sql.ref(`${alias}.audience`);
  const audience = party.length
    ? sql<SqlBool>`(${aud} <> 'party' OR ${path} @> ANY(${sql.val(party)}::ltree[]) OR ${path} <@ ANY(${sql.val(party)}::ltree[]))`
    : sql<SqlBool>`${aud} <> 'party'`;
  return sql<SqlBool>`((${path} @> ANY(${sql.val(paths)}::ltree[]) OR ${path} <@ ANY(${sql.val(paths)}::ltree[])) AND ${audience})`;
}

const SORTS: Record<string, string> = {
  publishedAt: 'p.published_at',
  createdAt: 'p.created_at',
  displayUntil: 'p.display_until',
  title: 'p.title',
};

/** The engine over the app's services; `clock` replays another time (the demo seed's history). */
export function publicationsEngine(base: Services, clock?: Clock) {
  const s: Services = clock ? { ...base, clock } : base;
  const kinds = () => publicationKindsOf(base);
  const kindOf = (code: string, lang: 'zh' | 'en') => {
    const k = kinds().find(code);
    if (!k) throw field('kind', '没有这种公开类别', 'Unknown kind of publication', lang);
    return k;
  };
  const name = (k: PublicationKindDef | undefined, lang: 'zh' | 'en') =>
    k ? (lang === 'zh' ? k.zh : k.en) : '—';
  const stateError = (ctx: Ctx, status: string, zh: string, en: string) =>
    new AppError('PUBLICATION_STATE', {
      status: STATUS_LABELS[status as PublicationStatus]?.[ctx.lang] ?? status,
      action: ctx.lang === 'zh' ? zh : en,
    });

  async function load(conn: Conn, id: number, forUpdate = false): Promise<Row | undefined> {
    let q = conn.selectFrom('publications').selectAll().where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    return (await q.executeTakeFirst()) as Row | undefined;
  }

  /** A publication the actor may handle with `which` (404 when outside their scope or kind). */
  async function loadFor(
    trx: Conn,
    ctx: Ctx,
    id: number,
    which: keyof PublicationKindDef['perms'],
    forUpdate = true,
  ) {
    const p = await load(trx, id, forUpdate);
    const k = p && kinds().find(p.kind);
    if (!p || !k || !ctx.actor.canAt(k.perms[which], p.areaPath)) {
      // Readable but not handleable: 403; not even readable: 404.
      if (p && k && ctx.actor.canAt(k.perms.read, p.areaPath)) throw new AppError('FORBIDDEN');
      throw new AppError('NOT_FOUND');
    }
    return { p, k };
  }

  function checkVersion(p: Row, version: number) {
    if (p.version !== version) throw new AppError('PUBLICATION_CONFLICT');
  }

  async function linkFiles(trx: Tx, ctx: Ctx, ids: number[], publicationId: number) {
    if (ids.length === 0) return;
    const r = await trx
      .updateTable('caseAttachments')
      .set({ publicationId })
      .where('id', 'in', ids)
      .where('uploadedBy', '=', ctx.actor.userId)
      .where('caseId', 'is', null)
      .where('visitId', 'is', null)
      .where('publicationId', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== new Set(ids).size)
      throw field('attachmentIds', '附件不存在或已被使用', 'Unknown or already used attachment', ctx.lang);
  }

  function settingsOf(
    ctx: Ctx,
    k: PublicationKindDef,
    input: Pick<PublicationDraft, 'audience' | 'channels' | 'counting' | 'displayDays'>,
  ) {
    const audience = input.audience ?? k.audiences[0]!;
    if (!k.audiences.includes(audience))
      throw field('audience', `${k.zh}不能面向这类对象`, `A ${k.en} is not for this audience`, ctx.lang);
    const channels = [...new Set(input.channels ?? k.channels)];
    const displayDays = input.displayDays ?? k.display.days;
    if (displayDays < k.display.days)
      throw field(
        'displayDays',
        `${k.zh}至少公示 ${k.display.days} 天`,
        `A ${k.en} stays up at least ${k.display.days} days`,
        ctx.lang,
      );
    return { audience, channels, displayDays, counting: input.counting ?? k.display.counting };
  }

  async function present(conn: Conn, ctx: Ctx, ids: number[]): Promise<PublicationItem[]> {
    if (ids.length === 0) return [];
    const rows = await sql<Row & { areaName: string; reads: number; objections: number }>`
      SELECT p.*, ${areaLabelSql('a')} AS area_name,
        (SELECT count(*)::int FROM publication_reads r WHERE r.publication_id = p.id) AS reads,
        (SELECT count(*)::int FROM cases c WHERE c.type = ${OBJECTION_TYPE}
           AND (c.detail->>'publicationId')::bigint = p.id) AS objections
      FROM publications p JOIN areas a ON a.id = p.area_id
      WHERE p.id = ANY(${ids}::bigint[])`.execute(conn);
    const by = new Map(rows.rows.map((r) => [r.id, r]));
    return ids
      .map((id) => by.get(id))
      .filter((r): r is NonNullable<typeof r> => !!r)
      .map((r) => ({
        id: r.id,
        kind: r.kind,
        kindName: name(kinds().find(r.kind), ctx.lang),
        seriesId: r.seriesId,
        versionNo: r.versionNo,
        supersedesId: r.supersedesId,
        areaId: r.areaId,
        areaName: r.areaName,
        title: r.title,
        audience: r.audience as Audience,
        channels: r.channels as Channel[],
        status: r.status as PublicationStatus,
        publishedAt: r.publishedAt?.toISOString() ?? null,
        displayUntil: r.displayUntil,
        objectionUntil: r.objectionUntil,
        takenDownAt: r.takenDownAt?.toISOString() ?? null,
        archiveClass: r.archiveClass,
        archiveYear: r.archiveYear,
        reads: r.reads,
        objections: r.objections,
        createdAt: r.createdAt.toISOString(),
        version: r.version,
      }));
  }

  function objectionOpen(p: Row, now: Date) {
    return p.status === 'published' && !!p.objectionUntil && chinaDate(now) <= p.objectionUntil;
  }

  async function filesOf(conn: Conn, id: number) {
    const files = await conn
      .selectFrom('caseAttachments as f')
      .leftJoin('publicationBoardPhotos as b', 'b.attachmentId', 'f.id')
      .select(['f.id', 'f.name', 'f.mime', 'f.size', 'f.sha256', 'b.takenOn', 'b.place'])
      .where('f.publicationId', '=', id)
      .orderBy('f.id')
      .execute();
    const url = (x: { id: number }) => `/api/cases/attachments/${x.id}`;
    return {
      attachments: files
        .filter((f) => !f.takenOn)
        .map((f) => ({ id: f.id, name: f.name, mime: f.mime, size: f.size, url: url(f), sha256: f.sha256 })),
      photos: files
        .filter((f) => !!f.takenOn)
        .map((f) => ({
          id: f.id,
          name: f.name,
          mime: f.mime,
          size: f.size,
          url: url(f),
          takenOn: f.takenOn!,
          place: f.place,
        })),
    };
  }

  async function audit(
    trx: Tx,
    ctx: Ctx,
    action: string,
    p: { id: number; title: string },
    detail: Record<string, unknown> = {},
  ) {
    await writeAudit(
      trx as Conn,
      ctx.audit,
      {
        action,
        entityType: 'publication',
        entityId: p.id,
        detail: p.title ? { title: p.title, ...detail } : detail,
      },
      s.clock.now(),
    );
  }

  const api = {
    kinds: () => kinds().all,

    /** The staff ledger: every kind the actor may read, in their scope, filtered and paged. */
    async list(ctx: Ctx, q: PublicationListQuery) {
      const all = kinds().all.filter((k) => !q.kind || k.code === q.kind);
      const where: Expression<SqlBool>[] = [staffScope(ctx.actor, all, 'read')];
      if (q.status) where.push(sql<SqlBool>`p.status = ${q.status}`);
      if (q.areaId) where.push(sql<SqlBool>`p.area_path <@ (SELECT path FROM areas WHERE id = ${q.areaId})`);
      if (q.archiveClass) where.push(sql<SqlBool>`p.archive_class = ${q.archiveClass}`);
      if (q.year) where.push(sql<SqlBool>`p.archive_year = ${q.year}`);
      if (q.q) where.push(sql<SqlBool>`p.title ILIKE ${`%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`}`);
      const cond = sql.join(where, sql` AND `);
      const sort = q.sort ?? '-createdAt';
      const desc = sort.startsWith('-');
      const col = sql.raw(SORTS[desc ? sort.slice(1) : sort] ?? 'p.created_at');
      const dir = sql.raw(desc ? 'DESC NULLS LAST' : 'ASC NULLS LAST');
      const total = (
        await sql<{ n: number }>`SELECT count(*)::int AS n FROM publications p WHERE ${cond}`.execute(s.db)
      ).rows[0]!.n;
      const ids = await sql<{ id: number }>`
        SELECT p.id FROM publications p WHERE ${cond} ORDER BY ${col} ${dir}, p.id DESC
        LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`.execute(s.db);
      return {
        items: await present(
          s.db,
          ctx,
          ids.rows.map((r) => r.id),
        ),
        total,
        page: q.page,
        pageSize: q.pageSize,
      };
    },

    /** One publication for staff: the snapshot, its steps, files, versions and what the actor may do. */
    async get(ctx: Ctx, id: number): Promise<Publication> {
      const p = await load(s.db, id);
      const k = p && kinds().find(p.kind);
      if (!p || !k || !ctx.actor.canAt(k.perms.read, p.areaPath)) throw new AppError('NOT_FOUND');
      const [item] = await present(s.db, ctx, [id]);
      const steps = await s.db
        .selectFrom('publicationSteps')
        .selectAll()
        .where('publicationId', '=', id)
        .orderBy('id')
        .execute();
      const versions = await s.db
        .selectFrom('publications')
        .select(['id', 'versionNo', 'status', 'publishedAt'])
        .where('seriesId', '=', p.seriesId)
        .orderBy('versionNo')
        .execute();
      const f = await filesOf(s.db, id);
      const now = s.clock.now();
      const can = (perm: string) => ctx.actor.canAt(perm, p.areaPath);
      const abilities: Publication['abilities'] = [];
      const st = p.status;
      const next = st === 'review' ? k.steps[p.step] : undefined;
      if (st === 'draft' && can(k.perms.draft)) abilities.push('edit', 'submit');
      if (next && can(next.perm) && p.createdBy !== ctx.actor.userId) abilities.push('decide');
      if ((st === 'approved' || (st === 'draft' && k.steps.length === 0)) && can(k.perms.publish))
        abilities.push('publish');
      if (st === 'published' && can(k.perms.publish)) {
        abilities.push('correct', 'take_down');
        if (p.channels.includes('board')) abilities.push('photo');
      }
      const stepName = (code: string) => {
        const d = k.steps.find((x) => x.code === code);
        return d ? (ctx.lang === 'zh' ? d.zh : d.en) : ctx.lang === 'zh' ? '提交审核' : 'Submitted';
      };
      return {
        ...item!,
        body: p.body,
        list: p.maskedList as ListRow[],
        counting: p.counting as 'civil' | 'wday',
        displayDays: p.displayDays,
        objectionDays: p.objectionDays,
        contentHash: p.contentHash,
        takedownReason: p.takedownReason,
        nextStep: next ? (ctx.lang === 'zh' ? next.zh : next.en) : null,
        steps: steps.map((x) => ({
          step: x.step,
          stepName: stepName(x.step),
          decision: x.decision as 'submitted' | 'approved' | 'returned',
          opinion: x.opinion,
          actor: x.actorName,
          at: new Date(x.at).toISOString(),
        })),
        attachments: f.attachments.map(({ sha256: _, ...a }) => a),
        photos: f.photos,
        versions: versions.map((v) => ({
          id: v.id,
          versionNo: v.versionNo,
          status: v.status as PublicationStatus,
          publishedAt: v.publishedAt?.toISOString() ?? null,
        })),
        earliestTakeDown: p.displayUntil ? endOf(p.displayUntil).toISOString() : null,
        objectionOpen: objectionOpen(p, now),
        abilities,
      };
    },

    /** 起草: a draft of a declared kind at an area in the actor's drafting scope. */
    async draft(ctx: Ctx, input: PublicationDraft) {
      const k = kindOf(input.kind, ctx.lang);
      const set = settingsOf(ctx, k, input);
      const list = maskList(input.list, s.clock.now(), ctx.lang);
      return inTx(s, ctx, async (trx) => {
        const area = await trx
          .selectFrom('areas')
          .select(['id', 'path'])
          .where('id', '=', input.areaId)
          .where('status', '=', 'active')
          .executeTakeFirst();
        if (!area || !ctx.actor.canAt(k.perms.draft, area.path))
          throw field(
            'areaId',
            '所选区域不存在或不在您的范围内',
            'Unknown area or outside your scope',
            ctx.lang,
          );
        const row = await sql<{ id: number }>`
          WITH nid AS (SELECT nextval(pg_get_serial_sequence('publications', 'id')) AS id)
          INSERT INTO publications (id, kind, series_id, area_id, area_path, title, body, masked_list, audience,
            channels, counting, display_days, objection_days, archive_class, created_by)
          SELECT nid.id, ${k.code}, nid.id, ${area.id}, ${area.path}::ltree, ${input.title}, ${input.body},
            ${JSON.stringify(list)}::jsonb, ${set.audience}, ${set.channels}::text[], ${set.counting}, ${set.displayDays},
            ${k.objection?.days ?? null}, ${k.archiveClass}, ${ctx.actor.userId}
          FROM nid RETURNING id`.execute(trx);
        const id = row.rows[0]!.id;
        await linkFiles(trx, ctx, input.attachmentIds, id);
        await audit(trx, ctx, 'publication.draft', { id, title: input.title }, { kind: k.code });
        return { id };
      });
    },

    /** A draft's text and settings, before it is submitted. */
    async edit(ctx: Ctx, id: number, input: Omit<PublicationDraft, 'kind' | 'areaId'> & { version: number }) {
      return inTx(s, ctx, async (trx) => {
        const { p, k } = await loadFor(trx, ctx, id, 'draft');
        checkVersion(p, input.version);
        if (p.status !== 'draft') throw stateError(ctx, p.status, '修改', 'edited');
        const set = settingsOf(ctx, k, input);
        const list = maskList(input.list, s.clock.now(), ctx.lang);
        await trx
          .updateTable('publications')
          .set({
            title: input.title,
            body: input.body,
            maskedList: JSON.stringify(list),
            audience: set.audience,
            channels: set.channels,
            counting: set.counting,
            displayDays: set.displayDays,
            updatedAt: s.clock.now(),
            version: p.version + 1,
          })
          .where('id', '=', id)
          .execute();
        await linkFiles(trx, ctx, input.attachmentIds, id);
        await audit(trx, ctx, 'publication.edit', p);
        return { id };
      });
    },

    /** 提交审核: to the kind's first approval step (a kind without steps is approved at once). */
    async submit(ctx: Ctx, id: number, version: number) {
      return inTx(s, ctx, async (trx) => {
        const { p, k } = await loadFor(trx, ctx, id, 'draft');
        checkVersion(p, version);
        if (p.status !== 'draft') throw stateError(ctx, p.status, '提交审核', 'submitted');
        const status = k.steps.length ? 'review' : 'approved';
        await trx
          .updateTable('publications')
          .set({ status, step: 0, version: p.version + 1, updatedAt: s.clock.now() })
          .where('id', '=', id)
          .execute();
        await trx
          .insertInto('publicationSteps')
          .values({
            publicationId: id,
            step: 'submit',
            decision: 'submitted',
            actorId: ctx.actor.userId,
            actorName: ctx.actor.displayName,
            at: s.clock.now(),
          })
          .execute();
        await audit(trx, ctx, 'publication.submit', p);
        return { id };
      });
    },

    /** An approval step's decision by a holder of the step's permission (not the drafter): on, or back to draft. */
    async decide(ctx: Ctx, id: number, d: { version: number; approved: boolean; opinion?: string }) {
      return inTx(s, ctx, async (trx) => {
        const { p, k } = await loadFor(trx, ctx, id, 'read');
        checkVersion(p, d.version);
        const step = p.status === 'review' ? k.steps[p.step] : undefined;
        if (!step) throw stateError(ctx, p.status, '审核', 'reviewed');
        if (!ctx.actor.canAt(step.perm, p.areaPath)) throw new AppError('FORBIDDEN');
        if (p.createdBy === ctx.actor.userId)
          throw new AppError('CASE_RULE', {
            zh: '起草人不能审核自己起草的公开事项',
            en: 'The drafter cannot approve their own draft',
          });
        if (!d.approved && !d.opinion)
          throw field('opinion', '退回时请写明意见', 'Say why it is sent back', ctx.lang);
        const last = p.step + 1 >= k.steps.length;
        const set = d.approved
          ? { status: last ? 'approved' : 'review', step: last ? p.step : p.step + 1 }
          : { status: 'draft', step: 0 };
        await trx
          .updateTable('publications')
          .set({ ...set, version: p.version + 1, updatedAt: s.clock.now() })
          .where('id', '=', id)
          .execute();
        await trx
          .insertInto('publicationSteps')
          .values({
            publicationId: id,
            step: step.code,
            decision: d.approved ? 'approved' : 'returned',
            opinion: d.opinion ?? null,
            actorId: ctx.actor.userId,
            actorName: ctx.actor.displayName,
            at: s.clock.now(),
          })
          .execute();
        await audit(trx, ctx, d.approved ? 'publication.approve' : 'publication.return', p, {
          step: step.code,
        });
        return { id };
      });
    },

    /**
     * 发布: the snapshot is frozen (hash over texts, list and files), the display and objection
     * periods fixed on the calendar, the version it corrects marked 已更正.
     */
    async publish(ctx: Ctx, id: number, version: number) {
      const cal = (await calendarFor(base).get()).calendar;
      return inTx(s, ctx, async (trx) => {
        const { p, k } = await loadFor(trx, ctx, id, 'publish');
        checkVersion(p, version);
        if (!(p.status === 'approved' || (p.status === 'draft' && k.steps.length === 0)))
          throw stateError(ctx, p.status, '发布', 'published');
        const now = s.clock.now();
        const files = await trx
          .selectFrom('caseAttachments')
          .select('sha256')
          .where('publicationId', '=', id)
          .execute();
        const hash = contentHash({
          kind: p.kind,
          areaId: p.areaId,
          audience: p.audience,
          title: p.title,
          body: p.body,
          list: p.maskedList,
          files: files.map((f) => f.sha256),
        });
        const counting = p.counting as 'civil' | 'wday';
        await trx
          .updateTable('publications')
          .set({
            status: 'published',
            contentHash: hash,
            publishedAt: now,
            displayUntil: lastDayFrom(cal, now, p.displayDays, counting),
            objectionUntil: p.objectionDays ? lastDayFrom(cal, now, p.objectionDays, counting) : null,
            archiveYear: Number(chinaDate(now).slice(0, 4)),
            version: p.version + 1,
            updatedAt: now,
          })
          .where('id', '=', id)
          .execute();
        if (p.supersedesId)
          await trx
            .updateTable('publications')
            .set({ status: 'corrected', updatedAt: now, version: sql`version + 1` })
            .where('id', '=', p.supersedesId)
            .where('status', '=', 'published')
            .execute();
        await audit(trx, ctx, 'publication.publish', p, { hash });
        return { id };
      });
    },

    /** 更正: a new linked version (a draft through the kind's steps again); the published one stays as it is. */
    async correct(
      ctx: Ctx,
      id: number,
      input: { title: string; body: string; list: PublicationDraft['list']; reason: string },
    ) {
      const list = maskList(input.list, s.clock.now(), ctx.lang);
      return inTx(s, ctx, async (trx) => {
        const { p } = await loadFor(trx, ctx, id, 'publish');
        if (p.status !== 'published') throw stateError(ctx, p.status, '更正', 'corrected');
        const open = await trx
          .selectFrom('publications')
          .select('id')
          .where('supersedesId', '=', id)
          .where('status', 'in', ['draft', 'review', 'approved'])
          .executeTakeFirst();
        if (open)
          throw new AppError('CASE_RULE', {
            zh: '已有一份更正稿在办理中',
            en: 'A correction of it is already in progress',
          });
        const max = await trx
          .selectFrom('publications')
          .select(sql<number>`max(version_no)`.as('n'))
          .where('seriesId', '=', p.seriesId)
          .executeTakeFirstOrThrow();
        const row = await trx
          .insertInto('publications')
          .values({
            kind: p.kind,
            seriesId: p.seriesId,
            versionNo: Number(max.n) + 1,
            supersedesId: p.id,
            areaId: p.areaId,
            areaPath: p.areaPath,
            title: input.title,
            body: input.body,
            maskedList: JSON.stringify(list),
            audience: p.audience,
            channels: p.channels,
            counting: p.counting,
            displayDays: p.displayDays,
            objectionDays: p.objectionDays,
            archiveClass: p.archiveClass,
            createdBy: ctx.actor.userId,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await audit(trx, ctx, 'publication.correct', p, { reason: input.reason, correctionId: row.id });
        return { id: row.id };
      });
    },

    /** 撤下: only once the minimum display is over (else refused: it would have to be published again). */
    async takeDown(ctx: Ctx, id: number, input: { version: number; reason: string }) {
      return inTx(s, ctx, async (trx) => {
        const { p } = await loadFor(trx, ctx, id, 'publish');
        checkVersion(p, input.version);
        if (p.status !== 'published') throw stateError(ctx, p.status, '撤下', 'taken down');
        const now = s.clock.now();
        if (p.displayUntil && now < endOf(p.displayUntil))
          throw new AppError('PUBLICATION_TOO_EARLY', { until: p.displayUntil });
        await trx
          .updateTable('publications')
          .set({
            status: 'taken_down',
            takenDownAt: now,
            takedownReason: input.reason,
            version: p.version + 1,
            updatedAt: now,
          })
          .where('id', '=', id)
          .execute();
        await audit(trx, ctx, 'publication.take_down', p, { reason: input.reason });
        return { id };
      });
    },

    /** A dated photo of the physical board (the files engine's upload, claimed here). */
    async addPhoto(ctx: Ctx, id: number, input: { attachmentId: number; takenOn: string; place?: string }) {
      return inTx(s, ctx, async (trx) => {
        const { p } = await loadFor(trx, ctx, id, 'publish');
        if (!(p.status === 'published' || p.status === 'taken_down' || p.status === 'corrected'))
          throw stateError(ctx, p.status, '上传公开栏照片', 'given board photos');
        if (!p.channels.includes('board'))
          throw field('attachmentId', '该事项不在公开栏张贴', 'It is not posted on the board', ctx.lang);
        const today = chinaDate(s.clock.now());
        const from = chinaDate(p.publishedAt!);
        if (input.takenOn < from || input.takenOn > today)
          throw field(
            'takenOn',
            `拍摄日期应在 ${from} 至 ${today} 之间`,
            `The date must be between ${from} and ${today}`,
            ctx.lang,
          );
        const f = await trx
          .selectFrom('caseAttachments')
          .select(['id', 'mime'])
          .where('id', '=', input.attachmentId)
          .executeTakeFirst();
        if (!f || !f.mime.startsWith('image/'))
          throw field('attachmentId', '请上传公开栏的照片', 'Upload a photo of the board', ctx.lang);
        // The photo is added after publication: it is proof, not part of the frozen snapshot's hash.
        await linkFiles(trx, ctx, [input.attachmentId], id);
        await trx
          .insertInto('publicationBoardPhotos')
          .values({
            attachmentId: input.attachmentId,
            publicationId: id,
            takenOn: input.takenOn,
            place: input.place ?? null,
            uploadedBy: ctx.actor.userId,
          })
          .execute();
        await audit(trx, ctx, 'publication.photo', p, { takenOn: input.takenOn });
        return { id };
      });
    },

    /** Whether the actor may read the record a file belongs to (the files engine asks). */
    async mayReadFile(ctx: Ctx, id: number): Promise<boolean> {
      const p = await load(s.db, id);
      const k = p && kinds().find(p.kind);
      if (!p || !k) return false;
      if (ctx.actor.canAt(k.perms.read, p.areaPath)) return true;
      const r = await sql<{ id: number }>`SELECT p.id FROM publications p WHERE p.id = ${id}
        AND p.status IN ('published','corrected') AND ${residentScope(ctx.actor)}`.execute(s.db);
      return r.rows.length > 0;
    },

    // —— the resident side ——

    /** Published items for the actor's place (their area and those above and below it), newest first. */
    async residentList(
      ctx: Ctx | null,
      q: { page: number; pageSize: number; areaId?: number },
      lang: 'zh' | 'en' = 'zh',
    ) {
      const where = ctx
        ? residentScope(ctx.actor)
        : sql<SqlBool>`p.audience = 'public' AND p.area_path @> (SELECT path FROM areas WHERE id = ${q.areaId ?? 0} AND status = 'active')`;
      const cond = sql<SqlBool>`p.status = 'published' AND 'online' = ANY(p.channels) AND ${where}`;
      const total = (
        await sql<{ n: number }>`SELECT count(*)::int AS n FROM publications p WHERE ${cond}`.execute(s.db)
      ).rows[0]!.n;
      const rows = await sql<Row & { areaName: string; read: boolean }>`
        SELECT p.*, ${areaLabelSql('a')} AS area_name,
          ${ctx ? sql`EXISTS (SELECT 1 FROM publication_reads r WHERE r.publication_id = p.id AND r.user_id = ${ctx.actor.userId})` : sql`false`} AS read
        FROM publications p JOIN areas a ON a.id = p.area_id WHERE ${cond}
        ORDER BY p.published_at DESC, p.id DESC LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`.execute(
        s.db,
      );
      const items: ResidentNoticeItem[] = rows.rows.map((r) => ({
        id: r.id,
        kindName: name(kinds().find(r.kind), lang),
        title: r.title,
        areaName: r.areaName,
        publishedAt: r.publishedAt!.toISOString(),
        displayUntil: r.displayUntil,
        objectionUntil: r.objectionUntil,
        corrected: r.versionNo > 1,
        read: r.read,
      }));
      return { items, total, page: q.page, pageSize: q.pageSize };
    },

    /** One item a resident may read (a corrected one too, through its link); public items without a session. */
    async residentGet(ctx: Ctx | null, id: number, lang: 'zh' | 'en'): Promise<ResidentNotice> {
      const where = ctx ? residentScope(ctx.actor) : sql<SqlBool>`p.audience = 'public'`;
      const r = (
        await sql<Row & { areaName: string; read: boolean; correctedById: number | null }>`
          SELECT p.*, ${areaLabelSql('a')} AS area_name,
            ${ctx ? sql`EXISTS (SELECT 1 FROM publication_reads r WHERE r.publication_id = p.id AND r.user_id = ${ctx.actor.userId})` : sql`false`} AS read,
            (SELECT n.id FROM publications n WHERE n.supersedes_id = p.id AND n.status IN ('published','corrected') LIMIT 1) AS corrected_by_id
          FROM publications p JOIN areas a ON a.id = p.area_id
          WHERE p.id = ${id} AND p.status IN ('published','corrected') AND 'online' = ANY(p.channels) AND ${where}`.execute(
          s.db,
        )
      ).rows[0];
      if (!r) throw new AppError('NOT_FOUND');
      const f = await filesOf(s.db, id);
      const mine = ctx
        ? await sql<{ id: number; no: string; description: string; reply: string | null; reportedAt: Date }>`
            SELECT c.id, c.no, c.description, c.reported_at,
              (SELECT e.comment FROM case_events e WHERE e.case_id = c.id AND e.kind = 'feedback' ORDER BY e.id DESC LIMIT 1) AS reply
            FROM cases c WHERE c.type = ${OBJECTION_TYPE} AND (c.detail->>'publicationId')::bigint = ${id}
              AND c.reporter_user_id = ${ctx.actor.userId} ORDER BY c.id`.execute(s.db)
        : { rows: [] };
      return {
        id: r.id,
        kindName: name(kinds().find(r.kind), lang),
        title: r.title,
        areaName: r.areaName,
        publishedAt: r.publishedAt!.toISOString(),
        displayUntil: r.displayUntil,
        objectionUntil: r.objectionUntil,
        corrected: r.status === 'corrected',
        read: r.read,
        body: r.body,
        list: r.maskedList as ListRow[],
        attachments: f.attachments.map(({ sha256: _, ...a }) => a),
        supersedesId: r.supersedesId,
        correctedById: r.correctedById,
        objectionOpen: objectionOpen(r, s.clock.now()),
        myObjections: mine.rows.map((m) => ({
          id: m.id,
          no: m.no,
          text: m.description,
          reply: m.reply,
          at: m.reportedAt.toISOString(),
        })),
      };
    },

    /** 已读: the read receipt, once per person (a second mark changes nothing). */
    async markRead(ctx: Ctx, id: number) {
      await api.residentGet(ctx, id, ctx.lang);
      return inTx(s, ctx, async (trx) => {
        const r = await trx
          .insertInto('publicationReads')
          .values({ publicationId: id, userId: ctx.actor.userId, readAt: s.clock.now() })
          .onConflict((oc) => oc.columns(['publicationId', 'userId']).doNothing())
          .executeTakeFirst();
        if (Number(r.numInsertedOrUpdatedRows ?? 0) > 0)
          await audit(trx, ctx, 'publication.read', { id, title: '' });
        return { ok: true as const };
      });
    },

    /** 异议: a resident's objection during the window, filed as a case of the objection type at their place. */
    async object(ctx: Ctx, id: number, text: string) {
      const p = await api.residentGet(ctx, id, ctx.lang);
      const row = (await load(s.db, id))!;
      if (!row.objectionUntil)
        throw new AppError('CASE_RULE', { zh: '该事项不接受异议', en: 'This item takes no objections' });
      if (!objectionOpen(row, s.clock.now()))
        throw new AppError('OBJECTION_WINDOW_CLOSED', { until: row.objectionUntil });
      const engine = caseEngine(s, timingsFor(base));
      const created = await engine.create(ctx, {
        type: OBJECTION_TYPE,
        category: 'objection.content',
        urgency: 'normal',
        title: `对《${p.title}》的异议`.slice(0, 100),
        description: text,
        detail: { publicationId: id },
      } as never);
      return { id: (created as { id: number }).id };
    },
  };
  return api;
}

export type PublicationsEngine = ReturnType<typeof publicationsEngine>;
