import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '../../../contract/common.js';
import {
  Booking,
  BookingCreate,
  BookingDecision,
  BookingListQuery,
  BookingPage,
  Room,
  RoomCreate,
  RoomListQuery,
  RoomPage,
  Usage,
  UsageQuery,
} from '../../../contract/venues.js';
import type { Services } from '../../platform/services.js';
import { venuesService } from './venues.service.js';

const tags = ['venues'];

export const venuesRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services: s }) => {
  const svc = venuesService(s);
  app.get(
    '/venues/rooms',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Rooms the actor may see (staff: their areas; bookers: the rooms around them)',
        querystring: RoomListQuery,
        response: { 200: RoomPage },
      },
    },
    async (req) => svc.rooms(req.ctx(), req.query),
  );
  app.post(
    '/venues/rooms',
    {
      config: { permission: 'venue.manage' },
      schema: { tags, summary: 'Register a room', body: RoomCreate, response: { 201: Room } },
    },
    async (req, reply) => reply.code(201).send(await svc.createRoom(req.ctx(), req.body)),
  );
  app.get(
    '/venues/bookings',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: "Bookings (the calendar): staff see their areas'; others their own, and others' as busy",
        querystring: BookingListQuery,
        response: { 200: BookingPage },
      },
    },
    async (req) => svc.bookings(req.ctx(), req.query),
  );
  app.post(
    '/venues/bookings',
    {
      config: { permission: 'venue.book' },
      schema: {
        tags,
        summary: 'Book a room (never overlapping; approved by the community worker)',
        body: BookingCreate,
        response: { 201: Booking },
      },
    },
    async (req, reply) => reply.code(201).send(await svc.book(req.ctx(), req.body)),
  );
  app.post(
    '/venues/bookings/:id/decide',
    {
      config: { permission: 'venue.book' },
      schema: {
        tags,
        summary: 'Approve, refuse, cancel, or record a booking as used or a no-show',
        params: IdParams,
        body: BookingDecision,
        response: { 200: Booking },
      },
    },
    async (req) => svc.decide(req.ctx(), req.params.id, req.body.action, req.body.note),
  );
  app.get(
    '/venues/usage',
    {
      config: { permission: 'venue.read' },
      schema: {
        tags,
        summary: '场地使用率: used booking hours ÷ open hours, per room (docs/indicators.md)',
        querystring: UsageQuery,
        response: { 200: Usage },
      },
    },
    async (req) => svc.usage(req.ctx(), req.query),
  );
};
