import { type ColumnType, type Generated, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import { Id } from '../../../contract/common.js';
import type { ConfirmedRecord } from '../../engines/activities/kinds.js';
import type { Conn, Tx } from '../../platform/db/index.js';
import { AppError, notFound } from '../../platform/errors/app-error.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';

/**
 * The time bank (时间银行, design note rules 15–17): optional per street (a scheme row, off by
 * default), a double-entry ledger in integer minutes. Every transfer writes two movements (−from,
 * +to) that sum to zero (a deferred constraint trigger refuses anything else at commit); the
 * street's pool issues coins for organiser-confirmed service within the scheme's caps, people give
 * them to each other or donate them, and redeem them at accredited services.
 */

type Ts = ColumnType<Date, Date | string | undefined, Date | string>;
export interface TbSchemesTable {
  streetId: number;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  dailyCapMinutes: ColumnType<number, number | undefined, number>;
  totalCapMinutes: ColumnType<number, number | undefined, number>;
  updatedBy: number | null;
  updatedAt: Ts;
  version: ColumnType<number, number | undefined, number>;
}
export interface TbAccountsTable {
  id: Generated<number>;
  streetId: number;
  areaPath: string;
  ownerKind: string;
  userId: number | null;
  name: string;
  minBalance: number | null;
  maxBalance: number | null;
  balance: ColumnType<number, number | undefined, number>;
  flagged: ColumnType<boolean, boolean | undefined, boolean>;
  createdAt: Ts;
}
export interface TbServicesTable {
  id: Generated<number>;
  accountId: number;
  name: string;
  accredited: ColumnType<boolean, boolean | undefined, boolean>;
  createdAt: Ts;
}
export interface TbTransfersTable {
  id: Generated<number>;
  streetId: number;
  kind: string;
  fromAccount: number;
  toAccount: number;
  minutes: number;
  signupId: number | null;
  note: string | null;
  createdBy: number | null;
  createdAt: Ts;
}
export interface TbMovementsTable {
  id: Generated<number>;
  transferId: number;
  accountId: number;
  minutes: number;
  at: ColumnType<Date, Date | string, Date | string>;
}
declare module '../../platform/db/schema.js' {
  interface DB {
    tbSchemes: TbSchemesTable;
    tbAccounts: TbAccountsTable;
    tbServices: TbServicesTable;
    tbTransfers: TbTransfersTable;
    tbMovements: TbMovementsTable;
  }
}

/**
 * Defaults from the 上海长宁 pilot (design note rule 15): 1 hour = 1 时间币, at most 2 a day and
 * 600 a person — ⚠ a local pilot's figures, configurable per street.
 */
export const TB_DEFAULTS = { dailyCapMinutes: 120, totalCapMinutes: 600 * 60 } as const;

// —— contract (kept beside the service: only these routes use it) ——
export const TbScheme = z.object({
  streetId: z.number(),
  enabled: z.boolean(),
  dailyCapMinutes: z.number(),
  totalCapMinutes: z.number(),
});
export const TbSchemeUpdate = z.strictObject({
  areaId: Id,
  enabled: z.boolean(),
  dailyCapMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(TB_DEFAULTS.dailyCapMinutes),
  totalCapMinutes: z.number().int().min(1).max(1_000_000).default(TB_DEFAULTS.totalCapMinutes),
});
export const TbSchemeQuery = z.strictObject({ areaId: Id });
export const TbMovement = z.object({
  transferId: z.number(),
  kind: z.enum(['service', 'gift', 'donation', 'redeem']),
  minutes: z.number(),
  counterpart: z.string(),
  at: z.string(),
});
export const TbMe = z.object({
  enabled: z.boolean(),
  scheme: TbScheme.nullable(),
  balance: z.number(),
  earned: z.number(),
  movements: z.array(TbMovement),
});
export const TbGift = z.strictObject({
  /** The receiver's 志愿者统一编号; absent: a donation to the street's pool. */
  toVolunteerNo: z.string().trim().min(4).max(20).optional(),
  minutes: z.number().int().min(1).max(100_000),
  note: z.string().trim().max(100).optional(),
});
export const TbRedeem = z.strictObject({
  serviceId: Id,
  minutes: z.number().int().min(1).max(100_000),
  note: z.string().trim().max(100).optional(),
});
export const TbTransferResult = z.object({ transferId: z.number(), balance: z.number() });
export const TbServiceCreate = z.strictObject({ areaId: Id, name: z.string().trim().min(1).max(60) });
export const TbService = z.object({
  id: z.number(),
  name: z.string(),
  accredited: z.boolean(),
  balance: z.number(),
});
export const TbAccount = z.object({
  id: z.number(),
  ownerKind: z.enum(['person', 'service', 'pool']),
  name: z.string(),
  balance: z.number(),
  flagged: z.boolean(),
});
export const TbCheck = z.object({
  /** Σ of every movement: 0 when the ledger holds. */
  sum: z.number(),
  unbalancedTransfers: z.number(),
  /** Accounts whose stored balance differs from the sum of their movements. */
  balanceMismatches: z.number(),
  /** Coins held by people (Σ person balances). */
  outstanding: z.number(),
  ok: z.boolean(),
});

const rule = (zh: string, en: string) => new AppError('TIMEBANK_RULE', { zh, en });

/** The street above a path (the scheme's unit). */
async function streetOf(
  conn: Conn,
  path: string,
): Promise<{ id: number; path: string; name: string } | null> {
  const r = await conn
    .selectFrom('areas')
    .select(['id', 'path', 'name'])
    .where('kind', '=', 'street')
    .where(sql<SqlBool>`path @> ${path}::ltree`)
    .executeTakeFirst();
  return r ?? null;
}

async function schemeOf(conn: Conn, streetId: number) {
  return (
    (await conn.selectFrom('tbSchemes').selectAll().where('streetId', '=', streetId).executeTakeFirst()) ??
    null
  );
}

/** The person's (or pool's) account in a street, made on first use. */
async function accountFor(
  trx: Tx,
  street: { id: number; path: string; name: string },
  owner: { kind: 'person'; userId: number; name: string; path: string } | { kind: 'pool' },
): Promise<number> {
  const q = trx
    .selectFrom('tbAccounts')
    .select('id')
    .where('streetId', '=', street.id)
    .where('ownerKind', '=', owner.kind);
  const found = await (owner.kind === 'person' ? q.where('userId', '=', owner.userId) : q).executeTakeFirst();
  if (found) return found.id;
  await trx
    .insertInto('tbAccounts')
    .values({
      streetId: street.id,
      areaPath: owner.kind === 'person' ? owner.path : street.path,
      ownerKind: owner.kind,
      userId: owner.kind === 'person' ? owner.userId : null,
      name: owner.kind === 'person' ? owner.name : `${street.name}时间银行资金池`,
      // people cannot go below zero; the pool issues coins (its balance is minus those outstanding)
      minBalance: owner.kind === 'person' ? 0 : null,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const again = await (owner.kind === 'person'
    ? q.where('userId', '=', owner.userId)
    : q
  ).executeTakeFirstOrThrow();
  return again.id;
}

/**
 * One transfer: both accounts locked in id order (no deadlock between opposite transfers), limits
 * checked, the transfer and its two movements written, balances moved — all in the caller's
 * transaction.
 */
export async function transfer(
  trx: Tx,
  s: Services,
  t: {
    streetId: number;
    kind: 'service' | 'gift' | 'donation' | 'redeem';
    from: number;
    to: number;
    minutes: number;
    signupId?: number | null;
    note?: string | null;
    by: number | null;
  },
): Promise<number> {
  if (t.from === t.to) throw rule('不能转给自己', 'You cannot transfer to yourself');
  const accts = await trx
    .selectFrom('tbAccounts')
    .selectAll()
    .where('id', 'in', [t.from, t.to])
    .orderBy('id')
    .forUpdate()
    .execute();
  const from = accts.find((a) => a.id === t.from);
  const to = accts.find((a) => a.id === t.to);
  if (!from || !to) throw notFound();
  if (from.minBalance !== null && from.balance - t.minutes < from.minBalance)
    throw rule(
      `余额不足：现有 ${from.balance} 分钟，转出 ${t.minutes} 分钟`,
      `Not enough in the account: ${from.balance} minutes held, ${t.minutes} asked`,
    );
  if (to.maxBalance !== null && to.balance + t.minutes > to.maxBalance)
    throw rule(
      `超过对方账户上限（${to.maxBalance} 分钟）`,
      `Over the receiving account's limit (${to.maxBalance} minutes)`,
    );
  const now = s.clock.now();
  const row = await trx
    .insertInto('tbTransfers')
    .values({
      streetId: t.streetId,
      kind: t.kind,
      fromAccount: t.from,
      toAccount: t.to,
      minutes: t.minutes,
      signupId: t.signupId ?? null,
      note: t.note ?? null,
      createdBy: t.by,
      createdAt: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('tbMovements')
    .values([
      { transferId: row.id, accountId: t.from, minutes: -t.minutes, at: now },
      { transferId: row.id, accountId: t.to, minutes: t.minutes, at: now },
    ])
    .execute();
  await trx
    .updateTable('tbAccounts')
    .set((eb) => ({ balance: eb('balance', '-', t.minutes) }))
    .where('id', '=', t.from)
    .execute();
  await trx
    .updateTable('tbAccounts')
    .set((eb) => ({ balance: eb('balance', '+', t.minutes) }))
    .where('id', '=', t.to)
    .execute();
  return row.id;
}

/**
 * Confirmed service earns coins from the street's pool, within the scheme's daily cap (by the
 * activity's China date) and total cap; minutes over a cap stay recorded as hours and earn no
 * coins (rule 15). Runs in the organiser's confirming transaction.
 */
export async function creditService(trx: Tx, s: Services, records: ConfirmedRecord[]): Promise<void> {
  for (const r of records) {
    if (r.creditedMinutes <= 0) continue;
    const v = await trx
      .selectFrom('volunteers')
      .select(['name', 'areaPath'])
      .where('userId', '=', r.userId)
      .executeTakeFirst();
    if (!v) continue;
    const street = await streetOf(trx, v.areaPath);
    if (!street) continue;
    const scheme = await schemeOf(trx, street.id);
    if (!scheme?.enabled) continue;
    const pool = await accountFor(trx, street, { kind: 'pool' });
    const acct = await accountFor(trx, street, {
      kind: 'person',
      userId: r.userId,
      name: v.name,
      path: v.areaPath,
    });
    // the person's account is locked first: their caps are counted with nobody else crediting them
    await trx.selectFrom('tbAccounts').select('id').where('id', '=', acct).forUpdate().execute();
    const day = new Date(r.startsAt.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    const earned = await sql<{ total: number; today: number }>`
      SELECT coalesce(sum(t.minutes), 0)::int AS total,
        coalesce(sum(t.minutes) FILTER (WHERE (a.starts_at AT TIME ZONE 'Asia/Shanghai')::date = ${day}::date), 0)::int AS today
      FROM tb_transfers t JOIN activity_signups g ON g.id = t.signup_id JOIN activities a ON a.id = g.activity_id
      WHERE t.kind = 'service' AND t.to_account = ${acct}`.execute(trx);
    const { total, today } = earned.rows[0]!;
    const allowed = Math.min(
      r.creditedMinutes,
      scheme.dailyCapMinutes - today,
      scheme.totalCapMinutes - total,
    );
    if (allowed <= 0) continue;
    await transfer(trx, s, {
      streetId: street.id,
      kind: 'service',
      from: pool,
      to: acct,
      minutes: allowed,
      signupId: r.signupId,
      note: allowed < r.creditedMinutes ? `cap: ${r.creditedMinutes - allowed} min uncredited` : null,
      by: null,
    });
  }
}

export function timebankService(s: Services) {
  async function myStreet(ctx: Ctx) {
    const u = await s.db
      .selectFrom('users as u')
      .innerJoin('areas as a', 'a.id', 'u.areaId')
      .select(['u.displayName', 'a.path'])
      .where('u.id', '=', ctx.actor.userId)
      .executeTakeFirstOrThrow();
    const v = await s.db
      .selectFrom('volunteers')
      .select(['name', 'areaPath', 'status'])
      .where('userId', '=', ctx.actor.userId)
      .executeTakeFirst();
    const path = v?.areaPath ?? u.path;
    const street = await streetOf(s.db, path);
    return { street, path, name: v?.name ?? u.displayName, volunteer: v };
  }

  async function enabledStreet(ctx: Ctx) {
    const me = await myStreet(ctx);
    const scheme = me.street ? await schemeOf(s.db, me.street.id) : null;
    if (!me.street || !scheme?.enabled)
      throw rule('本街道未开通时间银行', 'The time bank is not open in this street');
    return { ...me, street: me.street, scheme };
  }

  /** The street of an area; the actor must hold `perm` over the street (or, `atArea`, over the area). */
  const staffStreet = async (
    ctx: Ctx,
    areaId: number,
    perm: 'volunteer.read' | 'volunteer.manage',
    atArea = false,
  ) => {
    const a = await s.db.selectFrom('areas').select('path').where('id', '=', areaId).executeTakeFirst();
    const street = a ? await streetOf(s.db, a.path) : null;
    if (!a || !street || !ctx.actor.canAt(perm, atArea ? a.path : street.path))
      throw new AppError('VALIDATION_FAILED', { fields: 'areaId' }, [
        { path: 'areaId', code: 'invalid', message: '须为你负责的街道或其下辖区域' },
      ]);
    return street;
  };

  return {
    async scheme(ctx: Ctx, areaId: number): Promise<z.infer<typeof TbScheme>> {
      const street = await staffStreet(ctx, areaId, 'volunteer.read');
      const sc = await schemeOf(s.db, street.id);
      return {
        streetId: street.id,
        enabled: sc?.enabled ?? false,
        dailyCapMinutes: sc?.dailyCapMinutes ?? TB_DEFAULTS.dailyCapMinutes,
        totalCapMinutes: sc?.totalCapMinutes ?? TB_DEFAULTS.totalCapMinutes,
      };
    },

    /** The street's setting: on or off, and its caps (street-level volunteer.manage). */
    async setScheme(ctx: Ctx, input: z.infer<typeof TbSchemeUpdate>) {
      const street = await staffStreet(ctx, input.areaId, 'volunteer.manage');
      await inTx(s, ctx, async (trx, audit) => {
        const before = await trx
          .selectFrom('tbSchemes')
          .selectAll()
          .where('streetId', '=', street.id)
          .forUpdate()
          .executeTakeFirst();
        const values = {
          enabled: input.enabled,
          dailyCapMinutes: input.dailyCapMinutes,
          totalCapMinutes: input.totalCapMinutes,
          updatedBy: ctx.actor.userId,
          updatedAt: s.clock.now(),
        };
        if (before)
          await trx
            .updateTable('tbSchemes')
            .set({ ...values, version: sql`version + 1` })
            .where('streetId', '=', street.id)
            .execute();
        else
          await trx
            .insertInto('tbSchemes')
            .values({ streetId: street.id, ...values })
            .execute();
        await audit({
          action: 'timebank.scheme',
          entityType: 'tb_scheme',
          entityId: street.id,
          changes: {
            enabled: { before: before?.enabled ?? false, after: input.enabled },
            dailyCapMinutes: { before: before?.dailyCapMinutes ?? null, after: input.dailyCapMinutes },
            totalCapMinutes: { before: before?.totalCapMinutes ?? null, after: input.totalCapMinutes },
          },
        });
      });
      return this.scheme(ctx, input.areaId);
    },

    async me(ctx: Ctx): Promise<z.infer<typeof TbMe>> {
      const me = await myStreet(ctx);
      const sc = me.street ? await schemeOf(s.db, me.street.id) : null;
      const acct = me.street
        ? await s.db
            .selectFrom('tbAccounts')
            .select(['id', 'balance'])
            .where('streetId', '=', me.street.id)
            .where('userId', '=', ctx.actor.userId)
            .executeTakeFirst()
        : undefined;
      const moves = acct
        ? await s.db
            .selectFrom('tbMovements as m')
            .innerJoin('tbTransfers as t', 't.id', 'm.transferId')
            .innerJoin('tbAccounts as o', (j) =>
              j.on(
                sql<SqlBool>`o.id = CASE WHEN t.from_account = ${acct.id} THEN t.to_account ELSE t.from_account END`,
              ),
            )
            .select(['t.id', 't.kind', 'm.minutes', 'm.at', 'o.name', 'o.ownerKind'])
            .where('m.accountId', '=', acct.id)
            .orderBy('m.id', 'desc')
            .limit(50)
            .execute()
        : [];
      const earned = acct
        ? await s.db
            .selectFrom('tbTransfers')
            .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('minutes'), sql<number>`0`).as('n'))
            .where('kind', '=', 'service')
            .where('toAccount', '=', acct.id)
            .executeTakeFirstOrThrow()
        : { n: 0 };
      return {
        enabled: !!sc?.enabled,
        scheme:
          sc && me.street
            ? {
                streetId: me.street.id,
                enabled: sc.enabled,
                dailyCapMinutes: sc.dailyCapMinutes,
                totalCapMinutes: sc.totalCapMinutes,
              }
            : null,
        balance: acct?.balance ?? 0,
        earned: Number(earned.n),
        movements: moves.map((m) => ({
          transferId: m.id,
          kind: m.kind as 'gift',
          minutes: m.minutes,
          // another person's name is masked to its first character
          counterpart: m.ownerKind === 'person' ? `${m.name.slice(0, 1)}*` : m.name,
          at: new Date(m.at).toISOString(),
        })),
      };
    },

    /** A gift to another volunteer of the street (by their public number), or a donation to the pool. */
    async gift(ctx: Ctx, input: z.infer<typeof TbGift>) {
      const me = await enabledStreet(ctx);
      if (me.volunteer?.status !== 'active') throw new AppError('VOLUNTEER_REQUIRED');
      return inTx(s, ctx, async (trx, audit) => {
        const from = await accountFor(trx, me.street, {
          kind: 'person',
          userId: ctx.actor.userId,
          name: me.name,
          path: me.path,
        });
        let to: number;
        if (input.toVolunteerNo) {
          const v = await trx
            .selectFrom('volunteers')
            .select(['userId', 'name', 'areaPath', 'status'])
            .where('volunteerNo', '=', input.toVolunteerNo)
            .where(sql<SqlBool>`area_path <@ ${me.street.path}::ltree`)
            .executeTakeFirst();
          if (v?.status !== 'active')
            throw new AppError('VALIDATION_FAILED', { fields: 'toVolunteerNo' }, [
              { path: 'toVolunteerNo', code: 'invalid', message: '本街道没有这个志愿者编号' },
            ]);
          to = await accountFor(trx, me.street, {
            kind: 'person',
            userId: v.userId,
            name: v.name,
            path: v.areaPath,
          });
        } else to = await accountFor(trx, me.street, { kind: 'pool' });
        const kind = input.toVolunteerNo ? 'gift' : 'donation';
        const id = await transfer(trx, s, {
          streetId: me.street.id,
          kind,
          from,
          to,
          minutes: input.minutes,
          note: input.note ?? null,
          by: ctx.actor.userId,
        });
        await audit({
          action: `timebank.${kind}`,
          entityType: 'tb_transfer',
          entityId: id,
          detail: { minutes: input.minutes },
        });
        const b = await trx
          .selectFrom('tbAccounts')
          .select('balance')
          .where('id', '=', from)
          .executeTakeFirstOrThrow();
        return { transferId: id, balance: b.balance };
      });
    },

    /** Redemption: only at an accredited service of the street. */
    async redeem(ctx: Ctx, input: z.infer<typeof TbRedeem>) {
      const me = await enabledStreet(ctx);
      return inTx(s, ctx, async (trx, audit) => {
        const svc = await trx
          .selectFrom('tbServices as v')
          .innerJoin('tbAccounts as a', 'a.id', 'v.accountId')
          .select(['v.accountId', 'v.accredited', 'v.name'])
          .where('v.id', '=', input.serviceId)
          .where('a.streetId', '=', me.street.id)
          .executeTakeFirst();
        if (!svc)
          throw new AppError('VALIDATION_FAILED', { fields: 'serviceId' }, [
            { path: 'serviceId', code: 'invalid', message: '本街道没有这个服务点' },
          ]);
        if (!svc.accredited)
          throw rule('该服务点未经认定，不能兑换', 'This service is not accredited for redemption');
        const from = await accountFor(trx, me.street, {
          kind: 'person',
          userId: ctx.actor.userId,
          name: me.name,
          path: me.path,
        });
        const id = await transfer(trx, s, {
          streetId: me.street.id,
          kind: 'redeem',
          from,
          to: svc.accountId,
          minutes: input.minutes,
          note: input.note ?? null,
          by: ctx.actor.userId,
        });
        await audit({
          action: 'timebank.redeem',
          entityType: 'tb_transfer',
          entityId: id,
          detail: { minutes: input.minutes, service: svc.name },
        });
        const b = await trx
          .selectFrom('tbAccounts')
          .select('balance')
          .where('id', '=', from)
          .executeTakeFirstOrThrow();
        return { transferId: id, balance: b.balance };
      });
    },

    /** Accredited services of the actor's street (where coins are redeemed). */
    async services(ctx: Ctx): Promise<z.infer<typeof TbService>[]> {
      const me = await myStreet(ctx);
      if (!me.street) return [];
      return s.db
        .selectFrom('tbServices as v')
        .innerJoin('tbAccounts as a', 'a.id', 'v.accountId')
        .select(['v.id', 'v.name', 'v.accredited', 'a.balance'])
        .where('a.streetId', '=', me.street.id)
        .orderBy('v.name')
        .execute();
    },

    async addService(ctx: Ctx, input: z.infer<typeof TbServiceCreate>) {
      // a community accredits the services in it (a canteen, a day-care centre) for its street's bank
      const street = await staffStreet(ctx, input.areaId, 'volunteer.manage', true);
      return inTx(s, ctx, async (trx, audit) => {
        const acct = await trx
          .insertInto('tbAccounts')
          .values({ streetId: street.id, areaPath: street.path, ownerKind: 'service', name: input.name })
          .returning('id')
          .executeTakeFirstOrThrow();
        const v = await trx
          .insertInto('tbServices')
          .values({ accountId: acct.id, name: input.name })
          .returning(['id', 'name', 'accredited'])
          .executeTakeFirstOrThrow();
        await audit({
          action: 'timebank.service_add',
          entityType: 'tb_service',
          entityId: v.id,
          detail: { name: input.name },
        });
        return { ...v, balance: 0 };
      });
    },

    /** The accounts of the streets the actor reads (names of people masked). */
    async accounts(ctx: Ctx): Promise<z.infer<typeof TbAccount>[]> {
      const paths = ctx.actor.pathsFor('volunteer.read');
      if (!paths.length) return [];
      const rows = await s.db
        .selectFrom('tbAccounts')
        .select(['id', 'ownerKind', 'name', 'balance', 'flagged'])
        .where(sql<SqlBool>`area_path <@ ${sql.val(paths)}::ltree[]`)
        .orderBy('ownerKind')
        .orderBy('balance', 'desc')
        .orderBy('id')
        .limit(500)
        .execute();
      return rows.map((r) => ({
        ...r,
        ownerKind: r.ownerKind as 'person',
        name: r.ownerKind === 'person' ? `${r.name.slice(0, 1)}*` : r.name,
      }));
    },

    /** The invariant: Σ movements = 0, every transfer balanced, balances = Σ their movements. */
    async check(ctx: Ctx): Promise<z.infer<typeof TbCheck>> {
      const paths = ctx.actor.pathsFor('volunteer.read');
      if (!paths.length) throw new AppError('FORBIDDEN');
      const streets = await s.db
        .selectFrom('areas')
        .select('id')
        .where('kind', '=', 'street')
        .where(sql<SqlBool>`(path <@ ${sql.val(paths)}::ltree[] OR path @> ANY(${sql.val(paths)}::ltree[]))`)
        .execute();
      return checkLedger(
        s.db,
        streets.map((x) => x.id),
      );
    },
  };
}

/** The ledger's invariant over some streets (all of them without a list: the bench and tests). */
export async function checkLedger(conn: Conn, streetIds?: number[]): Promise<z.infer<typeof TbCheck>> {
  const ids = streetIds ?? null;
  if (ids && !ids.length)
    return { sum: 0, unbalancedTransfers: 0, balanceMismatches: 0, outstanding: 0, ok: true };
  const inStreets = (col: string) =>
    ids ? sql`${sql.ref(col)} = ANY(${sql.val(ids)}::bigint[])` : sql`true`;
  const r = await sql<{ sum: number; unbalanced: number; mismatches: number; outstanding: number }>`
    SELECT
      (SELECT coalesce(sum(m.minutes), 0)::bigint FROM tb_movements m JOIN tb_accounts a ON a.id = m.account_id
        WHERE ${inStreets('a.street_id')}) AS sum,
      (SELECT count(*)::int FROM (SELECT m.transfer_id FROM tb_movements m JOIN tb_transfers t ON t.id = m.transfer_id
        WHERE ${inStreets('t.street_id')} GROUP BY m.transfer_id HAVING sum(m.minutes) <> 0) u) AS unbalanced,
      (SELECT count(*)::int FROM tb_accounts a WHERE ${inStreets('a.street_id')}
        AND a.balance <> coalesce((SELECT sum(minutes) FROM tb_movements m WHERE m.account_id = a.id), 0)) AS mismatches,
      (SELECT coalesce(sum(balance), 0)::bigint FROM tb_accounts a WHERE a.owner_kind = 'person'
        AND ${inStreets('a.street_id')}) AS outstanding`.execute(conn);
  const x = r.rows[0]!;
  const sum = Number(x.sum);
  return {
    sum,
    unbalancedTransfers: x.unbalanced,
    balanceMismatches: x.mismatches,
    outstanding: Number(x.outstanding),
    ok: sum === 0 && x.unbalanced === 0 && x.mismatches === 0,
  };
}
