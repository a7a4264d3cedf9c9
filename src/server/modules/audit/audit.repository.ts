import { type ExpressionBuilder, sql } from 'kysely';
import type { AuditQuery } from '../../../contract/audit.js';
import { AUDIT_ACTIONS } from '../../../contract/audit-words.js';
import { areaLabelSql } from '../../platform/access/area-label.js';
import { type Conn, escapeLike } from '../../platform/db/index.js';
import type { DB } from '../../platform/db/schema.js';
import { type AuditNames, type AuditRow, emptyNames, mentions } from './audit.presenter.js';

type Filter = Omit<AuditQuery, 'page' | 'pageSize'>;

/** Action codes whose name (zh or en) contains the text: "派遣" finds `case.dispatch`. */
export function actionsNamed(text: string): string[] {
  const t = text.trim().toLowerCase();
  if (!t) return [];
  return Object.entries(AUDIT_ACTIONS)
    .filter(([, w]) => w.zh.includes(t) || w.en.toLowerCase().includes(t))
    .map(([code]) => code);
}

/** Reading the audit log: filters on indexed columns (action, actor, entity, time), newest first. */
export function auditRepo(db: Conn) {
  function filtered(q: Filter) {
    let query = db.selectFrom('auditLog as l');
    // The operator by user name (its beginning) or by the person's name (any part of it).
    const byActor = (eb: ExpressionBuilder<DB & { l: DB['auditLog'] }, 'l'>, text: string) =>
      eb.or([
        eb('l.actorName', 'ilike', `${escapeLike(text)}%`),
        eb(
          'l.actorId',
          'in',
          eb
            .selectFrom('users')
            .select('users.id')
            .where('users.displayName', 'ilike', `%${escapeLike(text)}%`),
        ),
      ]);
    if (q.actor) query = query.where((eb) => byActor(eb, q.actor!));
    if (q.action) query = query.where('l.action', 'like', `${escapeLike(q.action)}%`);
    if (q.entityType) query = query.where('l.entityType', '=', q.entityType);
    if (q.entityId) query = query.where('l.entityId', '=', q.entityId);
    if (q.success) query = query.where('l.success', '=', q.success === 'true');
    if (q.from) query = query.where('l.at', '>=', new Date(q.from));
    if (q.to) query = query.where('l.at', '<', new Date(q.to));
    if (q.q) {
      const text = q.q;
      const named = actionsNamed(text);
      query = query.where((eb) =>
        eb.or([
          byActor(eb, text),
          eb('l.action', 'ilike', `%${escapeLike(text)}%`),
          ...(named.length ? [eb('l.action', 'in', named)] : []),
          eb('l.entityId', '=', text),
        ]),
      );
    }
    return query;
  }

  const columns = [
    'l.id',
    'l.seq',
    'l.at',
    'l.actorId',
    'l.actorName',
    'l.action',
    'l.entityType',
    'l.entityId',
    'l.success',
    'l.ip',
    'l.requestId',
    'l.changes',
    'l.detail',
  ] as const;

  return {
    async list(q: AuditQuery): Promise<{ rows: AuditRow[]; total: number }> {
      const query = filtered(q);
      const total = (await query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirst())?.n ?? 0;
      const asc = q.sort === 'seq' || q.sort === 'at';
      const rows = await query
        .leftJoin('users as u', 'u.id', 'l.actorId')
        .select([...columns, 'u.displayName as actorDisplayName'])
        .orderBy('l.seq', asc ? 'asc' : 'desc')
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute();
      return { rows, total };
    },

    async count(q: Filter, cap: number): Promise<number> {
      const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM (${filtered(q)
        .select('l.id')
        .limit(cap)}) x`.execute(db);
      return r.rows[0]?.n ?? 0;
    },

    /** Up to `limit` entries after `before` (keyset on seq, newest first), for the export. */
    async batch(q: Filter, before: number | null, limit: number): Promise<AuditRow[]> {
      let query = filtered(q);
      if (before !== null) query = query.where('l.seq', '<', before);
      return query
        .leftJoin('users as u', 'u.id', 'l.actorId')
        .select([...columns, 'u.displayName as actorDisplayName'])
        .orderBy('l.seq', 'desc')
        .limit(limit)
        .execute();
    },

    /** The names of everything a page of entries mentions: one query per kind of record. */
    async names(rows: AuditRow[]): Promise<AuditNames> {
      const m = mentions(rows);
      const names = emptyNames();
      const ids = (s: Set<number>) => [...s].filter((n) => Number.isSafeInteger(n));
      const jobs: Promise<void>[] = [];
      if (m.area.size)
        jobs.push(
          db
            .selectFrom('areas as a')
            .select(['a.id', areaLabelSql('a').as('label')])
            .where('a.id', 'in', ids(m.area))
            .execute()
            .then((r) => {
              for (const x of r) names.area.set(x.id, x.label);
            }),
        );
      if (m.user.size)
        jobs.push(
          db
            .selectFrom('users')
            .select(['id', 'displayName'])
            .where('id', 'in', ids(m.user))
            .execute()
            .then((r) => {
              for (const x of r) names.user.set(x.id, x.displayName);
            }),
        );
      if (m.person.size)
        jobs.push(
          db
            .selectFrom('people')
            .select(['id', 'name'])
            .where('id', 'in', ids(m.person))
            .execute()
            .then((r) => {
              for (const x of r) names.person.set(x.id, x.name);
            }),
        );
      if (m.household.size)
        jobs.push(
          db
            .selectFrom('households as h')
            .innerJoin('areas as a', 'a.id', 'h.areaId')
            .leftJoin('people as p', 'p.id', 'h.headPersonId')
            .select(['h.id', 'p.name as head', areaLabelSql('a').as('place')])
            .where('h.id', 'in', ids(m.household))
            .execute()
            .then((r) => {
              for (const x of r) names.household.set(x.id, { head: x.head, place: x.place });
            }),
        );
      if (m.organisation.size)
        jobs.push(
          db
            .selectFrom('organisations')
            .select(['id', 'name'])
            .where('id', 'in', ids(m.organisation))
            .execute()
            .then((r) => {
              for (const x of r) names.organisation.set(x.id, x.name);
            }),
        );
      if (m.case.size)
        jobs.push(
          db
            .selectFrom('cases')
            .select(['id', 'no'])
            .where('id', 'in', ids(m.case))
            .execute()
            .then((r) => {
              for (const x of r) names.case.set(x.id, x.no);
            }),
        );
      if (m.role.size || m.roleCode.size)
        jobs.push(
          db
            .selectFrom('roles')
            .select(['id', 'code', 'nameZh', 'nameEn'])
            .where((eb) =>
              eb.or([
                ...(m.role.size ? [eb('id', 'in', ids(m.role))] : []),
                ...(m.roleCode.size ? [eb('code', 'in', [...m.roleCode])] : []),
              ]),
            )
            .execute()
            .then((r) => {
              for (const x of r) {
                names.role.set(x.id, { zh: x.nameZh, en: x.nameEn });
                names.roleCode.set(x.code, { zh: x.nameZh, en: x.nameEn });
              }
            }),
        );
      await Promise.all(jobs);
      return names;
    },
  };
}
