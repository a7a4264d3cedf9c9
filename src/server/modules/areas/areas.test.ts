import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { areaIdByCode, auditCount, fingerprint, userIdByName } from '../../../../test/helpers/db.js';

let t: TestApp;
let street: Client;
let gridA: Client;
let gridB: Client;
let sys: Client;
const CODES = {
  district: '430681',
  street: '430681001',
  youyi: '430681001001',
  grid1: '430681001001001',
  grid2: '430681001001002',
  grid3: '430681001001003',
  youyiGarden: '430681001001001001', // 友谊花园, a compound of grid 1
  jinpen: '430681001002',
};
type IdKey = keyof typeof CODES | 'secondStreet' | 'grid5';
const ids = {} as Record<IdKey, number>;

beforeAll(async () => {
  t = await createTestApp();
  [street, gridA, gridB, sys] = await Promise.all([
    t.login('street_admin'),
    t.login('grid_a'),
    t.login('grid_b'),
    t.login('sys_admin'),
  ]);
  for (const [k, code] of Object.entries(CODES)) ids[k as IdKey] = await areaIdByCode(t.db, code);
});
afterAll(() => t.close());

type Node = { id: number; parentId: number | null; kind: string; code: string; name: string };

async function pathOf(id: number): Promise<string> {
  const r = await sql<{ p: string }>`SELECT path::text AS p FROM areas WHERE id = ${id}`.execute(t.db);
  return r.rows[0]!.p;
}

/** Runs a request that must be refused, and checks that no table changed at all. */
async function refused(
  run: () => Promise<{ statusCode: number; json(): unknown }>,
  status: number,
  code: string,
) {
  const before = await fingerprint(t.db);
  const r = await run();
  expect(r.statusCode, JSON.stringify(r.json())).toBe(status);
  expect(r.json()).toMatchObject({ code });
  expect(await fingerprint(t.db)).toEqual(before);
  return r.json() as {
    code: string;
    message: string;
    issues?: { path: string; code: string; message: string }[];
  };
}

/** Runs a change that must succeed and write exactly one audit entry. */
async function audited<T extends { statusCode: number }>(run: () => Promise<T>, action: string): Promise<T> {
  const before = await auditCount(t.db);
  const r = await run();
  expect(r.statusCode).toBeLessThan(300);
  expect(await auditCount(t.db)).toBe(before + 1);
  const last = await t.db
    .selectFrom('auditLog')
    .select(['action', 'success'])
    .orderBy('seq', 'desc')
    .executeTakeFirstOrThrow();
  expect(last).toEqual({ action, success: true });
  return r;
}

const square = (x: number, y: number, d: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [x, y],
      [x + d, y],
      [x + d, y + d],
      [x, y + d],
      [x, y],
    ],
  ],
});

describe('tree and scope', () => {
  beforeAll(async () => {
    // A second street under the district: the street administrator must not see it.
    const r = await sys.post('/api/areas', { parentId: ids.district, kind: 'street', name: '归义镇' });
    expect(r.statusCode).toBe(201);
    expect(r.json().code).toBe('430681002');
    ids.secondStreet = r.json().id;
  });

  it('shows the street administrator the street and its 9 communities, nothing above or beside', async () => {
    const r = await street.get('/api/areas/tree');
    expect(r.statusCode).toBe(200);
    const nodes: Node[] = r.json().nodes;
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const roots = nodes.filter((n) => n.parentId === null || !byId.has(n.parentId));
    expect(roots.map((n) => n.name)).toEqual(['城关街道']);
    expect(nodes.filter((n) => n.kind === 'community')).toHaveLength(9);
    expect(nodes.some((n) => n.kind === 'district')).toBe(false);
    expect(nodes.some((n) => n.name === '归义镇')).toBe(false);
    // Default depth 4 from the street: street, community, grid, compound.
    expect(new Set(nodes.map((n) => n.kind))).toEqual(new Set(['street', 'community', 'grid', 'compound']));
    for (const n of nodes) expect(n.code.startsWith(CODES.street)).toBe(true);

    const all: Node[] = (await sys.get('/api/areas/tree?depth=2')).json().nodes;
    expect(all.filter((n) => n.kind === 'street').map((n) => n.name)).toEqual(['城关街道', '归义镇']);
  });

  it('shows a grid worker only the subtree of its grid', async () => {
    const nodes: Node[] = (await gridA.get('/api/areas/tree?depth=8')).json().nodes;
    const grid1 = await pathOf(ids.grid1);
    expect(nodes[0]).toMatchObject({ id: ids.grid1, kind: 'grid' });
    expect(nodes.length).toBeGreaterThan(100); // compounds, buildings, units, houses
    for (const n of nodes) expect((await pathOf(n.id)).startsWith(grid1)).toBe(true);
    expect(nodes.some((n) => n.id === ids.grid2 || n.id === ids.youyi)).toBe(false);
    const shallow: Node[] = (await gridA.get('/api/areas/tree?depth=1')).json().nodes;
    expect(shallow.map((n) => n.id)).toEqual([ids.grid1]);
    // Asking for a root outside the scope finds nothing.
    expect((await gridA.get(`/api/areas/tree?rootId=${ids.grid2}`)).statusCode).toBe(404);
  });

  it('answers 404, not 403, for a node outside the scope, and names nothing of it', async () => {
    const grid2Name = '第二网格（建设路—大众南路）';
    const compound2 = await t.db
      .selectFrom('areas')
      .select(['id', 'name'])
      .where('parentId', '=', ids.grid2)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const missing = await gridA.get('/api/areas/999999999');
    for (const url of [
      `/api/areas/${ids.grid2}`,
      `/api/areas/${compound2.id}`,
      `/api/areas/${ids.grid2}/children`,
      `/api/areas/${ids.grid2}/staff`,
      `/api/areas/tree?rootId=${ids.grid2}`,
      `/api/areas/map?rootId=${ids.grid2}`,
    ]) {
      const r = await gridA.get(url);
      expect(r.statusCode, url).toBe(404);
      expect(r.body).not.toContain(grid2Name);
      expect(r.body).not.toContain(compound2.name);
      expect({ ...r.json(), requestId: 0 }).toEqual({ ...missing.json(), requestId: 0 });
    }
    // The grid worker's own grid is readable, with no breadcrumb names from above its scope.
    const own = await gridA.get(`/api/areas/${ids.grid1}`);
    expect(own.statusCode).toBe(200);
    expect(own.json().path).toEqual([]);
    expect(own.body).not.toContain('友谊河社区');
    expect(own.json().abilities).toEqual(['read']);
    const deep = (await street.get(`/api/areas/${ids.grid1}`)).json();
    expect(deep.path.map((p: { name: string }) => p.name)).toEqual(['城关街道', '友谊河社区']);
    // Its label names the community where the street sees many 第一网格; the grid worker sees one.
    expect(deep.label).toBe(`友谊河社区 / ${deep.name}`);
    expect(own.json().label).toBe(deep.name);
  });

  it('lists and searches within the scope, paged, with the total', async () => {
    const expected = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM areas WHERE name LIKE '%友谊%' AND path <@ ${await pathOf(ids.street)}::ltree`.execute(
      t.db,
    );
    const r = await street.get(`/api/areas?q=${encodeURIComponent('友谊')}&pageSize=1`);
    expect(r.statusCode).toBe(200);
    const page1 = r.json();
    expect(page1.total).toBe(expected.rows[0]!.n);
    expect(page1.total).toBeGreaterThanOrEqual(2); // 友谊河社区, 友谊花园
    expect(page1.items).toHaveLength(1);
    expect(page1).toMatchObject({ page: 1, pageSize: 1 });
    const page2 = (await street.get(`/api/areas?q=${encodeURIComponent('友谊')}&pageSize=1&page=2`)).json();
    expect(page2.items[0].id).not.toBe(page1.items[0].id);
    for (const item of [...page1.items, ...page2.items]) expect(item.name).toContain('友谊');

    // The grid worker finds the compound in its grid, not the community above it.
    const mine = (await gridA.get(`/api/areas?q=${encodeURIComponent('友谊')}`)).json();
    expect(mine.items.map((i: Node) => i.name)).toEqual(['友谊花园']);
    expect(mine.total).toBe(1);

    const communities = (await street.get('/api/areas?kind=community&sort=-code&pageSize=100')).json();
    expect(communities.total).toBe(9);
    const codes = communities.items.map((i: Node) => i.code);
    expect(codes).toEqual([...codes].sort().reverse());
    const children = (await street.get(`/api/areas?parentId=${ids.youyi}`)).json();
    expect(children.total).toBe(4);

    const badSort = await street.get('/api/areas?sort=password');
    expect(badSort.statusCode).toBe(400);
    expect(badSort.json().issues[0].path).toBe('query.sort');
    expect((await street.get('/api/areas?pageSize=101')).statusCode).toBe(400);
  });

  it('takes search text literally: LIKE wildcards match nothing special', async () => {
    for (const q of ['%', '_', '4306%', '\\']) {
      const r = await street.get(`/api/areas?q=${encodeURIComponent(q)}`);
      expect(r.statusCode, q).toBe(200);
      expect(r.json().total, q).toBe(0);
    }
    // A code prefix still finds the nodes under it.
    const byCode = (await street.get(`/api/areas?q=${CODES.grid1}&pageSize=100`)).json();
    expect(byCode.total).toBeGreaterThan(1);
    for (const i of byCode.items) expect(i.code.startsWith(CODES.grid1)).toBe(true);
  });
});

describe('creating nodes', () => {
  it('gives a new grid its community code plus the next 3-digit sequence', async () => {
    const r = await audited(
      () => street.post('/api/areas', { parentId: ids.youyi, kind: 'grid', name: '第五网格' }),
      'area.create',
    );
    expect(r.statusCode).toBe(201);
    const a = r.json();
    expect(a).toMatchObject({
      code: `${CODES.youyi}005`,
      kind: 'grid',
      parentId: ids.youyi,
      version: 1,
      status: 'active',
    });
    expect(r.headers.etag).toBe('"1"');
    expect(a.path.map((p: Node) => p.name)).toEqual(['城关街道', '友谊河社区']);
    ids.grid5 = a.id;
    const row = await t.db
      .selectFrom('auditLog')
      .select(['entityType', 'entityId', 'changes', 'actorName'])
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      entityType: 'area',
      entityId: String(a.id),
      actorName: 'street_admin',
      changes: {
        name: { before: null, after: '第五网格' },
        code: { before: null, after: `${CODES.youyi}005` },
      },
    });
  });

  it('accepts a given code that extends the parent code, and checks it', async () => {
    const ok = await street.post('/api/areas', {
      parentId: ids.youyi,
      kind: 'grid',
      name: '第九网格',
      code: `${CODES.youyi}009`,
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().code).toBe(`${CODES.youyi}009`);
    // The next automatic code follows the highest one.
    const next = await street.post('/api/areas', { parentId: ids.youyi, kind: 'grid', name: '第十网格' });
    expect(next.json().code).toBe(`${CODES.youyi}010`);

    const wrongPrefix = await refused(
      () =>
        street.post('/api/areas', {
          parentId: ids.youyi,
          kind: 'grid',
          name: 'x',
          code: `${CODES.jinpen}011`,
        }),
      400,
      'AREA_BAD_CODE',
    );
    expect(wrongPrefix.message).toContain(CODES.youyi);
    await refused(
      () =>
        street.post('/api/areas', {
          parentId: ids.youyi,
          kind: 'grid',
          name: 'x',
          code: `${CODES.youyi}0111`,
        }),
      400,
      'AREA_BAD_CODE',
    );
    await refused(
      () =>
        street.post('/api/areas', {
          parentId: ids.youyi,
          kind: 'grid',
          name: 'x',
          code: `${CODES.youyi}000`,
        }),
      400,
      'AREA_BAD_CODE',
    );
    const dup = await refused(
      () =>
        street.post('/api/areas', {
          parentId: ids.youyi,
          kind: 'grid',
          name: 'x',
          code: `${CODES.youyi}009`,
        }),
      409,
      'DUPLICATE',
    );
    expect(dup.message).toBe('code 已存在');
    await refused(
      () => street.post('/api/areas', { parentId: ids.youyi, kind: 'grid', name: 'x', code: '43x' }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('refuses a node under the wrong kind of parent', async () => {
    const body = await refused(
      () => street.post('/api/areas', { parentId: ids.youyiGarden, kind: 'house', name: '101室' }),
      400,
      'AREA_BAD_PARENT',
    );
    expect(body.message).toBe('house不能放在compound之下');
    await refused(
      () => street.post('/api/areas', { parentId: ids.street, kind: 'grid', name: 'x' }),
      400,
      'AREA_BAD_PARENT',
    );
    await refused(
      () => street.post('/api/areas', { parentId: ids.grid1, kind: 'street', name: 'x' }),
      400,
      'AREA_BAD_PARENT',
    );
  });

  it('refuses creation outside the scope or without the permission', async () => {
    await refused(
      () => street.post('/api/areas', { parentId: ids.secondStreet, kind: 'community', name: 'x' }),
      404,
      'NOT_FOUND',
    );
    await refused(
      () => gridA.post('/api/areas', { parentId: ids.grid1, kind: 'compound', name: 'x' }),
      403,
      'FORBIDDEN',
    );
    // A new root is the system administrator's alone.
    await refused(
      () => street.post('/api/areas', { parentId: null, kind: 'district', name: 'x', code: '430682' }),
      403,
      'FORBIDDEN',
    );
  });
});

describe('editing nodes', () => {
  it('needs the current version in If-Match and increments it', async () => {
    const url = `/api/areas/${ids.grid5}`;
    const g = await street.get(url);
    expect(g.headers.etag).toBe('"1"');
    await refused(() => street.patch(url, { name: '第五网格（新）' }), 428, 'PRECONDITION_REQUIRED');
    await refused(
      () => street.patch(url, { name: '第五网格（新）' }, { 'if-match': '"7"' }),
      412,
      'STALE_VERSION',
    );
    await refused(
      () => street.patch(url, { name: '第五网格（新）' }, { 'if-match': 'garbage' }),
      412,
      'STALE_VERSION',
    );
    const r = await audited(
      () => street.patch(url, { name: '第五网格（新）' }, { 'if-match': '"1"' }),
      'area.update',
    );
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ name: '第五网格（新）', version: 2 });
    expect(r.headers.etag).toBe('"2"');
    // The same stale version now loses: a second editor cannot overwrite unseen.
    await refused(
      () => street.patch(url, { name: '别人的修改' }, { 'if-match': '"1"' }),
      412,
      'STALE_VERSION',
    );
    await refused(() => street.patch(url, {}, { 'if-match': '"2"' }), 400, 'VALIDATION_FAILED');
    await refused(
      () => street.patch(url, { name: '', code: '1' }, { 'if-match': '"2"' }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('does not let a grid worker edit its own grid', async () => {
    await refused(
      () => gridA.patch(`/api/areas/${ids.grid1}`, { name: 'x' }, { 'if-match': '"1"' }),
      403,
      'FORBIDDEN',
    );
  });

  it('moves a compound to another grid: codes and paths of its whole subtree follow', async () => {
    const before = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM areas WHERE path <@ ${await pathOf(ids.youyiGarden)}::ltree`.execute(
      t.db,
    );
    const version = (await street.get(`/api/areas/${ids.youyiGarden}`)).json().version;
    const r = await audited(
      () =>
        street.patch(
          `/api/areas/${ids.youyiGarden}`,
          { parentId: ids.grid2 },
          { 'if-match': `"${version}"` },
        ),
      'area.move',
    );
    const moved = r.json();
    expect(moved.parentId).toBe(ids.grid2);
    expect(moved.code).toBe(`${CODES.grid2}008`); // grid 2 had 7 compounds
    expect(moved.path.map((p: Node) => p.id)).toEqual([ids.street, ids.youyi, ids.grid2]);

    const newPath = await pathOf(ids.youyiGarden);
    expect(newPath).toBe(`${await pathOf(ids.grid2)}.${ids.youyiGarden}`);
    const sub = await sql<{ code: string; path: string; depth: number }>`
      SELECT code, path::text AS path, depth FROM areas WHERE path <@ ${newPath}::ltree`.execute(t.db);
    expect(sub.rows).toHaveLength(before.rows[0]!.n);
    for (const row of sub.rows) {
      expect(row.code.startsWith(moved.code)).toBe(true);
      expect(row.depth).toBe(row.path.split('.').length);
    }
    const stale = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM areas WHERE code LIKE ${`${CODES.youyiGarden}%`}`.execute(t.db);
    expect(stale.rows[0]!.n).toBe(0);
    // Scope follows the tree: grid 2's worker sees it now, grid 1's does not.
    expect((await gridB.get(`/api/areas/${ids.youyiGarden}`)).statusCode).toBe(200);
    expect((await gridA.get(`/api/areas/${ids.youyiGarden}`)).statusCode).toBe(404);
  });

  it('refuses to move a node under itself or its own descendant', async () => {
    const building = await t.db
      .selectFrom('areas')
      .select('id')
      .where('parentId', '=', ids.youyiGarden)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const v = (await street.get(`/api/areas/${ids.grid2}`)).json().version;
    for (const target of [ids.youyiGarden, building.id, ids.grid2]) {
      await refused(
        () => street.patch(`/api/areas/${ids.grid2}`, { parentId: target }, { 'if-match': `"${v}"` }),
        400,
        'AREA_CYCLE',
      );
    }
    await refused(
      () => street.patch(`/api/areas/${ids.youyi}`, { parentId: ids.grid1 }, { 'if-match': '"1"' }),
      400,
      'AREA_CYCLE',
    );
    await refused(
      () => street.patch(`/api/areas/${ids.grid5}`, { parentId: ids.street }, { 'if-match': '"2"' }),
      400,
      'AREA_BAD_PARENT',
    );
  });
});

describe('archiving and deleting', () => {
  it('refuses to delete a node with children', async () => {
    const body = await refused(() => street.del(`/api/areas/${ids.grid3}`), 409, 'AREA_HAS_CHILDREN');
    expect(body.message).toContain('归档');
  });

  it('archives a whole subtree and restores it', async () => {
    const compound = await t.db
      .selectFrom('areas')
      .select('id')
      .where('parentId', '=', ids.grid3)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const sub = await pathOf(compound.id);
    const statuses = async () =>
      (
        await sql<{ status: string; n: number }>`
          SELECT status, count(*)::int AS n FROM areas WHERE path <@ ${sub}::ltree GROUP BY 1`.execute(t.db)
      ).rows;
    const size = (await statuses())[0]!.n;
    expect(size).toBeGreaterThan(10);

    const r = await audited(() => street.post(`/api/areas/${compound.id}/archive`), 'area.archive');
    expect(r.json().status).toBe('archived');
    expect(r.json().abilities).toContain('restore');
    expect(await statuses()).toEqual([{ status: 'archived', n: size }]);
    const visible: Node[] = (await street.get(`/api/areas/${ids.grid3}/children`)).json().nodes;
    expect(visible.some((n) => n.id === compound.id)).toBe(false);
    const withArchived: Node[] = (
      await street.get(`/api/areas/${ids.grid3}/children?includeArchived=true`)
    ).json().nodes;
    expect(withArchived.some((n) => n.id === compound.id)).toBe(true);
    // Nothing new under an archived node, and a child cannot be restored alone.
    await refused(
      () => street.post('/api/areas', { parentId: compound.id, kind: 'building', name: '9栋' }),
      409,
      'AREA_ARCHIVED',
    );
    const child = await t.db
      .selectFrom('areas')
      .select('id')
      .where('parentId', '=', compound.id)
      .executeTakeFirstOrThrow();
    await refused(() => street.post(`/api/areas/${child.id}/restore`), 409, 'AREA_ARCHIVED');

    const back = await audited(() => street.post(`/api/areas/${compound.id}/restore`), 'area.restore');
    expect(back.json().status).toBe('active');
    expect(await statuses()).toEqual([{ status: 'active', n: size }]);
  });

  it('deletes a leaf and forgets it', async () => {
    const house = await t.db
      .selectFrom('areas')
      .select(['id', 'code'])
      .where('kind', '=', 'house')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect((await gridA.del(`/api/areas/${ids.grid1}`)).statusCode).toBe(403);
    const r = await audited(() => street.del(`/api/areas/${house.id}`), 'area.delete');
    expect(r.statusCode).toBe(204);
    expect(r.body).toBe('');
    expect((await street.get(`/api/areas/${house.id}`)).statusCode).toBe(404);
    await refused(() => street.del(`/api/areas/${house.id}`), 404, 'NOT_FOUND');
  });

  it('refuses to delete a node people are still assigned to', async () => {
    const g = await street.post('/api/areas', { parentId: ids.youyi, kind: 'grid', name: '临时网格' });
    const gridId = g.json().id;
    const worker = await userIdByName(t.db, 'party_member');
    expect(
      (await street.post(`/api/areas/${gridId}/staff`, { userId: worker, role: 'grid_worker' })).statusCode,
    ).toBe(201);
    const body = await refused(() => street.del(`/api/areas/${gridId}`), 409, 'AREA_IN_USE');
    expect(body.message).toContain('user_roles');
  });
});

describe('boundaries', () => {
  it('stores a polygon and returns it unchanged, with its centre', async () => {
    const poly = square(113.1, 28.9, 0.004);
    const url = `/api/areas/${ids.grid5}`;
    const v = (await street.get(url)).json().version;
    const r = await audited(
      () => street.patch(url, { boundary: poly }, { 'if-match': `"${v}"` }),
      'area.update',
    );
    expect(r.json().boundary).toEqual(poly);
    const got = (await street.get(url)).json();
    expect(got.boundary).toEqual(poly);
    expect(got.center[0]).toBeCloseTo(113.102, 6);
    expect(got.center[1]).toBeCloseTo(28.902, 6);
    const features = (await street.get(`/api/areas/map?rootId=${ids.youyi}`)).json().features;
    expect(features.find((f: { id: number }) => f.id === ids.grid5)?.boundary).toEqual(poly);
    const cleared = await street.patch(url, { boundary: null }, { 'if-match': `"${got.version}"` });
    expect(cleared.json().boundary).toBeNull();
    expect(cleared.json().center).toBeNull();
  });

  it('finds the grid that contains a point, within the scope', async () => {
    // Grid 1 of 友谊河 spans 113.05–113.05725 E, 28.8245–28.83 N in the demo data.
    const url = '/api/areas/locate?lat=28.82725&lng=113.053625';
    const r = await street.get(url);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ id: ids.grid1, kind: 'grid' });
    expect((await gridA.get(url)).json().id).toBe(ids.grid1);
    expect((await gridB.get(url)).statusCode).toBe(404);
    const grid2 = await street.get('/api/areas/locate?lat=28.82725&lng=113.06');
    expect(grid2.json().id).toBe(ids.grid2);
    const nowhere = await street.get('/api/areas/locate?lat=0&lng=0');
    expect(nowhere.statusCode).toBe(404);
    expect(nowhere.json().code).toBe('NOT_FOUND');
    const bad = await street.get('/api/areas/locate?lat=91&lng=113');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].path).toBe('query.lat');
  });

  it('refuses an unclosed, self-intersecting or malformed ring, naming the field', async () => {
    const url = `/api/areas/${ids.grid5}`;
    const v = `"${(await street.get(url)).json().version}"`;
    const open = square(113.1, 28.9, 0.004);
    open.coordinates[0]![4] = [113.1, 28.901];
    const b1 = await refused(
      () => street.patch(url, { boundary: open }, { 'if-match': v }),
      400,
      'VALIDATION_FAILED',
    );
    expect(b1.issues).toEqual([
      { path: 'boundary.coordinates', code: 'custom', message: '边界必须闭合（首尾坐标相同）' },
    ]);
    expect(b1.message).toContain('boundary.coordinates');

    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [113.1, 28.9],
          [113.104, 28.904],
          [113.104, 28.9],
          [113.1, 28.904],
          [113.1, 28.9],
        ],
      ],
    };
    const b2 = await refused(
      () => street.patch(url, { boundary: bowtie }, { 'if-match': v }),
      400,
      'VALIDATION_FAILED',
    );
    expect(b2.issues).toEqual([
      expect.objectContaining({ path: 'boundary.coordinates', code: 'self_intersection' }),
    ]);
    const en = await street.patch(url, { boundary: bowtie }, { 'if-match': v, 'accept-language': 'en' });
    expect(en.json().issues[0].message).toBe('the ring crosses itself');
    const create = await refused(
      () => street.post('/api/areas', { parentId: ids.youyi, kind: 'grid', name: 'x', boundary: bowtie }),
      400,
      'VALIDATION_FAILED',
    );
    expect(create.issues![0]!.path).toBe('boundary.coordinates');

    for (const boundary of [
      { type: 'Polygon', coordinates: [] },
      { type: 'Polygon', coordinates: [[]] },
      { type: 'Polygon', coordinates: [[null, null, null, null]] },
      { type: 'Polygon' },
      {
        type: 'Polygon',
        coordinates: [
          [
            [113.1, 28.9],
            [113.2, 28.9],
            [113.1, 28.9],
          ],
        ],
      },
      {
        type: 'Polygon',
        coordinates: [
          [
            [200, 28.9],
            [113.2, 28.9],
            [113.2, 29],
            [200, 28.9],
          ],
        ],
      },
    ]) {
      const b = await refused(
        () => street.patch(url, { boundary }, { 'if-match': v }),
        400,
        'VALIDATION_FAILED',
      );
      expect(b.issues!.length, JSON.stringify(boundary)).toBeGreaterThan(0);
      for (const i of b.issues!) expect(i.path.startsWith('boundary'), i.path).toBe(true);
    }
  });
});

describe('staff', () => {
  it('lets the street administrator assign a grid worker, who then sees that grid', async () => {
    const volunteer = await t.login('volunteer');
    expect((await volunteer.get('/api/areas/tree')).statusCode).toBe(403);
    const userId = await userIdByName(t.db, 'volunteer');
    const candidates = (await street.get(`/api/areas/${ids.grid3}/staff/candidates?q=volunteer`)).json()
      .items;
    expect(candidates.map((c: { username: string }) => c.username)).toEqual(['volunteer']);

    const r = await audited(
      () => street.post(`/api/areas/${ids.grid3}/staff`, { userId, role: 'grid_worker' }),
      'role.assign',
    );
    expect(r.statusCode).toBe(201);
    const asg = r.json();
    expect(asg).toMatchObject({ userId, username: 'volunteer', role: 'grid_worker' });
    const staff = (await street.get(`/api/areas/${ids.grid3}/staff`)).json().items;
    expect(staff.map((s: { username: string }) => s.username)).toContain('volunteer');

    const nodes: Node[] = (await volunteer.get('/api/areas/tree')).json().nodes;
    expect(nodes[0]!.id).toBe(ids.grid3);
    expect(nodes.every((n) => n.code.startsWith(CODES.grid3))).toBe(true);
    expect((await volunteer.get(`/api/areas/${ids.grid1}`)).statusCode).toBe(404);

    await refused(
      () => street.post(`/api/areas/${ids.grid3}/staff`, { userId, role: 'grid_worker' }),
      409,
      'DUPLICATE',
    );
    await audited(() => street.del(`/api/areas/${ids.grid3}/staff/${asg.assignmentId}`), 'role.unassign');
    expect((await volunteer.get(`/api/areas/${ids.grid3}`)).statusCode).toBe(403);
    await refused(() => street.del(`/api/areas/${ids.grid3}/staff/${asg.assignmentId}`), 404, 'NOT_FOUND');
  });

  it('assigns only the role that fits the kind of node', async () => {
    const userId = await userIdByName(t.db, 'volunteer');
    await refused(
      () => street.post(`/api/areas/${ids.grid3}/staff`, { userId, role: 'compound_head' }),
      400,
      'AREA_BAD_STAFF_ROLE',
    );
    await refused(
      () => street.post(`/api/areas/${ids.youyiGarden}/staff`, { userId, role: 'grid_worker' }),
      400,
      'AREA_BAD_STAFF_ROLE',
    );
    await refused(
      () => street.post(`/api/areas/${ids.youyi}/staff`, { userId, role: 'grid_worker' }),
      400,
      'AREA_BAD_STAFF_ROLE',
    );
    await refused(
      () => street.post(`/api/areas/${ids.grid3}/staff`, { userId, role: 'street_admin' }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('refuses assignment by a grid worker, and of people from outside the scope', async () => {
    const userId = await userIdByName(t.db, 'volunteer');
    await refused(
      () => gridA.post(`/api/areas/${ids.grid1}/staff`, { userId, role: 'grid_worker' }),
      403,
      'FORBIDDEN',
    );
    // A community secretary may assign in its own community; another community is not found.
    const secretary = await t.login('community_admin');
    const jinpenGrid = await areaIdByCode(t.db, `${CODES.jinpen}001`);
    await refused(
      () => secretary.post(`/api/areas/${jinpenGrid}/staff`, { userId, role: 'grid_worker' }),
      404,
      'NOT_FOUND',
    );
    const outsider = await userIdByName(t.db, 'audit_admin'); // homed at the district, above the street
    await refused(
      () => street.post(`/api/areas/${ids.grid3}/staff`, { userId: outsider, role: 'grid_worker' }),
      404,
      'NOT_FOUND',
    );
  });
});

describe('audit in the same transaction', () => {
  it('rolls the change back when its audit entry cannot be written', async () => {
    const url = `/api/areas/${ids.grid3}`;
    const before = (await street.get(url)).json();
    await sql`CREATE FUNCTION jy_test_fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit store is full'; END $$`.execute(t.db);
    await sql`CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION jy_test_fail_audit()`.execute(
      t.db,
    );
    try {
      const fp = await fingerprint(t.db);
      const r = await street.patch(url, { name: '不该保存的名字' }, { 'if-match': `"${before.version}"` });
      expect(r.statusCode).toBe(500);
      expect(r.json().code).toBe('INTERNAL');
      expect(r.body).not.toContain('audit store is full');
      expect(await fingerprint(t.db)).toEqual(fp);
    } finally {
      await sql`DROP TRIGGER fail_audit ON audit_log`.execute(t.db);
      await sql`DROP FUNCTION jy_test_fail_audit()`.execute(t.db);
    }
    const after = (await street.get(url)).json();
    expect(after).toMatchObject({ name: before.name, version: before.version });
  });

  it('leaves a verifiable chain after all these changes', async () => {
    const v = await (await t.login('audit_admin')).post('/api/audit/verify');
    expect(v.json()).toMatchObject({ ok: true, firstBrokenSeq: null });
  });
});
