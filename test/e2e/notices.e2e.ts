import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, launch, login, newPage, shot } from './browser.js';

/**
 * 通知公告 (issue 17/20): the community secretary drafts and publishes a notice, a resident sees
 * it on their phone, the secretary corrects it (a new version; the old one stays, marked
 * corrected) and cannot take the correction down before its minimum display.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('a notice from draft to the resident, corrected, not taken down too early', () => {
  it('runs the journey', async () => {
    const title = `楼道清理通知 ${Date.now().toString(36)}`;
    const staff = await newPage(browser);
    await login(staff, 'community_admin');
    await staff.goto(`${BASE}/notices`);
    await staff.getByTestId('notices-table').waitFor({ timeout: 20_000 });
    await shot(staff, 'notices-ledger-1366');

    // Draft: the kind's defaults are shown with the ⚠ note, the area is the secretary's community.
    await staff.getByTestId('notices-new').click();
    await staff.getByTestId('notice-form').waitFor();
    await expect.poll(() => staff.getByText('可调整的默认值').count()).toBeGreaterThan(0);
    await staff.getByTestId('notice-title').fill(title);
    await staff.getByTestId('notice-body').fill('本周六上午统一清理楼道杂物，请各户配合。');
    await shot(staff, 'notices-form-1366');
    await staff.getByTestId('notice-save').click();
    await staff.waitForURL(/\/notices\/\d+$/, { timeout: 20_000 });
    const firstUrl = staff.url();
    await staff.getByTestId('notice-detail').waitFor();
    await expect.poll(() => staff.getByTestId('notice-detail').textContent()).toContain('草稿');

    // Publish (a 通知公告 has no approval step): frozen, its period computed.
    await staff.getByTestId('notice-publish').click();
    await staff.locator('.ant-popconfirm .ant-btn-primary').click();
    await expect
      .poll(() => staff.getByTestId('notice-detail').textContent(), { timeout: 15_000 })
      .toContain('公示中');
    await expect
      .poll(() => staff.getByTestId('notice-period').textContent())
      .toMatch(/3 天（工作日），至 \d{4}-\d{2}-\d{2}/);
    await shot(staff, 'notices-detail-1366');

    // The resident sees it on a phone and opens it (read receipt).
    const phone = await newPage(browser, true);
    await login(phone, 'resident');
    await phone.goto(`${BASE}/notices/board`);
    await phone.getByTestId('resident-notices').waitFor({ timeout: 20_000 });
    const card = phone.locator('[data-testid^="resident-notice-"]', { hasText: title });
    await card.waitFor();
    await shot(phone, 'notices-resident-list-375');
    await card.click();
    await phone.getByTestId('resident-notice').waitFor();
    await expect.poll(() => phone.getByTestId('resident-notice').textContent()).toContain('本周六上午');
    await shot(phone, 'notices-resident-notice-375');

    // Correct: a new version drafted, then published; the first version is marked corrected.
    await staff.getByTestId('notice-correct').click();
    await staff.getByTestId('correct-title').fill(`${title}（更正）`);
    await staff.getByTestId('correct-body').fill('改为本周日上午统一清理楼道杂物，请各户配合。');
    await staff.getByTestId('correct-reason').fill('日期调整');
    await staff.locator('.ant-modal-footer .ant-btn-primary').click();
    await staff.waitForURL((u) => u.toString() !== firstUrl && /\/notices\/\d+$/.test(u.pathname), {
      timeout: 15_000,
    });
    await staff.getByTestId('notice-publish').click();
    await staff.locator('.ant-popconfirm .ant-btn-primary').click();
    await expect
      .poll(() => staff.getByTestId('notice-detail').textContent(), { timeout: 15_000 })
      .toContain('公示中');
    await expect.poll(() => staff.getByTestId('notice-detail').textContent()).toContain('第 2 版');

    // Taking the correction down today is refused: the minimum display is not over.
    await staff.getByTestId('notice-takedown').click();
    await staff.getByTestId('takedown-reason').fill('已清理完毕');
    const answer = staff.waitForResponse((r) => r.url().includes('/take-down'));
    await staff.locator('.ant-modal-footer .ant-btn-primary').click();
    expect((await answer).status()).toBe(409);
    await expect
      .poll(() => staff.locator('.ant-message').textContent(), { timeout: 10_000 })
      .toContain('未满最短公示期');
    await shot(staff, 'notices-takedown-refused-1366');

    // The old version stays readable, marked corrected, with a link to the correction.
    await staff.goto(firstUrl);
    await expect
      .poll(() => staff.getByTestId('notice-detail').textContent(), { timeout: 15_000 })
      .toContain('已更正');
    await phone.reload();
    await phone.getByTestId('resident-notice').waitFor();
    await expect.poll(() => phone.getByTestId('resident-notice').textContent()).toContain('已更正');
  }, 180_000);

  it('shows the ledger as cards on a phone', async () => {
    const page = await newPage(browser, true);
    await login(page, 'community_admin');
    await page.goto(`${BASE}/notices`);
    await page.getByTestId('notices-table').waitFor({ timeout: 20_000 });
    // Cards, not a table, once the answer is in.
    await expect
      .poll(() => page.getByTestId('notices-table').textContent(), { timeout: 20_000 })
      .toContain('通知');
    await shot(page, 'notices-ledger-375');
  }, 60_000);
});
