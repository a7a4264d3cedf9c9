import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, newPage, shot } from './browser.js';

/**
 * The registry's ledgers in a browser (issue 16): an organisations ledger imported through its
 * page (area, file, the result with the skipped total row and the failed row), the organisation
 * then on the ledger; the houses ledger sorted by residents; on a phone, people as cards.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const csv = (rows: string[][]) => Buffer.from(`${rows.map((r) => r.join(',')).join('\n')}\n`, 'utf8');

describe('ledgers, as a community secretary', () => {
  it('imports an organisations ledger and finds the new unit on the ledger', async () => {
    const page = await newPage(browser);
    await login(page, 'community_admin');
    const origin = new URL(page.url()).origin;

    await page.goto(`${origin}/organisations`);
    await page.getByTestId('org-import').click();
    await page.waitForURL(/\/organisations\/import/);
    await page.getByTestId('import-area').click();
    await page.locator('.ant-select-tree-title', { hasText: '友谊河社区' }).first().click();
    await page.locator('input[type=file]').setInputFiles({
      name: '单位台账.csv',
      mimeType: 'text/csv',
      buffer: csv([
        ['单位名称', '单位类别', '负责人', '联系电话'],
        ['旅程测试便利店', '个体工商户', '周明', '13712345678'],
        ['旅程测试工厂', '工厂', '', ''],
        ['合计：2家', '', '', ''],
      ]),
    });
    await page.getByTestId('import-result').waitFor({ timeout: 30_000 });
    await expect
      .poll(async () => (await page.getByTestId('import-skipped').textContent()) ?? '', { timeout: 10_000 })
      .toContain('4');
    await expect
      .poll(async () => (await page.getByTestId('import-errors').textContent()) ?? '')
      .toContain('工厂');
    await shot(page, 'ledger-org-import');

    await page.goto(`${origin}/organisations?q=${encodeURIComponent('旅程测试')}`);
    await expect
      .poll(async () => (await page.getByTestId('org-table').textContent()) ?? '', { timeout: 15_000 })
      .toContain('旅程测试便利店');
    const text = (await page.getByTestId('org-table').textContent()) ?? '';
    expect(text).toContain('137****5678');
    expect(text).not.toContain('13712345678');
    expect(text).not.toContain('合计');
  });

  it('sorts the houses ledger by residents and shows the true total', async () => {
    const page = await newPage(browser);
    await login(page, 'community_admin');
    const origin = new URL(page.url()).origin;
    await page.goto(`${origin}/houses?sort=-residents`);
    await page.locator('[data-testid^="house-row-"]').first().waitFor({ timeout: 20_000 });
    await expect
      .poll(async () => (await page.locator('.ant-pagination').textContent()) ?? '')
      .toMatch(/共 \d+ 条/);
    await shot(page, 'ledger-houses');
  });

  it('shows people as cards on a phone', async () => {
    const page = await newPage(browser, true);
    await login(page, 'grid_a');
    const origin = new URL(page.url()).origin;
    await page.goto(`${origin}/people`);
    await page.locator('[data-testid^="person-row-"]').first().waitFor({ timeout: 20_000 });
    // No table squeezed to 375 px: the rows are cards.
    expect(await page.locator('table').count()).toBe(0);
    await shot(page, 'ledger-people-phone');
  });
});
