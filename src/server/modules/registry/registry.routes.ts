import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import { Id, IdParams, ListQuery, pageOf } from '../../../contract/common.js';
import {
  HistoryEntry,
  House,
  Household,
  HouseholdCreate,
  HouseListItem,
  HouseListQuery,
  HouseUpdate,
  ImportConfirm,
  ImportJob,
  ImportPreview,
  LedgerImportQuery,
  Organisation,
  OrganisationCreate,
  OrganisationListQuery,
  OrganisationUpdate,
  Person,
  PersonCreate,
  PersonListItem,
  PersonListQuery,
  PersonMove,
  PersonUpdate,
  RentalCreate,
  RevealBody,
  RevealResult,
  TagAssign,
} from '../../../contract/registry.js';
import { requireImportArea, sendExport, sendTemplate, withLedgerUpload } from '../../engines/sheets/index.js';
import { AppError } from '../../platform/errors/app-error.js';
import { ifMatchVersion, setEtag } from '../../platform/http/etag.js';
import { SharedWindow } from '../../platform/http/rate-limit.js';
import { multipartOptions, receiveFile } from '../../platform/http/upload.js';
import type { Ctx, Services } from '../../platform/services.js';
import { importService } from './import.service.js';
import { ledgerImportService } from './ledger-import.service.js';
import { exportHouses, exportOrganisations } from './ledgers.export.js';
import { exportPeople } from './registry.export.js';
import { ageOn } from './registry.policy.js';
import { addressOf, presentListItem, presentOrganisation, presentPerson } from './registry.presenter.js';
import type { PersonRecord } from './registry.repository.js';
import { registryRepo } from './registry.repository.js';
import { registryService } from './registry.service.js';

const tags = ['registry'];
/** The tag filter is checked against the tags the actor may see (an unseen tag is an unknown value). */
const PeopleQuery = PersonListQuery.extend({ tag: z.string().max(40).optional() });
const ExportQuery = PeopleQuery.omit({ page: true, pageSize: true });
const HouseExportQuery = HouseListQuery.omit({ page: true, pageSize: true });
const OrganisationExportQuery = OrganisationListQuery.omit({ page: true, pageSize: true });
const PageQuery = ListQuery.pick({ page: true, pageSize: true });
const TagBody = TagAssign.extend({ tag: z.string().trim().min(1).max(40) });
const HouseholdUpdate = z.strictObject({ headPersonId: Id.nullable() });
const MAX_UPLOAD = 30 * 1024 * 1024;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const registryRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services: s }) => {
  const svc = registryService(s);
  const imports = importService(s);
  const ledgers = ledgerImportService(s);
  // Searches (`q`: names, ID and phone tails) per user per minute: a person types, a script
  // enumerates. Counted in the database, so the limit holds across app instances.
  const searches = new SharedWindow(s.db, 'search', s.config.searchPerMinute, 60_000, () => s.clock.now());

  async function present(_ctx: Ctx, rows: PersonRecord[]) {
    const names = await svc.namesFor(rows.map((r) => r.areaPath));
    const tagRows = await svc.loadTags(rows.map((r) => r.id));
    const today = svc.today();
    return { names, tagRows, today };
  }
  async function person(ctx: Ctx, p: PersonRecord) {
    const { names, tagRows, today } = await present(ctx, [p]);
    const pendingRegistrations = await svc.pendingRegistrations(p.id);
    const household = p.householdId
      ? await registryRepo(s.db, s.keyring).householdWords(p.householdId)
      : null;
    return presentPerson(p, {
      household,
      actor: ctx.actor,
      keyring: s.keyring,
      names,
      tags: tagRows,
      today,
      pendingRegistrations,
    });
  }
  async function listItems(ctx: Ctx, rows: PersonRecord[]) {
    const { names, tagRows, today } = await present(ctx, rows);
    return rows.map((p) =>
      presentListItem(p, { actor: ctx.actor, keyring: s.keyring, names, tags: tagRows, today }),
    );
  }

  async function household(
    ctx: Ctx,
    h: {
      id: number;
      areaId: number;
      kind: string;
      headPersonId: number | null;
      version: number;
      areaPath: string;
    },
  ) {
    const names = await svc.namesFor([h.areaPath]);
    const canRead = ctx.actor.canAt('person.read', h.areaPath);
    const members = canRead ? await svc.houses().members([h.id]) : [];
    const today = svc.today();
    return {
      id: h.id,
      houseId: h.areaId,
      address: addressOf(h.areaPath, names),
      headPersonId: h.headPersonId,
      kind: h.kind as 'registered' | 'resident',
      members: members.map((m) => ({
        personId: m.id,
        name: m.name,
        relationToHead: m.relationToHead,
        sex: m.sex as 'M' | 'F' | null,
        age: ageOn(m.birthDate, today),
      })),
      version: h.version,
      abilities: ctx.actor.canAt('person.update', h.areaPath) ? ['update'] : [],
    };
  }

  /** 以房管人: the house with its facts, households and members, residents and rentals. */
  async function house(ctx: Ctx, houseId: number): Promise<z.infer<typeof House>> {
    const a = await svc.house(ctx, houseId);
    const repo = svc.repo();
    const houses = svc.houses();
    const info = await houses.houseInfo(houseId);
    const canRead = ctx.actor.canAt('person.read', a.path);
    const names = await svc.namesFor([a.path]);
    const hh = canRead ? await houses.householdsAt(houseId) : [];
    const residents = canRead ? await repo.residentsAt(houseId) : [];
    const owner =
      canRead && info?.ownerPersonId ? await repo.find(info.ownerPersonId, sql<SqlBool>`true`) : null;
    const abilities: string[] = [];
    if (ctx.actor.canAt('house.update', a.path)) abilities.push('update', 'rental');
    if (ctx.actor.canAt('person.update', a.path)) abilities.push('household');
    return {
      id: a.id,
      name: a.name,
      address: addressOf(a.path, names),
      use: (info?.use ?? null) as z.infer<typeof House>['use'],
      ownerPersonId: info?.ownerPersonId ?? null,
      ownerName: owner?.name ?? null,
      floorArea: info?.floorArea ?? null,
      note: info?.note ?? null,
      households: await Promise.all(hh.map((h) => household(ctx, { ...h, areaPath: a.path }))),
      residents: await listItems(ctx, residents),
      rentals: canRead ? await houses.rentalsAt(houseId) : [],
      version: info?.version ?? 0,
      abilities,
    };
  }

  // —— people ——

  app.get(
    '/people',
    {
      config: { permission: 'person.read' },
      schema: {
        tags,
        summary: 'List and search people',
        querystring: PeopleQuery,
        response: { 200: pageOf(PersonListItem) },
      },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      if (req.query.q) await searches.take(ctx.actor.userId);
      svc.checkTagFilter(ctx, req.query.tag);
      const { rows, total, exact } = await svc.list(ctx, req.query as never);
      // The true total when counting is cheap, else the planner's estimate, said to be one.
      if (!exact) reply.header('x-total-estimated', 'true');
      return {
        items: await listItems(ctx, rows),
        total,
        totalExact: exact,
        page: req.query.page,
        pageSize: req.query.pageSize,
      };
    },
  );

  // POST with the CSRF header and the filter as the body: an export is audited and counted
  // against a rate limit (side effects), so a cross-site page cannot start one (issue 14).
  app.post(
    '/people/export',
    {
      config: { permission: 'person.export' },
      schema: { tags, summary: 'Export people as .xlsx (masked, audited)', body: ExportQuery },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      svc.checkTagFilter(ctx, req.body.tag);
      return sendExport(reply, await exportPeople(s, svc, ctx, req.body as never));
    },
  );

  app.get(
    '/people/:id',
    { config: { permission: 'person.read' }, schema: { tags, params: IdParams, response: { 200: Person } } },
    async (req, reply) => {
      const ctx = req.ctx();
      const p = await svc.get(ctx, req.params.id);
      setEtag(reply, p.version);
      return person(ctx, p);
    },
  );

  app.post(
    '/people',
    {
      config: { permission: 'person.create' },
      schema: { tags, body: PersonCreate, response: { 201: Person } },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const p = await svc.create(ctx, req.body);
      setEtag(reply, p.version);
      reply.code(201);
      return person(ctx, p);
    },
  );

  app.patch(
    '/people/:id',
    {
      config: { permission: 'person.update' },
      schema: { tags, params: IdParams, body: PersonUpdate, response: { 200: Person } },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const p = await svc.update(ctx, req.params.id, ifMatchVersion(req), req.body);
      setEtag(reply, p.version);
      return person(ctx, p);
    },
  );

  app.post(
    '/people/:id/move',
    {
      config: { permission: 'person.update' },
      schema: {
        tags,
        summary: 'Move in, between houses, or out',
        params: IdParams,
        body: PersonMove,
        response: { 200: Person },
      },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const version = req.headers['if-match'] ? ifMatchVersion(req) : null;
      const p = await svc.move(ctx, req.params.id, version, req.body);
      setEtag(reply, p.version);
      return person(ctx, p);
    },
  );

  app.post(
    '/people/:id/reveal',
    {
      config: { permission: 'person.reveal' },
      schema: {
        tags,
        summary: 'Reveal a full identifier once (audited)',
        params: IdParams,
        body: RevealBody,
        response: { 200: RevealResult },
      },
    },
    async (req) => svc.reveal(req.ctx(), req.params.id, req.body),
  );

  app.post(
    '/people/:id/tags',
    {
      config: { permission: 'person.read' },
      schema: {
        tags,
        summary: 'Add or update a care/attention tag',
        params: IdParams,
        body: TagBody,
        response: { 200: Person },
      },
    },
    async (req) => {
      const ctx = req.ctx();
      await svc.assignTag(ctx, req.params.id, req.body);
      return person(ctx, await svc.get(ctx, req.params.id));
    },
  );

  app.delete(
    '/people/:id/tags/:tagId',
    {
      config: { permission: 'person.read' },
      schema: { tags, params: z.strictObject({ id: Id, tagId: Id }) },
    },
    async (req, reply) => {
      await svc.removeTag(req.ctx(), req.params.id, req.params.tagId);
      return reply.code(204).send();
    },
  );

  app.get(
    '/people/:id/history',
    {
      config: { permission: 'person.read' },
      schema: { tags, params: IdParams, querystring: PageQuery, response: { 200: pageOf(HistoryEntry) } },
    },
    async (req) => {
      const r = await svc.history(req.ctx(), req.params.id, req.query.page, req.query.pageSize);
      return { ...r, page: req.query.page, pageSize: req.query.pageSize };
    },
  );

  // —— import ——

  // Multipart is parsed only where a file is expected (other routes refuse it as 415).
  await app.register(async (upload) => {
    await upload.register(multipart, multipartOptions(MAX_UPLOAD));
    upload.post(
      '/people/import',
      {
        config: { permission: 'person.import', upload: { field: 'file', maxBytes: MAX_UPLOAD } },
        schema: {
          tags,
          summary: 'Upload a ledger (.xlsx or .csv, multipart, ≤ 30 MB) for preview',
          response: { 200: ImportPreview },
        },
      },
      async (req) => {
        const ctx = req.ctx();
        const dir = await mkdtemp(path.join(tmpdir(), 'jiayuan-import-'));
        try {
          const file = path.join(dir, 'upload');
          // The shared multipart reader: truncated or malformed bodies are 400, oversized 413.
          const got = await receiveFile(req, file);
          if (!got)
            throw new AppError('IMPORT_BAD_FILE', { reason: ctx.lang === 'zh' ? '没有文件' : 'no file' });
          const kind = await sniff(file);
          if (!kind) {
            throw new AppError('IMPORT_BAD_FILE', {
              reason: ctx.lang === 'zh' ? '请上传 .xlsx 或 .csv 文件' : 'upload an .xlsx or .csv file',
            });
          }
          const given =
            path
              .basename((got.filename || 'ledger').replace(/\\/g, '/'))
              .replace(/\p{Cc}/gu, '')
              .trim() || 'ledger';
          const base = given.replace(/\.(xlsx|xls|csv|txt)$/i, '') || 'ledger';
          return await imports.upload(ctx, { path: file }, `${base}.${kind}`);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    );

    // The organisations and houses ledgers: one request, the rows checked and applied at once.
    upload.post(
      '/organisations/import',
      {
        config: { permission: 'org.manage', upload: { field: 'file', maxBytes: MAX_UPLOAD } },
        schema: {
          tags,
          summary: 'Import an organisations ledger (.xlsx/.csv) into an area: the finished job',
          querystring: LedgerImportQuery,
          response: { 200: ImportJob },
        },
      },
      async (req) => {
        const ctx = req.ctx();
        const id = await withLedgerUpload(req, ctx.lang, (file, name) =>
          ledgers.importOrganisations(
            ctx,
            file,
            name,
            requireImportArea((req.query as { areaId?: number }).areaId, ctx.lang),
          ),
        );
        return imports.get(ctx, id);
      },
    );
    upload.post(
      '/houses/import',
      {
        config: { permission: 'house.update', upload: { field: 'file', maxBytes: MAX_UPLOAD } },
        schema: {
          tags,
          summary:
            "Import a houses ledger (.xlsx/.csv): each row's house found in the area, its facts updated",
          querystring: LedgerImportQuery,
          response: { 200: ImportJob },
        },
      },
      async (req) => {
        const ctx = req.ctx();
        const id = await withLedgerUpload(req, ctx.lang, (file, name) =>
          ledgers.importHouses(
            ctx,
            file,
            name,
            requireImportArea((req.query as { areaId?: number }).areaId, ctx.lang),
          ),
        );
        return imports.get(ctx, id);
      },
    );
  });

  // Import templates: the column titles the importer recognises, and a sheet explaining them.
  app.get(
    '/organisations/import/template',
    {
      config: { permission: 'org.manage' },
      schema: { tags, summary: 'The organisations ledger template (.xlsx)' },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const body = await ledgers.organisationsTemplate(ctx.lang);
      return sendTemplate(reply, body, ctx.lang === 'zh' ? '组织单位导入模板' : 'organisations-template');
    },
  );
  app.get(
    '/houses/import/template',
    {
      config: { permission: 'house.update' },
      schema: { tags, summary: 'The houses ledger template (.xlsx)' },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const body = await ledgers.housesTemplate(ctx.lang);
      return sendTemplate(reply, body, ctx.lang === 'zh' ? '实有房屋导入模板' : 'houses-template');
    },
  );

  // A job is its importer's whatever the ledger (people, organisations, houses, disputes): these
  // answer only the importer's own jobs, so being signed in is enough to ask.
  app.get(
    '/imports',
    {
      config: { permission: 'authenticated' },
      schema: { tags, summary: 'My imports', querystring: PageQuery, response: { 200: pageOf(ImportJob) } },
    },
    async (req) => imports.mine(req.ctx(), req.query.page, req.query.pageSize),
  );

  app.get(
    '/imports/:id',
    {
      config: { permission: 'authenticated' },
      schema: { tags, params: IdParams, response: { 200: ImportJob } },
    },
    async (req) => imports.get(req.ctx(), req.params.id),
  );

  app.post(
    '/imports/:id/confirm',
    {
      config: { permission: 'person.import' },
      schema: {
        tags,
        summary: 'Confirm the mapping and start the import',
        params: IdParams,
        body: ImportConfirm,
        response: { 202: ImportJob },
      },
    },
    async (req, reply) => {
      const job = await imports.confirm(req.ctx(), req.params.id, req.body);
      reply.code(202);
      return job;
    },
  );

  // POST with the CSRF header: the download is audited (a side effect), so no cross-site GET.
  app.post(
    '/imports/:id/errors.xlsx',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: "The failed rows as a workbook (the importer's own, for a day; audited)",
        params: IdParams,
      },
    },
    async (req, reply) => {
      const r = await imports.errorSheet(req.ctx(), req.params.id);
      const name = `${r.fileName}-错误行.xlsx`;
      return reply
        .header('content-type', XLSX_TYPE)
        .header(
          'content-disposition',
          `attachment; filename="import-errors.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
        )
        .send(r.body);
    },
  );

  // —— houses and households ——

  app.get(
    '/houses',
    {
      config: { permission: 'house.read' },
      schema: {
        tags,
        summary: 'The houses ledger (实有房屋): by name or place, area and use, sorted, with the true total',
        querystring: HouseListQuery,
        response: { 200: pageOf(HouseListItem) },
      },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const { rows, total, exact } = await svc.houseList(ctx, req.query);
      if (!exact) reply.header('x-total-estimated', 'true');
      const names = await svc.namesFor(rows.map((h) => h.path));
      return {
        items: rows.map((h) => ({
          id: h.id,
          name: h.name,
          address: addressOf(h.path, names),
          use: h.use as z.infer<typeof HouseListItem>['use'],
          // The owner is a person: named only to those who read people there.
          ownerName: ctx.actor.canAt('person.read', h.path) ? h.ownerName : null,
          floorArea: h.floorArea,
          residents: h.residents,
          households: h.households,
          rentalEndsOn: h.rentalEndsOn,
        })),
        total,
        totalExact: exact,
        page: req.query.page,
        pageSize: req.query.pageSize,
      };
    },
  );

  // Exports are POSTs with the CSRF header and the list's filter and sort as the body: audited
  // and rate-limited, so never a GET another site could trigger (docs/security.md, "exports").
  app.post(
    '/houses/export',
    {
      config: { permission: 'house.read' },
      schema: { tags, summary: 'Export the houses ledger as .xlsx (audited)', body: HouseExportQuery },
    },
    async (req, reply) => sendExport(reply, await exportHouses(s, svc, req.ctx(), req.body)),
  );

  app.get(
    '/houses/:id',
    { config: { permission: 'house.read' }, schema: { tags, params: IdParams, response: { 200: House } } },
    async (req, reply) => {
      const h = await house(req.ctx(), req.params.id);
      setEtag(reply, h.version);
      return h;
    },
  );

  app.patch(
    '/houses/:id',
    {
      config: { permission: 'house.update' },
      schema: { tags, params: IdParams, body: HouseUpdate, response: { 200: House } },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      await svc.updateHouse(ctx, req.params.id, ifMatchVersion(req), req.body);
      const h = await house(ctx, req.params.id);
      setEtag(reply, h.version);
      return h;
    },
  );

  app.post(
    '/houses/:id/rentals',
    {
      config: { permission: 'house.update' },
      schema: { tags, params: IdParams, body: RentalCreate, response: { 201: House } },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      await svc.addRental(ctx, req.params.id, req.body);
      const h = await house(ctx, req.params.id);
      setEtag(reply, h.version);
      reply.code(201);
      return h;
    },
  );

  app.post(
    '/households',
    {
      config: { permission: 'person.update' },
      schema: { tags, body: HouseholdCreate, response: { 201: Household } },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const h = await svc.createHousehold(ctx, req.body);
      setEtag(reply, h.version);
      reply.code(201);
      return household(ctx, h);
    },
  );

  app.get(
    '/households/:id',
    {
      config: { permission: 'person.read' },
      schema: { tags, params: IdParams, response: { 200: Household } },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const h = await svc.household(ctx, req.params.id);
      setEtag(reply, h.version);
      return household(ctx, h);
    },
  );

  app.patch(
    '/households/:id',
    {
      config: { permission: 'person.update' },
      schema: { tags, params: IdParams, body: HouseholdUpdate, response: { 200: Household } },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const h = await svc.updateHousehold(ctx, req.params.id, ifMatchVersion(req), req.body);
      setEtag(reply, h.version);
      return household(ctx, h);
    },
  );

  // —— organisations ——

  app.get(
    '/organisations',
    {
      config: { permission: 'org.read' },
      schema: { tags, querystring: OrganisationListQuery, response: { 200: pageOf(Organisation) } },
    },
    async (req) => {
      const ctx = req.ctx();
      const { rows, total, exact } = await svc.organisations(ctx, req.query);
      return {
        items: rows.map((o) => presentOrganisation(o, ctx.actor, s.keyring)),
        total,
        totalExact: exact,
        page: req.query.page,
        pageSize: req.query.pageSize,
      };
    },
  );

  app.post(
    '/organisations/export',
    {
      config: { permission: 'org.read' },
      schema: {
        tags,
        summary: 'Export the organisations ledger as .xlsx (phones masked, audited)',
        body: OrganisationExportQuery,
      },
    },
    async (req, reply) => sendExport(reply, await exportOrganisations(s, req.ctx(), req.body)),
  );

  app.get(
    '/organisations/:id',
    {
      config: { permission: 'org.read' },
      schema: { tags, params: IdParams, response: { 200: Organisation } },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const o = await svc.organisation(ctx, req.params.id);
      setEtag(reply, o.version);
      return presentOrganisation(o, ctx.actor, s.keyring);
    },
  );

  app.post(
    '/organisations',
    {
      config: { permission: 'org.manage' },
      schema: { tags, body: OrganisationCreate, response: { 201: Organisation } },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const o = await svc.createOrganisation(ctx, req.body);
      setEtag(reply, o.version);
      reply.code(201);
      return presentOrganisation(o, ctx.actor, s.keyring);
    },
  );

  app.patch(
    '/organisations/:id',
    {
      config: { permission: 'org.manage' },
      schema: { tags, params: IdParams, body: OrganisationUpdate, response: { 200: Organisation } },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const o = await svc.updateOrganisation(ctx, req.params.id, ifMatchVersion(req), req.body);
      setEtag(reply, o.version);
      return presentOrganisation(o, ctx.actor, s.keyring);
    },
  );
};

/** What the upload is, by content: an .xlsx is a zip (PK\x03\x04); a .csv is text (no NUL, no other magic). */
async function sniff(file: string): Promise<'xlsx' | 'csv' | null> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(8192);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead);
    if (bytesRead === 0) return null;
    if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return 'xlsx';
    if (head.includes(0)) return null; // binary: old .xls (OLE), images, archives …
    return 'csv';
  } finally {
    await fh.close();
  }
}
