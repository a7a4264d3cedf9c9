import { type Expression, type SqlBool, sql } from 'kysely';
import { countTotal } from '../../platform/db/count.js';
import { type Conn, escapeLike } from '../../platform/db/index.js';

export interface HouseFilter {
  /** houses the actor reads (house.read), on `a.path` */
  scope: Expression<SqlBool>;
  q?: string;
  areaId?: number;
  use?: string;
  /** let out, the latest rental ending on or before this date (China's today + n days) */
  rentalEndsBy?: string;
}
export type HouseSort = { key: 'address' | 'floorArea' | 'residents'; desc: boolean };

export interface HouseRow {
  id: number;
  name: string;
  path: string;
  use: string | null;
  floorArea: number | null;
  note: string | null;
  ownerPersonId: number | null;
  ownerName: string | null;
  residents: number;
  households: number;
  rentalEndsOn: string | null;
}

/** The end date of a house's latest rental (by start; the index rentals_house serves it). */
export const latestRentalEnd = sql<
  string | null
>`(SELECT to_char(r.end_date, 'YYYY-MM-DD') FROM rentals r WHERE r.house_id = a.id ORDER BY r.start_date DESC, r.id DESC LIMIT 1)`;

/**
 * The queries about houses (an area of kind house), their facts (house_info), rentals and
 * households (户). People are registry.repository.ts's.
 */
export function housesRepo(db: Conn) {
  const residents = sql<number>`(SELECT count(*)::int FROM people r WHERE r.area_id = a.id AND r.status = 'active')`;
  const householdCount = sql<number>`(SELECT count(*)::int FROM households hh WHERE hh.area_id = a.id)`;

  /** The houses (areas of kind house) the filter names, with their facts. */
  function filtered(f: HouseFilter) {
    let q = db
      .selectFrom('areas as a')
      .leftJoin('houseInfo as hi', 'hi.areaId', 'a.id')
      .where('a.kind', '=', 'house')
      .where('a.status', '=', 'active')
      .where(f.scope);
    if (f.q) {
      const like = `%${escapeLike(f.q)}%`;
      // The house's own name (301), or a compound, building or unit it lies in (金盆小区, 1栋):
      // the matching ancestors are found once by the name's trigram index, the houses by GiST.
      q = q.where(
        sql<SqlBool>`(a.name ILIKE ${like} OR a.path <@ ARRAY(SELECT m.path FROM areas m WHERE m.kind IN ('compound','building','unit') AND m.name ILIKE ${like}))`,
      );
    }
    if (f.areaId !== undefined)
      q = q.where(sql<SqlBool>`a.path <@ (SELECT r.path FROM areas r WHERE r.id = ${f.areaId})`);
    if (f.use === 'unknown') q = q.where('hi.use', 'is', null);
    else if (f.use) q = q.where('hi.use', '=', f.use);
    if (f.rentalEndsBy)
      q = q
        .where('hi.use', '=', 'rental')
        .where(sql<SqlBool>`${latestRentalEnd}::date <= ${f.rentalEndsBy}::date`);
    return q;
  }

  function rowsOf(q: ReturnType<typeof filtered>) {
    return q
      .leftJoin('people as o', 'o.id', 'hi.ownerPersonId')
      .select([
        'a.id',
        'a.name',
        sql<string>`a.path::text`.as('path'),
        'hi.use',
        'hi.floorArea',
        'hi.note',
        'hi.ownerPersonId',
        'o.name as ownerName',
        residents.as('residents'),
        householdCount.as('households'),
        latestRentalEnd.as('rentalEndsOn'),
      ]);
  }

  /** The list's order; the id last, so pages never overlap. */
  function sortedRows(f: HouseFilter, sort: HouseSort) {
    const dir = sort.desc ? sql.raw('desc') : sql.raw('asc');
    let q = rowsOf(filtered(f));
    if (sort.key === 'floorArea') q = q.orderBy(sql`hi.floor_area ${dir} nulls last`);
    else if (sort.key === 'residents') q = q.orderBy(sql`${residents} ${dir}`);
    // The address: by building (parent), then the house's own order and number (301 before 1001).
    return q
      .orderBy(sql`a.parent_id ${dir}`)
      .orderBy(sql`a.sort_order ${dir}`)
      .orderBy(sql`length(a.name) ${dir}`)
      .orderBy(sql`a.name ${dir}`)
      .orderBy(sql`a.id ${dir}`);
  }

  return {
    /** A page of houses and the true total (platform/db/count.ts). */
    async list(f: HouseFilter, sort: HouseSort, limit: number, offset: number) {
      const counted = await countTotal(db, filtered(f).select(sql`1`.as('x')));
      const rows = (await sortedRows(f, sort).limit(limit).offset(offset).execute()) as HouseRow[];
      return { rows, total: counted.total, exact: counted.exact };
    },

    async count(f: HouseFilter, cap: number): Promise<number> {
      const r = await db
        .selectFrom(filtered(f).select(sql`1`.as('x')).limit(cap).as('c'))
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirst();
      return r?.n ?? 0;
    },

    /** Houses for an export, in the list's order, `limit` at a time from `offset`. */
    async exportPage(f: HouseFilter, sort: HouseSort, offset: number, limit: number) {
      return (await sortedRows(f, sort).limit(limit).offset(offset).execute()) as HouseRow[];
    },

    /**
     * The houses under `root` by their place: the names of the compound, building, unit and
     * house, joined with " / " (金盆小区 / 1栋 / 2单元 / 301), for the ledger import to find a row's house.
     */
    async housesUnder(rootPath: string) {
      return (
        await sql<{ id: number; path: string; names: string }>`
          SELECT h.id, h.path::text AS path,
                 (SELECT string_agg(x.name, ' / ' ORDER BY x.depth) FROM areas x
                   WHERE x.path @> h.path AND x.kind IN ('compound','group','building','unit','house')) AS names
            FROM areas h
           WHERE h.kind = 'house' AND h.status = 'active' AND h.path <@ ${rootPath}::ltree`.execute(db)
      ).rows;
    },

    async household(id: number, scope: Expression<SqlBool>, forUpdate = false) {
      let q = db
        .selectFrom('households as h')
        .innerJoin('areas as a', 'a.id', 'h.areaId')
        .select([
          'h.id',
          'h.areaId',
          'h.kind',
          'h.headPersonId',
          'h.version',
          sql<string>`a.path::text`.as('areaPath'),
        ])
        .where('h.id', '=', id)
        .where(scope);
      if (forUpdate) q = q.forUpdate('h');
      return q.executeTakeFirst();
    },

    async householdsAt(areaId: number) {
      return db
        .selectFrom('households')
        .select(['id', 'areaId', 'kind', 'headPersonId', 'version'])
        .where('areaId', '=', areaId)
        .orderBy('id')
        .execute();
    },

    async members(householdIds: number[]) {
      if (householdIds.length === 0) return [];
      return db
        .selectFrom('people')
        .select(['id', 'householdId', 'name', 'relationToHead', 'sex', 'birthDate'])
        .where('householdId', 'in', householdIds)
        .where('status', '=', 'active')
        .orderBy('id')
        .execute();
    },

    async houseInfo(areaId: number, forUpdate = false) {
      let q = db.selectFrom('houseInfo').selectAll().where('areaId', '=', areaId);
      if (forUpdate) q = q.forUpdate();
      return q.executeTakeFirst();
    },

    async rentalsAt(houseId: number) {
      const rentals = await db
        .selectFrom('rentals as r')
        .leftJoin('people as l', 'l.id', 'r.landlordPersonId')
        .select(['r.id', 'r.landlordPersonId', 'l.name as landlordName', 'r.use', 'r.startDate', 'r.endDate'])
        .where('r.houseId', '=', houseId)
        .orderBy('r.startDate', 'desc')
        .orderBy('r.id', 'desc')
        .limit(100)
        .execute();
      const tenants = rentals.length
        ? await db
            .selectFrom('rentalTenants as t')
            .innerJoin('people as p', 'p.id', 't.personId')
            .select(['t.rentalId', 'p.id as personId', 'p.name'])
            .where(
              't.rentalId',
              'in',
              rentals.map((r) => r.id),
            )
            .orderBy('p.id')
            .execute()
        : [];
      return rentals.map((r) => ({
        ...r,
        tenants: tenants
          .filter((t) => t.rentalId === r.id)
          .map((t) => ({ personId: t.personId, name: t.name })),
      }));
    },

    // —— households: writes ——

    async insertHousehold(v: { areaId: number; kind: string; headPersonId: number | null }): Promise<number> {
      const h = await db
        .insertInto('households')
        .values(v as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      return h.id;
    },

    async setHead(householdId: number, headPersonId: number | null) {
      await db
        .updateTable('households')
        .set({
          headPersonId,
          version: sql`version + 1`,
          updatedAt: sql`now()`,
        } as never)
        .where('id', '=', householdId)
        .execute();
    },

    /** The household loses its head when that head is this person (who leaves it). */
    async clearHeadIf(householdId: number, personId: number) {
      await db
        .updateTable('households')
        .set({ headPersonId: null, version: sql`version + 1`, updatedAt: sql`now()` } as never)
        .where('id', '=', householdId)
        .where('headPersonId', '=', personId)
        .execute();
    },

    // —— houses and rentals ——

    async lockArea(id: number) {
      await sql`SELECT 1 FROM areas WHERE id = ${id} FOR UPDATE`.execute(db);
    },

    async saveHouseInfo(houseId: number, exists: boolean, next: Record<string, unknown>) {
      if (exists) {
        await db
          .updateTable('houseInfo')
          .set({ ...next, version: sql`version + 1`, updatedAt: sql`now()` } as never)
          .where('areaId', '=', houseId)
          .execute();
      } else {
        await db
          .insertInto('houseInfo')
          .values({ areaId: houseId, ...next } as never)
          .execute();
      }
    },

    async insertRental(
      v: {
        houseId: number;
        landlordPersonId: number | null;
        use: string;
        startDate: string;
        endDate: string | null;
      },
      tenants: number[],
    ): Promise<number> {
      const rental = await db
        .insertInto('rentals')
        .values(v as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      if (tenants.length) {
        await db
          .insertInto('rentalTenants')
          .values(tenants.map((personId) => ({ rentalId: rental.id, personId })))
          .execute();
      }
      return rental.id;
    },

    /** A house with a rental is used as one. */
    async markRented(houseId: number) {
      await db
        .insertInto('houseInfo')
        .values({ areaId: houseId, use: 'rental' })
        .onConflict((oc) =>
          oc.column('areaId').doUpdateSet({
            use: 'rental',
            version: sql`house_info.version + 1`,
            updatedAt: sql`now()`,
          } as never),
        )
        .execute();
    },
  };
}
export type HousesRepo = ReturnType<typeof housesRepo>;
