import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, launch, login, newPage, shot } from './browser.js';

/**
 * The home workbench (issue 16): a grid worker opens the app on a phone and sees what waits for
 * them as counts; a count opens its list already filtered. A street admin sees theirs at the desk;
 * a system administrator, who has no to-dos, sees a clean empty state.
 */

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function home(username: string, mobile: boolean): Promise<Page> {
  const page = await newPage(browser, mobile);
  await login(page, username);
  await page.goto(`${BASE}/`);
  return page;
}

const countOf = async (page: Page, key: string) =>
  Number(await page.getByTestId(`todo-${key}`).locator('.jy-todo-count').textContent());

describe('home workbench', () => {
  it('grid_a on a phone: the to-dos show as counts, and one opens its list filtered', async () => {
    const page = await home('grid_a', true);
    await page.getByTestId('home-workbench').waitFor({ timeout: 20_000 });
    for (const key of ['cases.mine', 'cases.verify', 'cases.overdue', 'visits.today'])
      await page.getByTestId(`todo-${key}`).waitFor({ timeout: 10_000 });
    // No internal code on screen: the labels are words.
    const text = await page.getByTestId('home-workbench').innerText();
    expect(text).toContain('待我办理');
    expect(text).not.toMatch(/cases\.|visits\.|registry\./);
    await shot(page, 'home-grid_a-375');

    // The count of cases to verify opens the verify inbox: the list shows as many.
    const n = await countOf(page, 'cases.verify');
    await page.getByTestId('todo-cases.verify').click();
    await page.waitForURL((u) => u.pathname === '/cases' && u.searchParams.get('box') === 'verify', {
      timeout: 15_000,
    });
    await page.getByTestId('cases-table').waitFor({ timeout: 15_000 });
    const rows = page.locator('[data-testid^="case-row-"]');
    if (n > 0) {
      await rows.first().waitFor({ timeout: 15_000 });
      expect(await rows.count()).toBe(Math.min(n, 20));
    } else expect(await rows.count()).toBe(0);
    await shot(page, 'home-grid_a-opened-verify-375');

    // Today's visits open the visitor's day.
    await page.goto(`${BASE}/`);
    await page.getByTestId('todo-visits.today').click();
    await page.waitForURL((u) => u.pathname === '/visits/my-day', { timeout: 15_000 });
    await page.getByTestId('myday-counts').waitFor({ timeout: 15_000 });
    await page.context().close();
  });

  it('street_admin at the desk: to-dos, warnings, expiring registrations and messages', async () => {
    const page = await home('street_admin', false);
    await page.getByTestId('home-workbench').waitFor({ timeout: 20_000 });
    for (const g of ['todo', 'alert', 'expiring'])
      await page.getByTestId(`home-group-${g}`).waitFor({ timeout: 10_000 });
    await page.getByTestId('home-notices').waitFor({ timeout: 10_000 });
    await shot(page, 'home-street_admin-1366');
    await page.getByTestId('todo-registry.floatingExpiring').click();
    await page.waitForURL(
      (u) => u.pathname === '/people' && u.searchParams.get('expiringWithinDays') === '30',
      {
        timeout: 15_000,
      },
    );
    await page.context().close();
  });

  it('the rented-houses to-do opens the houses let out whose rental ends within 30 days, at the desk and on a phone', async () => {
    for (const mobile of [false, true]) {
      const page = await home('community_admin', mobile);
      const todo = page.getByTestId('todo-registry.rentalsExpiring');
      await todo.waitFor({ timeout: 20_000 });
      expect(await todo.innerText()).toContain('出租房屋租期 30 天内到期或已到期');
      const n = await countOf(page, 'registry.rentalsExpiring');
      await todo.click();
      await page.waitForURL(
        (u) => u.pathname === '/houses' && u.searchParams.get('rentalEndsWithinDays') === '30',
        { timeout: 15_000 },
      );
      await page.getByTestId('houses-rental-ending').waitFor({ timeout: 15_000 });
      const rows = page.locator('[data-testid^="house-row-"]');
      if (n > 0) {
        await rows.first().waitFor({ timeout: 15_000 });
        expect(await rows.count()).toBe(Math.min(n, 20));
      }
      await shot(page, `home-rentals-expiring-${mobile ? 375 : 1366}`);
      await page.context().close();
    }
  });

  it('sys_admin has no to-dos: a clean empty state, no error', async () => {
    const page = await home('sys_admin', false);
    await page.getByTestId('home-no-todos').waitFor({ timeout: 20_000 });
    await shot(page, 'home-sys_admin-1366');
    await page.context().close();
  });
});
