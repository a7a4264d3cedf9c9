import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { DEMO_ACCOUNTS } from '../../platform/demo.js';
import type { Services } from '../../platform/services.js';

const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  db: z.object({ ok: z.boolean(), latencyMs: z.number().nullable() }),
  uptimeSeconds: z.number(),
});

export const systemRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const tags = ['system'];
  app.get(
    '/health',
    {
      config: { permission: 'public' },
      schema: { tags, summary: 'Liveness and database reachability', response: { 200: Health, 503: Health } },
    },
    async (_req, reply) => {
      const t0 = performance.now();
      let ok = true;
      try {
        await Promise.race([
          sql`SELECT 1`.execute(services.db),
          new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 2000)),
        ]);
      } catch {
        ok = false;
      }
      const body = {
        status: ok ? ('ok' as const) : ('degraded' as const),
        db: { ok, latencyMs: ok ? Math.round((performance.now() - t0) * 100) / 100 : null },
        uptimeSeconds: Math.round(process.uptime()),
      };
      reply.code(ok ? 200 : 503);
      return body;
    },
  );

  app.get(
    '/meta',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        response: {
          200: z.object({
            name: z.string(),
            version: z.string(),
            mode: z.enum(['demo', 'production']),
            tileUrl: z.string().nullable(),
            demoAccounts: z.array(z.object({ username: z.string(), role: z.string() })),
          }),
        },
      },
    },
    async () => ({
      name: 'Jiayuan',
      version: '0.1.0',
      mode: services.config.mode,
      tileUrl: services.config.tileUrl,
      demoAccounts:
        services.config.mode === 'demo'
          ? DEMO_ACCOUNTS.map(({ username, role }) => ({ username, role }))
          : [],
    }),
  );
};
