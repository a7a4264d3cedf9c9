import { DEMO } from '../../platform/demo.js';
import type { Services } from '../../platform/services.js';

/** 六室两中心 [003]: the rooms of the detailed demo community. */
const ROOMS: [
  name: string,
  capacity: number,
  opens: string,
  closes: string,
  equipment: string[],
  residents: boolean,
][] = [
  ['党群服务中心多功能厅', 80, '08:30', '21:00', ['投影仪', '音响', '话筒'], false],
  ['会议室', 20, '08:30', '18:00', ['投影仪', '白板'], false],
  ['图书阅览室', 30, '08:30', '20:00', ['图书', '电脑'], true],
  ['日间照料中心活动室', 40, '08:00', '17:30', ['按摩椅', '血压计'], false],
  ['儿童之家', 25, '09:00', '18:00', ['绘本', '益智玩具'], true],
  ['文体活动室', 30, '08:30', '21:00', ['乒乓球台', '音响'], true],
];
/** Bookings relative to today: [room, days from today, start hour, hours, purpose, status]. */
const BOOKINGS: [number, number, number, number, string, string][] = [
  [0, -6, 9, 2, '社区两委例会', 'used'],
  [1, -5, 14, 2, '物业协调会', 'used'],
  [5, -4, 19, 2, '广场舞队排练', 'used'],
  [2, -3, 15, 2, '读书会', 'no_show'],
  [0, -2, 9, 3, '党员主题党日', 'used'],
  [1, 1, 9, 2, '网格员周例会', 'approved'],
  [4, 2, 15, 2, '四点半课堂', 'approved'],
  [5, 3, 19, 2, '太极拳队训练', 'requested'],
];

/** Six rooms and a week of bookings in the detailed demo community (small: ~20 rows). */
export async function seedDemoVenues(s: Services): Promise<void> {
  if (await s.db.selectFrom('venueRooms').select('id').limit(1).executeTakeFirst()) return;
  const community = await s.db
    .selectFrom('areas')
    .select(['id', 'path'])
    .where('name', '=', DEMO.detailed)
    .where('kind', '=', 'community')
    .executeTakeFirst();
  const worker = await s.db
    .selectFrom('users')
    .select(['id', 'displayName'])
    .where('username', '=', 'community_worker')
    .executeTakeFirst();
  if (!community || !worker) return;
  const now = s.clock.now();
  const today = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  await s.db.transaction().execute(async (trx) => {
    const ids: number[] = [];
    for (const [name, capacity, opensAt, closesAt, equipment, residentsMayBook] of ROOMS) {
      const r = await trx
        .insertInto('venueRooms')
        .values({
          areaId: community.id,
          areaPath: community.path,
          name,
          capacity,
          opensAt,
          closesAt,
          equipment,
          residentsMayBook,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(r.id);
    }
    for (const [room, days, hour, hours, purpose, status] of BOOKINGS) {
      const day = new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
      const a = new Date(`${day}T${String(hour).padStart(2, '0')}:00:00+08:00`);
      const b = new Date(a.getTime() + hours * 3_600_000);
      await trx
        .insertInto('venueBookings')
        .values({
          roomId: ids[room]!,
          areaPath: community.path,
          period: `[${a.toISOString()},${b.toISOString()})`,
          purpose,
          bookerKind: 'staff',
          bookerId: worker.id,
          bookerName: worker.displayName,
          attendees: 10,
          status,
          decidedBy: status === 'requested' ? null : worker.id,
          decidedAt: status === 'requested' ? null : now,
        })
        .execute();
    }
  });
}
