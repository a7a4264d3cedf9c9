import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, clickUntilSent, launch, login, newPage, PASSWORD, shot } from './browser.js';

const MENU = [
  'home',
  'cases',
  'areas',
  'users',
  'roles',
  'grants',
  'security',
  'calendar',
  'open311',
  'audit',
  'profile',
] as const;

/** Which menu entries each kind of user must see (and, by omission, must not). */
const CASES: { username: string; menu: (typeof MENU)[number][]; mobile?: boolean }[] = [
  { username: 'street_admin', menu: ['home', 'cases', 'areas', 'calendar', 'profile'] },
  { username: 'community_admin', menu: ['home', 'cases', 'areas', 'profile'] },
  { username: 'security_admin', menu: ['home', 'areas', 'users', 'roles', 'security', 'open311', 'profile'] },
  { username: 'audit_admin', menu: ['home', 'audit', 'profile'] },
  { username: 'sys_admin', menu: ['home', 'areas', 'grants', 'calendar', 'profile'] },
  { username: 'resident', menu: ['home', 'cases', 'profile'] },
  { username: 'grid_a', menu: ['home', 'cases', 'areas', 'profile'], mobile: true },
];

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function openMenu(page: Page, mobile: boolean) {
  // A phone's menu: the drawer, or for a worker with a day in the field the tab bar's "more".
  if (mobile) await page.getByTestId('tab-more').or(page.getByTestId('mobile-menu')).click();
}

/** A menu entry is shown: in the menu, or as a tab of the phone's tab bar. */
async function shown(page: Page, key: string) {
  const tab = { cases: 'tab-cases', people: 'tab-people', visits: 'tab-myDay' }[key];
  return (
    (await page.getByTestId(`menu-${key}`).isVisible()) ||
    (!!tab && (await page.getByTestId(tab).isVisible()))
  );
}

async function logout(page: Page) {
  const item = page.getByTestId('logout');
  const sent = await clickUntilSent(
    page,
    (r) => r.method() === 'POST' && r.url().endsWith('/api/auth/logout'),
    async () => {
      if (!(await item.isVisible())) await page.getByTestId('user-menu').click();
      await item.click();
    },
  );
  expect(sent, 'the menu did not send the sign-out').toBeTruthy();
  const res = await sent!.response();
  expect(res?.status(), `logout: ${await res?.text()}`).toBeLessThan(300);
  await page.waitForURL((u) => u.pathname.startsWith('/login'));
}

describe('the shell, as each kind of user', () => {
  for (const c of CASES) {
    it(`${c.username} sees the right menu${c.mobile ? ' on a phone' : ''}, opens the tree and logs out`, async () => {
      const page = await newPage(browser, c.mobile);
      await login(page, c.username);
      await openMenu(page, !!c.mobile);
      await page.getByTestId('menu-home').waitFor({ timeout: 20_000 });
      for (const key of MENU) {
        const visible = await shown(page, key);
        expect({ key, visible }).toEqual({ key, visible: c.menu.includes(key) });
      }
      if (c.menu.includes('areas')) {
        await page.getByTestId('menu-areas').click();
        const tree = page.getByTestId('area-tree');
        await tree.waitFor({ timeout: 20_000 });
        const text = (await tree.textContent()) ?? '';
        if (c.username === 'grid_a') {
          expect(text).toContain('第一网格');
          expect(text).not.toContain('第二网格');
          expect(text).not.toContain('城关街道');
        }
        if (c.username === 'street_admin') {
          expect(text).toContain('城关街道');
          expect(text).toContain('友谊河社区');
        }
        await page.waitForTimeout(300);
        await shot(page, `${c.username}-areas`);
      } else {
        await shot(page, `${c.username}-home`);
      }
      await logout(page);
      // Signed out: the API no longer knows the session.
      const me = await page.request.get(`${BASE}/api/auth/me`);
      expect(me.status()).toBe(401);
      await page.context().close();
    });
  }

  it('shows the lockout message after five wrong passwords, without telling whether the account exists', async () => {
    const ctx = await browser.newContext({
      locale: 'zh-CN',
      extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.9' },
    });
    const page = await ctx.newPage();
    await page.goto(`${BASE}/login`);
    for (let i = 0; i < 5; i++) {
      await page.getByTestId('login-username').fill('nobody_here');
      await page.getByTestId('login-password').fill(`wrong-${i}`);
      await page.getByTestId('login-submit').click();
      await page.waitForTimeout(400);
    }
    await expect
      .poll(async () => page.locator('body').textContent(), { timeout: 10_000 })
      .toMatch(/分钟后再试/);
    await shot(page, 'login-locked');
    await page.context().close();
  });

  it('signs in on the quick form before the app has loaded, in the language chosen there', async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 740 } });
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    // Hold the app's code back: the form is plain HTML and must work without it.
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    await page.route('**/assets/*.js', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${BASE}/login?redirect=${encodeURIComponent('/visits/my-day')}`, {
      waitUntil: 'commit',
    });
    await page.getByTestId('login-username').waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByTestId('login-submit').click();
    await page.getByText('Enter your username').waitFor();
    await page.getByTestId('login-username').fill('grid_a');
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').waitFor();
    expect(await page.getByTestId('login-error').textContent()).toMatch(/password/i);
    expect(await page.getByTestId('login-password').inputValue()).toBe('');
    await shot(page, 'login-quick-375-en');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    // Signed in while the app's code was still held: the app starts on the day when it arrives.
    await expect.poll(async () => (await ctx.cookies()).some((c) => c.name === 'jy_csrf')).toBe(true);
    release();
    await page.waitForURL((u) => u.pathname === '/visits/my-day', { timeout: 20_000 });
    await page.getByTestId('myday-counts').waitFor({ timeout: 20_000 });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    // The inline scripts ran under the page's CSP (a blocked one is a console error).
    expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    await ctx.close();
  });
});
