import type { Actor } from '../access/actor.js';
import type { SessionInfo } from '../auth/sessions.js';
import type { Ctx } from '../services.js';

/**
 * What a route must declare (a test fails when a /api route does not):
 * - `permission`: a `resource.action` the actor must hold somewhere in the tree (record-level
 *   scope is then checked by the service in SQL), or 'authenticated' (any signed-in user), or
 *   'public' (no session needed).
 * - `duringPasswordChange` / `duringMfa`: the route stays open while those steps are pending.
 */
export type RoutePermission = string;

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: RoutePermission;
    duringPasswordChange?: boolean;
    duringMfa?: boolean;
    /** The route takes a multipart file (platform/http/upload.ts): the field and its size limit. */
    upload?: import('./upload.js').UploadSpec;
  }
  interface FastifyRequest {
    lang: 'zh' | 'en';
    actor: Actor | null;
    session: SessionInfo | null;
    /** The service context of a signed-in request (throws AUTH_REQUIRED otherwise). */
    ctx(): Ctx;
  }
}
