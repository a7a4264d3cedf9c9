import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ChangePasswordBody,
  LoginBody,
  LoginResult,
  Me,
  TotpCodeBody,
  TotpSetup,
} from '../../../contract/auth.js';
import { Ok } from '../../../contract/common.js';
import { CSRF_COOKIE, SESSION_COOKIE } from '../../platform/auth/sessions.js';
import type { Services } from '../../platform/services.js';
import { authService } from './auth.service.js';

const tags = ['auth'];

export const authRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const svc = authService(services);
  const cookieOpts = { path: '/', sameSite: 'lax' as const, secure: services.config.secureCookies };

  function setCookies(reply: FastifyReply, token: string, csrf: string, expiresAt: Date) {
    reply.setCookie(SESSION_COOKIE, token, { ...cookieOpts, httpOnly: true, expires: expiresAt });
    reply.setCookie(CSRF_COOKIE, csrf, { ...cookieOpts, httpOnly: false, expires: expiresAt });
  }

  app.post(
    '/auth/login',
    {
      config: { permission: 'public' },
      schema: { tags, summary: 'Sign in', body: LoginBody, response: { 200: LoginResult } },
    },
    async (req, reply) => {
      const r = await svc.login(req.body.username, req.body.password, {
        ip: req.ip ?? null,
        userAgent: req.headers['user-agent'] ?? null,
        requestId: req.id,
        lang: req.lang,
      });
      setCookies(reply, r.token, r.csrfToken, r.expiresAt);
      if (r.mfaPending) return { next: 'mfa' as const };
      return { next: r.mustChangePassword ? ('change_password' as const) : ('ok' as const) };
    },
  );

  app.post(
    '/auth/totp/verify',
    {
      config: { permission: 'authenticated', duringMfa: true, duringPasswordChange: true },
      schema: { tags, summary: 'Second sign-in step', body: TotpCodeBody, response: { 200: LoginResult } },
    },
    async (req) => {
      await svc.verifyMfa(req.ctx(), req.session!, req.body.code);
      return { next: req.session!.mustChangePassword ? ('change_password' as const) : ('ok' as const) };
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { permission: 'authenticated', duringMfa: true, duringPasswordChange: true },
      schema: { tags, summary: 'Sign out', response: { 200: Ok } },
    },
    async (req, reply) => {
      await svc.logout(req.ctx(), req.session!);
      reply.clearCookie(SESSION_COOKIE, cookieOpts).clearCookie(CSRF_COOKIE, cookieOpts);
      return { ok: true as const };
    },
  );

  app.get(
    '/auth/me',
    {
      config: { permission: 'authenticated', duringMfa: true, duringPasswordChange: true },
      schema: { tags, summary: 'Who am I: user, roles with scopes, permissions', response: { 200: Me } },
    },
    async (req) => svc.me(req.actor!, req.session!, req.lang),
  );

  app.post(
    '/auth/password',
    {
      config: { permission: 'authenticated', duringPasswordChange: true },
      schema: { tags, summary: 'Change my password', body: ChangePasswordBody, response: { 200: Ok } },
    },
    async (req) => {
      await svc.changePassword(req.ctx(), req.session!, req.body.currentPassword, req.body.newPassword);
      return { ok: true as const };
    },
  );

  app.post(
    '/auth/totp/setup',
    {
      config: { permission: 'authenticated' },
      schema: { tags, summary: 'Start two-factor setup', response: { 200: TotpSetup } },
    },
    async (req) => svc.totpSetup(req.ctx()),
  );

  for (const [path, enable] of [
    ['/auth/totp/enable', true],
    ['/auth/totp/disable', false],
  ] as const) {
    app.post(
      path,
      {
        config: { permission: 'authenticated' },
        schema: { tags, body: TotpCodeBody, response: { 200: Ok } },
      },
      async (req) => {
        await svc.totpEnable(req.ctx(), req.body.code, enable);
        return { ok: true as const };
      },
    );
  }
};
