import type { z } from 'zod';
import { EDUCATION, label, POLITICAL_STATUS, RELATIONS } from '../../../contract/codes.js';
import { maskId, maskPhone } from '../../../contract/identifiers.js';
import type { PersonListQuery } from '../../../contract/registry.js';
import { TAGS, type TagCode } from '../../../contract/tags.js';
import { exportLedger } from '../../engines/sheets/export.js';
import type { Db } from '../../platform/db/index.js';
import type { Ctx, Services } from '../../platform/services.js';
import { ageOn, visibleTags } from './registry.policy.js';
import { addressOf, maskedId, maskedPhone, shownBirthDate } from './registry.presenter.js';
import { registryRepo } from './registry.repository.js';
import type { RegistryService } from './registry.service.js';

/** At most this many rows per export; read from the database 2,000 at a time (keyset on id). */
export const EXPORT_CAP = 100_000;
/** Exports per user per hour. */
export const EXPORT_LIMIT = 20;
const PAGE = 2000;

const RESIDENCE = { registered: '户籍', resident: '常住', floating: '流动' } as const;
const STATUS = { active: '在册', moved_out: '迁出', deceased: '死亡' } as const;
const SEX = { M: '男', F: '女' } as const;

const COLUMNS = [
  { header: '姓名', key: 'name', width: 10 },
  { header: '公民身份号码', key: 'idNumber', width: 22 },
  { header: '性别', key: 'sex', width: 6 },
  { header: '出生日期', key: 'birthDate', width: 12 },
  { header: '年龄', key: 'age', width: 6 },
  { header: '联系电话', key: 'phone', width: 14 },
  { header: '民族', key: 'ethnicity', width: 8 },
  { header: '人口类型', key: 'residenceType', width: 8 },
  { header: '所在房屋', key: 'address', width: 24 },
  { header: '现住址', key: 'currentAddress', width: 30 },
  { header: '户籍地址', key: 'registeredAddress', width: 30 },
  { header: '与户主关系', key: 'relationToHead', width: 10 },
  { header: '文化程度', key: 'education', width: 10 },
  { header: '政治面貌', key: 'politicalStatus', width: 10 },
  { header: '工作单位', key: 'employer', width: 20 },
  { header: '暂住登记到期', key: 'floatingExpiresOn', width: 12 },
  { header: '状态', key: 'status', width: 6 },
  { header: '标签', key: 'tags', width: 20 },
];

/** Runs of seven or more digits in search text, masked as IDs (15–18) or phones (the rest). */
export function maskedSearch(q: string): string {
  return q.replace(/\d{7,}[\dXx]?/g, (m) => (m.length >= 15 ? maskId(m) : maskPhone(m)) ?? '');
}

type Query = Omit<z.infer<typeof PersonListQuery>, 'page' | 'pageSize' | 'sort'> & { sort?: string };

/**
 * The people ledger as .xlsx, within the actor's export scope, identifiers always masked, capped
 * at EXPORT_CAP rows. Audited before the first byte leaves (query and row count), then streamed:
 * never more than one page of rows in memory.
 */
export async function exportPeople(s: Services, svc: RegistryService, ctx: Ctx, q: Query) {
  const filter = svc.exportFilter(ctx, q);
  const { page: _p, pageSize: _ps, ...asked } = q as Query & { page?: number; pageSize?: number };
  // The query is audited; a search by a whole ID number or phone is recorded masked, like any
  // identifier the app shows (tails, as typed: they name no one).
  const query = asked.q ? { ...asked, q: maskedSearch(asked.q) } : asked;
  const today = svc.today();
  // The list's sort when one is asked (a page at a time), else id order by keyset.
  const sort = asked.sort
    ? {
        key: asked.sort.replace(/^-/, '') as 'name' | 'birthDate' | 'updatedAt',
        desc: asked.sort.startsWith('-'),
      }
    : null;
  // Count and rows read where exportLedger says (the read replica when there is one).
  async function* records(n: number, db: Db) {
    const repo = registryRepo(db, s.keyring);
    let after = 0;
    let left = n;
    let offset = 0;
    while (left > 0) {
      const batch = sort
        ? await repo.exportPage(filter, sort, offset, Math.min(PAGE, left))
        : await repo.exportBatch(filter, after, Math.min(PAGE, left));
      if (batch.length === 0) break;
      after = batch.at(-1)!.id;
      offset += batch.length;
      left -= batch.length;
      const names = await repo.names(batch.map((p) => p.areaPath));
      const tags = await repo.tagsOf(batch.map((p) => p.id));
      for (const p of batch) {
        const visible = new Set<string>(visibleTags(ctx.actor, p.areaPath));
        yield {
          name: p.name,
          idNumber: maskedId(s.keyring, p.idEnc),
          sex: p.sex ? SEX[p.sex] : null,
          birthDate: shownBirthDate(ctx.actor, p.areaPath, p.birthDate),
          age: ageOn(p.birthDate, today),
          phone: maskedPhone(s.keyring, p.phoneEnc),
          ethnicity: p.ethnicity,
          residenceType: RESIDENCE[p.residenceType],
          address: addressOf(p.areaPath, names),
          currentAddress: p.currentAddress,
          registeredAddress: p.registeredAddress,
          // Codes in words (与户主关系 子, not `son`), from the contract's code tables.
          relationToHead: label(RELATIONS, p.relationToHead, 'zh') || null,
          education: label(EDUCATION, p.education, 'zh') || null,
          politicalStatus: label(POLITICAL_STATUS, p.politicalStatus, 'zh') || null,
          employer: p.employer,
          floatingExpiresOn: p.floatingExpiresOn,
          status: STATUS[p.status],
          tags: tags
            .filter((t) => t.personId === p.id && visible.has(t.tag))
            .map((t) => TAGS[t.tag as TagCode].zh)
            .join('、'),
        };
      }
    }
  }

  return exportLedger(s, ctx, {
    action: 'person.export',
    entityType: 'person',
    query,
    count: (cap, db) => registryRepo(db, s.keyring).count(filter, cap),
    rows: records,
    sheetName: '实有人口',
    fileName: '实有人口',
    asciiName: 'people',
    columns: COLUMNS,
    limit: { perHour: EXPORT_LIMIT },
    cap: EXPORT_CAP,
  });
}
