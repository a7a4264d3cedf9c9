import { type Expression, type SqlBool, sql } from 'kysely';
import type { Keyring } from '../../platform/crypto/keys.js';
import { countTotal } from '../../platform/db/count.js';
import { type Conn, escapeLike } from '../../platform/db/index.js';
import { nameKeys } from './pinyin.js';
import type { SearchKind } from './registry.policy.js';
import { addressOf } from './registry.presenter.js';

/**
 * The registry's queries about people (their records, tags, history and the audit counts behind
 * the hourly limits); houses and households are houses.repository.ts's, organisations
 * organisations.repository.ts's. Built from a connection or a transaction.
 *
 * At-rest encoding of identifiers (the demo seed and the bench generator write the same):
 *  - 公民身份号码, normalised to 18 characters with an upper-case X:
 *      id_enc  = keyring.encrypt(id18)      AES-256-GCM, "v1.<base64>"
 *      id_hash = keyring.lookupHash(id18)   keyed HMAC for exact lookup (unique)
 *      id_tail = id18.slice(-6)             last six characters, for tail search
 *  - mobile phone, 11 digits:
 *      phone_enc = keyring.encrypt(phone11), phone_hash = keyring.lookupHash(phone11),
 *      phone_tail = phone11.slice(-4)
 *  - name_pinyin / name_initials = nameKeys(name).pinyin / .initials (./pinyin.ts)
 *  - person_tags.fields_enc = keyring.encrypt(JSON.stringify(fields))
 *  - organisations.contact_phone_enc = keyring.encrypt(phone), contact_phone_tail = last four
 * Nothing in a row reads as a plain ID number or phone.
 *
 * One record per ID number: id_hash is unique among the records that are not a pending duplicate
 * (duplicate_of IS NULL); a pending duplicate is a registration held for the record that has the
 * number (see services/id-numbers.ts's placeId and docs/registry.md).
 */
export function encodeId(k: Keyring, id18: string | null) {
  if (!id18) return { idEnc: null, idHash: null, idTail: null };
  return { idEnc: k.encrypt(id18), idHash: k.lookupHash(id18), idTail: id18.slice(-6) };
}
export function encodePhone(k: Keyring, phone: string | null) {
  if (!phone) return { phoneEnc: null, phoneHash: null, phoneTail: null };
  return { phoneEnc: k.encrypt(phone), phoneHash: k.lookupHash(phone), phoneTail: phone.slice(-4) };
}
export function encodeName(name: string) {
  const k = nameKeys(name);
  return { name, namePinyin: k.pinyin, nameInitials: k.initials };
}

export interface PersonRecord {
  id: number;
  areaId: number;
  areaPath: string;
  householdId: number | null;
  relationToHead: string | null;
  name: string;
  idEnc: string | null;
  idHash: string | null;
  phoneEnc: string | null;
  /** set on a pending registration of an ID number another record holds */
  duplicateOf: number | null;
  sex: 'M' | 'F' | null;
  birthDate: string | null;
  ethnicity: string | null;
  education: string | null;
  politicalStatus: string | null;
  employer: string | null;
  residenceType: 'registered' | 'resident' | 'floating';
  registeredAddress: string | null;
  currentAddress: string | null;
  floatingRegisteredOn: string | null;
  floatingExpiresOn: string | null;
  inflowReason: string | null;
  floatingResidenceKind: string | null;
  healthArchive: boolean;
  status: 'active' | 'moved_out' | 'deceased';
  note: string | null;
  version: number;
  updatedAt: Date;
}

export interface AreaRef {
  id: number;
  kind: string;
  name: string;
  path: string;
}

export interface PersonFilter {
  scope: Expression<SqlBool>;
  search?: SearchKind | null;
  /**
   * Where a search by a whole identifier or a long ID tail may match (person.reveal): elsewhere
   * such a search confirms a number the actor may not see. Absent: everywhere in `scope`.
   */
  revealScope?: Expression<SqlBool>;
  /** subtree root */
  areaId?: number;
  tag?: { code: string; scope: Expression<SqlBool> };
  residenceType?: string;
  status?: string;
  birth?: { from: string | null; to: string };
  /** floating registrations expiring on or before this date */
  expiresBy?: string;
}

export type PersonSort = { key: 'name' | 'birthDate' | 'updatedAt' | 'id'; desc: boolean };

/**
 * The record `liveId` gives up its ID number (moved out, or its number changed): the registration
 * `next` (or the oldest one held pending for it) continues the number; the others held for it
 * now wait for that one. A record that keeps the number stays as its history (a pending
 * duplicate of the new one). Versions are not bumped: nothing a reader sees changes.
 */
export async function handOverIdNumber(c: Conn, liveId: number, keepsNumber: boolean, next?: number) {
  const to =
    next ??
    (
      await c
        .selectFrom('people')
        .select('id')
        .where('duplicateOf', '=', liveId)
        .orderBy('id')
        .limit(1)
        .executeTakeFirst()
    )?.id;
  if (to === undefined) return null;
  if (keepsNumber) await c.updateTable('people').set({ duplicateOf: to }).where('id', '=', liveId).execute();
  await c
    .updateTable('people')
    .set({ duplicateOf: to })
    .where('duplicateOf', '=', liveId)
    .where('id', '<>', to)
    .execute();
  await c.updateTable('people').set({ duplicateOf: null }).where('id', '=', to).execute();
  return to;
}

/** Counted with a LIMIT up to this many; beyond it, within a time budget or estimated (see list()). */
export const COUNT_CAP = 10_000;
/** A search: the bounded count stops here (counting thousands costs more than finding the page). */
export const SEARCH_COUNT_CAP = 1_000;

const personColumns = [
  'p.id',
  'p.areaId',
  sql<string>`a.path::text`.as('areaPath'),
  'p.householdId',
  'p.relationToHead',
  'p.name',
  'p.idEnc',
  'p.idHash',
  'p.phoneEnc',
  'p.duplicateOf',
  'p.sex',
  'p.birthDate',
  'p.ethnicity',
  'p.education',
  'p.politicalStatus',
  'p.employer',
  'p.residenceType',
  'p.registeredAddress',
  'p.currentAddress',
  'p.floatingRegisteredOn',
  'p.floatingExpiresOn',
  'p.inflowReason',
  'p.floatingResidenceKind',
  'p.healthArchive',
  'p.status',
  'p.note',
  'p.version',
  'p.updatedAt',
] as const;

/** Searches that match a whole identifier or more of an ID's tail than its mask shows (docs/security.md). */
export const REVEAL_SEARCHES = new Set<SearchKind['kind']>(['idHash', 'phoneHash', 'tail5', 'tail6']);

export function registryRepo(db: Conn, keyring: Keyring) {
  /** The search as one indexable predicate per kind (see EXPLAIN notes in docs/registry.md). */
  function searchPredicate(s: SearchKind): Expression<SqlBool> {
    switch (s.kind) {
      case 'idHash':
        return sql<SqlBool>`p.id_hash = ${keyring.lookupHash(s.value)}`;
      case 'phoneHash':
        return sql<SqlBool>`p.phone_hash = ${keyring.lookupHash(s.value)}`;
      case 'tail4':
        return s.phoneToo
          ? sql<SqlBool>`(right(p.id_tail, 4) = ${s.value} OR p.phone_tail = ${s.value})`
          : sql<SqlBool>`right(p.id_tail, 4) = ${s.value}`;
      case 'tail5':
        return sql<SqlBool>`right(p.id_tail, 5) = ${s.value}`;
      case 'tail6':
        return sql<SqlBool>`p.id_tail = ${s.value}`;
      case 'pinyin': {
        const prefix = `${escapeLike(s.value)}%`;
        // Initials by btree prefix; the full pinyin by trigram once it is long enough to have any.
        return s.value.length >= 3
          ? sql<SqlBool>`((p.name_initials COLLATE "C") LIKE ${prefix} OR (p.name_pinyin COLLATE "C") LIKE ${prefix})`
          : sql<SqlBool>`(p.name_initials COLLATE "C") LIKE ${prefix}`;
      }
      case 'text': {
        const v = escapeLike(s.value);
        // A name is matched as a prefix (btree); from three characters on, anywhere in the name
        // or the current address (trigram).
        return [...s.value].length >= 3
          ? sql<SqlBool>`((p.name COLLATE "C") LIKE ${`${v}%`} OR p.name ILIKE ${`%${v}%`} OR p.current_address ILIKE ${`%${v}%`})`
          : sql<SqlBool>`(p.name COLLATE "C") LIKE ${`${v}%`}`;
      }
    }
  }

  function filtered(f: PersonFilter) {
    let q = db.selectFrom('people as p').where(f.scope);
    if (f.search) q = q.where(searchPredicate(f.search));
    if (f.search && f.revealScope && REVEAL_SEARCHES.has(f.search.kind)) q = q.where(f.revealScope);
    if (f.areaId !== undefined) {
      q = q.where(
        sql<SqlBool>`p.area_id IN (SELECT d.id FROM areas d WHERE d.path <@ (SELECT r.path FROM areas r WHERE r.id = ${f.areaId}))`,
      );
    }
    if (f.tag) {
      q = q
        .where(
          sql<SqlBool>`EXISTS (SELECT 1 FROM person_tags t WHERE t.person_id = p.id AND t.tag = ${f.tag.code})`,
        )
        .where(f.tag.scope);
    }
    if (f.residenceType) q = q.where('p.residenceType', '=', f.residenceType);
    if (f.status) q = q.where('p.status', '=', f.status);
    if (f.birth) {
      q = q.where('p.birthDate', '<=', f.birth.to);
      if (f.birth.from) q = q.where('p.birthDate', '>=', f.birth.from);
    }
    if (f.expiresBy) {
      q = q.where('p.residenceType', '=', 'floating').where('p.floatingExpiresOn', '<=', f.expiresBy);
    }
    return q;
  }

  /**
   * ORDER BY with the id as tiebreak. With a search, the order is computed on the matches (the
   * expressions below cannot use the sort indexes): otherwise the planner walks the whole sort
   * index filtering for a few thousand matches (EXPLAIN at 1M rows: ~1 s instead of ~10 ms).
   */
  function ordered<T extends ReturnType<typeof filtered>>(
    q: T,
    sort: PersonSort,
    searching: boolean,
    search?: SearchKind | null,
  ): T {
    const dir = sort.desc ? sql.raw('desc') : sql.raw('asc');
    // Initials typed ("zw"): read in the people_initials index's own order — exact initials
    // first, then by pinyin — so the page stops after 20 entries instead of sorting thousands.
    if (search?.kind === 'pinyin' && search.value.length < 3 && sort.key === 'name') {
      return q
        .orderBy(sql`(p.name_initials COLLATE "C") ${dir}`)
        .orderBy(sql`(p.name_pinyin COLLATE "C") ${dir}`)
        .orderBy(sql`p.id ${dir}`) as T;
    }
    const col = (c: string) => (searching ? sql`(${sql.ref(c)} || '')` : sql.ref(c));
    let o = q;
    if (sort.key === 'name')
      o = o.orderBy(sql`${col('p.namePinyin')} ${dir}`).orderBy(sql`${col('p.name')} ${dir}`) as T;
    else if (sort.key === 'birthDate')
      o = o.orderBy(sql`${searching ? sql`(p.birth_date + 0)` : sql`p.birth_date`} ${dir} nulls last`) as T;
    else if (sort.key === 'updatedAt')
      o = o.orderBy(sql`${searching ? sql`(p.updated_at + interval '0 s')` : sql`p.updated_at`} ${dir}`) as T;
    return o.orderBy(searching ? sql`(p.id + 0) ${dir}` : sql`p.id ${dir}`) as T;
  }

  return {
    /**
     * A page of people and the total (platform/db/count.ts): exact when counting is cheap — up
     * to COUNT_CAP (SEARCH_COUNT_CAP for a search) by a bounded count, beyond that by a full
     * count within a time budget — and otherwise the planner's estimate, marked as one.
     */
    async list(f: PersonFilter, sort: PersonSort, limit: number, offset: number) {
      const base = filtered(f);
      const cap = f.search ? SEARCH_COUNT_CAP : COUNT_CAP;
      const counted = await countTotal(db, base.select(sql`1`.as('x')), { cap });
      // Deferred join: find the page's ids first (index-only for searches), then read 20 rows.
      const pageIds = ordered(base.select('p.id'), sort, !!f.search, f.search).limit(limit).offset(offset);
      const rows = await ordered(
        db
          .selectFrom('people as p')
          .innerJoin('areas as a', 'a.id', 'p.areaId')
          .select(personColumns)
          .where('p.id', 'in', pageIds) as unknown as ReturnType<typeof filtered>,
        sort,
        false,
        f.search,
      ).execute();
      return { rows: rows as PersonRecord[], total: counted.total, exact: counted.exact };
    },

    /** Rows for an export in the list's order (a sort was asked), `limit` at a time from `offset`. */
    async exportPage(f: PersonFilter, sort: PersonSort, offset: number, limit: number) {
      const pageIds = ordered(filtered(f).select('p.id'), sort, !!f.search, f.search)
        .limit(limit)
        .offset(offset);
      return (await ordered(
        db
          .selectFrom('people as p')
          .innerJoin('areas as a', 'a.id', 'p.areaId')
          .select(personColumns)
          .where('p.id', 'in', pageIds) as unknown as ReturnType<typeof filtered>,
        sort,
        false,
        f.search,
      ).execute()) as unknown as PersonRecord[];
    },

    /** Rows for an export, in id order, `batch` at a time after `afterId` (keyset). */
    async exportBatch(f: PersonFilter, afterId: number, batch: number) {
      return (await filtered(f)
        .innerJoin('areas as a', 'a.id', 'p.areaId')
        .select(personColumns)
        .where('p.id', '>', afterId)
        .orderBy('p.id')
        .limit(batch)
        .execute()) as PersonRecord[];
    },

    async count(f: PersonFilter, cap: number): Promise<number> {
      const r = await db
        .selectFrom(filtered(f).select(sql`1`.as('x')).limit(cap).as('c'))
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirst();
      return r?.n ?? 0;
    },

    async find(id: number, scope: Expression<SqlBool>, forUpdate = false): Promise<PersonRecord | undefined> {
      // The row is locked on its own first. Locking it in the query below would be wrong under
      // a concurrent move: PostgreSQL re-checks a locked row that changed meanwhile against the
      // join rows it had already read (the old area), drops it, and the loser of the race got
      // 404 instead of 412. Locked first, the query then reads the committed row and its area.
      if (forUpdate) await db.selectFrom('people').select('id').where('id', '=', id).forUpdate().execute();
      const q = db
        .selectFrom('people as p')
        .innerJoin('areas as a', 'a.id', 'p.areaId')
        .select(personColumns)
        .where('p.id', '=', id)
        .where(scope);
      return (await q.executeTakeFirst()) as PersonRecord | undefined;
    },

    async findByIds(ids: number[], scope: Expression<SqlBool>): Promise<PersonRecord[]> {
      if (ids.length === 0) return [];
      return (await db
        .selectFrom('people as p')
        .innerJoin('areas as a', 'a.id', 'p.areaId')
        .select(personColumns)
        .where('p.id', 'in', ids)
        .where(scope)
        .orderBy('p.id')
        .execute()) as PersonRecord[];
    },

    /** Every record with this ID number, in scope or not (for duplicate checks), oldest first. */
    async byIdHash(hash: string) {
      return db
        .selectFrom('people as p')
        .innerJoin('areas as a', 'a.id', 'p.areaId')
        .select(['p.id', 'p.name', 'p.status', 'p.duplicateOf', sql<string>`a.path::text`.as('areaPath')])
        .where('p.idHash', '=', hash)
        .orderBy('p.id')
        .execute();
    },

    /** How many registrations are held pending for this record (see byIdHash). */
    async pendingRegistrations(personId: number): Promise<number> {
      const r = await db
        .selectFrom('people')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('duplicateOf', '=', personId)
        .executeTakeFirst();
      return r?.n ?? 0;
    },

    async area(id: number, scope: Expression<SqlBool>): Promise<AreaRef | undefined> {
      return db
        .selectFrom('areas as a')
        .select(['a.id', 'a.kind', 'a.name', sql<string>`a.path::text`.as('path')])
        .where('a.id', '=', id)
        .where(scope)
        .executeTakeFirst();
    },

    /** A household in words: its head's name and its house's address (issue 16: "户 #3370" said nothing). */
    async householdWords(id: number): Promise<string | null> {
      const h = await db
        .selectFrom('households as h')
        .innerJoin('areas as a', 'a.id', 'h.areaId')
        .leftJoin('people as p', 'p.id', 'h.headPersonId')
        .select(['p.name as head', sql<string>`a.path::text`.as('path')])
        .where('h.id', '=', id)
        .executeTakeFirst();
      if (!h) return null;
      const rows = await db
        .selectFrom('areas')
        .select(['id', 'name', 'kind'])
        .where('id', 'in', h.path.split('.').map(Number))
        .execute();
      const address = addressOf(h.path, new Map(rows.map((r) => [r.id, r])));
      return h.head ? `${h.head}户${address ? `（${address}）` : ''}` : address || null;
    },

    /** Names and kinds of every node on the given paths. */
    async names(paths: string[]): Promise<Map<number, { id: number; name: string; kind: string }>> {
      const ids = [...new Set(paths.flatMap((p) => p.split('.').map(Number)))];
      if (ids.length === 0) return new Map();
      const rows = await db
        .selectFrom('areas')
        .select(['id', 'name', 'kind'])
        .where('id', 'in', ids)
        .execute();
      return new Map(rows.map((r) => [r.id, r]));
    },

    async tagsOf(personIds: number[]) {
      if (personIds.length === 0) return [];
      return db
        .selectFrom('personTags')
        .select(['id', 'personId', 'tag', 'fieldsEnc', 'startDate', 'endDate'])
        .where('personId', 'in', personIds)
        .orderBy('id')
        .execute();
    },

    async insertPerson(v: Record<string, unknown>): Promise<number> {
      const r = await db
        .insertInto('people')
        .values(v as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async updatePerson(id: number, set: Record<string, unknown>) {
      await db
        .updateTable('people')
        .set({ ...(set as object), version: sql`version + 1`, updatedAt: sql`now()` } as never)
        .where('id', '=', id)
        .execute();
    },

    async residentsAt(areaId: number): Promise<PersonRecord[]> {
      return (await db
        .selectFrom('people as p')
        .innerJoin('areas as a', 'a.id', 'p.areaId')
        .select(personColumns)
        .where('p.areaId', '=', areaId)
        .where('p.status', '=', 'active')
        .orderBy('p.id')
        .limit(500)
        .execute()) as PersonRecord[];
    },

    // —— writes of a person's ID number (services/id-numbers.ts) ——

    /** The savepoint a person write runs in, so that a unique-index conflict can be decided again. */
    personWrite: {
      begin: () => sql`SAVEPOINT person_write`.execute(db),
      release: () => sql`RELEASE SAVEPOINT person_write`.execute(db),
      rollback: () => sql`ROLLBACK TO SAVEPOINT person_write`.execute(db),
    },

    // —— the hourly limits (reveals, identifier searches), counted in the audit log ——

    /** One limited action at a time per user, until the transaction ends. */
    async lockUser(kind: 'reveal' | 'idsearch', userId: number) {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`jiayuan:${kind}:${userId}`}))`.execute(db);
    },

    /** The user's audit entries of these actions after `since`. */
    async auditCount(userId: number, actions: string[], since: Date): Promise<number> {
      const used = await db
        .selectFrom('auditLog')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('actorId', '=', userId)
        .where('action', 'in', actions)
        .where('at', '>', since)
        .executeTakeFirst();
      return used?.n ?? 0;
    },

    // —— tags ——

    async tag(personId: number, tag: string, forUpdate = false) {
      let q = db
        .selectFrom('personTags')
        .select(['id', 'startDate', 'endDate', 'fieldsEnc'])
        .where('personId', '=', personId)
        .where('tag', '=', tag);
      if (forUpdate) q = q.forUpdate();
      return q.executeTakeFirst();
    },

    async tagById(tagId: number, personId: number) {
      return db
        .selectFrom('personTags')
        .select(['id', 'tag'])
        .where('id', '=', tagId)
        .where('personId', '=', personId)
        .executeTakeFirst();
    },

    async saveTag(
      existingId: number | null,
      personId: number,
      tag: string,
      values: { fieldsEnc: string; startDate: string | null; endDate: string | null },
    ) {
      if (existingId !== null) {
        await db.updateTable('personTags').set(values).where('id', '=', existingId).execute();
      } else {
        await db
          .insertInto('personTags')
          .values({ personId, tag, ...values })
          .execute();
      }
    },

    async deleteTag(tagId: number) {
      await db.deleteFrom('personTags').where('id', '=', tagId).execute();
    },

    // —— a person's history (the audit log) ——

    /** Successful audit entries about a person, newest first; tag entries only for `tags`. */
    async history(personId: number, tags: string[], limit: number, offset: number) {
      const tagOk: Expression<SqlBool> = tags.length
        ? sql<SqlBool>`(action NOT LIKE 'person.tag.%' OR detail->>'tag' IN (${sql.join(tags)}))`
        : sql<SqlBool>`action NOT LIKE 'person.tag.%'`;
      const base = db
        .selectFrom('auditLog')
        .where('entityType', '=', 'person')
        .where('entityId', '=', String(personId))
        .where('success', '=', true)
        .where(tagOk);
      const total = (await base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirst())?.n ?? 0;
      const rows = await base
        .select([
          'at',
          // The operator by name ("王建国"), not by user name; "系统" for the system's own entries.
          sql<string | null>`coalesce((SELECT u.display_name FROM users u WHERE u.id = audit_log.actor_id),
            CASE WHEN actor_name = 'system' THEN '系统' ELSE actor_name END)`.as('actorName'),
          'action',
          'changes',
          'detail',
        ])
        .orderBy('seq', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
      return { total, rows };
    },
  };
}
export type RegistryRepo = ReturnType<typeof registryRepo>;
