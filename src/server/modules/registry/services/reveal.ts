import type { z } from 'zod';
import type { RevealBody } from '../../../../contract/registry.js';
import { parseTagRevealField, tagPermission } from '../../../../contract/tags.js';
import { AppError, notFound } from '../../../platform/errors/app-error.js';
import { type Ctx, inTx } from '../../../platform/services.js';
import { tagFields } from '../registry.presenter.js';
import type { RegistryContext } from './common.js';

/** Reveals allowed per user per hour, people and cases together (counted from the audit log). */
export const REVEAL_LIMIT = 30;

/**
 * Revealing an identifier (the ID number, the phone, a tag's identifier field) to an actor who
 * holds person.reveal there: one at a time per user, REVEAL_LIMIT an hour, the purpose audited
 * and the value not, shown for a minute.
 */
export function revealService({ s, repo, mustFind }: RegistryContext) {
  return {
    async reveal(ctx: Ctx, personId: number, body: z.infer<typeof RevealBody>) {
      return inTx(s, ctx, async (trx, audit) => {
        const p = await mustFind(ctx, personId, trx);
        if (!ctx.actor.canAt('person.reveal', p.areaPath)) throw new AppError('FORBIDDEN');
        // One reveal at a time per user, counted against the last hour of the audit log.
        const r = repo(trx);
        await r.lockUser('reveal', ctx.actor.userId);
        const since = new Date(s.clock.now().getTime() - 3600_000);
        // A tag's identifier field: the tag must be one the actor may see (else it does not exist).
        const tagField = parseTagRevealField(body.field);
        if (body.field.startsWith('tag.')) {
          if (!tagField || !ctx.actor.canAt(tagPermission(tagField.tag), p.areaPath)) throw notFound();
        }
        const used = await r.auditCount(ctx.actor.userId, ['person.reveal', 'case.reveal'], since);
        if (used >= REVEAL_LIMIT) throw new AppError('RATE_LIMITED');
        let value: string | null = null;
        if (tagField) {
          const row = await r.tag(personId, tagField.tag);
          const v = row ? tagFields(s.keyring, row.fieldsEnc)[tagField.key] : undefined;
          value = v === undefined || v === null ? null : String(v);
        } else {
          const enc = body.field === 'idNumber' ? p.idEnc : p.phoneEnc;
          value = enc ? s.keyring.decrypt(enc) : null;
        }
        // The purpose is recorded; the value is not.
        await audit({
          action: 'person.reveal',
          entityType: 'person',
          entityId: personId,
          detail: { field: body.field, purpose: body.purpose },
        });
        return {
          field: body.field,
          value,
          expiresAt: new Date(s.clock.now().getTime() + 60_000).toISOString(),
        };
      });
    },
  };
}
