import { TAGS, type TagCode, tagPermission } from '../../../../contract/tags.js';
import type { VisitRuleInput } from '../../../../contract/visits.js';
import { exportLedger } from '../../../engines/sheets/index.js';
import type { Conn } from '../../../platform/db/index.js';
import { AppError } from '../../../platform/errors/app-error.js';
import { type Ctx, inTx } from '../../../platform/services.js';
import { maskDigits } from '../visits.export.js';
import { redatePlans, refreshPlans } from '../visits.plans.js';
import { presentRule } from '../visits.presenter.js';
import { type RuleRow, visitsRepo } from '../visits.repository.js';
import { field, type VisitsContext } from './common.js';

/** Rows one pairings export may hold. */
export const PAIR_EXPORT_CAP = 20_000;

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

    /**
     * The visit rules as .xlsx (the same scope as the list): tags, interval, visitor and form in
     * words, with the number of open plans; audited as `visit_rule.export`.
     */
    async exportRules(ctx: Ctx, areaId?: number) {
      const zh = ctx.lang === 'zh';
      const l = zh ? 'zh' : 'en';
      const load = () => this.rules(ctx, areaId);
      const UNIT: Record<string, [string, string]> = {
        week: ['周', 'week(s)'],
        month: ['月', 'month(s)'],
        quarter: ['季度', 'quarter(s)'],
        wday: ['个工作日', 'working day(s)'],
      };
      const VISITOR: Record<string, [string, string]> = {
        grid_worker: ['所在网格的网格员', 'The grid worker of their grid'],
        pair: ['结对帮扶人', 'Their paired helper'],
      };
      const yes = zh ? '是' : 'Yes';
      const no = zh ? '否' : 'No';
      return exportLedger(s, ctx, {
        action: 'visit_rule.export',
        entityType: 'visit_rule',
        query: { areaId },
        count: async () => (await load()).length,
        async *rows(n) {
          for (const r of (await load()).slice(0, n)) {
            const unit = UNIT[r.intervalUnit]?.[zh ? 0 : 1] ?? r.intervalUnit;
            yield {
              name: r.name,
              areaName: r.areaName,
              tags: r.tags.map((c) => (c in TAGS ? TAGS[c as TagCode][l] : c)).join(zh ? '、' : ', '),
              interval: zh ? `每 ${r.intervalCount} ${unit}` : `every ${r.intervalCount} ${unit}`,
              minAge: r.minAge,
              visitor: VISITOR[r.visitor]?.[zh ? 0 : 1] ?? r.visitor,
              mustVisit: r.mustVisit ? yes : no,
              active: r.active ? yes : no,
              form: r.form.map((f) => f.label).join(zh ? '、' : ', '),
              planCount: r.planCount,
            };
          }
        },
        sheetName: zh ? '走访规则' : 'Visit rules',
        fileName: zh ? '走访规则' : 'visit rules',
        asciiName: 'visit-rules',
        columns: zh
          ? [
              { header: '规则名称', key: 'name', width: 18 },
              { header: '适用区域', key: 'areaName', width: 16 },
              { header: '对象标签', key: 'tags', width: 20 },
              { header: '走访周期', key: 'interval', width: 14 },
              { header: '最低年龄', key: 'minAge', width: 8 },
              { header: '走访人', key: 'visitor', width: 16 },
              { header: '必访', key: 'mustVisit', width: 6 },
              { header: '启用', key: 'active', width: 6 },
              { header: '记录表字段', key: 'form', width: 30 },
              { header: '待走访计划数', key: 'planCount', width: 10 },
            ]
          : [
              { header: 'Rule', key: 'name', width: 20 },
              { header: 'Area', key: 'areaName', width: 16 },
              { header: 'Tags', key: 'tags', width: 22 },
              { header: 'Interval', key: 'interval', width: 16 },
              { header: 'Minimum age', key: 'minAge', width: 10 },
              { header: 'Visitor', key: 'visitor', width: 22 },
              { header: 'Must visit', key: 'mustVisit', width: 8 },
              { header: 'Active', key: 'active', width: 8 },
              { header: 'Form fields', key: 'form', width: 30 },
              { header: 'Plans', key: 'planCount', width: 8 },
            ],
      });
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

    /**
     * The pairings ledger (结对帮扶) as .xlsx on the sheets engine: the same scope as the list, the
     * page's search (person or helper name) applied, digits in notes masked, in the asker's language.
     */
    async exportPairs(ctx: Ctx, q: { personId?: number; userId?: number; q?: string }) {
      const zh = ctx.lang === 'zh';
      const text = q.q?.trim();
      let rows: Awaited<ReturnType<ReturnType<typeof visitsRepo>['pairs']>> | undefined;
      const load = async () => {
        rows ??= (await visitsRepo(s.db).pairs(ctx.actor, q, PAIR_EXPORT_CAP + 1)).filter(
          (p) => !text || p.personName.includes(text) || p.userName.includes(text),
        );
        return rows;
      };
      return exportLedger(s, ctx, {
        action: 'visit_pair.export',
        entityType: 'visit_pair',
        query: { ...q, q: text ? maskDigits(text) : undefined },
        count: async () => (await load()).length,
        async *rows(n) {
          for (const p of (await load()).slice(0, n))
            yield {
              personName: p.personName,
              userName: p.userName,
              note: p.note ? maskDigits(p.note) : null,
            };
        },
        cap: PAIR_EXPORT_CAP,
        sheetName: zh ? '结对帮扶' : 'Pairings',
        fileName: zh ? '结对帮扶' : 'pairings',
        asciiName: 'visit-pairs',
        columns: zh
          ? [
              { header: '帮扶对象', key: 'personName', width: 12 },
              { header: '帮扶人', key: 'userName', width: 12 },
              { header: '备注', key: 'note', width: 36 },
            ]
          : [
              { header: 'Person', key: 'personName', width: 14 },
              { header: 'Helper', key: 'userName', width: 14 },
              { header: 'Note', key: 'note', width: 36 },
            ],
      });
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
