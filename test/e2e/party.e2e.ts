import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, launch, login, shot } from './browser.js';

/**
 * Issue 21's first journey: the community's Party secretary opens the recruitment board, records a
 * candidate's pre-review and sees the next due date (branch meeting within a month); then views the
 * month's dues ledger, on a desktop and on a phone.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function context(mobile: boolean): Promise<Page> {
  const ctx = await browser.newContext({
    viewport: mobile ? { width: 375, height: 740 } : { width: 1366, height: 800 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    isMobile: mobile,
    hasTouch: mobile,
  });
  return ctx.newPage();
}

async function get<T>(page: Page, path: string): Promise<T> {
  const r = await page.request.get(`${BASE}${path}`);
  if (!r.ok()) throw new Error(`GET ${path}: ${r.status()} ${await r.text()}`);
  return (await r.json()) as T;
}

describe('party journey', () => {
  it('records a candidate’s step, shows the next due date, and shows the dues ledger', async () => {
    const page = await context(false);
    await login(page, 'community_admin');
    await page.goto(`${BASE}/party`);
    await page.getByText('友谊河社区党总支').first().waitFor();
    await shot(page, 'party-orgs-1366');
    const list = await get<{ items: { id: number; name: string; abilities: string[] }[] }>(
      page,
      '/api/party/developments?stage=candidate',
    );
    const cand = list.items.find((d) => d.abilities.includes('prereview'));
    await page.goto(`${BASE}/party?tab=devs`);
    if (cand) {
      await page.getByTestId(`dev-step-${cand.id}`).click();
      await page.getByTestId('dev-step-select').waitFor();
      await page.locator('.ant-modal-footer .ant-btn-primary').click();
      await page.locator('.ant-modal').waitFor({ state: 'hidden' });
      const after = await get<{ next: { rule: string; date: string } | null }>(
        page,
        `/api/party/developments/${cand.id}`,
      );
      expect(after.next?.rule).toBe('meeting');
      await expect
        .poll(async () => page.getByTestId(`dev-next-${cand.id}`).innerText(), { timeout: 10_000 })
        .toContain(after.next!.date);
    }
    await page.getByText('下一期限').first().waitFor();
    await shot(page, 'party-devs-1366');
    await page.goto(`${BASE}/party?tab=dues`);
    await page.getByTestId('dues-summary').waitFor();
    expect(await page.getByTestId('dues-summary').innerText()).toContain('欠缴');
    await shot(page, 'party-dues-1366');

    const phone = await context(true);
    await login(phone, 'community_admin');
    await phone.goto(`${BASE}/party?tab=devs`);
    await phone.getByText('下一期限').first().waitFor();
    await shot(phone, 'party-devs-375');
    await phone.goto(`${BASE}/party?tab=dues`);
    await phone.getByTestId('dues-summary').waitFor();
    await shot(phone, 'party-dues-375');
  }, 120_000);
});
