import type { FastifyContextConfig, FastifyPluginAsync, RouteOptions } from 'fastify';
import type { z } from 'zod';
import { MODULES } from '../../src/server/modules/index.js';
import { buildApp } from '../../src/server/platform/http/app.js';
import type { ModuleManifest } from '../../src/server/platform/module.js';
import type { Services } from '../../src/server/platform/services.js';

export interface RouteInfo {
  method: string;
  url: string;
  config: FastifyContextConfig;
  schema: { body?: z.ZodType; querystring?: z.ZodType; params?: z.ZodType; hide?: boolean };
}

/**
 * The app's route table, as Fastify registers it: a first "module" adds an onRoute hook at the
 * root (skip-override, like fastify-plugin) and so sees every route registered after it — all
 * the modules' routes and the app's own (/api/openapi.json). Only swagger-ui (/api/docs*) comes
 * earlier. HEAD routes Fastify adds for GETs are left out.
 */
export async function routeTable(
  services: Services,
  modules: ModuleManifest[] = MODULES,
): Promise<RouteInfo[]> {
  const routes: RouteInfo[] = [];
  const recorder: FastifyPluginAsync = async (app) => {
    app.addHook('onRoute', (r: RouteOptions) => {
      for (const method of [r.method].flat()) {
        if (method === 'HEAD') continue;
        routes.push({
          method,
          url: r.url,
          config: (r.config ?? {}) as FastifyContextConfig,
          schema: (r.schema ?? {}) as RouteInfo['schema'],
        });
      }
    });
  };
  (recorder as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  const app = await buildApp(
    services,
    [{ name: 'route-recorder', permissions: [], routes: recorder }, ...modules],
    {
      webDir: null,
    },
  );
  await app.close();
  return routes;
}
