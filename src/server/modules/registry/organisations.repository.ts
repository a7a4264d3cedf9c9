import { type Expression, type SqlBool, sql } from 'kysely';
import type { z } from 'zod';
import type { OrganisationListQuery } from '../../../contract/registry.js';
import { countTotal } from '../../platform/db/count.js';
import { type Conn, escapeLike } from '../../platform/db/index.js';
import type { OrganisationRecord } from './registry.presenter.js';

/**
 * The queries about organisations (单位). The contact phone is stored encrypted with its last
 * four digits (see registry.repository.ts for the at-rest encoding).
 */
export function organisationsRepo(db: Conn) {
  function orgQuery() {
    return db
      .selectFrom('organisations as o')
      .innerJoin('areas as oa', 'oa.id', 'o.areaId')
      .select([
        'o.id',
        'o.areaId',
        sql<string>`oa.path::text`.as('areaPath'),
        'o.name',
        'o.kind',
        'o.creditCode',
        'o.address',
        'o.contactName',
        'o.contactPhoneEnc',
        'o.note',
        'o.version',
      ]);
  }

  type Filter = Pick<z.infer<typeof OrganisationListQuery>, 'q' | 'kind' | 'areaId'>;
  function filtered(scope: Expression<SqlBool>, f: Filter) {
    let base = orgQuery().where(scope);
    if (f.q) {
      const like = `%${escapeLike(f.q)}%`;
      base = base.where((eb) =>
        eb.or([eb('o.name', 'ilike', like), eb('o.creditCode', '=', f.q!.toUpperCase())]),
      );
    }
    if (f.kind) base = base.where('o.kind', '=', f.kind);
    if (f.areaId) {
      base = base.where(
        sql<SqlBool>`o.area_id IN (SELECT d.id FROM areas d WHERE d.path <@ (SELECT r.path FROM areas r WHERE r.id = ${f.areaId}))`,
      );
    }
    return base;
  }

  return {
    /** A page of the organisations in `scope`: by name or exact credit code, kind, subtree; the true total. */
    async list(
      scope: Expression<SqlBool>,
      f: Filter,
      sort: { key: 'name' | 'kind' | 'id'; desc: boolean },
      limit: number,
      offset: number,
    ) {
      const base = filtered(scope, f);
      const counted = await countTotal(db, base.clearSelect().select(sql`1`.as('x')));
      const rows = await base
        .orderBy(`o.${sort.key}`, sort.desc ? 'desc' : 'asc')
        .orderBy('o.id', sort.desc ? 'desc' : 'asc')
        .limit(limit)
        .offset(offset)
        .execute();
      return { rows: rows as OrganisationRecord[], total: counted.total, exact: counted.exact };
    },

    async count(scope: Expression<SqlBool>, f: Filter, cap: number): Promise<number> {
      const r = await db
        .selectFrom(filtered(scope, f).clearSelect().select(sql`1`.as('x')).limit(cap).as('c'))
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirst();
      return r?.n ?? 0;
    },

    /** Organisations for an export, in the list's order, `limit` at a time from `offset`. */
    async exportPage(
      scope: Expression<SqlBool>,
      f: Filter,
      sort: { key: 'name' | 'kind' | 'id'; desc: boolean },
      offset: number,
      limit: number,
    ) {
      return (await filtered(scope, f)
        .orderBy(`o.${sort.key}`, sort.desc ? 'desc' : 'asc')
        .orderBy('o.id', sort.desc ? 'desc' : 'asc')
        .limit(limit)
        .offset(offset)
        .execute()) as OrganisationRecord[];
    },

    /** Organisations by credit code or by name in an area (the ledger import's upsert keys). */
    async byCreditCodes(codes: string[]) {
      if (codes.length === 0) return [];
      return (await orgQuery().where('o.creditCode', 'in', codes).execute()) as OrganisationRecord[];
    },
    async byNameIn(areaId: number, name: string) {
      return (await orgQuery()
        .where('o.areaId', '=', areaId)
        .where('o.name', '=', name)
        .orderBy('o.id')
        .limit(1)
        .executeTakeFirst()) as OrganisationRecord | undefined;
    },

    /** One organisation in `scope`; locked on its own first when `forUpdate`, then read. */
    async find(id: number, scope: Expression<SqlBool>, forUpdate = false) {
      if (forUpdate)
        await db.selectFrom('organisations').select('id').where('id', '=', id).forUpdate().execute();
      return (await orgQuery().where(scope).where('o.id', '=', id).executeTakeFirst()) as
        | OrganisationRecord
        | undefined;
    },

    /** One organisation whatever the scope (after a write). */
    async get(id: number) {
      return (await orgQuery().where('o.id', '=', id).executeTakeFirstOrThrow()) as OrganisationRecord;
    },

    async byCreditCode(code: string) {
      return db.selectFrom('organisations').select('id').where('creditCode', '=', code).executeTakeFirst();
    },

    async insert(v: Record<string, unknown>): Promise<number> {
      const row = await db
        .insertInto('organisations')
        .values(v as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async update(id: number, set: Record<string, unknown>) {
      await db
        .updateTable('organisations')
        .set({ ...set, version: sql`version + 1`, updatedAt: sql`now()` } as never)
        .where('id', '=', id)
        .execute();
    },
  };
}
