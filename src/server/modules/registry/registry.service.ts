import { type Expression, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import {
  checkCreditCode,
  checkIdNumber,
  checkPhone,
  isMasked,
  maskId,
  maskPhone,
} from '../../../contract/identifiers.js';
import type {
  AgeBand,
  HouseholdCreate,
  HouseUpdate,
  OrganisationCreate,
  OrganisationListQuery,
  OrganisationUpdate,
  PersonCreate,
  PersonListQuery,
  PersonMove,
  PersonUpdate,
  RentalCreate,
  RevealBody,
  TagAssign,
} from '../../../contract/registry.js';
import {
  parseTagRevealField,
  TAGS,
  type TagCode,
  tagIdentifiers,
  tagPermission,
} from '../../../contract/tags.js';
import { areaIdInScope } from '../../platform/access/scope.js';
import { type AuditInput, diff } from '../../platform/audit/audit.js';
import { type Conn, escapeLike } from '../../platform/db/index.js';
import { AppError, notFound } from '../../platform/errors/app-error.js';
import { toIssues } from '../../platform/errors/issues.js';
import { type Ctx, inTx, personChanged, type Services } from '../../platform/services.js';
import {
  AGE_BANDS,
  birthRange,
  classifySearch,
  IDENTIFIER_SEARCHES,
  revealsEverywhere,
  type SearchKind,
  visibleTags,
} from './registry.policy.js';
import { type OrganisationRecord, tagFields } from './registry.presenter.js';
import {
  encodeId,
  encodeName,
  encodePhone,
  handOverIdNumber,
  type PersonFilter,
  type PersonRecord,
  type PersonSort,
  registryRepo,
} from './registry.repository.js';

/** Reveals allowed per user per hour, people and cases together (counted from the audit log). */
export const REVEAL_LIMIT = 30;
/**
 * Searches by identifier (ID number, phone or their tails) per user per hour by an actor who may
 * not reveal every number it can read (counted from the audit log, where each is recorded).
 */
export const IDENTIFIER_SEARCH_LIMIT = 30;

const SORTS = { name: 'name', birthDate: 'birthDate', updatedAt: 'updatedAt' } as const;

export function invalid(path: string, code: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', {}, [{ path, code, message }]);
}

/** The calendar date in China (UTC+8, no daylight saving) of the service clock. */
export function todayOf(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export const addDays = (date: string, days: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

const blank = (v: string | null | undefined) =>
  v === undefined ? undefined : v === null || v === '' ? null : v;

/** A person as it goes into audit diffs: identifiers masked, never in clear. */
function auditView(s: Services, p: PersonRecord) {
  return {
    name: p.name,
    idNumber: p.idEnc ? maskId(s.keyring.decrypt(p.idEnc)) : null,
    sex: p.sex,
    birthDate: p.birthDate,
    phone: p.phoneEnc ? maskPhone(s.keyring.decrypt(p.phoneEnc)) : null,
    ethnicity: p.ethnicity,
    education: p.education,
    politicalStatus: p.politicalStatus,
    employer: p.employer,
    residenceType: p.residenceType,
    registeredAddress: p.registeredAddress,
    currentAddress: p.currentAddress,
    areaId: p.areaId,
    householdId: p.householdId,
    relationToHead: p.relationToHead,
    floatingRegisteredOn: p.floatingRegisteredOn,
    floatingExpiresOn: p.floatingExpiresOn,
    inflowReason: p.inflowReason,
    floatingResidenceKind: p.floatingResidenceKind,
    healthArchive: p.healthArchive,
    status: p.status,
    note: p.note,
  };
}

type ListQ = z.infer<typeof PersonListQuery>;

export function registryService(s: Services) {
  const repo = (c: Conn = s.db) => registryRepo(c, s.keyring);
  const today = () => todayOf(s.clock.now());
  const personScope = (ctx: Ctx, permission = 'person.read') =>
    areaIdInScope(ctx.actor, permission, 'p.areaId');
  const areaScope = (ctx: Ctx, permission: string) => areaIdInScope(ctx.actor, permission, 'a.id');

  async function mustFind(ctx: Ctx, id: number, c: Conn = s.db, forUpdate = false): Promise<PersonRecord> {
    const p = await repo(c).find(id, personScope(ctx), forUpdate);
    if (!p) throw notFound();
    return p;
  }

  async function forAction(ctx: Ctx, id: number, permission: string, c: Conn) {
    const p = await mustFind(ctx, id, c, true);
    if (!ctx.actor.canAt(permission, p.areaPath)) throw new AppError('FORBIDDEN');
    return p;
  }

  /** A target node for a person: readable (else 404) and allowed (else 403). */
  async function targetArea(ctx: Ctx, areaId: number, permission: string, c: Conn) {
    const a = await repo(c).area(areaId, areaScope(ctx, 'person.read'));
    if (!a) throw notFound();
    if (!ctx.actor.canAt(permission, a.path)) throw new AppError('FORBIDDEN');
    return a;
  }

  async function targetHousehold(ctx: Ctx, householdId: number, c: Conn) {
    const h = await repo(c).household(householdId, areaIdInScope(ctx.actor, 'person.read', 'h.areaId'), true);
    if (!h) throw invalid('householdId', 'not_found', ctx.lang === 'zh' ? '户不存在' : 'no such household');
    return h;
  }

  /** Checks and encodes the ID number: the derived sex and birth date win over typed ones. */
  function idFields(ctx: Ctx, raw: string) {
    const r = checkIdNumber(raw, new Date(`${today()}T12:00:00Z`));
    if (!r.ok) throw invalid('idNumber', 'invalid_id', r.message[ctx.lang]);
    return {
      value: r.value,
      sex: r.sex,
      birthDate: r.birthDate,
      idEnc: s.keyring.encrypt(r.value),
      idHash: s.keyring.lookupHash(r.value),
      idTail: r.value.slice(-6),
    };
  }

  function phoneFields(ctx: Ctx, raw: string, path = 'phone') {
    const r = checkPhone(raw);
    if (!r.ok) throw invalid(path, 'invalid_phone', r.message[ctx.lang]);
    return encodePhone(s.keyring, r.value);
  }

  /**
   * Where an ID number stands for this actor (docs/registry.md, "An ID number registered
   * elsewhere"). Held by a record the actor could look it up on (read and reveal): 409 naming
   * that record. Held only out of its reach: the answer is the one for a new number, and the new
   * registration is kept as a pending duplicate of the record that has the number (`duplicateOf`)
   * — or continues the number at once when that record has moved out (`supersedes`).
   */
  async function placeId(ctx: Ctx, hash: string, selfId: number | null, c: Conn) {
    const holders = (await repo(c).byIdHash(hash)).filter((h) => h.id !== selfId);
    const inReach = holders.find(
      (h) => ctx.actor.canAt('person.read', h.areaPath) && ctx.actor.canAt('person.reveal', h.areaPath),
    );
    if (inReach) throw duplicateId(ctx, inReach);
    const live = holders.find((h) => h.duplicateOf === null);
    if (!live) return { duplicateOf: null, supersedes: null };
    if (live.status === 'moved_out') return { duplicateOf: live.id, supersedes: live.id };
    return { duplicateOf: live.id, supersedes: null };
  }

  const duplicateId = (ctx: Ctx, other?: { id: number; name: string }) =>
    new AppError('DUPLICATE', { field: ctx.lang === 'zh' ? '身份证号' : 'ID number' }, [
      {
        path: 'idNumber',
        code: 'duplicate',
        message: other
          ? ctx.lang === 'zh'
            ? `该身份证号已登记：${other.name}（编号 ${other.id}）`
            : `this ID number is already registered: ${other.name} (no. ${other.id})`
          : ctx.lang === 'zh'
            ? '该身份证号已登记'
            : 'this ID number is already registered',
      },
    ]);

  /**
   * A write that may meet a concurrent registration of the same number (the unique index): it is
   * run again once, deciding afresh with the other one committed (409 in reach, pending out of it).
   */
  async function guardUnique<T>(ctx: Ctx, c: Conn, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await sql`SAVEPOINT person_write`.execute(c);
      try {
        const r = await fn();
        await sql`RELEASE SAVEPOINT person_write`.execute(c);
        return r;
      } catch (e) {
        if ((e as { code?: string; constraint?: string }).code === '23505') {
          await sql`ROLLBACK TO SAVEPOINT person_write`.execute(c);
          if (attempt === 0) continue;
          throw duplicateId(ctx);
        }
        throw e;
      }
    }
  }

  /** The number `from` had is now `to`'s (see handOverIdNumber): recorded on the record that gave it up. */
  async function auditHandOver(audit: (e: AuditInput) => Promise<void>, from: number, to: number) {
    await audit({
      action: 'person.id.handover',
      entityType: 'person',
      entityId: from,
      detail: { successorId: to },
    });
  }

  /**
   * A search by identifier (an ID number, a phone, or their tails) by an actor who may not reveal
   * every number it reads: audited (the kind, never the value) and limited to
   * IDENTIFIER_SEARCH_LIMIT an hour, counted in the audit log like reveals.
   */
  async function identifierSearch(ctx: Ctx, search: SearchKind) {
    if (!IDENTIFIER_SEARCHES.has(search.kind) || revealsEverywhere(ctx.actor)) return;
    await inTx(s, ctx, async (trx, audit) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`jiayuan:idsearch:${ctx.actor.userId}`}))`.execute(
        trx,
      );
      const used = await trx
        .selectFrom('auditLog')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('actorId', '=', ctx.actor.userId)
        .where('action', '=', 'person.search.identifier')
        .where('at', '>', new Date(s.clock.now().getTime() - 3600_000))
        .executeTakeFirst();
      if ((used?.n ?? 0) >= IDENTIFIER_SEARCH_LIMIT) throw new AppError('RATE_LIMITED');
      await audit({
        action: 'person.search.identifier',
        entityType: 'person',
        detail: { kind: search.kind },
      });
    });
  }

  /** The list/export filter from the query; a tag the actor may not see is refused like an unknown value. */
  function filterOf(
    ctx: Ctx,
    q: Omit<ListQ, 'page' | 'pageSize' | 'sort'>,
    permission: string,
  ): PersonFilter {
    const f: PersonFilter = {
      scope: personScope(ctx, permission),
      search: q.q ? classifySearch(q.q) : null,
      areaId: q.areaId,
      residenceType: q.residenceType,
      status: q.status,
    };
    // A whole ID number or phone, or 5–6 trailing ID characters, match only where the actor may
    // reveal the number: elsewhere the search would confirm what the mask hides.
    if (!revealsEverywhere(ctx.actor)) f.revealScope = personScope(ctx, 'person.reveal');
    if (q.tag) {
      f.tag = { code: q.tag, scope: areaIdInScope(ctx.actor, tagPermission(q.tag as TagCode), 'p.areaId') };
    }
    if (q.ageBand) {
      const [min, max] = AGE_BANDS[q.ageBand as z.infer<typeof AgeBand>];
      f.birth = birthRange(today(), min, max);
    }
    if (q.expiringWithinDays !== undefined) f.expiresBy = addDays(today(), q.expiringWithinDays);
    return f;
  }

  function sortOf(sort: string | undefined): PersonSort {
    const desc = sort?.startsWith('-') ?? false;
    const key = (sort?.replace(/^-/, '') ?? 'name') as keyof typeof SORTS;
    if (!SORTS[key]) {
      throw new AppError('VALIDATION_FAILED', {}, [
        { path: 'query.sort', code: 'invalid_value', message: 'name | birthDate | updatedAt' },
      ]);
    }
    return { key: SORTS[key], desc };
  }

  async function loadTags(ids: number[], c: Conn = s.db) {
    return repo(c).tagsOf(ids);
  }

  async function namesFor(paths: string[]) {
    return repo().names(paths);
  }

  return {
    today,
    repo,
    namesFor,
    loadTags,

    /** Validates `tag` against the tags this actor may see: others are unknown values (400). */
    checkTagFilter(ctx: Ctx, tag: string | undefined): void {
      if (tag === undefined) return;
      const allowed = visibleTags(ctx.actor);
      if ((allowed as string[]).includes(tag)) return;
      const parsed = allowed.length ? z.enum(allowed as [string, ...string[]]).safeParse(tag) : null;
      const issues = parsed?.error ? parsed.error.issues.map((i) => ({ ...i, path: ['tag'] })) : [];
      const out = issues.length
        ? toIssues(issues, ctx.lang, 'query')
        : [
            {
              path: 'query.tag',
              code: 'invalid_value',
              message: ctx.lang === 'zh' ? '无效选项' : 'Invalid option',
            },
          ];
      throw new AppError('VALIDATION_FAILED', {}, out);
    },

    async list(ctx: Ctx, q: ListQ) {
      const sort = sortOf(q.sort);
      const f = filterOf(ctx, q, 'person.read');
      if (f.search) await identifierSearch(ctx, f.search);
      return repo().list(f, sort, q.pageSize, (q.page - 1) * q.pageSize);
    },

    pendingRegistrations: (personId: number) => repo().pendingRegistrations(personId),

    exportFilter(ctx: Ctx, q: Omit<ListQ, 'page' | 'pageSize' | 'sort'>) {
      return filterOf(ctx, q, 'person.export');
    },

    get: mustFind,

    async create(ctx: Ctx, input: PersonCreate): Promise<PersonRecord> {
      const id = input.idNumber ? idFields(ctx, input.idNumber) : null;
      const phone = input.phone ? phoneFields(ctx, input.phone) : encodePhone(s.keyring, null);
      return inTx(s, ctx, async (trx, audit) => {
        const r = repo(trx);
        await targetArea(ctx, input.areaId, 'person.create', trx);
        if (input.householdId) await targetHousehold(ctx, input.householdId, trx);
        const placement = await guardUnique(ctx, trx, async () => {
          const placed = id ? await placeId(ctx, id.idHash, null, trx) : null;
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
          changes: diff(null, auditView(s, created)),
          ...(pendingOf !== null && continues === null ? { detail: { pendingDuplicateOf: pendingOf } } : {}),
        });
        if (pendingOf !== null && continues !== null) await auditHandOver(audit, pendingOf, newId);
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
          await guardUnique(ctx, trx, async () => {
            handedOver.length = 0;
            const placed = newHash ? await placeId(ctx, newHash, personId, trx) : null;
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
        for (const h of handedOver) await auditHandOver(audit, h.from, h.to);
        const after = (await r.find(personId, sql<SqlBool>`true`))!;
        const changes = diff(auditView(s, before), auditView(s, after));
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
          const old = await r.household(before.householdId, sql<SqlBool>`true`);
          if (old && old.areaId === input.areaId) householdId = old.id;
        }
        set.householdId = householdId;
        set.relationToHead =
          householdId === null ? null : (blank(input.relationToHead) ?? before.relationToHead);
        if (before.householdId !== null && before.householdId !== householdId) {
          await trx
            .updateTable('households')
            .set({ headPersonId: null, version: sql`version + 1`, updatedAt: sql`now()` } as never)
            .where('id', '=', before.householdId)
            .where('headPersonId', '=', personId)
            .execute();
        }
        await r.updatePerson(personId, set);
        // Moved out, the record hands its ID number to a registration held for it elsewhere.
        const to =
          input.status === 'moved_out' && before.status !== 'moved_out' && before.duplicateOf === null
            ? await handOverIdNumber(trx, personId, true)
            : null;
        if (to !== null) await auditHandOver(audit, personId, to);
        const after = (await r.find(personId, sql<SqlBool>`true`))!;
        await personChanged(s, trx, [personId]);
        await audit({
          action: 'person.move',
          entityType: 'person',
          entityId: personId,
          changes: diff(auditView(s, before), auditView(s, after)),
          detail: { date: input.date ?? today(), note: input.note ?? null },
        });
        return after;
      });
    },

    async reveal(ctx: Ctx, personId: number, body: z.infer<typeof RevealBody>) {
      return inTx(s, ctx, async (trx, audit) => {
        const p = await mustFind(ctx, personId, trx);
        if (!ctx.actor.canAt('person.reveal', p.areaPath)) throw new AppError('FORBIDDEN');
        // One reveal at a time per user, counted against the last hour of the audit log.
        await sql`SELECT pg_advisory_xact_lock(hashtext(${`jiayuan:reveal:${ctx.actor.userId}`}))`.execute(
          trx,
        );
        const since = new Date(s.clock.now().getTime() - 3600_000);
        // A tag's identifier field: the tag must be one the actor may see (else it does not exist).
        const tagField = parseTagRevealField(body.field);
        if (body.field.startsWith('tag.')) {
          if (!tagField || !ctx.actor.canAt(tagPermission(tagField.tag), p.areaPath)) throw notFound();
        }
        const used = await trx
          .selectFrom('auditLog')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('actorId', '=', ctx.actor.userId)
          .where('action', 'in', ['person.reveal', 'case.reveal'])
          .where('at', '>', since)
          .executeTakeFirst();
        if ((used?.n ?? 0) >= REVEAL_LIMIT) throw new AppError('RATE_LIMITED');
        let value: string | null = null;
        if (tagField) {
          const row = await trx
            .selectFrom('personTags')
            .select('fieldsEnc')
            .where('personId', '=', personId)
            .where('tag', '=', tagField.tag)
            .executeTakeFirst();
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

    async assignTag(
      ctx: Ctx,
      personId: number,
      input: Omit<z.infer<typeof TagAssign>, 'tag'> & { tag: string },
    ) {
      return inTx(s, ctx, async (trx, audit) => {
        const p = await mustFind(ctx, personId, trx, true);
        // A tag the actor may not see does not exist for them.
        if (!(input.tag in TAGS) || !ctx.actor.canAt(tagPermission(input.tag as TagCode), p.areaPath))
          throw notFound();
        const code = input.tag as TagCode;
        const parsed = TAGS[code].fields.safeParse(input.fields);
        if (!parsed.success) {
          throw new AppError('VALIDATION_FAILED', {}, toIssues(parsed.error.issues, ctx.lang, 'fields'));
        }
        if (input.startDate && input.endDate && input.endDate < input.startDate) {
          throw invalid(
            'endDate',
            'too_small',
            ctx.lang === 'zh' ? '结束日期早于开始日期' : 'ends before it starts',
          );
        }
        const existing = await trx
          .selectFrom('personTags')
          .select(['id', 'startDate', 'endDate', 'fieldsEnc'])
          .where('personId', '=', personId)
          .where('tag', '=', code)
          .forUpdate()
          .executeTakeFirst();
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
        if (existing) {
          await trx.updateTable('personTags').set(values).where('id', '=', existing.id).execute();
        } else {
          await trx
            .insertInto('personTags')
            .values({ personId, tag: code, ...values })
            .execute();
        }
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
        const p = await mustFind(ctx, personId, trx, true);
        const row = await trx
          .selectFrom('personTags')
          .select(['id', 'tag'])
          .where('id', '=', tagId)
          .where('personId', '=', personId)
          .executeTakeFirst();
        if (!row || !ctx.actor.canAt(tagPermission(row.tag as TagCode), p.areaPath)) throw notFound();
        await trx.deleteFrom('personTags').where('id', '=', tagId).execute();
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

    async history(ctx: Ctx, personId: number, page: number, pageSize: number) {
      const p = await mustFind(ctx, personId);
      const tags = visibleTags(ctx.actor, p.areaPath);
      // Tag entries only for tags the actor may see.
      const tagOk: Expression<SqlBool> = tags.length
        ? sql<SqlBool>`(action NOT LIKE 'person.tag.%' OR detail->>'tag' IN (${sql.join(tags)}))`
        : sql<SqlBool>`action NOT LIKE 'person.tag.%'`;
      const base = s.db
        .selectFrom('auditLog')
        .where('entityType', '=', 'person')
        .where('entityId', '=', String(personId))
        .where('success', '=', true)
        .where(tagOk);
      const total = (await base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirst())?.n ?? 0;
      const rows = await base
        .select(['at', 'actorName', 'action', 'changes', 'detail'])
        .orderBy('seq', 'desc')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute();
      // The birth date is shown only where the ID number may be revealed (as on the record).
      const birthShown = ctx.actor.canAt('person.reveal', p.areaPath);
      const hide = (v: unknown) => (v === null || v === undefined ? v : '****-**-**');
      return {
        total,
        items: rows.map((r) => {
          let changes = (r.changes ?? null) as Record<string, { before: unknown; after: unknown }> | null;
          if (changes?.birthDate && !birthShown) {
            const b = changes.birthDate;
            changes = { ...changes, birthDate: { before: hide(b.before), after: hide(b.after) } };
          }
          return { at: r.at.toISOString(), actorName: r.actorName, action: r.action, changes };
        }),
      };
    },

    // —— houses and households ——

    async house(ctx: Ctx, houseId: number) {
      const a = await repo().area(houseId, areaScope(ctx, 'house.read'));
      if (a?.kind !== 'house') throw notFound();
      return a;
    },

    async updateHouse(ctx: Ctx, houseId: number, version: number, input: z.infer<typeof HouseUpdate>) {
      return inTx(s, ctx, async (trx, audit) => {
        const r = repo(trx);
        const a = await r.area(houseId, areaScope(ctx, 'house.read'));
        if (a?.kind !== 'house') throw notFound();
        if (!ctx.actor.canAt('house.update', a.path)) throw new AppError('FORBIDDEN');
        await sql`SELECT 1 FROM areas WHERE id = ${houseId} FOR UPDATE`.execute(trx);
        const before = await r.houseInfo(houseId, true);
        if ((before?.version ?? 0) !== version) throw new AppError('STALE_VERSION');
        if (input.ownerPersonId) {
          const owner = await r.find(input.ownerPersonId, personScope(ctx));
          if (!owner)
            throw invalid('ownerPersonId', 'not_found', ctx.lang === 'zh' ? '人员不存在' : 'no such person');
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
        if (before) {
          await trx
            .updateTable('houseInfo')
            .set({ ...next, version: sql`version + 1`, updatedAt: sql`now()` } as never)
            .where('areaId', '=', houseId)
            .execute();
        } else {
          await trx
            .insertInto('houseInfo')
            .values({ areaId: houseId, ...next })
            .execute();
        }
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
        const a = await r.area(houseId, areaScope(ctx, 'house.read'));
        if (a?.kind !== 'house') throw notFound();
        if (!ctx.actor.canAt('house.update', a.path)) throw new AppError('FORBIDDEN');
        if (input.endDate && input.endDate < input.startDate) {
          throw invalid(
            'endDate',
            'too_small',
            ctx.lang === 'zh' ? '结束日期早于开始日期' : 'ends before it starts',
          );
        }
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
          throw invalid(path, 'not_found', ctx.lang === 'zh' ? '人员不存在' : 'no such person');
        }
        const rental = await trx
          .insertInto('rentals')
          .values({
            houseId,
            landlordPersonId: input.landlordPersonId ?? null,
            use: input.use,
            startDate: input.startDate,
            endDate: input.endDate ?? null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const tenants = [...new Set(input.tenantPersonIds)];
        if (tenants.length) {
          await trx
            .insertInto('rentalTenants')
            .values(tenants.map((personId) => ({ rentalId: rental.id, personId })))
            .execute();
        }
        await trx
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
        await audit({
          action: 'house.rental.create',
          entityType: 'house',
          entityId: houseId,
          detail: {
            rentalId: rental.id,
            use: input.use,
            startDate: input.startDate,
            endDate: input.endDate ?? null,
            tenants,
          },
        });
        return a;
      });
    },

    async createHousehold(ctx: Ctx, input: z.infer<typeof HouseholdCreate>) {
      return inTx(s, ctx, async (trx, audit) => {
        const r = repo(trx);
        const a = await r.area(input.houseId, areaScope(ctx, 'house.read'));
        if (a?.kind !== 'house') throw notFound();
        if (!ctx.actor.canAt('person.update', a.path)) throw new AppError('FORBIDDEN');
        let head: PersonRecord | undefined;
        if (input.headPersonId) {
          head = await r.find(input.headPersonId, personScope(ctx), true);
          if (!head)
            throw invalid('headPersonId', 'not_found', ctx.lang === 'zh' ? '人员不存在' : 'no such person');
        }
        const h = await trx
          .insertInto('households')
          .values({ areaId: a.id, kind: input.kind, headPersonId: head?.id ?? null })
          .returning('id')
          .executeTakeFirstOrThrow();
        if (head) await r.updatePerson(head.id, { householdId: h.id, relationToHead: '户主' });
        await audit({
          action: 'household.create',
          entityType: 'household',
          entityId: h.id,
          changes: diff(null, { houseId: a.id, kind: input.kind, headPersonId: head?.id ?? null }),
        });
        return (await r.household(h.id, sql<SqlBool>`true`))!;
      });
    },

    async updateHousehold(ctx: Ctx, id: number, version: number, input: { headPersonId: number | null }) {
      return inTx(s, ctx, async (trx, audit) => {
        const r = repo(trx);
        const h = await r.household(id, areaIdInScope(ctx.actor, 'person.read', 'h.areaId'), true);
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
        await trx
          .updateTable('households')
          .set({
            headPersonId: input.headPersonId,
            version: sql`version + 1`,
            updatedAt: sql`now()`,
          } as never)
          .where('id', '=', id)
          .execute();
        if (input.headPersonId !== null) {
          await r.updatePerson(input.headPersonId, { relationToHead: '户主' });
        }
        await audit({
          action: 'household.update',
          entityType: 'household',
          entityId: id,
          changes: diff({ headPersonId: h.headPersonId }, { headPersonId: input.headPersonId }),
        });
        return (await r.household(id, sql<SqlBool>`true`))!;
      });
    },

    async household(ctx: Ctx, id: number) {
      const h = await repo().household(id, areaIdInScope(ctx.actor, 'person.read', 'h.areaId'));
      if (!h) throw notFound();
      return h;
    },

    // —— organisations ——

    async organisations(ctx: Ctx, q: z.infer<typeof OrganisationListQuery>) {
      let base = orgQuery(s.db).where(areaIdInScope(ctx.actor, 'org.read', 'o.areaId'));
      if (q.q) {
        const like = `%${escapeLike(q.q)}%`;
        base = base.where((eb) =>
          eb.or([eb('o.name', 'ilike', like), eb('o.creditCode', '=', q.q!.toUpperCase())]),
        );
      }
      if (q.kind) base = base.where('o.kind', '=', q.kind);
      if (q.areaId) {
        base = base.where(
          sql<SqlBool>`o.area_id IN (SELECT d.id FROM areas d WHERE d.path <@ (SELECT r.path FROM areas r WHERE r.id = ${q.areaId}))`,
        );
      }
      const desc = q.sort?.startsWith('-') ?? false;
      const key = q.sort?.replace(/^-/, '') ?? 'name';
      if (!['name', 'kind', 'id'].includes(key)) {
        throw new AppError('VALIDATION_FAILED', {}, [
          { path: 'query.sort', code: 'invalid_value', message: 'name | kind | id' },
        ]);
      }
      const total =
        (await base.clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirst())?.n ?? 0;
      const rows = await base
        .orderBy(`o.${key as 'name' | 'kind' | 'id'}`, desc ? 'desc' : 'asc')
        .orderBy('o.id', desc ? 'desc' : 'asc')
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute();
      return { rows: rows as OrganisationRecord[], total };
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
        const row = await trx
          .insertInto('organisations')
          .values({
            areaId: a.id,
            name: input.name,
            kind: input.kind,
            creditCode: credit,
            address: blank(input.address) ?? null,
            contactName: blank(input.contactName) ?? null,
            contactPhoneEnc: phone?.phoneEnc ?? null,
            contactPhoneTail: phone?.phoneTail ?? null,
            note: blank(input.note) ?? null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const o = (await orgQuery(trx)
          .where('o.id', '=', row.id)
          .executeTakeFirstOrThrow()) as OrganisationRecord;
        await audit({
          action: 'org.create',
          entityType: 'organisation',
          entityId: row.id,
          changes: diff(null, orgView(o)),
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
        if (Object.keys(set).length > 0) {
          await trx
            .updateTable('organisations')
            .set({ ...set, version: sql`version + 1`, updatedAt: sql`now()` } as never)
            .where('id', '=', id)
            .execute();
        }
        const after = (await orgQuery(trx)
          .where('o.id', '=', id)
          .executeTakeFirstOrThrow()) as OrganisationRecord;
        const changes = diff(orgView(before), orgView(after));
        if (Object.keys(changes).length)
          await audit({ action: 'org.update', entityType: 'organisation', entityId: id, changes });
        return after;
      });
    },
  };

  async function findOrganisation(ctx: Ctx, id: number, c: Conn = s.db, forUpdate = false) {
    // Locked on its own first, then read: see registry.repository's find.
    if (forUpdate)
      await c.selectFrom('organisations').select('id').where('id', '=', id).forUpdate().execute();
    const q = orgQuery(c)
      .where(areaIdInScope(ctx.actor, 'org.read', 'o.areaId'))
      .where('o.id', '=', id);
    const o = (await q.executeTakeFirst()) as OrganisationRecord | undefined;
    if (!o) throw notFound();
    return o;
  }

  function orgView(o: OrganisationRecord) {
    return {
      name: o.name,
      kind: o.kind,
      creditCode: o.creditCode,
      areaId: o.areaId,
      address: o.address,
      contactName: o.contactName,
      contactPhone: o.contactPhoneEnc ? maskPhone(s.keyring.decrypt(o.contactPhoneEnc)) : null,
      note: o.note,
    };
  }

  function orgCredit(ctx: Ctx, raw: string | undefined): string | null {
    if (!raw) return null;
    const r = checkCreditCode(raw);
    if (!r.ok) throw invalid('creditCode', 'invalid_credit_code', r.message[ctx.lang]);
    return r.value;
  }

  async function assertUniqueCredit(ctx: Ctx, code: string, selfId: number | null, c: Conn) {
    const other = await c
      .selectFrom('organisations')
      .select('id')
      .where('creditCode', '=', code)
      .executeTakeFirst();
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
}

function orgQuery(c: Conn) {
  return c
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

export type RegistryService = ReturnType<typeof registryService>;
