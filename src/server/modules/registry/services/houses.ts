import type { z } from 'zod';
import type { HouseListQuery, HouseUpdate, RentalCreate } from '../../../../contract/registry.js';
import { pathInScope } from '../../../platform/access/scope.js';
import { diff } from '../../../platform/audit/audit.js';
import { AppError } from '../../../platform/errors/app-error.js';
import { type Ctx, inTx } from '../../../platform/services.js';
import type { HouseFilter, HouseSort } from '../houses.repository.js';
import { blank, endsBeforeStart, type RegistryContext } from './common.js';

/** A calendar date plus n days (YYYY-MM-DD). */
function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Houses (房屋: an area of kind house): their use, owner and floor area, and their rentals. */
export function housesService({
  s,
  repo,
  houses,
  personScope,
  mustFindHouse,
  noSuchPerson,
  today,
}: RegistryContext) {
  type ListQ = Omit<z.infer<typeof HouseListQuery>, 'page' | 'pageSize'>;
  /** The houses ledger's filter: the actor's houses (scope in the SQL), by name, place and use. */
  function houseFilter(ctx: Ctx, q: ListQ): HouseFilter {
    return {
      scope: pathInScope(ctx.actor, 'house.read', 'a.path'),
      q: q.q,
      areaId: q.areaId,
      use: q.use,
      rentalEndsBy:
        q.rentalEndsWithinDays === undefined ? undefined : addDays(today(), q.rentalEndsWithinDays),
    };
  }
  function houseSort(sort: string | undefined): HouseSort {
    return {
      key: (sort?.replace(/^-/, '') ?? 'address') as HouseSort['key'],
      desc: sort?.startsWith('-') ?? false,
    };
  }

  return {
    houseFilter,
    houseSort,

    /** The houses ledger (实有房屋): a page, sorted, with the true total. */
    async houseList(ctx: Ctx, q: z.infer<typeof HouseListQuery>) {
      return houses().list(houseFilter(ctx, q), houseSort(q.sort), q.pageSize, (q.page - 1) * q.pageSize);
    },

    async house(ctx: Ctx, houseId: number) {
      return mustFindHouse(ctx, houseId);
    },

    async updateHouse(ctx: Ctx, houseId: number, version: number, input: z.infer<typeof HouseUpdate>) {
      return inTx(s, ctx, async (trx, audit) => {
        const r = repo(trx);
        const hr = houses(trx);
        const a = await mustFindHouse(ctx, houseId, trx);
        if (!ctx.actor.canAt('house.update', a.path)) throw new AppError('FORBIDDEN');
        await hr.lockArea(houseId);
        const before = await hr.houseInfo(houseId, true);
        if ((before?.version ?? 0) !== version) throw new AppError('STALE_VERSION');
        if (input.ownerPersonId) {
          const owner = await r.find(input.ownerPersonId, personScope(ctx));
          if (!owner) throw noSuchPerson(ctx, 'ownerPersonId');
        }
        const view = (h: typeof before) => ({
          use: h?.use ?? null,
          ownerPersonId: h?.ownerPersonId ?? null,
          floorArea: h?.floorArea ?? null,
          note: h?.note ?? null,
        });
        const next = { ...view(before) };
        if (input.use !== undefined) next.use = input.use;
        if (input.ownerPersonId !== undefined) next.ownerPersonId = input.ownerPersonId;
        if (input.floorArea !== undefined) next.floorArea = input.floorArea;
        if (input.note !== undefined) next.note = blank(input.note) ?? null;
        await hr.saveHouseInfo(houseId, before !== undefined, next);
        await audit({
          action: 'house.update',
          entityType: 'house',
          entityId: houseId,
          changes: diff(view(before), next),
        });
        return a;
      });
    },

    async addRental(ctx: Ctx, houseId: number, input: z.infer<typeof RentalCreate>) {
      return inTx(s, ctx, async (trx, audit) => {
        const r = repo(trx);
        const hr = houses(trx);
        const a = await mustFindHouse(ctx, houseId, trx);
        if (!ctx.actor.canAt('house.update', a.path)) throw new AppError('FORBIDDEN');
        if (input.endDate && input.endDate < input.startDate) throw endsBeforeStart(ctx);
        const ids = [
          ...new Set([...(input.landlordPersonId ? [input.landlordPersonId] : []), ...input.tenantPersonIds]),
        ];
        const found = await r.findByIds(ids, personScope(ctx));
        if (found.length !== ids.length) {
          const missing = ids.find((i) => !found.some((p) => p.id === i))!;
          const path =
            missing === input.landlordPersonId
              ? 'landlordPersonId'
              : `tenantPersonIds.${input.tenantPersonIds.indexOf(missing)}`;
          throw noSuchPerson(ctx, path);
        }
        const tenants = [...new Set(input.tenantPersonIds)];
        const rentalId = await hr.insertRental(
          {
            houseId,
            landlordPersonId: input.landlordPersonId ?? null,
            use: input.use,
            startDate: input.startDate,
            endDate: input.endDate ?? null,
          },
          tenants,
        );
        await hr.markRented(houseId);
        await audit({
          action: 'house.rental.create',
          entityType: 'house',
          entityId: houseId,
          detail: {
            rentalId,
            use: input.use,
            startDate: input.startDate,
            endDate: input.endDate ?? null,
            tenants,
          },
        });
        return a;
      });
    },
  };
}
