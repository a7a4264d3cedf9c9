import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyRequest } from 'fastify';
import type { Selectable } from 'kysely';
import type { CaseAttachmentsTable } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import { receiveFile } from '../../platform/http/upload.js';
import type { Ctx, Services } from '../../platform/services.js';

/**
 * A module whose records carry files declares it in its manifest (`files`): the column of
 * `case_attachments` that links a file to one of its records, and who may read that record.
 * The engine asks the owner, never imports it.
 */
export interface FileOwner {
  column: Extract<keyof Selectable<CaseAttachmentsTable>, `${string}Id`>;
  /** Whether the actor may read the record (and so its files); false answers 404. */
  mayRead(s: Services, ctx: Ctx, recordId: number): Promise<boolean>;
}

declare module '../../platform/module.js' {
  interface ModuleManifest {
    /** Records of this module that carry files, and who may read them (engines/files). */
    files?: FileOwner[];
  }
}

/** The columns that claim a file for a record, in the order they are looked at. */
const LINKS: FileOwner['column'][] = ['caseId', 'visitId', 'publicationId'];

const owners = new WeakMap<Services, FileOwner[]>();

/** Called once at start with every module's declared owners (boot.ts). */
export function registerFileOwners(s: Services, declared: FileOwner[]): void {
  for (const o of declared)
    if (!LINKS.includes(o.column))
      throw new Error(`files: ${o.column} is not a link column of case_attachments`);
  owners.set(s, declared);
}

export const MAX_ATTACHMENT = 10 * 1024 * 1024;

/** The type of a file from its first bytes; the name and the declared type are not trusted. */
export function sniffType(head: Buffer): { mime: string; ext: string } | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff)
    return { mime: 'image/jpeg', ext: 'jpg' };
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return { mime: 'image/png', ext: 'png' };
  if (head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP')
    return { mime: 'image/webp', ext: 'webp' };
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return { mime: 'application/pdf', ext: 'pdf' };
  return null;
}

/**
 * Photos and documents on local disk (DATA_DIR/uploads, not served statically): an upload is
 * stored first, unlinked, then claimed by the create or step of the record that names it (a case,
 * a visit); reading one is asked of the module owning that record (`FileOwner.mayRead`).
 */
export function attachmentStore(s: Services) {
  const root = path.join(s.config.dataDir, 'uploads');
  const bad = (ctx: Ctx, zh: string, en: string) =>
    new AppError('ATTACHMENT_BAD_FILE', { reason: ctx.lang === 'zh' ? zh : en });

  return {
    async upload(ctx: Ctx, req: FastifyRequest) {
      const day = new Date().toISOString().slice(0, 7);
      const dir = path.join(root, day);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const key = `${day}/${randomBytes(16).toString('hex')}`;
      const tmp = path.join(root, `${key}.part`);
      // The shared multipart reader: truncated or malformed bodies are 400, oversized 413.
      const got = await receiveFile(req, tmp);
      if (!got) throw bad(ctx, '没有文件', 'no file');
      try {
        if (got.size === 0) throw bad(ctx, '文件为空', 'empty file');
        const fh = await open(tmp, 'r');
        const head = Buffer.alloc(16);
        await fh.read(head, 0, 16, 0);
        await fh.close();
        const type = sniffType(head);
        if (!type)
          throw bad(
            ctx,
            '只接受 JPEG、PNG、WebP 图片或 PDF 文件',
            'only JPEG, PNG, WebP images or PDF files',
          );
        await rename(tmp, path.join(root, key));
        const name =
          path
            .basename((got.filename || `file.${type.ext}`).replace(/\\/g, '/'))
            .replace(/\p{Cc}/gu, '')
            .trim()
            .slice(0, 100) || `file.${type.ext}`;
        const row = await s.db
          .insertInto('caseAttachments')
          .values({
            uploadedBy: ctx.actor.userId,
            name,
            mime: type.mime,
            size: got.size,
            sha256: got.sha256,
            storageKey: key,
          })
          .returning(['id', 'name', 'mime', 'size'])
          .executeTakeFirstOrThrow();
        return { ...row, url: `/api/cases/attachments/${row.id}` };
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
    },

    /** The file of an attachment the actor may see: their own unclaimed upload, or one of a record its owner lets them read. */
    async open(ctx: Ctx, id: number) {
      const a = await s.db.selectFrom('caseAttachments').selectAll().where('id', '=', id).executeTakeFirst();
      if (!a) throw new AppError('NOT_FOUND');
      // The record the file is claimed by (the first link set: a case before a visit); a link
      // no module declares is refused (fail closed), an unclaimed file is its uploader's only.
      const link = LINKS.find((c) => a[c] !== null);
      if (link) {
        const owner = (owners.get(s) ?? []).find((o) => o.column === link);
        if (!owner || !(await owner.mayRead(s, ctx, a[link] as number))) throw new AppError('NOT_FOUND');
      } else if (a.uploadedBy !== ctx.actor.userId) throw new AppError('NOT_FOUND');
      const file = path.join(root, a.storageKey);
      await stat(file).catch(() => {
        throw new AppError('NOT_FOUND');
      });
      return { stream: createReadStream(file), mime: a.mime, name: a.name, size: a.size };
    },
  };
}
