import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, stayLoggedIn, type TestApp } from '../../../../test/helpers/app.js';
import { areaIdByCode } from '../../../../test/helpers/db.js';
import { comparePeriod, previousPeriod } from './dashboard.service.js';

/**
 * The dashboard (docs/indicators.md): registry figures on a hand-made community, visits and
 * cases figures against their own pages and the lists they drill down to, scope, sensitivity,
 * the cache and the export. Today is Fri 2026-11-20 in China.
 */
let t: TestApp;
let street: Client;
let gridA: Client;
let security: Client;
const A = {} as Record<'street' | 'youyi' | 'gridA' | 'c' | 'g1' | 'g2' | 'h1' | 'h2', number>;

type Fig = {
  key: string;
  value: number | null;
  denominator?: number | null;
  previous: number | null;
  drill: { path: string; query: Record<string, string> } | null;
};
type Dash = {
  area: { id: number };
  cached: boolean;
  figures: Fig[];
  children: { id: number; name: string; values: Record<string, number | null> }[];
};

async function dash(c: Client, qs: string): Promise<Dash> {
  const r = await c.get(`/api/dashboard?${qs}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}
const fig = (d: Dash, key: string) => {
  const f = d.figures.find((x) => x.key === key);
  if (!f) throw new Error(`no figure ${key}`);
  return f;
};
/** The API list behind a figure: the drill's web path is the API path under /api. */
async function drillTotal(c: Client, f: Fig): Promise<number> {
  expect(f.drill, f.key).not.toBeNull();
  const qs = new URLSearchParams(f.drill!.query);
  if (f.drill!.path === '/people') qs.delete('box');
  const r = await c.get(`/api${f.drill!.path}?${qs}&pageSize=1`);
  expect(r.statusCode, `${f.key}: ${r.body}`).toBe(200);
  return r.json().total;
}

async function area(parentId: number, kind: string, name: string): Promise<number> {
  const r = await street.post('/api/areas', { parentId, kind, name });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id;
}

const MONTH = 'from=2026-11-01&to=2026-11-30';
const MONTH_BODY = { from: '2026-11-01', to: '2026-11-30' };

beforeAll(async () => {
  t = await createTestApp({ clock: new Date('2026-11-20T04:00:00Z') });
  street = stayLoggedIn(t, 'street_admin');
  gridA = stayLoggedIn(t, 'grid_a');
  security = stayLoggedIn(t, 'security_admin');
  A.street = await areaIdByCode(t.db, '430681001');
  A.youyi = await areaIdByCode(t.db, '430681001001');
  A.gridA = await areaIdByCode(t.db, '430681001001001');
  // A community made by hand: two grids, one house each.
  A.c = await area(A.street, 'community', '样板社区');
  A.g1 = await area(A.c, 'grid', '样板一网格');
  A.g2 = await area(A.c, 'grid', '样板二网格');
  A.h1 = await area(await area(A.g1, 'building', '1栋'), 'house', '101');
  A.h2 = await area(await area(A.g2, 'building', '2栋'), 'house', '201');
});
afterAll(() => t.close());

describe('the period before', () => {
  it('is the previous month, quarter or year for whole months, else as many days before', () => {
    expect(previousPeriod('2026-11-01', '2026-11-30')).toEqual({ from: '2026-10-01', to: '2026-10-31' });
    expect(previousPeriod('2026-03-01', '2026-03-31')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(previousPeriod('2026-01-01', '2026-03-31')).toEqual({ from: '2025-10-01', to: '2025-12-31' });
    expect(previousPeriod('2026-01-01', '2026-12-31')).toEqual({ from: '2025-01-01', to: '2025-12-31' });
    expect(previousPeriod('2026-11-11', '2026-11-20')).toEqual({ from: '2026-11-01', to: '2026-11-10' });
    expect(previousPeriod('2026-03-01', '2026-03-01')).toEqual({ from: '2026-02-28', to: '2026-02-28' });
  });
});

describe('like with like: what a period is compared with', () => {
  it('compares the days so far with the same days of the period before, or a year before', () => {
    // This month on the 20th: 1–20 Nov against 1–20 Oct, never the whole of October.
    expect(comparePeriod('2026-11-01', '2026-11-30', '2026-11-20')).toEqual({
      through: '2026-11-20',
      from: '2026-10-01',
      to: '2026-10-20',
      compare: 'previous',
      unit: 'month',
      shift: 1,
      partial: true,
    });
    // The same days a year before.
    expect(comparePeriod('2026-11-01', '2026-11-30', '2026-11-20', 'year')).toMatchObject({
      from: '2025-11-01',
      to: '2025-11-20',
      shift: 12,
      partial: true,
    });
    // 1–30 March against February, which has only 28 days.
    expect(comparePeriod('2026-03-01', '2026-03-31', '2026-03-30')).toMatchObject({
      through: '2026-03-30',
      from: '2026-02-01',
      to: '2026-02-28',
    });
    // On the month's last day the month is whole: the whole month before.
    expect(comparePeriod('2026-03-01', '2026-03-31', '2026-03-31')).toMatchObject({
      through: '2026-03-31',
      from: '2026-02-01',
      to: '2026-02-28',
      partial: false,
    });
    // A quarter so far (two months and 20 days) against the previous quarter's same days.
    expect(comparePeriod('2026-10-01', '2026-12-31', '2026-11-20')).toMatchObject({
      through: '2026-11-20',
      from: '2026-07-01',
      to: '2026-08-20',
      shift: 3,
    });
    // Two whole months so far map onto two whole months (30 Nov is a month's end: 31 Aug).
    expect(comparePeriod('2026-10-01', '2026-12-31', '2026-11-30')).toMatchObject({
      from: '2026-07-01',
      to: '2026-08-31',
    });
    // A leap day a year on.
    expect(comparePeriod('2028-02-01', '2028-02-29', '2028-03-05', 'year')).toMatchObject({
      from: '2027-02-01',
      to: '2027-02-28',
      partial: false,
    });
    // Days that are not whole months: as many days before, counting the days so far.
    expect(comparePeriod('2026-11-11', '2026-11-30', '2026-11-20')).toMatchObject({
      through: '2026-11-20',
      from: '2026-11-01',
      to: '2026-11-10',
      unit: 'day',
      shift: 10,
    });
    // A period in the past or the future is taken whole.
    expect(comparePeriod('2026-12-01', '2026-12-31', '2026-11-20')).toMatchObject({
      through: '2026-12-31',
      from: '2026-11-01',
      to: '2026-11-30',
      partial: false,
    });
  });
});

describe('registry figures, hand-computed', () => {
  it('counts people, floating registration, health archives, ages, tags, households and houses', async () => {
    const person = (areaId: number, p: Record<string, unknown>) =>
      t.db
        .insertInto('people')
        .values({ areaId, name: '样', residenceType: 'registered', ...p } as never)
        .returning('id')
        .executeTakeFirstOrThrow()
        .then((r) => r.id);
    const p1 = await person(A.h1, { birthDate: '1940-01-01' }); // 86: 80+
    await person(A.h1, {
      residenceType: 'floating',
      floatingRegisteredOn: '2026-01-01',
      floatingExpiresOn: '2027-01-01',
    }); // registered, not expiring
    await person(A.h1, {
      residenceType: 'floating',
      floatingRegisteredOn: '2025-12-01',
      floatingExpiresOn: '2026-12-01',
    }); // registered, expiring within 30 days
    await person(A.h1, { residenceType: 'floating' }); // not registered
    await person(A.h1, { residenceType: 'resident', healthArchive: true, birthDate: '2000-05-05' }); // 26
    await person(A.h1, { status: 'moved_out', residenceType: 'floating' }); // not counted anywhere
    const p7 = await person(A.h2, { residenceType: 'resident', birthDate: '2020-01-01' }); // 6: 0-6
    await person(A.h2, {
      residenceType: 'floating',
      floatingRegisteredOn: '2025-11-01',
      floatingExpiresOn: '2026-11-01',
    }); // expired: neither registered-and-unexpired nor not expiring
    await t.db
      .insertInto('personTags')
      .values([
        { personId: p1, tag: 'empty_nest' },
        { personId: p7, tag: 'disability' },
      ])
      .execute();
    await t.db.insertInto('households').values({ areaId: A.h1, headPersonId: p1 }).execute();
    await t.db.insertInto('houseInfo').values({ areaId: A.h1, use: 'rental' }).execute();
    await t.db
      .insertInto('rentals')
      .values({ houseId: A.h1, use: 'residence', startDate: '2026-01-01' })
      .execute();
    await t.db
      .insertInto('rentals')
      .values({ houseId: A.h2, use: 'residence', startDate: '2025-01-01', endDate: '2025-12-31' })
      .execute();

    const d = await dash(street, `areaId=${A.c}&${MONTH}`);
    const v = (k: string) => fig(d, k).value;
    expect(v('registry.people')).toBe(7);
    expect([
      v('registry.people.registered'),
      v('registry.people.resident'),
      v('registry.people.floating'),
    ]).toEqual([1, 2, 4]);
    expect(v('registry.floatingRegistrationRate')).toBe(0.5); // 2 of 4
    expect(v('registry.floatingExpiring')).toBe(2); // 12-01 and the expired 11-01
    expect(v('registry.healthArchiveRate')).toBe(0.5); // 1 of 2 resident
    expect([
      v('registry.age.80+'),
      v('registry.age.18-34'),
      v('registry.age.0-6'),
      v('registry.age.60-79'),
    ]).toEqual([1, 1, 1, 0]);
    expect([v('registry.tag.empty_nest'), v('registry.tag.disability'), v('registry.tag.dibao')]).toEqual([
      1, 1, 0,
    ]);
    expect([
      v('registry.households'),
      v('registry.houses'),
      v('registry.houses.rental'),
      v('registry.rentalHouses'),
    ]).toEqual([1, 2, 1, 1]);
    // Stock figures have no previous period.
    expect(fig(d, 'registry.people').previous).toBeNull();
    // Per grid: the children add up to the community.
    const byId = new Map(d.children.map((c) => [c.id, c.values]));
    expect(byId.get(A.g1)!['registry.people']).toBe(5);
    expect(byId.get(A.g2)!['registry.people']).toBe(2);
    expect(byId.get(A.g2)!['registry.floatingRegistrationRate']).toBe(0);
    expect(byId.get(A.g1)!['registry.healthArchiveRate']).toBe(1);

    // Each figure's list has as many rows as the figure counts.
    for (const k of [
      'registry.people',
      'registry.people.floating',
      'registry.floatingExpiring',
      'registry.age.80+',
      'registry.tag.empty_nest',
    ])
      expect(await drillTotal(street, fig(d, k)), k).toBe(v(k));

    // The map: one value per grid, the same as the children here.
    const m = await street.get(`/api/dashboard/map?areaId=${A.c}&${MONTH}&figure=registry.people`);
    expect(m.statusCode, m.body).toBe(200);
    expect(m.json().grids.map((g: { id: number; value: number }) => [g.id, g.value])).toEqual([
      [A.g1, 5],
      [A.g2, 2],
    ]);
  });
});

describe('case and visit figures agree with their pages and their lists', () => {
  it('cases: the indicators page for the same area and period, and the drill-down lists', async () => {
    // The quarter runs to 30 Nov; the dashboard counts its days so far, up to today (20 Nov).
    const d = await dash(street, `areaId=${A.youyi}&from=2026-09-01&to=2026-11-30`);
    const period = 'from=2026-09-01&to=2026-11-20';
    const page = (await street.get(`/api/cases/indicators?areaId=${A.youyi}&${period}`)).json();
    for (const k of [
      'reported',
      'closed',
      'closureRate',
      'onTimeRate',
      'timelyAcceptRate',
      'reworkRate',
      'satisfaction',
    ])
      expect(fig(d, `cases.${k}`).value, k).toBe(
        page.figures.find((f: { key: string }) => f.key === k).value,
      );
    expect(fig(d, 'cases.reported').value).toBeGreaterThan(0);
    expect(await drillTotal(street, fig(d, 'cases.reported'))).toBe(fig(d, 'cases.reported').value);
    expect(await drillTotal(street, fig(d, 'cases.closed'))).toBe(fig(d, 'cases.closed').value);
    expect(await drillTotal(street, fig(d, 'cases.open'))).toBe(fig(d, 'cases.open').value);
    expect(await drillTotal(street, fig(d, 'cases.overdue'))).toBe(fig(d, 'cases.overdue').value);
    // A rate drills down to its denominator.
    const due = page.figures.find((f: { key: string }) => f.key === 'closureRate').denominator;
    expect(await drillTotal(street, fig(d, 'cases.closureRate'))).toBe(due);
    for (const k of ['cases.satisfaction', 'cases.successRate', 'cases.reworkRate', 'cases.timelyAcceptRate'])
      expect(await drillTotal(street, fig(d, k)), k).toBe(fig(d, k).denominator);
    const types = ['event', 'request', 'dispute'].map((x) => fig(d, `cases.reported.${x}`).value ?? 0);
    expect(types.reduce((a, b) => a + b, 0)).toBe(fig(d, 'cases.reported').value);
  });

  it('visits: the supervision page for the same area and period, and the plan lists', async () => {
    const period = 'from=2026-10-01&to=2026-11-20';
    const d = await dash(street, `areaId=${A.youyi}&${period}`);
    const rows: Record<string, number>[] = (
      await street.get(`/api/visits/stats?areaId=${A.youyi}&${period}`)
    ).json().rows;
    const sum = (k: string) => rows.reduce((a, r) => a + r[k]!, 0);
    expect(fig(d, 'visits.plans').value).toBe(sum('plans'));
    expect(fig(d, 'visits.overdue').value).toBe(sum('overdue'));
    expect(fig(d, 'visits.neverVisited').value).toBe(sum('neverVisited'));
    expect(fig(d, 'visits.done').value).toBe(sum('visits'));
    expect(fig(d, 'visits.patrols').value).toBe(sum('patrols'));
    const onTime = sum('doneOnTime');
    expect(fig(d, 'visits.onTimeRate').value).toBeCloseTo(onTime / (onTime + sum('doneLate')), 4);
    expect(fig(d, 'visits.patrolCoverage').value).toBeCloseTo(
      rows.filter((r) => r.patrols! > 0).length / rows.length,
      4,
    );
    expect(await drillTotal(street, fig(d, 'visits.overdue'))).toBe(fig(d, 'visits.overdue').value);
    expect(await drillTotal(street, fig(d, 'visits.neverVisited'))).toBe(fig(d, 'visits.neverVisited').value);
  });
});

describe('scope and sensitivity', () => {
  it("a grid worker's dashboard is their grid; above it nothing is found", async () => {
    const d = await dash(gridA, MONTH);
    expect(d.area.id).toBe(A.gridA);
    for (const id of [A.street, A.youyi, A.c])
      expect((await gridA.get(`/api/dashboard?areaId=${id}&${MONTH}`)).statusCode, String(id)).toBe(404);
    expect(
      (await gridA.get(`/api/dashboard/map?areaId=${A.youyi}&${MONTH}&figure=cases.open`)).statusCode,
    ).toBe(404);
    expect(await drillTotal(gridA, fig(d, 'registry.people'))).toBe(fig(d, 'registry.people').value);
    // The street's figure for the same grid is the same number.
    const s = await dash(street, `areaId=${A.gridA}&${MONTH}`);
    expect(fig(s, 'registry.people').value).toBe(fig(d, 'registry.people').value);
    // Without the permission: 403.
    const resident = await t.login('resident');
    expect((await resident.get(`/api/dashboard?${MONTH}`)).statusCode).toBe(403);
  });

  it('a role without a tag permission sees no figure about the tag, and no visits under it', async () => {
    const role = await security.post('/api/roles', {
      code: 'figures_only',
      nameZh: '只看数据',
      nameEn: 'Figures only',
      permissions: ['dashboard.read', 'person.read', 'visit.read', 'tag.empty_nest'],
    });
    expect(role.statusCode, role.body).toBe(201);
    const volunteer = await t.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'volunteer')
      .executeTakeFirstOrThrow();
    const assigned = await security.post(`/api/users/${volunteer.id}/roles`, {
      role: 'figures_only',
      areaId: A.youyi,
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    // Business rights wait for a second person (docs/security.md): the system administrator approves.
    const grant = assigned.json().roles.find((r: { role: string }) => r.role === 'figures_only');
    const approved = await stayLoggedIn(t, 'sys_admin').post(
      `/api/role-grants/${grant.assignmentId}/approve`,
    );
    expect(approved.statusCode, approved.body).toBe(200);
    const v = await t.login('volunteer');
    const d = await dash(v, MONTH);
    const tagKeys = d.figures.filter((f) => f.key.startsWith('registry.tag.')).map((f) => f.key);
    expect(tagKeys).toEqual(['registry.tag.empty_nest']);
    // Plans only under rules whose every tag the role may see (here: empty_nest alone).
    const visible = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM visit_plans vp JOIN visit_rules r ON r.id = vp.rule_id AND r.active
      JOIN people p ON p.id = vp.person_id JOIN areas a ON a.id = p.area_id
      WHERE r.tags <@ ARRAY['empty_nest']::text[] AND a.path <@ (SELECT path FROM areas WHERE id = ${A.youyi})`.execute(
      t.db,
    );
    expect(fig(d, 'visits.plans').value).toBe(visible.rows[0]!.n);
    const all = await dash(street, `areaId=${A.youyi}&${MONTH}`);
    expect(fig(all, 'visits.plans').value!).toBeGreaterThan(visible.rows[0]!.n);
    // Asking the map for a hidden figure is refused as an unknown one.
    const m = await v.get(`/api/dashboard/map?${MONTH}&figure=registry.tag.disability`);
    expect([m.statusCode, m.json().issues?.[0]?.path]).toEqual([400, 'query.figure']);
  });
});

describe('cache, export and bad input', () => {
  it('answers from the cache until something changes, and says so', async () => {
    const q = `areaId=${A.c}&${MONTH}`;
    const first = await dash(street, q);
    const again = await dash(street, q);
    expect(again.cached).toBe(true);
    expect(fig(again, 'registry.people').value).toBe(fig(first, 'registry.people').value);
    // An export (audited: a POST) changes no figure and keeps the cache.
    expect((await street.post('/api/dashboard/export', { areaId: A.c, ...MONTH_BODY })).statusCode).toBe(200);
    expect((await dash(street, q)).cached).toBe(true);
    // A person registered through the API: the next answer is computed again and counts them.
    const r = await street.post('/api/people', { name: '新来', residenceType: 'registered', areaId: A.h2 });
    expect(r.statusCode, r.body).toBe(201);
    const after = await dash(street, q);
    expect(after.cached).toBe(false);
    expect(fig(after, 'registry.people').value).toBe(fig(first, 'registry.people').value! + 1);
  });

  it('exports the view with the definitions on a second sheet, watermarked and audited', async () => {
    const r = await street.post('/api/dashboard/export', { areaId: A.c, ...MONTH_BODY });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const [figures, defs] = wb.worksheets;
    expect(wb.worksheets.map((w) => w.name)).toEqual(['指标', '指标说明']);
    const d = await dash(street, `areaId=${A.c}&${MONTH}`);
    expect(String(figures!.getCell('A1').value)).toContain('王建国');
    expect(figures!.getRow(2).values).toEqual(expect.arrayContaining(['样板一网格', '样板二网格']));
    const people = figures!.getRows(3, d.figures.length)!.find((row) => row.getCell(1).value === '实有人口')!;
    expect(people.getCell(3).value).toBe(fig(d, 'registry.people').value);
    expect(defs!.getCell(`B${3}`).value).toBe(d.figures[0]!.key);
    expect(defs!.rowCount).toBeGreaterThanOrEqual(d.figures.length + 2);
    const audit = await t.db
      .selectFrom('auditLog')
      .select(['entityId', 'detail'])
      .where('action', '=', 'dashboard.export')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.entityId).toBe(String(A.c));
  });

  it('names the field of a bad period or figure', async () => {
    const bad = async (url: string, path: string) => {
      const r = await street.get(url);
      expect([r.statusCode, r.json().issues?.[0]?.path], url).toEqual([400, path]);
    };
    await bad('/api/dashboard?from=2026-11-30&to=2026-11-01', 'query.to');
    await bad('/api/dashboard?from=2020-01-01&to=2026-11-01', 'query.to');
    await bad('/api/dashboard?from=2026-02-30&to=2026-03-01', 'query.from');
    await bad(`/api/dashboard/map?${MONTH}&figure=nope`, 'query.figure');
    expect((await street.get(`/api/dashboard?areaId=999999999&${MONTH}`)).statusCode).toBe(404);
  });
});

describe('like periods and the parts that make the whole, on cases filed by hand', () => {
  /** Cases in 样板社区 (no other case there), each filed at its day, 12:00 China time. */
  const filed: [day: string, areaId: () => number][] = [
    ['2026-10-05', () => A.g1],
    ['2026-10-06', () => A.c], // at the community itself, in no grid
    ['2026-10-25', () => A.g1], // after the 20th: not in the same days as 1–20 Nov
    ['2026-10-26', () => A.g2],
    ['2026-10-27', () => A.g2],
    ['2026-11-03', () => A.c], // in no grid
    ['2026-11-15', () => A.g1],
    ['2026-11-16', () => A.g2],
  ];

  beforeAll(async () => {
    for (const [day, areaId] of filed) {
      t.clock.set(new Date(`${day}T12:00:00+08:00`));
      const r = await street.post('/api/cases', {
        type: 'event',
        category: 'environment.exposed_garbage',
        title: `看板同期测试 ${day}`,
        areaId: areaId(),
      });
      expect(r.statusCode, r.body).toBe(201);
    }
    t.clock.set(new Date('2026-11-20T04:00:00Z'));
  });

  type Full = Dash & {
    through: string;
    previous: { from: string; to: string; partial: boolean; compare: string };
    unassigned: { values: Record<string, number | null> } | null;
    childKind: string | null;
  };

  it('this month so far (1–20 Nov) against 1–20 Oct, or a year before, never the whole of October', async () => {
    const d = (await dash(street, `areaId=${A.c}&${MONTH}`)) as Full;
    expect(d.through).toBe('2026-11-20');
    expect(d.previous).toMatchObject({ from: '2026-10-01', to: '2026-10-20', partial: true });
    expect(fig(d, 'cases.reported').value).toBe(3);
    expect(fig(d, 'cases.reported').previous).toBe(2); // 5 and 6 Oct; not the 25th–27th
    // The list behind the figure is the days counted.
    expect(fig(d, 'cases.reported').drill!.query).toMatchObject({ from: '2026-11-01', to: '2026-11-20' });
    expect(await drillTotal(street, fig(d, 'cases.reported'))).toBe(3);

    const y = (await dash(street, `areaId=${A.c}&${MONTH}&compare=year`)) as Full;
    expect(y.previous).toMatchObject({ from: '2025-11-01', to: '2025-11-20', compare: 'year' });
    expect(fig(y, 'cases.reported').previous).toBe(0);

    // October, finished: the whole of it against the whole of September.
    const oct = (await dash(street, `areaId=${A.c}&from=2026-10-01&to=2026-10-31`)) as Full;
    expect([oct.through, oct.previous.from, oct.previous.to, oct.previous.partial]).toEqual([
      '2026-10-31',
      '2026-09-01',
      '2026-09-30',
      false,
    ]);
    expect([fig(oct, 'cases.reported').value, fig(oct, 'cases.reported').previous]).toEqual([5, 0]);

    // 11–30 Nov on the 20th: ten days so far against the ten days before.
    const days = (await dash(street, `areaId=${A.c}&from=2026-11-11&to=2026-11-30`)) as Full;
    expect(days.previous).toMatchObject({ from: '2026-11-01', to: '2026-11-10' });
    expect([fig(days, 'cases.reported').value, fig(days, 'cases.reported').previous]).toEqual([2, 1]);
  });

  it('shows what lies in no grid as its own row, so the grids and that row add up to the community', async () => {
    // A person registered at the community itself, in no grid.
    const p = await street.post('/api/people', { name: '未落', residenceType: 'registered', areaId: A.c });
    expect(p.statusCode, p.body).toBe(201);
    const d = (await dash(street, `areaId=${A.c}&${MONTH}`)) as Full;
    expect(d.childKind).toBe('grid');
    const rest = d.unassigned!.values;
    expect(rest['cases.reported']).toBe(1); // filed 3 Nov at the community
    expect(rest['cases.open']).toBe(2); // 6 Oct and 3 Nov, neither closed
    expect(rest['registry.people']).toBe(1);
    // Figures with nothing outside the grids have no entry in the row.
    expect(rest['registry.households']).toBeUndefined();
    const byId = new Map(d.children.map((c) => [c.id, c.values]));
    expect(byId.get(A.g1)!['cases.open']).toBe(3);
    expect(byId.get(A.g2)!['cases.open']).toBe(3);
    expect(fig(d, 'cases.open').value).toBe(8);
    // Every count adds up: the grids plus the row make the community's figure.
    for (const f of d.figures.filter((x) => x.key.startsWith('cases.') || x.key.startsWith('registry.'))) {
      if ((f as Fig & { unit: string }).unit !== 'count') continue; // rates and means: not sums
      const parts = d.children.reduce((a, c) => a + (c.values[f.key] ?? 0), 0) + (rest[f.key] ?? 0);
      expect(parts, f.key).toBe(f.value);
    }
    // At a grid nothing lies outside its children but what was filed at the grid itself.
    const g = (await dash(street, `areaId=${A.g1}&${MONTH}`)) as Full;
    expect(g.childKind).toBe('building'); // its one child here is a building
    expect(g.unassigned!.values['cases.open']).toBe(3); // filed at the grid itself
    expect(g.children.reduce((a, c) => a + (c.values['cases.open'] ?? 0), 0)).toBe(0);

    // The export has the row too.
    const r = await street.post('/api/dashboard/export', { areaId: A.c, ...MONTH_BODY });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets[0]!.getRow(2).values).toEqual(expect.arrayContaining(['未落网格']));
  });

  it('gives the trend month by month, the running month up to today', async () => {
    const r = await street.get(
      `/api/dashboard/trend?areaId=${A.c}&to=2026-11-30&months=3&figures=cases.reported,cases.closed`,
    );
    expect(r.statusCode, r.body).toBe(200);
    const tr = r.json();
    expect(tr.months).toEqual([
      { month: '2026-09', from: '2026-09-01', to: '2026-09-30', partial: false },
      { month: '2026-10', from: '2026-10-01', to: '2026-10-31', partial: false },
      { month: '2026-11', from: '2026-11-01', to: '2026-11-20', partial: true },
    ]);
    expect(tr.series[0]).toMatchObject({ key: 'cases.reported', values: [0, 5, 3] });
    expect(tr.series[1].values).toEqual([0, 0, 0]);
    // A stock figure has no trend; the field is named.
    const bad = await street.get(`/api/dashboard/trend?to=2026-11-30&figures=registry.people`);
    expect([bad.statusCode, bad.json().issues?.[0]?.path]).toEqual([400, 'query.figures']);
  });
});
