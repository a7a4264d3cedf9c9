import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, launch, PASSWORD, shot } from './browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** Console errors and uncaught exceptions of every page opened here (none is expected). */
const consoleErrors: string[] = [];

/** A signed-in session in China time (the server's days), at the given viewport. */
async function session(username: string, viewport: { width: number; height: number }): Promise<Page> {
  const mobile = viewport.width < 768;
  const ctx = await browser.newContext({
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    isMobile: mobile,
    hasTouch: mobile,
    acceptDownloads: true,
  });
  const page = await ctx.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  await page.goto(`${BASE}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 20_000 });
  return page;
}

/** The dashboard has answered for `areaId` (or any area) and is not showing an older answer. */
async function settled(page: Page, areaId?: string) {
  const body = page.getByTestId('dash-body');
  await expect
    .poll(
      async () =>
        (await body.getAttribute('data-loading').catch(() => null)) === '0' &&
        (!areaId || (await body.getAttribute('data-area')) === areaId),
      { timeout: 20_000 },
    )
    .toBe(true);
}

/** A chart has drawn: its box holds a canvas of some size. */
async function drawn(page: Page, testId: string) {
  const canvas = page.getByTestId(testId).locator('canvas').first();
  await canvas.waitFor({ timeout: 20_000 });
  const box = await canvas.boundingBox();
  expect(box?.width ?? 0, testId).toBeGreaterThan(100);
  expect(box?.height ?? 0, testId).toBeGreaterThan(100);
}

/** Nothing of the page lies outside the window: no scrollbar, every panel inside. */
async function fitsWindow(page: Page) {
  const r = await page.evaluate(() => {
    const w = window.innerWidth;
    const h = window.innerHeight;
    const out = [...document.querySelectorAll('[data-testid^="screen-"]')]
      .map((el) => ({ id: el.getAttribute('data-testid'), r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && (r.right > w + 1 || r.bottom > h + 1 || r.left < -1 || r.top < -1))
      .map(({ id }) => id);
    const doc = document.documentElement;
    return { scrollW: doc.scrollWidth, scrollH: doc.scrollHeight, w, h, out };
  });
  expect(r.out).toEqual([]);
  expect(r.scrollW).toBeLessThanOrEqual(r.w);
  expect(r.scrollH).toBeLessThanOrEqual(r.h);
}

/** The title and the clock do not overlap (they did at grid level below 1920 px). */
async function titleClearOfClock(page: Page) {
  const title = await page.getByTestId('screen-title').boundingBox();
  const clock = await page.getByTestId('screen-clock').boundingBox();
  expect(title && clock).toBeTruthy();
  expect(title!.x + title!.width).toBeLessThanOrEqual(clock!.x);
}

const quarterStart = () => {
  const now = new Date(Date.now() + 8 * 3600_000);
  const m = now.getUTCMonth() - (now.getUTCMonth() % 3) + 1;
  return `${now.getUTCFullYear()}-${String(m).padStart(2, '0')}-01`;
};

describe('dashboard, as the street administrator', () => {
  it('changes the period, drills into a community and a list, exports, opens the screen', {
    timeout: 240_000,
  }, async () => {
    const page = await session('street_admin', { width: 1366, height: 800 });

    // The dashboard is the first menu entry.
    const first = page.locator('.ant-menu-item a').first();
    expect(await first.getAttribute('data-testid')).toBe('menu-dashboard');
    await first.click();
    await page.waitForURL((u) => u.pathname === '/dashboard');
    await page.getByTestId('figure-registry.people-value').waitFor({ timeout: 30_000 });
    await settled(page);
    expect(await page.getByTestId('dash-fresh').textContent()).toContain('数据计算于');
    // The charts: the trend, a breakdown and the map, each drawn on a canvas.
    await drawn(page, 'dash-trend-chart');
    await drawn(page, 'dash-choropleth');
    await page.getByTestId('dash-breakdown').waitFor();
    expect(await page.getByTestId('dash-compare').textContent()).toMatch(/较上月同期|较上月（/);
    // The ranking's total is the figure's; with a row of what lies in no area below, the rows add up.
    const rankValues = await page.locator('[data-testid^="rank-row-"] td:last-child').allTextContents();
    const sum = rankValues.reduce((a, v) => a + Number(v.replace(/[^\d]/g, '') || 0), 0);
    const rankTotal = Number(
      ((await page.getByTestId('rank-total').locator('td').last().textContent()) ?? '').replace(/[^\d]/g, ''),
    );
    expect(sum).toBe(rankTotal);
    await shot(page, 'dashboard-1366');
    await page.screenshot({ path: 'test-results/e2e/dashboard-1366-full.png', fullPage: true });

    // This quarter: the URL holds the dates, the figures are computed again.
    await page.getByTestId('period').getByText('本季度').click();
    await page.waitForURL((u) => u.searchParams.get('from') === quarterStart());
    await expect
      .poll(() => page.getByTestId('period').locator('.ant-segmented-item-selected').textContent())
      .toBe('本季度');
    await settled(page);

    // The ranking's first community opens its own dashboard.
    const row = page.locator('[data-testid^="rank-row-"]').first();
    await row.waitFor({ timeout: 15_000 });
    const childId = (await row.getAttribute('data-testid'))!.replace('rank-row-', '');
    const childName = (await page.getByTestId(`rank-open-${childId}`).textContent())!.trim();
    await page.getByTestId(`rank-open-${childId}`).click();
    await page.waitForURL((u) => u.searchParams.get('areaId') === childId);
    await settled(page, childId);
    expect((await page.getByTestId('dash-area').textContent())?.trim()).toBe(childName);
    // The period stays.
    expect(new URL(page.url()).searchParams.get('from')).toBe(quarterStart());
    await shot(page, 'dashboard-community');

    // 实有人口 drills to the people list, whose total is the figure.
    const people = page.getByTestId('figure-registry.people-value');
    const value = Number(await people.getAttribute('data-value'));
    expect(value).toBeGreaterThan(0);
    await page.getByTestId('figure-registry.people').click();
    await page.waitForURL((u) => u.pathname === '/people');
    expect(new URL(page.url()).searchParams.get('areaId')).toBe(childId);
    // The list's total (it reads 0 until the list has loaded: wait for the figure's number).
    const total = page.locator('.ant-pagination-total-text').first();
    const shown = async () =>
      Number(
        /([\d,]+)/.exec((await total.textContent().catch(() => '')) ?? '')?.[1]?.replace(/,/g, '') ?? NaN,
      );
    await expect.poll(shown, { timeout: 20_000 }).toBe(value);
    await shot(page, 'dashboard-drill-people');

    // Back on the community's dashboard.
    await page.goBack();
    await page.waitForURL((u) => u.pathname === '/dashboard' && u.searchParams.get('areaId') === childId);
    await settled(page, childId);

    // Export: an .xlsx with the figures and their definitions.
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 30_000 }),
      page.getByTestId('dash-export').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const file = await download.path();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.length).toBe(2);
    expect(wb.worksheets[0]!.rowCount).toBeGreaterThan(5);

    // The cases list behind 在办件 explains itself with removable tags, and counts the same.
    const open = Number(await page.getByTestId('figure-cases.open-value').getAttribute('data-value'));
    await page.getByTestId('figure-cases.open').click();
    await page.waitForURL((u) => u.pathname === '/cases' && u.searchParams.get('open') === 'true');
    await page.getByTestId('cases-filter-tag-open').waitFor({ timeout: 15_000 });
    await page.getByTestId('cases-filter-tag-area').waitFor();
    if (open > 0) {
      const casesTotal = page.locator('.ant-pagination-total-text').first();
      await expect
        .poll(async () => (await casesTotal.textContent().catch(() => '')) ?? '', { timeout: 20_000 })
        .toContain(`共 ${open} 条`);
    }
    await shot(page, 'dashboard-drill-cases');
    await page.goBack();
    await settled(page, childId);

    // 结案率 reads cases by their deadline: the list says so.
    await page.getByTestId('figure-cases.closureRate').click();
    await page.waitForURL((u) => u.pathname === '/cases' && u.searchParams.get('dateField') === 'due');
    const dateTag = page.getByTestId('cases-filter-tag-date');
    await dateTag.waitFor({ timeout: 15_000 });
    expect(await dateTag.textContent()).toContain('按截止日期');
    await page.goBack();
    await settled(page, childId);

    // The screen, on the command centre's 1920×1080 wall.
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto(`${BASE}/screen`);
    await page.getByTestId('screen-counters').waitFor({ timeout: 30_000 });
    await page.getByTestId('counter-cases.open-value').waitFor();
    await page.getByTestId('counter-registry.people-value').waitFor();
    await drawn(page, 'screen-choropleth');
    await drawn(page, 'screen-ranking-chart');
    expect(await page.getByTestId('screen-updated').textContent()).toContain('更新于');
    // No case titles on the wall.
    await page.locator('[data-testid^="screen-case-"]').first().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(500);
    await fitsWindow(page);
    await shot(page, 'screen-1920');
    // Smaller walls and laptops: the same picture, scaled; nothing cut, the title clear of the clock.
    for (const [w, h] of [
      [1366, 768],
      [1280, 720],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await expect
        .poll(async () => Number(await page.getByTestId('screen').getAttribute('data-scale')))
        .toBeCloseTo(Math.min(w / 1920, h / 1080), 3);
      await page.waitForTimeout(400);
      await fitsWindow(page);
      await titleClearOfClock(page);
      await shot(page, `screen-${w}`);
    }
    // At grid level (the longest title).
    const gridId = await page.evaluate(async () => {
      const r = await fetch('/api/areas/map');
      const f = (await r.json()).features as { id: number; kind: string }[];
      return f.find((x) => x.kind === 'grid')?.id;
    });
    await page.goto(`${BASE}/screen?areaId=${gridId}`);
    await page.getByTestId('screen-counters').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(800);
    await fitsWindow(page);
    await titleClearOfClock(page);
    await shot(page, 'screen-grid-1280');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(400);
    await titleClearOfClock(page);
    await shot(page, 'screen-grid-1920');
    await page.context().close();
    expect(consoleErrors).toEqual([]);
  });
});

describe('dashboard, as a grid worker on a phone', () => {
  it('sees only their grid', { timeout: 120_000 }, async () => {
    const page = await session('grid_a', { width: 375, height: 740 });
    await page.goto(`${BASE}/dashboard`);
    await page.getByTestId('figure-registry.people-value').waitFor({ timeout: 30_000 });
    await settled(page);
    const trail = page.getByTestId('dash-trail');
    expect(await trail.locator('.ant-breadcrumb-link').count()).toBe(1);
    const res = await page.evaluate(async () => {
      const r = await fetch(
        `/api/dashboard?from=${new Date().toISOString().slice(0, 10)}&to=${new Date().toISOString().slice(0, 10)}`,
      );
      return r.json();
    });
    expect(res.area.kind).toBe('grid');
    expect(res.trail.length).toBe(1);
    expect((await page.getByTestId('dash-area').textContent())?.trim()).toBe(res.area.name);
    // Another area is not theirs.
    const other = await page.evaluate(async () => {
      const r = await fetch('/api/dashboard?areaId=1&from=2026-01-01&to=2026-01-31');
      return r.status;
    });
    expect([403, 404]).toContain(other);
    // That refusal is logged by the browser as a failed resource: expected here, not an error of the page.
    await page.waitForTimeout(300);
    for (let i = consoleErrors.length - 1; i >= 0; i--)
      if (/status of 40[34]/.test(consoleErrors[i]!)) consoleErrors.splice(i, 1);
    await shot(page, 'dashboard-375');
    // In English too.
    await page.getByTestId('lang-switch').click();
    await page.getByText('vs same days').first().waitFor({ timeout: 10_000 });
    await shot(page, 'dashboard-375-en');
    await page.getByTestId('lang-switch').click();
    await page.getByTestId('dash-map').scrollIntoViewIfNeeded();
    await shot(page, 'dashboard-375-map');
    await page.screenshot({ path: 'test-results/e2e/dashboard-375-full.png', fullPage: true });
    await page.context().close();
    expect(consoleErrors).toEqual([]);
  });
});
