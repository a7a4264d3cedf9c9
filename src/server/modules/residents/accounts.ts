import { type SqlBool, sql } from 'kysely';
import type { z } from 'zod';
import { checkPhone, maskPhone } from '../../../contract/identifiers.js';
import type { ResidentAccount, ResidentAccountQuery } from '../../../contract/residents.js';
import { exportLedger } from '../../engines/sheets/index.js';
import { areaLabelSql } from '../../platform/access/area-label.js';
import { pathInScope } from '../../platform/access/scope.js';
import type { Ctx, Services } from '../../platform/services.js';

type Query = Omit<z.infer<typeof ResidentAccountQuery>, 'page' | 'pageSize'>;

/**
 * The staff's ledger of resident accounts, scoped in SQL: a verified account is listed where its
 * person lives inside the officer's `resident_account.read` scope; an unverified one has no place
 * yet, so it is found only by its whole phone number (the resident at the window gives it) —
 * nobody browses the numbers of strangers.
 */
function where(s: Services, ctx: Ctx, q: Query) {
  const parts = [];
  const phone = q.q ? checkPhone(q.q) : null;
  const exact = phone?.ok ? s.keyring.lookupHash(phone.value) : null;
  const inScope = sql<SqlBool>`(ra.person_id IS NOT NULL AND EXISTS (SELECT 1 FROM areas a WHERE a.id = p.area_id AND ${pathInScope(ctx.actor, 'resident_account.read', 'a.path')}))`;
  parts.push(
    exact ? sql<SqlBool>`ra.phone_hash = ${exact} AND (ra.person_id IS NULL OR ${inScope})` : inScope,
  );
  if (q.q && !exact)
    parts.push(
      sql<SqlBool>`(p.name ILIKE ${`%${q.q.replace(/[\\%_]/g, '\\$&')}%`} OR ra.phone_tail = ${q.q})`,
    );
  if (q.state === 'verified') parts.push(sql<SqlBool>`ra.person_id IS NOT NULL AND u.status = 'active'`);
  if (q.state === 'unverified') parts.push(sql<SqlBool>`ra.person_id IS NULL AND u.status = 'active'`);
  if (q.state === 'disabled') parts.push(sql<SqlBool>`u.status = 'disabled'`);
  return sql.join(parts, sql` AND `);
}

const ORDER: Record<string, string> = {
  createdAt: 'ra.created_at',
  verifiedAt: 'ra.verified_at',
  state: "(CASE WHEN u.status = 'disabled' THEN 2 WHEN ra.person_id IS NULL THEN 1 ELSE 0 END)",
};

function order(q: Query) {
  const key = q.sort?.replace(/^-/, '') ?? 'createdAt';
  const desc = q.sort ? q.sort.startsWith('-') : true;
  return sql.raw(`${ORDER[key] ?? ORDER.createdAt} ${desc ? 'DESC' : 'ASC'} NULLS LAST, ra.id DESC`);
}

interface Row {
  id: number;
  phoneEnc: string;
  personId: number | null;
  name: string | null;
  areaName: string | null;
  verifiedHow: 'match' | 'officer' | null;
  verifiedAt: Date | null;
  verifiedBy: string | null;
  createdAt: Date;
  lastLoginAt: Date | null;
  status: string;
}

async function rows(s: Services, ctx: Ctx, q: Query, limit: number, offset: number): Promise<Row[]> {
  const r = await sql<Row>`
    SELECT ra.id, ra.phone_enc AS "phoneEnc", ra.person_id AS "personId", p.name,
           CASE WHEN h.id IS NULL THEN NULL ELSE ${areaLabelSql('h')} END AS "areaName",
           ra.verified_how AS "verifiedHow", ra.verified_at AS "verifiedAt", vb.display_name AS "verifiedBy",
           ra.created_at AS "createdAt", u.last_login_at AS "lastLoginAt", u.status
    FROM resident_accounts ra JOIN users u ON u.id = ra.user_id
      LEFT JOIN people p ON p.id = ra.person_id LEFT JOIN areas h ON h.id = p.area_id
      LEFT JOIN users vb ON vb.id = ra.verified_by
    WHERE ${where(s, ctx, q)}
    ORDER BY ${order(q)} LIMIT ${limit} OFFSET ${offset}`.execute(s.db);
  return r.rows;
}

async function count(s: Services, ctx: Ctx, q: Query, cap = 100_000): Promise<number> {
  const r = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (SELECT 1 FROM resident_accounts ra JOIN users u ON u.id = ra.user_id
      LEFT JOIN people p ON p.id = ra.person_id WHERE ${where(s, ctx, q)} LIMIT ${cap}) x`.execute(s.db);
  return r.rows[0]!.n;
}

const STATE_WORDS = {
  verified: { zh: '已核验', en: 'Verified' },
  unverified: { zh: '未核验', en: 'Not verified' },
  disabled: { zh: '已停用', en: 'Disabled' },
};
const HOW_WORDS = {
  match: { zh: '信息比对', en: 'Matched' },
  officer: { zh: '窗口核验', en: 'At the window' },
};

function present(s: Services, ctx: Ctx, r: Row): ResidentAccount {
  const state = r.status === 'disabled' ? 'disabled' : r.personId ? 'verified' : 'unverified';
  return {
    id: r.id,
    state,
    phone: maskPhone(s.keyring.decrypt(r.phoneEnc))!,
    name: r.name,
    areaName: r.areaName,
    verifiedHow: r.verifiedHow,
    verifiedAt: r.verifiedAt?.toISOString() ?? null,
    verifiedBy: r.verifiedBy,
    createdAt: r.createdAt.toISOString(),
    lastLoginAt: r.lastLoginAt?.toISOString() ?? null,
    abilities:
      state === 'disabled'
        ? []
        : state === 'unverified'
          ? ctx.actor.can('resident_account.verify')
            ? ['verify', 'rebind']
            : []
          : [],
  };
}

export async function listAccounts(
  s: Services,
  ctx: Ctx,
  q: z.infer<typeof ResidentAccountQuery>,
): Promise<{ items: ResidentAccount[]; total: number; page: number; pageSize: number }> {
  const [items, total] = await Promise.all([
    rows(s, ctx, q, q.pageSize, (q.page - 1) * q.pageSize),
    count(s, ctx, q),
  ]);
  return { items: items.map((r) => present(s, ctx, r)), total, page: q.page, pageSize: q.pageSize };
}

export async function exportAccounts(s: Services, ctx: Ctx, q: Query) {
  const zh = ctx.lang === 'zh';
  return exportLedger(s, ctx, {
    action: 'resident_account.export',
    entityType: 'resident_account',
    query: q.q ? { ...q, q: '***' } : q,
    count: (cap) => count(s, ctx, q, cap),
    async *rows(n) {
      for (let offset = 0; offset < n; offset += 500) {
        const batch = await rows(s, ctx, q, Math.min(500, n - offset), offset);
        if (batch.length === 0) break;
        for (const r of batch) {
          const p = present(s, ctx, r);
          yield {
            name: p.name,
            phone: p.phone,
            state: STATE_WORDS[p.state][ctx.lang],
            area: p.areaName,
            how: p.verifiedHow ? HOW_WORDS[p.verifiedHow][ctx.lang] : null,
            verifiedBy: p.verifiedBy,
            verifiedAt: p.verifiedAt?.slice(0, 10) ?? null,
            createdAt: p.createdAt.slice(0, 10),
          };
        }
      }
    },
    sheetName: zh ? '居民账户' : 'Resident accounts',
    fileName: zh ? '居民账户' : 'resident-accounts',
    asciiName: 'resident-accounts',
    columns: [
      { header: zh ? '姓名' : 'Name', key: 'name', width: 12 },
      { header: zh ? '手机号' : 'Phone', key: 'phone', width: 14 },
      { header: zh ? '状态' : 'State', key: 'state', width: 10 },
      { header: zh ? '住址' : 'Home', key: 'area', width: 30 },
      { header: zh ? '核验方式' : 'Verified how', key: 'how', width: 12 },
      { header: zh ? '核验人' : 'Verified by', key: 'verifiedBy', width: 12 },
      { header: zh ? '核验日期' : 'Verified on', key: 'verifiedAt', width: 12 },
      { header: zh ? '注册日期' : 'Signed up', key: 'createdAt', width: 12 },
    ],
  });
}
