import { sql } from 'kysely';
import { type Category, DISPUTE_SCALES, DISPUTE_TYPES } from '../../../contract/case-codes.js';
import { type CaseCreate, DisputeCreate } from '../../../contract/cases.js';
import { checkIdNumber, checkPhone, cleanText, toHalfWidth } from '../../../contract/identifiers.js';
import { perm } from '../../engines/cases/definition.js';
import { caseEngine } from '../../engines/cases/engine.js';
import { timingsFor } from '../../engines/cases/timings.js';
import {
  headerTable,
  type ImportCounts,
  ledgerTemplate,
  type RowError,
  readImport,
  recordImport,
} from '../../engines/sheets/index.js';
import { pathInScope } from '../../platform/access/scope.js';
import { AppError, formatMessage } from '../../platform/errors/app-error.js';
import { toIssues } from '../../platform/errors/issues.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';

/**
 * The disputes ledger (矛盾纠纷排查台账) imported in one request: each row becomes a dispute through
 * the case engine — its number, deadlines, notifications and `case.report` audit entry as if it
 * had been registered by hand, one transaction per case — and the import as a whole is recorded
 * (one `dispute.import` entry with its counts, the job and its failed rows for the error sheet).
 */
export const DISPUTE_IMPORT_MAX_ROWS = 500;

const FIELDS = [
  'title',
  'category',
  'description',
  'address',
  'area',
  'parties',
  'applicants',
  'respondents',
  'partyIdNumbers',
  'partyPhones',
  'amount',
  'involvedCount',
  'scale',
  'urgency',
  'date',
  'note',
] as const;
type Field = (typeof FIELDS)[number];

const HEADERS = headerTable<Field>({
  title: ['纠纷名称', '纠纷事由', '事由', '案由', '标题', '矛盾纠纷名称', '纠纷标题'],
  category: ['纠纷类型', '纠纷类别', '类型', '类别', '纠纷种类'],
  description: [
    '简要情况',
    '纠纷简要情况',
    '基本情况',
    '主要情况',
    '情况描述',
    '纠纷内容',
    '内容',
    '描述',
    '纠纷概况',
  ],
  address: ['发生地点', '地点', '发生地址', '纠纷发生地', '地址'],
  area: ['所属网格', '网格', '所属社区', '所属区域'],
  parties: ['当事人', '当事人姓名', '双方当事人', '涉及人员', '当事人情况'],
  applicants: ['申请人', '申请人姓名', '申请方'],
  respondents: ['被申请人', '被申请人姓名', '被申请方'],
  partyIdNumbers: ['当事人身份证号', '当事人身份证号码', '身份证号', '身份证号码', '公民身份号码'],
  partyPhones: ['当事人电话', '当事人联系电话', '联系电话', '电话', '手机号码'],
  amount: ['涉及金额', '争议金额', '涉案金额', '金额', '涉及金额(元)'],
  involvedCount: ['涉及人数', '人数', '涉及人员数'],
  scale: ['纠纷规模', '规模'],
  urgency: ['紧急程度', '是否紧急', '缓急'],
  date: ['登记日期', '排查日期', '发生日期', '受理日期', '日期'],
  note: ['备注', '说明'],
});

const LABELS: Record<Field, [string, string]> = {
  title: ['纠纷名称', 'title'],
  category: ['纠纷类型', 'type'],
  description: ['简要情况', 'description'],
  address: ['发生地点', 'place'],
  area: ['所属网格', 'grid'],
  parties: ['当事人', 'parties'],
  applicants: ['申请人', 'applicants'],
  respondents: ['被申请人', 'respondents'],
  partyIdNumbers: ['当事人身份证号', "parties' ID numbers"],
  partyPhones: ['当事人电话', "parties' phones"],
  amount: ['涉及金额', 'amount'],
  involvedCount: ['涉及人数', 'people involved'],
  scale: ['纠纷规模', 'scale'],
  urgency: ['紧急程度', 'urgency'],
  date: ['登记日期', 'date'],
  note: ['备注', 'note'],
};

const key = (s: string) => toHalfWidth(s).replace(/\s+/g, '').toLowerCase();

/** 纠纷类型 words → a leaf code; a group (邻里纠纷) files under its 其他… leaf; 纠纷 may be left out. */
const CATEGORY_WORDS = (() => {
  const m = new Map<string, string>();
  const leaves = DISPUTE_TYPES.filter((c) => c.parent !== null);
  const put = (w: string, code: string) => {
    const k = key(w);
    if (!m.has(k)) m.set(k, code);
    const short = k.replace(/纠纷$/, '');
    if (short && !m.has(short)) m.set(short, code);
  };
  for (const c of leaves) {
    put(c.zh, c.code);
    put(c.en, c.code);
    put(c.code, c.code);
  }
  for (const g of DISPUTE_TYPES.filter((c: Category) => c.parent === null)) {
    const other =
      leaves.find((l) => l.parent === g.code && l.code.endsWith('99')) ??
      leaves.find((l) => l.parent === g.code);
    if (other) {
      put(g.zh, other.code);
      put(g.en, other.code);
    }
  }
  return m;
})();

const SCALE_WORDS = new Map<string, string>();
for (const c of DISPUTE_SCALES) for (const w of [c.code, c.zh, c.en]) SCALE_WORDS.set(key(w), c.code);
for (const [w, c] of [
  ['个体', '01'],
  ['一般', '02'],
  ['群体性', '02'],
  ['群体', '02'],
  ['重大', '03'],
] as const)
  SCALE_WORDS.set(key(w), c);

const URGENT = new Set(['紧急', '是', '急', '特急', 'urgent', 'yes', '加急'].map(key));

const split = (s: string | undefined) =>
  (s ?? '')
    .split(/[、,，;；/\n]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** "张三（申请人）" → the name and its role when written beside it. */
function nameAndRole(s: string): { name: string; role: string | null } {
  const m = /^(.+?)[(（【[]\s*(申请人|被申请人|第三人|申请方|被申请方)\s*[)）】\]]$/.exec(s);
  if (!m) return { name: s, role: null };
  const role = m[2]!.startsWith('被') ? 'respondent' : m[2] === '第三人' ? 'third' : 'applicant';
  return { name: m[1]!.trim(), role };
}

export function disputeImport(s: Services) {
  const engine = caseEngine(s, timingsFor(s));

  return {
    async template(lang: 'zh' | 'en') {
      const zh = lang === 'zh';
      const col = (f: Field, required: boolean, example: string, note: string, width?: number) => ({
        header: LABELS[f][zh ? 0 : 1],
        required,
        example,
        note,
        width,
      });
      return ledgerTemplate({
        lang,
        sheetName: zh ? '矛盾纠纷' : 'Disputes',
        columns: [
          col(
            'title',
            true,
            zh ? '楼上漏水纠纷' : 'Leak from upstairs',
            zh ? '2–100 个字' : '2–100 characters',
            24,
          ),
          col(
            'category',
            true,
            zh ? '漏水纠纷' : 'Water leaks',
            zh
              ? '如 婚姻纠纷、邻里纠纷、漏水纠纷、劳动报酬纠纷；大类（如 邻里纠纷）记为其中的“其他”'
              : 'a dispute type; a group files under its "other"',
          ),
          col(
            'description',
            false,
            zh ? '302 室卫生间漏水至 202 室' : 'Bathroom leak from 302 into 202',
            '',
            36,
          ),
          col('address', false, zh ? '金盆小区 1栋' : 'Jinpen Garden bldg 1', ''),
          col(
            'area',
            false,
            zh ? '第一网格' : 'Grid 1',
            zh ? '所选区域下的网格名称；不填则为所选区域' : 'a grid under the chosen area',
          ),
          col(
            'applicants',
            true,
            zh ? '张三' : 'Zhang San',
            zh
              ? '多人用“、”分隔；也可只填“当事人”一列，如 张三（申请人）、李四（被申请人）'
              : 'several separated by 、; or one "parties" column',
          ),
          col('respondents', false, zh ? '李四' : 'Li Si', ''),
          col(
            'partyIdNumbers',
            false,
            '',
            zh ? '按当事人顺序，用“、”分隔' : 'in the order of the parties',
            22,
          ),
          col('partyPhones', false, '', zh ? '按当事人顺序，用“、”分隔' : 'in the order of the parties'),
          col('amount', false, '2000', zh ? '元' : 'yuan'),
          col('involvedCount', false, '2', ''),
          col(
            'scale',
            false,
            zh ? '个体性' : 'Individual',
            zh ? '个体性、一般群体性、重大群体性' : 'individual, group, major group',
          ),
          col(
            'urgency',
            false,
            zh ? '一般' : 'normal',
            zh ? '填“紧急”为紧急，其他为一般' : '"urgent" or normal',
          ),
          col(
            'date',
            false,
            '2026-11-03',
            zh ? '台账上的登记日期，记入情况说明' : 'the ledger date, kept in the description',
          ),
          col('note', false, '', ''),
        ],
      });
    },

    async importDisputes(ctx: Ctx, file: { path: string }, fileName: string, areaId: number) {
      const lang = ctx.lang;
      const zh = lang === 'zh';
      const t = (a: string, b: string) => (zh ? a : b);
      if (!ctx.actor.can(perm('dispute', 'report'))) throw new AppError('FORBIDDEN');
      const root = await s.db
        .selectFrom('areas as a')
        .select(['a.id', 'a.name', sql<string>`a.path::text`.as('path')])
        .where('a.id', '=', areaId)
        .where('a.status', '=', 'active')
        .where(pathInScope(ctx.actor, perm('dispute', 'report'), 'a.path'))
        .executeTakeFirst();
      if (!root)
        throw new AppError('VALIDATION_FAILED', { fields: 'areaId' }, [
          {
            path: 'query.areaId',
            code: 'not_found',
            message: t('所选区域不存在或不在您的范围内', 'Unknown area or outside your scope'),
          },
        ]);
      const read = await readImport(ctx, file, fileName, {
        headers: HEADERS,
        labels: LABELS,
        required: ['title', 'category'],
        maxRows: DISPUTE_IMPORT_MAX_ROWS,
      });
      if (!['parties', 'applicants'].some((f) => read.mapping.includes(f as Field))) {
        const reason = t(
          '找不到“申请人”或“当事人”列：请按模板填写表头',
          'no "applicants" or "parties" column: use the template',
        );
        throw new AppError('IMPORT_BAD_FILE', { reason }, [
          { path: 'file', code: 'missing_column', message: reason },
        ]);
      }
      const grids = await s.db
        .selectFrom('areas')
        .select(['id', 'name'])
        .where(sql<boolean>`path <@ ${root.path}::ltree`)
        .where('kind', 'in', ['community', 'grid', 'compound'])
        .where('status', '=', 'active')
        .execute();
      const today = s.clock.now();

      const errors: RowError[] = [];
      const warnings: RowError[] = [];
      const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0 };
      const created: string[] = [];
      for (const r of read.rows) {
        const raw = read.raw(r.cells);
        const rowErrors: RowError[] = [];
        const err = (f: Field, a: string, b: string) =>
          rowErrors.push({ row: r.rowNo, column: read.column(f), message: t(a, b), zh: a, en: b });
        const warn = (f: Field, a: string, b: string) =>
          warnings.push({ row: r.rowNo, column: read.column(f), message: t(a, b), zh: a, en: b });

        const category = raw.category ? CATEGORY_WORDS.get(key(raw.category)) : undefined;
        if (raw.category && !category)
          err(
            'category',
            `无法识别的纠纷类型“${raw.category}”：请按模板“填写说明”选择`,
            `unknown dispute type "${raw.category}": see the template's notes`,
          );
        if (!raw.category) err('category', '纠纷类型不能为空', 'the dispute type is required');
        if (!raw.title) err('title', '纠纷名称不能为空', 'the title is required');

        // The parties: 申请人/被申请人 columns, or one 当事人 column (roles written beside names, or
        // the first the applicant and the others respondents).
        const named: { name: string; role: string }[] = [];
        if (raw.applicants || raw.respondents) {
          for (const n of split(raw.applicants)) named.push({ name: nameAndRole(n).name, role: 'applicant' });
          for (const n of split(raw.respondents))
            named.push({ name: nameAndRole(n).name, role: 'respondent' });
        } else {
          split(raw.parties).forEach((n, i) => {
            const p = nameAndRole(n);
            named.push({ name: p.name, role: p.role ?? (i === 0 ? 'applicant' : 'respondent') });
          });
        }
        const partyColumn: Field = raw.applicants || raw.respondents ? 'applicants' : 'parties';
        if (named.length === 0) err(partyColumn, '至少填写一名当事人', 'give at least one party');
        if (named.length > 50) err(partyColumn, '当事人最多 50 名', 'at most 50 parties');
        const ids = split(raw.partyIdNumbers);
        const phones = split(raw.partyPhones);
        if (ids.length > named.length)
          err(
            'partyIdNumbers',
            `身份证号比当事人多（${ids.length} 个号码，${named.length} 名当事人）`,
            `more ID numbers (${ids.length}) than parties (${named.length})`,
          );
        if (phones.length > named.length)
          warn(
            'partyPhones',
            '电话比当事人多，多出的已忽略',
            'more phones than parties: the extra ones were ignored',
          );
        const parties = named.map((p, i) => {
          const out: { role: string; name: string; idNumber?: string; phone?: string } = {
            role: p.role,
            name: p.name.slice(0, 40),
          };
          const id = ids[i];
          if (id && id !== '-' && id !== '无') {
            const c = checkIdNumber(id, today);
            if (c.ok) out.idNumber = c.value;
            else err('partyIdNumbers', `${p.name}：${c.message.zh}`, `${p.name}: ${c.message.en}`);
          }
          const ph = phones[i];
          if (ph && ph !== '-' && ph !== '无') {
            const c = checkPhone(ph);
            if (c.ok) out.phone = c.value;
            else
              warn(
                'partyPhones',
                `${p.name}：${c.message.zh}，已留空`,
                `${p.name}: ${c.message.en}: left empty`,
              );
          }
          return out;
        });

        let target = root.id;
        if (raw.area) {
          const found = grids.filter((g) => key(g.name) === key(raw.area!));
          if (found.length === 1) target = found[0]!.id;
          else
            err(
              'area',
              found.length
                ? `“${raw.area}”有 ${found.length} 处同名：请改选更小的区域导入`
                : `“${root.name}”下没有“${raw.area}”`,
              found.length
                ? `"${raw.area}" names ${found.length} places: import into a smaller area`
                : `no "${raw.area}" under "${root.name}"`,
            );
        }
        const detail: { scale: string; amount?: number; involvedCount?: number } = { scale: '01' };
        if (raw.scale) {
          const sc = SCALE_WORDS.get(key(raw.scale));
          if (sc) detail.scale = sc;
          else
            warn(
              'scale',
              `无法识别的纠纷规模“${raw.scale}”，按个体性登记`,
              `unknown scale "${raw.scale}": registered as individual`,
            );
        }
        if (raw.amount) {
          const n = Number(toHalfWidth(raw.amount).replace(/[,，\s元]/g, ''));
          if (Number.isFinite(n) && n >= 0 && n <= 1e10) detail.amount = n;
          else
            warn(
              'amount',
              `无法识别的金额“${raw.amount}”，已忽略`,
              `unrecognised amount "${raw.amount}": ignored`,
            );
        }
        if (raw.involvedCount) {
          const n = Number(toHalfWidth(raw.involvedCount).replace(/[人\s]/g, ''));
          if (Number.isInteger(n) && n >= 1 && n <= 100000) detail.involvedCount = n;
          else
            warn(
              'involvedCount',
              `无法识别的人数“${raw.involvedCount}”，已忽略`,
              `unrecognised count "${raw.involvedCount}": ignored`,
            );
        }
        const description = [
          cleanText(raw.description),
          raw.date ? t(`台账登记日期：${cleanText(raw.date)}`, `Ledger date: ${cleanText(raw.date)}`) : null,
          raw.note ? t(`备注：${cleanText(raw.note)}`, `Note: ${cleanText(raw.note)}`) : null,
        ]
          .filter(Boolean)
          .join('\n');
        if (rowErrors.length) {
          errors.push(...rowErrors);
          continue;
        }
        const body = DisputeCreate.safeParse({
          type: 'dispute',
          category,
          urgency: raw.urgency && URGENT.has(key(raw.urgency)) ? 'urgent' : 'normal',
          title: cleanText(raw.title),
          description: description.slice(0, 4000),
          areaId: target,
          address: cleanText(raw.address)?.slice(0, 200),
          detail,
          parties,
        });
        if (!body.success) {
          // zod's words in both languages (not its raw English), as a 400 would say them.
          const inZh = toIssues(body.error.issues, 'zh');
          const inEn = toIssues(body.error.issues, 'en');
          inZh.forEach((i, k) => {
            const f = (
              {
                title: 'title',
                description: 'description',
                address: 'address',
                parties: partyColumn,
              } as Record<string, Field>
            )[i.path.split('.')[0]!];
            const en = inEn[k]?.message ?? i.message;
            errors.push({
              row: r.rowNo,
              column: f ? read.column(f) : '',
              message: t(i.message, en),
              zh: i.message,
              en,
            });
          });
          continue;
        }
        try {
          // The case engine: number, deadlines, notifications and the case.report entry, one transaction.
          const c = await engine.create(ctx, body.data as CaseCreate);
          const no = await s.db.selectFrom('cases').select('no').where('id', '=', c.id).executeTakeFirst();
          created.push(no?.no ?? String(c.id));
          counts.created++;
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          const issues = e.issues ?? [];
          if (issues.length)
            for (const i of issues) errors.push({ row: r.rowNo, column: '', message: i.message });
          else {
            const [a, b] = [formatMessage(e.code, 'zh', e.params), formatMessage(e.code, 'en', e.params)];
            errors.push({ row: r.rowNo, column: '', message: t(a, b), zh: a, en: b });
          }
        }
      }
      errors.sort((a, b) => a.row - b.row);
      return inTx(s, ctx, async (trx, audit) => {
        await audit({
          action: 'dispute.import',
          entityType: 'case',
          detail: {
            fileName,
            areaId: root.id,
            total: read.rows.length,
            ...counts,
            failed: new Set(errors.map((e) => e.row)).size,
            skippedTotals: read.skipped.length,
            cases: created.slice(0, 500),
          },
        });
        return recordImport(trx, s, ctx, {
          kind: 'disputes',
          fileName,
          areaId: root.id,
          read,
          counts,
          errors,
          warnings,
        });
      });
    },
  };
}
