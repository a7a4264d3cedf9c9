import { sql } from 'kysely';
import type { FormField } from '../../../contract/visits.js';
import { chinaDate, type WorkCalendar } from '../../engines/calendar/calendar.js';
import { writeAudit } from '../../platform/audit/audit.js';
import type { Conn } from '../../platform/db/index.js';
import {
  type DemoRng,
  demoHistoryStart,
  demoInsert,
  demoRng,
  withoutRowChecks,
} from '../../platform/demo.js';
import { metres } from '../../platform/geo.js';
import type { Services } from '../../platform/services.js';
import { nextDue } from './visits.plans.js';

/**
 * The demo street's visits and patrols in every community since January of last year
 * (`demoHistoryStart`; demo mode, first start), written in bulk after the plans are derived:
 * - each plan's person visited by their grid's worker on the rule's schedule since the plan began
 *   (then, or when the person was tagged): mostly on time, on working days, some late, a
 *   cycle missed now and then — so a few plans are overdue today and a few new ones never visited;
 *   each visit with who was met, what was found and the rule's form filled in;
 * - each grid worker's patrols in their grid on most working days (a loop through the grid's
 *   streets, a point every few minutes); on a day they reported events, the patrol is the walk
 *   they found them on, and those cases are linked to it (`source_kind = 'patrol'`).
 */

const FINDINGS: Record<string, readonly string[]> = {
  released: [
    '本人在家，近期在工地务工，思想稳定。',
    '与家人同住，按时到司法所报到，无异常。',
    '已落实帮教措施，本人表示会遵纪守法。',
  ],
  dispute_family: [
    '家庭关系有所缓和，未再发生争吵。',
    '双方情绪稳定，继续关注。',
    '已做好疏导工作，矛盾未激化。',
  ],
  petition: ['本人诉求已答复，情绪平稳。', '了解其近期诉求，已做好解释工作。', '无进京赴省上访动向。'],
  key_youth: ['在校表现正常，与家长沟通良好。', '已就业，作息规律。', '近期无不良交往，继续关注。'],
  elderly_alone: [
    '老人身体尚可，家中有米有油，已帮助打扫卫生。',
    '老人血压偏高，已提醒按时服药。',
    '天气转凉，提醒老人添衣保暖、注意用电安全。',
    '老人精神状态良好，无其他需求。',
    '帮助老人更换了灯泡，检查了燃气阀门。',
  ],
  empty_nest: [
    '老人精神状态良好，子女每周来电。',
    '帮助老人预约家庭医生上门。',
    '老人行动不便，已登记助餐需求。',
  ],
  dibao: ['家庭收入无明显变化，低保待遇按时发放。', '了解家庭成员就业情况，仍符合低保条件。'],
  disability: ['残疾人两项补贴已按时发放。', '了解康复需求，已对接康复服务。', '辅具使用正常，无其他需求。'],
};
const NEEDS = [
  '希望提供助餐服务',
  '需要代购药品',
  '希望帮助申请临时救助',
  '希望协调维修屋顶漏水',
  '希望子女多回家看看',
];

interface PlanRow {
  id: number;
  personId: number;
  ruleId: number;
  areaId: number;
  path: string;
  tags: string[];
  form: FormField[];
  intervalUnit: string;
  intervalCount: number;
  tagStart: string | null;
  visitor: number | null;
  lng: number | null;
  lat: number | null;
}

const DAY = 86_400_000;
const CST = 8 * 3_600_000;
const dayOf = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;
const dateOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
/** China date `day` at local minute `min`. */
const at = (day: number, min: number) => new Date(day * DAY + min * 60_000 - CST);

/** The plans' visits since the history's start; returns how many. */
export async function seedVisitYear(trx: Conn, s: Services, cal: WorkCalendar): Promise<number> {
  const now = s.clock.now();
  const t0 = Date.now();
  const today = dayOf(chinaDate(now));
  const first = demoHistoryStart(now);
  const r = demoRng('jiayuan-demo-visits');
  const plans = await sql<PlanRow>`
    SELECT vp.id, vp.person_id, vp.rule_id, p.area_id, a.path::text AS path, r.tags, r.form,
      r.interval_unit, r.interval_count,
      (SELECT max(pt.start_date)::text FROM person_tags pt WHERE pt.person_id = p.id AND pt.tag = ANY (r.tags)) AS tag_start,
      (SELECT ur.user_id FROM user_roles ur JOIN roles ro ON ro.id = ur.role_id AND ro.code = 'grid_worker'
        JOIN areas g ON g.id = ur.area_id WHERE a.path <@ g.path ORDER BY ur.id LIMIT 1) AS visitor,
      cp.center[0] AS lng, cp.center[1] AS lat
    FROM visit_plans vp JOIN visit_rules r ON r.id = vp.rule_id
    JOIN people p ON p.id = vp.person_id JOIN areas a ON a.id = p.area_id
    LEFT JOIN areas cp ON nlevel(a.path) >= 5 AND cp.id = split_part(a.path::text, '.', 5)::bigint
    ORDER BY vp.id`.execute(trx);
  const t1 = Date.now();
  const visits: unknown[][] = [];
  const planUpdates: [number, string, string | null, string][] = [];
  for (const p of plans.rows) {
    const tagStart = p.tagStart ? dayOf(p.tagStart) : first;
    // A few people were tagged lately: their plans are new.
    const since = Math.min(today, Math.max(first, tagStart, r.chance(0.04) ? today - r.int(3, 40) : first));
    const rule = { intervalUnit: p.intervalUnit, intervalCount: p.intervalCount };
    let due = dayOf(nextDue(cal, rule, dateOf(since)));
    let last: number | null = null;
    const span = due - since;
    for (;;) {
      const x = r.next();
      let day: number;
      if (x < 0.8) day = due - r.int(0, Math.max(0, Math.min(span - 1, span <= 7 ? 2 : span <= 31 ? 8 : 20)));
      else if (x < 0.95) day = due + r.int(1, span <= 7 ? 4 : 12);
      else day = due + r.int(span <= 7 ? 5 : 10, span <= 7 ? 12 : 30); // a cycle missed
      // On a working day: back to the one before when on time, on to the next when late.
      for (let k = 0; k < 5 && !cal.isWorkingDay(dateOf(day)); k++) day += day <= due ? -1 : 1;
      if (day <= since) day = since + 1;
      if (day > today) break;
      const minute = r.chance(0.6) ? r.int(9 * 60, 11 * 60 + 30) : r.int(14 * 60 + 30, 17 * 60 + 15);
      const visitedAt = at(day, minute);
      if (visitedAt.getTime() > now.getTime()) break;
      if (p.visitor) {
        const method = r.weighted([
          ['home', 85],
          ['phone', 10],
          ['elsewhere', 5],
        ] as const);
        const form: Record<string, string | boolean> = {};
        let findings = r.pick(FINDINGS[p.tags[0] ?? ''] ?? FINDINGS.elderly_alone!);
        for (const f of p.form) {
          if (f.kind === 'yesno') {
            const risk = r.chance(0.025);
            form[f.key] = risk;
            if (risk) findings = `${findings}发现异常情况，已向社区报告并跟进。`;
          } else if (f.kind === 'choice' && f.options?.length)
            form[f.key] = r.weighted(f.options.map((o, i) => [o, i === 0 ? 60 : i === 1 ? 32 : 8] as const));
          else if (r.chance(0.15)) form[f.key] = r.pick(NEEDS);
        }
        const home = method === 'home' && p.lat !== null && p.lng !== null;
        visits.push([
          p.personId,
          p.ruleId,
          p.areaId,
          p.path,
          p.tags,
          p.visitor,
          visitedAt.toISOString(),
          dateOf(due),
          method,
          method === 'phone'
            ? '本人（电话）'
            : r.weighted([
                ['本人', 75],
                ['本人及家属', 15],
                ['家属', 10],
              ] as const),
          findings,
          JSON.stringify(form),
          home ? Number((p.lat! + r.between(-0.0004, 0.0004)).toFixed(6)) : null,
          home ? Number((p.lng! + r.between(-0.0004, 0.0004)).toFixed(6)) : null,
          new Date(visitedAt.getTime() + r.int(2, 40) * 60_000).toISOString(),
        ]);
      }
      last = day;
      due = dayOf(nextDue(cal, rule, dateOf(day)));
    }
    planUpdates.push([p.id, dateOf(since), last === null ? null : dateOf(last), dateOf(due)]);
  }
  const t2 = Date.now();
  await demoInsert(
    trx,
    'visits',
    [
      ['person_id', 'bigint'],
      ['rule_id', 'bigint'],
      ['area_id', 'bigint'],
      ['area_path', 'ltree'],
      ['tags', 'text[]'],
      ['visitor_user_id', 'bigint'],
      ['visited_at', 'timestamptz'],
      ['due_on', 'date'],
      ['method', 'text'],
      ['met', 'text'],
      ['findings', 'text'],
      ['form', 'jsonb'],
      ['lat', 'float8'],
      ['lng', 'float8'],
      ['created_at', 'timestamptz'],
    ].map(([c, t]) => [c!, t!] as const),
    visits.map((v) => [...v.slice(0, 4), `{${(v[4] as string[]).join(',')}}`, ...v.slice(5)]),
  );
  await sql`
    UPDATE visit_plans vp SET since = u.since, last_visit_on = u.last, due_on = u.due
    FROM unnest(${planUpdates.map((x) => x[0])}::bigint[], ${planUpdates.map((x) => x[1])}::date[],
      ${planUpdates.map((x) => x[2])}::date[], ${planUpdates.map((x) => x[3])}::date[]) AS u(id, since, last, due)
    WHERE vp.id = u.id`.execute(trx);
  s.log.info(`demo year: visits read ${t1 - t0} ms, made ${t2 - t1} ms, written ${Date.now() - t2} ms`);
  return visits.length;
}

/** The patrols of every grid's worker; cases they reported on a patrol are linked to it. */
export async function seedPatrolYear(trx: Conn, s: Services, cal: WorkCalendar): Promise<number> {
  const now = s.clock.now();
  const today = dayOf(chinaDate(now));
  const first = demoHistoryStart(now);
  const r = demoRng('jiayuan-demo-patrols');
  const t0 = Date.now();
  const grids = await sql<{ id: number; path: string; boundary: string | null; userId: number }>`
    SELECT DISTINCT ON (g.id) g.id, g.path::text AS path, g.boundary::text AS boundary, ur.user_id
    FROM areas g JOIN user_roles ur ON ur.area_id = g.id JOIN roles ro ON ro.id = ur.role_id AND ro.code = 'grid_worker'
    JOIN users u ON u.id = ur.user_id AND u.status = 'active'
    WHERE g.kind = 'grid' AND g.status = 'active' AND g.boundary IS NOT NULL
    ORDER BY g.id, ur.id`.execute(trx);
  // What each worker reported in their grid, by China day (minutes after midnight).
  const reports = await sql<{ id: number; userId: number; areaId: number; at: Date }>`
    SELECT id, reporter_user_id AS user_id, area_id, reported_at AS at FROM cases
    WHERE type = 'event' AND channel = 'grid' AND source_kind IS NULL AND reported_at >= ${at(first, 0)}`.execute(
    trx,
  );
  const byDay = new Map<string, { id: number; at: number }[]>();
  for (const x of reports.rows) {
    const local = x.at.getTime() + CST;
    const k = `${x.userId}:${x.areaId}:${Math.floor(local / DAY)}`;
    const xs = byDay.get(k) ?? [];
    xs.push({ id: Number(x.id), at: x.at.getTime() });
    byDay.set(k, xs);
  }
  // Patrol ids are given here (the sequence is set after), so the cases found on each are known.
  let id = Number(
    (await sql<{ m: number }>`SELECT coalesce(max(id), 0)::bigint AS m FROM patrols`.execute(trx)).rows[0]!.m,
  );
  const links: [number, number][] = [];
  const t1 = Date.now();
  const rows: unknown[][] = [];
  for (const g of grids.rows) {
    const n = (g.boundary?.match(/-?\d+(\.\d+)?/g) ?? []).map(Number);
    if (n.length < 8) continue;
    const xs = n.filter((_, i) => i % 2 === 0);
    const ys = n.filter((_, i) => i % 2 === 1);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    for (let day = first; day <= today; day++) {
      const reported = (byDay.get(`${g.userId}:${g.id}:${day}`) ?? []).sort((a, b) => a.at - b.at);
      const found = reported.map((x) => Math.floor(((x.at + CST) % DAY) / 60_000));
      const working = cal.isWorkingDay(dateOf(day));
      if (!found.length && !r.chance(working ? 0.72 : 0.06)) continue;
      let start: number;
      let minutes: number;
      if (found.length && found[0]! >= 7 * 60 && found[0]! <= 18 * 60) {
        start = found[0]! - r.int(10, 40);
        const within = found.filter((m) => m <= start + 170);
        minutes = Math.max(r.int(40, 90), within[within.length - 1]! - start + r.int(5, 25));
      } else {
        start = r.chance(0.6) ? r.int(8 * 60 + 45, 10 * 60 + 30) : r.int(14 * 60 + 30, 16 * 60);
        minutes = r.int(40, 110);
      }
      const startedAt = at(day, start);
      const endedAt = new Date(startedAt.getTime() + minutes * 60_000);
      if (endedAt.getTime() > now.getTime()) continue; // no patrol left open
      id++;
      let on = 0;
      for (const x of reported)
        if (x.at >= startedAt.getTime() && x.at <= endedAt.getTime()) {
          links.push([x.id, id]);
          on++;
        }
      rows.push([
        id,
        g.id,
        g.path,
        g.userId,
        startedAt,
        endedAt,
        ...route(r, [x0, y0, x1, y1], startedAt, minutes),
        on,
      ]);
    }
  }
  const t2 = Date.now();
  await demoInsert(
    trx,
    'patrols',
    [
      ['id', 'bigint'],
      ['area_id', 'bigint'],
      ['area_path', 'ltree'],
      ['user_id', 'bigint'],
      ['started_at', 'timestamptz'],
      ['ended_at', 'timestamptz'],
      ['route', 'jsonb'],
      ['distance_m', 'int4'],
      ['note', 'text'],
    ],
    rows.map((x) => [
      x[0],
      x[1],
      x[2],
      x[3],
      (x[4] as Date).toISOString(),
      (x[5] as Date).toISOString(),
      x[6],
      x[7],
      (x[8] as number) > 0 ? '巡查发现问题，已现场上报' : r.chance(0.3) ? '巡查未发现异常' : null,
    ]),
  );
  await sql`SELECT setval(pg_get_serial_sequence('patrols', 'id'), (SELECT max(id) FROM patrols))`.execute(
    trx,
  );
  const t3 = Date.now();
  // A case a grid worker reported in their grid while on patrol was found on that patrol.
  await sql`
    UPDATE cases c SET source_kind = 'patrol', source_id = u.patrol
    FROM unnest(${links.map((x) => x[0])}::bigint[], ${links.map((x) => x[1])}::bigint[]) AS u(id, patrol)
    WHERE c.id = u.id`.execute(trx);
  s.log.info(
    `demo year: patrols read ${t1 - t0} ms, made ${t2 - t1} ms, written ${t3 - t2} ms, linked ${Date.now() - t3} ms`,
  );
  return rows.length;
}

/** A walk round the grid's streets: a loop inside its bounds, a point every 2–4 minutes. */
function route(
  r: DemoRng,
  box: [number, number, number, number],
  start: Date,
  minutes: number,
): [string, number] {
  const [x0, y0, x1, y1] = box;
  const w = x1 - x0;
  const h = y1 - y0;
  const a = [x0 + w * r.between(0.08, 0.3), y0 + h * r.between(0.08, 0.3)];
  const b = [x1 - w * r.between(0.08, 0.3), y1 - h * r.between(0.08, 0.3)];
  const corners = [
    [a[0]!, a[1]!],
    [b[0]!, a[1]!],
    [b[0]!, b[1]!],
    [a[0]!, b[1]!],
  ];
  const shift = r.int(0, 3);
  const ring = [...corners.slice(shift), ...corners.slice(0, shift)];
  if (r.chance(0.5)) ring.reverse();
  const sides = ring.map((c, i) => {
    const d = ring[(i + 1) % 4]!;
    return [c, d, Math.hypot(d[0]! - c[0]!, d[1]! - c[1]!)] as const;
  });
  const perimeter = sides.reduce((s, x) => s + x[2], 0);
  const laps = r.between(0.8, 1.6);
  const step = r.between(2, 4);
  const n = Math.max(4, Math.round(minutes / step));
  const pts: [number, number, string][] = [];
  for (let i = 0; i <= n; i++) {
    let d = ((i / n) * laps * perimeter) % perimeter;
    let k = 0;
    while (d > sides[k]![2] && k < 3) {
      d -= sides[k]![2];
      k++;
    }
    const [c, e, len] = sides[k]!;
    const f = len > 0 ? Math.min(1, d / len) : 0;
    const lng = c[0]! + (e[0]! - c[0]!) * f + r.between(-0.00004, 0.00004);
    const lat = c[1]! + (e[1]! - c[1]!) * f + r.between(-0.00004, 0.00004);
    const when = new Date(start.getTime() + (i / n) * minutes * 60_000);
    pts.push([Number(lat.toFixed(6)), Number(lng.toFixed(6)), when.toISOString()]);
  }
  let dist = 0;
  for (let i = 1; i < pts.length; i++) dist += metres(pts[i - 1]![0], pts[i - 1]![1], pts[i]![0], pts[i]![1]);
  return [JSON.stringify(pts), Math.round(dist)];
}

/** The history of visits and patrols, with its one audit entry. */
export async function seedVisitsYear(trx: Conn, s: Services, cal: WorkCalendar): Promise<void> {
  const t0 = Date.now();
  const [visits, patrols] = await withoutRowChecks(trx, async () => [
    await seedVisitYear(trx, s, cal),
    await seedPatrolYear(trx, s, cal),
  ]);
  await writeAudit(
    trx,
    { actorId: null, actorName: 'system', ip: null, requestId: 'demo-seed' },
    {
      action: 'system.seed_demo',
      entityType: 'visit',
      detail: {
        visits,
        patrols,
        since: new Date(demoHistoryStart(s.clock.now()) * 86_400_000).toISOString().slice(0, 10),
      },
    },
    s.clock.now(),
  );
  s.log.info(`demo year: ${visits} visits, ${patrols} patrols in ${Date.now() - t0} ms`);
}
