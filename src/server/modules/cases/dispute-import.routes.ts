import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ImportJob, LedgerImportQuery } from '../../../contract/registry.js';
import {
  importJobOf,
  LEDGER_UPLOAD_MAX,
  requireImportArea,
  sendTemplate,
  withLedgerUpload,
} from '../../engines/sheets/index.js';
import { multipartOptions } from '../../platform/http/upload.js';
import type { Services } from '../../platform/services.js';
import { disputeImport } from './dispute-import.js';

/** The disputes ledger's template and import (dispute-import.ts). */
export const disputeImportRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services: s },
) => {
  const tags = ['cases'];
  const imports = disputeImport(s);

  app.get(
    '/disputes/import/template',
    {
      config: { permission: 'dispute.report' },
      schema: { tags, summary: 'The disputes ledger template (.xlsx)' },
    },
    async (req, reply) => {
      const ctx = req.ctx();
      const body = await imports.template(ctx.lang);
      return sendTemplate(reply, body, ctx.lang === 'zh' ? '矛盾纠纷导入模板' : 'disputes-template');
    },
  );

  // Multipart is parsed only where a file is expected (other routes refuse it as 415).
  await app.register(async (upload) => {
    await upload.register(multipart, multipartOptions(LEDGER_UPLOAD_MAX));
    upload.post(
      '/disputes/import',
      {
        config: { permission: 'dispute.report', upload: { field: 'file', maxBytes: LEDGER_UPLOAD_MAX } },
        schema: {
          tags,
          summary: 'Import a disputes ledger (.xlsx/.csv): each row a dispute through the case engine',
          querystring: LedgerImportQuery,
          response: { 200: ImportJob },
        },
      },
      async (req) => {
        const ctx = req.ctx();
        const id = await withLedgerUpload(req, ctx.lang, (file, name) =>
          imports.importDisputes(
            ctx,
            file,
            name,
            requireImportArea((req.query as { areaId?: number }).areaId, ctx.lang),
          ),
        );
        return importJobOf(s, ctx, id);
      },
    );
  });
};
