import type { z } from 'zod';
import { isMasked } from '../../../../contract/identifiers.js';
import type { TagAssign } from '../../../../contract/registry.js';
import { TAGS, type TagCode, tagIdentifiers, tagPermission } from '../../../../contract/tags.js';
import { diff } from '../../../platform/audit/audit.js';
import type { Conn } from '../../../platform/db/index.js';
import { AppError, notFound } from '../../../platform/errors/app-error.js';
import { toIssues } from '../../../platform/errors/issues.js';
import { type Ctx, inTx, personChanged } from '../../../platform/services.js';
import { tagFields } from '../registry.presenter.js';
import { endsBeforeStart, type RegistryContext } from './common.js';

/**
 * A person's tags (重点人群 and the like, contract/tags.ts): each held under its own permission, so
 * a tag the actor may not see does not exist for them; its fields are stored encrypted and its
 * identifier fields never overwritten by a mask.
 */
export function tagsService({ s, repo, mustFind }: RegistryContext) {
  return {
    async loadTags(ids: number[], c: Conn = s.db) {
      return repo(c).tagsOf(ids);
    },

    async assignTag(
      ctx: Ctx,
      personId: number,
      input: Omit<z.infer<typeof TagAssign>, 'tag'> & { tag: string },
    ) {
      return inTx(s, ctx, async (trx, audit) => {
        const r = repo(trx);
        const p = await mustFind(ctx, personId, trx, true);
        // A tag the actor may not see does not exist for them.
        if (!(input.tag in TAGS) || !ctx.actor.canAt(tagPermission(input.tag as TagCode), p.areaPath))
          throw notFound();
        const code = input.tag as TagCode;
        const parsed = TAGS[code].fields.safeParse(input.fields);
        if (!parsed.success) {
          throw new AppError('VALIDATION_FAILED', {}, toIssues(parsed.error.issues, ctx.lang, 'fields'));
        }
        if (input.startDate && input.endDate && input.endDate < input.startDate) throw endsBeforeStart(ctx);
        const existing = await r.tag(personId, code, true);
        // An identifier field sent back masked (4*****************12) keeps the stored value; a
        // masked value never becomes one.
        const fields = { ...(parsed.data as Record<string, unknown>) };
        const stored = existing ? tagFields(s.keyring, existing.fieldsEnc) : {};
        for (const key of tagIdentifiers(code)) {
          const v = fields[key];
          if (typeof v !== 'string') continue;
          if (isMasked(v)) {
            if (stored[key] !== undefined) fields[key] = stored[key];
            else delete fields[key];
          } else if (v.trim() === '') delete fields[key];
          else fields[key] = v.trim();
        }
        const values = {
          fieldsEnc: s.keyring.encrypt(JSON.stringify(fields)),
          startDate: input.startDate ?? null,
          endDate: input.endDate ?? null,
        };
        await r.saveTag(existing?.id ?? null, personId, code, values);
        // The tag's fields are sensitive: the audit names the tag and its dates, not the fields.
        await personChanged(s, trx, [personId]);
        await audit({
          action: existing ? 'person.tag.update' : 'person.tag.add',
          entityType: 'person',
          entityId: personId,
          changes: existing
            ? diff(
                { startDate: existing.startDate, endDate: existing.endDate },
                { startDate: values.startDate, endDate: values.endDate },
              )
            : { tag: { before: null, after: code } },
          detail: { tag: code },
        });
        return p;
      });
    },

    async removeTag(ctx: Ctx, personId: number, tagId: number) {
      await inTx(s, ctx, async (trx, audit) => {
        const r = repo(trx);
        const p = await mustFind(ctx, personId, trx, true);
        const row = await r.tagById(tagId, personId);
        if (!row || !ctx.actor.canAt(tagPermission(row.tag as TagCode), p.areaPath)) throw notFound();
        await r.deleteTag(tagId);
        await personChanged(s, trx, [personId]);
        await audit({
          action: 'person.tag.remove',
          entityType: 'person',
          entityId: personId,
          changes: { tag: { before: row.tag, after: null } },
          detail: { tag: row.tag },
        });
      });
    },
  };
}
