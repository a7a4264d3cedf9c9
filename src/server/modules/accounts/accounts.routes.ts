import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AddressThrottle, AddressUnlockBody, SecuritySettings } from '../../../contract/auth.js';
import { Id, IdParams, Ok, pageOf } from '../../../contract/common.js';
import { PermissionDef, Role, RoleCreate, RoleUpdate } from '../../../contract/roles.js';
import {
  GrantDecision,
  PendingGrant,
  ResetPasswordResult,
  RoleAssign,
  UserCreate,
  UserCreated,
  UserListQuery,
  UserSummary,
  UserUpdate,
} from '../../../contract/users.js';
import { sendExport } from '../../engines/sheets/index.js';
import { ifMatchVersion, setEtag } from '../../platform/http/etag.js';
import type { Services } from '../../platform/services.js';
import { presentGrant, presentRole, presentUser } from './accounts.presenter.js';
import { accountsService } from './accounts.service.js';

export const accountsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const svc = accountsService(services);
  const tags = ['accounts'];

  app.get(
    '/users',
    {
      config: { permission: 'user.read' },
      schema: { tags, querystring: UserListQuery, response: { 200: pageOf(UserSummary) } },
    },
    async (req) => {
      const ctx = req.ctx();
      const { rows, total, exact } = await svc.list(ctx, req.query);
      return {
        items: rows.map((u) => presentUser(u, ctx.actor, ctx.lang)),
        total,
        totalExact: exact,
        page: req.query.page,
        pageSize: req.query.pageSize,
      };
    },
  );

  // POST with the CSRF header: an export is audited and rate-limited (docs/security.md, "exports").
  app.post(
    '/users/export',
    {
      config: { permission: 'user.read' },
      schema: {
        tags,
        summary: 'Export the accounts ledger as .xlsx (audited)',
        body: UserListQuery.omit({ page: true, pageSize: true }),
      },
    },
    async (req, reply) => sendExport(reply, await svc.exportUsers(req.ctx(), req.body)),
  );

  app.get(
    '/users/:id',
    {
      config: { permission: 'user.read' },
      schema: { tags, params: IdParams, response: { 200: UserSummary } },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const u = await svc.get(ctx, req.params.id);
      setEtag(reply, u.version);
      return presentUser(u, ctx.actor, ctx.lang);
    },
  );

  app.post(
    '/users',
    {
      config: { permission: 'user.create' },
      schema: { tags, body: UserCreate, response: { 201: UserCreated } },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const r = await svc.create(ctx, req.body);
      reply.code(201);
      return { user: presentUser(r.user, ctx.actor, ctx.lang), initialPassword: r.initialPassword };
    },
  );

  app.patch(
    '/users/:id',
    {
      config: { permission: 'user.update' },
      schema: { tags, params: IdParams, body: UserUpdate, response: { 200: UserSummary } },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const u = await svc.update(ctx, req.params.id, ifMatchVersion(req), req.body);
      setEtag(reply, u.version);
      return presentUser(u, ctx.actor, ctx.lang);
    },
  );

  for (const [action, status] of [
    ['disable', 'disabled'],
    ['enable', 'active'],
  ] as const) {
    app.post(
      `/users/:id/${action}`,
      {
        config: { permission: 'user.disable' },
        schema: { tags, params: IdParams, response: { 200: UserSummary } },
      },
      async (req) => {
        const ctx = req.ctx();
        return presentUser(await svc.setStatus(ctx, req.params.id, status), ctx.actor, ctx.lang);
      },
    );
  }

  app.post(
    '/users/:id/unlock',
    {
      config: { permission: 'user.disable' },
      schema: { tags, params: IdParams, response: { 200: UserSummary } },
    },
    async (req) => {
      const ctx = req.ctx();
      return presentUser(await svc.unlock(ctx, req.params.id), ctx.actor, ctx.lang);
    },
  );

  app.post(
    '/users/:id/reset-password',
    {
      config: { permission: 'user.reset_password' },
      schema: { tags, params: IdParams, response: { 200: ResetPasswordResult } },
    },
    async (req) => svc.resetPassword(req.ctx(), req.params.id),
  );

  app.post(
    '/users/:id/roles',
    {
      config: { permission: 'role.assign' },
      schema: { tags, params: IdParams, body: RoleAssign, response: { 200: UserSummary } },
    },
    async (req) => {
      const ctx = req.ctx();
      return presentUser(
        await svc.assignRole(ctx, req.params.id, req.body.role, req.body.areaId),
        ctx.actor,
        ctx.lang,
      );
    },
  );

  app.delete(
    '/users/:id/roles/:assignmentId',
    {
      config: { permission: 'role.assign' },
      schema: { tags, params: z.strictObject({ id: Id, assignmentId: Id }), response: { 200: UserSummary } },
    },
    async (req) => {
      const ctx = req.ctx();
      return presentUser(
        await svc.unassignRole(ctx, req.params.id, req.params.assignmentId),
        ctx.actor,
        ctx.lang,
      );
    },
  );

  app.get(
    '/role-grants',
    {
      config: { permission: 'role.approve' },
      schema: {
        tags,
        summary: 'Role grants waiting for a second person (in the approver’s scope)',
        response: { 200: z.object({ items: z.array(PendingGrant) }) },
      },
    },
    async (req) => {
      const ctx = req.ctx();
      const defs = new Map(services.registry.permissions.map((p) => [p.name, p]));
      const label = (p: string) => {
        const d = defs.get(p);
        return d ? (ctx.lang === 'zh' ? d.zh : d.en) : p;
      };
      return {
        items: (await svc.pendingGrants(ctx)).map((g) => presentGrant(g, ctx.actor, ctx.lang, label)),
      };
    },
  );

  for (const [action, approve] of [
    ['approve', true],
    ['reject', false],
  ] as const) {
    app.post(
      `/role-grants/:id/${action}`,
      {
        config: { permission: 'role.approve' },
        schema: { tags, params: IdParams, response: { 200: GrantDecision } },
      },
      async (req) => svc.decideGrant(req.ctx(), req.params.id, approve),
    );
  }

  app.get(
    '/permissions',
    {
      config: { permission: 'role.read' },
      schema: { tags, response: { 200: z.object({ items: z.array(PermissionDef) }) } },
    },
    async () => ({ items: services.registry.permissions }),
  );

  app.get(
    '/roles',
    {
      config: { permission: 'role.read' },
      schema: { tags, response: { 200: z.object({ items: z.array(Role) }) } },
    },
    async (req) => ({ items: (await svc.roles()).map((r) => presentRole(r, req.ctx().actor)) }),
  );

  app.post(
    '/roles/export',
    {
      config: { permission: 'role.read' },
      schema: {
        tags,
        summary: 'Export the roles with their permissions in words as .xlsx (audited)',
        body: z.strictObject({ q: z.string().trim().max(100).optional() }),
      },
    },
    async (req, reply) => sendExport(reply, await svc.exportRoles(req.ctx(), req.body)),
  );

  app.post(
    '/roles',
    { config: { permission: 'role.manage' }, schema: { tags, body: RoleCreate, response: { 201: Role } } },
    async (req, reply) => {
      reply.code(201);
      return presentRole(await svc.createRole(req.ctx(), req.body), req.ctx().actor);
    },
  );

  app.patch(
    '/roles/:id',
    {
      config: { permission: 'role.manage' },
      schema: { tags, params: IdParams, body: RoleUpdate, response: { 200: Role } },
    },
    async (req, reply) => {
      const r = await svc.updateRole(req.ctx(), req.params.id, ifMatchVersion(req), req.body);
      setEtag(reply, r.version);
      return presentRole(r, req.ctx().actor);
    },
  );

  app.delete(
    '/roles/:id',
    { config: { permission: 'role.manage' }, schema: { tags, params: IdParams } },
    async (req, reply) => {
      await svc.deleteRole(req.ctx(), req.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/settings/security',
    { config: { permission: 'setting.security' }, schema: { tags, response: { 200: SecuritySettings } } },
    async () => services.settings.security(),
  );

  app.get(
    '/settings/security/addresses',
    {
      config: { permission: 'setting.security' },
      schema: {
        tags,
        summary: 'Source addresses with failed sign-ins in the window',
        response: { 200: z.object({ items: z.array(AddressThrottle) }) },
      },
    },
    async () => ({
      items: (await svc.addressThrottles()).map((a) => ({
        ...a,
        firstFailureAt: a.firstFailureAt.toISOString(),
        lastAt: a.lastAt.toISOString(),
      })),
    }),
  );

  app.post(
    '/settings/security/addresses/unlock',
    {
      config: { permission: 'setting.security' },
      schema: {
        tags,
        summary: 'Clear a source address’s count',
        body: AddressUnlockBody,
        response: { 200: Ok },
      },
    },
    async (req) => {
      await svc.unlockAddress(req.ctx(), req.body.address);
      return { ok: true as const };
    },
  );

  app.put(
    '/settings/security',
    {
      config: { permission: 'setting.security' },
      schema: { tags, body: SecuritySettings, response: { 200: SecuritySettings } },
    },
    async (req) => svc.saveSecuritySettings(req.ctx(), req.body),
  );
};
