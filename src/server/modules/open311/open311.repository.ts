import { type Expression, type SqlBool, sql } from 'kysely';
import { type Actor, outermost } from '../../platform/access/actor.js';
import { areaIdInScope } from '../../platform/access/scope.js';
import type { Conn } from '../../platform/db/index.js';

export interface KeyRow {
  id: number;
  name: string;
  tail: string;
  areaId: number;
  areaName: string;
  areaPath: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** A case as GeoReport shows it: only the columns it may expose, with the names it needs. */
export interface PublicCaseRow {
  id: number;
  no: string;
  type: string;
  category: string;
  urgency: string;
  state: string;
  title: string;
  description: string;
  channel: string;
  areaId: number;
  areaName: string;
  communityId: number | null;
  communityName: string | null;
  lat: number | null;
  lng: number | null;
  address: string | null;
  reportedAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  dueAt: Date;
  statusNote: string | null;
  /**
   * Names of the people linked to the case, to be scrubbed from its text: the contact, the
   * reporting user, the registered reporter and their household, parties, the person of the visit
   * it was raised from, and the people registered at the case's area when that is a home.
   */
  names: string[];
}

export interface RequestFilter {
  /** Case numbers (service_request_id); when given, every other filter is ignored. */
  nos?: string[];
  /** The case types Open311 offers (every other type is never shown). */
  types: readonly string[];
  services?: { type: string; category: string }[];
  from?: Date;
  to?: Date;
  states?: string[];
  limit: number;
}

export function open311Repo(db: Conn) {
  const keys = () =>
    db
      .selectFrom('open311Keys as k')
      .innerJoin('areas as a', 'a.id', 'k.areaId')
      .select([
        'k.id',
        'k.name',
        'k.tail',
        'k.areaId',
        'a.name as areaName',
        sql<string>`a.path::text`.as('areaPath'),
        'k.createdAt',
        'k.revokedAt',
      ]);

  return {
    /** Keys whose area lies in the actor's `open311.manage` scope, newest first. */
    async listKeys(actor: Actor): Promise<KeyRow[]> {
      return keys()
        .where(areaIdInScope(actor, 'open311.manage', 'k.area_id'))
        .orderBy('k.id', 'desc')
        .execute();
    },

    async keyById(actor: Actor, id: number): Promise<KeyRow | undefined> {
      return keys()
        .where('k.id', '=', id)
        .where(areaIdInScope(actor, 'open311.manage', 'k.area_id'))
        .executeTakeFirst();
    },

    /** The live key with this hash (api_key of a request), or nothing. */
    async liveKeyByHash(hash: string): Promise<KeyRow | undefined> {
      return keys().where('k.keyHash', '=', hash).where('k.revokedAt', 'is', null).executeTakeFirst();
    },

    /**
     * Where GeoReport reads: the street of every live key's area (the key's area itself when it
     * lies above a street). No live key: nothing is public.
     */
    async publicPaths(): Promise<string[]> {
      const r = await sql<{ path: string }>`
        SELECT DISTINCT coalesce(
          (SELECT s.path::text FROM areas s WHERE s.kind = 'street' AND s.path @> a.path LIMIT 1),
          a.path::text) AS path
        FROM open311_keys k JOIN areas a ON a.id = k.area_id
        WHERE k.revoked_at IS NULL`.execute(db);
      return outermost(r.rows.map((x) => x.path));
    },

    async requests(paths: string[], f: RequestFilter): Promise<PublicCaseRow[]> {
      if (paths.length === 0) return [];
      let q = db
        .selectFrom('cases as c')
        .innerJoin('areas as a', 'a.id', 'c.areaId')
        .select([
          'c.id',
          'c.no',
          'c.type',
          'c.category',
          'c.urgency',
          'c.state',
          'c.title',
          'c.description',
          'c.channel',
          'c.areaId',
          'a.name as areaName',
          'c.lat',
          'c.lng',
          'c.address',
          'c.reportedAt',
          'c.updatedAt',
          'c.closedAt',
          'c.dueAt',
          sql<
            number | null
          >`(SELECT m.id FROM areas m WHERE m.kind = 'community' AND m.path @> c.area_path LIMIT 1)`.as(
            'communityId',
          ),
          sql<
            string | null
          >`(SELECT m.name FROM areas m WHERE m.kind = 'community' AND m.path @> c.area_path LIMIT 1)`.as(
            'communityName',
          ),
          sql<string | null>`(SELECT e.comment FROM case_events e
            WHERE e.case_id = c.id AND e.kind IN ('verify', 'reject') AND e.to_state IN ('closed', 'rejected')
            ORDER BY e.id DESC LIMIT 1)`.as('statusNote'),
          // Each part one index lookup: cheap for a thousand rows. Names of registered people
          // anywhere in a grid are not looked for (thousands per case; see docs/open311.md).
          sql<string[]>`ARRAY(SELECT DISTINCT x.n FROM (
              SELECT c.contact_name AS n
              UNION ALL SELECT u.display_name FROM users u WHERE u.id = c.reporter_user_id
              UNION ALL SELECT p.name FROM people p WHERE p.id = c.reporter_person_id
              UNION ALL SELECT h.name FROM people r JOIN people h ON h.household_id = r.household_id
                WHERE r.id = c.reporter_person_id
              UNION ALL SELECT d.name FROM dispute_parties d WHERE d.case_id = c.id
              UNION ALL SELECT p.name FROM dispute_parties d JOIN people p ON p.id = d.person_id
                WHERE d.case_id = c.id
              UNION ALL SELECT p.name FROM visits v JOIN people p ON p.id = v.person_id
                WHERE c.source_kind = 'visit' AND v.id = c.source_id
              UNION ALL SELECT p.name FROM people p WHERE a.kind = 'house' AND p.area_id = c.area_id
            ) x WHERE x.n IS NOT NULL AND char_length(x.n) >= 2)`.as('names'),
        ])
        .where('c.type', 'in', f.types.length ? [...f.types] : [''])
        // A case marked non-public is never shown (docs/cases.md "Public or not").
        .where('c.public', '=', true)
        .where(sql<SqlBool>`c.area_path <@ ${sql.val(paths)}::ltree[]`);
      if (f.nos) {
        q = q.where('c.no', 'in', f.nos.length ? f.nos : ['']);
      } else {
        if (f.services?.length) {
          const parts: Expression<SqlBool>[] = f.services.map(
            (s) => sql<SqlBool>`(c.type = ${s.type} AND c.category = ${s.category})`,
          );
          q = q.where(sql<SqlBool>`(${sql.join(parts, sql` OR `)})`);
        }
        if (f.from) q = q.where('c.reportedAt', '>=', f.from);
        if (f.to) q = q.where('c.reportedAt', '<=', f.to);
        if (f.states) q = q.where('c.state', 'in', f.states.length ? f.states : ['']);
      }
      return q.orderBy('c.reportedAt', 'desc').orderBy('c.id', 'desc').limit(f.limit).execute();
    },

    async noOfToken(token: string): Promise<string | undefined> {
      const r = await db
        .selectFrom('cases')
        .select('no')
        .where('externalToken', '=', token)
        .where('channel', '=', 'open311')
        .executeTakeFirst();
      return r?.no;
    },
  };
}
