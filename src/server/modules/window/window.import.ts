import {
  LIMIT_UNITS,
  limitProblem,
  MATTER_KINDS,
  MATTER_LEVELS,
  MATTER_METHODS,
  MATTER_TYPES,
  type Material,
  type MatterImportResult,
  MatterInput,
  type MatterListQuery,
  NECESSITY,
} from '../../../contract/window.js';
import { exportLedger, headerTable, type RowError, readImport } from '../../engines/sheets/index.js';
import { areaIdInScope } from '../../platform/access/scope.js';
import { AppError } from '../../platform/errors/app-error.js';
import { toIssues } from '../../platform/errors/issues.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';
import { keyOf, matterVisible, type WindowService, wordsOf } from './window.service.js';

/**
 * The county's catalogue arrives as Excel (one row per matter, its materials in one cell). Read on
 * the sheets engine: header synonyms, row errors naming the column, a preview (`confirm=false`
 * writes nothing), then the confirm, which writes every row in one transaction or none — a row
 * whose promised limit is not below the legal one refuses the whole sheet (rule 6).
 */
type F =
  | 'baseCode'
  | 'implCode'
  | 'itemCode'
  | 'name'
  | 'parentName'
  | 'kind'
  | 'type'
  | 'level'
  | 'department'
  | 'implementer'
  | 'basis'
  | 'method'
  | 'conditions'
  | 'legalLimit'
  | 'promisedLimit'
  | 'limitUnit'
  | 'place'
  | 'hours'
  | 'fees'
  | 'contacts'
  | 'materials'
  | 'effectiveOn'
  | 'cancelledOn';

const LABELS: Record<F, [string, string]> = {
  baseCode: ['基本编码', 'Base code'],
  implCode: ['实施编码', 'Implementation code'],
  itemCode: ['业务办理项编码', 'Item code'],
  name: ['事项名称', 'Matter'],
  parentName: ['主项名称', 'Main matter'],
  kind: ['事项层级', 'Hierarchy'],
  type: ['事项类型', 'Type'],
  level: ['行使层级', 'Level'],
  department: ['主管部门', 'Department'],
  implementer: ['实施主体', 'Implementer'],
  basis: ['设定依据', 'Legal basis'],
  method: ['办理方式', 'Handling'],
  conditions: ['受理条件', 'Conditions'],
  legalLimit: ['法定办结时限', 'Legal limit'],
  promisedLimit: ['承诺办结时限', 'Promised limit'],
  limitUnit: ['时限单位', 'Limit unit'],
  place: ['办理地点', 'Place'],
  hours: ['办理时间', 'Hours'],
  fees: ['收费标准', 'Fees'],
  contacts: ['咨询电话', 'Contact'],
  materials: ['申请材料', 'Materials'],
  effectiveOn: ['生效日期', 'Effective on'],
  cancelledOn: ['取消日期', 'Cancelled on'],
};

const HEADERS = headerTable<F>({
  baseCode: ['基本编码', '事项编码', '目录编码', 'base code', 'code'],
  implCode: ['实施编码', '实施清单编码', 'implementation code'],
  itemCode: ['业务办理项编码', '办理项编码', 'item code'],
  name: ['事项名称', '业务办理项名称', '名称', 'matter', 'name'],
  parentName: ['主项名称', '主项', '上级事项'],
  kind: ['事项层级', '事项级别', 'hierarchy'],
  type: ['事项类型', '权力类型', '类型', 'type'],
  level: ['行使层级', '层级', 'level'],
  department: ['主管部门', '部门', '业务部门', 'department'],
  implementer: ['实施主体', '实施机关', 'implementer'],
  basis: ['设定依据', '实施依据', '设定和实施依据', 'basis'],
  method: ['办理方式', '办理形式', 'handling'],
  conditions: ['受理条件', '申请条件', 'conditions'],
  legalLimit: ['法定办结时限', '法定时限', 'legal limit'],
  promisedLimit: ['承诺办结时限', '承诺时限', 'promised limit'],
  limitUnit: ['时限单位', '单位', 'limit unit'],
  place: ['办理地点', '受理地点', 'place'],
  hours: ['办理时间', '受理时间', 'hours'],
  fees: ['收费标准', '是否收费', '收费', 'fees'],
  contacts: ['咨询电话', '咨询方式', '联系电话', 'contact'],
  materials: ['申请材料', '材料清单', '所需材料', 'materials'],
  effectiveOn: ['生效日期', '生效时间', 'effective on'],
  cancelledOn: ['取消日期', '废止日期', 'cancelled on'],
});

/** A label (either language) or code → the code. */
function codeOf<T extends Record<string, [string, string]>>(
  t: T,
  v: string | undefined,
): keyof T | null | undefined {
  if (v === undefined) return undefined;
  const s = v.trim();
  for (const [k, [zh, en]] of Object.entries(t))
    if (s === k || s === zh || s.toLowerCase() === en.toLowerCase()) return k;
  // common short forms: 许可 → 行政许可, 乡级 → street
  for (const [k, [zh]] of Object.entries(t))
    if (zh.includes(s) || s.includes(zh.replace(/级$/, ''))) return k;
  return null;
}

/** "身份证（必要）；申请表；户口簿（容缺可）" → materials. */
export function parseMaterials(cell: string): Material[] {
  return cell
    .split(/[;；\n]+/)
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x) => {
      const m = /^(.*?)[（(]([^）)]*)[）)]\s*$/.exec(x);
      const name = (m ? m[1]! : x).replace(/^\d+[.、]\s*/, '').trim();
      const note = m ? m[2]! : '';
      const necessity = /容缺/.test(note)
        ? 'gap_ok'
        : /非必要|选填|可选/.test(note)
          ? 'optional'
          : 'required';
      const form = /复印/.test(note) ? '复印件' : /电子/.test(note) ? '电子' : '原件';
      return { name: name.slice(0, 100), necessity, form, copies: 1, source: null, review: null } as Material;
    });
}

const normDate = (v: string | undefined) => {
  if (!v) return undefined;
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(v.trim());
  return m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : v.trim();
};
const num = (v: string | undefined) => {
  if (v === undefined || v === '' || v === '无' || v === '即办') return null;
  const m = /^(\d+)/.exec(v.trim());
  return m ? Number(m[1]) : Number.NaN;
};

export function windowImport(s: Services, svc: WindowService) {
  async function run(
    ctx: Ctx,
    file: { path: string },
    fileName: string,
    areaId: number,
    confirm: boolean,
  ): Promise<MatterImportResult> {
    const zh = ctx.lang === 'zh';
    const area = await s.db
      .selectFrom('areas')
      .select('id')
      .where('id', '=', areaId)
      .where(areaIdInScope(ctx.actor, 'window.manage', 'id'))
      .executeTakeFirst();
    if (!area) throw new AppError('NOT_FOUND');
    const read = await readImport(ctx, file, fileName, {
      headers: HEADERS,
      labels: LABELS,
      required: ['baseCode', 'name', 'department'],
      maxRows: 2000,
    });
    const errors: RowError[] = [];
    const parsed: { row: number; input: MatterInput }[] = [];
    const seen = new Map<string, number>();
    const today = svc.today();
    for (const r of read.rows) {
      const raw = read.raw(r.cells);
      const err = (f: F, zhMsg: string, enMsg: string) =>
        errors.push({ row: r.rowNo, column: read.column(f), message: zh ? zhMsg : enMsg });
      const enums: [F, Record<string, [string, string]>][] = [
        ['kind', MATTER_KINDS],
        ['type', MATTER_TYPES],
        ['level', MATTER_LEVELS],
        ['method', MATTER_METHODS],
        ['limitUnit', LIMIT_UNITS],
      ];
      const coded: Record<string, unknown> = {};
      let bad = false;
      for (const [f, t] of enums) {
        const c = codeOf(t, raw[f]);
        if (c === null) {
          bad = true;
          err(
            f,
            `“${raw[f]}”不是可用的取值（${Object.values(t)
              .map((x) => x[0])
              .join('、')}）`,
            `"${raw[f]}" is not one of ${Object.values(t)
              .map((x) => x[1])
              .join(', ')}`,
          );
        } else if (c !== undefined) coded[f] = c;
      }
      const legal = num(raw.legalLimit);
      const promised = num(raw.promisedLimit);
      if (Number.isNaN(legal)) {
        bad = true;
        err('legalLimit', '应为天数', 'Should be a number of days');
      }
      if (Number.isNaN(promised)) {
        bad = true;
        err('promisedLimit', '应为天数', 'Should be a number of days');
      }
      if (bad) continue;
      const candidate = {
        baseCode: raw.baseCode,
        implCode: raw.implCode ?? null,
        itemCode: raw.itemCode ?? null,
        name: raw.name,
        parentName: raw.parentName ?? null,
        department: raw.department,
        implementer: raw.implementer ?? null,
        basis: raw.basis ?? null,
        conditions: raw.conditions ?? null,
        legalLimit: legal,
        promisedLimit: promised,
        place: raw.place ?? null,
        hours: raw.hours ?? null,
        fees: raw.fees ?? null,
        contacts: raw.contacts ?? null,
        materials: raw.materials ? parseMaterials(raw.materials) : [],
        effectiveOn: normDate(raw.effectiveOn) ?? today,
        cancelledOn: normDate(raw.cancelledOn) ?? null,
        ...coded,
      };
      const lp = limitProblem({ legalLimit: legal, promisedLimit: promised }, ctx.lang);
      if (lp) {
        err('promisedLimit', lp, lp);
        continue;
      }
      const p = MatterInput.safeParse(candidate);
      if (!p.success) {
        // zod's words in the request's language (a contract message is bilingual; a built-in one
        // comes from zod's locale), as a 400 would say them.
        for (const i of toIssues(p.error.issues.slice(0, 3), ctx.lang)) {
          const f = (i.path.split('.')[0] || 'name') as F;
          errors.push({
            row: r.rowNo,
            column: LABELS[f] ? read.column(f) : i.path,
            message: i.message,
          });
        }
        continue;
      }
      const key = keyOf(p.data);
      const first = seen.get(key);
      if (first !== undefined) {
        err('baseCode', `与第 ${first} 行编码重复`, `Same codes as row ${first}`);
        continue;
      }
      seen.set(key, r.rowNo);
      parsed.push({ row: r.rowNo, input: p.data });
    }

    const plan = async (conn: typeof s.db) => {
      const current = await conn
        .selectFrom('windowMatters as m')
        .selectAll('m')
        .where('m.areaId', '=', areaId)
        .where('m.current', '=', true)
        .where('m.matterKey', 'in', parsed.length ? parsed.map((p) => keyOf(p.input)) : [''])
        .execute();
      const byKey = new Map(current.map((c) => [c.matterKey, c]));
      return parsed.map((p) => {
        const old = byKey.get(keyOf(p.input));
        return { ...p, old };
      });
    };

    const planned = await plan(s.db);
    const same = (old: Record<string, unknown>, m: MatterInput) =>
      old.name === m.name &&
      old.department === m.department &&
      old.legalLimit === m.legalLimit &&
      old.promisedLimit === m.promisedLimit &&
      JSON.stringify(old.materials) === JSON.stringify(m.materials) &&
      old.effectiveOn === m.effectiveOn &&
      (old.cancelledOn ?? null) === (m.cancelledOn ?? null);
    const rows = planned.map((p) => ({
      row: p.row,
      baseCode: p.input.baseCode,
      name: p.input.name,
      action: (!p.old
        ? 'create'
        : same(p.old as unknown as Record<string, unknown>, p.input)
          ? 'same'
          : 'version') as 'create' | 'version' | 'same',
    }));
    const counts = {
      created: rows.filter((r) => r.action === 'create').length,
      versioned: rows.filter((r) => r.action === 'version').length,
      unchanged: rows.filter((r) => r.action === 'same').length,
    };
    const result = { rows, errors, ...counts };
    if (!confirm) return { confirmed: false, ...result };
    if (errors.length)
      throw new AppError(
        'VALIDATION_FAILED',
        { fields: 'file' },
        errors.slice(0, 50).map((e) => ({
          path: 'file',
          code: 'row',
          message: zh
            ? `第 ${e.row} 行“${e.column}”：${e.message}`
            : `Row ${e.row}, “${e.column}”: ${e.message}`,
        })),
      );
    await inTx(s, ctx, async (trx, audit) => {
      for (const p of await plan(trx)) {
        if (!p.old) await svc.insertIn(trx, ctx, areaId, p.input);
        else if (!same(p.old as unknown as Record<string, unknown>, p.input))
          await svc.versionIn(
            trx,
            ctx,
            p.old as unknown as { id: number; areaId: number; version: number },
            p.input,
          );
      }
      await audit({
        action: 'window_matter.import',
        entityType: 'window_matter',
        detail: { fileName, areaId, ...counts },
      });
    });
    return { confirmed: true, ...result };
  }

  /** The catalogue as .xlsx, in the import's own columns (so an export imports again). */
  async function exportCatalogue(ctx: Ctx, q: Omit<MatterListQuery, 'page' | 'pageSize'>) {
    const w = wordsOf(ctx.lang);
    const where = svc.listWhere(ctx, q);
    const i = ctx.lang === 'zh' ? 0 : 1;
    const keys: F[] = [
      'baseCode',
      'implCode',
      'itemCode',
      'name',
      'parentName',
      'kind',
      'type',
      'level',
      'department',
      'implementer',
      'basis',
      'method',
      'conditions',
      'legalLimit',
      'promisedLimit',
      'limitUnit',
      'place',
      'hours',
      'fees',
      'contacts',
      'materials',
      'effectiveOn',
      'cancelledOn',
    ];
    return exportLedger(s, ctx, {
      action: 'window_matter.export',
      entityType: 'window_matter',
      query: { ...q },
      sheetName: ctx.lang === 'zh' ? '事项目录' : 'Catalogue',
      fileName: ctx.lang === 'zh' ? '事项目录' : 'catalogue',
      asciiName: 'catalogue',
      columns: keys.map((k) => ({
        header: LABELS[k][i],
        key: k,
        width: k === 'materials' || k === 'basis' ? 50 : 16,
      })),
      count: async (cap) => {
        const r = await where(svc.base(s.db))
          .clearSelect()
          .select((e) => e.fn.countAll<number>().as('n'))
          .limit(cap)
          .executeTakeFirst();
        return Math.min(Number(r?.n ?? 0), cap);
      },
      async *rows(n) {
        const rows = await where(svc.base(s.db))
          .where(matterVisible(ctx.actor, 'window.read'))
          .orderBy('m.baseCode')
          .limit(n)
          .execute();
        for (const r of rows) {
          const mats = (r.materials as Material[]) ?? [];
          yield {
            baseCode: r.baseCode,
            implCode: r.implCode,
            itemCode: r.itemCode,
            name: r.name,
            parentName: r.parentName,
            kind: w.kind(r.kind),
            type: w.type(r.type),
            level: w.level(r.level),
            department: r.department,
            implementer: r.implementer,
            basis: r.basis,
            method: w.method(r.method),
            conditions: r.conditions,
            legalLimit: r.legalLimit,
            promisedLimit: r.promisedLimit,
            limitUnit: LIMIT_UNITS[r.limitUnit as 'wday']?.[i] ?? r.limitUnit,
            place: r.place,
            hours: r.hours,
            fees: r.fees,
            contacts: r.contacts,
            materials: mats
              .map((m) => `${m.name}（${NECESSITY[m.necessity][0]}${m.form === '复印件' ? '，复印件' : ''}）`)
              .join('；'),
            effectiveOn: r.effectiveOn,
            cancelledOn: r.cancelledOn,
          };
        }
      },
    });
  }

  return { run, exportCatalogue };
}
