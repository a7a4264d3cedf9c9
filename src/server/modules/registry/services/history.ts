import type { Ctx } from '../../../platform/services.js';
import { visibleTags } from '../registry.policy.js';
import { presentHistory } from '../registry.presenter.js';
import type { RegistryContext } from './common.js';

/** A person's history: the audit log's entries about them, tag entries only for tags the actor may see. */
export function historyService({ repo, mustFind }: RegistryContext) {
  return {
    async history(ctx: Ctx, personId: number, page: number, pageSize: number) {
      const p = await mustFind(ctx, personId);
      const tags = visibleTags(ctx.actor, p.areaPath);
      const { total, rows } = await repo().history(personId, tags, pageSize, (page - 1) * pageSize);
      // The birth date is shown only where the ID number may be revealed (as on the record).
      return presentHistory(total, rows, ctx.actor.canAt('person.reveal', p.areaPath));
    },
  };
}
