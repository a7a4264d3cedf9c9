import { sql } from 'kysely';
import { checkCreditCode, checkIdNumber, checkPhone, cleanText } from '../../../contract/identifiers.js';
import {
  type ImportCounts,
  ledgerTemplate,
  type RowError,
  readImport,
  recordImport,
} from '../../engines/sheets/index.js';
import { areaIdInScope } from '../../platform/access/scope.js';
import { AppError, notFound } from '../../platform/errors/app-error.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';
import { housesRepo } from './houses.repository.js';
import {
  HOUSE_HEADERS,
  HOUSE_LABELS,
  HOUSE_USE_WORDS,
  type HouseField,
  ORG_HEADERS,
  ORG_KIND_WORDS,
  ORG_LABELS,
  type OrgField,
  parseArea,
  placeKey,
  wordKey,
} from './import/ledgers.js';
import { organisationsRepo } from './organisations.repository.js';
import { encodePhone } from './registry.repository.js';
import { invalid, todayOf } from './registry.service.js';

/** Rows an organisations or houses ledger may have (imported in one request and one transaction). */
export const LEDGER_IMPORT_MAX_ROWS = 20_000;

type Lang = 'zh' | 'en';
const t = (lang: Lang, zh: string, en: string) => (lang === 'zh' ? zh : en);
/** A row error's message in the request's language, both kept (the job is read in its reader's). */
const both = (lang: Lang, zh: string, en: string) => ({ message: t(lang, zh, en), zh, en });

/**
 * The organisations (单位) and houses (房屋) ledgers imported in one request: every row checked
 * (errors name the ledger's column), the good rows applied in one transaction with one audit entry
 * carrying the counts, the job and its failed rows kept for the error sheet (sheets engine).
 */
export function ledgerImportService(s: Services) {
  /** The area the rows land in: readable (else 400 on areaId) and allowed (else 403). */
  async function targetArea(ctx: Ctx, areaId: number, read: string, write: string) {
    const a = await s.db
      .selectFrom('areas as a')
      .select(['a.id', 'a.kind', 'a.name', sql<string>`a.path::text`.as('path')])
      .where('a.id', '=', areaId)
      .where(areaIdInScope(ctx.actor, read, 'a.id'))
      .executeTakeFirst();
    if (!a) throw invalid('areaId', 'not_found', t(ctx.lang, '区域不存在', 'no such area'));
    if (!ctx.actor.canAt(write, a.path)) throw new AppError('FORBIDDEN');
    return a;
  }

  return {
    async organisationsTemplate(lang: Lang) {
      const zh = lang === 'zh';
      const col = (f: OrgField, required: boolean, example: string, note: string, width?: number) => ({
        header: ORG_LABELS[f][zh ? 0 : 1],
        required,
        example,
        note,
        width,
      });
      return ledgerTemplate({
        lang,
        sheetName: zh ? '组织单位' : 'Organisations',
        columns: [
          col('name', true, zh ? '金盆超市' : 'Jinpen Supermarket', zh ? '单位全称' : 'full name', 28),
          col(
            'kind',
            true,
            zh ? '企业' : 'Enterprise',
            zh
              ? '共建单位、企业、市场、社会组织、群众队伍之一'
              : 'co-building unit, enterprise, market, social organisation or residents team',
          ),
          col(
            'creditCode',
            false,
            '91430681MA4L0XXXXX',
            zh
              ? '18 位；有代码的单位按代码更新，没有的按名称更新'
              : '18 characters: a unit with a code is matched by it, else by name',
            22,
          ),
          col(
            'area',
            false,
            zh ? '第一网格' : 'Grid 1',
            zh
              ? '所选区域下的网格或社区名称；不填则登记在所选区域'
              : 'a grid or community under the chosen area; empty: the chosen area',
          ),
          col('address', false, zh ? '金盆路 12 号' : '12 Jinpen Rd', '', 30),
          col('contactName', false, zh ? '李明' : 'Li Ming', ''),
          col('contactPhone', false, '13800000000', zh ? '手机或固定电话' : 'mobile or landline'),
          col('note', false, '', ''),
        ],
      });
    },

    async importOrganisations(ctx: Ctx, file: { path: string }, fileName: string, areaId: number) {
      const lang = ctx.lang;
      const root = await targetArea(ctx, areaId, 'org.read', 'org.manage');
      const read = await readImport(ctx, file, fileName, {
        headers: ORG_HEADERS,
        labels: ORG_LABELS,
        required: ['name', 'kind'],
        maxRows: LEDGER_IMPORT_MAX_ROWS,
      });
      // The grids and communities a row may name, under the chosen area.
      const places = await s.db
        .selectFrom('areas')
        .select(['id', 'name', 'kind', sql<string>`path::text`.as('path')])
        .where(sql<boolean>`path <@ ${root.path}::ltree`)
        .where('kind', 'in', ['community', 'grid', 'compound'])
        .execute();
      const placeByName = new Map<string, typeof places>();
      for (const p of places)
        placeByName.set(wordKey(p.name), [...(placeByName.get(wordKey(p.name)) ?? []), p]);

      const errors: RowError[] = [];
      const warnings: RowError[] = [];
      const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0 };
      const seen = new Map<string, number>();
      type Good = {
        rowNo: number;
        areaId: number;
        name: string;
        kind: string;
        creditCode: string | null;
        address: string | null;
        contactName: string | null;
        phone: string | null;
        note: string | null;
      };
      const good: Good[] = [];
      for (const r of read.rows) {
        const raw = read.raw(r.cells);
        const rowErrors: RowError[] = [];
        const err = (f: OrgField, zh: string, en: string) =>
          rowErrors.push({ row: r.rowNo, column: read.column(f), ...both(lang, zh, en) });
        const warn = (f: OrgField, zh: string, en: string) =>
          warnings.push({ row: r.rowNo, column: read.column(f), ...both(lang, zh, en) });
        const text = (f: OrgField, max: number) => {
          const v = cleanText(raw[f]);
          if (v && Array.from(v).length > max) {
            err(f, `内容过长（最多${max}个字）`, `too long (at most ${max} characters)`);
            return null;
          }
          return v;
        };
        const name = text('name', 100);
        if (!raw.name) err('name', '单位名称不能为空', 'the name is required');
        let kind: string | null = null;
        if (!raw.kind) err('kind', '类别不能为空', 'the kind is required');
        else {
          kind = ORG_KIND_WORDS.get(wordKey(raw.kind)) ?? null;
          if (!kind)
            err(
              'kind',
              `无法识别的类别“${raw.kind}”：请填写共建单位、企业、市场、社会组织或群众队伍`,
              `unknown kind "${raw.kind}": co-building unit, enterprise, market, social organisation or residents team`,
            );
        }
        let creditCode: string | null = null;
        if (raw.creditCode) {
          const c = checkCreditCode(raw.creditCode);
          if (c.ok) creditCode = c.value;
          else err('creditCode', c.message.zh, c.message.en);
        }
        let target = root.id;
        if (raw.area) {
          const found = placeByName.get(wordKey(raw.area)) ?? [];
          if (found.length === 1) target = found[0]!.id;
          else if (found.length === 0)
            err(
              'area',
              `所选区域“${root.name}”下没有“${raw.area}”`,
              `there is no "${raw.area}" under "${root.name}"`,
            );
          else
            err(
              'area',
              `“${raw.area}”在所选区域下有 ${found.length} 处同名，请改选更小的区域导入`,
              `"${raw.area}" names ${found.length} places under the chosen area: import into a smaller area`,
            );
        }
        let phone: string | null = null;
        if (raw.contactPhone) {
          const p = checkPhone(raw.contactPhone);
          if (p.ok) phone = p.value;
          else warn('contactPhone', `${p.message.zh}，已留空`, `${p.message.en}: left empty`);
        }
        const address = text('address', 200);
        const contactName = text('contactName', 40);
        const note = text('note', 500);
        if (rowErrors.length === 0) {
          const k = creditCode ?? `name:${target}:${name}`;
          const first = seen.get(k);
          if (first !== undefined) {
            rowErrors.push({
              row: r.rowNo,
              column: read.column(creditCode ? 'creditCode' : 'name'),
              ...both(lang, `与第${first}行是同一单位`, `the same organisation as row ${first}`),
            });
          } else seen.set(k, r.rowNo);
        }
        if (rowErrors.length) {
          errors.push(...rowErrors);
          continue;
        }
        good.push({
          rowNo: r.rowNo,
          areaId: target,
          name: name!,
          kind: kind!,
          creditCode,
          address,
          contactName,
          phone,
          note,
        });
      }

      const id = await inTx(s, ctx, async (trx, audit) => {
        const repo = organisationsRepo(trx);
        const byCode = new Map(
          (await repo.byCreditCodes(good.flatMap((g) => (g.creditCode ? [g.creditCode] : [])))).map((o) => [
            o.creditCode!,
            o,
          ]),
        );
        const created: number[] = [];
        const updated: number[] = [];
        for (const g of good) {
          const current = g.creditCode ? byCode.get(g.creditCode) : await repo.byNameIn(g.areaId, g.name);
          const values = {
            name: g.name,
            kind: g.kind,
            creditCode: g.creditCode,
            areaId: g.areaId,
            address: g.address,
            contactName: g.contactName,
            ...(g.phone
              ? {
                  contactPhoneEnc: s.keyring.encrypt(g.phone),
                  contactPhoneTail: encodePhone(s.keyring, g.phone).phoneTail,
                }
              : {}),
            note: g.note,
          };
          if (!current) {
            created.push(
              await repo.insert({
                ...values,
                contactPhoneEnc: values.contactPhoneEnc ?? null,
                contactPhoneTail: values.contactPhoneTail ?? null,
              }),
            );
            counts.created++;
            continue;
          }
          // A unit registered elsewhere (its credit code is public): changed only by who manages it there.
          if (!ctx.actor.canAt('org.manage', current.areaPath)) {
            errors.push({
              row: g.rowNo,
              column: read.column('creditCode'),
              ...both(
                lang,
                '该统一社会信用代码已由其他社区登记，不能在此修改',
                'this credit code is registered by another community: it cannot be changed here',
              ),
            });
            continue;
          }
          const set: Record<string, unknown> = {};
          if (current.name !== g.name) set.name = g.name;
          if (current.kind !== g.kind) set.kind = g.kind;
          if (current.areaId !== g.areaId) set.areaId = g.areaId;
          for (const k of ['address', 'contactName', 'note'] as const)
            if (g[k] !== null && g[k] !== current[k]) set[k] = g[k];
          if (g.phone) {
            const same = current.contactPhoneEnc && s.keyring.decrypt(current.contactPhoneEnc) === g.phone;
            if (!same)
              Object.assign(set, {
                contactPhoneEnc: values.contactPhoneEnc,
                contactPhoneTail: values.contactPhoneTail,
              });
          }
          if (Object.keys(set).length === 0) counts.unchanged++;
          else {
            await repo.update(current.id, set);
            updated.push(current.id);
            counts.updated++;
          }
        }
        errors.sort((a, b) => a.row - b.row);
        await audit({
          action: 'org.import',
          entityType: 'organisation',
          detail: {
            fileName,
            areaId: root.id,
            total: read.rows.length,
            ...counts,
            failed: new Set(errors.map((e) => e.row)).size,
            skippedTotals: read.skipped.length,
            createdIds: created.slice(0, 1000),
            updatedIds: updated.slice(0, 1000),
          },
        });
        return recordImport(trx, s, ctx, {
          kind: 'organisations',
          fileName,
          areaId: root.id,
          read,
          counts,
          errors,
          warnings,
        });
      });
      return id;
    },

    async housesTemplate(lang: Lang) {
      const zh = lang === 'zh';
      const col = (f: HouseField, example: string, note: string, width?: number) => ({
        header: HOUSE_LABELS[f][zh ? 0 : 1],
        example,
        note,
        width,
      });
      return ledgerTemplate({
        lang,
        sheetName: zh ? '实有房屋' : 'Houses',
        columns: [
          col('compound', zh ? '金盆小区' : 'Jinpen Garden', zh ? '小区或院落名称' : 'the compound'),
          col('building', zh ? '1栋' : '1', zh ? '1栋、1幢、1号楼均可' : 'building number'),
          col('unit', zh ? '2单元' : '2', zh ? '没有单元可不填' : 'empty when there are no units'),
          col(
            'room',
            '301',
            zh
              ? '小区、楼栋、单元、房号用来找到系统中已有的房屋（也可只填一列“房屋地址”）；找不到的行会列为错误'
              : 'compound, building, unit and room find the house already in the area tree (or one "address" column); rows that find none are errors',
          ),
          col(
            'use',
            zh ? '出租' : 'Rented out',
            zh ? '自住、出租、空置、商用之一' : 'owner-occupied, rented out, vacant or commercial',
          ),
          col('ownerName', zh ? '王建国' : 'Wang Jianguo', zh ? '须是已登记的人员' : 'a registered person'),
          col('ownerIdNumber', '', zh ? '填写后按身份证号找到产权人' : 'finds the owner by ID number', 22),
          col('floorArea', '89.5', zh ? '平方米' : 'square metres'),
          col('note', '', ''),
        ],
      });
    },

    async importHouses(ctx: Ctx, file: { path: string }, fileName: string, areaId: number) {
      const lang = ctx.lang;
      const root = await targetArea(ctx, areaId, 'house.read', 'house.update');
      const read = await readImport(ctx, file, fileName, {
        headers: HOUSE_HEADERS,
        labels: HOUSE_LABELS,
        required: [],
        maxRows: LEDGER_IMPORT_MAX_ROWS,
      });
      const zh = lang === 'zh';
      if (!read.mapping.includes('room') && !read.mapping.includes('address')) {
        const reason = zh
          ? '找不到“房号”或“房屋地址”列：请按模板填写表头'
          : 'no "room" or "address" column: use the template\'s column titles';
        throw new AppError('IMPORT_BAD_FILE', { reason }, [
          { path: 'file', code: 'missing_column', message: reason },
        ]);
      }
      const houses = await housesRepo(s.db).housesUnder(root.path);
      // Each house by its room, and its place as keys: [compound, building, unit, room] (unit may be absent).
      type Known = { id: number; path: string; parts: string[]; joined: string };
      const byRoom = new Map<string, Known[]>();
      const all: Known[] = [];
      for (const h of houses) {
        const names = (h.names ?? '').split(' / ');
        const parts = names.map((n) => placeKey(n));
        const k: Known = { id: h.id, path: h.path, parts, joined: names.map((n) => wordKey(n)).join('') };
        all.push(k);
        const room = parts.at(-1)!;
        byRoom.set(room, [...(byRoom.get(room) ?? []), k]);
      }
      const today = new Date(`${todayOf(s.clock.now())}T12:00:00Z`);

      const errors: RowError[] = [];
      const warnings: RowError[] = [];
      const seen = new Map<number, number>();
      type Good = {
        rowNo: number;
        house: Known;
        use?: string;
        ownerName?: string;
        ownerId?: string;
        floorArea?: number;
        note?: string;
      };
      const good: Good[] = [];
      for (const r of read.rows) {
        const raw = read.raw(r.cells);
        const rowErrors: RowError[] = [];
        const err = (f: HouseField, zhm: string, en: string) =>
          rowErrors.push({ row: r.rowNo, column: read.column(f), ...both(lang, zhm, en) });
        const warn = (f: HouseField, zhm: string, en: string) =>
          warnings.push({ row: r.rowNo, column: read.column(f), ...both(lang, zhm, en) });

        // Find the house.
        let candidates: Known[] = [];
        const shown =
          [raw.compound, raw.building, raw.unit, raw.room].filter(Boolean).join(' ') || raw.address || '';
        if (raw.room) {
          const want = [raw.compound, raw.building, raw.unit].flatMap((x) => (x ? [placeKey(x)] : []));
          // The given names in order among the house's places (building 1 unit 2 ≠ building 2 unit 1).
          candidates = (byRoom.get(placeKey(raw.room)) ?? []).filter((h) => {
            let i = 0;
            for (const p of h.parts.slice(0, -1)) if (i < want.length && p === want[i]) i++;
            return i === want.length;
          });
        } else if (raw.address) {
          const want = wordKey(raw.address).replace(/[/\\|,，、-]/g, '');
          candidates = all.filter((h) => want.endsWith(h.joined) || h.joined.endsWith(want));
        }
        const placeColumn: HouseField = raw.room ? 'room' : 'address';
        if (!raw.room && !raw.address) err(placeColumn, '房号不能为空', 'the room is required');
        else if (candidates.length === 0)
          err(
            placeColumn,
            `在“${root.name}”下找不到房屋“${shown}”：请核对小区、楼栋、单元、房号，或先在区域管理中添加`,
            `no house "${shown}" under "${root.name}": check compound, building, unit and room, or add it in Areas first`,
          );
        else if (candidates.length > 1)
          err(
            placeColumn,
            `“${shown}”对应 ${candidates.length} 套房屋：请填写小区、楼栋和单元`,
            `"${shown}" matches ${candidates.length} houses: give the compound, building and unit`,
          );
        const g: Good = { rowNo: r.rowNo, house: candidates[0]! };
        if (raw.use) {
          const u = HOUSE_USE_WORDS.get(wordKey(raw.use));
          if (u) g.use = u;
          else
            err(
              'use',
              `无法识别的房屋用途“${raw.use}”：请填写自住、出租、空置或商用`,
              `unknown use "${raw.use}": owner-occupied, rented out, vacant or commercial`,
            );
        }
        if (raw.floorArea) {
          const a = parseArea(raw.floorArea);
          if (a === null)
            warn(
              'floorArea',
              `无法识别的面积“${raw.floorArea}”，已忽略`,
              `unrecognised floor area "${raw.floorArea}": ignored`,
            );
          else g.floorArea = a;
        }
        if (raw.ownerIdNumber) {
          const c = checkIdNumber(raw.ownerIdNumber, today);
          if (c.ok) g.ownerId = c.value;
          else
            warn(
              'ownerIdNumber',
              `${c.message.zh}，产权人未更新`,
              `${c.message.en}: the owner was not changed`,
            );
        }
        if (raw.ownerName) g.ownerName = cleanText(raw.ownerName) ?? undefined;
        if (raw.note) {
          const n = cleanText(raw.note);
          if (n && Array.from(n).length > 500)
            err('note', '内容过长（最多500个字）', 'too long (at most 500 characters)');
          else if (n) g.note = n;
        }
        if (rowErrors.length === 0) {
          const first = seen.get(g.house.id);
          if (first !== undefined)
            err(placeColumn, `与第${first}行是同一套房屋`, `the same house as row ${first}`);
          else seen.set(g.house.id, r.rowNo);
        }
        if (rowErrors.length) {
          errors.push(...rowErrors);
          continue;
        }
        good.push(g);
      }

      const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0 };
      return inTx(s, ctx, async (trx, audit) => {
        const hr = housesRepo(trx);
        const updated: number[] = [];
        for (const g of good) {
          if (!ctx.actor.canAt('house.update', g.house.path)) {
            errors.push({
              row: g.rowNo,
              column: '',
              ...both(lang, '您不能修改这套房屋', 'you may not change this house'),
            });
            continue;
          }
          await hr.lockArea(g.house.id);
          const before = await hr.houseInfo(g.house.id, true);
          const next = {
            use: before?.use ?? null,
            ownerPersonId: before?.ownerPersonId ?? null,
            floorArea: before?.floorArea ?? null,
            note: before?.note ?? null,
          };
          if (g.use) next.use = g.use;
          if (g.floorArea !== undefined) next.floorArea = g.floorArea;
          if (g.note) next.note = g.note;
          if (g.ownerId || g.ownerName) {
            // The owner: a person the importer reads, by ID number, else by name among the house's residents.
            const scope = areaIdInScope(ctx.actor, 'person.read', 'p.areaId');
            let q = trx
              .selectFrom('people as p')
              .select(['p.id', 'p.name'])
              .where(scope)
              .where('p.duplicateOf', 'is', null);
            q = g.ownerId
              ? q.where('p.idHash', '=', s.keyring.lookupHash(g.ownerId))
              : q
                  .where('p.name', '=', g.ownerName!)
                  .where('p.areaId', '=', g.house.id)
                  .where('p.status', '=', 'active');
            const found = await q.limit(2).execute();
            if (found.length === 1) next.ownerPersonId = found[0]!.id;
            else
              warnings.push({
                row: g.rowNo,
                column: read.column(g.ownerId ? 'ownerIdNumber' : 'ownerName'),
                ...both(
                  lang,
                  found.length
                    ? `该房屋登记了多位“${g.ownerName}”：请填写产权人身份证号，产权人未更新`
                    : '产权人不是已登记的人员（或不在您的范围内），产权人未更新：请先登记此人',
                  found.length
                    ? `several people named "${g.ownerName}" live here: give the owner's ID number; the owner was not changed`
                    : 'the owner is not a registered person in your reach: the owner was not changed',
                ),
              });
          }
          const same =
            next.use === (before?.use ?? null) &&
            next.ownerPersonId === (before?.ownerPersonId ?? null) &&
            next.floorArea === (before?.floorArea ?? null) &&
            next.note === (before?.note ?? null);
          if (same) {
            counts.unchanged++;
            continue;
          }
          await hr.saveHouseInfo(g.house.id, before !== undefined, next);
          updated.push(g.house.id);
          counts.updated++;
        }
        errors.sort((a, b) => a.row - b.row);
        await audit({
          action: 'house.import',
          entityType: 'house',
          detail: {
            fileName,
            areaId: root.id,
            total: read.rows.length,
            ...counts,
            failed: new Set(errors.map((e) => e.row)).size,
            skippedTotals: read.skipped.length,
            updatedIds: updated.slice(0, 1000),
          },
        });
        return recordImport(trx, s, ctx, {
          kind: 'houses',
          fileName,
          areaId: root.id,
          read,
          counts,
          errors,
          warnings,
        });
      });
    },

    notFound,
  };
}
