import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from '../helpers/app.js';
import { areaIdByCode, fingerprint } from '../helpers/db.js';
import { routeTable } from '../helpers/routes.js';

/**
 * Two people at once (docs/security.md, "How it is tested"): optimistic versions (ETag/If-Match)
 * on every edit that takes one, Idempotency-Key on every create that takes one, and two workers
 * taking the same case action at the same moment.
 */

let t: TestApp;
let as: Record<'street' | 'sec' | 'gridA' | 'gridB' | 'worker' | 'secretary', Client>;
let grid1: number;
let grid4: number;
let youyi: number;
let houses: number[];

beforeAll(async () => {
  t = await createTestApp({ clock: new Date('2026-11-23T09:00:00+08:00') }); // a Monday, office hours
  const [street, sec, gridA, gridB, worker, secretary] = await Promise.all(
    ['street_admin', 'security_admin', 'grid_a', 'grid_b', 'community_worker', 'community_admin'].map((u) =>
      t.login(u),
    ),
  );
  as = { street: street!, sec: sec!, gridA: gridA!, gridB: gridB!, worker: worker!, secretary: secretary! };
  grid1 = await areaIdByCode(t.db, '430681001001001');
  grid4 = await areaIdByCode(t.db, '430681001001004');
  youyi = await areaIdByCode(t.db, '430681001001');
  houses = (
    await sql<{ id: number }>`
      SELECT h.id FROM areas h, areas g WHERE g.id = ${grid1} AND h.kind = 'house' AND h.path <@ g.path
      ORDER BY h.id LIMIT 3`.execute(t.db)
  ).rows.map((r) => r.id);
});
afterAll(async () => t?.close());

const ok = (r: LightMyRequestResponse, status = 200) => {
  expect(r.statusCode, r.body).toBe(status);
  return r.json();
};

// ---------------------------------------------------------------------------------------------
// If-Match

interface Edit {
  /** Route as the route table names it. */
  route: string;
  /** If-Match required (428 without it) or optional (a stale one is still refused). */
  required: boolean;
  /** Creates what is edited; returns how to read its version and how to edit it. */
  setup(): Promise<{
    version(): Promise<string>;
    edit(ifMatch: string | null, n: number): Promise<LightMyRequestResponse>;
  }>;
}

const etagOf = async (c: Client, url: string) => {
  const r = await c.get(url);
  expect(r.statusCode, r.body).toBe(200);
  expect(r.headers.etag, url).toMatch(/^"\d+"$/);
  return String(r.headers.etag);
};
const h = (ifMatch: string | null): Record<string, string> =>
  ifMatch === null ? {} : { 'if-match': ifMatch };

const EDITS: Edit[] = [
  {
    route: 'PATCH /api/areas/:id',
    required: true,
    async setup() {
      const { id } = ok(
        await as.street.post('/api/areas', { parentId: grid4, kind: 'group', name: '并发测试组' }),
        201,
      );
      return {
        version: () => etagOf(as.street, `/api/areas/${id}`),
        edit: (m, n) => as.street.patch(`/api/areas/${id}`, { name: `并发测试组${n}` }, h(m)),
      };
    },
  },
  {
    route: 'PATCH /api/users/:id',
    required: true,
    async setup() {
      const { user } = ok(
        await as.sec.post('/api/users', { username: 'conc_user', displayName: '并发', areaId: youyi }),
        201,
      );
      return {
        version: () => etagOf(as.sec, `/api/users/${user.id}`),
        // the area changes too: the row's join to its area must not lose the race (see people/move)
        edit: (m, n) =>
          as.sec.patch(
            `/api/users/${user.id}`,
            { displayName: `并发${n}`, areaId: n % 2 ? grid1 : youyi },
            h(m),
          ),
      };
    },
  },
  {
    route: 'PATCH /api/roles/:id',
    required: true,
    async setup() {
      const { id } = ok(
        await as.sec.post('/api/roles', {
          code: 'conc_role',
          nameZh: '并发角色',
          nameEn: 'Concurrency role',
          permissions: ['area.read'],
        }),
        201,
      );
      return {
        async version() {
          const r = ok(await as.sec.get('/api/roles'));
          const items = Array.isArray(r) ? r : r.items;
          return `"${items.find((x: { id: number }) => x.id === id).version}"`;
        },
        edit: (m, n) => as.sec.patch(`/api/roles/${id}`, { nameZh: `并发角色${n}` }, h(m)),
      };
    },
  },
  {
    route: 'PATCH /api/people/:id',
    required: true,
    async setup() {
      const { id } = ok(
        await as.gridA.post('/api/people', { name: '并发甲', residenceType: 'resident', areaId: houses[0] }),
        201,
      );
      return {
        version: () => etagOf(as.gridA, `/api/people/${id}`),
        edit: (m, n) => as.gridA.patch(`/api/people/${id}`, { currentAddress: `友谊花园${n}栋` }, h(m)),
      };
    },
  },
  {
    route: 'PATCH /api/houses/:id',
    required: true,
    async setup() {
      const id = houses[1]!;
      return {
        version: () => etagOf(as.street, `/api/houses/${id}`),
        edit: (m, n) => as.street.patch(`/api/houses/${id}`, { note: `备注${n}` }, h(m)),
      };
    },
  },
  {
    route: 'PATCH /api/households/:id',
    required: true,
    async setup() {
      const { id } = ok(await as.street.post('/api/households', { houseId: houses[2] }), 201);
      return {
        version: () => etagOf(as.street, `/api/households/${id}`),
        edit: (m) => as.street.patch(`/api/households/${id}`, { headPersonId: null }, h(m)),
      };
    },
  },
  {
    route: 'PATCH /api/organisations/:id',
    required: true,
    async setup() {
      const { id } = ok(
        await as.street.post('/api/organisations', { name: '并发物业', kind: 'property', areaId: grid1 }),
        201,
      );
      return {
        version: () => etagOf(as.street, `/api/organisations/${id}`),
        edit: (m, n) =>
          as.street.patch(
            `/api/organisations/${id}`,
            { note: `备注${n}`, areaId: n % 2 ? grid4 : grid1 },
            h(m),
          ),
      };
    },
  },
  {
    route: 'PUT /api/visit-rules/:id',
    required: true,
    async setup() {
      const input = {
        name: '并发走访规则',
        areaId: youyi,
        tags: ['unemployed'],
        intervalCount: 1,
        intervalUnit: 'month',
      };
      const { id } = ok(await as.secretary.post('/api/visit-rules', input), 201);
      return {
        async version() {
          const r = ok(await as.secretary.get('/api/visit-rules'));
          return `"${r.find((x: { id: number }) => x.id === id).version}"`;
        },
        edit: (m, n) =>
          as.secretary.put(`/api/visit-rules/${id}`, { ...input, intervalCount: 1 + (n % 5) }, h(m)),
      };
    },
  },
  {
    route: 'POST /api/people/:id/move',
    required: false,
    async setup() {
      const { id } = ok(
        await as.gridA.post('/api/people', { name: '并发乙', residenceType: 'resident', areaId: houses[0] }),
        201,
      );
      return {
        version: () => etagOf(as.gridA, `/api/people/${id}`),
        edit: (m, n) => as.gridA.post(`/api/people/${id}/move`, { areaId: houses[n % 2]! }, h(m)),
      };
    },
  },
  {
    route: 'POST /api/cases/:id/transitions',
    required: false,
    async setup() {
      const { id } = ok(
        await as.gridA.post('/api/cases', {
          type: 'event',
          category: 'order.parking',
          title: '并发测试',
          areaId: grid1,
        }),
        201,
      );
      return {
        version: () => etagOf(as.worker, `/api/cases/${id}`),
        edit: (m, n) =>
          as.worker.post(`/api/cases/${id}/transitions`, { action: 'comment', comment: `进展${n}` }, h(m)),
      };
    },
  },
];

/** Concurrent pairs per route: races show up now and then, so each is tried a few times. */
const ROUNDS = 4;

describe('If-Match', () => {
  it('the list covers every route that reads If-Match', () => {
    // Call sites of ifMatchVersion (required) and of a route reading the header itself (optional).
    const dir = 'src/server/modules';
    let sites = 0;
    for (const m of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const f of readdirSync(path.join(dir, m.name)).filter((x) => x.endsWith('.routes.ts'))) {
        const text = readFileSync(path.join(dir, m.name, f), 'utf8');
        sites += (text.match(/ifMatchVersion\(req\)|headers\['if-match'\]/g) ?? []).length;
      }
    }
    // people/:id/move reads the header and then calls ifMatchVersion: two sites, one route
    expect(sites).toBe(EDITS.length + 1);
  });

  for (const e of EDITS) {
    it(`${e.route}: stale → 412, ${e.required ? 'missing → 428, ' : ''}two at once → one 200 and one 412, nothing written by a refusal`, async () => {
      const { version, edit } = await e.setup();
      const v0 = await version();
      const first = await edit(v0, 1);
      expect(first.statusCode, first.body).toBe(200);
      expect(first.headers.etag).not.toBe(v0);

      const before = await fingerprint(t.db);
      const stale = await edit(v0, 2);
      expect(stale.statusCode, stale.body).toBe(412);
      expect(stale.json().code).toBe('STALE_VERSION');
      for (const junk of ['"abc"', '*', 'W/"x"', '"99999999999"']) {
        const r = await edit(junk, 2);
        expect(r.statusCode, `${junk}: ${r.body}`).toBe(412);
      }
      if (e.required) {
        const missing = await edit(null, 2);
        expect(missing.statusCode, missing.body).toBe(428);
        expect(missing.json().code).toBe('PRECONDITION_REQUIRED');
        expect((await edit('', 2)).statusCode).toBe(428);
      }
      expect(await fingerprint(t.db)).toEqual(before);

      // the same current version, twice at once: the first to commit wins, the other is stale
      expect(await version()).toBe(first.headers.etag);
      for (let round = 0; round < ROUNDS; round++) {
        const v = await version();
        const pair = await Promise.all([edit(v, 2 * round + 3), edit(v, 2 * round + 4)]);
        expect(pair.map((r) => r.statusCode).sort(), pair.map((r) => r.body).join('\n')).toEqual([200, 412]);
        const winner = pair.find((r) => r.statusCode === 200)!;
        expect(await version()).toBe(winner.headers.etag);
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Idempotency-Key

describe('Idempotency-Key', () => {
  it("is taken by the case report (staff's and the resident's) and the visit record, and by nothing else", async () => {
    const routes = await routeTable(t.services);
    const taking = routes
      .filter((r) => {
        const headers = (r.schema as { headers?: { shape?: Record<string, unknown> } }).headers;
        return headers?.shape && 'idempotency-key' in headers.shape;
      })
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(taking).toEqual(['POST /api/cases', 'POST /api/resident/requests', 'POST /api/visits']);
  });

  const count = async (table: 'cases' | 'visits') =>
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.db)).rows[0]!.n;

  async function doubleSubmit(
    table: 'cases' | 'visits',
    client: Client,
    url: string,
    body: Record<string, unknown>,
    key: string,
  ) {
    const before = await count(table);
    const audits = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log`.execute(t.db);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => client.post(url, body, { 'idempotency-key': key })),
    );
    const statuses = answers.map((r) => r.statusCode).sort();
    expect(statuses, answers.map((r) => r.body).join('\n')).toEqual([200, 200, 200, 201]);
    expect(await count(table)).toBe(before + 1);
    const ids = new Set(answers.map((r) => r.json().id));
    expect(ids.size).toBe(1);
    // the same answer each time (the replay presents the record as it is: nothing moved meanwhile)
    const bodies = new Set(answers.map((r) => r.body));
    expect(bodies.size).toBe(1);
    const [id] = [...ids];
    // one audit entry for the one record
    const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log`.execute(t.db);
    const mine = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM audit_log WHERE entity_id = ${String(id)} AND action LIKE ${`${table === 'cases' ? 'case' : 'visit'}.%`}`.execute(
      t.db,
    );
    expect(mine.rows[0]!.n).toBe(1);
    expect(after.rows[0]!.n).toBeGreaterThan(audits.rows[0]!.n);

    // the key reused with another body: 422, nothing written
    const fp = await fingerprint(t.db);
    const other = await client.post(
      url,
      { ...body, ...(table === 'cases' ? { title: '另一件事' } : { findings: '另一次' }) },
      {
        'idempotency-key': key,
      },
    );
    expect(other.statusCode, other.body).toBe(422);
    expect(other.json().code).toBe('IDEMPOTENCY_MISMATCH');
    expect(await fingerprint(t.db)).toEqual(fp);
    return id as number;
  }

  it('a case report double-submitted at once makes one case, the same answer to each; another body → 422', async () => {
    const body = { type: 'event', category: 'order.parking', title: '双击提交' };
    const id = await doubleSubmit('cases', as.gridA, '/api/cases', body, 'trust-case-key-0001');
    // the key is the user's own: another user's same key is another report
    const theirs = await as.gridB.post('/api/cases', body, { 'idempotency-key': 'trust-case-key-0001' });
    expect(theirs.statusCode, theirs.body).toBe(201);
    expect(theirs.json().id).not.toBe(id);
  });

  it('a visit double-submitted at once is recorded once, the same answer to each; another body → 422', async () => {
    const day = ok(await as.gridA.get('/api/visits/my-day?horizon=90'));
    const item = day.items[0];
    const rule = ok(await as.gridA.get('/api/visit-rules')).find((r: { id: number }) => r.id === item.ruleId);
    const form: Record<string, string | boolean> = {};
    for (const f of rule.form)
      form[f.key] = f.kind === 'yesno' ? false : f.kind === 'choice' ? f.options[0] : '无';
    const body = { personId: item.personId, ruleId: item.ruleId, met: '本人', findings: '一切正常', form };
    await doubleSubmit('visits', as.gridA, '/api/visits', body, 'trust-visit-key-0001');
  });
});

// ---------------------------------------------------------------------------------------------
// The same case action by two workers at once

describe('two workers, one case', () => {
  /**
   * Two actions on one new case at once. Without If-Match the case definition decides: a second
   * accept is not possible from 'accepted' (409 CASE_CONFLICT). With If-Match (the version each
   * worker saw) the second is refused whatever the action (412) — needed where the definition
   * allows both in either order: reject is allowed from 'accepted' too.
   */
  async function race(bodies: [Client, Record<string, unknown>][], withIfMatch: boolean) {
    const { id } = ok(
      await as.gridA.post('/api/cases', { type: 'event', category: 'order.parking', title: '同时受理' }),
      201,
    );
    const seen = await etagOf(as.worker, `/api/cases/${id}`);
    const eventsBefore = await t.db.selectFrom('caseEvents').select('id').where('caseId', '=', id).execute();
    const answers = await Promise.all(
      bodies.map(([c, b]) =>
        c.post(`/api/cases/${id}/transitions`, b, withIfMatch ? { 'if-match': seen } : {}),
      ),
    );
    const loserStatus = withIfMatch ? 412 : 409;
    expect(answers.map((r) => r.statusCode).sort(), answers.map((r) => r.body).join('\n')).toEqual(
      [200, loserStatus].sort(),
    );
    const loser = answers.find((r) => r.statusCode === loserStatus)!;
    expect(loser.json().code).toBe(withIfMatch ? 'STALE_VERSION' : 'CASE_CONFLICT');
    const winner = answers.findIndex((r) => r.statusCode === 200);
    const action = bodies[winner]![1].action as string;
    const events = await t.db
      .selectFrom('caseEvents')
      .select('kind')
      .where('caseId', '=', id)
      .where(
        'id',
        'not in',
        eventsBefore.map((e) => e.id),
      )
      .execute();
    expect(events.map((e) => e.kind)).toEqual([action]); // one timeline entry, the winner's
    const audit = await sql<{ action: string }>`
      SELECT action FROM audit_log WHERE entity_type = 'case' AND entity_id = ${String(id)} AND action <> 'case.report'
      ORDER BY seq`.execute(t.db);
    expect(audit.rows.map((r) => r.action)).toEqual([`case.${action}`]); // one audit entry
    const c = ok(await as.worker.get(`/api/cases/${id}`));
    expect(c.state).toBe(action === 'accept' ? 'accepted' : 'rejected');
  }

  const accept = { action: 'accept' };
  const reject = { action: 'reject', reason: 'out_of_scope', comment: '不属于本社区' };

  it('two accepts at once: one 200, one 409, one timeline entry, one audit entry', async () => {
    for (let i = 0; i < 3; i++)
      await race(
        [
          [as.worker, accept],
          [as.secretary, accept],
        ],
        false,
      );
  });

  it('two accepts, and accept against reject, each with the version it saw: one 200, one 412', async () => {
    for (let i = 0; i < 3; i++) {
      await race(
        [
          [as.worker, accept],
          [as.secretary, accept],
        ],
        true,
      );
      await race(
        [
          [as.worker, accept],
          [as.secretary, reject],
        ],
        true,
      );
    }
  });
});
