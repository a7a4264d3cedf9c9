import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type {
  AreaRef,
  Dashboard,
  DashboardFigure,
  DashboardMap,
  DashboardTrend,
} from '../../../contract/dashboard.js';
import { KIND_BELOW } from '../../../contract/dashboard.js';
import { chinaDate } from '../../engines/calendar/calendar.js';
import {
  type Cell,
  type FigureDef,
  figureValue,
  type IndicatorQuery,
  type IndicatorSource,
  sumCells,
} from '../../engines/figures/figures.js';
import type { Actor } from '../../platform/access/actor.js';
import type { Db } from '../../platform/db/index.js';
import { dataAsOf, type ReadSource } from '../../platform/db/replica.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { Ctx, Services } from '../../platform/services.js';

/**
 * The dashboard: every module's figures (ModuleManifest.indicators) for a node of the area tree
 * and a period, with the previous period, the node's children (ranking, drill-down) and the
 * grids (map). Figures are computed in SQL by their modules; this service picks the node within
 * the actor's `dashboard.read` scope, runs the modules in parallel and caches the answer.
 *
 * The cache answers "nothing changed" without recomputing: an entry keeps the database snapshot
 * it was computed after, and stays valid while no audit entry (every change writes one in its
 * transaction) is invisible to that snapshot, i.e. nothing was committed since. Figures that move
 * with the clock alone (overdue now) are bounded by a one-minute life. Entries are per scope
 * (the actor's permissions and paths), so users with the same roles and areas share them.
 *
 * Figures read from `services.reads` (issue 22): the streaming replica when READ_DATABASE_URL is
 * set and it answers, else the primary (one log line when it goes). The snapshot and the "nothing
 * changed since" check run on the same connection as the figures, so the cache stays exact
 * relative to what was read; its bound against the primary is the replica's lag: a change
 * committed on the primary reaches the figures once the replica has replayed it (lag p99 125 ms
 * under the write mix in `npm run drill:replica`), never later. Snapshots are xids of the primary
 * on both servers, so an entry computed on one and checked on the other is safe: a replica entry
 * checked on the primary sees every commit the replica lacked as a change (recomputed); a primary
 * entry checked on the replica is at least as fresh as the replica. The time shown, "数据计算于 …",
 * is the computation time less the lag (`dataAsOf`): it never claims data the replica lacked.
 */
const TTL_MS = 60_000;
const MAX_ENTRIES = 500;
/** Audit actions that change no figure (reads, sign-ins): they do not invalidate the cache. */
const READ_ONLY_ACTIONS = ['auth.%', '%.reveal', '%.export', 'audit.%', '%.errors'];

interface Entry<T> {
  /** when the data is as of: computed at, less the replica's lag */
  at: number;
  snapshot: string;
  value: T;
}

const dayMs = 86_400_000;
const dayStart = (day: string) => new Date(`${day}T00:00:00+08:00`);
const shiftDay = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * dayMs).toISOString().slice(0, 10);
const lastOfMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

const fmtDay = (y: number, m: number, d: number) =>
  `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const daysBetween = (a: string, b: string) =>
  Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / dayMs);

/** The number of whole months `[from, to]` spans, or null when it is not whole months. */
function wholeMonths(from: string, to: string): number | null {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  if (fd !== 1 || td !== lastOfMonth(ty, tm)) return null;
  return (ty - fy) * 12 + (tm - fm) + 1;
}

/**
 * A day `n` months away. The day of the month is kept, or cut to the target month's last day
 * (03-30 a month back is 02-28); with `endSticks`, a month's last day stays the last day (11-30
 * a month back is 10-31), so whole months map onto whole months.
 */
export function shiftMonths(day: string, n: number, endSticks = false): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1 + n, 1));
  const ty = t.getUTCFullYear();
  const tm = t.getUTCMonth() + 1;
  const last = lastOfMonth(ty, tm);
  return fmtDay(ty, tm, endSticks && d === lastOfMonth(y, m) ? last : Math.min(d, last));
}

export type CompareWith = 'previous' | 'year';

export interface Comparison {
  /** The last day counted: the period's end, or today while the period is running. */
  through: string;
  /** The days compared with (inclusive). */
  from: string;
  to: string;
  compare: CompareWith;
  /** `month`: as many months before (or a year); `day`: as many days before. */
  unit: 'month' | 'day';
  /** How far back the comparison lies: months for `month`, days for `day`. */
  shift: number;
  /** The period is running: its days so far are compared with the same days of the other. */
  partial: boolean;
}

/**
 * What a period is compared with (docs/indicators.md), always like with like: a period still
 * running counts its days up to today, and is compared with the same days of the period before
 * (this month's 1st–7th with last month's 1st–7th, never with the whole of last month) or, with
 * `year`, with the same days a year earlier. A period of whole months goes back as many months
 * (a quarter so far: the previous quarter's same days); any other period as many days.
 */
export function comparePeriod(
  from: string,
  to: string,
  today: string,
  compare: CompareWith = 'previous',
): Comparison {
  const partial = from <= today && today < to;
  const through = partial ? today : to;
  const base = { through, compare, partial };
  if (compare === 'year')
    return {
      ...base,
      from: shiftMonths(from, -12),
      to: shiftMonths(through, -12, true),
      unit: 'month',
      shift: 12,
    };
  const months = wholeMonths(from, to);
  if (months)
    return {
      ...base,
      from: shiftMonths(from, -months),
      to: shiftMonths(through, -months, true),
      unit: 'month',
      shift: months,
    };
  const days = daysBetween(from, through) + 1;
  return { ...base, from: shiftDay(from, -days), to: shiftDay(from, -1), unit: 'day', shift: days };
}

/** The whole period before (a finished period's comparison): as many whole months, else days. */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const c = comparePeriod(from, to, to);
  return { from: c.from, to: c.to };
}

type Sum = { n: number; d: number | null };

/**
 * What the listed children do not hold, per figure: the node's total less the children's sums
 * (numerators and denominators alike), so children plus this row make the total on screen. Null
 * when every figure's rest is empty.
 */
export function restOf(
  defs: Pick<FigureDef, 'key' | 'unit'>[],
  total: Map<string, Sum>,
  children: (Map<string, Sum> | undefined)[],
): { values: Record<string, number | null> } | null {
  const values: Record<string, number | null> = {};
  let any = false;
  for (const f of defs) {
    let n = total.get(f.key)?.n ?? 0;
    let d = total.get(f.key)?.d ?? null;
    for (const g of children) {
      const c = g?.get(f.key);
      if (!c) continue;
      n -= c.n;
      if (d !== null && c.d !== null) d -= c.d;
    }
    // Sums of means and rates in floating point: a rest below a millionth is nothing.
    if (Math.abs(n) < 1e-6) n = 0;
    if (d !== null && Math.abs(d) < 1e-6) d = 0;
    if (n === 0 && !d) continue;
    any = true;
    values[f.key] = figureValue(f.unit, n, f.unit === 'count' ? null : d);
  }
  return any ? { values } : null;
}

function scopeKey(actor: Actor): string {
  const h = createHash('sha256');
  for (const p of actor.permissions) h.update(`${p}=${actor.pathsFor(p).join(',')};`);
  return h.digest('base64url').slice(0, 22);
}

export function dashboardService(s: Services, sources: IndicatorSource[]) {
  const cache = new Map<string, Entry<unknown>>();

  /** Where the figures read: the replica (with its lag) or the primary. */
  async function reads(): Promise<ReadSource> {
    return s.reads ? s.reads.use() : { db: s.db, lagMs: 0, replica: false };
  }

  async function snapshot(db: Db): Promise<string> {
    const r = await sql<{ s: string }>`SELECT pg_current_snapshot()::text AS s`.execute(db);
    return r.rows[0]!.s;
  }

  /**
   * Nothing that changes these figures was committed since `snap` (see the comment above):
   * no audit entry of the given entity types (any type but reads and sign-ins when not given).
   */
  async function unchangedSince(
    db: Db,
    snap: string,
    changedBy: readonly string[] | undefined,
  ): Promise<boolean> {
    const types = changedBy ? sql`AND entity_type = ANY (${sql.val([...changedBy])}::text[])` : sql``;
    const r = await sql<{ changed: boolean }>`
      SELECT EXISTS (
        SELECT 1 FROM audit_log
        WHERE xid >= pg_snapshot_xmin(${snap}::pg_snapshot)
          AND NOT pg_visible_in_snapshot(xid, ${snap}::pg_snapshot)
          AND NOT (action LIKE ANY (${sql.val(READ_ONLY_ACTIONS)}::text[])) ${types}
      ) AS changed`.execute(db);
    return !r.rows[0]!.changed;
  }

  async function cached<T>(
    src: ReadSource,
    key: string,
    changedBy: readonly string[] | undefined,
    compute: () => Promise<T>,
  ): Promise<{ value: T; at: number; hit: boolean }> {
    const e = cache.get(key) as Entry<T> | undefined;
    const now = Date.now();
    if (e && now - e.at < TTL_MS && (await unchangedSince(src.db, e.snapshot, changedBy))) {
      // Most recently used last.
      cache.delete(key);
      cache.set(key, e);
      return { value: e.value, at: e.at, hit: true };
    }
    const snap = await snapshot(src.db);
    const value = await compute();
    const at = dataAsOf(new Date(now), src).getTime();
    cache.delete(key);
    cache.set(key, { at, snapshot: snap, value });
    while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
    return { value, at, hit: false };
  }

  /** The node asked for, which must lie within the actor's dashboard scope; default: the first. */
  async function nodeOf(actor: Actor, areaId: number | undefined) {
    const paths = actor.pathsFor('dashboard.read');
    if (!paths.length) throw new AppError('FORBIDDEN');
    const id = areaId ?? Number(paths[0]!.split('.').pop());
    const node = await s.db
      .selectFrom('areas')
      .select(['id', 'name', 'kind', 'path'])
      .where('id', '=', id)
      .where('status', '=', 'active')
      .where(sql<boolean>`path <@ ${sql.val(paths)}::ltree[]`)
      .executeTakeFirst();
    if (!node) throw new AppError('NOT_FOUND');
    return node;
  }

  function figuresFor(actor: Actor): FigureDef[] {
    return sources.flatMap((src) => src.figures(actor));
  }

  /**
   * Every source's cells for the query, each source cached on its own (a case transition
   * recomputes the case figures only). Returns the cells, the oldest part's time, and whether
   * every part came from the cache.
   */
  async function computeAll(
    src: ReadSource,
    actor: Actor,
    node: { id: number; path: string },
    level: number,
    from: string,
    to: string,
    keys: (src: IndicatorSource) => Set<string>,
  ): Promise<{ cells: Cell[]; at: number; hit: boolean }> {
    const q: IndicatorQuery = {
      actor,
      node,
      level,
      from: dayStart(from),
      to: new Date(dayStart(to).getTime() + dayMs),
      fromDay: from,
      toDay: to,
      today: chinaDate(s.clock.now()),
      now: s.clock.now(),
    };
    const scope = scopeKey(actor);
    const parts = await Promise.all(
      sources.map((source, i) => {
        const k = keys(source);
        if (!k.size) return Promise.resolve({ value: [] as Cell[], at: Date.now(), hit: true });
        const key = `c|${i}|${scope}|${node.id}|${level}|${from}|${to}|${q.today}|${[...k].sort().join(',')}`;
        return cached(src, key, source.changedBy, () => source.compute(src.db, q, k));
      }),
    );
    return {
      cells: parts.flatMap((p) => p.value),
      at: Math.min(...parts.map((p) => p.at)),
      hit: parts.every((p) => p.hit),
    };
  }

  function checkPeriod(ctx: Ctx, from: string, to: string) {
    const zh = ctx.lang === 'zh';
    const fail = (path: string, message: string) =>
      new AppError('VALIDATION_FAILED', { fields: path }, [{ path, code: 'custom', message }]);
    if (to < from)
      throw fail('query.to', zh ? '结束日期不能早于开始日期' : 'The end date is before the start date');
    if (Date.parse(to) - Date.parse(from) > 3 * 366 * dayMs)
      throw fail('query.to', zh ? '统计期最长三年' : 'A period is at most three years');
  }

  return {
    previousPeriod,

    async dashboard(
      ctx: Ctx,
      q: { areaId?: number; from: string; to: string; compare?: CompareWith },
    ): Promise<Dashboard> {
      checkPeriod(ctx, q.from, q.to);
      const actor = ctx.actor;
      const node = await nodeOf(actor, q.areaId);
      const rs = await reads();
      const cmp = comparePeriod(q.from, q.to, chinaDate(s.clock.now()), q.compare);
      const through = cmp.through;
      const defs = figuresFor(actor);
      const level = node.path.split('.').length + 1;
      const mine = (src: IndicatorSource, flowOnly = false) =>
        new Set(
          src
            .figures(actor)
            .filter((f) => !flowOnly || f.kind === 'flow')
            .map((f) => f.key),
        );
      const [cur, before, children, trail] = await Promise.all([
        computeAll(rs, actor, node, level, q.from, through, (src) => mine(src)),
        computeAll(rs, actor, node, level, cmp.from, cmp.to, (src) => mine(src, true)),
        s.db
          .selectFrom('areas')
          .select(['id', 'name', 'kind'])
          .where('parentId', '=', node.id)
          .where('status', '=', 'active')
          .where('kind', '<>', 'house')
          .orderBy('sortOrder')
          .orderBy('code')
          .execute(),
        s.db
          .selectFrom('areas')
          .select(['id', 'name', 'kind'])
          .where(sql<boolean>`path @> ${node.path}::ltree`)
          .where(sql<boolean>`path <@ ${sql.val(actor.pathsFor('dashboard.read'))}::ltree[]`)
          .orderBy('depth')
          .execute(),
      ]);
      const value = { cur: sumCells(cur.cells), before: sumCells(before.cells).total, children, trail };
      const at = Math.min(cur.at, before.at);
      const hit = cur.hit && before.hit;
      const drillOf = (f: FigureDef, areaId: number) => {
        if (!f.drill) return null;
        const query: Record<string, string> = { ...f.drill.query, areaId: String(areaId) };
        if (f.drill.period) {
          query[f.drill.period[0]] = q.from;
          query[f.drill.period[1]] = through;
        }
        return { path: f.drill.path, query };
      };
      const figures: DashboardFigure[] = defs.map((f) => {
        const c = value.cur.total.get(f.key) ?? { n: 0, d: f.unit === 'count' ? null : 0 };
        const p = value.before.get(f.key);
        return {
          key: f.key,
          section: f.section,
          name: f[ctx.lang],
          unit: f.unit,
          kind: f.kind,
          better: f.better ?? null,
          formula: f.formula[ctx.lang],
          value: figureValue(f.unit, c.n, c.d),
          numerator: f.unit === 'rate' ? c.n : null,
          denominator: f.unit === 'rate' ? (c.d ?? 0) : null,
          previous:
            f.kind === 'flow'
              ? figureValue(f.unit, p?.n ?? 0, p?.d ?? (f.unit === 'count' ? null : 0))
              : null,
          drill: drillOf(f, node.id),
        };
      });
      return {
        area: { id: node.id, name: node.name, kind: node.kind },
        trail: value.trail,
        from: q.from,
        to: q.to,
        through,
        previous: {
          from: cmp.from,
          to: cmp.to,
          compare: cmp.compare,
          unit: cmp.unit,
          shift: cmp.shift,
          partial: cmp.partial,
        },
        computedAt: new Date(at).toISOString(),
        cached: hit,
        figures,
        children: value.children.map((a) => {
          const g = value.cur.byGroup.get(a.id);
          const values: Record<string, number | null> = {};
          for (const f of defs) {
            const c = g?.get(f.key);
            values[f.key] = figureValue(f.unit, c?.n ?? 0, c?.d ?? (f.unit === 'count' ? null : 0));
          }
          return { id: a.id, name: a.name, kind: a.kind, values };
        }),
        childKind: value.children[0]?.kind ?? KIND_BELOW[node.kind] ?? null,
        unassigned: restOf(
          defs,
          value.cur.total,
          value.children.map((a) => value.cur.byGroup.get(a.id)),
        ),
      };
    },

    /**
     * Flow figures month by month, the last `months` months up to the month of `to` (the running
     * month counted up to today). Each month is computed (and cached) like a dashboard's period.
     */
    async trend(
      ctx: Ctx,
      q: { areaId?: number; to: string; months: number; figures: string },
    ): Promise<DashboardTrend> {
      const actor = ctx.actor;
      const node = await nodeOf(actor, q.areaId);
      const rs = await reads();
      const asked = [...new Set(q.figures.split(',').map((k) => k.trim()))].filter(Boolean);
      const defs = figuresFor(actor);
      const chosen = asked.map((k) => defs.find((f) => f.key === k && f.kind === 'flow'));
      const bad = asked.find((_k, i) => !chosen[i]);
      if (bad || asked.length > 8)
        throw new AppError('VALIDATION_FAILED', { fields: 'query.figures' }, [
          {
            path: 'query.figures',
            code: 'custom',
            message:
              ctx.lang === 'zh'
                ? bad
                  ? `没有这个期间指标：${bad}`
                  : '最多 8 个指标'
                : bad
                  ? `No such flow figure: ${bad}`
                  : 'At most 8 figures',
          },
        ]);
      const keys = new Set(asked);
      const today = chinaDate(s.clock.now());
      const last = q.to.slice(0, 7) > today.slice(0, 7) ? today : q.to;
      const months = Array.from({ length: q.months }, (_, i) => {
        const first = shiftMonths(`${last.slice(0, 7)}-01`, i - q.months + 1);
        const end = shiftMonths(first, 1);
        const lastDay = shiftDay(end, -1);
        const partial = first <= today && today < lastDay;
        return { month: first.slice(0, 7), from: first, to: partial ? today : lastDay, partial };
      });
      const level = node.path.split('.').length + 1;
      const results: { cells: Cell[]; at: number }[] = [];
      // Three months at a time: the pool is shared with everyone else's requests.
      for (let i = 0; i < months.length; i += 3) {
        results.push(
          ...(await Promise.all(
            months.slice(i, i + 3).map((m) =>
              m.from > today
                ? Promise.resolve({ cells: [] as Cell[], at: Date.now() })
                : computeAll(rs, actor, node, level, m.from, m.to, (src) => {
                    const k = new Set<string>();
                    for (const f of src.figures(actor)) if (keys.has(f.key)) k.add(f.key);
                    return k;
                  }),
            ),
          )),
        );
      }
      const totals = results.map((r) => sumCells(r.cells).total);
      return {
        area: { id: node.id, name: node.name, kind: node.kind },
        computedAt: new Date(Math.min(...results.map((r) => r.at))).toISOString(),
        months,
        series: asked.map((k, i) => {
          const f = chosen[i]!;
          return {
            key: k,
            name: f[ctx.lang],
            unit: f.unit,
            better: f.better ?? null,
            values: totals.map((t, m) =>
              months[m]!.from > today
                ? null
                : figureValue(f.unit, t.get(k)?.n ?? 0, t.get(k)?.d ?? (f.unit === 'count' ? null : 0)),
            ),
          };
        }),
      };
    },

    /** One figure per grid under the node (the map's colours). */
    async map(
      ctx: Ctx,
      q: { areaId?: number; from: string; to: string; figure: string },
    ): Promise<DashboardMap> {
      checkPeriod(ctx, q.from, q.to);
      const actor = ctx.actor;
      const node = await nodeOf(actor, q.areaId);
      const rs = await reads();
      const def = figuresFor(actor).find((f) => f.key === q.figure);
      if (!def)
        throw new AppError('VALIDATION_FAILED', { fields: 'query.figure' }, [
          {
            path: 'query.figure',
            code: 'custom',
            message: ctx.lang === 'zh' ? '没有这个指标' : 'No such figure',
          },
        ]);
      // Grids under the node (or the grid the node lies in).
      const grids = await s.db
        .selectFrom('areas')
        .select(['id', 'name', 'path'])
        .where('kind', '=', 'grid')
        .where('status', '=', 'active')
        .where(sql<boolean>`(path <@ ${node.path}::ltree OR path @> ${node.path}::ltree)`)
        .where(
          sql<boolean>`(path <@ ${sql.val(actor.pathsFor('dashboard.read'))}::ltree[] OR path @> ${node.path}::ltree)`,
        )
        .orderBy('code')
        .execute();
      const level = grids.length ? grids[0]!.path.split('.').length : node.path.split('.').length + 1;
      const { cells, at } = await computeAll(rs, actor, node, level, q.from, q.to, (src) =>
        src.figures(actor).some((f) => f.key === q.figure) ? new Set([q.figure]) : new Set(),
      );
      const value = sumCells(cells).byGroup;
      return {
        figure: { key: def.key, name: def[ctx.lang], unit: def.unit, better: def.better ?? null },
        computedAt: new Date(at).toISOString(),
        grids: grids.map((g) => {
          const c = value.get(g.id)?.get(def.key);
          return {
            id: g.id,
            name: g.name,
            value: figureValue(def.unit, c?.n ?? 0, c?.d ?? (def.unit === 'count' ? null : 0)),
          };
        }),
      };
    },

    /** Empties the cache (tests, and after a restore). */
    clear() {
      cache.clear();
    },
  };
}

export type DashboardService = ReturnType<typeof dashboardService>;
export type { AreaRef };
