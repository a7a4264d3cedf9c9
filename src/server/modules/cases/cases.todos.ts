import { sql } from 'kysely';
import { caseTypesOf } from '../../engines/cases/registry.js';
import { visibleTo } from '../../engines/cases/rules.js';
import { separationFor } from '../../engines/cases/separation.js';
import { unreadCount } from '../../engines/notifications/notifications.js';
import type { TodoDef, TodoSource } from '../../engines/todos/todos.js';
import type { Actor } from '../../platform/access/actor.js';
import type { Services } from '../../platform/services.js';
import { boxFilter } from './cases.service.js';

/**
 * The case inbox as to-dos on the home workbench: each is an inbox of `/cases` (the same SQL as
 * `GET /api/cases/counts`, so the count and the list it opens agree), plus unread notifications.
 */
const BOXES = [
  { box: 'accept', group: 'todo', zh: '待受理', en: 'To accept', order: 10, suffix: 'accept' },
  { box: 'dispatch', group: 'todo', zh: '待派遣', en: 'To dispatch', order: 11, suffix: 'accept' },
  { box: 'mine', group: 'todo', zh: '待我办理', en: 'To handle', order: 12, suffix: 'read' },
  { box: 'verify', group: 'todo', zh: '待核查', en: 'To verify', order: 13, suffix: 'verify' },
  { box: 'overdue', group: 'alert', zh: '已超时', en: 'Overdue', order: 20, suffix: 'read' },
  {
    box: 'supervised',
    group: 'alert',
    zh: '红牌与督办',
    en: 'Red cards and supervised',
    order: 21,
    suffix: 'supervise',
  },
] as const;

const NOTICES: TodoDef = {
  key: 'cases.unread',
  group: 'notice',
  zh: '未读消息',
  en: 'Unread messages',
  path: '/notifications',
  query: { unread: '1' },
  order: 40,
};

export function casesTodos(s: Services): TodoSource {
  const types = caseTypesOf(s);
  const holds = (actor: Actor, suffix: string) => types.codes.some((t) => actor.can(`${t}.${suffix}`));
  return {
    todos(actor) {
      const out: TodoDef[] = [];
      for (const b of BOXES) {
        // The inbox to handle: whoever may be given a case (any case permission at all).
        const offered =
          b.box === 'mine' ? holds(actor, 'read') || holds(actor, 'report') : holds(actor, b.suffix);
        if (offered)
          out.push({
            key: `cases.${b.box}`,
            group: b.group,
            zh: b.zh,
            en: b.en,
            path: '/cases',
            query: { box: b.box },
            order: b.order,
          });
      }
      if (holds(actor, 'read') || holds(actor, 'report')) out.push(NOTICES);
      return out;
    },
    async count(db, q, keys) {
      const boxes = BOXES.filter((b) => keys.has(`cases.${b.box}`));
      const separation = await separationFor(s).get();
      const [row, unread] = await Promise.all([
        boxes.length
          ? db
              .selectFrom('cases as c')
              .where(visibleTo(q.actor, types.codes))
              .where('c.state', 'not in', ['closed', 'rejected'])
              .select(
                boxes.map((b) =>
                  sql<number>`(count(*) FILTER (WHERE ${boxFilter(q.actor, types.codes, b.box, q.now, undefined, separation)}))::int`.as(
                    `cases.${b.box}`,
                  ),
                ),
              )
              .executeTakeFirst()
          : undefined,
        keys.has(NOTICES.key) ? unreadCount(db, q.actor.userId) : 0,
      ]);
      return { ...((row ?? {}) as Record<string, number>), [NOTICES.key]: unread };
    },
  };
}
