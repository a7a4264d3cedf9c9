import type { Me } from '../../../contract/auth.js';
import type { Actor } from '../../platform/access/actor.js';
import { writeAudit } from '../../platform/audit/audit.js';
import { rememberPassword, usedRecently } from '../../platform/auth/history.js';
import {
  checkPasswordPolicy,
  dummyHash,
  hashPassword,
  reusedIssue,
  verifyPassword,
} from '../../platform/auth/password.js';
import {
  createSession,
  idleMinutesFor,
  passwordState,
  revokeSession,
  type SessionInfo,
} from '../../platform/auth/sessions.js';
import { claimAccount, claimAddress, clearAccount, releaseAddress } from '../../platform/auth/throttle.js';
import { matchTotpStep, newTotpSecret, totpUri } from '../../platform/auth/totp.js';
import { AppError } from '../../platform/errors/app-error.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';

export interface LoginMeta {
  ip: string | null;
  userAgent: string | null;
  requestId: string;
  lang: 'zh' | 'en';
}

export function authService(s: Services) {
  /** Failures and lockouts are audited in their own transaction: the login itself changes nothing. */
  async function auditLogin(
    meta: LoginMeta,
    userId: number | null,
    username: string,
    action: string,
    success: boolean,
    detail?: Record<string, unknown>,
  ) {
    await s.db
      .transaction()
      .execute((trx) =>
        writeAudit(
          trx,
          { actorId: userId, actorName: username.slice(0, 64), ip: meta.ip, requestId: meta.requestId },
          { action, entityType: 'user', entityId: userId, success, detail: detail ?? null },
          s.clock.now(),
        ),
      );
  }

  /** Marks a TOTP step used; false when it (or a later one) was used already — a replayed code. */
  async function claimTotpStep(userId: number, step: number): Promise<boolean> {
    const r = await s.db
      .updateTable('users')
      .set({ totpLastStep: step })
      .where('id', '=', userId)
      .where((eb) => eb.or([eb('totpLastStep', 'is', null), eb('totpLastStep', '<', step)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  return {
    async login(username: string, password: string, meta: LoginMeta) {
      const settings = await s.settings.security();
      const now = s.clock.now();
      // The address first: a slowed address claims nothing of the account (docs/security.md).
      if (meta.ip) {
        const addr = await claimAddress(s.db, meta.ip, now, settings);
        if (!addr.granted) {
          await auditLogin(meta, null, username, 'auth.login', false, { reason: 'slowed' });
          throw new AppError('LOGIN_SLOWED', { seconds: addr.seconds });
        }
      }
      // Then the name: the attempt is counted before the password is checked, in one statement,
      // so a burst cannot check more than the threshold allows.
      const claim = await claimAccount(s.db, username, now, settings);
      if (!claim.granted) {
        await auditLogin(meta, null, username, 'auth.login', false, { reason: 'locked' });
        throw new AppError('ACCOUNT_LOCKED', { minutes: claim.minutes });
      }
      const user = await s.db
        .selectFrom('users')
        .select([
          'id',
          'username',
          'passwordHash',
          'status',
          'totpEnabled',
          'isDemo',
          'mustChangePassword',
          'passwordChangedAt',
        ])
        .where((eb) => eb(eb.fn('lower', ['username']), '=', username.trim().toLowerCase()))
        .executeTakeFirst();
      // Verify against a dummy hash when there is no such account: the timing does not tell.
      const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
      if (!user || !ok || user.status !== 'active') {
        await auditLogin(meta, user?.id ?? null, username, 'auth.login', false, {
          reason: !user ? 'unknown_account' : !ok ? 'bad_password' : 'disabled',
        });
        // The failure was counted when claimed; the one that reached the threshold locks the name.
        if (claim.failures >= settings.lockoutThreshold) {
          await auditLogin(meta, user?.id ?? null, username, 'auth.lockout', true, {
            minutes: settings.lockoutMinutes,
          });
          throw new AppError('ACCOUNT_LOCKED', { minutes: settings.lockoutMinutes });
        }
        throw new AppError('INVALID_CREDENTIALS');
      }
      await clearAccount(s.db, username);
      if (meta.ip) await releaseAddress(s.db, meta.ip);
      const session = await createSession(s.db, {
        userId: user.id,
        ip: meta.ip,
        userAgent: meta.userAgent,
        mfaPending: user.totpEnabled,
        now,
        settings,
      });
      await inTx(
        s,
        { audit: { actorId: user.id, actorName: user.username, ip: meta.ip, requestId: meta.requestId } },
        async (trx, audit) => {
          if (!user.totpEnabled)
            await trx.updateTable('users').set({ lastLoginAt: now }).where('id', '=', user.id).execute();
          await audit({
            action: 'auth.login',
            entityType: 'user',
            entityId: user.id,
            detail: { mfaPending: user.totpEnabled },
          });
        },
      );
      const { mustChange } = passwordState(user, settings, now);
      return { ...session, mfaPending: user.totpEnabled, mustChangePassword: mustChange, userId: user.id };
    },

    async verifyMfa(ctx: Ctx, session: SessionInfo, code: string) {
      const user = await s.db
        .selectFrom('users')
        .select(['totpSecretEnc', 'totpEnabled', 'totpLastStep'])
        .where('id', '=', ctx.actor.userId)
        .executeTakeFirstOrThrow();
      if (!user.totpEnabled || !user.totpSecretEnc) throw new AppError('TOTP_NOT_SET_UP');
      const settings = await s.settings.security();
      const now = s.clock.now();
      // A code guess is a failure of the account's name like a wrong password: claimed first.
      const claim = await claimAccount(s.db, ctx.actor.username, now, settings);
      if (!claim.granted) throw new AppError('ACCOUNT_LOCKED', { minutes: claim.minutes });
      const step = matchTotpStep(
        s.keyring.decrypt(user.totpSecretEnc),
        code,
        now.getTime(),
        user.totpLastStep ?? -1,
      );
      if (step === null || !(await claimTotpStep(ctx.actor.userId, step))) {
        await inTx(s, ctx, async (_trx, audit) =>
          audit({ action: 'auth.mfa', entityType: 'user', entityId: ctx.actor.userId, success: false }),
        );
        if (claim.failures >= settings.lockoutThreshold)
          throw new AppError('ACCOUNT_LOCKED', { minutes: settings.lockoutMinutes });
        throw new AppError('INVALID_TOTP');
      }
      await clearAccount(s.db, ctx.actor.username);
      await inTx(s, ctx, async (trx, audit) => {
        await trx.updateTable('sessions').set({ mfaPending: false }).where('id', '=', session.id).execute();
        await trx.updateTable('users').set({ lastLoginAt: now }).where('id', '=', ctx.actor.userId).execute();
        await audit({ action: 'auth.mfa', entityType: 'user', entityId: ctx.actor.userId });
      });
    },

    async logout(ctx: Ctx, session: SessionInfo) {
      await inTx(s, ctx, async (trx, audit) => {
        await revokeSession(trx, session.id);
        await audit({ action: 'auth.logout', entityType: 'user', entityId: ctx.actor.userId });
      });
    },

    async me(actor: Actor, session: SessionInfo, lang: 'zh' | 'en'): Promise<Me> {
      const settings = await s.settings.security();
      return {
        user: {
          id: actor.userId,
          username: actor.username,
          displayName: actor.displayName,
          mustChangePassword: session.mustChangePassword,
          passwordExpiresAt: session.passwordExpiresAt?.toISOString() ?? null,
          totpEnabled: session.totpEnabled,
          mfaPending: session.mfaPending,
          kind: session.kind,
        },
        roles: actor.assignments.map((a) => ({
          assignmentId: a.assignmentId,
          role: a.role,
          roleName: lang === 'zh' ? a.roleNameZh : a.roleNameEn,
          areaId: a.areaId,
          areaName: a.areaName,
          areaKind: a.areaKind as Me['roles'][number]['areaKind'],
        })),
        permissions: actor.permissions,
        session: {
          idleTimeoutSeconds:
            idleMinutesFor(
              actor.assignments.map((a) => a.role),
              settings,
            ) * 60,
          expiresAt: session.expiresAt.toISOString(),
        },
      };
    },

    async changePassword(ctx: Ctx, session: SessionInfo, current: string, next: string) {
      const settings = await s.settings.security();
      const user = await s.db
        .selectFrom('users')
        .select(['passwordHash', 'username'])
        .where('id', '=', ctx.actor.userId)
        .executeTakeFirstOrThrow();
      if (!(await verifyPassword(user.passwordHash, current))) throw new AppError('WRONG_PASSWORD');
      const policy = settings.passwordPolicy;
      const issues = checkPasswordPolicy(next, policy, ctx.lang, { username: user.username });
      if (current === next) {
        issues.push({
          path: 'newPassword',
          code: 'same_as_current',
          message: ctx.lang === 'zh' ? '新密码不能与当前密码相同' : 'must differ from the current password',
        });
      } else if (
        issues.length === 0 &&
        (await usedRecently(s.db, ctx.actor.userId, user.passwordHash, next, policy.history))
      ) {
        issues.push(reusedIssue(policy.history, ctx.lang));
      }
      if (issues.length > 0) throw new AppError('PASSWORD_POLICY', {}, issues);
      const hash = await hashPassword(next);
      await inTx(s, ctx, async (trx, audit) => {
        await rememberPassword(trx, ctx.actor.userId, user.passwordHash);
        await trx
          .updateTable('users')
          .set({
            passwordHash: hash,
            passwordChangedAt: s.clock.now(),
            mustChangePassword: false,
            updatedAt: s.clock.now(),
          })
          .where('id', '=', ctx.actor.userId)
          .execute();
        // Other sessions of this account end: whoever knew the old password is signed out.
        await trx
          .deleteFrom('sessions')
          .where('userId', '=', ctx.actor.userId)
          .where('id', '<>', session.id)
          .execute();
        await audit({ action: 'auth.password_change', entityType: 'user', entityId: ctx.actor.userId });
      });
    },

    async totpSetup(ctx: Ctx) {
      const user = await s.db
        .selectFrom('users')
        .select(['totpEnabled'])
        .where('id', '=', ctx.actor.userId)
        .executeTakeFirstOrThrow();
      if (user.totpEnabled)
        throw new AppError('CONFLICT', {
          reason: ctx.lang === 'zh' ? '已启用动态验证码' : 'two-factor sign-in is already on',
        });
      const secret = newTotpSecret();
      await inTx(s, ctx, async (trx, audit) => {
        await trx
          .updateTable('users')
          .set({ totpSecretEnc: s.keyring.encrypt(secret) })
          .where('id', '=', ctx.actor.userId)
          .execute();
        await audit({ action: 'auth.totp_setup', entityType: 'user', entityId: ctx.actor.userId });
      });
      return { secret, uri: totpUri(secret, ctx.actor.username) };
    },

    async totpEnable(ctx: Ctx, code: string, enable: boolean) {
      const user = await s.db
        .selectFrom('users')
        .select(['totpSecretEnc', 'totpEnabled', 'totpLastStep'])
        .where('id', '=', ctx.actor.userId)
        .executeTakeFirstOrThrow();
      if (!user.totpSecretEnc || (!enable && !user.totpEnabled)) throw new AppError('TOTP_NOT_SET_UP');
      const step = matchTotpStep(
        s.keyring.decrypt(user.totpSecretEnc),
        code,
        s.clock.now().getTime(),
        user.totpLastStep ?? -1,
      );
      if (step === null || !(await claimTotpStep(ctx.actor.userId, step))) throw new AppError('INVALID_TOTP');
      await inTx(s, ctx, async (trx, audit) => {
        await trx
          .updateTable('users')
          .set(enable ? { totpEnabled: true } : { totpEnabled: false, totpSecretEnc: null })
          .where('id', '=', ctx.actor.userId)
          .execute();
        await audit({
          action: enable ? 'auth.totp_enable' : 'auth.totp_disable',
          entityType: 'user',
          entityId: ctx.actor.userId,
        });
      });
    },
  };
}
