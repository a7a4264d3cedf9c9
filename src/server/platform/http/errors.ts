import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ErrorEnvelope } from '../../../contract/common.js';
import { isDbUnavailable } from '../db/index.js';
import { AppError, formatMessage } from '../errors/app-error.js';
import type { ErrorCode } from '../errors/catalogue.js';
import { toIssues } from '../errors/issues.js';

/** Thrown by our validator compiler: keeps zod's issues and which part of the request failed. */
export class RequestValidationError extends Error {
  readonly statusCode = 400;
  constructor(
    readonly issues: readonly z.core.$ZodIssue[],
    readonly part: string,
  ) {
    super('validation failed');
  }
}

const PART_PREFIX: Record<string, string | undefined> = {
  body: undefined,
  querystring: 'query',
  params: 'params',
  headers: 'headers',
};

/** The one place errors become the envelope `{code, message, requestId, issues?}`. */
export function sendError(err: unknown, request: FastifyRequest, reply: FastifyReply) {
  const lang = request.lang ?? 'zh';
  let code: ErrorCode = 'INTERNAL';
  let params: Record<string, string | number> = {};
  let issues: ErrorEnvelope['issues'];
  const fe = err as FastifyError & { validation?: unknown };

  if (err instanceof AppError) {
    code = err.code;
    params = err.params;
    issues = err.issues;
  } else if (err instanceof RequestValidationError) {
    code = 'VALIDATION_FAILED';
    issues = toIssues(err.issues, lang, PART_PREFIX[err.part]);
  } else if (
    fe?.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    (fe instanceof SyntaxError && fe.statusCode === 400)
  ) {
    code = 'MALFORMED_JSON';
  } else if (fe?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    code = 'VALIDATION_FAILED';
    issues = [
      { path: 'body', code: 'required', message: lang === 'zh' ? '请求体不能为空' : 'body is required' },
    ];
  } else if (fe?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    code = 'BODY_TOO_LARGE';
  } else if (
    fe?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ||
    fe?.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH'
  ) {
    code = fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'UNSUPPORTED_MEDIA_TYPE' : 'VALIDATION_FAILED';
  } else if (fe?.validation) {
    code = 'VALIDATION_FAILED';
  } else if (isDbUnavailable(err)) {
    code = 'DB_UNAVAILABLE';
    request.log.warn({ err: (err as Error).message }, 'database unavailable');
  } else if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Other client errors raised by Fastify itself (bad URL encoding, header limits …).
    code =
      fe.statusCode === 413
        ? 'BODY_TOO_LARGE'
        : fe.statusCode === 415
          ? 'UNSUPPORTED_MEDIA_TYPE'
          : 'VALIDATION_FAILED';
  } else {
    request.log.error({ err }, 'unhandled error');
  }

  if (code === 'INTERNAL') params = { requestId: request.id };
  if (code === 'VALIDATION_FAILED') {
    const fields = [...new Set((issues ?? []).map((i) => i.path || (lang === 'zh' ? '请求' : 'request')))];
    params = { fields: fields.length ? fields.join(', ') : lang === 'zh' ? '格式不正确' : 'malformed' };
  }
  const envelope: ErrorEnvelope = {
    code,
    message: formatMessage(code, lang, params),
    requestId: request.id,
    ...(issues?.length ? { issues } : {}),
  };
  const status = code === 'VALIDATION_FAILED' ? 400 : new AppError(code).status;
  if (code === 'DB_UNAVAILABLE') reply.header('retry-after', '5');
  // Errors are sent as plain JSON, never through a route's response schema.
  reply.code(status).type('application/json; charset=utf-8').serializer(JSON.stringify).send(envelope);
}
