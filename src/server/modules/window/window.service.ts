import { type Expression, type SqlBool, sql } from 'kysely';
import {
  DEFAULT_SUPPLEMENT_WD,
  MATTER_KINDS,
  MATTER_LEVELS,
  MATTER_METHODS,
  MATTER_TYPES,
  type Matter,
  MatterInput,
  type MatterListQuery,
  type NoticeQuery,
} from '../../../contract/window.js';
import { chinaDate, type WorkCalendar } from '../../engines/calendar/calendar.js';
import { calendarFor } from '../../engines/calendar/store.js';
import type { Actor } from '../../platform/access/actor.js';
import { areaLabelSql } from '../../platform/access/area-label.js';
import { areaIdInScope } from '../../platform/access/scope.js';
import type { Conn, Tx } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors/app-error.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';
import { noticePdf } from './window.pdf.js';
import { addWorkingDays } from './window.rules.js';

/**
 * A matter's catalogue reaches up and down the tree: a community's window reads its street's and
 * county's catalogue (the matter's area is an ancestor of the actor's), and a street reads its
 * communities' own matters (a descendant). Never a sibling community's. In SQL, on `a.path`.
 */
export function matterVisible(actor: Actor, permission: string): Expression<SqlBool> {
  const paths = actor.pathsFor(permission);
  if (paths.length === 0) return sql<SqlBool>`false`;
  return sql<SqlBool>`(a.path <@ ${sql.val(paths)}::ltree[] OR a.path @> ${sql.val(paths)}::ltree[])`;
}

/** A matter is known by its 基本编码 and 办理项编码 (the 实施编码 differs per implementer). */
export const keyOf = (m: { baseCode: string; itemCode?: string | null | undefined }) =>
  [m.baseCode, m.itemCode ?? ''].join('|');

const SORTS = {
  name: 'm.name',
  department: 'm.department',
  baseCode: 'm.baseCode',
  promisedLimit: 'm.promisedLimit',
  updatedAt: 'm.createdAt',
} as const;

type Row = Record<string, unknown> & {
  id: number;
  areaId: number;
  areaName: string;
  effectiveOn: string;
  cancelledOn: string | null;
  promisedLimit: number | null;
  createdAt: Date;
  materials: unknown;
  faqs: unknown;
};

export function statusOf(m: { effectiveOn: string; cancelledOn: string | null }, today: string) {
  if (m.cancelledOn && m.cancelledOn <= today) return 'cancelled' as const;
  if (m.effectiveOn > today) return 'future' as const;
  return 'effective' as const;
}

function present(r: Row, today: string, abilities: string[]): Matter {
  const { createdAt, createdBy: _c, ...rest } = r;
  return {
    ...(rest as unknown as Matter),
    materials: (r.materials ?? []) as Matter['materials'],
    faqs: (r.faqs ?? []) as Matter['faqs'],
    instant: r.promisedLimit === null,
    status: statusOf(r, today),
    updatedAt: createdAt.toISOString(),
    abilities,
  };
}

/** A matter input as its row's values. */
function values(m: MatterInput) {
  return {
    matterKey: keyOf(m),
    baseCode: m.baseCode,
    implCode: m.implCode ?? null,
    itemCode: m.itemCode ?? null,
    name: m.name,
    parentName: m.parentName ?? null,
    kind: m.kind,
    type: m.type,
    level: m.level,
    department: m.department,
    implementer: m.implementer ?? null,
    basis: m.basis ?? null,
    method: m.method,
    audience: m.audience ?? null,
    conditions: m.conditions ?? null,
    legalLimit: m.legalLimit,
    promisedLimit: m.promisedLimit,
    limitUnit: m.limitUnit,
    limitNote: m.limitNote ?? null,
    visits: m.visits,
    place: m.place ?? null,
    hours: m.hours ?? null,
    fees: m.fees ?? null,
    contacts: m.contacts ?? null,
    online: m.online,
    bookable: m.bookable,
    effectiveOn: m.effectiveOn,
    cancelledOn: m.cancelledOn ?? null,
    materials: JSON.stringify(m.materials),
    faqs: JSON.stringify(m.faqs),
  };
}

/** What a new version changes, field by field (the audit entry's `changes`). */
function diffOf(before: Record<string, unknown>, after: Record<string, unknown>) {
  const out: Record<string, { before: unknown; after: unknown }> = {};
  for (const [k, v] of Object.entries(after)) {
    if (k === 'matterKey') continue;
    const b = before[k];
    const norm = (x: unknown) =>
      typeof x === 'string' && (k === 'materials' || k === 'faqs') ? x : JSON.stringify(x ?? null);
    if (norm(b) !== norm(v))
      out[k] = { before: b ?? null, after: k === 'materials' || k === 'faqs' ? JSON.parse(v as string) : v };
  }
  return out;
}

export function windowService(s: Services) {
  const today = () => chinaDate(s.clock.now());
  const cols = [
    'm.id',
    'm.areaId',
    'm.matterKey',
    'm.version',
    'm.current',
    'm.baseCode',
    'm.implCode',
    'm.itemCode',
    'm.name',
    'm.parentName',
    'm.kind',
    'm.type',
    'm.level',
    'm.department',
    'm.implementer',
    'm.basis',
    'm.method',
    'm.audience',
    'm.conditions',
    'm.legalLimit',
    'm.promisedLimit',
    'm.limitUnit',
    'm.limitNote',
    'm.visits',
    'm.place',
    'm.hours',
    'm.fees',
    'm.contacts',
    'm.online',
    'm.bookable',
    'm.effectiveOn',
    'm.cancelledOn',
    'm.materials',
    'm.faqs',
    'm.createdAt',
  ] as const;
  const base = (conn: Conn) =>
    conn
      .selectFrom('windowMatters as m')
      .innerJoin('areas as a', 'a.id', 'm.areaId')
      .select(cols)
      .select(areaLabelSql('a').as('areaName'));

  const abilitiesOf = (actor: Actor, areaPath: string) =>
    actor.pathsFor('window.manage').some((p) => areaPath === p || areaPath.startsWith(`${p}.`))
      ? ['update']
      : [];

  function listWhere(ctx: Ctx, q: Omit<MatterListQuery, 'page' | 'pageSize' | 'sort'>) {
    return (qb: ReturnType<typeof base>) => {
      let x = qb.where(matterVisible(ctx.actor, 'window.read')).where('m.current', '=', true);
      if (q.areaId) x = x.where('m.areaId', '=', q.areaId);
      if (q.department) x = x.where('m.department', '=', q.department);
      if (q.q) {
        const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        x = x.where((e) => e.or([e('m.name', 'ilike', like), e('m.baseCode', 'ilike', like)]));
      }
      const t = today();
      if (q.status === 'effective')
        x = x
          .where('m.effectiveOn', '<=', t)
          .where((e) => e.or([e('m.cancelledOn', 'is', null), e('m.cancelledOn', '>', t)]));
      else if (q.status === 'future') x = x.where('m.effectiveOn', '>', t);
      else if (q.status === 'cancelled') x = x.where('m.cancelledOn', '<=', t);
      return x;
    };
  }

  async function list(ctx: Ctx, q: MatterListQuery) {
    const where = listWhere(ctx, q);
    const sort = q.sort ?? 'baseCode';
    const desc = sort.startsWith('-');
    const col = SORTS[sort.replace(/^-/, '') as keyof typeof SORTS];
    const [rows, total] = await Promise.all([
      where(base(s.db))
        .select('a.path as areaPath')
        .orderBy(col, desc ? 'desc' : 'asc')
        .orderBy('m.id')
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute(),
      where(base(s.db)).clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirst(),
    ]);
    const t = today();
    return {
      items: rows.map(({ areaPath, ...r }) =>
        present(r as unknown as Row, t, abilitiesOf(ctx.actor, areaPath)),
      ),
      total: total?.n ?? 0,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  async function rowOf(conn: Conn, ctx: Ctx | null, id: number) {
    let qb = base(conn).select('a.path as areaPath').where('m.id', '=', id);
    if (ctx) qb = qb.where(matterVisible(ctx.actor, 'window.read'));
    const r = await qb.executeTakeFirst();
    if (!r) throw new AppError('NOT_FOUND');
    return r;
  }

  async function get(ctx: Ctx, id: number) {
    const { areaPath, ...r } = await rowOf(s.db, ctx, id);
    return present(r as unknown as Row, today(), abilitiesOf(ctx.actor, areaPath));
  }

  /** The public 办事指南: a current, effective version only; no sign-in. */
  async function guide(id: number) {
    const t = today();
    const { areaPath: _p, ...r } = await rowOf(s.db, null, id);
    const m = present(r as unknown as Row, t, []);
    if (!m.current || m.status !== 'effective') throw new AppError('NOT_FOUND');
    return m;
  }

  async function publicList(q: { q?: string | undefined; areaId?: number | undefined }) {
    const t = today();
    let qb = base(s.db)
      .where('m.current', '=', true)
      .where('m.effectiveOn', '<=', t)
      .where((e) => e.or([e('m.cancelledOn', 'is', null), e('m.cancelledOn', '>', t)]));
    if (q.areaId)
      qb = qb.where(sql<SqlBool>`a.path @> (SELECT x.path FROM areas x WHERE x.id = ${q.areaId})`);
    if (q.q) qb = qb.where('m.name', 'ilike', `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const rows = await qb.orderBy('m.department').orderBy('m.baseCode').limit(200).execute();
    return rows.map((r) => {
      const m = present(r as unknown as Row, t, []);
      return {
        id: m.id,
        name: m.name,
        department: m.department,
        instant: m.instant,
        promisedLimit: m.promisedLimit,
        areaName: m.areaName,
      };
    });
  }

  async function insertIn(trx: Tx, ctx: Ctx, areaId: number, m: MatterInput, version = 1) {
    return trx
      .insertInto('windowMatters')
      .values({ ...values(m), areaId, version, createdBy: ctx.actor.userId > 0 ? ctx.actor.userId : null })
      .returning('id')
      .executeTakeFirstOrThrow();
  }

  /** Registers a matter in an area the actor manages; its code may not be current there already. */
  async function create(ctx: Ctx, areaId: number, m: MatterInput) {
    const id = await inTx(s, ctx, async (trx, audit) => {
      const a = await trx
        .selectFrom('areas')
        .select('id')
        .where('id', '=', areaId)
        .where(areaIdInScope(ctx.actor, 'window.manage', 'id'))
        .executeTakeFirst();
      if (!a) throw new AppError('NOT_FOUND');
      const dup = await trx
        .selectFrom('windowMatters')
        .select('id')
        .where('areaId', '=', areaId)
        .where('matterKey', '=', keyOf(m))
        .executeTakeFirst();
      if (dup)
        throw new AppError('DUPLICATE', { field: ctx.lang === 'zh' ? '事项编码' : 'matter code' }, [
          {
            path: 'baseCode',
            code: 'duplicate',
            message: ctx.lang === 'zh' ? '该区域已有此编码的事项' : 'This area has a matter with this code',
          },
        ]);
      const r = await insertIn(trx, ctx, areaId, m);
      await audit({
        action: 'window_matter.create',
        entityType: 'window_matter',
        entityId: r.id,
        detail: { name: m.name, baseCode: m.baseCode },
      });
      return r.id;
    });
    return get(ctx, id);
  }

  /**
   * A new version of a matter (an edit): the current row stops being current and the new one is
   * written with the next number. Applications keep the id of the version they were accepted
   * under. Two editors at once: the second finds the row no longer current, 409.
   */
  async function newVersion(ctx: Ctx, id: number, m: MatterInput) {
    const newId = await inTx(s, ctx, async (trx, audit) => {
      const old = await rowOf(trx, ctx, id);
      if (!abilitiesOf(ctx.actor, old.areaPath).length) throw new AppError('FORBIDDEN');
      if (keyOf(m) !== old.matterKey)
        throw new AppError('VALIDATION_FAILED', { fields: 'baseCode' }, [
          {
            path: 'baseCode',
            code: 'custom',
            message: ctx.lang === 'zh' ? '新版本不能修改事项编码' : 'A new version keeps the matter’s codes',
          },
        ]);
      const r = await versionIn(trx, ctx, old, m);
      await audit({
        action: 'window_matter.version',
        entityType: 'window_matter',
        entityId: r.id,
        changes: r.changes,
        detail: { name: m.name, version: r.version },
      });
      return r.id;
    });
    return get(ctx, newId);
  }

  async function versionIn(
    trx: Tx,
    ctx: Ctx,
    old: { id: number; areaId: number; version: number } & Record<string, unknown>,
    m: MatterInput,
  ) {
    const off = await trx
      .updateTable('windowMatters')
      .set({ current: false })
      .where('id', '=', old.id)
      .where('current', '=', true)
      .executeTakeFirst();
    if (Number(off.numUpdatedRows) !== 1)
      throw new AppError('CONFLICT', {
        reason: ctx.lang === 'zh' ? '该事项已有更新的版本，请刷新' : 'a newer version exists; reload',
      });
    const r = await insertIn(trx, ctx, old.areaId, m, old.version + 1);
    const before = { ...old, materials: JSON.stringify(old.materials), faqs: JSON.stringify(old.faqs) };
    return { id: r.id, version: old.version + 1, changes: diffOf(before, values(m)) };
  }

  /** The 一次性告知单 / 容缺承诺书 of a matter version naming the missing materials. */
  async function notice(ctx: Ctx, id: number, q: NoticeQuery) {
    const m = await get(ctx, id);
    const missing = q.missing ? [...new Set(q.missing.split(',').map(Number))] : [];
    const bad = missing.find((i) => i >= m.materials.length);
    if (bad !== undefined)
      throw new AppError('VALIDATION_FAILED', { fields: 'missing' }, [
        {
          path: 'query.missing',
          code: 'custom',
          message: ctx.lang === 'zh' ? `没有第 ${bad + 1} 项材料` : `No material number ${bad + 1}`,
        },
      ]);
    if (q.kind === 'promise') {
      const notGap = missing.filter((i) => m.materials[i]!.necessity === 'required');
      if (missing.length === 0 || notGap.length)
        throw new AppError('VALIDATION_FAILED', { fields: 'missing' }, [
          {
            path: 'query.missing',
            code: 'custom',
            message:
              ctx.lang === 'zh'
                ? '容缺承诺书只适用于标为“容缺可”或“非必要”的材料'
                : 'A 容缺 promise covers only materials marked “may follow later” or optional',
          },
        ]);
    }
    const { calendar } = await calendarFor(s).get();
    const issued = today();
    const due = addWorkingDays(calendar, issued, q.supplementDays ?? DEFAULT_SUPPLEMENT_WD);
    // The printing desk's own node (a community's window prints its own name), else the matter's.
    const own = ctx.actor.pathsFor('window.read')[0];
    const desk = own
      ? await s.db.selectFrom('areas').select('name').where('path', '=', own).executeTakeFirst()
      : undefined;
    const community = desk?.name ?? m.areaName;
    return noticePdf({
      kind: q.kind,
      matter: m as unknown as Parameters<typeof noticePdf>[0]['matter'],
      missing,
      applicant: q.applicant ?? null,
      supplementDue: due,
      supplementDays: q.supplementDays,
      community,
      issuedOn: issued,
      staff: ctx.actor.displayName,
    });
  }

  return {
    list,
    listWhere,
    base,
    get,
    guide,
    publicList,
    create,
    newVersion,
    versionIn,
    insertIn,
    notice,
    rowOf,
    today,
  };
}

/** Words for a matter's codes (exports, PDFs). */
export function wordsOf(lang: 'zh' | 'en') {
  const i = lang === 'zh' ? 0 : 1;
  const pick =
    <T extends Record<string, [string, string]>>(t: T) =>
    (k: string) =>
      t[k]?.[i] ?? '—';
  return {
    type: pick(MATTER_TYPES),
    level: pick(MATTER_LEVELS),
    method: pick(MATTER_METHODS),
    kind: pick(MATTER_KINDS),
  };
}

export type WindowService = ReturnType<typeof windowService>;
export type { WorkCalendar };
export { MatterInput };
