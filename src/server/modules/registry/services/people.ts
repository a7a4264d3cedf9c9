import { type SqlBool, sql } from 'kysely';
import type { z } from 'zod';
import { isMasked } from '../../../../contract/identifiers.js';
import type { PersonCreate, PersonMove, PersonUpdate } from '../../../../contract/registry.js';
import { diff } from '../../../platform/audit/audit.js';
import { AppError } from '../../../platform/errors/app-error.js';
import { type Ctx, inTx, personChanged } from '../../../platform/services.js';
import { personAuditView } from '../registry.presenter.js';
import {
  encodeId,
  encodeName,
  encodePhone,
  handOverIdNumber,
  type PersonRecord,
} from '../registry.repository.js';
import { blank, invalid, type RegistryContext } from './common.js';
import { idNumbers } from './id-numbers.js';

/**
 * People: registering, changing, moving out and back. An ID number is placed and handed over by
 * id-numbers.ts; every change is audited with the record's masked before and after
 * (registry.presenter's personAuditView) and tells the modules that follow people (personChanged).
 */
export function peopleService(c: RegistryContext) {
  const { s, repo, houses, today, mustFind, forAction, targetArea, targetHousehold, idFields, phoneFields } =
    c;
  const ids = idNumbers(c);

  return {
    get: mustFind,

    pendingRegistrations: (personId: number) => repo().pendingRegistrations(personId),

    async create(ctx: Ctx, input: PersonCreate): Promise<PersonRecord> {
      const id = input.idNumber ? idFields(ctx, input.idNumber) : null;
      const phone = input.phone ? phoneFields(ctx, input.phone) : encodePhone(s.keyring, null);
      return inTx(s, ctx, async (trx, audit) => {
        const r = repo(trx);
        await targetArea(ctx, input.areaId, 'person.create', trx);
        if (input.householdId) await targetHousehold(ctx, input.householdId, trx);
        const placement = await ids.guardUnique(ctx, trx, async () => {
          const placed = id ? await ids.placeId(ctx, id.idHash, null, trx) : null;
          const newId = await r.insertPerson({
            ...encodeName(input.name),
            duplicateOf: placed?.duplicateOf ?? null,
            areaId: input.areaId,
            householdId: input.householdId ?? null,
            relationToHead: blank(input.relationToHead) ?? null,
            idEnc: id?.idEnc ?? null,
            idHash: id?.idHash ?? null,
            idTail: id?.idTail ?? null,
            ...phone,
            sex: id?.sex ?? input.sex ?? null,
            birthDate: id?.birthDate ?? input.birthDate ?? null,
            ethnicity: blank(input.ethnicity) ?? null,
            education: blank(input.education) ?? null,
            politicalStatus: blank(input.politicalStatus) ?? null,
            employer: blank(input.employer) ?? null,
            residenceType: input.residenceType,
            registeredAddress: blank(input.registeredAddress) ?? null,
            currentAddress: blank(input.currentAddress) ?? null,
            floatingRegisteredOn: input.floatingRegisteredOn ?? null,
            floatingExpiresOn: input.floatingExpiresOn ?? null,
            inflowReason: blank(input.inflowReason) ?? null,
            floatingResidenceKind: blank(input.floatingResidenceKind) ?? null,
            healthArchive: input.healthArchive ?? false,
            note: blank(input.note) ?? null,
          });
          // The record that had the number has moved out: this registration continues it.
          const continues = placed?.supersedes
            ? await handOverIdNumber(trx, placed.supersedes, true, newId)
            : null;
          return { newId, pendingOf: placed?.duplicateOf ?? null, continues };
        });
        const { newId, pendingOf, continues } = placement;
        const created = (await r.find(newId, sql<SqlBool>`true`))!;
        // The answer is the one for a new number; only the audit log says what happened.
        await audit({
          action: 'person.create',
          entityType: 'person',
          entityId: newId,
          changes: diff(null, personAuditView(s.keyring, created)),
          ...(pendingOf !== null && continues === null ? { detail: { pendingDuplicateOf: pendingOf } } : {}),
        });
        if (pendingOf !== null && continues !== null) await ids.auditHandOver(audit, pendingOf, newId);
        return created;
      });
    },

    async update(ctx: Ctx, personId: number, version: number, input: PersonUpdate): Promise<PersonRecord> {
      return inTx(s, ctx, async (trx, audit) => {
        const r = repo(trx);
        const before = await forAction(ctx, personId, 'person.update', trx);
        if (before.version !== version) throw new AppError('STALE_VERSION');
        const set: Record<string, unknown> = {};
        // A masked value sent back (1***************2X, 138****5678) never overwrites the stored one.
        let newHash: string | null | undefined;
        if (input.idNumber !== undefined && !isMasked(input.idNumber)) {
          if (input.idNumber === '') {
            Object.assign(set, encodeId(s.keyring, null));
            if (before.idHash !== null) newHash = null;
          } else {
            const id = idFields(ctx, input.idNumber);
            if (id.idHash !== before.idHash) newHash = id.idHash;
            Object.assign(set, { idEnc: id.idEnc, idHash: id.idHash, idTail: id.idTail });
            set.sex = id.sex;
            set.birthDate = id.birthDate;
          }
        }
        if (input.phone !== undefined && !isMasked(input.phone)) {
          Object.assign(
            set,
            input.phone === '' ? encodePhone(s.keyring, null) : phoneFields(ctx, input.phone),
          );
        }
        if (input.name !== undefined && input.name !== before.name)
          Object.assign(set, encodeName(input.name));
        // Sex and birth date follow the ID number when there is one.
        const hasId = set.idEnc !== undefined ? set.idEnc !== null : before.idEnc !== null;
        if (!hasId) {
          if (input.sex !== undefined) set.sex = input.sex;
          if (input.birthDate !== undefined) set.birthDate = input.birthDate;
        }
        if (input.areaId !== undefined && input.areaId !== before.areaId) {
          await targetArea(ctx, input.areaId, 'person.update', trx);
          set.areaId = input.areaId;
        }
        if (input.householdId !== undefined && input.householdId !== before.householdId) {
          if (input.householdId !== null) await targetHousehold(ctx, input.householdId, trx);
          set.householdId = input.householdId;
        }
        for (const k of [
          'ethnicity',
          'education',
          'politicalStatus',
          'employer',
          'registeredAddress',
          'currentAddress',
          'relationToHead',
          'inflowReason',
          'floatingResidenceKind',
          'note',
        ] as const) {
          if (input[k] !== undefined) set[k] = blank(input[k] as string);
        }
        for (const k of [
          'residenceType',
          'floatingRegisteredOn',
          'floatingExpiresOn',
          'healthArchive',
          'status',
        ] as const) {
          if (input[k] !== undefined) set[k] = input[k];
        }
        const handedOver: { from: number; to: number }[] = [];
        if (Object.keys(set).length > 0) {
          await ids.guardUnique(ctx, trx, async () => {
            handedOver.length = 0;
            const placed = newHash ? await ids.placeId(ctx, newHash, personId, trx) : null;
            if (newHash !== undefined) set.duplicateOf = placed?.duplicateOf ?? null;
            await r.updatePerson(personId, set);
            // A record that gives up its number (changed, or moved out) hands it to a registration
            // held for it; one that takes a number from a moved-out record continues it.
            if (newHash !== undefined && before.duplicateOf === null && before.idHash !== null) {
              const to = await handOverIdNumber(trx, personId, false);
              if (to !== null) handedOver.push({ from: personId, to });
            }
            if (placed?.supersedes) {
              const to = await handOverIdNumber(trx, placed.supersedes, true, personId);
              if (to !== null) handedOver.push({ from: placed.supersedes, to });
            }
            if (newHash === undefined && set.status === 'moved_out' && before.status !== 'moved_out') {
              const to = before.duplicateOf === null ? await handOverIdNumber(trx, personId, true) : null;
              if (to !== null) handedOver.push({ from: personId, to });
            }
          });
        }
        for (const h of handedOver) await ids.auditHandOver(audit, h.from, h.to);
        const after = (await r.find(personId, sql<SqlBool>`true`))!;
        const changes = diff(personAuditView(s.keyring, before), personAuditView(s.keyring, after));
        if (Object.keys(changes).length > 0) {
          await personChanged(s, trx, [personId]);
          await audit({
            action: set.areaId !== undefined ? 'person.move' : 'person.update',
            entityType: 'person',
            entityId: personId,
            changes,
          });
        }
        return after;
      });
    },

    async move(ctx: Ctx, personId: number, version: number | null, input: z.infer<typeof PersonMove>) {
      return inTx(s, ctx, async (trx, audit) => {
        const r = repo(trx);
        const before = await forAction(ctx, personId, 'person.update', trx);
        if (version !== null && before.version !== version) throw new AppError('STALE_VERSION');
        const set: Record<string, unknown> = { status: input.status };
        if (input.areaId !== undefined) {
          await targetArea(ctx, input.areaId, 'person.update', trx);
          set.areaId = input.areaId;
        } else if (input.status === 'active') {
          throw invalid(
            'areaId',
            'required',
            ctx.lang === 'zh' ? '请选择迁入的房屋' : 'choose where to move',
          );
        }
        // Household membership follows the move: the old household is left (and its head
        // cleared when it was this person), a new one is joined when given.
        let householdId: number | null = null;
        if (input.householdId) {
          const h = await targetHousehold(ctx, input.householdId, trx);
          if (input.areaId !== undefined && h.areaId !== input.areaId) {
            throw invalid(
              'householdId',
              'other_house',
              ctx.lang === 'zh' ? '该户不在所选房屋' : 'the household is not in that house',
            );
          }
          householdId = h.id;
        }
        if (householdId === null && before.householdId !== null && input.areaId !== undefined) {
          const old = await houses(trx).household(before.householdId, sql<SqlBool>`true`);
          if (old && old.areaId === input.areaId) householdId = old.id;
        }
        set.householdId = householdId;
        set.relationToHead =
          householdId === null ? null : (blank(input.relationToHead) ?? before.relationToHead);
        if (before.householdId !== null && before.householdId !== householdId) {
          await houses(trx).clearHeadIf(before.householdId, personId);
        }
        await r.updatePerson(personId, set);
        // Moved out, the record hands its ID number to a registration held for it elsewhere.
        const to =
          input.status === 'moved_out' && before.status !== 'moved_out' && before.duplicateOf === null
            ? await handOverIdNumber(trx, personId, true)
            : null;
        if (to !== null) await ids.auditHandOver(audit, personId, to);
        const after = (await r.find(personId, sql<SqlBool>`true`))!;
        await personChanged(s, trx, [personId]);
        await audit({
          action: 'person.move',
          entityType: 'person',
          entityId: personId,
          changes: diff(personAuditView(s.keyring, before), personAuditView(s.keyring, after)),
          detail: { date: input.date ?? today(), note: input.note ?? null },
        });
        return after;
      });
    },
  };
}
