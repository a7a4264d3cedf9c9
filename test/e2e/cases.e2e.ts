import { deflateSync } from 'node:zlib';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, clickUntilSent, launch, PASSWORD, shot } from './browser.js';

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
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3).map((_, i) => [r, g, b][i % 3]!)]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Demo accounts by display name (src/server/modules/system/demo-accounts.ts), to sign in as a handler. */
const HANDLERS: Record<string, string> = {
  陈静: 'grid_b',
  赵国强: 'compound_head',
  周桂兰: 'building_head',
  吴晓明: 'volunteer',
  孙志刚: 'party_member',
  李秀英: 'community_admin',
};

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** A phone-sized session of one user (China time, like the server's periods). */
async function phone(username: string): Promise<Page> {
  const ctx = await browser.newContext({
    viewport: { width: 375, height: 740 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    isMobile: true,
    hasTouch: true,
  });
  const page = await ctx.newPage();
  await page.goto(`${BASE}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 20_000 });
  return page;
}

async function stateText(page: Page) {
  return (await page.getByTestId('case-state').first().textContent()) ?? '';
}

/** Take an action from the case page's action bar (directly or from the "more" menu). */
async function act(page: Page, action: string, fill?: (form: Locator) => Promise<void>) {
  const bar = page.getByTestId('case-actions');
  await bar.waitFor({ timeout: 20_000 });
  const direct = bar.getByTestId(`action-${action}`);
  if (await direct.isVisible()) await direct.click();
  else {
    await page.getByTestId('action-more').click();
    await page.locator('.ant-dropdown').getByTestId(`action-${action}`).click();
  }
  const form = page.getByTestId(`action-form-${action}`);
  await form.waitFor({ timeout: 10_000 });
  if (fill) await fill(form);
  const sent = await clickUntilSent(
    page,
    (r) => r.method() === 'POST' && r.url().endsWith('/transitions'),
    () => page.getByTestId('action-submit').click(),
  );
  expect(sent, `the ${action} form did not send the action`).toBeTruthy();
  const res = await sent!.response();
  expect(res?.status(), `${action}: ${await res?.text()}`).toBe(200);
  await form.waitFor({ state: 'detached', timeout: 15_000 });
}

const title = `楼下垃圾堆放 e2e ${Date.now().toString(36)}`;
let caseUrl = '';
let handler = '';

const period = () => {
  const now = new Date(Date.now() + 8 * 3600_000); // China date
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() + 1;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const mm = String(m).padStart(2, '0');
  return { from: `${y}-${mm}-01`, to: `${y}-${mm}-${last}` };
};

describe('a grid event, reported on a phone and handled to its close', () => {
  it('grid_a reports an event with a photo and a location at 375 px', async () => {
    const page = await phone('grid_a');
    await page.getByTestId('tab-cases').click();
    await page.getByTestId('cases-table').waitFor({ timeout: 20_000 });
    await page.getByTestId('case-report').click();
    await page.getByTestId('case-report-event').click();
    await page.getByTestId('report-form').waitFor();

    await page.getByTestId('report-category').click();
    await page.getByTestId('category-option').filter({ hasText: '环境卫生' }).click();
    await page.getByTestId('category-option').filter({ hasText: '暴露垃圾' }).click();
    await page.getByTestId('report-title').fill(title);
    await page.getByTestId('report-description').fill('三号楼东侧绿化带旁有生活垃圾堆放，已两天无人清理。');
    await page.getByTestId('photo-input').setInputFiles({
      name: 'garbage.png',
      mimeType: 'image/png',
      buffer: png(64, 48, [120, 160, 90]),
    });
    await page.locator('.jy-photo-done').waitFor({ timeout: 20_000 });

    // Tap the middle of the grid map: the point is inside grid_a's grid.
    const map = page.getByTestId('location-map');
    await map.waitFor({ timeout: 20_000 });
    await page.waitForTimeout(300);
    await map.click();
    await page.getByTestId('location-value').waitFor();
    await expect
      .poll(async () => (await page.getByTestId('location-value').textContent()) ?? '')
      .toContain('位于');
    await page.getByTestId('report-address').fill('三号楼东侧');
    await shot(page, 'cases-report-form');

    await page.getByTestId('report-submit').click();
    // Possible duplicates nearby (earlier runs, demo data): report anyway.
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
    caseUrl = page.url();
    await expect.poll(() => stateText(page), { timeout: 15_000 }).toBe('待受理');
    expect(await page.getByTestId('case-title').textContent()).toBe(title);
    await page.getByTestId('case-photo').first().waitFor();
    await shot(page, 'cases-reported');
    await page.context().close();
  });

  it('community_worker accepts and dispatches it to someone the list offers', async () => {
    const page = await phone('community_worker');
    await page.goto(caseUrl);
    await act(page, 'accept');
    await expect.poll(() => stateText(page), { timeout: 15_000 }).toBe('待派遣');

    await act(page, 'dispatch', async (form) => {
      await form.getByTestId('action-assignee').click();
      const options = page.locator('.ant-select-item-option');
      await options.first().waitFor({ timeout: 15_000 });
      const names = await options.allTextContents();
      const pick = names.find((n) => Object.keys(HANDLERS).some((k) => n.startsWith(k)));
      expect(pick, `assignable: ${names.join(', ')}`).toBeTruthy();
      handler = HANDLERS[Object.keys(HANDLERS).find((k) => pick!.startsWith(k))!]!;
      await options.filter({ hasText: pick! }).first().click();
      await form.getByTestId('action-comment').fill('请尽快清理。');
    });
    await expect.poll(() => stateText(page), { timeout: 15_000 }).toBe('待签收');
    await shot(page, 'cases-dispatched');
    await page.context().close();
  });

  it('the handler signs for it and reports back with a photo', async () => {
    const page = await phone(handler);
    // The bell counts the dispatch notice.
    await expect
      .poll(async () => ((await page.getByTestId('notification-bell').textContent()) ?? '').trim(), {
        timeout: 15_000,
      })
      .not.toBe('');
    await page.goto(caseUrl);
    await act(page, 'sign');
    await expect.poll(() => stateText(page), { timeout: 15_000 }).toBe('处置中');
    await act(page, 'feedback', async (form) => {
      await form.getByTestId('action-comment').fill('已联系保洁清运，现场已清理干净。');
      await form.getByTestId('photo-input').setInputFiles({
        name: 'after.png',
        mimeType: 'image/png',
        buffer: png(64, 48, [200, 200, 200]),
      });
      await form.locator('.jy-photo-done').waitFor({ timeout: 20_000 });
    });
    await expect.poll(() => stateText(page), { timeout: 15_000 }).toBe('待核查');
    await page.context().close();
  });

  it('grid_a verifies it on site and it closes; the indicators count it', async () => {
    const page = await phone('grid_a');
    // The figure before closing (grid_a's grid, this month, China time: what the page shows).
    const before = await page.request.get(`${BASE}/api/cases/indicators`, {
      params: { ...period(), type: 'event' },
    });
    expect(before.ok(), await before.text()).toBe(true);
    const closedBefore = (
      (await before.json()) as { figures: { key: string; value: number }[] }
    ).figures.find((f) => f.key === 'closed')!.value;
    await page.goto(caseUrl);
    await act(page, 'verify', async (form) => {
      // The choice is required: make sure the tap took (a loaded CI machine once lost it, and the
      // form then refused to send).
      const chosen = form
        .locator('.ant-radio-button-wrapper-checked')
        .filter({ has: page.getByTestId('verify-pass') });
      await expect
        .poll(
          async () => {
            if (await chosen.count()) return true;
            await form.getByTestId('verify-pass').click();
            return false;
          },
          { timeout: 15_000 },
        )
        .toBe(true);
      await form.getByTestId('action-comment').fill('现场核实已清理。');
    });
    await expect.poll(() => stateText(page), { timeout: 15_000 }).toBe('已结案');
    const timeline = (await page.getByTestId('case-timeline').textContent()) ?? '';
    for (const step of ['上报', '受理', '派遣', '签收', '处置反馈', '核查']) expect(timeline).toContain(step);
    await shot(page, 'cases-closed');

    await page.goto(`${BASE}/cases/indicators?type=event`);
    const closed = page.getByTestId('figure-closed-value');
    await closed.waitFor({ timeout: 20_000 });
    await expect
      .poll(async () => Number(await closed.textContent()), { timeout: 15_000 })
      .toBe(closedBefore + 1);
    await shot(page, 'cases-indicators');
    await page.context().close();
  });
});
