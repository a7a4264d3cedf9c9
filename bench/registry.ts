/**
 * Registry figures (issue: registry), printed not asserted:
 *  - a generator of BENCH_PEOPLE people (default 1,000,000) into its own database `jy_bench_<pid>`
 *    (on the embedded PostgreSQL this bench starts, or on DATABASE_URL's server), reusing the demo
 *    seed's generator: the demo street first, then more communities of the same make-up;
 *  - search latency over that many people, per kind of query: the repository's own SQL against
 *    GET /api/people?q=… through the app, p50/p95 and the ratio, and EXPLAIN (ANALYZE, BUFFERS);
 *  - import of a messy 100,000-row ledger (.xlsx): upload, confirm, job done — time and peak RSS;
 *  - export of 100,000 rows (.xlsx) as the street administrator — time and peak RSS.
 * Run: npm run bench registry   (BENCH_PEOPLE=200000 for a quick run; BENCH_IMPORT_ROWS=100000)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, openAsBlob, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { boot } from '../src/server/boot.js';
import { MODULES } from '../src/server/modules/index.js';
import { fullWidth, wrongCheck } from '../src/server/modules/registry/import/fixtures.js';
import { classifySearch } from '../src/server/modules/registry/registry.policy.js';
import { registryRepo } from '../src/server/modules/registry/registry.repository.js';
import {
  type CommunitySlot,
  createRng,
  emptyBatch,
  loadCommunities,
  makeIdNumber,
  makePhone,
  OTHER_TARGETS_PER_HOUSE,
  RegistryGenerator,
  syncSequences,
  writeBatch,
} from '../src/server/modules/registry/registry.seed.js';
import type { Actor } from '../src/server/platform/access/actor.js';
import { areaIdInScope } from '../src/server/platform/access/scope.js';
import { loadConfig } from '../src/server/platform/config.js';
import { type EmbeddedHandle, startEmbedded } from '../src/server/platform/db/embedded.js';
import { createDb } from '../src/server/platform/db/index.js';
import type { DB } from '../src/server/platform/db/schema.js';
import { DEMO_PASSWORD } from '../src/server/platform/demo.js';
import { buildApp } from '../src/server/platform/http/app.js';
import { benchKeyFile, createDatabaseSql, fmt, pct, track, withDb } from './lib.js';

const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 1_000_000);
const IMPORT_ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
/** The export's row ceiling (the app's EXPORT_CAP); unset: the people ledger's own 100,000. */
const EXPORT_ROWS = process.env.BENCH_EXPORT_ROWS;

const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;

/** Samples an RSS (the app's) every 50 ms while `fn` runs. */
async function peakRss<T>(
  rss: () => number,
  fn: () => Promise<T>,
): Promise<{ value: T; ms: number; peak: number; before: number }> {
  const before = rss();
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, rss());
  }, 50);
  const t0 = performance.now();
  try {
    const value = await fn();
    return { value, ms: performance.now() - t0, peak: Math.max(peak, rss()), before };
  } finally {
    clearInterval(timer);
  }
}

// ————————————————————————— growing the street —————————————————————————

const PLACE = '城南城北东街西街汨东白塘弼时屈子新塘高坊罗江归义李家八景长乐红花古仑玉池楚塘天井沙溪凤凰';
const PLACE_WORDS = Array.from({ length: PLACE.length / 2 }, (_, i) => PLACE.slice(i * 2, i * 2 + 2));
const SUFFIX = ['', '新', '东', '西', '南', '北', '中'];
const COMPOUND_WORDS = ['新村', '花苑', '家园', '小区', '嘉园', '公寓', '华府', '雅苑'];

/** One more community like the demo's ordinary ones: grids, compounds, buildings, units, houses. */
function communityNodes(
  nextId: () => number,
  street: { id: number; code: string; path: string },
  seq: number,
) {
  type N = {
    id: number;
    parentId: number;
    kind: string;
    code: string;
    name: string;
    sortOrder: number;
    path: string;
    depth: number;
  };
  const nodes: N[] = [];
  const add = (
    parent: { id: number; path: string; depth?: number },
    kind: string,
    code: string,
    name: string,
    sortOrder: number,
  ) => {
    const id = nextId();
    const n: N = {
      id,
      parentId: parent.id,
      kind,
      code,
      name,
      sortOrder,
      path: `${parent.path}.${id}`,
      depth: (parent.depth ?? 2) + 1,
    };
    nodes.push(n);
    return n;
  };
  const pad = (n: number, l: number) => String(n).padStart(l, '0');
  const word = PLACE_WORDS[seq % PLACE_WORDS.length]!;
  const name = `${word}${SUFFIX[Math.floor(seq / PLACE_WORDS.length) % SUFFIX.length]}${Math.floor(seq / (PLACE_WORDS.length * SUFFIX.length)) || ''}社区`;
  const community = add({ ...street, depth: 2 }, 'community', street.code + pad(seq, 3), name, seq);
  for (let g = 1; g <= 4; g++) {
    const grid = add(community, 'grid', community.code + pad(g, 3), `第${'一二三四'[g - 1]}网格`, g);
    for (let c = 1; c <= 3; c++) {
      const compound = add(
        grid,
        'compound',
        grid.code + pad(c, 3),
        `${word}${COMPOUND_WORDS[(g * 3 + c) % COMPOUND_WORDS.length]}${g}${c}`,
        c,
      );
      for (let b = 1; b <= 5; b++) {
        const building = add(compound, 'building', compound.code + pad(b, 3), `${b}栋`, b);
        for (let u = 1; u <= 2; u++) {
          const unit = add(building, 'unit', building.code + pad(u, 2), `${u}单元`, u);
          let h = 0;
          const doors = 2 + ((g + c + b + u) % 2);
          for (let floor = 1; floor <= 7; floor++)
            for (let door = 1; door <= doors; door++) {
              h++;
              add(unit, 'house', unit.code + pad(h, 4), `${floor}0${door}室`, h);
            }
        }
      }
    }
  }
  return { community, nodes };
}

async function insertAreas(db: Kysely<DB>, nodes: ReturnType<typeof communityNodes>['nodes']) {
  for (let i = 0; i < nodes.length; i += 10_000) {
    const c = nodes.slice(i, i + 10_000);
    await sql`
      INSERT INTO areas (id, parent_id, kind, code, name, sort_order, path, depth)
      SELECT id, parent_id, kind, code, name, sort_order, path::ltree, depth FROM unnest(
        ${c.map((n) => n.id)}::bigint[], ${c.map((n) => n.parentId)}::bigint[], ${c.map((n) => n.kind)}::text[],
        ${c.map((n) => n.code)}::text[], ${c.map((n) => n.name)}::text[], ${c.map((n) => n.sortOrder)}::int[],
        ${c.map((n) => n.path)}::text[], ${c.map((n) => n.depth)}::int[]) AS v(id, parent_id, kind, code, name, sort_order, path, depth)`.execute(
      db,
    );
  }
}

/** Grows the street to `target` people (also used by the backup drill, scripts/drill-backup.ts). */
export async function grow(
  db: Kysely<DB>,
  keyring: { decrypt(s: string): string },
  now: Date,
  target = PEOPLE,
) {
  const have = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM people`.execute(db)).rows[0]!.n;
  if (have >= target) return { added: 0, ms: 0, genMs: 0, analyzeMs: 0 };
  const street = (
    await sql<{ id: number; code: string; path: string }>`
    SELECT id, code, path::text AS path FROM areas WHERE kind = 'street' ORDER BY id LIMIT 1`.execute(db)
  ).rows[0]!;
  const max = async (t: string) =>
    (await sql<{ m: number }>`SELECT coalesce(max(id), 0)::bigint AS m FROM ${sql.table(t)}`.execute(db))
      .rows[0]!.m;
  const gen = new RegistryGenerator({
    now,
    seed: 'jiayuan-bench',
    start: {
      person: (await max('people')) + 1,
      household: (await max('households')) + 1,
      rental: (await max('rentals')) + 1,
    },
  });
  // The demo's ID numbers and credit codes are taken: the generator must not draw them again.
  for (const r of (
    await sql<{ e: string }>`SELECT id_enc AS e FROM people WHERE id_enc IS NOT NULL`.execute(db)
  ).rows)
    gen.ids.add(keyring.decrypt(r.e));
  for (const r of (
    await sql<{
      c: string;
    }>`SELECT credit_code AS c FROM organisations WHERE credit_code IS NOT NULL`.execute(db)
  ).rows)
    gen.creditCodes.add(r.c);
  let areaId = await max('areas');
  const nextId = () => ++areaId;
  let seq = (
    await sql<{ n: number }>`SELECT count(*)::int AS n FROM areas WHERE parent_id = ${street.id}`.execute(db)
  ).rows[0]!.n;

  const t0 = performance.now();
  let added = 0;
  let pending = emptyBatch();
  // Inserting one batch overlaps generating the next: PostgreSQL and Node each keep a core busy.
  let inflight: Promise<void> = Promise.resolve();
  let genMs = 0;
  const flush = async () => {
    const b = pending;
    pending = emptyBatch();
    await inflight;
    inflight = db.transaction().execute((trx) => writeBatch(trx, keyring as never, gen, b, 10_000));
    inflight.catch(() => {}); // awaited (and thrown) at the next flush
  };
  let lastReport = t0;
  while (have + added < target) {
    seq++;
    const { community, nodes } = communityNodes(nextId, street, seq);
    await insertAreas(db, nodes);
    const [slot] = (await loadCommunities(db, street.path, [community.id])) as CommunitySlot[];
    const houses = slot!.houses.length;
    const people = Math.min(Math.round(houses * OTHER_TARGETS_PER_HOUSE.people), target - have - added);
    const floating = Math.round(people * OTHER_TARGETS_PER_HOUSE.floatingShare);
    const away = Math.round(people * OTHER_TARGETS_PER_HOUSE.awayShare);
    const residentPeople = people - floating - away;
    const tg = performance.now();
    const b = gen.community(slot!, {
      residentHouseholds: Math.max(1, Math.round(residentPeople / 2.95)),
      residentPeople,
      floating,
      away,
      cobuildUnits: 3,
    });
    genMs += performance.now() - tg;
    for (const k of Object.keys(b) as (keyof typeof b)[])
      for (const x of b[k] as unknown[]) (pending[k] as unknown[]).push(x);
    added += b.people.length;
    if (pending.people.length >= 10_000) await flush();
    if (performance.now() - lastReport > 15_000) {
      lastReport = performance.now();
      const s = (lastReport - t0) / 1000;
      process.stderr.write(
        `  … ${have + added} people, ${s.toFixed(0)} s (${((added / s) | 0).toLocaleString()} rows/s)\n`,
      );
    }
  }
  if (pending.people.length) await flush();
  await inflight;
  await syncSequences(db as never);
  await sql`SELECT setval(pg_get_serial_sequence('areas', 'id'), (SELECT max(id) FROM areas))`.execute(db);
  const ms = performance.now() - t0;
  const ta = performance.now();
  await sql`VACUUM ANALYZE people`.execute(db);
  await sql`ANALYZE households, house_info, person_tags, areas, rentals, rental_tenants`.execute(db);
  return { added, ms, genMs, analyzeMs: performance.now() - ta };
}

// ————————————————————————— search —————————————————————————

type Kind = { label: string; make: (p: Sample) => string };
type Sample = {
  name: string;
  pinyin: string;
  initials: string;
  id: string;
  phone: string | null;
  address: string;
};

const KINDS: Kind[] = [
  { label: 'name, 2 chars (张伟)', make: (p) => [...p.name].slice(0, 2).join('') },
  { label: 'initials (zw)', make: (p) => p.initials.slice(0, 2) },
  { label: 'full pinyin prefix', make: (p) => p.pinyin.slice(0, Math.min(p.pinyin.length, 7)) },
  { label: 'ID tail 4', make: (p) => p.id.slice(-4) },
  { label: 'ID tail 6', make: (p) => p.id.slice(-6) },
  { label: 'whole ID (18)', make: (p) => p.id },
  { label: 'phone (11)', make: (p) => p.phone! },
  { label: 'phone tail 4', make: (p) => p.phone!.slice(-4) },
  { label: 'address fragment', make: (p) => p.address },
];

async function samples(
  db: Kysely<DB>,
  keyring: { decrypt(s: string): string },
  n: number,
): Promise<Sample[]> {
  const rows = (
    await sql<{
      name: string;
      pinyin: string;
      initials: string;
      idEnc: string;
      phoneEnc: string | null;
      address: string | null;
    }>`
      SELECT name, name_pinyin AS pinyin, name_initials AS initials, id_enc, phone_enc, current_address AS address
        FROM people TABLESAMPLE SYSTEM (1) WHERE phone_enc IS NOT NULL AND id_enc IS NOT NULL LIMIT ${n * 3}`.execute(
      db,
    )
  ).rows;
  const r = createRng('bench-samples');
  const out: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const x = rows[r.int(0, rows.length - 1)]!;
    // "友谊花园3栋", "锦绣家园2栋1单元": a compound and building, as staff type them.
    const m = /社区(.+?\d+栋)(\d+单元)?/.exec(x.address ?? '');
    out.push({
      name: x.name,
      pinyin: x.pinyin,
      initials: x.initials,
      id: keyring.decrypt(x.idEnc),
      phone: x.phoneEnc ? keyring.decrypt(x.phoneEnc) : null,
      address: m ? (r.chance(0.5) ? m[1]! : m[1]! + (m[2] ?? '')) : x.name,
    });
  }
  return out;
}

/** A Kysely over its own pool that records the SQL it sends (for EXPLAIN). */
function recordingDb(url: string) {
  const seen: { sql: string; parameters: readonly unknown[] }[] = [];
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // The bench's finally drops the database WITH (FORCE): an idle connection then gets an error
  // event, which without a listener crashed the process and hid the error that ended the bench.
  pool.on('error', () => {});
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin()],
    log: (e) => {
      // The statements a list runs: its counts and its page. Not a transaction's BEGIN, COMMIT or
      // set_config (a count beyond the fast cap runs under a statement timeout, in a transaction,
      // so at a few hundred thousand people "EXPLAIN begin" ended the bench).
      if (
        e.level === 'query' &&
        /^\s*select\b/i.test(e.query.sql) &&
        !/^\s*select set_config/i.test(e.query.sql)
      )
        seen.push({ sql: e.query.sql, parameters: e.query.parameters });
    },
  });
  return { db, seen };
}

type PlanNode = {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Actual Total Time'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
};
function planSummary(plan: PlanNode): { top: string; indexes: string[]; seqScans: string[] } {
  const indexes = new Set<string>();
  const seq = new Set<string>();
  const walk = (n: PlanNode) => {
    if (n['Index Name']) indexes.add(n['Index Name']);
    if (n['Node Type'] === 'Seq Scan' && n['Relation Name']) seq.add(n['Relation Name']);
    for (const c of n.Plans ?? []) walk(c);
  };
  walk(plan);
  return { top: plan['Node Type'], indexes: [...indexes], seqScans: [...seq] };
}

// ————————————————————————— the ledger —————————————————————————

/** A messy ledger as communities keep them (also used by the crash drill, scripts/drill-crash.ts). */
export async function writeLedger(file: string, rows: number, now: Date): Promise<void> {
  const r = createRng('bench-ledger');
  const taken = new Set<string>();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: file,
    useSharedStrings: false,
    useStyles: false,
  });
  const ws = wb.addWorksheet('人口台账');
  // A title row and a blank row above the header, as ledgers have.
  ws.addRow(['城关街道实有人口登记台账（2026年）']).commit();
  ws.addRow([]).commit();
  ws.addRow([
    '序号',
    '姓名',
    '性别',
    '民族',
    '身份证号码',
    '出生日期',
    '联系电话',
    '户籍地址',
    '现住址',
    '与户主关系',
    '文化程度',
    '政治面貌',
    '工作单位',
    '备注',
  ]).commit();
  const surnames = '王李张刘陈杨黄赵吴周彭曾罗唐谭邓单解';
  const given = [
    '建华',
    '秀兰',
    '志强',
    '丽娟',
    '海燕',
    '国平',
    '桂英',
    '明辉',
    '春梅',
    '伟',
    '红霞',
    '子涵',
    '梓萱',
    '浩然',
  ];
  const regions = ['430681', '430681', '430681', '430626', '430621', '421002', '360424'];
  let prev: unknown[] | null = null;
  for (let i = 1; i <= rows; i++) {
    // The same person twice, now and then.
    if (prev && r.chance(0.003)) {
      ws.addRow([i, ...prev.slice(1)]).commit();
      continue;
    }
    const sex = r.chance(0.5) ? 'M' : 'F';
    const age = r.int(0, 92);
    const birth = new Date(now.getTime() - (age * 365.25 + r.int(1, 360)) * 86_400_000);
    const ymd = birth.toISOString().slice(0, 10);
    let id: string | number = makeIdNumber(r, r.pick(regions), ymd, sex, taken);
    const name = r.pick([...surnames]) + r.pick(given);
    const x = r.next();
    // Messiness: full-width digits, lower-case x, spaces, an old 15-digit number, a wrong check digit.
    if (x < 0.02) id = fullWidth(id);
    else if (x < 0.03) id = `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`;
    else if (x < 0.035) id = id.slice(0, 6) + id.slice(8, 17);
    else if (x < 0.04) id = wrongCheck(id);
    else if (id.endsWith('X') && r.chance(0.5)) id = id.toLowerCase();
    const birthCell = r.chance(0.3)
      ? ymd.replaceAll('-', '.')
      : r.chance(0.3)
        ? `${Number(ymd.slice(0, 4))}年${Number(ymd.slice(5, 7))}月${Number(ymd.slice(8, 10))}日`
        : ymd;
    const phone = age >= 16 && r.chance(0.9) ? makePhone(r) : '';
    const phoneCell =
      phone && r.chance(0.1) ? `${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}` : phone;
    const row: unknown[] = [
      i,
      r.chance(0.02) ? ` ${name} ` : name,
      sex === 'M' ? '男' : '女',
      r.chance(0.97) ? '汉族' : r.pick(['土家族', '苗族', '回族']),
      id,
      birthCell,
      phoneCell,
      `湖南省汨罗市城关街道${r.pick(['建设路', '罗城路', '高泉南路'])}${r.int(1, 300)}号`,
      `导入小区${r.int(1, 40)}栋${r.int(1, 3)}单元${r.int(1, 7)}0${r.int(1, 3)}室`,
      r.pick(['户主', '配偶', '子', '女', '父亲', '母亲', '孙子', '']),
      r.pick(['小学', '初中', '高中', '中专', '大专', '本科', '']),
      r.pick(['群众', '群众', '群众', '中共党员', '共青团员']),
      r.chance(0.5) ? r.pick(['个体', '务工', '汨罗市人民医院', '退休']) : '',
      r.chance(0.05) ? '2026年入户走访核实' : '',
    ];
    ws.addRow(row).commit();
    prev = row;
    if (r.chance(0.002)) ws.addRow([]).commit();
  }
  ws.commit();
  await wb.commit();
}

// ————————————————————————— the bench —————————————————————————

export async function benchRegistry() {
  let embedded: EmbeddedHandle | null = null;
  const tmp = mkdtempSync(path.join(tmpdir(), 'jiayuan-bench-registry-'));
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const pgLog = process.env.BENCH_PG_LOG;
    embedded = await startEmbedded({
      dataDir: tmp,
      port: 55800 + (process.pid % 100),
      database: 'postgres',
      log: pgLog ? (m) => appendFileSync(pgLog, `${new Date().toISOString()} ${m}\n`) : undefined,
      settings: pgLog ? { log_connections: 'on', log_disconnections: 'on' } : undefined,
    });
    adminUrl = embedded.url;
  }
  const dbName = `jy_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  admin.on('error', (e) => console.error(`admin connection: ${e.message}`));
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.query(createDatabaseSql(dbName));
  const url = withDb(adminUrl, dbName);
  const quiet = { info() {}, warn() {}, error: console.error };
  let runtime: Awaited<ReturnType<typeof boot>> | null = null;
  let server: Awaited<ReturnType<typeof buildApp>> | null = null;
  let child: ChildProcess | null = null;
  let rec: ReturnType<typeof recordingDb> | null = null;
  try {
    // —— 1. data
    const t0 = performance.now();
    const db = createDb(url, { max: 10 });
    runtime = await boot(
      {
        ...loadConfig({}),
        databaseUrl: url,
        keyFile: benchKeyFile(tmp),
        seedDemo: true,
        // The bench measures search, not the per-user limiter (120 a minute) it would trip.
        searchPerMinute: 1_000_000,
        seedDemoYear: false,
      },
      { log: quiet, db },
    );
    const seedMs = performance.now() - t0;
    const s = runtime.services;
    const grown = await grow(db, s.keyring, s.clock.now());
    const total = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM people`.execute(db)).rows[0]!.n;
    const size = (
      await sql<{ s: string; p: string }>`
      SELECT pg_size_pretty(pg_database_size(current_database())) AS s, pg_size_pretty(pg_total_relation_size('people')) AS p`.execute(
        db,
      )
    ).rows[0]!;
    console.log('\n## Data');
    console.log(`migrate + demo street (63,000 people) seeded: ${(seedMs / 1000).toFixed(1)} s`);
    console.log(
      `generated ${grown.added.toLocaleString()} more people in ${(grown.ms / 1000).toFixed(1)} s` +
        (grown.added
          ? ` (${Math.round(grown.added / (grown.ms / 1000)).toLocaleString()} people/s with their households, houses, rentals, tags;` +
            ` generating ${((grown.genMs ?? 0) / 1000).toFixed(1)} s of it, overlapped with inserts; VACUUM ANALYZE ${((grown.analyzeMs ?? 0) / 1000).toFixed(1)} s)`
          : ''),
    );
    console.log(`people: ${total.toLocaleString()}; database ${size.s}, people with indexes ${size.p}`);

    // —— 2. search
    server = await buildApp(s, MODULES, { webDir: null });
    const login = await server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'street_admin', password: DEMO_PASSWORD },
    });
    if (login.statusCode !== 200) throw new Error(`login: ${login.statusCode} ${login.body}`);
    const cookies: Record<string, string> = {};
    for (const c of login.cookies) cookies[c.name] = c.value;
    const cookie = Object.entries(cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    const streetPath = (
      await sql<{
        p: string;
      }>`SELECT path::text AS p FROM areas WHERE kind = 'street' ORDER BY id LIMIT 1`.execute(db)
    ).rows[0]!.p;
    // The street administrator's read scope, as the service builds it.
    const actor = { pathsFor: () => [streetPath] } as unknown as Actor;
    const scope = areaIdInScope(actor, 'person.read', 'p.areaId');
    rec = recordingDb(url);
    const repo = registryRepo(rec.db, s.keyring);
    const sample = await samples(db, s.keyring, QUERIES);

    console.log(
      `\n## Search over ${total.toLocaleString()} people (${QUERIES} varied queries per kind, page of 20 + capped count)`,
    );
    console.log(
      'kind                      SQL p50   SQL p95   API p50   API p95   API/SQL(p50)  API/SQL(p95)  hits(median)',
    );
    const explainFor: { label: string; q: string }[] = [];
    for (const k of KINDS) {
      const qs = sample.map(k.make).filter((q) => q && q.length > 0);
      const sqlMs: number[] = [];
      const apiMs: number[] = [];
      const hits: number[] = [];
      // warm-up
      for (const q of qs.slice(0, 5))
        await repo.list({ scope, search: classifySearch(q) }, { key: 'name', desc: false }, 20, 0);
      for (const q of qs) {
        const a = performance.now();
        const res = await repo.list(
          { scope, search: classifySearch(q) },
          { key: 'name', desc: false },
          20,
          0,
        );
        sqlMs.push(performance.now() - a);
        hits.push(res.total);
        const b = performance.now();
        const api = await server.inject({
          method: 'GET',
          url: `/api/people?q=${encodeURIComponent(q)}&pageSize=20`,
          headers: { cookie },
        });
        apiMs.push(performance.now() - b);
        if (api.statusCode !== 200) throw new Error(`GET /api/people?q=${q}: ${api.statusCode} ${api.body}`);
      }
      explainFor.push({ label: k.label, q: qs[0]! });
      console.log(
        `${k.label.padEnd(24)} ${fmt(pct(sqlMs, 50)).padStart(7)}  ${fmt(pct(sqlMs, 95)).padStart(8)}  ${fmt(pct(apiMs, 50)).padStart(8)}  ${fmt(pct(apiMs, 95)).padStart(8)}  ${(pct(apiMs, 50) / pct(sqlMs, 50)).toFixed(2).padStart(11)}  ${(pct(apiMs, 95) / pct(sqlMs, 95)).toFixed(2).padStart(12)}  ${String(pct(hits, 50)).padStart(12)}`,
      );
    }
    console.log(
      '(ms; target p95 ≤ 50 ms; ratio target: API p95 ÷ the same SQL p95 run directly ≤ 1.5 — the SQL is the page query and its capped count, as the repository runs them)',
    );

    console.log('\n## EXPLAIN (ANALYZE, BUFFERS) of the page query, one per kind');
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => {}); // an idle client must not crash the run (see recordingDb)
    await client.connect();
    try {
      for (const { label, q } of explainFor) {
        rec.seen.length = 0;
        await repo.list({ scope, search: classifySearch(q) }, { key: 'name', desc: false }, 20, 0);
        // The fast count (LIMIT cap + 1), the full count when the fast one hit its cap, the page.
        const stmts = rec.seen.map((stmt, i, all) => ({
          stmt,
          which: i === all.length - 1 ? 'page' : i === 0 ? 'count' : 'full',
        }));
        for (const { stmt, which } of stmts) {
          const r = await client.query(
            `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${stmt.sql}`,
            stmt.parameters as unknown[],
          );
          const plan = (r.rows[0]['QUERY PLAN'] as { Plan: PlanNode; 'Execution Time': number }[])[0]!;
          const sm = planSummary(plan.Plan);
          console.log(
            `${label.padEnd(24)} ${which.padEnd(5)} ${plan['Execution Time'].toFixed(1).padStart(7)} ms  top: ${sm.top.padEnd(14)} buffers hit/read ${plan.Plan['Shared Hit Blocks'] ?? 0}/${plan.Plan['Shared Read Blocks'] ?? 0}  index: ${sm.indexes.filter((x) => x.startsWith('people')).join(', ') || 'NONE'}${sm.seqScans.includes('people') ? '  SEQ SCAN people' : ''}`,
          );
        }
      }
    } finally {
      await client.end().catch(() => {});
    }
    await rec.db.destroy();
    rec = null;

    // —— 3. import, 4. export: through the app in its own process (`src/server/main.ts`), over
    // HTTP on loopback as a browser would, its RSS read from /proc every 50 ms.
    await server.close();
    server = null;
    const port = 3950 + (process.pid % 40);
    const base = `http://127.0.0.1:${port}`;
    /** Starts the app afresh (so each figure starts from an idle process) and signs in. */
    const startApp = async () => {
      if (child && child.exitCode === null) {
        const old = child;
        old.kill('SIGTERM');
        await new Promise((r) => old.once('exit', r));
      }
      const app = track(
        spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
          env: {
            ...process.env,
            DATABASE_URL: url,
            JIAYUAN_KEY_FILE: benchKeyFile(tmp),
            JIAYUAN_SEED_DEMO: 'false',
            PORT: String(port),
            HOST: '127.0.0.1',
            LOG_LEVEL: 'warn',
            WEB_DIR: path.join(tmp, 'no-web'),
            // The bench searches ~1,800 times from one session: lift the per-user search limit.
            SEARCH_PER_MINUTE: '1000000',
            ...(EXPORT_ROWS ? { EXPORT_CAP: EXPORT_ROWS } : {}),
          },
          stdio: ['ignore', 'ignore', 'inherit'],
        }),
      );
      child = app;
      for (;;) {
        if (app.exitCode !== null) throw new Error('the app exited');
        try {
          if ((await fetch(`${base}/api/health`)).status === 200) break;
        } catch {}
        await new Promise((r) => setTimeout(r, 100));
      }
      const li = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'street_admin', password: DEMO_PASSWORD }),
      });
      if (li.status !== 200) throw new Error(`login: ${li.status} ${await li.text()}`);
      const jar = Object.fromEntries(
        li.headers.getSetCookie().map((c) => c.split(';')[0]!.split('=') as [string, string]),
      );
      const headers = {
        cookie: Object.entries(jar)
          .map(([k, v]) => `${k}=${v}`)
          .join('; '),
        'x-csrf-token': jar.jy_csrf ?? '',
      };
      const rssOf = () => {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${app.pid}/status`, 'utf8'));
        return m ? Number(m[1]) * 1024 : 0;
      };
      return { headers, rssOf };
    };
    let { headers, rssOf } = await startApp();

    const ledger = path.join(tmp, 'ledger.xlsx');
    const tl = performance.now();
    await writeLedger(ledger, IMPORT_ROWS, s.clock.now());
    console.log(
      `\n## Import of a messy ${IMPORT_ROWS.toLocaleString()}-row ledger (.xlsx, ${mb(statSync(ledger).size)}, written in ${((performance.now() - tl) / 1000).toFixed(1)} s)`,
    );
    const target = (
      await sql<{
        id: number;
      }>`SELECT id FROM areas WHERE kind = 'community' ORDER BY id DESC LIMIT 1`.execute(db)
    ).rows[0]!.id;
    const imp = await peakRss(rssOf, async () => {
      const phases: Record<string, number> = {};
      let t = performance.now();
      const form = new FormData();
      form.append('file', await openAsBlob(ledger), 'ledger.xlsx');
      const up = await fetch(`${base}/api/people/import`, { method: 'POST', body: form, headers });
      const preview = (await up.json()) as {
        id: number;
        columns: { index: number; field: string | null }[];
        total: number;
      };
      if (!up.ok) throw new Error(`upload: ${up.status} ${JSON.stringify(preview)}`);
      phases.upload = performance.now() - t;
      t = performance.now();
      const mapping = Object.fromEntries(preview.columns.map((c) => [String(c.index), c.field]));
      const conf = await fetch(`${base}/api/imports/${preview.id}/confirm`, {
        method: 'POST',
        body: JSON.stringify({ mapping, areaId: target, residenceType: 'resident' }),
        headers: { ...headers, 'content-type': 'application/json' },
      });
      if (!conf.ok) throw new Error(`confirm: ${conf.status} ${await conf.text()}`);
      let job: {
        status: string;
        created: number;
        updated: number;
        failed: number;
        unchanged: number;
        warnings: unknown[];
      };
      for (;;) {
        job = (await (await fetch(`${base}/api/imports/${preview.id}`, { headers })).json()) as typeof job;
        if (job.status === 'done' || job.status === 'failed') break;
        await new Promise((res) => setTimeout(res, 200));
      }
      phases.job = performance.now() - t;
      return { preview, job, phases };
    });
    const { job, preview, phases } = imp.value;
    console.log(
      `upload + preview ${(phases.upload! / 1000).toFixed(1)} s (${preview.total.toLocaleString()} rows, columns mapped: ${preview.columns.filter((c) => c.field).length}/${preview.columns.length}); confirm → ${job.status} in ${(phases.job! / 1000).toFixed(1)} s`,
    );
    console.log(
      `total ${(imp.ms / 1000).toFixed(1)} s; created ${job.created}, updated ${job.updated}, unchanged ${job.unchanged}, failed ${job.failed}, warnings ${job.warnings.length}`,
    );
    console.log(`app peak RSS ${mb(imp.peak)} (idle before: ${mb(imp.before)}); targets ≤ 60 s, ≤ 500 MB`);

    console.log(
      '\n## Export (POST /api/people/export as the street administrator: the whole street, capped' +
        (EXPORT_ROWS ? ` at ${Number(EXPORT_ROWS).toLocaleString()} rows by EXPORT_CAP)` : ')'),
    );
    ({ headers, rssOf } = await startApp());
    const exp = await peakRss(rssOf, async () => {
      const res = await fetch(`${base}/api/people/export`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: '{}',
      });
      if (!res.ok) throw new Error(`export: ${res.status} ${await res.text()}`);
      let bytes = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
      return { bytes, rows: res.headers.get('x-export-rows'), capped: res.headers.get('x-export-capped') };
    });
    console.log(
      `${Number(exp.value.rows).toLocaleString()} rows${exp.value.capped ? ' (capped)' : ''}, ${mb(exp.value.bytes)} in ${(exp.ms / 1000).toFixed(1)} s; app peak RSS ${mb(exp.peak)} (before: ${mb(exp.before)})`,
    );
  } finally {
    const last = child as ChildProcess | null; // assigned in startApp()
    if (last && last.exitCode === null) {
      last.kill('SIGTERM');
      await new Promise((r) => last.once('exit', r));
    }
    await server?.close().catch(() => {});
    await rec?.db.destroy().catch(() => {});
    await runtime?.close().catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    await admin.end();
    if (embedded) await embedded.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}
