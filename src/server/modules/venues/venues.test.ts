import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from '../../../../test/helpers/app.js';

/** Venues (issue 19): rooms, bookings that never overlap, approval, no-shows, activities, usage. */
let t: TestApp;
let worker: Client;
let communityId: number;
let roomId: number;
let openRoomId: number;
const cst = (s: string) => new Date(`${s}+08:00`);
const slot = (day: string, from: string, to: string) => ({
  startsAt: cst(`${day}T${from}:00`).toISOString(),
  endsAt: cst(`${day}T${to}:00`).toISOString(),
});

beforeAll(async () => {
  // Monday 2026-12-07, 10:00 China time
  t = await createTestApp({ clock: cst('2026-12-07T10:00:00') });
  worker = await t.login('community_worker');
  communityId = (
    await t.db.selectFrom('areas').select('id').where('name', '=', '友谊河社区').executeTakeFirstOrThrow()
  ).id;
  const r = await worker.post('/api/venues/rooms', {
    areaId: communityId,
    name: '测试·议事厅',
    capacity: 30,
    opensAt: '08:30',
    closesAt: '18:00',
    openDays: [1, 2, 3, 4, 5],
    equipment: ['投影仪'],
  });
  expect(r.statusCode, r.body).toBe(201);
  roomId = r.json().id;
  const o = await worker.post('/api/venues/rooms', {
    areaId: communityId,
    name: '测试·活动室',
    capacity: 10,
    residentsMayBook: true,
  });
  expect(o.statusCode, o.body).toBe(201);
  openRoomId = o.json().id;
});
afterAll(async () => t?.close());

describe('bookings never overlap', () => {
  it('approves a staff booking at once and refuses an overlapping one with the slot named', async () => {
    const a = await worker.post('/api/venues/bookings', {
      roomId,
      ...slot('2026-12-08', '09:00', '11:00'),
      purpose: '居民议事会',
    });
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json()).toMatchObject({ status: 'approved', bookerKind: 'staff', roomName: '测试·议事厅' });
    const b = await worker.post('/api/venues/bookings', {
      roomId,
      ...slot('2026-12-08', '10:30', '12:00'),
      purpose: '重叠',
    });
    expect(b.statusCode).toBe(409);
    expect(b.json().code).toBe('BOOKING_OVERLAP');
    expect(b.json().message).toContain('2026-12-08 09:00');
    // back to back is fine: ranges are half-open
    const c = await worker.post('/api/venues/bookings', {
      roomId,
      ...slot('2026-12-08', '11:00', '12:00'),
      purpose: '紧接着',
    });
    expect(c.statusCode, c.body).toBe(201);
  });

  it('lets exactly one of 12 concurrent bookings of one slot through', async () => {
    const before = await t.db
      .selectFrom('venueBookings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const rs = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        worker.post('/api/venues/bookings', {
          roomId,
          ...slot('2026-12-09', '14:00', '16:00'),
          purpose: `并发${i}`,
        }),
      ),
    );
    expect(rs.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(rs.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'BOOKING_OVERLAP')).toBe(
      true,
    );
    const after = await t.db
      .selectFrom('venueBookings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n) - Number(before.n)).toBe(1);
  });

  it('is enforced by the database itself (exclusion constraint), whatever the code does', async () => {
    const room = await t.db
      .selectFrom('venueRooms')
      .select(['id', 'areaPath'])
      .where('id', '=', roomId)
      .executeTakeFirstOrThrow();
    const row = (p: string) =>
      sql`INSERT INTO venue_bookings (room_id, area_path, period, purpose, booker_kind, booker_name, status)
          VALUES (${room.id}, ${room.areaPath}::ltree, ${p}::tstzrange, 'x', 'staff', 'x', 'approved')`.execute(
        t.db,
      );
    await expect(row('[2026-12-10T01:00:00Z,2026-12-10T03:00:00Z)')).resolves.toBeTruthy();
    await expect(row('[2026-12-10T02:00:00Z,2026-12-10T04:00:00Z)')).rejects.toMatchObject({ code: '23P01' });
    // a cancelled booking frees its slot
    await sql`UPDATE venue_bookings SET status = 'cancelled' WHERE room_id = ${room.id} AND period @> '2026-12-10T01:30:00Z'::timestamptz`.execute(
      t.db,
    );
    await expect(row('[2026-12-10T02:00:00Z,2026-12-10T04:00:00Z)')).resolves.toBeTruthy();
  });

  it('refuses a booking outside opening hours or days, too soon, or over capacity, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...slot('2026-12-08', '17:00', '19:00') }, 'startsAt'],
      [{ ...slot('2026-12-12', '09:00', '10:00') }, 'startsAt'], // Saturday: closed
      [{ ...slot('2026-12-07', '10:30', '11:30') }, 'startsAt'], // less than an hour ahead
      [{ ...slot('2026-12-08', '13:00', '14:00'), attendees: 31 }, 'attendees'],
      [
        {
          startsAt: cst('2026-12-08T13:00:00').toISOString(),
          endsAt: cst('2026-12-08T12:00:00').toISOString(),
        },
        'endsAt',
      ],
    ];
    for (const [body, f] of cases) {
      const r = await worker.post('/api/venues/bookings', { roomId, purpose: '测试', ...body });
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(
        r
          .json()
          .issues.map((i: { path: string }) => i.path)
          .join(),
      ).toContain(f);
    }
  });
});

describe('who books and who approves', () => {
  it('takes a resident only where the room allows it, as a request the worker approves', async () => {
    const resident = await t.login('resident');
    const no = await resident.post('/api/venues/bookings', {
      roomId,
      ...slot('2026-12-08', '14:00', '15:00'),
      purpose: '家庭聚会',
    });
    expect(no.statusCode).toBe(409);
    expect(no.json().code).toBe('VENUE_RULE');
    const yes = await resident.post('/api/venues/bookings', {
      roomId: openRoomId,
      ...slot('2026-12-08', '14:00', '15:00'),
      purpose: '读书分享',
    });
    expect(yes.statusCode, yes.body).toBe(201);
    expect(yes.json()).toMatchObject({ status: 'requested', bookerKind: 'resident', mine: true });
    // the resident cannot approve their own request
    const self = await resident.post(`/api/venues/bookings/${yes.json().id}/decide`, { action: 'approve' });
    expect(self.statusCode).toBe(403);
    // the calendar shows the slot to another booker as busy, without name or purpose
    const vol = await t.login('volunteer');
    const seen = (await vol.get('/api/venues/bookings?from=2026-12-08&to=2026-12-08')).json();
    const other = seen.items.find((b: { id: number }) => b.id === yes.json().id);
    expect(other).toMatchObject({ purpose: '已预约', mine: false });
    expect(other.bookerName).not.toContain(yes.json().bookerName);
    const ok = await worker.post(`/api/venues/bookings/${yes.json().id}/decide`, { action: 'approve' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().status).toBe('approved');
    const audit = await t.db
      .selectFrom('auditLog')
      .select('action')
      .where('entityType', '=', 'venue_booking')
      .where('entityId', '=', String(yes.json().id))
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['venue.approve', 'venue.book']);
  });

  it('records use or a no-show only once the booking has started', async () => {
    const b = await worker.post('/api/venues/bookings', {
      roomId,
      ...slot('2026-12-07', '15:00', '16:00'),
      purpose: '走访碰头会',
    });
    expect(b.statusCode, b.body).toBe(201);
    const early = await worker.post(`/api/venues/bookings/${b.json().id}/decide`, { action: 'no_show' });
    expect(early.statusCode).toBe(409);
    t.clock.set(cst('2026-12-07T15:30:00'));
    try {
      const w = await t.login('community_worker');
      const late = await w.post(`/api/venues/bookings/${b.json().id}/decide`, { action: 'no_show' });
      expect(late.statusCode, late.body).toBe(200);
      expect(late.json().status).toBe('no_show');
      const again = await w.post(`/api/venues/bookings/${b.json().id}/decide`, { action: 'used' });
      expect(again.statusCode).toBe(409);
    } finally {
      t.clock.set(cst('2026-12-07T10:00:00'));
    }
  });

  it('hides another street’s rooms', async () => {
    const other = await t.db
      .selectFrom('areas')
      .select('id')
      .where('kind', '=', 'community')
      .where('name', '!=', '友谊河社区')
      .executeTakeFirstOrThrow();
    const admin = await t.login('community_admin');
    const rooms = (await admin.get('/api/venues/rooms?pageSize=100')).json();
    expect(rooms.items.every((r: { areaId: number }) => r.areaId !== other.id)).toBe(true);
    const r = await worker.post('/api/venues/rooms', { areaId: other.id, name: '别处', capacity: 5 });
    expect([400, 404]).toContain(r.statusCode);
  });
});

describe('an activity books its room', () => {
  const activity = (over: Record<string, unknown>) => ({
    kind: 'volunteer_service',
    areaId: communityId,
    ownerKind: 'community',
    ownerName: '友谊河社区',
    title: '测试·议事厅里的活动',
    capacity: 20,
    roomId,
    ...slot('2026-12-11', '09:00', '11:00'),
    ...over,
  });

  it('books the room in the activity’s transaction and takes its name as the place', async () => {
    const r = await worker.post('/api/activities', activity({}));
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().placeName).toBe('测试·议事厅');
    const b = await t.db
      .selectFrom('venueBookings')
      .selectAll()
      .where('activityId', '=', r.json().id)
      .executeTakeFirstOrThrow();
    expect(b).toMatchObject({ status: 'approved', bookerKind: 'activity' });
  });

  it('refuses an activity whose room is taken, and writes neither', async () => {
    const before = await t.db
      .selectFrom('activities')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const r = await worker.post(
      '/api/activities',
      activity({ title: '测试·撞车', ...slot('2026-12-11', '10:00', '12:00') }),
    );
    expect(r.statusCode).toBe(409);
    expect(r.json().code).toBe('BOOKING_OVERLAP');
    const after = await t.db
      .selectFrom('activities')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    const big = await worker.post(
      '/api/activities',
      activity({ capacity: 31, ...slot('2026-12-11', '14:00', '15:00') }),
    );
    expect(big.statusCode).toBe(400);
  });
});

describe('场地使用率', () => {
  it('is used hours over open hours, by hand', async () => {
    // A fresh room open Mon–Fri 09:00–17:00 (8 h): the week 2026-12-14..20 has 5 open days = 40 h.
    const r = await worker.post('/api/venues/rooms', {
      areaId: communityId,
      name: '测试·使用率',
      capacity: 10,
      opensAt: '09:00',
      closesAt: '17:00',
      openDays: [1, 2, 3, 4, 5],
    });
    const id = r.json().id;
    const ids: number[] = [];
    for (const [day, a, b] of [
      ['2026-12-14', '09:00', '12:00'], // used: 3 h
      ['2026-12-15', '14:00', '17:00'], // used: 3 h
      ['2026-12-16', '09:00', '11:00'], // no-show: not used
    ] as const) {
      const x = await worker.post('/api/venues/bookings', {
        roomId: id,
        ...slot(day, a, b),
        purpose: '使用率',
      });
      expect(x.statusCode, x.body).toBe(201);
      ids.push(x.json().id);
    }
    t.clock.set(cst('2026-12-18T10:00:00'));
    try {
      const w = await t.login('community_worker');
      for (const [i, action] of [
        [0, 'used'],
        [1, 'used'],
        [2, 'no_show'],
      ] as const)
        expect((await w.post(`/api/venues/bookings/${ids[i]}/decide`, { action })).statusCode).toBe(200);
      const ur = await w.get('/api/venues/usage?from=2026-12-14&to=2026-12-20');
      expect(ur.statusCode, ur.body).toBe(200);
      const u = ur.json();
      const room = u.rooms.find((x: { roomId: number }) => x.roomId === id);
      expect(room).toEqual({
        roomId: id,
        name: '测试·使用率',
        openHours: 40,
        usedHours: 6,
        bookings: 3,
        noShows: 1,
        rate: 0.15,
      });
      const bad = await w.get('/api/venues/usage?from=2026-12-20&to=2026-12-14');
      expect(bad.statusCode).toBe(400);
    } finally {
      t.clock.set(cst('2026-12-07T10:00:00'));
    }
  });
});
