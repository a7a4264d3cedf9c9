/**
 * The one-stop window (issue 18 "Measured"), printed not asserted:
 *  1. a year of a street's window work loaded in its own database: WINDOW_BENCH_APPS
 *     applications (20,000) over the demo street's communities, WINDOW_BENCH_RATINGS (5,000) of
 *     them rated; 12345 hotline orders are not built yet, so none are loaded (said in the output);
 *  2. acceptance (POST /api/window/applications: materials checked, promised date on the
 *     working calendar, case + timeline + audit in one transaction) and conclusion (`accept` then
 *     `verify` passed) throughput over HTTP on loopback, WINDOW_BENCH_CONNECTIONS at once, and
 *     their ratio to the bare SQL statements of the same transitions run by pgbench on the same
 *     database with as many clients (the HTTP server runs in this process);
 *  3. the window figures for the street's year: cold (the first computation after the load) and
 *     warm (repeated).
 * Run: npm run bench window   (BENCH_CI=1: a small size)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { boot } from '../src/server/boot.js';
import type { IndicatorQuery } from '../src/server/engines/figures/figures.js';
import { MODULES } from '../src/server/modules/index.js';
import { windowIndicators } from '../src/server/modules/window/window.indicators.js';
import { loadActor } from '../src/server/platform/access/actor.js';
import { loadConfig } from '../src/server/platform/config.js';
import { type EmbeddedHandle, startEmbedded } from '../src/server/platform/db/embedded.js';
import { createDb } from '../src/server/platform/db/index.js';
import { buildApp } from '../src/server/platform/http/app.js';
import { benchKeyFile, call, createDatabaseSql, fmt, int, login, pct, withDb } from './lib.js';

const APPS = Number(process.env.WINDOW_BENCH_APPS ?? 20_000);
const RATINGS = Number(process.env.WINDOW_BENCH_RATINGS ?? 5_000);
const FLOW = Number(process.env.WINDOW_BENCH_FLOW ?? 400);
const CONNECTIONS = Number(process.env.WINDOW_BENCH_CONNECTIONS ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARM = Number(process.env.WINDOW_BENCH_WARM ?? 20);

async function pool(n: number, workers: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(workers, n) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        await task(i);
      }
    }),
  );
}

/** A year of applications over the street's communities: 90% concluded, RATINGS of them rated. */
async function loadYear(client: pg.Client, streetPath: string, now: Date) {
  await client.query('SELECT setseed(0.18)');
  await client.query(
    `
    INSERT INTO cases (no, type, category, urgency, state, title, area_id, area_path, channel, reported_at,
      accept_due_at, accepted_at, due_at, clock_from, closed_at, rating, detail, updated_at, public)
    SELECT 'BJB' || lpad(x.k::text, 9, '0'), 'service_application', 'mz.all', 'normal', x.state,
      '基准办件', c.id, c.path, 'window', x.rep, x.rep + interval '4 hours',
      CASE WHEN x.state <> 'rejected' THEN x.rep + interval '2 hours' END,
      x.rep + interval '14 days', x.rep,
      CASE WHEN x.state = 'closed' THEN least(x.rep + x.u2 * interval '16 days', $1::timestamptz) END,
      NULL,
      jsonb_build_object('matterId', 1, 'matterVersion', 1, 'matterName', '基准事项',
        'intake', CASE WHEN x.u3 < 0.1 THEN 'gap' ELSE 'complete' END, 'missing', '[]'::jsonb,
        'acceptedOn', to_char(x.rep AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'),
        'promisedLimit', 10, 'legalLimit', 20, 'limitUnit', 'wday', 'instant', x.u3 > 0.8,
        'applicantName', '居民'),
      x.rep, false
    FROM (SELECT k, $1::timestamptz - random() * interval '365 days' AS rep, random() AS u2, random() AS u3,
            CASE WHEN random() < 0.03 THEN 'rejected' WHEN random() < 0.1 THEN 'handling' ELSE 'closed' END AS state,
            floor(random() * (SELECT count(*) FROM areas WHERE kind = 'community' AND path <@ $2::ltree))::int AS ci
          FROM generate_series(1, $3::int) k) x
    JOIN (SELECT (row_number() OVER (ORDER BY id) - 1)::int AS i, id, path FROM areas
          WHERE kind = 'community' AND path <@ $2::ltree) c ON c.i = x.ci`,
    [now, streetPath, APPS],
  );
  await client.query(
    `UPDATE cases SET rating = 1 + floor(random() * 5)::int
     WHERE id IN (SELECT id FROM cases WHERE type = 'service_application' AND state = 'closed' AND no LIKE 'BJB%'
                  ORDER BY id LIMIT $1)`,
    [RATINGS],
  );
}

/** pgbench over a script for SECONDS with CONNECTIONS clients: transactions per second. */
function pgbench(url: string, tmp: string, name: string, script: string): number | null {
  const file = path.join(tmp, `${name}.sql`);
  writeFileSync(file, script);
  const r = spawnSync('pgbench', ['-n', '-f', file, '-c', String(CONNECTIONS), '-T', String(SECONDS), url], {
    encoding: 'utf8',
  });
  const m = /tps = ([\d.]+)/.exec(r.stdout ?? '');
  if (!m) {
    console.log(`pgbench ${name}: no result (${(r.stderr || r.error?.message || '').trim().slice(0, 200)})`);
    return null;
  }
  return Number(m[1]);
}

export async function benchWindow() {
  let embedded: EmbeddedHandle | null = null;
  const tmp = mkdtempSync(path.join(tmpdir(), 'jiayuan-bench-window-'));
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    embedded = await startEmbedded({ dataDir: tmp, port: 55600 + (process.pid % 100), database: 'postgres' });
    adminUrl = embedded.url;
  }
  const dbName = `jy_bench_window_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  admin.on('error', (e) => console.error(`admin connection: ${e.message}`));
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.query(createDatabaseSql(dbName));
  const url = withDb(adminUrl, dbName);
  const quiet = { info() {}, warn() {}, error: console.error };
  let runtime: Awaited<ReturnType<typeof boot>> | null = null;
  let app: Awaited<ReturnType<typeof buildApp>> | null = null;
  const client = new pg.Client({ connectionString: url });
  client.on('error', (e) => console.error(`bench connection: ${e.message}`));
  try {
    let t0 = performance.now();
    runtime = await boot(
      {
        ...loadConfig({}),
        databaseUrl: url,
        keyFile: benchKeyFile(tmp),
        seedDemo: true,
        seedDemoYear: false,
      },
      { log: quiet, db: createDb(url, { max: CONNECTIONS + 4 }) },
    );
    const s = runtime.services;
    await client.connect();
    console.log('\n## Data');
    console.log(`demo street seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const street = (
      await client.query(
        `SELECT id::int AS id, path::text AS path FROM areas WHERE kind = 'street' ORDER BY id LIMIT 1`,
      )
    ).rows[0] as { id: number; path: string };
    t0 = performance.now();
    await loadYear(client, street.path, s.clock.now());
    await client.query('VACUUM ANALYZE');
    const n = async (q: string) => Number((await client.query(q)).rows[0].n);
    console.log(
      `a year of the street's window: ${int(await n(`SELECT count(*) AS n FROM cases WHERE type = 'service_application'`))} applications, ${int(await n(`SELECT count(*) AS n FROM cases WHERE type = 'service_application' AND rating IS NOT NULL`))} rated, 0 hotline orders (12345 not built yet) — loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    // —— the flow over HTTP on loopback ——
    app = await buildApp(s, MODULES, {});
    const port = 3600 + (process.pid % 100);
    await app.listen({ port, host: '127.0.0.1' });
    const worker = await login(port, 'community_worker');
    const secretary = await login(port, 'community_admin');
    const community = (
      await client.query(
        `SELECT a.id::int AS id FROM users u JOIN areas a ON a.id = u.area_id WHERE u.username = 'community_worker'`,
      )
    ).rows[0].id as number;
    const matter = (
      await client.query(
        `SELECT id::int AS id, jsonb_array_length(materials)::int AS n FROM window_matters
         WHERE current AND cancelled_on IS NULL AND effective_on <= current_date AND NOT EXISTS (
           SELECT 1 FROM jsonb_array_elements(materials) m WHERE m->>'necessity' = 'gap_ok')
         ORDER BY id LIMIT 1`,
      )
    ).rows[0] as { id: number; n: number };
    const provided = Array.from({ length: matter.n }, (_, i) => i);
    const ids: number[] = [];
    const lat: number[] = [];
    t0 = performance.now();
    await pool(FLOW, CONNECTIONS, async (i) => {
      const r = await call(port, 'POST', '/api/window/applications', worker, {
        matterId: matter.id,
        areaId: community,
        applicantName: `申请人${i}`,
        provided,
      });
      if (r.status !== 201) throw new Error(`accept: ${r.status} ${r.text.slice(0, 200)}`);
      lat.push(r.ms);
      ids.push(JSON.parse(r.text).id);
    });
    const acceptSecs = (performance.now() - t0) / 1000;
    const concl: number[] = [];
    t0 = performance.now();
    await pool(ids.length, CONNECTIONS, async (i) => {
      const id = ids[i]!;
      const a = await call(port, 'POST', `/api/cases/${id}/transitions`, secretary, { action: 'accept' });
      if (a.status !== 200) throw new Error(`take up: ${a.status} ${a.text.slice(0, 200)}`);
      const v = await call(port, 'POST', `/api/cases/${id}/transitions`, worker, {
        action: 'verify',
        passed: true,
        comment: '准予',
      });
      if (v.status !== 200) throw new Error(`conclude: ${v.status} ${v.text.slice(0, 200)}`);
      concl.push(a.ms + v.ms);
    });
    const concludeSecs = (performance.now() - t0) / 1000;
    const acceptRate = FLOW / acceptSecs;
    const concludeRate = ids.length / concludeSecs;

    // The bare statements of the same transitions (what the engine writes), by pgbench.
    const sample = (await client.query(`SELECT * FROM cases WHERE id = $1`, [ids[0]])).rows[0];
    const bareAccept = `
BEGIN;
INSERT INTO cases (no, type, category, urgency, state, title, area_id, area_path, channel, reported_at,
  accept_due_at, due_at, clock_from, detail, updated_at, public, stage_started_at, stage_due_at, sla_next_at)
  VALUES ('PGB' || md5(random()::text), 'service_application', '${sample.category}', 'normal', 'reported', 'pgbench',
  ${community}, '${sample.area_path}', 'window', now(), now() + interval '4 hours', now() + interval '14 days', now(),
  '${JSON.stringify(sample.detail).replaceAll("'", "''")}'::jsonb, now(), false, now(), now() + interval '4 hours', now() + interval '3 hours')
  RETURNING id \\gset
INSERT INTO case_events (case_id, at, actor_name, kind, to_state, data) VALUES (:id, now(), 'pgbench', 'report', 'reported', '{}');
INSERT INTO audit_log (at, actor_name, action, entity_type, entity_id, success, detail) VALUES (now(), 'pgbench', 'case.report', 'case', :id, true, '{}');
END;
`;
    const bareConclude = `
\\set cid random(${Math.min(...ids)}, ${Math.max(...ids)})
BEGIN;
UPDATE cases SET state = 'handling', accepted_at = now(), version = version + 1, updated_at = now() WHERE id = :cid;
INSERT INTO case_events (case_id, at, actor_name, kind, from_state, to_state, data) VALUES (:cid, now(), 'pgbench', 'accept', 'reported', 'handling', '{}');
INSERT INTO audit_log (at, actor_name, action, entity_type, entity_id, success, detail) VALUES (now(), 'pgbench', 'case.accept', 'case', :cid, true, '{}');
UPDATE cases SET state = 'closed', closed_at = now(), version = version + 1, updated_at = now() WHERE id = :cid;
INSERT INTO case_events (case_id, at, actor_name, kind, from_state, to_state, data) VALUES (:cid, now(), 'pgbench', 'verify', 'handling', 'closed', '{}');
INSERT INTO audit_log (at, actor_name, action, entity_type, entity_id, success, detail) VALUES (now(), 'pgbench', 'case.verify', 'case', :cid, true, '{}');
END;
`;
    const pgA = pgbench(url, tmp, 'accept', bareAccept);
    const pgC = pgbench(url, tmp, 'conclude', bareConclude);
    console.log(
      `\n## Acceptance and conclusion over HTTP (loopback, ${CONNECTIONS} at once, ${FLOW} applications)`,
    );
    console.log(
      `acceptance: ${acceptRate.toFixed(1)}/s (p50 ${fmt(pct(lat, 50))} ms, p95 ${fmt(pct(lat, 95))} ms)${pgA ? `; bare SQL by pgbench ${pgA.toFixed(0)}/s — ratio ${(acceptRate / pgA).toFixed(3)}` : ''}`,
    );
    console.log(
      `conclusion (take up + conclude): ${concludeRate.toFixed(1)}/s (p50 ${fmt(pct(concl, 50))} ms, p95 ${fmt(pct(concl, 95))} ms)${pgC ? `; bare SQL by pgbench ${pgC.toFixed(0)}/s — ratio ${(concludeRate / pgC).toFixed(3)}` : ''}`,
    );

    // —— the window figures for the street's year ——
    const streetAdmin = (await client.query(`SELECT id FROM users WHERE username = 'street_admin'`)).rows[0]
      .id as number;
    const actor = (await loadActor(s.db, streetAdmin))!;
    const now = s.clock.now();
    const today = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const from = new Date(Date.parse(`${today}T00:00:00Z`) - 364 * 86_400_000).toISOString().slice(0, 10);
    const q: IndicatorQuery = {
      actor,
      node: { id: street.id, path: street.path },
      level: street.path.split('.').length + 1,
      from: new Date(`${from}T00:00:00+08:00`),
      to: new Date(Date.parse(`${today}T00:00:00+08:00`) + 86_400_000),
      fromDay: from,
      toDay: today,
      today,
      now,
    };
    const src = windowIndicators();
    const keys = new Set(src.figures(actor).map((f) => f.key));
    t0 = performance.now();
    await src.compute(s.db, q, keys);
    const cold = performance.now() - t0;
    const warm: number[] = [];
    for (let i = 0; i < WARM; i++) {
      const t1 = performance.now();
      await src.compute(s.db, q, keys);
      warm.push(performance.now() - t1);
    }
    console.log(`\n## Window figures for the street's year (${keys.size} figures, by community)`);
    console.log(
      `cold ${fmt(cold)} ms; warm p50 ${fmt(pct(warm, 50))} ms, p95 ${fmt(pct(warm, 95))} ms (${WARM} runs)`,
    );
  } finally {
    await app?.close().catch(() => {});
    await client.end().catch(() => {});
    if (runtime) await runtime.close();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    await admin.end();
    if (embedded) await embedded.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}
