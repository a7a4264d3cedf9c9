import { type Expression, type SqlBool, sql } from 'kysely';
import type { Conn } from '../../platform/db/index.js';

/**
 * The queries about houses (an area of kind house), their facts (house_info), rentals and
 * households (户). People are registry.repository.ts's.
 */
export function housesRepo(db: Conn) {
  return {
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
