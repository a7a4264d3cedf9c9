import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../platform/services.js';
import {
  TbAccount,
  TbCheck,
  TbGift,
  TbMe,
  TbRedeem,
  TbScheme,
  TbSchemeQuery,
  TbSchemeUpdate,
  TbService,
  TbServiceCreate,
  TbTransferResult,
  timebankService,
} from './timebank.service.js';

const tags = ['timebank'];

/** The time bank (optional per street): docs/volunteers.md "Time bank". */
export const timebankRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services: s }) => {
  const svc = timebankService(s);
  app.get(
    '/timebank/me',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'My time-bank account: balance, coins earned, last movements',
        response: { 200: TbMe },
      },
    },
    async (req) => svc.me(req.ctx()),
  );
  app.post(
    '/timebank/gift',
    {
      config: { permission: 'volunteer.apply' },
      schema: {
        tags,
        summary: 'Give coins to a volunteer of the street (by number), or donate them to the pool',
        body: TbGift,
        response: { 201: TbTransferResult },
      },
    },
    async (req, reply) => reply.code(201).send(await svc.gift(req.ctx(), req.body)),
  );
  app.post(
    '/timebank/redeem',
    {
      config: { permission: 'volunteer.apply' },
      schema: {
        tags,
        summary: 'Redeem coins at an accredited service',
        body: TbRedeem,
        response: { 201: TbTransferResult },
      },
    },
    async (req, reply) => reply.code(201).send(await svc.redeem(req.ctx(), req.body)),
  );
  app.get(
    '/timebank/services',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: "The accredited services of the actor's street",
        response: { 200: z.array(TbService) },
      },
    },
    async (req) => svc.services(req.ctx()),
  );
  app.post(
    '/timebank/services',
    {
      config: { permission: 'volunteer.manage' },
      schema: {
        tags,
        summary: 'Accredit a service where coins are redeemed',
        body: TbServiceCreate,
        response: { 201: TbService },
      },
    },
    async (req, reply) => reply.code(201).send(await svc.addService(req.ctx(), req.body)),
  );
  app.get(
    '/timebank/scheme',
    {
      config: { permission: 'volunteer.read' },
      schema: {
        tags,
        summary: "The street's time-bank setting and caps",
        querystring: TbSchemeQuery,
        response: { 200: TbScheme },
      },
    },
    async (req) => svc.scheme(req.ctx(), req.query.areaId),
  );
  app.put(
    '/timebank/scheme',
    {
      config: { permission: 'volunteer.manage' },
      schema: {
        tags,
        summary: 'Open or close the time bank of a street, and set its caps',
        body: TbSchemeUpdate,
        response: { 200: TbScheme },
      },
    },
    async (req) => svc.setScheme(req.ctx(), req.body),
  );
  app.get(
    '/timebank/accounts',
    {
      config: { permission: 'volunteer.read' },
      schema: {
        tags,
        summary: 'Time-bank accounts of the actor’s areas (names masked)',
        response: { 200: z.array(TbAccount) },
      },
    },
    async (req) => svc.accounts(req.ctx()),
  );
  app.get(
    '/timebank/check',
    {
      config: { permission: 'volunteer.read' },
      schema: {
        tags,
        summary: 'The ledger invariant: Σ movements = 0, every transfer balanced',
        response: { 200: TbCheck },
      },
    },
    async (req) => svc.check(req.ctx()),
  );
};
