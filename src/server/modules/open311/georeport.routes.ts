import type { FastifyError, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { caseTypesOf } from '../../engines/cases/registry.js';
import { isDbUnavailable } from '../../platform/db/index.js';
import { AppError, formatMessage } from '../../platform/errors/app-error.js';
import type { Services } from '../../platform/services.js';
import { catalogueOf, presentService } from './open311.catalogue.js';
import { type Format, formatOfUrl, Open311Error, send, sendErrors, splitSuffix } from './open311.format.js';
import { type Form, georeportService } from './open311.service.js';

const FORMATS: Format[] = ['xml', 'json'];
const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const FORM_LIMIT = 64 * 1024;

/** A parsed form body (a JSON body that looks like one is not one). */
class FormBody {
  constructor(readonly pairs: Form) {}
}

const t = (req: FastifyRequest, zh: string, en: string) => (req.lang === 'en' ? en : zh);

/** The absolute URL of this endpoint, from the request's host (a malformed Host gives localhost). */
function baseUrl(req: FastifyRequest): string {
  const host = HOST.test(req.host ?? '') ? req.host : 'localhost';
  return `${req.protocol}://${host}/open311/v2`;
}

/**
 * Open311 GeoReport v2 at /open311/v2 (docs/open311.md): outside /api, without sessions or CSRF.
 * Reads are public; creating a request takes an API key. Every answer, errors included, is in the
 * specification's format, XML or JSON by the path's suffix.
 */
export const georeportRoutes: FastifyPluginAsync<{ services: Services }> = async (root, { services: s }) => {
  const geo = georeportService(s);

  const plugin: FastifyPluginAsync = async (app) => {
    // POST /requests is form-encoded (no @fastify/formbody here): every name=value pair, in order.
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_LIMIT },
      (_req, body, done) => {
        done(null, new FormBody([...new URLSearchParams(body as string).entries()]));
      },
    );

    app.setNotFoundHandler((req, reply) =>
      sendErrors(reply, formatOfUrl(req.url), 404, t(req, '没有该接口', 'No such endpoint')),
    );

    app.setErrorHandler((err, req, reply) => {
      const format = formatOfUrl(req.url);
      if (err instanceof Open311Error) return sendErrors(reply, format, err.status, err.description);
      if (err instanceof AppError && err.status < 500) {
        const status = err.status === 403 || err.status === 404 ? err.status : 400;
        return sendErrors(reply, format, status, formatMessage(err.code, req.lang, err.params));
      }
      if (isDbUnavailable(err)) {
        reply.header('retry-after', '5');
        return sendErrors(reply, format, 503, formatMessage('DB_UNAVAILABLE', req.lang));
      }
      const fe = err as FastifyError;
      if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
        const why =
          fe.statusCode === 413
            ? t(req, '请求体过大', 'The request body is too large')
            : fe.statusCode === 415
              ? t(
                  req,
                  '请以 application/x-www-form-urlencoded 提交',
                  'Send application/x-www-form-urlencoded',
                )
              : t(req, '请求格式不正确', 'Malformed request');
        return sendErrors(reply, format, fe.statusCode === 404 ? 404 : 400, why);
      }
      req.log.error({ err }, 'unhandled error');
      return sendErrors(reply, format, 500, formatMessage('INTERNAL', req.lang, { requestId: req.id }));
    });

    const opts = { config: { permission: 'public' }, schema: { hide: true } };
    /**
     * `name.xml` / `name.json` after a fixed path; another suffix is a 404. A wildcard rather than
     * a parameter: codes contain dots, and an over-long name is a 404 here, not a router error.
     */
    const fileOf = (req: FastifyRequest): [string, Format] => {
      const file = (req.params as { '*'?: string })['*'] ?? '';
      const parsed = splitSuffix(file);
      if (!parsed) throw new Open311Error(404, t(req, '没有该接口', 'No such endpoint'));
      return parsed;
    };
    const query = (req: FastifyRequest) => (req.query ?? {}) as Record<string, unknown>;

    for (const format of FORMATS) {
      app.get(`/discovery.${format}`, opts, async (req, reply) =>
        send(reply, format, 'discovery', geo.discovery(baseUrl(req))),
      );

      app.get(`/services.${format}`, opts, async (_req, reply) =>
        send(reply, format, 'services', catalogueOf(caseTypesOf(s)).services.map(presentService)),
      );

      app.get(`/requests.${format}`, opts, async (req, reply) =>
        send(reply, format, 'service_requests', await geo.list(query(req), req.lang)),
      );

      app.post(`/requests.${format}`, { ...opts, bodyLimit: FORM_LIMIT }, async (req, reply) => {
        if (!(req.body instanceof FormBody))
          throw new Open311Error(
            400,
            t(
              req,
              '请以 application/x-www-form-urlencoded 提交',
              'Send the request as application/x-www-form-urlencoded',
            ),
          );
        const created = await geo.create(req.body.pairs, {
          ip: req.ip ?? null,
          requestId: req.id,
          lang: req.lang,
        });
        return send(reply, format, 'service_requests', created);
      });
    }

    app.get('/services/*', opts, async (req, reply) => {
      const [code, format] = fileOf(req);
      return send(reply, format, 'service_definition', geo.definition(code, req.lang));
    });

    app.get('/requests/*', opts, async (req, reply) => {
      const [no, format] = fileOf(req);
      return send(reply, format, 'service_requests', await geo.get(no, req.lang));
    });

    app.get('/tokens/*', opts, async (req, reply) => {
      const [token, format] = fileOf(req);
      return send(reply, format, 'service_requests', await geo.tokens(token, req.lang));
    });
  };

  await root.register(plugin, { prefix: '/open311/v2' });
};
