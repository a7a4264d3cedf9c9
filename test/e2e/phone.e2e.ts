import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, launch, login, PASSWORD, shot } from './browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** grid_a on a phone standing in grid 1 (where "use my location" finds them). */
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

/** Two numbers with decimals side by side ("28.82620, 113.05310"): coordinates shown raw. */
const RAW_POINT = /\d{1,3}\.\d{3,}\s*,\s*\d{1,3}\.\d{3,}/;

const tag = Date.now().toString(36);

describe("the grid worker's phone", () => {
  it('tab bar → an unplanned visit → a report with the category picker, no raw coordinates', async () => {
    const page = await phone('grid_a');

    // The tab bar, not a drawer: my day, report, cases, people, more.
    const bar = page.getByTestId('tab-bar');
    await bar.waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('mobile-menu').count()).toBe(0);
    for (const t of ['tab-myDay', 'tab-report', 'tab-cases', 'tab-people', 'tab-more']) {
      expect(await page.getByTestId(t).isVisible(), t).toBe(true);
    }
    // "More" holds the rest of the menu, without the tabs' entries.
    await page.getByTestId('tab-more').click();
    await page.getByTestId('menu-home').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('menu-areas').isVisible()).toBe(true);
    expect(await page.getByTestId('menu-cases').count()).toBe(0);
    await page.waitForTimeout(300);
    await shot(page, 'phone-more');
    await page.getByTestId('menu-areas').click();
    await page.waitForURL(/\/areas/);
    expect(await page.getByTestId('tab-more').getAttribute('class')).toContain('active');

    // My day → an unplanned visit: search the person, tap them, fill in the visit.
    await page.getByTestId('tab-myDay').click();
    await page.waitForURL(/\/visits\/my-day/);
    await page.getByTestId('myday-counts').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('tab-myDay').getAttribute('aria-current')).toBe('page');
    await shot(page, 'phone-my-day');
    await page.getByTestId('myday-unplanned').click();
    await page.getByTestId('visit-pick-person').waitFor();
    const rows = page.getByTestId('visit-pick-row');
    await rows.first().waitFor({ timeout: 20_000 });
    const name = ((await rows.first().locator('.jy-pick-name').textContent()) ?? '').trim();
    expect(name.length).toBeGreaterThan(0);
    await page.getByTestId('visit-pick-search').fill(name);
    await expect
      .poll(async () => (await rows.allTextContents()).every((x) => x.includes(name)), { timeout: 15_000 })
      .toBe(true);
    await shot(page, 'phone-pick-person');
    await rows.filter({ hasText: name }).first().click();
    await page.waitForURL(/\/visits\/new\?personId=\d+/);
    const personId = new URL(page.url()).searchParams.get('personId')!;
    await page.getByTestId('visit-form').waitFor();
    // The person by name (never their record number), once it has come.
    await expect
      .poll(async () => (await page.getByTestId('visit-person').textContent()) ?? '', { timeout: 15_000 })
      .toContain(name);
    expect(await page.getByTestId('visit-person').textContent()).not.toMatch(/#\d/);
    await page.getByTestId('visit-met-self').click();
    const findings = `路过顺访 e2e ${tag}`;
    await page.getByTestId('visit-findings').fill(findings);
    await page.getByTestId('location-mine').click();
    const where = page.getByTestId('location-value');
    await where.waitFor({ timeout: 15_000 });
    await expect.poll(async () => (await where.textContent()) ?? '', { timeout: 15_000 }).toContain('位于');
    expect((await where.textContent()) ?? '').not.toMatch(RAW_POINT);
    await page.getByTestId('visit-submit').click();
    await page.getByTestId('visit-saved').waitFor({ timeout: 30_000 });
    const visits = await page.request.get(`${BASE}/api/visits`, { params: { personId, pageSize: 100 } });
    const stored = (
      (await visits.json()) as { items: { findings: string; ruleId: number | null }[] }
    ).items.find((v) => v.findings === findings);
    expect(stored, 'the unplanned visit is stored').toBeTruthy();
    expect(stored!.ruleId).toBeNull();

    // The person's page offers "record a visit" for them.
    await page.goto(`${BASE}/people/${personId}`);
    const record = page.getByTestId('person-record-visit');
    await record.waitFor({ timeout: 20_000 });
    await record.click();
    await page.waitForURL(new RegExp(`/visits/new\\?personId=${personId}`));
    await page.getByTestId('visit-form').waitFor();

    // Report: the category picker fills the screen, with search and big rows.
    await page.getByTestId('tab-report').click();
    await page.waitForURL(/\/cases\/new\?type=event/);
    await page.getByTestId('report-form').waitFor();
    await page.getByTestId('report-category').click();
    const picker = page.getByTestId('category-picker');
    await picker.waitFor();
    await page.waitForTimeout(300);
    await shot(page, 'phone-category-groups');
    const box = await picker.boundingBox();
    expect(box?.width).toBeGreaterThanOrEqual(370);
    expect(box?.height).toBeGreaterThan(600);
    const option = page.getByTestId('category-option').first();
    expect((await option.boundingBox())?.height).toBeGreaterThanOrEqual(48);
    await page.getByTestId('category-search').fill('垃圾');
    await page.getByTestId('category-option').filter({ hasText: '暴露垃圾' }).waitFor();
    await shot(page, 'phone-category-search');
    await page.getByTestId('category-option').filter({ hasText: '暴露垃圾' }).click();
    expect(await page.getByTestId('report-category').textContent()).toContain('暴露垃圾');
    await page.getByTestId('report-title').fill(`路边垃圾 e2e ${tag}`);
    await page.getByTestId('location-mine').click();
    await expect
      .poll(async () => (await page.getByTestId('location-value').textContent()) ?? '', { timeout: 15_000 })
      .toContain('位于');
    expect(await page.getByTestId('report-form').textContent()).not.toMatch(RAW_POINT);
    await shot(page, 'phone-report-form');
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
    await page.getByTestId('case-map').waitFor({ timeout: 20_000 });
    await page.waitForTimeout(500);
    // The case page and its timeline: the place in words, never the coordinates.
    expect(await page.locator('body').textContent()).not.toMatch(RAW_POINT);
    expect(await page.getByTestId('tab-cases').getAttribute('aria-current')).toBe('page');
    await shot(page, 'phone-case');
    await page.context().close();
  });

  it("shows the grid worker's idle limit to the security administrator, at 1366 px", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 800 }, locale: 'zh-CN' });
    const page = await ctx.newPage();
    await login(page, 'security_admin');
    await page.goto(`${BASE}/settings/security`);
    const field = page.locator('#gridWorkerIdleMinutes');
    await field.waitFor({ timeout: 20_000 });
    expect(await field.inputValue()).toBe('240');
    await field.scrollIntoViewIfNeeded();
    await shot(page, 'phone-security-1366');
    // No tab bar on a desk.
    expect(await page.getByTestId('tab-bar').count()).toBe(0);
    await ctx.close();
  });
});
