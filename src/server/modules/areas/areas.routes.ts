import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  Area,
  AreaCreate,
  AreaKind,
  AreaListQuery,
  AreaStaff,
  AreaStaffAssign,
  AreaTreeNode,
  AreaTreeQuery,
  AreaUpdate,
  GeoPolygon,
  LocateQuery,
} from '../../../contract/areas.js';
import { Id, IdParams, pageOf } from '../../../contract/common.js';
import { sendExport } from '../../engines/sheets/index.js';
import { ifMatchVersion, setEtag } from '../../platform/http/etag.js';
import type { Services } from '../../platform/services.js';
import { presentArea, presentNode } from './areas.presenter.js';
import { type AreaRecord, areasRepo } from './areas.repository.js';
import { areasService } from './areas.service.js';

const tags = ['areas'];

export const areasRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const svc = areasService(services);
  const present = async (req: { ctx(): import('../../platform/services.js').Ctx }, rows: AreaRecord[]) => {
    const names = await areasRepo(services.db).ancestors(rows.map((r) => r.path));
    const actor = req.ctx().actor;
    return rows.map((r) => presentArea(r, actor, names));
  };

  app.get(
    '/areas/tree',
    {
      config: { permission: 'area.read' },
      schema: {
        tags,
        summary: 'Area tree within scope',
        querystring: AreaTreeQuery,
        response: { 200: z.object({ nodes: z.array(AreaTreeNode) }) },
      },
    },
    async (req) => {
      const nodes = await svc.tree(req.ctx(), {
        rootId: req.query.rootId,
        depth: req.query.depth,
        includeArchived: req.query.includeArchived === 'true',
      });
      return { nodes: nodes.map(presentNode) };
    },
  );

  app.get(
    '/areas/map',
    {
      config: { permission: 'area.read' },
      schema: {
        tags,
        summary: 'Boundaries under a node',
        querystring: z.strictObject({ rootId: Id.optional() }),
        response: {
          200: z.object({
            features: z.array(
              z.object({
                id: z.number(),
                parentId: z.number().nullable(),
                name: z.string(),
                kind: AreaKind,
                code: z.string(),
                boundary: GeoPolygon,
              }),
            ),
          }),
        },
      },
    },
    async (req) => ({ features: (await svc.features(req.ctx(), req.query.rootId)) as never }),
  );

  app.get(
    '/areas/locate',
    {
      config: { permission: 'area.read' },
      schema: {
        tags,
        summary: 'The grid that contains a point',
        querystring: LocateQuery,
        response: { 200: Area },
      },
    },
    async (req) => (await present(req, [await svc.locate(req.ctx(), req.query.lat, req.query.lng)]))[0]!,
  );

  app.get(
    '/areas',
    {
      config: { permission: 'area.read' },
      schema: {
        tags,
        summary: 'List and search areas',
        querystring: AreaListQuery,
        response: { 200: pageOf(Area) },
      },
    },
    async (req) => {
      const { rows, total } = await svc.list(req.ctx(), req.query);
      return { items: await present(req, rows), total, page: req.query.page, pageSize: req.query.pageSize };
    },
  );

  // POST with the CSRF header: an export is audited and rate-limited (docs/ledgers.md).
  app.post(
    '/areas/export',
    {
      config: { permission: 'area.read' },
      schema: {
        tags,
        summary: "Export areas (an area's children) as .xlsx (audited)",
        body: AreaListQuery.omit({ page: true, pageSize: true }),
      },
    },
    async (req, reply) => sendExport(reply, await svc.exportAreas(req.ctx(), req.body)),
  );

  app.get(
    '/areas/:id',
    { config: { permission: 'area.read' }, schema: { tags, params: IdParams, response: { 200: Area } } },
    async (req, reply) => {
      const a = await svc.get(req.ctx(), req.params.id);
      setEtag(reply, a.version);
      return (await present(req, [a]))[0]!;
    },
  );

  app.get(
    '/areas/:id/children',
    {
      config: { permission: 'area.read' },
      schema: {
        tags,
        params: IdParams,
        querystring: z.strictObject({ includeArchived: z.enum(['true', 'false']).default('false') }),
        response: { 200: z.object({ nodes: z.array(AreaTreeNode) }) },
      },
    },
    async (req) => ({
      nodes: (await svc.children(req.ctx(), req.params.id, req.query.includeArchived === 'true')).map(
        presentNode,
      ),
    }),
  );

  app.post(
    '/areas',
    { config: { permission: 'area.create' }, schema: { tags, body: AreaCreate, response: { 201: Area } } },
    async (req, reply) => {
      const a = await svc.create(req.ctx(), req.body);
      setEtag(reply, a.version);
      reply.code(201);
      return (await present(req, [a]))[0]!;
    },
  );

  app.patch(
    '/areas/:id',
    {
      config: { permission: 'area.update' },
      schema: { tags, params: IdParams, body: AreaUpdate, response: { 200: Area } },
    },
    async (req, reply) => {
      const a = await svc.update(req.ctx(), req.params.id, ifMatchVersion(req), req.body);
      setEtag(reply, a.version);
      return (await present(req, [a]))[0]!;
    },
  );

  for (const [action, status] of [
    ['archive', 'archived'],
    ['restore', 'active'],
  ] as const) {
    app.post(
      `/areas/:id/${action}`,
      { config: { permission: 'area.archive' }, schema: { tags, params: IdParams, response: { 200: Area } } },
      async (req, reply) => {
        const a = await svc.setStatus(req.ctx(), req.params.id, status);
        setEtag(reply, a.version);
        return (await present(req, [a]))[0]!;
      },
    );
  }

  app.delete(
    '/areas/:id',
    { config: { permission: 'area.delete' }, schema: { tags, params: IdParams } },
    async (req, reply) => {
      await svc.remove(req.ctx(), req.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/areas/:id/staff',
    {
      config: { permission: 'area.read' },
      schema: { tags, params: IdParams, response: { 200: z.object({ items: z.array(AreaStaff) }) } },
    },
    async (req) => ({ items: await svc.staff(req.ctx(), req.params.id) }),
  );

  app.post(
    '/areas/:id/staff/export',
    {
      config: { permission: 'area.read' },
      schema: {
        tags,
        summary: "Export an area's staff as .xlsx (audited)",
        params: IdParams,
        body: z.strictObject({}).optional(),
      },
    },
    async (req, reply) => sendExport(reply, await svc.exportStaff(req.ctx(), req.params.id)),
  );

  app.get(
    '/areas/:id/staff/candidates',
    {
      config: { permission: 'area.staff' },
      schema: {
        tags,
        params: IdParams,
        querystring: z.strictObject({ q: z.string().trim().max(40).optional() }),
        response: {
          200: z.object({
            items: z.array(z.object({ id: z.number(), username: z.string(), displayName: z.string() })),
          }),
        },
      },
    },
    async (req) => ({ items: await svc.staffCandidates(req.ctx(), req.params.id, req.query.q) }),
  );

  app.post(
    '/areas/:id/staff',
    {
      config: { permission: 'area.staff' },
      schema: { tags, params: IdParams, body: AreaStaffAssign, response: { 201: AreaStaff } },
    },
    async (req, reply) => {
      reply.code(201);
      return svc.assignStaff(req.ctx(), req.params.id, req.body.userId, req.body.role);
    },
  );

  app.delete(
    '/areas/:id/staff/:assignmentId',
    {
      config: { permission: 'area.staff' },
      schema: { tags, params: z.strictObject({ id: Id, assignmentId: Id }) },
    },
    async (req, reply) => {
      await svc.unassignStaff(req.ctx(), req.params.id, req.params.assignmentId);
      return reply.code(204).send();
    },
  );
};
