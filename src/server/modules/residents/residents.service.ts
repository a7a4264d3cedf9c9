import { randomBytes, randomInt } from 'node:crypto';
import { type SqlBool, sql } from 'kysely';
import { ACTION_LABELS, STATE_LABELS } from '../../../contract/cases.js';
import {
  EDUCATION,
  label,
  POLITICAL_STATUS,
  RELATIONS,
  RESIDENCE_TYPES,
  SEXES,
} from '../../../contract/codes.js';
import { checkIdNumber, maskId, maskPhone } from '../../../contract/identifiers.js';
import type { MyData, ResidentMe } from '../../../contract/residents.js';
import { chinaDate } from '../../engines/calendar/calendar.js';
import { caseEngine } from '../../engines/cases/engine.js';
import { timingsFor } from '../../engines/cases/timings.js';
import { deliver, type Message, unreadCount } from '../../engines/notifications/notifications.js';
import type { Actor } from '../../platform/access/actor.js';
import { areaLabelSql } from '../../platform/access/area-label.js';
import { pathInScope } from '../../platform/access/scope.js';
import { writeAudit } from '../../platform/audit/audit.js';
import { hashPassword } from '../../platform/auth/password.js';
import { createSession } from '../../platform/auth/sessions.js';
import { claimAccount, claimAddress, clearAccount, releaseAddress } from '../../platform/auth/throttle.js';
import type { Conn, Tx } from '../../platform/db/index.js';
import { AppError, notFound } from '../../platform/errors/app-error.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';
import { devCodeOf } from './dev-transport.js';
import { residentSettings } from './settings.js';

export interface Meta {
  ip: string | null;
  userAgent: string | null;
  requestId: string;
  lang: 'zh' | 'en';
}

const field = (path: string, zh: string, en: string, lang: 'zh' | 'en') =>
  new AppError('VALIDATION_FAILED', { fields: path }, [
    { path, code: 'custom', message: lang === 'zh' ? zh : en },
  ]);

/** The throttle key of a phone: its keyed hash, never the number (login_throttle is not encrypted). */
const throttleKey = (phoneHash: string) => `resident:${phoneHash}`;
const codeHash = (s: Services, phoneHash: string, code: string) =>
  s.keyring.lookupHash(`resident-code:${phoneHash}:${code}`);
/** A code confirming a change of number: good only for this account moving to this number (never a sign-in). */
const changeCodeHash = (s: Services, accountId: number, phoneHash: string, code: string) =>
  s.keyring.lookupHash(`resident-phone:${accountId}:${phoneHash}:${code}`);
const changeThrottleKey = (accountId: number) => `resident-phone:${accountId}`;

/** The age in whole years on `today` (YYYY-MM-DD) of someone born on `birth`. */
export function ageOn(birth: string | null, today: string): number | null {
  if (!birth) return null;
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

export const ADULT_AGE = 18;

/** The resident account of the signed-in user, or null (staff). */
export async function accountOf(conn: Conn, userId: number) {
  return (
    (await conn
      .selectFrom('residentAccounts as ra')
      .selectAll('ra')
      .where('ra.userId', '=', userId)
      .executeTakeFirst()) ?? null
  );
}

/**
 * The people a verified resident may see and act for, in SQL: themselves and the members of their
 * household (the registry's `household_id`, which the community links). Nobody else, ever.
 */
export function householdOf(userId: number) {
  return sql<SqlBool>`p.id IN (
    SELECT m.id FROM resident_accounts ra JOIN people me ON me.id = ra.person_id
      JOIN people m ON m.id = me.id OR (me.household_id IS NOT NULL AND m.household_id = me.household_id)
    WHERE ra.user_id = ${userId} AND m.status = 'active')`;
}

/** Plain words for a step of a resident's case (no internal codes). */
function stepText(kind: string, data: Record<string, unknown>, toState: string | null, lang: 'zh' | 'en') {
  const zh = lang === 'zh';
  switch (kind) {
    case 'report':
      return zh ? '您的诉求已提交，等待社区受理' : 'Your request was sent; waiting for the community';
    case 'accept':
      return zh ? '社区已受理，正在安排处理' : 'The community took it on and is arranging the work';
    case 'dispatch':
      return zh ? '已交给负责处理的同志' : 'Handed to the person who will deal with it';
    case 'sign':
      return zh ? '处理人员已接手' : 'The person in charge started on it';
    case 'feedback':
      return zh ? '已处理完毕，等待社区核查' : 'Done; the community is checking the result';
    case 'verify':
      return data.passed === false
        ? zh
          ? '核查未通过，正在重新处理'
          : 'The check found more to do; it is being handled again'
        : zh
          ? '已办结，欢迎您评价'
          : 'Finished: please rate how it was handled';
    case 'reject':
      return zh ? '未予受理' : 'Not taken on';
    case 'rate':
      return zh ? `您已评价（${String(data.rating)} 星）` : `You rated it (${String(data.rating)} stars)`;
    default: {
      const a = ACTION_LABELS[kind as keyof typeof ACTION_LABELS];
      const st = toState ? STATE_LABELS[toState as keyof typeof STATE_LABELS] : null;
      const what = a ? a[lang] : zh ? '办理' : 'Handled';
      return st ? `${what} · ${st[lang]}` : what;
    }
  }
}

export function residentsService(s: Services) {
  const timings = timingsFor(s);
  const engine = caseEngine(s, timings);

  async function auditOwn(meta: Meta, actorId: number | null, name: string, action: string, detail: object) {
    await s.db
      .transaction()
      .execute((trx) =>
        writeAudit(
          trx,
          { actorId, actorName: name, ip: meta.ip, requestId: meta.requestId },
          { action, entityType: 'resident_account', entityId: null, success: false, detail: { ...detail } },
          s.clock.now(),
        ),
      );
  }

  /** Codes are limited per number (`resendSeconds` apart, so many an hour) and per address; over: 429, audited. */
  async function codeLimits(
    cfg: Awaited<ReturnType<typeof residentSettings>>,
    phoneHash: string,
    meta: Meta,
    actorId: number | null,
    actorName: string,
  ) {
    const now = s.clock.now();
    const hour = new Date(now.getTime() - 3600_000);
    const counts = (
      await sql<{ byPhone: number; byIp: number; last: Date | null }>`
        SELECT (SELECT count(*)::int FROM resident_codes WHERE phone_hash = ${phoneHash} AND created_at > ${hour}) AS "byPhone",
               (SELECT count(*)::int FROM resident_codes WHERE ip = ${meta.ip} AND created_at > ${hour}) AS "byIp",
               (SELECT max(created_at) FROM resident_codes WHERE phone_hash = ${phoneHash}) AS last`.execute(
        s.db,
      )
    ).rows[0]!;
    const wait = counts.last
      ? Math.ceil((counts.last.getTime() + cfg.resendSeconds * 1000 - now.getTime()) / 1000)
      : 0;
    if (
      wait > 0 ||
      counts.byPhone >= cfg.codesPerPhonePerHour ||
      (meta.ip && counts.byIp >= cfg.codesPerAddressPerHour)
    ) {
      await auditOwn(meta, actorId, actorName, 'resident.code', { reason: 'rate_limited' });
      throw new AppError('RATE_LIMITED');
    }
  }

  /** A verified resident's account and person, or 403 (unverified accounts read public notices only). */
  async function verified(ctx: Ctx) {
    const a = await accountOf(s.db, ctx.actor.userId);
    if (!a?.personId) throw new AppError('FORBIDDEN');
    return a as typeof a & { personId: number };
  }

  /** The person `personId` when the resident may act for them (self, or an adult acting for a household member). */
  async function actFor(ctx: Ctx, personId: number | undefined, path: string) {
    const a = await verified(ctx);
    const target = personId ?? a.personId;
    const people = await s.db
      .selectFrom('people as p')
      .select(['p.id', 'p.name', 'p.areaId', 'p.birthDate'])
      .where(householdOf(ctx.actor.userId))
      .where('p.id', 'in', [a.personId, target])
      .execute();
    const me = people.find((p) => p.id === a.personId);
    const them = people.find((p) => p.id === target);
    if (!me || !them)
      throw field(
        path,
        '只能为本户登记的家庭成员办理',
        'Only for members of your registered household',
        ctx.lang,
      );
    if (them.id !== me.id && (ageOn(me.birthDate, chinaDate(s.clock.now())) ?? 0) < ADULT_AGE)
      throw field(path, '只有成年人可以为家人代办', 'Only adults may act for their family', ctx.lang);
    return { account: a, me, them };
  }

  async function communityOf(conn: Conn, areaId: number) {
    return (
      (
        await sql<{ id: number; name: string; path: string }>`
        SELECT c.id, c.name, c.path::text AS path FROM areas h JOIN areas c ON c.path @> h.path AND c.kind = 'community'
        WHERE h.id = ${areaId} ORDER BY nlevel(c.path) DESC LIMIT 1`.execute(conn)
      ).rows[0] ?? null
    );
  }

  /**
   * Makes the account verified for the person: the resident role over the person's community
   * (so the case engine lets them report there), the display name from the registry.
   */
  async function bindTo(
    trx: Tx,
    accountId: number,
    userId: number,
    personId: number,
    how: string,
    by: number | null,
  ) {
    const p = await trx
      .selectFrom('people')
      .select(['id', 'name', 'areaId'])
      .where('id', '=', personId)
      .executeTakeFirstOrThrow();
    const community = await communityOf(trx, p.areaId);
    await trx
      .updateTable('residentAccounts')
      .set((eb) => ({
        personId,
        verifiedHow: how,
        verifiedAt: s.clock.now(),
        verifiedBy: by,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', accountId)
      .execute();
    await trx
      .updateTable('users')
      .set({ displayName: p.name, updatedAt: s.clock.now(), ...(community ? { areaId: community.id } : {}) })
      .where('id', '=', userId)
      .execute();
    const role = await trx
      .selectFrom('roles')
      .select('id')
      .where('code', '=', 'resident')
      .executeTakeFirstOrThrow();
    await trx.deleteFrom('userRoles').where('userId', '=', userId).execute();
    if (community)
      await trx
        .insertInto('userRoles')
        .values({ userId, roleId: role.id, areaId: community.id, createdBy: by })
        .execute();
    return p;
  }

  return {
    /** Sends a sign-in code (rate-limited by number and by address). */
    async requestCode(phone: string, meta: Meta) {
      const cfg = await residentSettings(s);
      const now = s.clock.now();
      const phoneHash = s.keyring.lookupHash(phone);
      await codeLimits(cfg, phoneHash, meta, null, 'resident');
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const { userId } = await inTx(
        s,
        { audit: { actorId: null, actorName: 'resident', ip: meta.ip, requestId: meta.requestId } },
        async (trx, audit) => {
          // The account exists from the first code (a message goes to a user); it is signed up once the code is used.
          let acc = await trx
            .selectFrom('residentAccounts')
            .select(['id', 'userId'])
            .where('phoneHash', '=', phoneHash)
            .executeTakeFirst();
          if (!acc) {
            const root = await trx
              .selectFrom('areas')
              .select('id')
              .where('parentId', 'is', null)
              .orderBy('id')
              .executeTakeFirstOrThrow();
            const user = await trx
              .insertInto('users')
              .values({
                username: `r_${randomBytes(9).toString('base64url')}`,
                displayName: '居民',
                areaId: root.id,
                // Residents never sign in with a password: a hash of random bytes nobody knows.
                passwordHash: await hashPassword(randomBytes(24).toString('base64url')),
                mustChangePassword: false,
                kind: 'resident',
              })
              .returning('id')
              .executeTakeFirstOrThrow();
            acc = await trx
              .insertInto('residentAccounts')
              .values({
                userId: user.id,
                phoneEnc: s.keyring.encrypt(phone),
                phoneHash,
                phoneTail: phone.slice(-4),
              })
              .returning(['id', 'userId'])
              .executeTakeFirstOrThrow();
            await audit({ action: 'resident.create', entityType: 'resident_account', entityId: acc.id });
          }
          await trx
            .insertInto('residentCodes')
            .values({
              phoneHash,
              codeHash: codeHash(s, phoneHash, code),
              ip: meta.ip,
              createdAt: now,
              expiresAt: new Date(now.getTime() + cfg.codeMinutes * 60_000),
            })
            .execute();
          await audit({ action: 'resident.code', entityType: 'resident_account', entityId: acc.id });
          return acc;
        },
      );
      const message: Message = {
        userId,
        kind: 'resident.code',
        titleZh: '登录验证码',
        titleEn: 'Sign-in code',
        bodyZh: `您的家园登录验证码是 ${code}，${cfg.codeMinutes} 分钟内有效。请勿告诉他人。`,
        bodyEn: `Your Jiayuan sign-in code is ${code}, valid for ${cfg.codeMinutes} minutes. Tell nobody.`,
        caseId: null,
      };
      // Only through the transports (SMS; in demo mode the development one): never the bell, never the log.
      await deliver(s, [message]);
      const demoCode = s.config.mode === 'demo' ? devCodeOf(s, userId) : undefined;
      return { resendAfter: cfg.resendSeconds, ...(demoCode ? { demoCode } : {}) };
    },

    /** Signs in with the code: lockout per number as for staff names, slowdown per address. */
    async signIn(phone: string, code: string, meta: Meta) {
      const cfg = await residentSettings(s);
      const settings = await s.settings.security();
      const now = s.clock.now();
      const phoneHash = s.keyring.lookupHash(phone);
      if (meta.ip) {
        const addr = await claimAddress(s.db, meta.ip, now, settings);
        if (!addr.granted) {
          await auditOwn(meta, null, 'resident', 'resident.login', { reason: 'slowed' });
          throw new AppError('LOGIN_SLOWED', { seconds: addr.seconds });
        }
      }
      const claim = await claimAccount(s.db, throttleKey(phoneHash), now, settings);
      if (!claim.granted) {
        await auditOwn(meta, null, 'resident', 'resident.login', { reason: 'locked' });
        throw new AppError('ACCOUNT_LOCKED', { minutes: claim.minutes });
      }
      // The newest live code of the number, used once, and its attempt counted in the same statement.
      const used = await sql<{ id: number }>`
        UPDATE resident_codes SET used_at = ${now}, attempts = attempts + 1
        WHERE id = (SELECT id FROM resident_codes WHERE phone_hash = ${phoneHash} AND used_at IS NULL
                      AND expires_at > ${now} ORDER BY created_at DESC LIMIT 1)
          AND code_hash = ${codeHash(s, phoneHash, code)}
        RETURNING id`.execute(s.db);
      const acc = await s.db
        .selectFrom('residentAccounts as ra')
        .innerJoin('users as u', 'u.id', 'ra.userId')
        .select(['ra.id', 'ra.userId', 'u.username', 'u.status'])
        .where('ra.phoneHash', '=', phoneHash)
        .executeTakeFirst();
      if (used.rows.length === 0 || !acc || acc.status !== 'active') {
        await auditOwn(meta, acc?.userId ?? null, 'resident', 'resident.login', {
          reason: used.rows.length === 0 ? 'bad_code' : 'disabled',
        });
        if (claim.failures >= settings.lockoutThreshold)
          throw new AppError('ACCOUNT_LOCKED', { minutes: settings.lockoutMinutes });
        throw new AppError('RESIDENT_BAD_CODE');
      }
      await clearAccount(s.db, throttleKey(phoneHash));
      if (meta.ip) await releaseAddress(s.db, meta.ip);
      // Shorter than staff's: the absolute lifetime is the residents' setting.
      const session = await createSession(s.db, {
        userId: acc.userId,
        ip: meta.ip,
        userAgent: meta.userAgent,
        mfaPending: false,
        now,
        settings: {
          ...settings,
          absoluteLifetimeHours: Math.min(cfg.sessionHours, settings.absoluteLifetimeHours),
        },
      });
      await inTx(
        s,
        { audit: { actorId: acc.userId, actorName: acc.username, ip: meta.ip, requestId: meta.requestId } },
        async (trx, audit) => {
          await trx.updateTable('users').set({ lastLoginAt: now }).where('id', '=', acc.userId).execute();
          await trx
            .updateTable('residentAccounts')
            .set({ signedUpAt: now })
            .where('id', '=', acc.id)
            .where('signedUpAt', 'is', null)
            .execute();
          await audit({ action: 'resident.login', entityType: 'resident_account', entityId: acc.id });
        },
      );
      return session;
    },

    async me(ctx: Ctx): Promise<ResidentMe> {
      const a = await accountOf(s.db, ctx.actor.userId);
      if (!a) throw new AppError('FORBIDDEN');
      const members = a.personId ? await this.members(ctx.actor, a.personId) : [];
      const person = a.personId
        ? await s.db
            .selectFrom('people')
            .select(['name', 'areaId'])
            .where('id', '=', a.personId)
            .executeTakeFirst()
        : null;
      const community = person ? await communityOf(s.db, person.areaId) : null;
      // Whose public notices an unverified account reads: the community or street it chose.
      const chosen =
        !person && a.chosenAreaId
          ? await s.db
              .selectFrom('areas')
              .select(['id', 'name'])
              .where('id', '=', a.chosenAreaId)
              .executeTakeFirst()
          : null;
      const place = community ? { id: community.id, name: community.name } : (chosen ?? null);
      return {
        accountId: a.id,
        state: a.personId ? 'verified' : 'unverified',
        phone: maskPhone(s.keyring.decrypt(a.phoneEnc))!,
        name: person?.name ?? null,
        communityName: community?.name ?? null,
        place,
        verifiedHow: a.personId ? (a.verifiedHow as 'match' | 'officer' | null) : null,
        verifiedAt: a.verifiedAt ? a.verifiedAt.toISOString() : null,
        members,
        unread: await unreadCount(s.db, ctx.actor.userId),
      };
    },

    /**
     * The communities and streets an unverified account may choose, to read their public notices
     * (area names only: what the public notices already show).
     */
    async places(ctx: Ctx) {
      const a = await accountOf(s.db, ctx.actor.userId);
      if (!a) throw new AppError('FORBIDDEN');
      const rows = await sql<{ id: number; name: string; kind: string; streetName: string | null }>`
        SELECT a.id, a.name, a.kind,
               (SELECT st.name FROM areas st WHERE st.kind = 'street' AND st.path @> a.path AND st.id <> a.id
                 ORDER BY nlevel(st.path) DESC LIMIT 1) AS "streetName"
        FROM areas a WHERE a.kind IN ('street', 'community') AND a.status = 'active'
        ORDER BY a.path LIMIT 500`.execute(s.db);
      return rows.rows.map((r) => ({
        id: r.id,
        name: r.name,
        kind: r.kind as 'street' | 'community',
        streetName: r.streetName,
      }));
    },

    /** An unverified account picks the community (or street) whose public notices it reads (audited). */
    async choosePlace(ctx: Ctx, areaId: number) {
      const a = await accountOf(s.db, ctx.actor.userId);
      if (!a) throw new AppError('FORBIDDEN');
      if (a.personId) throw new AppError('RESIDENT_ALREADY_VERIFIED');
      await inTx(s, ctx, async (trx, audit) => {
        const area = await trx
          .selectFrom('areas')
          .select('id')
          .where('id', '=', areaId)
          .where('kind', 'in', ['street', 'community'])
          .where('status', '=', 'active')
          .executeTakeFirst();
        if (!area) throw field('areaId', '请选择一个社区或街道', 'Choose a community or a street', ctx.lang);
        await trx
          .updateTable('residentAccounts')
          .set((eb) => ({ chosenAreaId: area.id, version: eb('version', '+', 1) }))
          .where('id', '=', a.id)
          .execute();
        await audit({
          action: 'resident.place',
          entityType: 'resident_account',
          entityId: a.id,
          detail: { areaId: area.id },
        });
      });
      return this.me(ctx);
    },

    /**
     * 更换手机号, step 1: a code to the NEW number (rate-limited as sign-in codes are). A number that
     * has an account already is refused: two accounts never share a number (re-binding is the window's).
     */
    async phoneCode(ctx: Ctx, phone: string, meta: Meta) {
      const cfg = await residentSettings(s);
      const a = await accountOf(s.db, ctx.actor.userId);
      if (!a) throw new AppError('FORBIDDEN');
      const phoneHash = s.keyring.lookupHash(phone);
      if (phoneHash === a.phoneHash)
        throw field('phone', '这就是您现在的手机号', 'This is your number already', ctx.lang);
      const taken = await s.db
        .selectFrom('residentAccounts')
        .select('id')
        .where('phoneHash', '=', phoneHash)
        .executeTakeFirst();
      if (taken) throw new AppError('RESIDENT_PHONE_TAKEN');
      await codeLimits(cfg, phoneHash, meta, ctx.actor.userId, ctx.actor.username);
      const now = s.clock.now();
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      await inTx(s, ctx, async (trx, audit) => {
        await trx
          .insertInto('residentCodes')
          .values({
            phoneHash,
            codeHash: changeCodeHash(s, a.id, phoneHash, code),
            ip: meta.ip,
            createdAt: now,
            expiresAt: new Date(now.getTime() + cfg.codeMinutes * 60_000),
          })
          .execute();
        await audit({
          action: 'resident.phone_code',
          entityType: 'resident_account',
          entityId: a.id,
          detail: { toTail: phone.slice(-4) },
        });
      });
      await deliver(s, [
        {
          userId: ctx.actor.userId,
          to: phone,
          kind: 'resident.code',
          titleZh: '更换手机号验证码',
          titleEn: 'Code for your new number',
          bodyZh: `您正在把家园账户的手机号换成本号码，验证码是 ${code}，${cfg.codeMinutes} 分钟内有效。请勿告诉他人。`,
          bodyEn: `You are moving your Jiayuan account to this number. The code is ${code}, valid for ${cfg.codeMinutes} minutes. Tell nobody.`,
          caseId: null,
        },
      ]);
      const demoCode = s.config.mode === 'demo' ? devCodeOf(s, ctx.actor.userId) : undefined;
      return { resendAfter: cfg.resendSeconds, ...(demoCode ? { demoCode } : {}) };
    },

    /** 更换手机号, step 2: the code sent to the new number moves the account to it (audited; wrong codes lock as at sign-in). */
    async changePhone(ctx: Ctx, body: { phone: string; code: string }) {
      const settings = await s.settings.security();
      const a = await accountOf(s.db, ctx.actor.userId);
      if (!a) throw new AppError('FORBIDDEN');
      const now = s.clock.now();
      const phoneHash = s.keyring.lookupHash(body.phone);
      const claim = await claimAccount(s.db, changeThrottleKey(a.id), now, settings);
      if (!claim.granted) throw new AppError('ACCOUNT_LOCKED', { minutes: claim.minutes });
      try {
        await inTx(s, ctx, async (trx, audit) => {
          const used = await sql<{ id: number }>`
            UPDATE resident_codes SET used_at = ${now}, attempts = attempts + 1
            WHERE id = (SELECT id FROM resident_codes WHERE phone_hash = ${phoneHash} AND used_at IS NULL
                          AND expires_at > ${now} ORDER BY created_at DESC LIMIT 1)
              AND code_hash = ${changeCodeHash(s, a.id, phoneHash, body.code)}
            RETURNING id`.execute(trx);
          if (used.rows.length === 0) {
            if (claim.failures >= settings.lockoutThreshold)
              throw new AppError('ACCOUNT_LOCKED', { minutes: settings.lockoutMinutes });
            throw new AppError('RESIDENT_BAD_CODE');
          }
          await trx
            .updateTable('residentAccounts')
            .set((eb) => ({
              phoneEnc: s.keyring.encrypt(body.phone),
              phoneHash,
              phoneTail: body.phone.slice(-4),
              version: eb('version', '+', 1),
            }))
            .where('id', '=', a.id)
            .execute();
          await audit({
            action: 'resident.phone_change',
            entityType: 'resident_account',
            entityId: a.id,
            detail: { fromTail: a.phoneTail, toTail: body.phone.slice(-4) },
          });
        });
      } catch (e) {
        if ((e as { code?: string }).code === '23505') throw new AppError('RESIDENT_PHONE_TAKEN');
        throw e;
      }
      await clearAccount(s.db, changeThrottleKey(a.id));
      return this.me(ctx);
    },

    async members(actor: Actor, selfId: number) {
      const today = chinaDate(s.clock.now());
      const rows = await s.db
        .selectFrom('people as p')
        .select(['p.id', 'p.name', 'p.relationToHead', 'p.birthDate'])
        .where(householdOf(actor.userId))
        .orderBy('p.id')
        .execute();
      const me = rows.find((r) => r.id === selfId);
      const adult = (ageOn(me?.birthDate ?? null, today) ?? 0) >= ADULT_AGE;
      return rows.map((r) => ({
        personId: r.id,
        name: r.name,
        relation: r.relationToHead ? label(RELATIONS, r.relationToHead, 'zh') : null,
        self: r.id === selfId,
        mayActFor: r.id === selfId || adult,
      }));
    },

    /**
     * Binds to the registry: the ID number's check digit first, then the keyed hash finds the one
     * person; name (and the phone on record, where there is one) must agree, and the person must
     * have no verified account yet. Every other outcome is the same answer (RESIDENT_NO_MATCH):
     * the resident never learns whether someone else exists. Attempts are limited per account.
     */
    async bind(ctx: Ctx, body: { name: string; idNumber: string }, meta: Meta) {
      const cfg = await residentSettings(s);
      const a = await accountOf(s.db, ctx.actor.userId);
      if (!a) throw new AppError('FORBIDDEN');
      if (a.personId) throw new AppError('RESIDENT_ALREADY_VERIFIED');
      const id = checkIdNumber(body.idNumber, s.clock.now());
      if (!id.ok) throw field('idNumber', id.message.zh, id.message.en, ctx.lang);
      const hour = new Date(s.clock.now().getTime() - 3600_000);
      const tries = await s.db
        .selectFrom('auditLog')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('actorId', '=', ctx.actor.userId)
        .where('action', '=', 'resident.bind')
        .where('at', '>', hour)
        .executeTakeFirstOrThrow();
      if (tries.n >= cfg.bindAttemptsPerHour) throw new AppError('RATE_LIMITED');
      const phone = s.keyring.decrypt(a.phoneEnc);
      const candidate = await s.db
        .selectFrom('people as p')
        .select(['p.id', 'p.name', 'p.phoneHash'])
        .where('p.idHash', '=', s.keyring.lookupHash(id.value))
        .where('p.status', '=', 'active')
        .where('p.duplicateOf', 'is', null)
        .where(sql<SqlBool>`NOT EXISTS (SELECT 1 FROM resident_accounts x WHERE x.person_id = p.id)`)
        .executeTakeFirst();
      const ok =
        !!candidate &&
        candidate.name.replace(/\s+/g, '') === body.name.replace(/\s+/g, '') &&
        (candidate.phoneHash === null || candidate.phoneHash === s.keyring.lookupHash(phone));
      if (!ok) {
        await auditOwn(meta, ctx.actor.userId, ctx.actor.username, 'resident.bind', { matched: false });
        throw new AppError('RESIDENT_NO_MATCH');
      }
      try {
        await inTx(s, ctx, async (trx, audit) => {
          await bindTo(trx, a.id, ctx.actor.userId, candidate.id, 'match', null);
          await audit({
            action: 'resident.bind',
            entityType: 'resident_account',
            entityId: a.id,
            detail: { matched: true, personId: candidate.id },
          });
        });
      } catch (e) {
        // Bound by another account at the same moment: the same answer as no match.
        if ((e as { code?: string }).code === '23505') throw new AppError('RESIDENT_NO_MATCH');
        throw e;
      }
      return this.me(ctx);
    },

    /** What the community holds about the resident and their household, masked as for staff. */
    async myData(ctx: Ctx): Promise<MyData> {
      const a = await verified(ctx);
      const lang = ctx.lang;
      const today = chinaDate(s.clock.now());
      const rows = await s.db
        .selectFrom('people as p')
        .innerJoin('areas as h', 'h.id', 'p.areaId')
        .select([
          'p.id',
          'p.name',
          'p.relationToHead',
          'p.sex',
          'p.idEnc',
          'p.phoneEnc',
          'p.birthDate',
          'p.residenceType',
          'p.currentAddress',
          'p.ethnicity',
          'p.education',
          'p.politicalStatus',
          'p.employer',
          areaLabelSql('h').as('house'),
        ])
        .where(householdOf(ctx.actor.userId))
        .orderBy('p.id')
        .execute();
      const corrections = await sql<{
        id: number;
        no: string;
        state: string;
        reportedAt: Date;
        forName: string;
      }>`
        SELECT c.id, c.no, c.state, c.reported_at AS "reportedAt", p.name AS "forName"
        FROM cases c JOIN resident_acts x ON x.case_id = c.id JOIN people p ON p.id = x.for_person_id
        WHERE c.type = 'correction' AND c.reporter_user_id = ${ctx.actor.userId}
        ORDER BY c.reported_at DESC LIMIT 50`.execute(s.db);
      const self = rows.find((r) => r.id === a.personId);
      return {
        house: self?.house ?? null,
        people: rows.map((r) => ({
          personId: r.id,
          self: r.id === a.personId,
          name: r.name,
          relation: r.relationToHead ? label(RELATIONS, r.relationToHead, lang) : null,
          sex: r.sex ? label(SEXES, r.sex, lang) : null,
          idNumber: r.idEnc ? maskId(s.keyring.decrypt(r.idEnc)) : null,
          phone: r.phoneEnc ? maskPhone(s.keyring.decrypt(r.phoneEnc)) : null,
          age: ageOn(r.birthDate, today),
          residenceType: label(RESIDENCE_TYPES, r.residenceType, lang),
          address: r.currentAddress,
          ethnicity: r.ethnicity,
          education: r.education ? label(EDUCATION, r.education, lang) : null,
          politicalStatus: r.politicalStatus ? label(POLITICAL_STATUS, r.politicalStatus, lang) : null,
          employer: r.employer,
        })),
        corrections: corrections.rows.map((c) => ({
          id: c.id,
          no: c.no,
          state: STATE_LABELS[c.state as keyof typeof STATE_LABELS]?.[lang] ?? '',
          reportedAt: c.reportedAt.toISOString(),
          forName: c.forName,
        })),
      };
    },

    /** 申请更正: a correction case to the community worker, for the resident or a household member. */
    async requestCorrection(ctx: Ctx, body: { personId: number; field: string; description: string }) {
      const { account, me, them } = await actFor(ctx, body.personId, 'personId');
      const fieldName = {
        name: ['姓名', 'name'],
        idNumber: ['身份证号', 'ID number'],
        phone: ['联系电话', 'phone'],
        address: ['住址', 'address'],
        residenceType: ['人口类型', 'kind of residence'],
        other: ['其他信息', 'other data'],
      }[body.field]!;
      const created = await engine.create(ctx, {
        type: 'correction',
        category: `person.${body.field}`,
        urgency: 'normal',
        title: `申请更正${them.name}的${fieldName[0]}`,
        description: body.description,
        areaId: them.areaId,
        public: false,
        detail: { personId: them.id },
      });
      await this.recordAct(ctx, account.id, me.id, them.id, 'correction', created.id);
      return { id: created.id };
    },

    /** Every act records who did it for whom (代办), in the same audit trail as the act. */
    async recordAct(ctx: Ctx, accountId: number, byId: number, forId: number, kind: string, caseId: number) {
      await inTx(s, ctx, async (trx, audit) => {
        await trx
          .insertInto('residentActs')
          .values({ accountId, byPersonId: byId, forPersonId: forId, kind, caseId, at: s.clock.now() })
          .execute();
        if (byId !== forId)
          await audit({
            action: 'resident.act_for',
            entityType: 'case',
            entityId: caseId,
            detail: { kind, byPersonId: byId, forPersonId: forId },
          });
      });
    },

    /** 我的诉求: a resident request through the case engine, located on the map or at home. */
    async report(
      ctx: Ctx,
      body: {
        category: string;
        description: string;
        title?: string;
        location?: { lat: number; lng: number };
        address?: string;
        attachmentIds?: number[];
        forPersonId?: number;
      },
      idempotencyKey?: string,
    ) {
      const { account, me, them } = await actFor(ctx, body.forPersonId, 'forPersonId');
      const title = body.title ?? body.description.slice(0, 30);
      let areaId: number | undefined;
      if (!body.location) areaId = them.areaId;
      else {
        // A point outside the community's grids: filed at the resident's home.
        const inside = await s.db
          .selectFrom('areas as a')
          .select('a.id')
          .where('a.kind', '=', 'grid')
          .where(sql<SqlBool>`a.boundary @> point(${body.location.lng}, ${body.location.lat})`)
          .where(pathInScope(ctx.actor, 'request.report', 'a.path'))
          .executeTakeFirst();
        if (!inside) areaId = them.areaId;
      }
      const created = await engine.create(
        ctx,
        {
          type: 'request',
          category: body.category,
          urgency: 'normal',
          title: title.length >= 2 ? title : `${title}…`,
          description: body.description,
          ...(areaId ? { areaId } : {}),
          ...(body.location ? { location: body.location } : {}),
          ...(body.address ? { address: body.address } : {}),
          ...(body.attachmentIds?.length ? { attachmentIds: body.attachmentIds } : {}),
          contactName: them.name,
          detail: {},
        },
        { ...(idempotencyKey ? { idempotencyKey } : {}) },
      );
      if (!created.replayed) await this.recordAct(ctx, account.id, me.id, them.id, 'request', created.id);
      return { id: created.id };
    },

    /** The resident's requests: the ones they reported, and the ones a household member reported for them. */
    async myRequests(ctx: Ctx, id?: number) {
      await verified(ctx);
      const rows = await sql<{
        id: number;
        no: string;
        title: string;
        category: string;
        state: string;
        reportedAt: Date;
        rating: number | null;
        description: string;
        address: string | null;
        forName: string | null;
        reporterUserId: number | null;
        type: string;
        channel: string;
      }>`
        SELECT c.id, c.no, c.title, c.category, c.state, c.reported_at AS "reportedAt", c.rating,
               c.description, c.address, c.reporter_user_id AS "reporterUserId", c.type, c.channel,
               (SELECT p.name FROM resident_acts x JOIN people p ON p.id = x.for_person_id
                 WHERE x.case_id = c.id AND x.for_person_id <> x.by_person_id LIMIT 1) AS "forName"
        FROM cases c
        WHERE ((c.type = 'request'
               AND (c.reporter_user_id = ${ctx.actor.userId}
                    OR c.id IN (SELECT x.case_id FROM resident_acts x JOIN resident_accounts ra ON ra.user_id = ${ctx.actor.userId}
                                WHERE x.for_person_id = ra.person_id)))
          -- Filed through Open311 with the number this account signed in with (the engine keeps the
          -- contact phone's keyed hash): requests and events alike, found without decrypting.
          OR (c.channel = 'open311'
              AND c.contact_phone_hash = (SELECT ra.phone_hash FROM resident_accounts ra WHERE ra.user_id = ${ctx.actor.userId})))
          ${id !== undefined ? sql`AND c.id = ${id}` : sql``}
        ORDER BY c.reported_at DESC, c.id DESC LIMIT 100`.execute(s.db);
      return rows.rows;
    },

    async myRequest(ctx: Ctx, id: number) {
      const [c] = await this.myRequests(ctx, id);
      if (!c) throw notFound();
      const events = await s.db
        .selectFrom('caseEvents')
        .select(['at', 'kind', 'data', 'toState'])
        .where('caseId', '=', id)
        .orderBy('at')
        .orderBy('id')
        .execute();
      return {
        c,
        steps: events.map((e) => ({
          at: e.at.toISOString(),
          text: stepText(e.kind, e.data, e.toState, ctx.lang),
        })),
      };
    },

    async rate(ctx: Ctx, id: number, rating: number) {
      const [c] = await this.myRequests(ctx, id);
      if (!c || c.reporterUserId !== ctx.actor.userId) throw notFound();
      await engine.transition(ctx, id, { action: 'rate', rating } as never);
    },

    // —— staff ——

    /** 窗口核验 / 补办: the officer binds the account to the person after checking the ID card (audited). */
    async officerVerify(
      ctx: Ctx,
      accountId: number,
      body: { personId: number; note: string },
      rebind: boolean,
    ) {
      return inTx(s, ctx, async (trx, audit) => {
        const acc = await trx
          .selectFrom('residentAccounts')
          .selectAll()
          .where('id', '=', accountId)
          .forUpdate()
          .executeTakeFirst();
        if (!acc) throw notFound();
        if (acc.personId) throw new AppError('RESIDENT_ALREADY_VERIFIED');
        const person = await trx
          .selectFrom('people as p')
          .select(['p.id', 'p.name', 'p.areaId'])
          .where('p.id', '=', body.personId)
          .where('p.status', '=', 'active')
          .where(
            sql<SqlBool>`EXISTS (SELECT 1 FROM areas a WHERE a.id = p.area_id AND ${pathInScope(ctx.actor, 'resident_account.verify', 'a.path')})`,
          )
          .executeTakeFirst();
        if (!person)
          throw field(
            'personId',
            '人员不存在或不在您的范围内',
            'Unknown person or outside your scope',
            ctx.lang,
          );
        const old = await trx
          .selectFrom('residentAccounts')
          .select(['id', 'userId'])
          .where('personId', '=', person.id)
          .forUpdate()
          .executeTakeFirst();
        if (old && !rebind) throw new AppError('RESIDENT_PERSON_BOUND');
        if (!old && rebind)
          throw field(
            'personId',
            '此人还没有已核验的账户',
            'This person has no verified account yet',
            ctx.lang,
          );
        if (old) {
          // The lost phone's account: unbound, disabled, its sessions ended.
          await trx
            .updateTable('residentAccounts')
            .set((eb) => ({
              personId: null,
              verifiedAt: null,
              verifiedHow: null,
              verifiedBy: null,
              version: eb('version', '+', 1),
            }))
            .where('id', '=', old.id)
            .execute();
          await trx
            .updateTable('users')
            .set({ status: 'disabled', updatedAt: s.clock.now() })
            .where('id', '=', old.userId)
            .execute();
          await trx.deleteFrom('userRoles').where('userId', '=', old.userId).execute();
          await trx.deleteFrom('sessions').where('userId', '=', old.userId).execute();
        }
        await bindTo(trx, acc.id, acc.userId, person.id, 'officer', ctx.actor.userId);
        await audit({
          action: rebind ? 'resident.rebind' : 'resident.verify',
          entityType: 'resident_account',
          entityId: acc.id,
          detail: { personId: person.id, note: body.note, ...(old ? { previousAccountId: old.id } : {}) },
        });
        return { id: acc.id };
      });
    },
  };
}

export type ResidentsService = ReturnType<typeof residentsService>;
