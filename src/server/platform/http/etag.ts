import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.js';

/** Optimistic concurrency: GET sends `ETag: "<version>"`, edits must send it back in If-Match. */
export function setEtag(reply: FastifyReply, version: number) {
  reply.header('etag', `"${version}"`);
}

export function ifMatchVersion(request: FastifyRequest): number {
  const h = request.headers['if-match'];
  if (typeof h !== 'string' || h.trim() === '') throw new AppError('PRECONDITION_REQUIRED');
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(h.trim());
  if (!m) throw new AppError('STALE_VERSION');
  return Number(m[1]);
}
