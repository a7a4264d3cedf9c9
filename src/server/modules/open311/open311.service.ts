import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import {
  type CaseCreate,
  OPEN_STATES,
  type Open311Key,
  type Open311KeyCreate,
  type Open311KeyCreated,
  STATE_LABELS,
} from '../../../contract/cases.js';
import { scrubPublicText } from '../../../contract/scrub.js';
import { cleanInput } from '../../../contract/text.js';
import { caseEngine, newToken } from '../../engines/cases/engine.js';
import { caseTypesOf } from '../../engines/cases/registry.js';
import { timingsFor } from '../../engines/cases/timings.js';
import { exportLedger, localStamp } from '../../engines/sheets/index.js';
import { Actor } from '../../platform/access/actor.js';
import { AppError } from '../../platform/errors/app-error.js';
import { unstorableTextPath } from '../../platform/http/text.js';
import { type Ctx, inTx, type Services } from '../../platform/services.js';
import { attributesOf, catalogueOf, serviceCodeOf } from './open311.catalogue.js';
import { chinaIso, Open311Error } from './open311.format.js';
import { type KeyRow, open311Repo, type PublicCaseRow } from './open311.repository.js';

type Z<T extends z.ZodType> = z.infer<T>;

/** Most requests one GET answers, and the longest window it may ask for (the specification's). */
export const MAX_RESULTS = 1000;
export const MAX_DAYS = 90;
const DAY = 86_400_000;
const OPEN = OPEN_STATES as string[];
const CLOSED = ['closed', 'rejected'];

const presentKey = (k: KeyRow): Z<typeof Open311Key> => ({
  id: k.id,
  name: k.name,
  tail: k.tail,
  areaId: k.areaId,
  areaName: k.areaName,
  createdAt: k.createdAt.toISOString(),
  revokedAt: k.revokedAt ? k.revokedAt.toISOString() : null,
});

const pick = (lang: 'zh' | 'en', zh: string, en: string) => (lang === 'zh' ? zh : en);

/** The security administrator's side: issuing and revoking keys (each change audited). */
export function open311KeysService(s: Services) {
  return {
    async list(ctx: Ctx) {
      return (await open311Repo(s.db).listKeys(ctx.actor)).map(presentKey);
    },

    /**
     * The keys ledger as .xlsx on the sheets engine (limited, audited, watermarked): the keys in
     * scope, each by its last characters only (never the key), in the asker's language.
     */
    async exportKeys(ctx: Ctx) {
      const l = ctx.lang;
      let keys: KeyRow[] | undefined;
      const load = async () => {
        keys ??= await open311Repo(s.db).listKeys(ctx.actor);
        return keys;
      };
      return exportLedger(s, ctx, {
        action: 'open311_key.export',
        entityType: 'open311_key',
        query: {},
        count: async () => (await load()).length,
        async *rows(n) {
          for (const k of (await load()).slice(0, n))
            yield {
              name: k.name,
              tail: `…${k.tail}`,
              areaName: k.areaName,
              createdAt: localStamp(k.createdAt).time,
              status: k.revokedAt
                ? pick(
                    l,
                    `已停用（${localStamp(k.revokedAt).date}）`,
                    `Revoked (${localStamp(k.revokedAt).date})`,
                  )
                : pick(l, '有效', 'Active'),
            };
        },
        sheetName: pick(l, '接入密钥', 'Access keys'),
        fileName: pick(l, 'Open311接入密钥', 'open311 keys'),
        asciiName: 'open311-keys',
        columns: [
          { header: pick(l, '名称', 'Name'), key: 'name', width: 20 },
          { header: pick(l, '密钥尾号', 'Key ends'), key: 'tail', width: 12 },
          { header: pick(l, '受理区域', 'Area'), key: 'areaName', width: 18 },
          { header: pick(l, '创建时间', 'Created'), key: 'createdAt', width: 17 },
          { header: pick(l, '状态', 'Status'), key: 'status', width: 18 },
        ],
      });
    },

    async create(ctx: Ctx, input: Z<typeof Open311KeyCreate>): Promise<Z<typeof Open311KeyCreated>> {
      const key = randomBytes(32).toString('base64url');
      const id = await inTx(s, ctx, async (trx, audit) => {
        const area = await trx
          .selectFrom('areas')
          .select(['id', sql<string>`path::text`.as('path')])
          .where('id', '=', input.areaId)
          .where('status', '=', 'active')
          .executeTakeFirst();
        if (!area || !ctx.actor.canAt('open311.manage', area.path))
          throw new AppError('VALIDATION_FAILED', { fields: 'areaId' }, [
            {
              path: 'areaId',
              code: 'custom',
              message: pick(ctx.lang, '区域不存在或不在您的范围内', 'Unknown area or outside your scope'),
            },
          ]);
        const row = await trx
          .insertInto('open311Keys')
          .values({
            name: input.name,
            keyHash: s.keyring.lookupHash(key),
            tail: key.slice(-4),
            areaId: area.id,
            createdBy: ctx.actor.userId,
            createdAt: s.clock.now(),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await audit({
          action: 'open311_key.create',
          entityType: 'open311_key',
          entityId: row.id,
          detail: { name: input.name, areaId: area.id, tail: key.slice(-4) },
        });
        return row.id;
      });
      const k = await open311Repo(s.db).keyById(ctx.actor, id);
      return { ...presentKey(k!), key };
    },

    async revoke(ctx: Ctx, id: number): Promise<Z<typeof Open311Key>> {
      await inTx(s, ctx, async (trx, audit) => {
        const k = await open311Repo(trx).keyById(ctx.actor, id);
        if (!k) throw new AppError('NOT_FOUND');
        const r = await trx
          .updateTable('open311Keys')
          .set({ revokedAt: s.clock.now() })
          .where('id', '=', id)
          .where('revokedAt', 'is', null)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1)
          throw new AppError('CONFLICT', {
            reason: pick(ctx.lang, '该密钥已吊销', 'the key is already revoked'),
          });
        await audit({
          action: 'open311_key.revoke',
          entityType: 'open311_key',
          entityId: id,
          detail: { name: k.name, areaId: k.areaId, tail: k.tail },
        });
      });
      const k = await open311Repo(s.db).keyById(ctx.actor, id);
      return presentKey(k!);
    },
  };
}

// —— GeoReport ——

/** Form fields as they came: every value of every name, in order. */
export type Form = [string, string][];

const ATTRIBUTE = /^attribute\[([^[\]]+)\](\[\])?$/;
const DECIMAL = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;
const Email = z.email().max(254);

/** Title of a case from Open311: the description's first 60 characters, or the service's name. */
function titleOf(description: string, serviceName: string): string {
  const line = description.replace(/\s+/g, ' ').trim();
  if ([...line].length < 2) return serviceName;
  return [...line].slice(0, 60).join('').trim();
}

function serviceNotice(c: { state: string; dueAt: Date }, lang: 'zh' | 'en'): string {
  const label = STATE_LABELS[c.state as keyof typeof STATE_LABELS]?.[lang] ?? c.state;
  if (!OPEN.includes(c.state)) return label;
  const due = chinaIso(c.dueAt)!.slice(0, 16).replace('T', ' ');
  return lang === 'zh' ? `${label}，预计 ${due} 前办结` : `${label}; expected by ${due} (China time)`;
}

/**
 * The requests side, for anyone (reads) and for holders of a key (creates). What is shown of a
 * case is decided here (docs/open311.md "Privacy").
 */
export function georeportService(s: Services) {
  const engine = caseEngine(s, timingsFor(s));
  const catalogue = catalogueOf(caseTypesOf(s));
  const serviceByCode = catalogue.byCode;

  function present(c: PublicCaseRow, lang: 'zh' | 'en') {
    const svc = serviceByCode(serviceCodeOf(c.type, c.category));
    const serviceName = svc?.service_name ?? c.category;
    // A resident's own request may name them, their home, their neighbours: unless it came in
    // through Open311 (where the client chose to publish it), show only what kind of request it is.
    const open = c.type === 'event' || c.channel === 'open311';
    const closed = CLOSED.includes(c.state);
    // Text typed by people (description, address, the closing comment) leaves without phones, ID
    // numbers, cards, rooms and the names of the people linked to the case (contract/scrub.ts).
    const scrub = (text: string | null) => scrubPublicText(text, c.names);
    const note = closed
      ? open
        ? scrub(c.statusNote ?? '')
        : (STATE_LABELS[c.state as 'closed' | 'rejected']?.[lang] ?? '')
      : '';
    return {
      service_request_id: c.no,
      status: closed ? 'closed' : 'open',
      status_notes: note,
      service_name: serviceName,
      service_code: serviceCodeOf(c.type, c.category),
      description: open ? scrub(c.description || c.title) : serviceName,
      agency_responsible: c.communityName ?? c.areaName,
      service_notice: serviceNotice(c, lang),
      requested_datetime: chinaIso(c.reportedAt),
      updated_datetime: chinaIso(c.state === 'closed' && c.closedAt ? c.closedAt : c.updatedAt),
      expected_datetime: chinaIso(c.dueAt),
      address: open ? scrub(c.address) : null,
      address_id: String(open ? c.areaId : (c.communityId ?? c.areaId)),
      zipcode: '',
      lat: open ? c.lat : null,
      long: open ? c.lng : null,
      media_url: null,
    };
  }

  const bad = (field: string, zh: string, en: string, lang: 'zh' | 'en') =>
    new Open311Error(400, lang === 'zh' ? `${field}：${zh}` : `${field}: ${en}`);

  /** Values of a query parameter: repeated and comma-separated forms alike; none given is absent. */
  function listParam(q: Record<string, unknown>, name: string): string[] | undefined {
    if (!Object.hasOwn(q, name)) return undefined;
    const raw = [q[name]].flat();
    const out: string[] = [];
    for (const v of raw) {
      if (typeof v !== 'string') continue;
      for (const part of v.split(',')) if (part.trim()) out.push(part.trim());
    }
    return out.length ? out : undefined;
  }

  function oneParam(q: Record<string, unknown>, name: string, lang: 'zh' | 'en'): string | undefined {
    if (!Object.hasOwn(q, name)) return undefined;
    const v = q[name];
    if (typeof v !== 'string') throw bad(name, '只能给出一次', 'give it once', lang);
    return v.trim() || undefined;
  }

  /** ISO 8601 date or date-time; without an offset it is China time. */
  function dateParam(q: Record<string, unknown>, name: string, lang: 'zh' | 'en'): Date | undefined {
    const v = oneParam(q, name, lang);
    if (v === undefined) return undefined;
    const m =
      /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+ -]\d{2}:?\d{2})?)?$/i.exec(v);
    const bad_ = bad(
      name,
      '请使用 ISO 8601 日期时间，如 2026-11-01T00:00:00+08:00',
      'use an ISO 8601 datetime, e.g. 2026-11-01T00:00:00+08:00',
      lang,
    );
    if (!m) throw bad_;
    // An unencoded + in a query string arrives as a space.
    let zone = (m[3] ?? '+08:00').replace(' ', '+');
    if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
    const d = new Date(`${m[1]}T${m[2] ?? '00:00:00'}${zone.toUpperCase()}`);
    if (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1900 || d.getUTCFullYear() > 9999) throw bad_;
    // 2026-02-30 rolls over in Date: refuse it instead.
    if (chinaIso(new Date(`${m[1]}T12:00:00+08:00`))!.slice(0, 10) !== m[1]) throw bad_;
    return d;
  }

  function refuseUnstorable(q: Record<string, unknown>, lang: 'zh' | 'en') {
    const p = unstorableTextPath(q);
    if (p)
      throw bad(
        String(p[0] ?? '').slice(0, 60),
        '含有无法保存的字符',
        'contains characters that cannot be stored',
        lang,
      );
  }

  return {
    present,

    discovery(baseUrl: string) {
      const changeset = '2026-11-22T01:00:00+08:00';
      return {
        changeset,
        contact: '请联系街道办事处 / Contact the street office (家园 Jiayuan)',
        key_service:
          'API 密钥由街道安全管理员签发 / Keys are issued by the street office security administrator',
        endpoints: [
          {
            specification: 'http://wiki.open311.org/GeoReport_v2',
            url: baseUrl,
            changeset,
            type: 'production',
            formats: ['text/xml', 'application/json'],
          },
        ],
      };
    },

    definition(code: string, lang: 'zh' | 'en') {
      const svc = serviceByCode(code);
      if (!svc) throw new Open311Error(404, pick(lang, `没有该服务：${code}`, `No such service: ${code}`));
      return { service_code: svc.service_code, attributes: attributesOf(svc.def) };
    },

    /** POST /requests: the key, then the service, the place and the rest; then one case through the engine. */
    async create(form: Form, meta: { ip: string | null; requestId: string; lang: 'zh' | 'en' }) {
      const lang = meta.lang;
      const scalars = new Map<string, string>();
      const attrs = new Map<string, string[]>();
      const seen = new Set<string>();
      for (const [name, value] of form) {
        const a = ATTRIBUTE.exec(name);
        if (a) {
          const list = attrs.get(a[1]!) ?? [];
          list.push(value);
          attrs.set(a[1]!, list);
          continue;
        }
        if (name.startsWith('attribute'))
          throw bad(name.slice(0, 60), '格式应为 attribute[code]', 'use attribute[code]', lang);
        if (seen.has(name)) {
          if (name === 'api_key') throw new Open311Error(403, pick(lang, 'api_key 无效', 'Invalid api_key'));
          throw bad(name.slice(0, 60), '只能给出一次', 'give it once', lang);
        }
        seen.add(name);
        scalars.set(name, value);
      }
      const apiKey = scalars.get('api_key') ?? '';
      const key =
        apiKey && apiKey.length <= 200
          ? await open311Repo(s.db).liveKeyByHash(s.keyring.lookupHash(apiKey))
          : undefined;
      if (!key)
        throw new Open311Error(
          403,
          pick(lang, 'api_key 缺失、无效或已吊销', 'api_key is missing, invalid or revoked'),
        );

      // Form fields get the clean-up every JSON body gets (app.ts; contract/text.ts); the key does not.
      const text = (name: string, max: number): string | undefined => {
        const raw = scalars.get(name);
        if (raw === undefined) return undefined;
        if (unstorableTextPath(raw))
          throw bad(name, '含有无法保存的字符', 'contains characters that cannot be stored', lang);
        const v = cleanInput(raw);
        if (!v) return undefined;
        if ([...v].length > max) throw bad(name, `不能超过 ${max} 个字符`, `at most ${max} characters`, lang);
        return v;
      };

      const code = text('service_code', 100);
      if (!code) throw bad('service_code', '必填', 'required', lang);
      const svc = serviceByCode(code);
      if (!svc) throw bad('service_code', `没有该服务：${code}`, `no such service: ${code}`, lang);

      // Where: lat+long, address_string or address_id (an area id under the key's area).
      const latText = text('lat', 40);
      const longText = text('long', 40);
      let location: { lat: number; lng: number } | undefined;
      if (latText !== undefined || longText !== undefined) {
        if (latText === undefined) throw bad('lat', '给出 long 时必填', 'required with long', lang);
        if (longText === undefined) throw bad('long', '给出 lat 时必填', 'required with lat', lang);
        const lat = DECIMAL.test(latText) ? Number(latText) : Number.NaN;
        const lng = DECIMAL.test(longText) ? Number(longText) : Number.NaN;
        if (!(lat >= -90 && lat <= 90))
          throw bad('lat', '应为 -90 到 90 之间的数', 'a number from -90 to 90', lang);
        if (!(lng >= -180 && lng <= 180))
          throw bad('long', '应为 -180 到 180 之间的数', 'a number from -180 to 180', lang);
        location = { lat, lng };
      }
      const address = text('address_string', 200);
      const addressId = text('address_id', 20);
      let areaId: number | undefined;
      if (addressId !== undefined) {
        if (!/^\d{1,15}$/.test(addressId) || Number(addressId) < 1)
          throw bad('address_id', '应为区域编号', 'must be an area id', lang);
        areaId = Number(addressId);
      }
      if (!location && !address && areaId === undefined)
        throw bad(
          'lat/long, address_string, address_id',
          '至少给出其中一项位置',
          'give one of them for the location',
          lang,
        );

      // Attributes, against the service's definition.
      const defs = attributesOf(svc.def);
      const values = new Map<string, string>();
      for (const [c, vs] of attrs) {
        const def = defs.find((d) => d.code === c);
        const field = `attribute[${c.slice(0, 40)}]`;
        if (!def) throw bad(field, '该服务没有此属性', 'not an attribute of this service', lang);
        if (vs.length !== 1) throw bad(field, '只能选一个值', 'takes one value', lang);
        const v = vs[0]!.trim();
        if (!def.values.some((x) => x.key === v))
          throw bad(
            field,
            `可选值为 ${def.values.map((x) => x.key).join('、')}`,
            `one of ${def.values.map((x) => x.key).join(', ')}`,
            lang,
          );
        values.set(c, v);
      }
      for (const d of defs)
        if (d.required && !values.has(d.code)) throw bad(`attribute[${d.code}]`, '必填', 'required', lang);

      // Who and what.
      const description = text('description', 4000) ?? '';
      const mediaUrl = text('media_url', 2000);
      if (mediaUrl !== undefined) {
        let ok = false;
        try {
          ok = ['http:', 'https:'].includes(new URL(mediaUrl).protocol);
        } catch {
          ok = false;
        }
        if (!ok) throw bad('media_url', '应为 http(s) 链接', 'must be an http(s) URL', lang);
      }
      const email = text('email', 254);
      if (email !== undefined && !Email.safeParse(email).success)
        throw bad('email', '邮箱格式不正确', 'not an e-mail address', lang);
      const first = text('first_name', 40);
      const last = text('last_name', 40);
      const contactName = [first, last].filter(Boolean).join(' ') || undefined;
      if (contactName && [...contactName].length > 40)
        throw bad('first_name, last_name', '合计不能超过 40 个字符', 'at most 40 characters together', lang);
      const phone = text('phone', 20);

      const urgency = (values.get('urgency') ?? 'normal') as 'normal' | 'urgent';
      const full = mediaUrl
        ? `${description}${description ? '\n\n' : ''}${pick(lang, '图片/媒体链接', 'Media')}: ${mediaUrl}`
        : description;
      const common = {
        category: svc.category.code,
        urgency,
        title: titleOf(description, svc.service_name),
        description: full,
        ...(areaId !== undefined ? { areaId } : {}),
        ...(location ? { location } : {}),
        ...(address ? { address } : {}),
        ...(contactName ? { contactName } : {}),
        ...(phone ? { contactPhone: phone } : {}),
      };
      // The type's own attributes fill its detail (an event's hazard_level: hazardLevel).
      const detail: Record<string, unknown> = {};
      for (const a of svc.def.open311?.attributes ?? [])
        if (values.has(a.code)) detail[a.detail] = values.get(a.code);
      const input: CaseCreate = { type: svc.caseType, ...common, detail };

      const actor = new Actor(0, 'open311', `Open311: ${key.name}`, []);
      const ctx: Ctx = {
        actor,
        lang,
        audit: { actorId: null, actorName: `open311:${key.name}`, ip: meta.ip, requestId: meta.requestId },
      };
      const token = newToken();
      let id: number;
      try {
        ({ id } = await engine.create(ctx, input, {
          origin: {
            channel: 'open311',
            areaPath: key.areaPath,
            areaId: key.areaId,
            ...(email ? { contactEmail: email } : {}),
            token,
          },
        }));
      } catch (e) {
        if (e instanceof AppError && e.code === 'CASE_NO_AREA')
          throw bad(
            'lat/long',
            '该位置不在本密钥所辖区域的任何网格内',
            "the point is not in any grid of this key's area",
            lang,
          );
        if (e instanceof AppError && e.code === 'VALIDATION_FAILED') {
          const path = e.issues?.[0]?.path ?? '';
          const field =
            { areaId: 'address_id', contactPhone: 'phone', category: 'service_code' }[path] ?? path;
          throw new Open311Error(400, `${field}: ${e.issues?.[0]?.message ?? ''}`.trim());
        }
        throw e;
      }
      const c = await s.db
        .selectFrom('cases')
        .select(['no', 'state', 'dueAt'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return [{ service_request_id: c.no, token, service_notice: serviceNotice(c, lang), account_id: null }];
    },

    async tokens(token: string, lang: 'zh' | 'en') {
      const no =
        token.length <= 100 && !unstorableTextPath(token)
          ? await open311Repo(s.db).noOfToken(token)
          : undefined;
      if (!no) throw new Open311Error(404, pick(lang, '没有该令牌', 'No such token'));
      return [{ service_request_id: no, token }];
    },

    /** GET /requests: the window, service and status filters, or a list of ids that overrides them. */
    async list(query: Record<string, unknown>, lang: 'zh' | 'en') {
      refuseUnstorable(query, lang);
      const repo = open311Repo(s.db);
      const ids = listParam(query, 'service_request_id');
      if (ids !== undefined) {
        if (ids.length > MAX_RESULTS)
          throw bad('service_request_id', `最多 ${MAX_RESULTS} 个`, `at most ${MAX_RESULTS}`, lang);
        const rows = await repo.requests(await repo.publicPaths(), {
          types: catalogue.types,
          nos: ids.filter((x) => x.length <= 40),
          limit: MAX_RESULTS,
        });
        return rows.map((r) => present(r, lang));
      }
      const codes = listParam(query, 'service_code');
      const services = codes?.map((c) => {
        const svc = serviceByCode(c);
        if (!svc)
          throw bad(
            'service_code',
            `没有该服务：${c.slice(0, 100)}`,
            `no such service: ${c.slice(0, 100)}`,
            lang,
          );
        return { type: svc.caseType, category: svc.category.code };
      });
      const statuses = listParam(query, 'status');
      let states: string[] | undefined;
      if (statuses !== undefined) {
        const set = new Set<string>();
        for (const st of statuses) {
          if (st === 'open') for (const x of OPEN) set.add(x);
          else if (st === 'closed') for (const x of CLOSED) set.add(x);
          else throw bad('status', '应为 open 或 closed', 'open or closed', lang);
        }
        states = [...set];
      }
      let from = dateParam(query, 'start_date', lang);
      let to = dateParam(query, 'end_date', lang);
      if (!from && !to) {
        to = s.clock.now();
        from = new Date(to.getTime() - MAX_DAYS * DAY);
      } else if (!from) from = new Date(to!.getTime() - MAX_DAYS * DAY);
      else if (!to) to = new Date(from.getTime() + MAX_DAYS * DAY);
      if (to!.getTime() < from.getTime())
        throw bad('end_date', '不能早于 start_date', 'is before start_date', lang);
      if (to!.getTime() - from.getTime() > MAX_DAYS * DAY)
        throw bad(
          'start_date, end_date',
          `跨度不能超过 ${MAX_DAYS} 天`,
          `may span at most ${MAX_DAYS} days`,
          lang,
        );
      const rows = await repo.requests(await repo.publicPaths(), {
        types: catalogue.types,
        ...(services ? { services } : {}),
        ...(states ? { states } : {}),
        from,
        to: to!,
        limit: MAX_RESULTS,
      });
      return rows.map((r) => present(r, lang));
    },

    async get(no: string, lang: 'zh' | 'en') {
      const repo = open311Repo(s.db);
      const rows =
        no.length <= 40 && !unstorableTextPath(no)
          ? await repo.requests(await repo.publicPaths(), {
              types: catalogue.types,
              nos: [no],
              limit: 1,
            })
          : [];
      if (!rows[0])
        throw new Open311Error(
          404,
          pick(lang, `没有该请求：${no.slice(0, 40)}`, `No such request: ${no.slice(0, 40)}`),
        );
      return [present(rows[0], lang)];
    },
  };
}
