import { type SqlBool, sql } from 'kysely';
import type { z } from 'zod';
import type { HouseholdCreate } from '../../../../contract/registry.js';
import { areaIdInScope } from '../../../platform/access/scope.js';
import { diff } from '../../../platform/audit/audit.js';
import { AppError, notFound } from '../../../platform/errors/app-error.js';
import { type Ctx, inTx } from '../../../platform/services.js';
import type { PersonRecord } from '../registry.repository.js';
import { invalid, type RegistryContext } from './common.js';

/** Households (户): made in a house, their head a member (户主); members join by a person's update or move. */
export function householdsService({
  s,
  repo,
  houses,
  personScope,
  mustFindHouse,
  noSuchPerson,
}: RegistryContext) {
  return {
    async createHousehold(ctx: Ctx, input: z.infer<typeof HouseholdCreate>) {
      return inTx(s, ctx, async (trx, audit) => {
        const r = repo(trx);
        const hr = houses(trx);
        const a = await mustFindHouse(ctx, input.houseId, trx);
        if (!ctx.actor.canAt('person.update', a.path)) throw new AppError('FORBIDDEN');
        let head: PersonRecord | undefined;
        if (input.headPersonId) {
          head = await r.find(input.headPersonId, personScope(ctx), true);
          if (!head) throw noSuchPerson(ctx, 'headPersonId');
        }
        const householdId = await hr.insertHousehold({
          areaId: a.id,
          kind: input.kind,
          headPersonId: head?.id ?? null,
        });
        if (head) await r.updatePerson(head.id, { householdId, relationToHead: '户主' });
        await audit({
          action: 'household.create',
          entityType: 'household',
          entityId: householdId,
          changes: diff(null, { houseId: a.id, kind: input.kind, headPersonId: head?.id ?? null }),
        });
        return (await hr.household(householdId, sql<SqlBool>`true`))!;
      });
    },

    async updateHousehold(ctx: Ctx, id: number, version: number, input: { headPersonId: number | null }) {
      return inTx(s, ctx, async (trx, audit) => {
        const r = repo(trx);
        const hr = houses(trx);
        const h = await hr.household(id, areaIdInScope(ctx.actor, 'person.read', 'h.areaId'), true);
        if (!h) throw notFound();
        if (!ctx.actor.canAt('person.update', h.areaPath)) throw new AppError('FORBIDDEN');
        if (h.version !== version) throw new AppError('STALE_VERSION');
        if (input.headPersonId !== null) {
          const head = await r.find(input.headPersonId, personScope(ctx));
          if (!head || head.householdId !== id) {
            throw invalid(
              'headPersonId',
              'not_member',
              ctx.lang === 'zh' ? '户主须是本户成员' : 'the head must be a member of the household',
            );
          }
        }
        await hr.setHead(id, input.headPersonId);
        if (input.headPersonId !== null) {
          await r.updatePerson(input.headPersonId, { relationToHead: '户主' });
        }
        await audit({
          action: 'household.update',
          entityType: 'household',
          entityId: id,
          changes: diff({ headPersonId: h.headPersonId }, { headPersonId: input.headPersonId }),
        });
        return (await hr.household(id, sql<SqlBool>`true`))!;
      });
    },

    async household(ctx: Ctx, id: number) {
      const h = await houses().household(id, areaIdInScope(ctx.actor, 'person.read', 'h.areaId'));
      if (!h) throw notFound();
      return h;
    },
  };
}
