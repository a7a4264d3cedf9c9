import { sql } from 'kysely';
import type { TodoDef, TodoSource } from '../../engines/todos/todos.js';
import { visibleTags, visitsRepo } from './visits.repository.js';

/** Today's visits (the visitor's day) and the plans overdue in scope, as home to-dos. */
const TODAY: TodoDef = {
  key: 'visits.today',
  group: 'today',
  zh: '今日走访（含逾期）',
  en: "Today's visits (overdue included)",
  path: '/visits/my-day',
  order: 30,
};
const OVERDUE: TodoDef = {
  key: 'visits.overdue',
  group: 'alert',
  zh: '逾期未走访',
  en: 'Visits overdue',
  path: '/visits/plans',
  query: { status: 'overdue' },
  order: 25,
};

export function visitsTodos(): TodoSource {
  return {
    todos(actor) {
      const out: TodoDef[] = [];
      if (actor.can('visit.record')) out.push(TODAY);
      // Supervisors of visits see the overdue plans of their whole scope.
      if (actor.can('visit.read') && actor.can('visit.manage')) out.push(OVERDUE);
      return out;
    },
    async count(db, q, keys) {
      const repo = visitsRepo(db);
      const tags = visibleTags(q.actor);
      const n = sql<number>`count(*)::int`.as('n');
      const [today, overdue] = await Promise.all([
        keys.has(TODAY.key)
          ? repo
              .planBase(q.actor, tags, { status: 'due', horizon: 0, mine: true }, q.today)
              .select(n)
              .executeTakeFirst()
          : undefined,
        keys.has(OVERDUE.key)
          ? repo.planBase(q.actor, tags, { status: 'overdue' }, q.today).select(n).executeTakeFirst()
          : undefined,
      ]);
      return { [TODAY.key]: today?.n ?? 0, [OVERDUE.key]: overdue?.n ?? 0 };
    },
  };
}
