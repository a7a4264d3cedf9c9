import { publicationsEngine } from '../../engines/publications/engine.js';
import { loadActor } from '../../platform/access/actor.js';
import type { Clock } from '../../platform/clock.js';
import { DEMO } from '../../platform/demo.js';
import type { Ctx, Services } from '../../platform/services.js';

const DAY = 86_400_000;

/**
 * The demo street's notices: a few 通知公告 of 友谊河社区 and the street (one already taken
 * down, one corrected), and one 居务公示 published yesterday, its objection window open.
 */
export async function seedDemoNotices(s: Services): Promise<void> {
  if (await s.db.selectFrom('publications').select('id').limit(1).executeTakeFirst()) return;
  const users = new Map(
    (await s.db.selectFrom('users').select(['id', 'username']).execute()).map((u) => [u.username, u.id]),
  );
  const community = await s.db
    .selectFrom('areas')
    .select('id')
    .where('name', '=', DEMO.detailed)
    .executeTakeFirst();
  const street = await s.db
    .selectFrom('areas')
    .select('id')
    .where('code', '=', DEMO.street.code)
    .executeTakeFirst();
  const ids = ['community_worker', 'community_admin', 'street_admin'].map((u) => users.get(u));
  if (!community || !street || ids.some((x) => !x)) return;
  const [worker, secretary, streetAdmin] = await Promise.all(ids.map((id) => loadActor(s.db, id!)));
  const ctx = (a: NonNullable<typeof worker>): Ctx => ({
    actor: a,
    lang: 'zh',
    audit: { actorId: a.userId, actorName: a.username, ip: null, requestId: 'demo-seed' },
  });
  const real = s.clock.now().getTime();
  let at = real;
  const clock: Clock = { now: () => new Date(at) };
  const pub = publicationsEngine(s, clock);
  const version = async (id: number) =>
    (await s.db.selectFrom('publications').select('version').where('id', '=', id).executeTakeFirstOrThrow())
      .version;

  const notice = async (daysAgo: number, areaId: number, title: string, body: string, by = secretary!) => {
    at = real - daysAgo * DAY;
    const { id } = await pub.draft(ctx(by === streetAdmin ? by : worker!), {
      kind: 'notice',
      areaId,
      title,
      body,
      list: [],
      attachmentIds: [],
    });
    at += 3600_000;
    await pub.publish(ctx(by), id, await version(id));
    return id;
  };

  const old = await notice(
    40,
    community.id,
    '关于开展秋季消防安全检查的通知',
    '各位居民：社区将于本月组织楼道消防安全检查，请清理楼道堆放物品，电动车不得在楼道内充电。',
  );
  at = real - 30 * DAY;
  await pub.takeDown(ctx(secretary!), old, { version: await version(old), reason: '检查已结束' });
  await notice(
    6,
    street.id!,
    '城关街道关于冬季供暖报修渠道的通知',
    '冬季供暖期间，居民可通过社区服务站、网格员或本平台“我的诉求”报修，街道将在两个工作日内响应。',
    streetAdmin!,
  );
  const water = await notice(
    3,
    community.id,
    '关于友谊河社区停水的通知',
    '因管网维修，12月10日 8:00—18:00 金盆小区停水，请提前储水。',
  );
  at = real - 2 * DAY;
  const fix = await pub.correct(ctx(secretary!), water, {
    title: '关于友谊河社区停水的通知（更正）',
    body: '因管网维修，12月11日 8:00—18:00 金盆小区停水（原通知日期有误），请提前储水。',
    list: [],
    reason: '停水日期更正为12月11日',
  });
  await pub.publish(ctx(secretary!), fix.id, await version(fix.id));
  await notice(
    1,
    community.id,
    '友谊河社区新时代文明实践站本周活动安排',
    '周三下午健康讲座，周五上午书法班，欢迎居民参加。',
  );

  // 居务公示: drafted by the worker, reviewed by the supervisory committee (the secretary in the demo), published yesterday.
  at = real - 1 * DAY - 4 * 3600_000;
  const g = await pub.draft(ctx(worker!), {
    kind: 'affairs_notice',
    areaId: community.id,
    title: '友谊河社区2026年度临时救助对象名单公示',
    body: '经居民申请、入户调查和居民代表会议评议，拟确定以下临时救助对象。公示期内如有异议，请通过本平台或到社区服务站提出。',
    list: [
      { name: '张建华', address: '友谊河社区金盆小区3栋2单元501', note: '因病致困' },
      { name: '李桂芳', address: '友谊河社区建设路12号院1栋102', note: '突发事件' },
    ],
    attachmentIds: [],
  });
  at += 600_000;
  await pub.submit(ctx(worker!), g.id, await version(g.id));
  at += 3600_000;
  await pub.decide(ctx(secretary!), g.id, {
    version: await version(g.id),
    approved: true,
    opinion: '同意公示',
  });
  at += 600_000;
  await pub.publish(ctx(secretary!), g.id, await version(g.id));
}
