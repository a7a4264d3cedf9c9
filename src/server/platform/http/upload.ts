import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.js';

/**
 * The one multipart reader of the app (issue 14). A route that takes a file declares it,
 * `config: { upload: { field: 'file', maxBytes } }`, registers @fastify/multipart with
 * `multipartOptions(maxBytes)` in its own encapsulated plugin (every other route keeps refusing
 * multipart with 415), and calls `receiveFile`. Whatever the client sends, the answer is a 4xx:
 * a body that is not multipart 415, a file over the limit 413 BODY_TOO_LARGE, a truncated or
 * malformed body (busboy's "Unexpected end of form", "Malformed part header", a missing
 * boundary) 400 UPLOAD_MALFORMED — never the 500 a stream error would otherwise become.
 */
export interface UploadSpec {
  /** The form field that carries the file. */
  field: string;
  maxBytes: number;
}

export function multipartOptions(maxBytes: number) {
  return { limits: { fileSize: maxBytes, files: 1, fields: 10, parts: 11 } };
}

export interface ReceivedFile {
  /** The file name the client gave (untrusted). */
  filename: string;
  size: number;
  sha256: string;
}

const TOO_LARGE = new Set([
  'FST_REQ_FILE_TOO_LARGE',
  'FST_PARTS_LIMIT',
  'FST_FILES_LIMIT',
  'FST_FIELDS_LIMIT',
]);

/** What a failure of the multipart stream itself means to the client. */
export function uploadError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  const err = e as { statusCode?: number; code?: string };
  if (err?.statusCode === 413 || (err?.code && TOO_LARGE.has(err.code)))
    return new AppError('BODY_TOO_LARGE');
  return new AppError('UPLOAD_MALFORMED');
}

/**
 * Streams the request's file to `dest` (mode 0600), counting and hashing it. Returns null when
 * the body holds no file; refusals leave no file behind.
 */
export async function receiveFile(req: FastifyRequest, dest: string): Promise<ReceivedFile | null> {
  const spec = req.routeOptions.config.upload;
  if (!spec) throw new Error(`${req.method} ${req.routeOptions.url}: receiveFile needs config.upload`);
  if (!req.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  let part: Awaited<ReturnType<typeof req.file>>;
  try {
    part = await req.file();
  } catch (e) {
    throw uploadError(e);
  }
  if (!part) return null;
  const hash = createHash('sha256');
  let size = 0;
  // An error of the incoming stream is the client's; one of the disk is ours (a 500).
  let incoming: unknown = null;
  part.file.once('error', (e) => {
    incoming ??= e;
  });
  const count = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  try {
    await pipeline(part.file, count, createWriteStream(dest, { mode: 0o600 }));
    if (part.file.truncated) throw new AppError('BODY_TOO_LARGE');
  } catch (e) {
    await rm(dest, { force: true });
    if (e instanceof AppError) throw e;
    // (The body may have failed before this function listened: busboy had already read it.)
    incoming ??= part.file.errored;
    if (incoming) throw uploadError(incoming);
    throw e;
  }
  return { filename: part.filename ?? '', size, sha256: hash.digest('hex') };
}
