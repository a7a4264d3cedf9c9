import type { z } from 'zod';
import { HOUSE_USES, label, ORG_KINDS } from '../../../contract/codes.js';
import type { HouseListQuery, OrganisationListQuery } from '../../../contract/registry.js';
import { exportLedger } from '../../engines/sheets/index.js';
import { areaIdInScope } from '../../platform/access/scope.js';
import type { Ctx, Services } from '../../platform/services.js';
import { housesRepo } from './houses.repository.js';
import { organisationsRepo } from './organisations.repository.js';
import { maskedSearch } from './registry.export.js';
import { addressOf, maskedPhone } from './registry.presenter.js';
import { registryRepo } from './registry.repository.js';
import type { RegistryService } from './registry.service.js';

/**
 * The organisations and houses ledgers as .xlsx (the people's is registry.export.ts), through the
 * sheets engine's `exportLedger`: the list's filter, scope in the SQL, phones masked, codes in
 * words, audited before the first byte, watermarked.
 */
const PAGE = 2000;

type OrgQuery = Omit<z.infer<typeof OrganisationListQuery>, 'page' | 'pageSize'>;
type HouseQuery = Omit<z.infer<typeof HouseListQuery>, 'page' | 'pageSize'>;

/** The query as the audit log keeps it: a typed phone or ID number masked. */
const audited = <T extends { q?: string }>(q: T) => (q.q ? { ...q, q: maskedSearch(q.q) } : q);

export async function exportOrganisations(s: Services, ctx: Ctx, q: OrgQuery) {
  const repo = organisationsRepo(s.db);
  const names = registryRepo(s.db, s.keyring);
  const scope = areaIdInScope(ctx.actor, 'org.read', 'o.areaId');
  return exportLedger(s, ctx, {
    action: 'org.export',
    entityType: 'organisation',
    query: audited(q),
    count: (cap) => repo.count(scope, q, cap),
    async *rows(n) {
      const sort = {
        key: (q.sort?.replace(/^-/, '') ?? 'name') as 'name' | 'kind' | 'id',
        desc: q.sort?.startsWith('-') ?? false,
      };
      // In the list's order (its sort), a page at a time.
      for (let offset = 0; offset < n; offset += PAGE) {
        const batch = await repo.exportPage(scope, q, sort, offset, Math.min(PAGE, n - offset));
        if (batch.length === 0) break;
        const places = await names.names(batch.map((o) => o.areaPath));
        for (const o of batch) {
          yield {
            name: o.name,
            kind: label(ORG_KINDS, o.kind, ctx.lang),
            creditCode: o.creditCode,
            area: o.areaPath
              .split('.')
              .map((id) => places.get(Number(id)))
              .filter((a) => a && a.kind !== 'district')
              .map((a) => a!.name)
              .join(' / '),
            address: o.address,
            contactName: o.contactName,
            contactPhone: maskedPhone(s.keyring, o.contactPhoneEnc),
            note: o.note,
          };
        }
      }
    },
    sheetName: ctx.lang === 'zh' ? '组织单位' : 'Organisations',
    fileName: ctx.lang === 'zh' ? '组织单位' : 'organisations',
    asciiName: 'organisations',
    columns:
      ctx.lang === 'zh'
        ? [
            { header: '单位名称', key: 'name', width: 28 },
            { header: '类别', key: 'kind', width: 12 },
            { header: '统一社会信用代码', key: 'creditCode', width: 22 },
            { header: '所属区域', key: 'area', width: 28 },
            { header: '地址', key: 'address', width: 30 },
            { header: '联系人', key: 'contactName', width: 10 },
            { header: '联系电话', key: 'contactPhone', width: 14 },
            { header: '备注', key: 'note', width: 30 },
          ]
        : [
            { header: 'Name', key: 'name', width: 28 },
            { header: 'Kind', key: 'kind', width: 16 },
            { header: 'Credit code', key: 'creditCode', width: 22 },
            { header: 'Area', key: 'area', width: 28 },
            { header: 'Address', key: 'address', width: 30 },
            { header: 'Contact', key: 'contactName', width: 12 },
            { header: 'Contact phone', key: 'contactPhone', width: 14 },
            { header: 'Note', key: 'note', width: 30 },
          ],
  });
}

export async function exportHouses(s: Services, svc: RegistryService, ctx: Ctx, q: HouseQuery) {
  const repo = housesRepo(s.db);
  const names = registryRepo(s.db, s.keyring);
  const filter = svc.houseFilter(ctx, q);
  const sort = svc.houseSort(q.sort);
  return exportLedger(s, ctx, {
    action: 'house.export',
    entityType: 'house',
    query: audited(q),
    count: (cap) => repo.count(filter, cap),
    async *rows(n) {
      // In the list's order (its sort), a page at a time: a street has some 20,000 houses.
      for (let offset = 0; offset < n; offset += PAGE) {
        const batch = await repo.exportPage(filter, sort, offset, Math.min(PAGE, n - offset));
        if (batch.length === 0) break;
        const places = await names.names(batch.map((h) => h.path));
        for (const h of batch) {
          // The owner is a person: named only to those who read people there.
          const owner = ctx.actor.canAt('person.read', h.path) ? h.ownerName : null;
          yield {
            address: addressOf(h.path, places),
            name: h.name,
            use: h.use ? label(HOUSE_USES, h.use, ctx.lang) : ctx.lang === 'zh' ? '未登记' : 'Not recorded',
            owner,
            floorArea: h.floorArea,
            residents: h.residents,
            households: h.households,
            note: h.note,
          };
        }
      }
    },
    sheetName: ctx.lang === 'zh' ? '实有房屋' : 'Houses',
    fileName: ctx.lang === 'zh' ? '实有房屋' : 'houses',
    asciiName: 'houses',
    columns:
      ctx.lang === 'zh'
        ? [
            { header: '房屋地址', key: 'address', width: 34 },
            { header: '房号', key: 'name', width: 8 },
            { header: '房屋用途', key: 'use', width: 10 },
            { header: '产权人', key: 'owner', width: 10 },
            { header: '建筑面积（㎡）', key: 'floorArea', width: 12 },
            { header: '在住人数', key: 'residents', width: 10 },
            { header: '户数', key: 'households', width: 8 },
            { header: '备注', key: 'note', width: 30 },
          ]
        : [
            { header: 'Address', key: 'address', width: 34 },
            { header: 'Room', key: 'name', width: 8 },
            { header: 'Use', key: 'use', width: 14 },
            { header: 'Owner', key: 'owner', width: 12 },
            { header: 'Floor area (m²)', key: 'floorArea', width: 14 },
            { header: 'Residents', key: 'residents', width: 10 },
            { header: 'Households', key: 'households', width: 10 },
            { header: 'Note', key: 'note', width: 30 },
          ],
  });
}
