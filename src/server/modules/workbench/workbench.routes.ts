import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Workbench } from '../../../contract/workbench.js';
import { chinaDate } from '../../engines/calendar/calendar.js';
import { collectTodos } from '../../engines/todos/todos.js';
import type { Services } from '../../platform/services.js';

/** Slower than this, a source is named in the log (each should take a few ms). */
const SLOW_MS = 200;

export const workbenchRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services: s },
) => {
  app.get(
    '/workbench',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags: ['workbench'],
        summary: "The signed-in person's to-dos: every module's counts, each scoped to the actor's area",
        response: { 200: Workbench },
      },
    },
    async (req) => {
      const ctx = req.ctx();
      const now = s.clock.now();
      const today = chinaDate(now);
      const { items, ms } = await collectTodos(s.db, s.todos ?? [], { actor: ctx.actor, now, today });
      const slowest = Math.max(0, ...ms);
      if (slowest > SLOW_MS) s.log.warn(`workbench: a to-do source took ${slowest} ms (${ms.join(', ')})`);
      return {
        today,
        items: items.map((i) => ({
          key: i.key,
          group: i.group,
          label: ctx.lang === 'zh' ? i.zh : i.en,
          count: i.count,
          path: i.path,
          query: i.query ?? {},
        })),
      };
    },
  );
};
