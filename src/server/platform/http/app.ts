import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { msg } from '../../../contract/common.js';
import { resolveSession, SESSION_COOKIE } from '../auth/sessions.js';
import { AppError } from '../errors/app-error.js';
import type { ModuleManifest } from '../module.js';
import type { Services } from '../services.js';
import { RequestValidationError, sendError } from './errors.js';
import { cleanRequestText, unstorableTextPath } from './text.js';
import './types.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
const UNSTORABLE = msg(
  '含有无法保存的字符（空字符或不成对的代理项）',
  'contains characters that cannot be stored (NUL or unpaired surrogates)',
);
let counter = 0;

/**
 * A request as the log shows it: the path and the query's parameter names, never their values —
 * a search by 公民身份号码 or phone (`/api/people?q=…`) must not put the number in the log.
 */
export function logUrl(url: string): string {
  const i = url.indexOf('?');
  if (i < 0) return url;
  const keys = url
    .slice(i + 1)
    .split('&')
    .map((p) => p.split('=')[0])
    .filter((k) => k);
  return `${url.slice(0, i)}?${keys.map((k) => `${k}=*`).join('&')}`;
}

/** The request logger's options (main.ts; tests pass a stream to read what it writes). */
export function loggerOptions(level: string, stream?: { write(msg: string): void }) {
  return {
    level,
    redact: ['req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
    serializers: {
      req: (req: { method: string; url: string; ip?: string; id?: string }) => ({
        method: req.method,
        url: logUrl(req.url),
        remoteAddress: req.ip,
      }),
    },
    ...(stream ? { stream } : {}),
  };
}

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  /** Directory of the built web app; served with SPA fallback when it exists. */
  webDir?: string | null;
}

function langOf(header: string | undefined): 'zh' | 'en' {
  if (!header) return 'zh';
  const first = header.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh';
}

export async function buildApp(
  services: Services,
  modules: ModuleManifest[],
  opts: AppOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    trustProxy: services.config.trustProxy,
    bodyLimit: 1024 * 1024,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      if (typeof given === 'string' && REQUEST_ID.test(given)) return given;
      return `${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    },
    routerOptions: { maxParamLength: 200 },
    // Malformed URLs (bad percent-encoding, over-long parameters) get the envelope too.
    frameworkErrors: (err, request, reply) => {
      request.lang = langOf(request.headers['accept-language']);
      reply.header('x-request-id', request.id);
      sendError(err, request, reply);
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler<z.ZodType>(({ schema, httpPart }) => (data) => {
    const bad = unstorableTextPath(data);
    if (bad) {
      const issue = { code: 'custom', path: bad, input: undefined, message: UNSTORABLE } as const;
      return { error: new RequestValidationError([issue], httpPart ?? 'body') };
    }
    const r = schema.safeParse(data);
    if (r.success) return { value: r.data };
    return { error: new RequestValidationError(r.error.issues, httpPart ?? 'body') };
  });
  app.setSerializerCompiler(serializerCompiler);

  app.decorateRequest('lang', 'zh');
  app.decorateRequest('actor', null);
  app.decorateRequest('session', null);
  app.decorateRequest('ctx', function (this: import('fastify').FastifyRequest) {
    if (!this.actor) throw new AppError('AUTH_REQUIRED');
    return {
      actor: this.actor,
      lang: this.lang,
      audit: {
        actorId: this.actor.userId,
        actorName: this.actor.username,
        ip: this.ip ?? null,
        requestId: this.id,
      },
    };
  });

  await app.register(cookie);

  // Every /api route must say who may call it.
  const undeclared: string[] = [];
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || route.url.startsWith('/api/docs')) return;
    if (route.method === 'HEAD') return;
    const permission = route.config?.permission;
    if (!permission) undeclared.push(`${route.method} ${route.url}`);
    else if (
      permission !== 'public' &&
      permission !== 'authenticated' &&
      !services.registry.has(permission)
    ) {
      undeclared.push(`${route.method} ${route.url} (unknown permission ${permission})`);
    }
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Jiayuan API',
        version: '0.1.0',
        description: 'Community governance platform. Errors: docs/errors.md. Lists: page, pageSize, sort, q.',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  app.addHook('onRequest', async (request, reply) => {
    request.lang = langOf(request.headers['accept-language']);
    reply.header('x-request-id', request.id);
    const token = request.cookies[SESSION_COOKIE];
    if (token && request.url.startsWith('/api/')) {
      const resolved = await resolveSession(
        services.db,
        token,
        services.clock.now(),
        await services.settings.security(),
      );
      if (resolved) {
        request.actor = resolved.actor;
        request.session = resolved.session;
      }
    }
  });

  // A compressed body (Content-Encoding: gzip, br …) is refused before it is read: nothing here
  // decodes one, so it could only be misread, and a decoder is where a small body becomes a huge
  // one (issue 14). RFC 9110: 415 for a content coding the server does not accept.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const coding = request.headers['content-encoding'];
    const hasBody =
      request.headers['transfer-encoding'] !== undefined ||
      Number(request.headers['content-length'] ?? 0) > 0;
    if (hasBody && coding !== undefined && !/^\s*(identity\s*)?$/i.test(coding))
      throw new AppError('UNSUPPORTED_CONTENT_ENCODING');
    return payload;
  });

  // Before validation: who may call comes first, so a stranger learns nothing from input errors.
  app.addHook('preValidation', async (request) => {
    const config = request.routeOptions.config;
    const permission = config?.permission;
    if (!permission || permission === 'public') return;
    const session = request.session;
    if (!request.actor || !session) throw new AppError('AUTH_REQUIRED');
    // A request another site made the user's browser send (any method: an identifier search is a
    // GET that writes its audit entry and spends a limit) is refused; browsers mark it
    // Sec-Fetch-Site: cross-site. Writes also need the CSRF token below.
    if (request.headers['sec-fetch-site'] === 'cross-site') throw new AppError('CSRF_FAILED');
    if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || sent !== session.csrfToken) throw new AppError('CSRF_FAILED');
    }
    if (session.mfaPending && !config.duringMfa) throw new AppError('MFA_REQUIRED');
    if (session.mustChangePassword && !config.duringPasswordChange)
      throw new AppError('PASSWORD_CHANGE_REQUIRED');
    if (permission !== 'authenticated' && !request.actor.can(permission)) throw new AppError('FORBIDDEN');
  });

  // Then one clean-up of every text a client sends, before any route's validation sees it: every
  // string of the JSON body and the query loses bidi controls, zero-width and control characters
  // (tab and line feed kept), is NFC and trimmed (contract/text.ts, the import's too); passwords
  // are left as typed (docs/security.md "input"). Text that cannot be stored at all (NUL, unpaired
  // surrogates) is left for the validator to refuse.
  app.addHook('preValidation', async (request) => {
    const body: unknown = request.body;
    if (body !== undefined && body !== null && !unstorableTextPath(body))
      request.body = cleanRequestText(body);
    const query: unknown = request.query;
    if (query && typeof query === 'object' && !unstorableTextPath(query))
      request.query = cleanRequestText(query) as typeof request.query;
  });

  const webDir = opts.webDir === undefined ? path.resolve('dist/web') : opts.webDir;
  const hasWeb = webDir !== null && existsSync(path.join(webDir, 'index.html'));
  const inlineScripts = hasWeb
    ? inlineScriptHashes(readFileSync(path.join(webDir!, 'index.html'), 'utf8'))
    : '';

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('permissions-policy', 'geolocation=(self), camera=(self), microphone=()');
    if (request.protocol === 'https')
      reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    if (request.url.startsWith('/api/docs')) {
      reply.header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
      );
    } else {
      const tile = services.config.tileUrl
        ? ` ${new URL(services.config.tileUrl.replace(/[{}]/g, '')).origin}`
        : '';
      reply.header(
        'content-security-policy',
        `default-src 'self'; img-src 'self' data: blob:${tile}; style-src 'self' 'unsafe-inline'; script-src 'self'${inlineScripts}; connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'`,
      );
    }
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.setErrorHandler((err, request, reply) => sendError(err, request, reply));

  // Modules' routes under /api.
  for (const m of modules) {
    if (m.routes) await app.register(m.routes, { prefix: '/api', services });
    if (m.rootRoutes) await app.register(m.rootRoutes, { services });
  }

  app.get('/api/openapi.json', { config: { permission: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: webDir!,
      prefix: '/',
      wildcard: true,
      index: ['index.html'],
      // The build wrote x.br and x.gz beside each text asset (vite.config.ts): sent by Accept-Encoding,
      // with Vary: accept-encoding; the plain file when the client takes neither.
      preCompressed: true,
      setHeaders(res, filePath) {
        if (filePath.includes(`${path.sep}assets${path.sep}`)) {
          res.header('cache-control', 'public, max-age=31536000, immutable');
        } else res.header('cache-control', 'no-cache');
      },
    });
  }

  app.setNotFoundHandler((request, reply) => {
    const url = request.url;
    if (
      url.startsWith('/api/') ||
      url === '/api' ||
      url.startsWith('/open311/') ||
      !hasWeb ||
      request.method !== 'GET'
    ) {
      return sendError(new AppError('ROUTE_NOT_FOUND'), request, reply);
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });

  await app.ready();
  if (undeclared.length > 0) {
    throw new Error(`routes without a declared permission:\n  ${undeclared.join('\n  ')}`);
  }
  return app;
}

/**
 * The CSP sources that allow index.html's own inline scripts (the quick sign-in and the route
 * preloads, see there) and nothing else: one `'sha256-…'` per script, read from the built file.
 */
export function inlineScriptHashes(html: string): string {
  let out = '';
  for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
    out += ` 'sha256-${createHash('sha256').update(m[1]!, 'utf8').digest('base64')}'`;
  }
  return out;
}
