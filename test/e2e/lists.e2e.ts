import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, newPage, shot } from './browser.js';

/**
 * The lists moved onto the ledger (issue 16): an area's children sorted by the server and exported to Excel under the community's name; the roles searched and exported with
 * their permissions; the visit rules as cards on a phone.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('the remaining lists on the ledger', () => {
  it("sorts an area's children by name and exports them", async () => {
    const page = await newPage(browser);
    await login(page, 'street_admin');
    const origin = new URL(page.url()).origin;
    const found = await page.evaluate(async () => (await fetch('/api/areas?kind=community&q=友谊河')).json());
    const id = found.items[0].id as number;
    await page.goto(`${origin}/areas?focus=${id}&tab=children`);
    const table = page.getByTestId('area-children');
    await expect
      .poll(async () => (await table.textContent()) ?? '', { timeout: 20_000 })
      .toContain('第一网格');
    // sorted by the server, the order in the URL (a link to this view)
    await page.goto(`${origin}/areas?focus=${id}&tab=children&sort=-name`);
    const sorted = await page.evaluate(
      async (parent) => (await fetch(`/api/areas?parentId=${parent}&sort=-name&pageSize=10`)).json(),
      id,
    );
    await expect
      .poll(async () => (await table.locator('tbody tr.ant-table-row').first().textContent()) ?? '', {
        timeout: 15_000,
      })
      .toContain(sorted.items[0].name);
    const download = page.waitForEvent('download', { timeout: 20_000 });
    await page.getByTestId('ledger-export').click();
    const ok = page.locator('.ant-modal .ant-btn-primary').last();
    await ok.waitFor({ timeout: 5_000 }).catch(() => null);
    if (await ok.isVisible()) await ok.click();
    expect((await download).suggestedFilename()).toContain('友谊河社区的下级区域');
    await shot(page, 'lists-area-children');
    await page.context().close();
  });

  it('searches the roles and exports them', async () => {
    const page = await newPage(browser);
    await login(page, 'security_admin');
    const origin = new URL(page.url()).origin;
    await page.goto(`${origin}/roles?q=grid`);
    const table = page.getByTestId('roles-table');
    await expect.poll(async () => (await table.textContent()) ?? '', { timeout: 20_000 }).toContain('网格员');
    expect((await table.textContent()) ?? '').not.toContain('街道管理员');
    const download = page.waitForEvent('download', { timeout: 20_000 });
    await page.getByTestId('ledger-export').click();
    const ok = page.locator('.ant-modal .ant-btn-primary').last();
    await ok.waitFor({ timeout: 5_000 }).catch(() => null);
    if (await ok.isVisible()) await ok.click();
    expect((await download).suggestedFilename()).toContain('角色与权限');
    await page.context().close();
  });

  it('shows the visit rules as cards on a phone', async () => {
    const page = await newPage(browser, true);
    await login(page, 'street_admin');
    const origin = new URL(page.url()).origin;
    await page.goto(`${origin}/settings/visit-rules`);
    const rules = page.getByTestId('rules-table');
    await expect
      .poll(async () => (await rules.textContent()) ?? '', { timeout: 20_000 })
      .toContain('四个必访');
    expect(await rules.locator('table').count()).toBe(0);
    await shot(page, 'lists-rules-phone');
    await page.context().close();
  });
});
