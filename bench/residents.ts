/**
 * Resident channel figures (issue 17), printed not asserted:
 *  (a) RES_BENCH_VERIFIED (2,000) verified residents in the demo street; RES_BENCH_CONCURRENT (500)
 *      of them at once reading notices and their requests (and now and then reporting one) while
 *      RES_BENCH_STAFF (40) staff work the drill-load mix (people searches, case lists and reads,
 *      event reports). The staff mix runs first alone, then with the residents, RES_BENCH_SECONDS
 *      each: p95 and errors per side, and the ratio of the staff's p95 with residents to without.
 *  (b) binding a resident (POST /api/resident/bind: check digit, keyed hash of the ID, name) when
 *      the registry holds RES_BENCH_PEOPLE (1,000,000) people: synthetic people bulk-inserted with
 *      valid ID numbers, encrypted and keyed-hashed as the registry stores them; p50/p95 of
 *      RES_BENCH_BINDS binds, matched and not.
 * The app runs as a child process (as `npm start` would) on a database seeded with the demo street;
 * the generator runs here. Every user pauses RES_BENCH_THINK ms on average (exponential) after
 * each answer, as people do.
 * Run: npm run bench residents   (BENCH_CI=1: a small size that only checks it works)
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { type AppProc, startApp, stopApp } from '../scripts/lib/drill.js';
import { leaves } from '../src/contract/case-codes.js';
import { idCheckDigit } from '../src/contract/identifiers.js';
import { boot } from '../src/server/boot.js';
import { CASE_TYPE_DEFS } from '../src/server/modules/cases/types/index.js';
import { hashPassword } from '../src/server/platform/auth/password.js';
import { CSRF_COOKIE, createSession, SESSION_COOKIE } from '../src/server/platform/auth/sessions.js';
import { loadConfig } from '../src/server/platform/config.js';
import { type EmbeddedHandle, startEmbedded } from '../src/server/platform/db/embedded.js';
import { createDb } from '../src/server/platform/db/index.js';
import type { DB } from '../src/server/platform/db/schema.js';
import {
  benchKeyFile,
  call,
  closeAgent,
  createDatabaseSql,
  fmt,
  login,
  pct,
  type Session,
  withDb,
} from './lib.js';

const VERIFIED = Number(process.env.RES_BENCH_VERIFIED ?? 2000);
const CONCURRENT = Number(process.env.RES_BENCH_CONCURRENT ?? 500);
const STAFF = Number(process.env.RES_BENCH_STAFF ?? 40);
const SECONDS = Number(process.env.RES_BENCH_SECONDS ?? 60);
const THINK = Number(process.env.RES_BENCH_THINK ?? 2000);
const PEOPLE = Number(process.env.RES_BENCH_PEOPLE ?? 1_000_000);
const BINDS = Number(process.env.RES_BENCH_BINDS ?? 200);

type Keyring = { encrypt(s: string): string; lookupHash(s: string): string };
type Stats = Map<string, { ms: number[]; errors: number; statuses: Map<number, number> }>;

const pause = (mean: number) =>
  new Promise((r) => setTimeout(r, mean > 0 ? -Math.log(1 - Math.random()) * mean : 0));
const ipOf = (i: number) => ({ 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });

/** One answer; `ok` says whether it was the expected one (by default: a 2xx or 3xx). */
function record(stats: Stats, route: string, status: number, ms: number, ok = status > 0 && status < 400) {
  const s = stats.get(route) ?? { ms: [] as number[], errors: 0, statuses: new Map<number, number>() };
  stats.set(route, s);
  s.ms.push(ms);
  s.statuses.set(status, (s.statuses.get(status) ?? 0) + 1);
  if (!ok) s.errors++;
}

function summary(stats: Stats) {
  const all = [...stats.values()].flatMap((s) => s.ms);
  const errors = [...stats.values()].reduce((n, s) => n + s.errors, 0);
  return { n: all.length, p50: pct(all, 50), p95: pct(all, 95), errors };
}

function printStats(title: string, stats: Stats, seconds: number) {
  const t = summary(stats);
  console.log(
    `${title}: ${t.n} requests (${(t.n / seconds).toFixed(1)}/s), p50 ${fmt(t.p50)} ms, p95 ${fmt(t.p95)} ms, errors ${t.errors}`,
  );
  for (const [route, s] of [...stats.entries()].sort()) {
    const codes = [...s.statuses.entries()].map(([k, v]) => `${k}×${v}`).join(' ');
    console.log(
      `  ${route.padEnd(36)} ${String(s.ms.length).padStart(6)}  p50 ${fmt(pct(s.ms, 50)).padStart(6)}  p95 ${fmt(pct(s.ms, 95)).padStart(6)} ms  ${codes}`,
    );
  }
  return t;
}

/** Verified residents bound the way a match binds them: account, resident role over the person's community. */
async function makeResidents(db: Kysely<DB>, k: Keyring, n: number, phoneBase: number) {
  const people = (
    await sql<{ id: number; name: string; community: number }>`
    SELECT p.id, p.name,
           (SELECT c.id FROM areas h JOIN areas c ON c.path @> h.path AND c.kind = 'community'
             WHERE h.id = p.area_id ORDER BY nlevel(c.path) DESC LIMIT 1) AS community
    FROM people p
    WHERE p.status = 'active' AND p.id_enc IS NOT NULL AND p.birth_date <= '2006-01-01'
      AND NOT EXISTS (SELECT 1 FROM resident_accounts ra WHERE ra.person_id = p.id)
    ORDER BY md5(p.id::text) LIMIT ${n}`.execute(db)
  ).rows.filter((p) => p.community);
  const role = await db
    .selectFrom('roles')
    .select('id')
    .where('code', '=', 'resident')
    .executeTakeFirstOrThrow();
  const passwordHash = await hashPassword(`bench-${Date.now()}-${Math.random()}`);
  const now = new Date();
  const out: { userId: number; personId: number }[] = [];
  for (let i = 0; i < people.length; i += 500) {
    const chunk = people.slice(i, i + 500);
    const users = await db
      .insertInto('users')
      .values(
        chunk.map((p, j) => ({
          username: `r_bench_${phoneBase}_${i + j}`,
          displayName: p.name,
          areaId: p.community,
          passwordHash,
          mustChangePassword: false,
          kind: 'resident',
        })),
      )
      .returning('id')
      .execute();
    await db
      .insertInto('residentAccounts')
      .values(
        chunk.map((p, j) => {
          const phone = String(phoneBase + i + j);
          return {
            userId: users[j]!.id,
            phoneEnc: k.encrypt(phone),
            phoneHash: k.lookupHash(phone),
            phoneTail: phone.slice(-4),
            personId: p.id,
            verifiedHow: 'match',
            verifiedAt: now,
            signedUpAt: now,
          };
        }),
      )
      .execute();
    await db
      .insertInto('userRoles')
      .values(
        chunk.map((p, j) => ({
          userId: users[j]!.id,
          roleId: role.id,
          areaId: p.community,
          createdBy: null,
        })),
      )
      .execute();
    chunk.forEach((p, j) => {
      out.push({ userId: users[j]!.id, personId: p.id });
    });
  }
  return out;
}

/** Unverified resident accounts (signed up, not bound): the ones that bind in part (b). */
async function makeUnverified(db: Kysely<DB>, k: Keyring, n: number, phoneBase: number) {
  const root = await db
    .selectFrom('areas')
    .select('id')
    .where('parentId', 'is', null)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  const passwordHash = await hashPassword(`bench-${Date.now()}-${Math.random()}`);
  const users = await db
    .insertInto('users')
    .values(
      Array.from({ length: n }, (_, i) => ({
        username: `r_bench_u_${phoneBase}_${i}`,
        displayName: '居民',
        areaId: root.id,
        passwordHash,
        mustChangePassword: false,
        kind: 'resident',
      })),
    )
    .returning('id')
    .execute();
  await db
    .insertInto('residentAccounts')
    .values(
      users.map((u, i) => {
        const phone = String(phoneBase + i);
        return {
          userId: u.id,
          phoneEnc: k.encrypt(phone),
          phoneHash: k.lookupHash(phone),
          phoneTail: phone.slice(-4),
          signedUpAt: new Date(),
        };
      }),
    )
    .execute();
  return users.map((u) => u.id);
}

async function sessionFor(
  db: Kysely<DB>,
  userId: number,
  settings: Parameters<typeof createSession>[1]['settings'],
) {
  const s = await createSession(db as never, {
    userId,
    ip: null,
    userAgent: 'bench',
    mfaPending: false,
    now: new Date(),
    settings,
  });
  return {
    cookie: `${SESSION_COOKIE}=${s.token}; ${CSRF_COOKIE}=${s.csrfToken}`,
    'x-csrf-token': s.csrfToken,
  };
}

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰文斌海燕';
const DAYS = 23_000;
/** The i-th synthetic ID number: a region no demo person has, a birth day and a sequence unique to i. */
function syntheticId(i: number): string {
  const birth = new Date(Date.UTC(1940, 0, 1) + (i % DAYS) * 86_400_000);
  const ymd = birth.toISOString().slice(0, 10).replaceAll('-', '');
  const seq = 2 + 2 * Math.floor(i / DAYS) + (i % 2);
  const first17 = `110101${ymd}${String(seq).padStart(3, '0')}`;
  return first17 + idCheckDigit(first17);
}
const syntheticName = (i: number) =>
  SURNAMES[i % SURNAMES.length]! +
  GIVEN[Math.floor(i / SURNAMES.length) % GIVEN.length]! +
  (i % 3 === 0 ? '' : GIVEN[Math.floor(i / 7) % GIVEN.length]!);

/** Grows the registry to `target` people with synthetic ones (valid IDs, encrypted, keyed hash, tail). */
async function growPeople(db: Kysely<DB>, k: Keyring, target: number) {
  const have = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM people`.execute(db)).rows[0]!.n;
  const add = Math.max(0, target - have);
  const houses = (
    await sql<{
      id: number;
    }>`SELECT id FROM areas WHERE kind = 'house' AND status = 'active' ORDER BY id`.execute(db)
  ).rows.map((r) => r.id);
  const t0 = performance.now();
  const BATCH = 10_000;
  for (let from = 0; from < add; from += BATCH) {
    const n = Math.min(BATCH, add - from);
    const area: number[] = [];
    const name: string[] = [];
    const enc: string[] = [];
    const hash: string[] = [];
    const tail: string[] = [];
    const sex: string[] = [];
    const birth: string[] = [];
    for (let j = 0; j < n; j++) {
      const i = from + j;
      const id = syntheticId(i);
      area.push(houses[i % houses.length]!);
      name.push(syntheticName(i));
      enc.push(k.encrypt(id));
      hash.push(k.lookupHash(id));
      tail.push(id.slice(-6));
      sex.push(Number(id[16]) % 2 === 1 ? 'M' : 'F');
      birth.push(`${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`);
    }
    await sql`
      INSERT INTO people (area_id, name, id_enc, id_hash, id_tail, sex, birth_date, residence_type)
      SELECT a, nm, e, h, t, s, b::date, 'resident'
      FROM unnest(${sql.val(area)}::bigint[], ${sql.val(name)}::text[], ${sql.val(enc)}::text[],
                  ${sql.val(hash)}::text[], ${sql.val(tail)}::text[], ${sql.val(sex)}::text[], ${sql.val(birth)}::text[])
        AS x(a, nm, e, h, t, s, b)`.execute(db);
  }
  if (add) await sql`ANALYZE people`.execute(db);
  return { have, add, ms: performance.now() - t0 };
}

export async function benchResidents() {
  let embedded: EmbeddedHandle | null = null;
  const tmp = mkdtempSync(path.join(tmpdir(), 'jiayuan-bench-residents-'));
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    embedded = await startEmbedded({ dataDir: tmp, port: 55700 + (process.pid % 100), database: 'postgres' });
    adminUrl = embedded.url;
  }
  const dbName = `jy_bench_res_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  admin.on('error', (e) => console.error(`admin connection: ${e.message}`));
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.query(createDatabaseSql(dbName));
  const url = withDb(adminUrl, dbName);
  const keyFile = benchKeyFile(tmp);
  let app: AppProc | null = null;
  const db = createDb(url, { max: 6 });
  try {
    // —— data: the demo street, then the residents
    const t0 = performance.now();
    const runtime = await boot(
      { ...loadConfig({}), databaseUrl: url, keyFile, seedDemo: true, seedDemoYear: false },
      { log: { info() {}, warn() {}, error: console.error }, db: createDb(url, { max: 4 }) },
    );
    const k = runtime.services.keyring;
    const security = await runtime.services.settings.security();
    await runtime.close();
    const residents = await makeResidents(db, k, VERIFIED, 15_600_000_000);
    const sessions: Session[] = [];
    for (const r of residents.slice(0, CONCURRENT)) sessions.push(await sessionFor(db, r.userId, security));
    console.log(
      `\n## Data: demo street; ${residents.length} verified residents bound, ${sessions.length} signed in (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );

    // —— the app, as `npm start` runs it, on that database
    mkdirSync(path.join(tmp, 'no-web'), { recursive: true });
    const port = 3700 + (process.pid % 100);
    app = startApp(port, {
      DATABASE_URL: url,
      JIAYUAN_KEY_FILE: keyFile,
      JIAYUAN_SEED_DEMO: 'false',
      DATA_DIR: path.join(tmp, 'data'),
      WEB_DIR: path.join(tmp, 'no-web'),
      TRUST_PROXY: '1',
      SECURE_COOKIES: 'false',
      // Staff searches are limited per user and minute as a person types: the mix shares few accounts.
      SEARCH_PER_MINUTE: '1000000',
    });
    await app.ready();

    // —— staff: sessions, and what their mix needs
    const staffUsers = ['street_admin', 'community_worker', 'community_admin', 'grid_a'];
    const staff = new Map<string, Session>();
    let ipN = 1;
    for (const u of staffUsers) staff.set(u, await login(port, u, ipOf(ipN++)));
    const ids = (
      await sql<{ gridArea: number; maxCase: number }>`
      SELECT (SELECT ur.area_id FROM user_roles ur JOIN users u ON u.id = ur.user_id WHERE u.username = 'grid_a' LIMIT 1) AS "gridArea",
             (SELECT max(id) FROM cases)::int AS "maxCase"`.execute(db)
    ).rows[0]!;
    const names = (
      await sql<{ q: string }>`SELECT DISTINCT left(name, 2) AS q FROM people LIMIT 300`.execute(db)
    ).rows.map((r) => r.q);
    const cats = leaves(CASE_TYPE_DEFS.event.categories).map((c) => c.code);
    const resCats = ['help.living', 'complaint.noise', 'help.repair'];

    const any = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;
    async function timed(
      stats: Stats,
      route: string,
      port: number,
      method: string,
      url: string,
      h: Record<string, string>,
      body?: unknown,
    ) {
      const t = performance.now();
      let status = 0;
      let text = '';
      try {
        const r = await call(port, method, url, h, body);
        status = r.status;
        text = r.text;
      } catch {
        status = 0;
      }
      record(stats, route, status, performance.now() - t);
      return { status, text };
    }

    async function staffLoop(i: number, until: number, stats: Stats) {
      const ip = ipOf(1000 + i);
      const who = staff.get(staffUsers[i % staffUsers.length]!)!;
      await pause(THINK);
      while (performance.now() < until) {
        const x = Math.random();
        if (x < 0.3)
          await timed(
            stats,
            'GET /api/people?q=',
            port,
            'GET',
            `/api/people?q=${encodeURIComponent(any(names))}&pageSize=20`,
            { ...who, ...ip },
          );
        else if (x < 0.55)
          await timed(
            stats,
            'GET /api/cases',
            port,
            'GET',
            `/api/cases?pageSize=20&page=${1 + Math.floor(Math.random() * 5)}`,
            { ...who, ...ip },
          );
        else if (x < 0.85)
          await timed(
            stats,
            'GET /api/cases/:id',
            port,
            'GET',
            `/api/cases/${1 + Math.floor(Math.random() * ids.maxCase)}`,
            { ...staff.get('street_admin')!, ...ip },
          );
        else
          await timed(
            stats,
            'POST /api/cases',
            port,
            'POST',
            '/api/cases',
            { ...staff.get('grid_a')!, ...ip },
            {
              type: 'event',
              category: any(cats),
              urgency: 'normal',
              title: '压测上报 路灯不亮',
              description: '网格巡查发现，已拍照取证。',
              areaId: ids.gridArea,
            },
          );
        await pause(THINK);
      }
    }

    async function residentLoop(i: number, until: number, stats: Stats) {
      const s = sessions[i]!;
      const h = { ...s, ...ipOf(5000 + i) };
      const mine: number[] = [];
      // The notices a resident opens are the ones their list showed them.
      const seen: number[] = [];
      await pause(THINK);
      while (performance.now() < until) {
        const x = Math.random();
        if (x < 0.1) await timed(stats, 'GET /api/resident/me', port, 'GET', '/api/resident/me', h);
        else if (x < 0.45 || (x < 0.6 && seen.length === 0)) {
          const r = await timed(
            stats,
            'GET /api/resident/notices',
            port,
            'GET',
            '/api/resident/notices?page=1&pageSize=20',
            h,
          );
          if (r.status === 200 && seen.length === 0)
            seen.push(...(JSON.parse(r.text).items as { id: number }[]).map((n) => n.id));
        } else if (x < 0.6)
          await timed(
            stats,
            'GET /api/resident/notices/:id',
            port,
            'GET',
            `/api/resident/notices/${any(seen)}`,
            h,
          );
        else if (x < 0.85 || (x < 0.95 && mine.length === 0))
          await timed(stats, 'GET /api/resident/requests', port, 'GET', '/api/resident/requests', h);
        else if (x < 0.95)
          await timed(
            stats,
            'GET /api/resident/requests/:id',
            port,
            'GET',
            `/api/resident/requests/${any(mine)}`,
            h,
          );
        else {
          const r = await timed(
            stats,
            'POST /api/resident/requests',
            port,
            'POST',
            '/api/resident/requests',
            h,
            {
              category: any(resCats),
              description: '楼道的灯坏了，晚上很黑，请尽快修理。',
            },
          );
          if (r.status === 201) mine.push(JSON.parse(r.text).id);
        }
        await pause(THINK);
      }
    }

    // —— (a) staff alone, then staff with the residents
    console.log(
      `\n## (a) ${STAFF} staff users, ${SECONDS} s, each pausing ${THINK} ms on average; then the same with ${sessions.length} residents at once`,
    );
    const alone: Stats = new Map();
    let until = performance.now() + SECONDS * 1000;
    await Promise.all(Array.from({ length: STAFF }, (_, i) => staffLoop(i, until, alone)));
    const a = printStats('staff alone', alone, SECONDS);
    const mixed: Stats = new Map();
    const res: Stats = new Map();
    until = performance.now() + SECONDS * 1000;
    await Promise.all([
      ...Array.from({ length: STAFF }, (_, i) => staffLoop(i, until, mixed)),
      ...sessions.map((_, i) => residentLoop(i, until, res)),
    ]);
    const b = printStats('staff with residents', mixed, SECONDS);
    const r = printStats(`${sessions.length} residents`, res, SECONDS);
    console.log(
      `staff p95 with residents / without: ${(b.p95 / a.p95).toFixed(2)} (${fmt(b.p95)} / ${fmt(a.p95)} ms); staff errors ${a.errors} → ${b.errors}; resident p95 ${fmt(r.p95)} ms, errors ${r.errors}`,
    );

    // —— (b) binding against PEOPLE people
    await stopApp(app);
    app = null;
    const grown = await growPeople(db, k, PEOPLE);
    const total = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM people`.execute(db)).rows[0]!.n;
    console.log(
      `\n## (b) binding: ${grown.add.toLocaleString()} synthetic people added in ${(grown.ms / 1000).toFixed(1)} s; the registry holds ${total.toLocaleString()}`,
    );
    const unverified = await makeUnverified(db, k, BINDS, 15_700_000_000);
    const bindSessions: Session[] = [];
    for (const u of unverified) bindSessions.push(await sessionFor(db, u, security));
    app = startApp(port, {
      DATABASE_URL: url,
      JIAYUAN_KEY_FILE: keyFile,
      JIAYUAN_SEED_DEMO: 'false',
      DATA_DIR: path.join(tmp, 'data'),
      WEB_DIR: path.join(tmp, 'no-web'),
      TRUST_PROXY: '1',
      SECURE_COOKIES: 'false',
    });
    await app.ready();
    const bind: Stats = new Map();
    const tb = performance.now();
    const added = Math.max(grown.add, 1);
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (;;) {
          const j = next++;
          if (j >= bindSessions.length) return;
          // Spread over the added people; every other one with a wrong name (the same 422 as no such ID).
          const i = Math.floor((j / bindSessions.length) * added);
          const match = j % 2 === 0 && grown.add > 0;
          const t = performance.now();
          const x = await call(
            port,
            'POST',
            '/api/resident/bind',
            { ...bindSessions[j]!, ...ipOf(9000 + j) },
            {
              name: match ? syntheticName(i) : `${syntheticName(i)}甲`,
              idNumber: syntheticId(i),
            },
          );
          const ok = match ? x.status === 200 : x.status === 422;
          record(
            bind,
            match ? 'bind: match (200)' : 'bind: no match (422)',
            x.status,
            performance.now() - t,
            ok,
          );
        }
      }),
    );
    const bs = printStats(
      `${bindSessions.length} binds, 4 at a time, against ${total.toLocaleString()} people`,
      bind,
      (performance.now() - tb) / 1000,
    );
    console.log(`bind p95 ${fmt(bs.p95)} ms; unexpected answers ${bs.errors}`);
  } finally {
    await stopApp(app);
    closeAgent();
    await db.destroy().catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    await admin.end();
    if (embedded) await embedded.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}
