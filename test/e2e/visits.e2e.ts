import { deflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, launch, PASSWORD, shot } from './browser.js';

/** A small valid PNG (solid colour), generated: no fixture file. */
function png(w: number, h: number, [r, g, b]: [number, number, number]): Buffer {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const byte of buf) c = table[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3).map((_, i) => [r, g, b][i % 3]!)]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** grid_a on a phone, in grid 1 (the position "use my location" finds). */
async function phone(username: string): Promise<Page> {
  const ctx = await browser.newContext({
    viewport: { width: 375, height: 740 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    isMobile: true,
    hasTouch: true,
    geolocation: { latitude: 28.8262, longitude: 113.0531, accuracy: 10 },
    permissions: ['geolocation'],
  });
  const page = await ctx.newPage();
  await page.goto(`${BASE}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 20_000 });
  return page;
}

/** Answer the rule's questions: the first option of every choice and yes/no. */
async function answerRuleForm(page: Page) {
  for (const group of await page.locator('[data-testid^="visit-form-"]').all()) {
    const options = group.locator('.ant-radio-button-wrapper');
    if ((await options.count()) > 0) await options.first().click();
  }
}

/** The plan cards of "my day", with their plan and person ids. */
async function planCards(page: Page) {
  const cards = page.locator('[data-testid^="plan-card-"]');
  await cards.first().waitFor({ timeout: 20_000 });
  return cards;
}

async function visitsOf(page: Page, personId: string) {
  const r = await page.request.get(`${BASE}/api/visits`, { params: { personId, pageSize: 100 } });
  expect(r.ok(), await r.text()).toBe(true);
  return (await r.json()) as {
    total: number;
    items: { id: number; findings: string; attachments: unknown[] }[];
  };
}

const tag = Date.now().toString(36);

/** The visits menu entries by role (docs: visit.record / visit.read / visit.manage). */
const VISIT_MENU = ['visits', 'visitLog', 'visitStats', 'visitRules'] as const;
const MENUS: { username: string; menu: (typeof VISIT_MENU)[number][] }[] = [
  { username: 'grid_a', menu: ['visits', 'visitLog', 'visitStats'] },
  { username: 'community_admin', menu: ['visits', 'visitLog', 'visitStats', 'visitRules'] },
  { username: 'street_admin', menu: ['visitLog', 'visitStats', 'visitRules'] },
  { username: 'party_member', menu: ['visits'] },
  { username: 'resident', menu: [] },
];

describe('the visits menu', () => {
  for (const m of MENUS) {
    it(`${m.username} sees ${m.menu.join(', ') || 'none of it'}`, async () => {
      const page = await phone(m.username);
      // A worker with a day in the field has the tab bar ("my day" is a tab, the rest under "more").
      await page.getByTestId('tab-more').or(page.getByTestId('mobile-menu')).click();
      await page.getByTestId('menu-home').waitFor({ timeout: 20_000 });
      for (const key of VISIT_MENU) {
        const visible =
          (await page.getByTestId(`menu-${key}`).isVisible()) ||
          (key === 'visits' && (await page.getByTestId('tab-myDay').isVisible()));
        expect({ key, visible }).toEqual({ key, visible: m.menu.includes(key) });
      }
      await page.context().close();
    });
  }
});

describe('visits on the grid worker’s phone', () => {
  it('grid_a sees the day, records a visit with a photo and raises a case from it', async () => {
    const page = await phone('grid_a');
    await page.getByTestId('tab-myDay').click();
    await page.waitForURL(/\/visits\/my-day/);
    await page.getByTestId('myday-counts').waitFor({ timeout: 20_000 });
    const cards = await planCards(page);
    expect(await cards.count()).toBeGreaterThan(0);
    await expect
      .poll(async () => Number(await page.getByTestId('myday-overdue').locator('span').first().textContent()))
      .toBeGreaterThan(0);
    await shot(page, 'visits-my-day');

    await cards.first().click();
    await page.waitForURL(/\/visits\/new\?/);
    const personId = new URL(page.url()).searchParams.get('personId')!;
    const before = (await visitsOf(page, personId)).total;
    await page.getByTestId('visit-form').waitFor();
    await page.getByTestId('visit-met-self').click();
    const findings = `楼道灯坏了，老人夜间出行不便 e2e ${tag}`;
    await page.getByTestId('visit-findings').fill(findings);
    await answerRuleForm(page);
    await page.getByTestId('photo-input').setInputFiles({
      name: 'visit.png',
      mimeType: 'image/png',
      buffer: png(64, 48, [200, 180, 120]),
    });
    await page.getByTestId('photo-item').waitFor();
    await page.getByTestId('location-mine').click();
    await page.getByTestId('location-value').waitFor({ timeout: 15_000 });
    await shot(page, 'visits-form');
    await page.getByTestId('visit-submit').click();
    await page.getByTestId('visit-saved').waitFor({ timeout: 30_000 });
    await shot(page, 'visits-saved');

    const after = await visitsOf(page, personId);
    expect(after.total).toBe(before + 1);
    const visit = after.items.find((v) => v.findings === findings)!;
    expect(visit, 'the visit is stored').toBeTruthy();
    expect(visit.attachments).toHaveLength(1);

    // A hazard found on the visit → a grid event, prefilled and linked to the visit.
    await page.getByTestId('finding-event').click();
    await page.getByTestId('report-form').waitFor();
    await page.getByTestId('report-source').waitFor();
    expect(await page.getByTestId('report-description').inputValue()).toBe(findings);
    await page.getByTestId('report-category').click();
    await page.getByTestId('category-option').filter({ hasText: '环境卫生' }).click();
    await page.getByTestId('category-option').filter({ hasText: '暴露垃圾' }).click();
    await page.getByTestId('report-title').fill(`走访发现 e2e ${tag}`);
    await page.getByTestId('report-submit').click();
    const anyway = page.getByTestId('report-anyway');
    const done = page.waitForURL(/\/cases\/\d+$/, { timeout: 20_000 });
    await Promise.race([
      done,
      anyway
        .waitFor({ timeout: 20_000 })
        .then(() => anyway.click())
        .catch(() => undefined),
    ]);
    await done;
    const caseId = Number(new URL(page.url()).pathname.split('/').pop());

    // The visit lists the case raised from it …
    const v = await page.request.get(`${BASE}/api/visits/${visit.id}`);
    expect(((await v.json()) as { cases: { id: number }[] }).cases.map((c) => c.id)).toContain(caseId);

    // … and the case links back to the visit.
    const back = page.getByTestId('case-source');
    await back.waitFor({ timeout: 15_000 });
    expect(await back.getAttribute('href')).toBe(`/visits/${visit.id}`);
    await shot(page, 'visits-case');
    await back.click();
    await page.getByTestId(`visit-case-${caseId}`).waitFor({ timeout: 15_000 });
    await shot(page, 'visits-detail');
    await page.context().close();
  });

  it('offline: the visit waits on the phone, survives a reload, and is stored once', async () => {
    const page = await phone('grid_a');
    await page.goto(`${BASE}/visits/my-day`);
    const cards = await planCards(page);
    // Another person than the first journey's.
    const card = (await cards.count()) > 1 ? cards.nth(1) : cards.first();
    const planId = (await card.getAttribute('data-testid'))!.replace('plan-card-', '');
    const day = (await (await page.request.get(`${BASE}/api/visits/my-day`)).json()) as {
      items: { planId: number; personId: number }[];
    };
    const personId = String(day.items.find((i) => String(i.planId) === planId)!.personId);
    const countBefore = (await visitsOf(page, personId)).total;

    await page.context().setOffline(true);
    await card.click();
    await page.waitForURL(/\/visits\/new\?/);
    expect(new URL(page.url()).searchParams.get('personId')).toBe(personId);
    await page.getByTestId('visit-offline').waitFor();
    await page.getByTestId('visit-met-family').click();
    const findings = `离线走访 e2e ${tag}`;
    await page.getByTestId('visit-findings').fill(findings);
    await answerRuleForm(page);
    await page.getByTestId('photo-input').setInputFiles({
      name: 'offline.png',
      mimeType: 'image/png',
      buffer: png(48, 48, [90, 140, 200]),
    });
    await page.getByTestId('photo-item').waitFor();
    await page.getByTestId('visit-submit').click();
    await page.getByTestId('visit-queued').waitFor({ timeout: 15_000 });

    // It shows as waiting: in the header, on "my day" and on its person's card.
    await page.getByTestId('visit-back-day').click();
    await page.getByTestId('outbox-banner').waitFor();
    await page.getByTestId(`plan-pending-${planId}`).waitFor();
    expect(await page.getByTestId('outbox-banner-count').textContent()).toContain('1');
    await page.getByTestId('outbox-button').waitFor();
    await shot(page, 'visits-offline-waiting');

    // Back online, but the answers are lost on the way (the server stores the visit, the phone
    // never hears): the visit stays queued and is replayed with the same key.
    let posts = 0;
    const keys = new Set<string>();
    await page.route('**/api/visits', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      posts++;
      keys.add(route.request().headers()['idempotency-key'] ?? '');
      await route.fetch();
      await route.abort('internetdisconnected');
    });
    await page.context().setOffline(false);
    await expect.poll(() => posts, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);

    // A reload: the queue is still there (IndexedDB, photo included), and is tried again at start.
    await page.reload();
    await page.getByTestId('outbox-button').waitFor({ timeout: 20_000 });
    await expect.poll(() => posts, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    await page.getByTestId('outbox-button').click();
    await page.getByTestId('outbox-item').waitFor();
    expect(await page.getByTestId('outbox-list').textContent()).toContain('走访');
    await shot(page, 'visits-offline-list');
    await page.keyboard.press('Escape');

    // The connection really returns: the `online` event sends it; the item goes, the list refreshes.
    await page.unroute('**/api/visits');
    await page.context().setOffline(true);
    await page.context().setOffline(false);
    await page.getByTestId('outbox-button').waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByTestId(`plan-pending-${planId}`).waitFor({ state: 'detached', timeout: 15_000 });
    await shot(page, 'visits-offline-sent');

    // Three POSTs (or more), one key, one visit.
    expect(posts).toBeGreaterThanOrEqual(2);
    expect([...keys]).toHaveLength(1);
    expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
    const after = await visitsOf(page, personId);
    const mine = after.items.filter((v) => v.findings === findings);
    expect(mine).toHaveLength(1);
    expect(after.total).toBe(countBefore + 1);
    expect(mine[0]!.attachments).toHaveLength(1);
    await page.context().close();
  });
});
