import type { CaseCreate, CaseTransition } from '../../../contract/cases.js';
import { seedCalendarYears } from '../../engines/calendar/store.js';
import { caseEngine } from '../../engines/cases/engine.js';
import { TimingStore } from '../../engines/cases/timing.js';
import { type Actor, loadActor } from '../../platform/access/actor.js';
import type { Clock } from '../../platform/clock.js';
import type { Ctx, Services } from '../../platform/services.js';
import { seedCaseYear } from './cases.history.js';

/**
 * The statutory calendar years the code knows, written once per year that the database does not
 * have yet (an administrator's edits are never overwritten). Runs at every start, in every mode.
 */
export async function seedCalendar(s: Services): Promise<void> {
  await seedCalendarYears(s.db);
}

/** A small deterministic random source: the demo is the same on every machine. */
function rng(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

const EVENT_TITLES: Record<string, string[]> = {
  'fire.exit': ['楼道堆放杂物堵塞消防通道', '小区消防车道被私家车占用'],
  'fire.hydrant': ['消防栓漏水', '消防栓箱门损坏'],
  'safety.ebike': ['电动车在楼道内充电', '飞线充电'],
  'environment.exposed_garbage': ['垃圾桶满溢未清运', '路边暴露垃圾'],
  'environment.accumulated_garbage': ['建筑垃圾堆放未清理'],
  'order.parking': ['人行道违停', '小区出入口乱停车'],
  'order.vending': ['早市占道经营', '流动摊贩占用人行道'],
  'facility.streetlight': ['路灯不亮', '路灯杆倾斜'],
  'facility.manhole': ['井盖破损', '雨水井盖缺失'],
  'public_order.disturbance': ['夜间广场舞噪音扰民', 'KTV 噪音扰民'],
};
const REQUEST_TITLES: Record<string, string[]> = {
  'help.repair': ['楼道灯坏了请帮忙维修', '单元门禁损坏'],
  'consult.policy': ['咨询高龄津贴申领条件', '咨询居住证办理'],
  'complaint.property': ['物业不及时清理化粪池', '电梯经常故障'],
  'suggestion.suggestion': ['建议增设晾晒区', '建议增加停车位'],
};
const DISPUTE_TITLES: [string, string][] = [
  ['0202', '楼上楼下噪音纠纷'],
  ['0203', '卫生间漏水引发邻里纠纷'],
  ['0102', '家庭赡养纠纷'],
  ['0402', '业主与物业服务费纠纷'],
  ['0601', '房屋租赁押金纠纷'],
  ['0201', '相邻通行纠纷'],
  ['0701', '装修工人工资纠纷'],
];

/**
 * Demo cases of the last 120 days in 友谊河 and two other communities, driven through the engine
 * (so timelines, deadlines, audit and notifications are real): mostly closed, some in every
 * open state, a few overdue for the sweep to escalate, disputes with sessions and agreements.
 */
export async function seedDemoCases(s: Services): Promise<void> {
  if (await s.db.selectFrom('cases').select('id').limit(1).executeTakeFirst()) return;
  // The year before the examples: every community's cases, in bulk (cases.history.ts).
  if (s.config.seedDemoYear) await seedCaseYear(s);
  await seedDrivenCases(s);
}

/**
 * Demo cases of the last 120 days in 友谊河's first two grids, driven through the engine (so
 * timelines, deadlines, audit and notifications are real): mostly closed, some in every open
 * state, a few overdue for the sweep to escalate, disputes with sessions and agreements.
 */
async function seedDrivenCases(s: Services): Promise<void> {
  const users = new Map(
    (await s.db.selectFrom('users').select(['id', 'username']).execute()).map((u) => [u.username, u.id]),
  );
  const actor = async (username: string) => {
    const id = users.get(username);
    return id ? loadActor(s.db, id) : null;
  };
  const grid = [await actor('grid_a'), await actor('grid_b')].filter((a): a is Actor => !!a);
  const worker = await actor('community_worker');
  const secretary = await actor('community_admin');
  const resident = await actor('resident');
  const unit = await actor('cobuild_unit');
  if (grid.length < 2 || !worker || !secretary || !resident || !unit) return;

  const real = s.clock.now();
  let t = new Date(real);
  const clock: Clock = { now: () => new Date(t) };
  const timings = new TimingStore(s.db);
  const engine = caseEngine({ ...s, clock }, timings);
  const ctx = (a: Actor): Ctx => ({
    actor: a,
    lang: 'zh',
    audit: { actorId: a.userId, actorName: a.username, ip: null, requestId: 'demo-seed' },
  });
  const r = rng(20261121);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const minutes = (m: number) => {
    t = new Date(t.getTime() + m * 60_000);
  };
  const gridAreas = await Promise.all(
    grid.map(async (g) => Number(g.pathsFor('event.report')[0]!.split('.').pop())),
  );
  const act = (a: Actor, id: number, body: CaseTransition) => engine.transition(ctx(a), id, body);
  const centers = await s.db
    .selectFrom('areas')
    .select(['id', 'center'])
    .where('id', 'in', gridAreas)
    .execute();
  /** A point near the grid's centre (about ±150 m), for the map. */
  const near = (areaId: number) => {
    const c = centers.find((x) => x.id === areaId)?.center;
    return c ? { lat: c.y + (r() - 0.5) * 0.003, lng: c.x + (r() - 0.5) * 0.003 } : undefined;
  };

  /** Moves a case through the flow up to `stop`, with plausible delays. */
  async function drive(
    id: number,
    reporter: Actor,
    handler: Actor,
    stop: number,
    opts: { rework?: boolean; extend?: boolean; rating?: number },
  ) {
    if (stop < 1) return;
    minutes(5 + r() * 30);
    await act(worker!, id, { action: 'accept' });
    if (stop < 2) return;
    minutes(3 + r() * 20);
    await act(worker!, id, {
      action: 'dispatch',
      assigneeUserId: handler.userId,
      department: handler === unit ? '汨罗市供电公司' : undefined,
    });
    if (stop < 3) return;
    minutes(10 + r() * 50);
    await act(handler, id, { action: 'sign' });
    if (stop < 4) return;
    if (opts.extend) {
      minutes(60);
      await act(handler, id, {
        action: 'extend_request',
        amount: 2,
        unit: 'wday',
        comment: '需协调物业与业主，申请延期两个工作日',
      });
      minutes(30);
      await act(secretary!, id, { action: 'extend_decide', approved: true });
    }
    minutes(60 + r() * 60 * 24);
    await act(handler, id, { action: 'feedback', comment: '已现场处置完毕', attachmentIds: undefined });
    if (stop < 5) return;
    minutes(20 + r() * 90);
    // Whoever verifies did not handle it (separation of duties): the reporting grid worker, else
    // the community's worker, else its secretary.
    const verifier =
      reporter.can('event.verify') && reporter !== handler
        ? reporter
        : handler !== worker
          ? worker!
          : secretary!;
    if (opts.rework) {
      await act(verifier, id, { action: 'verify', passed: false, comment: '现场核查未处置到位' });
      minutes(120 + r() * 600);
      await act(handler, id, { action: 'feedback', comment: '已重新处置' });
      minutes(30);
    }
    await act(verifier, id, {
      action: 'verify',
      passed: true,
      comment: '核查属实，予以结案',
    });
    if (opts.rating) {
      minutes(60 * 20);
      await act(reporter.can('event.verify') || reporter === resident ? reporter : worker!, id, {
        action: 'rate',
        rating: opts.rating,
      });
    }
  }

  const startOf = (daysAgo: number) => {
    const d = new Date(real.getTime() - daysAgo * 86_400_000);
    // 08:30–16:30 China time on that day
    const day = new Date(
      Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 0, 30 + Math.floor(r() * 480)),
    );
    return day;
  };

  // Grid events: 150 over 120 days; the last few days' stay open in every state.
  const eventCats = Object.keys(EVENT_TITLES);
  for (let i = 0; i < 150; i++) {
    const daysAgo = Math.floor(((150 - i) / 150) * 120);
    t = startOf(daysAgo);
    if (t > real) t = new Date(real.getTime() - 3600_000);
    const g = i % 2;
    const reporter = grid[g]!;
    const category = pick(eventCats);
    const body: CaseCreate = {
      type: 'event',
      category,
      urgency: r() < 0.1 ? 'urgent' : 'normal',
      title: pick(EVENT_TITLES[category]!),
      description: '网格巡查发现，已拍照取证。',
      areaId: gridAreas[g],
      location: near(gridAreas[g]!),
      detail: {},
    };
    const { id } = await engine.create(ctx(reporter), body);
    const recent = daysAgo <= 3;
    const stop = recent ? Math.floor(r() * 5) : r() < 0.03 ? 4 : 5;
    const handler = category.startsWith('facility') ? unit! : r() < 0.5 ? worker! : reporter;
    await drive(id, reporter, handler, stop, {
      rework: r() < 0.08,
      extend: r() < 0.06,
      rating: r() < 0.7 ? (r() < 0.9 ? 5 : 3) : undefined,
    });
  }

  // Resident requests: online by the demo resident and taken at the window.
  const reqCats = Object.keys(REQUEST_TITLES);
  for (let i = 0; i < 40; i++) {
    t = startOf(Math.floor(((40 - i) / 40) * 110));
    const online = i % 3 !== 0;
    const category = pick(reqCats);
    const body: CaseCreate = {
      type: 'request',
      category,
      urgency: 'normal',
      title: pick(REQUEST_TITLES[category]!),
      description: online ? '通过居民端提交。' : '居民到社区服务窗口反映。',
      channel: online ? undefined : 'window',
      contactName: online ? undefined : pick(['王大爷', '刘阿姨', '陈先生']),
      contactPhone: online ? undefined : `1390730${String(1000 + i).padStart(4, '0')}`,
      detail: {},
    };
    const reporter = online ? resident : worker;
    const { id } = await engine.create(ctx(reporter), body);
    await drive(id, reporter, worker, i >= 37 ? i - 36 : 5, {
      rating: r() < 0.8 ? (r() < 0.85 ? 5 : 4) : undefined,
    });
  }

  // Disputes: 51 in the year, as [000] counts them (47 resolved).
  for (let i = 0; i < 51; i++) {
    t = startOf(Math.floor(((51 - i) / 51) * 330));
    const [category, title] = pick(DISPUTE_TITLES);
    const reporter = grid[i % 2]!;
    const { id } = await engine.create(ctx(reporter), {
      type: 'dispute',
      category,
      urgency: 'normal',
      title,
      description: '网格排查发现，双方情绪激动，需尽快调解。',
      areaId: gridAreas[i % 2],
      detail: { scale: '01' },
      parties: [
        {
          role: 'applicant',
          name: pick(['张某', '李某', '王某']),
          phone: `1387301${String(2000 + i).padStart(4, '0')}`,
        },
        { role: 'respondent', name: pick(['赵某', '钱某', '孙某']) },
      ],
    });
    minutes(60);
    await act(worker, id, { action: 'accept' });
    if (i === 50) continue;
    minutes(30);
    await act(worker, id, { action: 'dispatch', assigneeUserId: worker.userId });
    minutes(30);
    await act(worker, id, { action: 'sign' });
    if (i === 49) continue;
    minutes(60 * 24);
    await act(worker, id, {
      action: 'mediate',
      date: new Date(t.getTime() + 8 * 3600_000).toISOString().slice(0, 10),
      place: '友谊河社区人民调解室',
      method: pick(['joint', 'separate', 'onsite']),
      participants: '社区调解员、网格员、双方当事人',
      notes: '听取双方陈述，释法明理。',
    });
    minutes(60 * 24 * 2);
    const outcome = i % 12 === 5 ? 'failed' : i === 20 ? 'referred' : 'agreement';
    await act(worker, id, {
      action: 'conclude',
      outcome,
      agreement: outcome === 'agreement' ? '双方自愿达成调解协议，当场履行。' : undefined,
      referredTo: outcome === 'referred' ? '汨罗市人民法院诉前调解' : undefined,
    });
    minutes(60 * 24);
    await act(secretary, id, { action: 'verify', passed: true });
    if (outcome === 'agreement') {
      minutes(60 * 24 * 7);
      await act(worker, id, { action: 'follow_up', comment: '回访双方，协议履行良好，未再发生纠纷。' });
    }
  }
  // What happened long ago has been read: the bell shows the open work.
  await s.db
    .updateTable('notifications')
    .set({ readAt: real })
    .where('caseId', 'in', (eb) =>
      eb.selectFrom('cases').select('id').where('state', 'in', ['closed', 'rejected']),
    )
    .execute();
}
