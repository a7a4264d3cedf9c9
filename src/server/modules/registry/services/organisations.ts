import type { z } from 'zod';
import { checkCreditCode, isMasked } from '../../../../contract/identifiers.js';
import type {
  OrganisationCreate,
  OrganisationListQuery,
  OrganisationUpdate,
} from '../../../../contract/registry.js';
import { areaIdInScope } from '../../../platform/access/scope.js';
import { diff } from '../../../platform/audit/audit.js';
import type { Conn } from '../../../platform/db/index.js';
import { AppError, notFound } from '../../../platform/errors/app-error.js';
import { type Ctx, inTx } from '../../../platform/services.js';
import { organisationsRepo } from '../organisations.repository.js';
import { organisationAuditView } from '../registry.presenter.js';
import { blank, invalid, type RegistryContext } from './common.js';

/** Organisations (单位) in an area: one per 统一社会信用代码, managed under org.manage. */
export function organisationsService({ s, repo, areaScope, phoneFields }: RegistryContext) {
  const orgRepo = (c: Conn = s.db) => organisationsRepo(c);

  async function findOrganisation(ctx: Ctx, id: number, c: Conn = s.db, forUpdate = false) {
    // Locked on its own first, then read: see registry.repository's find.
    const o = await orgRepo(c).find(id, areaIdInScope(ctx.actor, 'org.read', 'o.areaId'), forUpdate);
    if (!o) throw notFound();
    return o;
  }

  function orgCredit(ctx: Ctx, raw: string | undefined): string | null {
    if (!raw) return null;
    const r = checkCreditCode(raw);
    if (!r.ok) throw invalid('creditCode', 'invalid_credit_code', r.message[ctx.lang]);
    return r.value;
  }

  async function assertUniqueCredit(ctx: Ctx, code: string, selfId: number | null, c: Conn) {
    const other = await orgRepo(c).byCreditCode(code);
    if (other && other.id !== selfId) {
      throw new AppError('DUPLICATE', { field: ctx.lang === 'zh' ? '统一社会信用代码' : 'credit code' }, [
        {
          path: 'creditCode',
          code: 'duplicate',
          message: ctx.lang === 'zh' ? '已登记' : 'already registered',
        },
      ]);
    }
  }

  return {
    async organisations(ctx: Ctx, q: z.infer<typeof OrganisationListQuery>) {
      const desc = q.sort?.startsWith('-') ?? false;
      const key = (q.sort?.replace(/^-/, '') ?? 'name') as 'name' | 'kind' | 'id';
      return orgRepo().list(
        areaIdInScope(ctx.actor, 'org.read', 'o.areaId'),
        q,
        { key, desc },
        q.pageSize,
        (q.page - 1) * q.pageSize,
      );
    },

    organisation: findOrganisation,

    async createOrganisation(ctx: Ctx, input: z.infer<typeof OrganisationCreate>) {
      const credit = orgCredit(ctx, input.creditCode);
      const phone = input.contactPhone ? phoneFields(ctx, input.contactPhone, 'contactPhone') : null;
      return inTx(s, ctx, async (trx, audit) => {
        const a = await repo(trx).area(input.areaId, areaScope(ctx, 'org.read'));
        if (!a) throw notFound();
        if (!ctx.actor.canAt('org.manage', a.path)) throw new AppError('FORBIDDEN');
        if (credit) await assertUniqueCredit(ctx, credit, null, trx);
        const newId = await orgRepo(trx).insert({
          areaId: a.id,
          name: input.name,
          kind: input.kind,
          creditCode: credit,
          address: blank(input.address) ?? null,
          contactName: blank(input.contactName) ?? null,
          contactPhoneEnc: phone?.phoneEnc ?? null,
          contactPhoneTail: phone?.phoneTail ?? null,
          note: blank(input.note) ?? null,
        });
        const o = await orgRepo(trx).get(newId);
        await audit({
          action: 'org.create',
          entityType: 'organisation',
          entityId: newId,
          changes: diff(null, organisationAuditView(s.keyring, o)),
        });
        return o;
      });
    },

    async updateOrganisation(
      ctx: Ctx,
      id: number,
      version: number,
      input: z.infer<typeof OrganisationUpdate>,
    ) {
      return inTx(s, ctx, async (trx, audit) => {
        const before = await findOrganisation(ctx, id, trx, true);
        if (!ctx.actor.canAt('org.manage', before.areaPath)) throw new AppError('FORBIDDEN');
        if (before.version !== version) throw new AppError('STALE_VERSION');
        const set: Record<string, unknown> = {};
        if (input.name !== undefined) set.name = input.name;
        if (input.kind !== undefined) set.kind = input.kind;
        if (input.creditCode !== undefined) {
          const credit = orgCredit(ctx, input.creditCode);
          if (credit && credit !== before.creditCode) await assertUniqueCredit(ctx, credit, id, trx);
          set.creditCode = credit;
        }
        if (input.contactPhone !== undefined && !isMasked(input.contactPhone)) {
          const p = input.contactPhone === '' ? null : phoneFields(ctx, input.contactPhone, 'contactPhone');
          set.contactPhoneEnc = p?.phoneEnc ?? null;
          set.contactPhoneTail = p?.phoneTail ?? null;
        }
        for (const k of ['address', 'contactName', 'note'] as const) {
          if (input[k] !== undefined) set[k] = blank(input[k]);
        }
        if (input.areaId !== undefined && input.areaId !== before.areaId) {
          const a = await repo(trx).area(input.areaId, areaScope(ctx, 'org.read'));
          if (!a) throw notFound();
          if (!ctx.actor.canAt('org.manage', a.path)) throw new AppError('FORBIDDEN');
          set.areaId = a.id;
        }
        if (Object.keys(set).length > 0) await orgRepo(trx).update(id, set);
        const after = await orgRepo(trx).get(id);
        const changes = diff(
          organisationAuditView(s.keyring, before),
          organisationAuditView(s.keyring, after),
        );
        if (Object.keys(changes).length)
          await audit({ action: 'org.update', entityType: 'organisation', entityId: id, changes });
        return after;
      });
    },
  };
}
