import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, launch, PASSWORD, shot } from './browser.js';

/**
 * The ledger component on the case inbox (issue 16): server sort driven by the URL, column
 * settings kept across a reload, density, a saved filter, batch printing of selected rows, the
 * export, and cards on a phone. (The URL is replaced, not navigated: polled, not waited for.)
 */

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function signIn(username: string, mobile: boolean): Promise<Page> {
  const ctx = await browser.newContext({
    viewport: mobile ? { width: 375, height: 740 } : { width: 1366, height: 800 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    isMobile: mobile,
    hasTouch: mobile,
    acceptDownloads: true,
  });
  const page = await ctx.newPage();
  await page.goto(`${BASE}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 20_000 });
  return page;
}

const rows = (page: Page) => page.getByTestId('cases-table').locator('tr[data-testid^="case-row-"]');
/** The table has its answer (no loading overlay over it). */
const settled = (page: Page) =>
  page
    .getByTestId('cases-table')
    .locator('.ant-spin-spinning')
    .waitFor({ state: 'detached', timeout: 20_000 });
const headers = async (page: Page) =>
  (await page.getByTestId('cases-table').locator('thead th').allTextContents()).map((s) => s.trim());

describe('the ledger on the case inbox', () => {
  it('sorts, hides columns for good, saves a filter, prints the selection and exports', async () => {
    const page = await signIn('street_admin', false);
    await page.goto(`${BASE}/cases?box=all`);
    await rows(page).first().waitFor({ timeout: 20_000 });

    // Sorting is the server's, and the URL says it (a linkable view).
    const reported = page.getByTestId('cases-table').locator('thead th', { hasText: '上报时间' });
    /** Click the header and wait for the server's answer in that order. */
    const sortBy = async (sort: string) => {
      const answered = page.waitForResponse(
        (r) => r.url().includes('/api/cases?') && new URL(r.url()).searchParams.get('sort') === sort,
      );
      await reported.click();
      await answered;
      await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe(sort);
      await settled(page);
    };
    await sortBy('reportedAt');
    await sortBy('-reportedAt');
    const times = (await rows(page).locator('td:last-child').allTextContents()).map((s) => s.trim());
    expect(times.length).toBeGreaterThan(1);
    expect([...times].sort().reverse()).toEqual(times);

    // Column settings persist per user.
    expect(await headers(page)).toContain('所属区域');
    await page.getByTestId('ledger-columns-btn').click();
    await page.getByTestId('ledger-columns').getByText('所属区域').click();
    await expect.poll(() => headers(page)).not.toContain('所属区域');
    await page.reload();
    await rows(page).first().waitFor({ timeout: 20_000 });
    expect(await headers(page)).not.toContain('所属区域');
    expect(page.url()).toContain('sort=-reportedAt');

    // Density.
    await page.getByTestId('ledger-density').click();
    await page.locator('.ant-dropdown-menu-item', { hasText: '紧凑' }).click();
    await page.locator('.jy-ledger-table.ant-table-wrapper .ant-table-small').waitFor();

    // A saved filter brings the view back.
    await page.goto(`${BASE}/cases?box=all&urgency=urgent`);
    await page.getByTestId('ledger-saved-filters').click();
    await page.locator('.ant-dropdown-menu-item', { hasText: '保存当前筛选' }).click();
    await page.getByTestId('ledger-filter-name').fill('紧急件');
    await page.locator('.ant-modal-confirm-btns .ant-btn-primary').click();
    await page.goto(`${BASE}/cases?box=all`);
    await rows(page).first().waitFor({ timeout: 20_000 });
    await page.getByTestId('ledger-saved-filters').click();
    await page.locator('.ant-dropdown-menu-item', { hasText: '紧急件' }).click();
    await expect.poll(() => page.url()).toMatch(/urgency=urgent/);

    // Batch: the selected rows' case sheets, one per page.
    await page.goto(`${BASE}/cases?box=all`);
    await rows(page).first().waitFor({ timeout: 20_000 });
    await rows(page).nth(0).locator('.ant-checkbox-input').check();
    await rows(page).nth(1).locator('.ant-checkbox-input').check();
    await expect.poll(() => page.getByTestId('ledger-batch').textContent()).toContain('已选 2 项');
    await page.getByTestId('cases-batch-print').click();
    await page.locator('[data-testid^="case-sheet-"]').nth(1).waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid^="case-sheet-"]').count()).toBe(2);
    await shot(page, 'ledger-batch-sheets');
    await page.getByTestId('print-close').click();

    // Export: the server's workbook for the same view.
    await page.getByTestId('ledger-export').click();
    const download = page.waitForEvent('download', { timeout: 30_000 });
    await page.locator('.ant-modal-confirm-btns .ant-btn-primary').click();
    expect((await download).suggestedFilename()).toMatch(/\.xlsx$/);

    // Back to the defaults for the next runs.
    await page.getByTestId('ledger-columns-btn').click();
    await page.getByTestId('ledger-columns').getByRole('button').click();
  });

  it('shows cards on a phone, with the toolbar beside the search', async () => {
    const page = await signIn('street_admin', true);
    await page.goto(`${BASE}/cases?box=all`);
    await page
      .getByTestId('cases-table')
      .locator('[data-testid^="case-row-"]')
      .first()
      .waitFor({ timeout: 20_000 });
    expect(await page.locator('.ant-table').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(page, 'ledger-cards-375');
  });
});
