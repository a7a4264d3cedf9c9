import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CaseRule, CaseRuleSet } from '../../../contract/cases.js';
import { caseTypesOf } from '../../engines/cases/registry.js';
import { separationFor } from '../../engines/cases/separation.js';
import { AppError } from '../../platform/errors/app-error.js';
import { inTx, type Services } from '../../platform/services.js';

/** The switchable rules of each case type (separation of duties), beside the time limits. */
export const caseRulesRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services: s },
) => {
  const types = caseTypesOf(s);
  const tags = ['cases'];

  app.get(
    '/case-rules',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'The switchable rules of every case type',
        response: { 200: z.array(CaseRule) },
      },
    },
    async () => {
      const sep = await separationFor(s).get();
      return types.codes.map((type) => ({ type, separateVerifier: sep.on(type) }));
    },
  );

  app.put(
    '/case-rules',
    {
      config: { permission: 'case.configure' },
      schema: {
        tags,
        summary: 'Switch separation of duties (the handler may not verify) for a case type',
        body: CaseRuleSet,
        response: { 200: CaseRule },
      },
    },
    async (req) => {
      const ctx = req.ctx();
      const b = req.body;
      if (!types.find(b.type))
        throw new AppError('VALIDATION_FAILED', { fields: 'type' }, [
          {
            path: 'type',
            code: 'custom',
            message: ctx.lang === 'zh' ? '没有这种案件类型' : 'Unknown case type',
          },
        ]);
      const store = separationFor(s);
      await inTx(s, ctx, async (trx, audit) => {
        const before = (await store.get(trx)).on(b.type);
        await store.set(trx, b.type, b.separateVerifier);
        await audit({
          action: 'case_rule.set',
          entityType: 'case_rule',
          entityId: b.type,
          detail: { type: b.type, rule: 'separateVerifier', from: before, to: b.separateVerifier },
        });
      });
      store.invalidate();
      return { type: b.type, separateVerifier: b.separateVerifier };
    },
  );
};
