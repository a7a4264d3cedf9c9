/**
 * `npm run drill:crash [-- --rows 20000 --cases 300 --due 3000]`: the crash-and-restart drill.
 * The app (`tsx src/server/main.ts`, embedded PostgreSQL, a temp DATA_DIR) is killed with SIGKILL
 *  a. in the middle of importing a large ledger,
 *  b. in the middle of a burst of case transitions (every 2xx answer recorded),
 *  c. in the middle of a sweep of many due cases (deadlines moved into the past in SQL),
 * and restarted each time; then its embedded PostgreSQL is killed under it. After each: every
 * acknowledged change is present, none is half-applied, the sweep catches up, the audit chain
 * verifies, and while PostgreSQL is down the API answers 503 and recovers. Exits 1 on any FAIL.
 */
import { mkdirSync, mkdtempSync, openAsBlob, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { writeLedger } from '../bench/registry.js';
import { leaves } from '../src/contract/case-codes.js';
import { CASE_TYPE_DEFS } from '../src/server/modules/cases/types/index.js';
import { verifyChain } from '../src/server/platform/audit/audit.js';
import { createDb } from '../src/server/platform/db/index.js';
import {
  type AppProc,
  call,
  checker,
  fmtS,
  int,
  login,
  pool,
  type Res,
  startApp,
  stopApp,
} from './lib/drill.js';
import { installGuard, onCleanup } from './lib/guard.js';

installGuard();

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '20000' },
    cases: { type: 'string', default: '300' },
    due: { type: 'string', default: '3000' },
  },
});
const ROWS = Number(values.rows);
const CASES = Number(values.cases);
const DUE = Number(values.due);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const tmp = mkdtempSync(path.join(tmpdir(), 'jiayuan-drill-crash-'));
const dataDir = path.join(tmp, 'data');
// Cut short (a signal, an uncaught error): the app is stopped by the guard; a PostgreSQL it left
// (killed without its shutdown) is stopped here, then the temporary directory goes (cleanups run
// last-registered first).
onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
onCleanup(() => {
  try {
    const pid = Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (pid > 0) process.kill(pid, 'SIGINT');
  } catch {}
});
mkdirSync(path.join(tmp, 'no-web'));
const port = 3600 + (process.pid % 100);
const pgPort = 55600 + (process.pid % 100);
const env = {
  DATABASE_URL: '',
  DATA_DIR: dataDir,
  EMBEDDED_PG_PORT: String(pgPort),
  WEB_DIR: path.join(tmp, 'no-web'),
};
const { check, failed } = checker();
let app: AppProc | null = null;

async function kill9(why: string) {
  app!.proc.kill('SIGKILL');
  await app!.exited;
  console.log(`SIGKILL ${why}`);
}
async function start(why: string) {
  app = startApp(port, env);
  const ms = await app.ready();
  console.log(`${why}: healthy after ${fmtS(ms)}`);
  return ms;
}

try {
  console.log(`# Crash drill (app on :${port}, embedded PostgreSQL on :${pgPort}, ${dataDir})`);
  await start('first start (initdb, migrations, demo street)');
  const password = readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();
  const db = createDb(`postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/jiayuan`, {
    max: 4,
    log: () => {},
  });
  const one = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(db)).rows[0]!;
  const count = async (q: ReturnType<typeof sql<{ n: number }>>) => (await one(q)).n;
  const chain = async () => {
    const t0 = performance.now();
    const v = await verifyChain(db);
    check(
      v.ok,
      `audit chain verifies: ${int(v.checked)} entries in ${fmtS(performance.now() - t0)}${v.ok ? '' : ` — ${v.reason} at ${v.firstBrokenSeq}`}`,
    );
  };

  // ——————————————————— a. an import killed mid-way ———————————————————
  console.log(`\n## a. SIGKILL during the import of a ${int(ROWS)}-row ledger`);
  const ledger = path.join(tmp, 'ledger.xlsx');
  await writeLedger(ledger, ROWS, new Date());
  let street = await login(port, 'street_admin');
  const community = await one(
    sql<{ id: number }>`SELECT id FROM areas WHERE kind = 'community' ORDER BY id DESC LIMIT 1`,
  );
  const peopleBefore = await count(sql<{ n: number }>`SELECT count(*)::int AS n FROM people`);
  const form = new FormData();
  form.append('file', await openAsBlob(ledger), 'ledger.xlsx');
  const up = await fetch(`http://127.0.0.1:${port}/api/people/import`, {
    method: 'POST',
    body: form,
    headers: { ...street },
  });
  const preview = (await up.json()) as { id: number; columns: { index: number; field: string | null }[] };
  if (!up.ok) throw new Error(`upload: ${up.status} ${JSON.stringify(preview)}`);
  const confirmBody = {
    mapping: Object.fromEntries(preview.columns.map((c) => [String(c.index), c.field])),
    areaId: community.id,
    residenceType: 'resident',
  };
  const confirm = () => call(port, 'POST', `/api/imports/${preview.id}/confirm`, street, confirmBody);
  let r = await confirm();
  if (r.status >= 300) throw new Error(`confirm: ${r.status} ${r.text}`);
  const importStatus = async () =>
    (await one(sql<{ status: string }>`SELECT status FROM imports WHERE id = ${preview.id}`)).status;
  const tRun = performance.now();
  while ((await importStatus()) !== 'running' && performance.now() - tRun < 30_000) await sleep(20);
  await sleep(1000);
  const atKill = await importStatus();
  await kill9(`with the import ${atKill} (1 s after it started running)`);
  await start('restart');
  const after = await one(
    sql<{ status: string; errors: unknown }>`SELECT status, errors FROM imports WHERE id = ${preview.id}`,
  );
  const peopleAfter = await count(sql<{ n: number }>`SELECT count(*)::int AS n FROM people`);
  check(atKill === 'running', `the import was running when killed (status ${atKill})`);
  check(
    after.status === 'failed' && peopleAfter === peopleBefore,
    `killed import marked failed, nothing of it applied: status ${after.status}, people ${int(peopleBefore)} → ${int(peopleAfter)}`,
  );
  street = await login(port, 'street_admin');
  const tRetry = performance.now();
  r = await confirm();
  let job = { status: '', created: 0, updated: 0, failed: 0 };
  for (;;) {
    job = JSON.parse((await call(port, 'GET', `/api/imports/${preview.id}`, street)).text);
    if (job.status === 'done' || job.status === 'failed') break;
    await sleep(200);
  }
  const peopleRetried = await count(sql<{ n: number }>`SELECT count(*)::int AS n FROM people`);
  check(
    job.status === 'done' && peopleRetried === peopleBefore + job.created,
    `confirmed again, it ran whole: ${job.status} in ${fmtS(performance.now() - tRetry)}, created ${int(job.created)}, updated ${int(job.updated)}, failed rows ${int(job.failed)}; people ${int(peopleBefore)} → ${int(peopleRetried)}`,
  );
  await chain();

  // ——————————————————— b. a burst of transitions killed mid-way ———————————————————
  console.log(`\n## b. SIGKILL during a burst of case transitions (${int(CASES)} cases, 16 connections)`);
  const grid = await login(port, 'grid_a');
  let worker = await login(port, 'community_worker');
  const ids = await one(sql<{ gridArea: number; workerId: number }>`
    SELECT (SELECT ur.area_id FROM user_roles ur JOIN users u ON u.id = ur.user_id WHERE u.username = 'grid_a' LIMIT 1) AS "gridArea",
           (SELECT id FROM users WHERE username = 'community_worker') AS "workerId"`);
  const cats = leaves(CASE_TYPE_DEFS.event.categories).map((c) => c.code);
  const created: number[] = [];
  await pool(CASES, 8, async (i) => {
    const c = await call(port, 'POST', '/api/cases', grid, {
      type: 'event',
      category: cats[i % cats.length],
      urgency: 'normal',
      title: `演练上报 ${i}`,
      description: '崩溃演练',
      areaId: ids.gridArea,
    });
    if (c.status === 201) created.push((JSON.parse(c.text) as { id: number }).id);
  });
  const steps: ['worker' | 'grid', Record<string, unknown>][] = [
    ['worker', { action: 'accept' }],
    ['worker', { action: 'dispatch', assigneeUserId: ids.workerId }],
    ['worker', { action: 'sign' }],
    ['worker', { action: 'feedback', comment: '已处置' }],
    ['grid', { action: 'verify', passed: true, comment: '核查属实' }],
  ];
  const acked: { id: number; action: string; version: number; state: string }[] = [];
  let sent = 0;
  let refused = 0;
  let killed = false;
  const burst = pool(created.length, 16, async (i) => {
    const id = created[i]!;
    for (const [who, body] of steps) {
      if (killed) return;
      let res: Res;
      sent++;
      try {
        res = await call(port, 'POST', `/api/cases/${id}/transitions`, who === 'grid' ? grid : worker, body);
      } catch {
        return; // no answer: not acknowledged
      }
      if (res.status !== 200) {
        refused++;
        return;
      }
      const c = JSON.parse(res.text) as { version: number; state: string };
      acked.push({ id, action: body.action as string, version: c.version, state: c.state });
    }
  });
  const tBurst = performance.now();
  await sleep(2000);
  killed = true;
  const ackedAtKill = acked.length;
  await kill9(
    `after ${fmtS(performance.now() - tBurst)} of the burst: ${int(ackedAtKill)} transitions acknowledged`,
  );
  await burst;
  console.log(
    `requests sent ${int(sent)}, acknowledged ${int(acked.length)}, refused ${refused}, unanswered ${int(sent - acked.length - refused)}`,
  );
  await start('restart');
  const missing = await count(sql<{ n: number }>`
    SELECT count(*)::int AS n FROM unnest(${acked.map((a) => a.id)}::bigint[], ${acked.map((a) => a.action)}::text[], ${acked.map((a) => a.version)}::int[]) AS k(id, action, version)
    WHERE NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = k.id AND e.kind = k.action)
       OR (SELECT version FROM cases c WHERE c.id = k.id) < k.version`);
  const createdPresent = await count(
    sql<{ n: number }>`SELECT count(*)::int AS n FROM cases WHERE id = ANY(${created}::bigint[])`,
  );
  check(
    createdPresent === created.length,
    `acknowledged creations present: ${int(createdPresent)} of ${int(created.length)}`,
  );
  check(
    missing === 0,
    `acknowledged transitions present: ${int(acked.length - missing)} of ${int(acked.length)}`,
  );
  const half = await one(sql<{ state: number; version: number; audit: number; events: number }>`
    WITH c AS (SELECT * FROM cases WHERE id = ANY(${created}::bigint[])),
    last AS (
      SELECT c.id, c.state, c.version,
        coalesce((SELECT e.to_state FROM case_events e WHERE e.case_id = c.id AND e.to_state IS NOT NULL ORDER BY e.id DESC LIMIT 1), 'reported') AS last_state,
        (SELECT count(*) FROM case_events e WHERE e.case_id = c.id AND e.kind NOT IN ('report', 'escalate'))::int AS moves,
        (SELECT count(*) FROM case_events e WHERE e.case_id = c.id)::int AS events,
        (SELECT count(*) FROM audit_log a WHERE a.entity_type = 'case' AND a.entity_id = c.id::text)::int AS audits
      FROM c)
    SELECT count(*) FILTER (WHERE state <> last_state)::int AS state,
           count(*) FILTER (WHERE version - 1 <> moves)::int AS version,
           count(*) FILTER (WHERE audits <> events)::int AS audit,
           coalesce(sum(events), 0)::int AS events
    FROM last`);
  check(
    half.state === 0 && half.version === 0 && half.audit === 0,
    `no half-applied transition over ${int(created.length)} cases (${int(half.events)} timeline events): state ≠ last timeline state ${half.state}, version ≠ 1 + moves ${half.version}, audit entries ≠ timeline events ${half.audit}`,
  );
  await chain();

  // ——————————————————— c. a sweep killed mid-way ———————————————————
  console.log(`\n## c. SIGKILL during the sweep of ${int(DUE)} overdue cases`);
  await kill9('(the app; its PostgreSQL stays up as an orphan)');
  // Deadlines moved 20 days into the past, in SQL, while the app is down.
  const tpl = created[0]!;
  await sql`
    INSERT INTO cases (no, type, category, urgency, state, title, description, area_id, area_path, channel,
                       reporter_user_id, detail, reported_at, accept_due_at, due_at, stage_started_at,
                       stage_due_at, sla_level, sla_next_at, version, updated_at, public)
    SELECT 'DRILL-' || g, type, category, urgency, 'reported', title || ' 逾期' || g, description, area_id,
           area_path, channel, reporter_user_id, detail, now() - interval '30 days', now() - interval '20 days',
           now() + interval '10 days', now() - interval '30 days', now() - interval '20 days', 0,
           now() - interval '1 day', 1, now(), public
    FROM cases, generate_series(1, ${DUE}) g WHERE cases.id = ${tpl}`.execute(db);
  const escalated = () =>
    count(sql<{ n: number }>`SELECT count(*)::int AS n FROM cases WHERE no LIKE 'DRILL-%' AND sla_level > 0`);
  app = startApp(port, env); // its onStart sweep catches up before it serves
  const tSweep = performance.now();
  let seen = 0;
  while (performance.now() - tSweep < 120_000) {
    seen = await escalated().catch(() => 0);
    if (seen > 0) break;
    await sleep(20);
  }
  await sleep(300);
  const escAtKill = await escalated();
  await kill9(
    `${fmtS(performance.now() - tSweep)} into the start-up sweep: ${int(escAtKill)} of ${int(DUE)} escalated`,
  );
  check(
    escAtKill > 0 && escAtKill < DUE,
    `the sweep was part-way when killed (${int(escAtKill)}/${int(DUE)})`,
  );
  const caughtUpMs = await start('restart (the start-up sweep catches up before serving)');
  const sw = await one(sql<{ done: number; oneEvent: number; audits: number; levelMatch: number }>`
    WITH d AS (SELECT * FROM cases WHERE no LIKE 'DRILL-%')
    SELECT count(*) FILTER (WHERE sla_level > 0)::int AS done,
           count(*) FILTER (WHERE (SELECT count(*) FROM case_events e WHERE e.case_id = d.id AND e.kind = 'escalate') = 1)::int AS "oneEvent",
           (SELECT count(*) FROM audit_log a WHERE a.action = 'case.escalate' AND a.entity_id IN (SELECT id::text FROM d))::int AS audits,
           count(*) FILTER (WHERE sla_level = (SELECT (e.data->>'level')::int FROM case_events e WHERE e.case_id = d.id AND e.kind = 'escalate' ORDER BY e.id DESC LIMIT 1))::int AS "levelMatch"
    FROM d`);
  check(
    sw.done === DUE,
    `the sweep caught up: ${int(sw.done)} of ${int(DUE)} escalated (restart incl. catch-up ${fmtS(caughtUpMs)})`,
  );
  check(
    sw.oneEvent === DUE && sw.levelMatch === DUE && sw.audits === DUE,
    `each escalated exactly once: one escalate event ${int(sw.oneEvent)}, level = its event's ${int(sw.levelMatch)}, audit entries ${int(sw.audits)} (of ${int(DUE)})`,
  );
  await chain();

  // ——————————————————— d. PostgreSQL killed under the app ———————————————————
  console.log('\n## d. SIGKILL of the embedded PostgreSQL under the running app');
  worker = await login(port, 'community_worker');
  const pgPid = Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  process.kill(pgPid, 'SIGKILL');
  const tDown = performance.now();
  const answers: Record<string, number> = {};
  let back = 0;
  let first503 = 0;
  while (performance.now() - tDown < 60_000) {
    const h = await call(port, 'GET', '/api/health', {}, undefined, 5000).catch(() => null);
    const a = await call(port, 'GET', '/api/cases?pageSize=1', worker, undefined, 5000).catch(() => null);
    for (const [k, x] of [
      ['health', h],
      ['api', a],
    ] as const) {
      const key = `${k} ${x?.status ?? 'no answer'}`;
      answers[key] = (answers[key] ?? 0) + 1;
    }
    if (!first503 && (h?.status === 503 || a?.status === 503)) first503 = performance.now() - tDown;
    if (first503 && h?.status === 200 && a?.status === 200) {
      back = performance.now() - tDown;
      break;
    }
    await sleep(100);
  }
  const tally = Object.entries(answers)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  check(
    first503 > 0,
    `while PostgreSQL was down the app answered 503 (first after ${fmtS(first503)}; ${tally})`,
  );
  check(
    back > 0,
    `the app recovered by itself ${fmtS(back)} after the kill (the watchdog restarted PostgreSQL)`,
  );
  const w = await call(port, 'POST', '/api/cases', grid, {
    type: 'event',
    category: cats[0],
    urgency: 'normal',
    title: '恢复后上报',
    areaId: ids.gridArea,
  });
  check(w.status === 201, `writes work again (POST /api/cases → ${w.status})`);
  await chain();

  await db.destroy();
  const tStop = performance.now();
  await stopApp(app);
  check(
    app.proc.exitCode === 0,
    `SIGTERM: clean stop in ${fmtS(performance.now() - tStop)} (exit ${app.proc.exitCode})`,
  );
} catch (e) {
  console.error(e);
  check(false, `the drill could not finish: ${(e as Error)?.message ?? e}`);
  if (app) console.error(app.output.join('').slice(-3000));
} finally {
  await stopApp(app, 'SIGKILL');
  // A PostgreSQL orphaned by a failed run would hold the port.
  try {
    const pid = Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (pid > 0) process.kill(pid, 'SIGINT');
    await sleep(1000);
  } catch {}
  rmSync(tmp, { recursive: true, force: true });
}
console.log(failed() ? `\n${failed()} check(s) FAILED` : '\nall checks passed');
process.exit(failed() ? 1 : 0);
