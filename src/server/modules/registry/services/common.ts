import { checkIdNumber, checkPhone } from '../../../../contract/identifiers.js';
import { areaIdInScope } from '../../../platform/access/scope.js';
import type { Conn } from '../../../platform/db/index.js';
import { AppError, notFound } from '../../../platform/errors/app-error.js';
import type { Ctx, Services } from '../../../platform/services.js';
import { housesRepo } from '../houses.repository.js';
import { encodePhone, type PersonRecord, registryRepo } from '../registry.repository.js';

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

/** An optional text as stored: '' is null, absent stays absent. */
export const blank = (v: string | null | undefined) =>
  v === undefined ? undefined : v === null || v === '' ? null : v;

/** 结束日期早于开始日期: a tag's or a rental's dates the wrong way round. */
export const endsBeforeStart = (ctx: Ctx) =>
  invalid('endDate', 'too_small', ctx.lang === 'zh' ? '结束日期早于开始日期' : 'ends before it starts');

/**
 * What every part of the registry service shares: the app, its repository, today in China, the
 * scopes, finding a person or a target the actor may act on, checking and encoding identifiers.
 */
export function registryContext(s: Services) {
  const repo = (c: Conn = s.db) => registryRepo(c, s.keyring);
  const houses = (c: Conn = s.db) => housesRepo(c);
  const today = () => todayOf(s.clock.now());
  const personScope = (ctx: Ctx, permission = 'person.read') =>
    areaIdInScope(ctx.actor, permission, 'p.areaId');
  const areaScope = (ctx: Ctx, permission: string) => areaIdInScope(ctx.actor, permission, 'a.id');

  async function mustFind(ctx: Ctx, id: number, c: Conn = s.db, forUpdate = false): Promise<PersonRecord> {
    const p = await repo(c).find(id, personScope(ctx), forUpdate);
    if (!p) throw notFound();
    return p;
  }

  /** A person the actor may read (else 404), locked, and may act on with `permission` (else 403). */
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
    const h = await houses(c).household(
      householdId,
      areaIdInScope(ctx.actor, 'person.read', 'h.areaId'),
      true,
    );
    if (!h) throw invalid('householdId', 'not_found', ctx.lang === 'zh' ? '户不存在' : 'no such household');
    return h;
  }

  /** A house the actor may read (else 404). */
  async function mustFindHouse(ctx: Ctx, houseId: number, c: Conn = s.db) {
    const a = await repo(c).area(houseId, areaScope(ctx, 'house.read'));
    if (a?.kind !== 'house') throw notFound();
    return a;
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

  /** Someone the actor may read, named by `path` in the input (else 400 not_found). */
  function noSuchPerson(ctx: Ctx, path: string) {
    return invalid(path, 'not_found', ctx.lang === 'zh' ? '人员不存在' : 'no such person');
  }

  return {
    s,
    repo,
    houses,
    today,
    personScope,
    areaScope,
    mustFind,
    forAction,
    targetArea,
    targetHousehold,
    mustFindHouse,
    idFields,
    phoneFields,
    noSuchPerson,
  };
}
export type RegistryContext = ReturnType<typeof registryContext>;
