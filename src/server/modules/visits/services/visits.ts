import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { z } from 'zod';
import { type TagCode, tagPermission } from '../../../../contract/tags.js';
import type { FormField, VisitCreate, VisitListQuery } from '../../../../contract/visits.js';
import { chinaDate } from '../../../engines/calendar/calendar.js';
import { AppError } from '../../../platform/errors/app-error.js';
import { type Ctx, inTx } from '../../../platform/services.js';
import { nextDue } from '../visits.plans.js';
import { presentVisits } from '../visits.presenter.js';
import { visitsRepo } from '../visits.repository.js';
import { field, type VisitsContext } from './common.js';

/** Recording a visit (answers to the rule's form, the plan moved on) and reading visits. */
export function visitRecordsService({ s, timings }: VisitsContext) {
  /** Visits by id, as the actor may read them, in the order given: three queries for a page. */
  async function visitsById(ctx: Ctx, ids: number[]) {
    if (!ids.length) return [];
    return presentVisits(ids, await visitsRepo(s.db).visitsById(ctx.actor, ids));
  }

  return {
    async recordVisit(ctx: Ctx, input: VisitCreate, idempotencyKey?: string) {
      const timing = await timings.get();
      const now = s.clock.now();
      const visitedAt = input.visitedAt ? new Date(input.visitedAt) : now;
      if (visitedAt.getTime() > now.getTime() + 5 * 60_000)
        throw field('visitedAt', '走访时间不能晚于现在', 'The visit cannot be in the future', ctx.lang);
      if (visitedAt.getTime() < now.getTime() - 30 * 86_400_000)
        throw field(
          'visitedAt',
          '只能补录 30 天内的走访',
          'Only visits of the last 30 days can be recorded',
          ctx.lang,
        );
      const key = idempotencyKey ? `visit:${idempotencyKey}` : null;
      const bodyHash = createHash('sha256').update(JSON.stringify(input)).digest('hex');
      return inTx(s, ctx, async (trx, audit) => {
        const repo = visitsRepo(trx);
        if (key) {
          await sql`SELECT pg_advisory_xact_lock(hashtext(${`${ctx.actor.userId}:${key}`}))`.execute(trx);
          const prior = await trx
            .selectFrom('idempotencyKeys')
            .select(['bodyHash', 'entityId'])
            .where('userId', '=', ctx.actor.userId)
            .where('key', '=', key)
            .executeTakeFirst();
          if (prior) {
            if (prior.bodyHash !== bodyHash) throw new AppError('IDEMPOTENCY_MISMATCH');
            return { id: prior.entityId, replayed: true };
          }
        }
        const person = await repo.visitablePerson(ctx.actor, input.personId);
        if (!person)
          throw field(
            'personId',
            '人员不存在或不在您的范围内',
            'Unknown person or outside your scope',
            ctx.lang,
          );
        let rule: {
          id: number;
          tags: string[];
          form: FormField[];
          intervalUnit: string;
          intervalCount: number;
        } | null = null;
        let plan: { id: number; dueOn: string; lastVisitOn: string | null } | null = null;
        if (input.ruleId) {
          const r = await repo.ruleById(input.ruleId);
          const pl = r ? await repo.planForUpdate(r.id, person.id) : undefined;
          // A plan under tags the actor may not see does not exist for them (a 403 here would tell
          // that the person carries the tag); the paired visitor of a pair rule needs no tag.
          const paired = r?.visitor === 'pair' && (await repo.isPaired(person.id, ctx.actor.userId));
          if (!r || !pl || !(paired || r.tags.every((t) => ctx.actor.can(tagPermission(t as TagCode)))))
            throw field('ruleId', '该人员没有此走访计划', 'No such visit plan for this person', ctx.lang);
          rule = {
            id: r.id,
            tags: r.tags,
            form: r.form as FormField[],
            intervalUnit: r.intervalUnit,
            intervalCount: r.intervalCount,
          };
          plan = { id: pl.id, dueOn: pl.dueOn as string, lastVisitOn: pl.lastVisitOn as string | null };
        }
        // The rule's form: required answers present, choices among the options, nothing else.
        const fields = rule?.form ?? [];
        for (const k of Object.keys(input.form))
          if (!fields.some((f) => f.key === k))
            throw field(`form.${k}`, '表单中没有该项', 'No such form field', ctx.lang);
        for (const f of fields) {
          const v = input.form[f.key];
          if (f.required && (v === undefined || v === ''))
            throw field(`form.${f.key}`, `请填写“${f.label}”`, `"${f.label}" is required`, ctx.lang);
          if (v === undefined) continue;
          if (f.kind === 'yesno' && typeof v !== 'boolean')
            throw field(`form.${f.key}`, '请选择是或否', 'Answer yes or no', ctx.lang);
          if (f.kind !== 'yesno' && typeof v !== 'string')
            throw field(`form.${f.key}`, '请填写文字', 'Text expected', ctx.lang);
          if (f.kind === 'choice' && !(f.options ?? []).includes(v as string))
            throw field(`form.${f.key}`, '请从选项中选择', 'Pick one of the options', ctx.lang);
        }
        const id = await repo.insertVisit({
          personId: person.id,
          ruleId: rule?.id ?? null,
          areaId: person.areaId,
          areaPath: person.path,
          tags: rule?.tags ?? [],
          visitorUserId: ctx.actor.userId,
          visitedAt,
          dueOn: plan?.dueOn ?? null,
          method: input.method,
          met: input.met,
          findings: input.findings,
          form: JSON.stringify(input.form),
          lat: input.location?.lat ?? null,
          lng: input.location?.lng ?? null,
        });
        if (plan && rule) {
          const day = chinaDate(visitedAt);
          const last = plan.lastVisitOn && plan.lastVisitOn > day ? plan.lastVisitOn : day;
          await repo.movePlan(plan.id, last, nextDue(timing.calendar, rule, last));
        }
        if (input.attachmentIds?.length) {
          const linked = await repo.linkAttachments(id, input.attachmentIds, ctx.actor.userId);
          if (linked !== new Set(input.attachmentIds).size)
            throw field(
              'attachmentIds',
              '附件不存在或已被使用',
              'Unknown or already used attachment',
              ctx.lang,
            );
        }
        if (key)
          await trx
            .insertInto('idempotencyKeys')
            .values({ userId: ctx.actor.userId, key, bodyHash, entityId: id })
            .execute();
        await audit({
          action: 'visit.record',
          entityType: 'visit',
          entityId: id,
          detail: { personId: person.id, ruleId: rule?.id ?? null },
        });
        return { id, replayed: false };
      });
    },

    visitsById,

    async visit(ctx: Ctx, id: number) {
      const [v] = await visitsById(ctx, [id]);
      if (!v) throw new AppError('NOT_FOUND');
      return v;
    },

    /** `countCap`: an export's row cap, so its count is exact up to it (never an estimate under it). */
    async visits(ctx: Ctx, q: z.infer<typeof VisitListQuery>, opts: { countCap?: number } = {}) {
      const { ids, total, exact } = await visitsRepo(s.db).visitIds(ctx.actor, q, opts);
      return { items: await visitsById(ctx, ids), total, totalExact: exact };
    },
  };
}
