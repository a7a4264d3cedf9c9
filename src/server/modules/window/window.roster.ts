import { sql } from 'kysely';
import type { RosterCreate, RosterDay, RosterEntry } from '../../../contract/window.js';
import { chinaDate } from '../../engines/calendar/calendar.js';
import { areaIdInScope } from '../../platform/access/scope.js';
import { AppError } from '../../platform/errors/app-error.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';

const refuse = (path: string, zh: string, en: string, lang: 'zh' | 'en') =>
  new AppError('VALIDATION_FAILED', { fields: path }, [
    { path, code: 'custom', message: lang === 'zh' ? zh : en },
  ]);

/**
 * Rosters (排班, design/modules/window.md rule 15): who staffs which window of a hall when,
 * 错时 shifts marked; a person is on one window at a time (an overlapping shift of the same
 * person that day is 409). The coverage check counts, for each slot of a day, the shifts that
 * cover the whole slot against the slot's minimum staff (default 2 in 错时 hours, ⚠ local).
 * Read within `window.read`, written within `window.manage`, over the hall's area, in SQL.
 */
export function windowRoster(s: Services) {
  async function add(ctx: Ctx, input: RosterCreate): Promise<RosterEntry> {
    return inTx(s, ctx, async (trx, audit) => {
      const area = await trx
        .selectFrom('areas')
        .select(['id', 'path'])
        .where('id', '=', input.areaId)
        .where(areaIdInScope(ctx.actor, 'window.manage', 'id'))
        .executeTakeFirst();
      if (!area) throw refuse('areaId', '所选区域不在您的范围内', 'Area outside your scope', ctx.lang);
      // Staff of this hall or above it (a street worker on weekend duty), an active staff account.
      const user = await trx
        .selectFrom('users as u')
        .innerJoin('areas as ua', 'ua.id', 'u.areaId')
        .select(['u.id', 'u.displayName'])
        .where('u.id', '=', input.userId)
        .where('u.status', '=', 'active')
        .where('u.kind', '=', 'staff')
        .where(sql<boolean>`(${area.path}::ltree <@ ua.path OR ua.path <@ ${area.path}::ltree)`)
        .executeTakeFirst();
      if (!user)
        throw refuse(
          'userId',
          '该工作人员不存在或不属于本服务大厅',
          'No such staff member at this hall',
          ctx.lang,
        );
      // One shift at a time per person and day: serialise that person's day, then check.
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`jiayuan:roster:${input.userId}:${input.day}`}))`.execute(
        trx,
      );
      const clash = await trx
        .selectFrom('windowRosters')
        .select(['starts', 'ends'])
        .where('userId', '=', input.userId)
        .where('day', '=', input.day)
        .where('starts', '<', input.ends)
        .where('ends', '>', input.starts)
        .executeTakeFirst();
      if (clash)
        throw new AppError('CONFLICT', {
          reason:
            ctx.lang === 'zh'
              ? `该工作人员当天 ${clash.starts}–${clash.ends} 已排班`
              : `already on duty ${clash.starts}–${clash.ends} that day`,
        });
      const r = await trx
        .insertInto('windowRosters')
        .values({
          areaId: input.areaId,
          day: input.day,
          starts: input.starts,
          ends: input.ends,
          windowNo: input.windowNo,
          userId: input.userId,
          offHours: input.offHours,
          createdBy: ctx.actor.userId > 0 ? ctx.actor.userId : null,
        })
        .returning(['id', 'areaId', 'day', 'starts', 'ends', 'windowNo', 'userId', 'offHours'])
        .executeTakeFirstOrThrow();
      await audit({
        action: 'window_roster.create',
        entityType: 'window_roster',
        entityId: r.id,
        detail: { day: input.day, starts: input.starts, ends: input.ends, windowNo: input.windowNo },
      });
      return { ...r, staffName: user.displayName };
    });
  }

  async function remove(ctx: Ctx, id: number): Promise<void> {
    await inTx(s, ctx, async (trx, audit) => {
      const r = await trx
        .deleteFrom('windowRosters')
        .where('id', '=', id)
        .where(areaIdInScope(ctx.actor, 'window.manage', 'areaId'))
        .returning(['id', 'day', 'starts', 'userId'])
        .executeTakeFirst();
      if (!r) throw new AppError('NOT_FOUND');
      await audit({
        action: 'window_roster.delete',
        entityType: 'window_roster',
        entityId: id,
        detail: { day: r.day, starts: r.starts },
      });
    });
  }

  async function day(ctx: Ctx, q: { areaId: number; day?: string | undefined }): Promise<RosterDay> {
    const d = q.day ?? chinaDate(s.clock.now());
    const entries = await s.db
      .selectFrom('windowRosters as r')
      .innerJoin('users as u', 'u.id', 'r.userId')
      .select([
        'r.id',
        'r.areaId',
        'r.day',
        'r.starts',
        'r.ends',
        'r.windowNo',
        'r.userId',
        'r.offHours',
        'u.displayName as staffName',
      ])
      .where('r.areaId', '=', q.areaId)
      .where(areaIdInScope(ctx.actor, 'window.read', 'r.areaId'))
      .where('r.day', '=', d)
      .orderBy('r.starts')
      .orderBy('r.windowNo')
      .execute();
    const slots = await s.db
      .selectFrom('windowSlots as sl')
      .select(['sl.id', 'sl.starts', 'sl.ends', 'sl.matterGroup', 'sl.offHours', 'sl.minStaff'])
      .select((eb) =>
        eb
          .selectFrom('windowRosters as r')
          .select(sql<number>`count(DISTINCT r.user_id)::int`.as('n'))
          .whereRef('r.areaId', '=', 'sl.areaId')
          .whereRef('r.day', '=', 'sl.day')
          .whereRef('r.starts', '<=', 'sl.starts')
          .whereRef('r.ends', '>=', 'sl.ends')
          .as('staff'),
      )
      .where('sl.areaId', '=', q.areaId)
      .where(areaIdInScope(ctx.actor, 'window.read', 'sl.areaId'))
      .where('sl.day', '=', d)
      .orderBy('sl.starts')
      .orderBy('sl.id')
      .execute();
    return {
      entries,
      coverage: slots.map((x) => ({
        slotId: x.id,
        starts: x.starts,
        ends: x.ends,
        group: x.matterGroup,
        offHours: x.offHours,
        minStaff: x.minStaff,
        staff: x.staff ?? 0,
        ok: (x.staff ?? 0) >= x.minStaff,
      })),
    };
  }

  return { add, remove, day };
}
