import { type TagCode, tagPermission } from '../../../../contract/tags.js';
import type { VisitRuleInput } from '../../../../contract/visits.js';
import type { Conn } from '../../../platform/db/index.js';
import { AppError } from '../../../platform/errors/app-error.js';
import { type Ctx, inTx } from '../../../platform/services.js';
import { redatePlans, refreshPlans } from '../visits.plans.js';
import { presentRule } from '../visits.presenter.js';
import { type RuleRow, visitsRepo } from '../visits.repository.js';
import { field, type VisitsContext } from './common.js';

/** Visit rules (who is visited how often, with which form) and pairings (结对帮扶). */
export function rulesService({ s, timings, today }: VisitsContext) {
  async function ruleRow(conn: Conn, ctx: Ctx, id: number, forUpdate = false): Promise<RuleRow> {
    const r = await visitsRepo(conn).rule(ctx.actor, id, forUpdate);
    if (!r) throw new AppError('NOT_FOUND');
    return r;
  }

  async function present(conn: Conn, ctx: Ctx, r: RuleRow) {
    return presentRule(ctx.actor, r, await visitsRepo(conn).planCount(r.id));
  }

  function checkRuleInput(ctx: Ctx, input: VisitRuleInput) {
    const keys = new Set<string>();
    input.form.forEach((f, i) => {
      if (keys.has(f.key)) throw field(`form.${i}.key`, '字段键重复', 'Duplicate field key', ctx.lang);
      keys.add(f.key);
      if (f.kind === 'choice' && (!f.options || f.options.length < 2))
        throw field(
          `form.${i}.options`,
          '选择题至少需要两个选项',
          'A choice needs at least two options',
          ctx.lang,
        );
    });
    // A repeated tag could never match (the plan SQL counts distinct tags against cardinality).
    if (new Set(input.tags).size !== input.tags.length)
      throw field('tags', '标签重复', 'Duplicate tag', ctx.lang);
    for (const t of input.tags)
      if (!ctx.actor.can(tagPermission(t as TagCode)))
        throw field('tags', '无权使用该标签', 'You may not use this tag', ctx.lang);
  }

  async function manageableArea(conn: Conn, ctx: Ctx, areaId: number) {
    const a = await visitsRepo(conn).manageableArea(ctx.actor, areaId);
    if (!a)
      throw field('areaId', '所选区域不存在或不在您的范围内', 'Unknown area or outside your scope', ctx.lang);
    return a;
  }

  return {
    // —— rules ——

    /** Rules over the actor's areas or above them (a grid worker sees the community's rules). */
    async rules(ctx: Ctx, areaId?: number) {
      const rows = await visitsRepo(s.db).rules(ctx.actor, areaId);
      return Promise.all(rows.map((r) => present(s.db, ctx, r)));
    },

    async createRule(ctx: Ctx, input: VisitRuleInput) {
      checkRuleInput(ctx, input);
      const timing = await timings.get();
      return inTx(s, ctx, async (trx, audit) => {
        await manageableArea(trx, ctx, input.areaId);
        const id = await visitsRepo(trx).insertRule({
          ...input,
          minAge: input.minAge ?? null,
          form: JSON.stringify(input.form),
          tags: input.tags,
        });
        const r = await refreshPlans(trx, timing.calendar, { ruleIds: [id] }, today());
        await audit({
          action: 'visit_rule.create',
          entityType: 'visit_rule',
          entityId: id,
          detail: { ...input, form: undefined, plans: r.inserted },
        });
        return present(trx, ctx, await ruleRow(trx, ctx, id));
      });
    },

    async updateRule(ctx: Ctx, id: number, version: number, input: VisitRuleInput) {
      checkRuleInput(ctx, input);
      const timing = await timings.get();
      return inTx(s, ctx, async (trx, audit) => {
        const before = await ruleRow(trx, ctx, id, true);
        if (!ctx.actor.canAt('visit.manage', before.areaPath)) throw new AppError('FORBIDDEN');
        if (before.version !== version) throw new AppError('STALE_VERSION');
        await manageableArea(trx, ctx, input.areaId);
        await visitsRepo(trx).updateRule(id, {
          ...input,
          minAge: input.minAge ?? null,
          form: JSON.stringify(input.form),
          version: version + 1,
          updatedAt: s.clock.now(),
        });
        const r = await refreshPlans(trx, timing.calendar, { ruleIds: [id] }, today());
        await redatePlans(trx, timing.calendar, [id]);
        await audit({
          action: 'visit_rule.update',
          entityType: 'visit_rule',
          entityId: id,
          detail: {
            name: input.name,
            tags: input.tags,
            active: input.active,
            added: r.inserted,
            removed: r.deleted,
          },
        });
        return present(trx, ctx, await ruleRow(trx, ctx, id));
      });
    },

    // —— pairs ——

    async pairs(ctx: Ctx, q: { personId?: number; userId?: number }) {
      return visitsRepo(s.db).pairs(ctx.actor, q);
    },

    async addPair(ctx: Ctx, input: { personId: number; userId: number; note?: string }) {
      return inTx(s, ctx, async (trx, audit) => {
        const repo = visitsRepo(trx);
        const p = await repo.managedPerson(ctx.actor, input.personId);
        if (!p)
          throw field(
            'personId',
            '人员不存在或不在您的范围内',
            'Unknown person or outside your scope',
            ctx.lang,
          );
        const u = await repo.activeUser(input.userId);
        if (!u) throw field('userId', '帮扶人不存在或已停用', 'Unknown or disabled user', ctx.lang);
        const id = await repo.insertPair(p.id, u.id, input.note ?? null);
        if (!id) throw new AppError('DUPLICATE', { field: ctx.lang === 'zh' ? '结对关系' : 'pairing' });
        await audit({
          action: 'visit_pair.create',
          entityType: 'visit_pair',
          entityId: id,
          detail: { personId: p.id, userId: u.id },
        });
        return {
          id,
          personId: p.id,
          personName: p.name,
          userId: u.id,
          userName: u.displayName,
          note: input.note ?? null,
        };
      });
    },

    async removePair(ctx: Ctx, id: number) {
      await inTx(s, ctx, async (trx, audit) => {
        const r = await visitsRepo(trx).deletePair(ctx.actor, id);
        if (!r) throw new AppError('NOT_FOUND');
        await audit({ action: 'visit_pair.delete', entityType: 'visit_pair', entityId: id, detail: r });
      });
    },
  };
}
