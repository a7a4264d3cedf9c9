import { mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page, type Request } from 'playwright-core';

export const BASE = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';
export const PASSWORD = 'Jiayuan@2026';
export const SHOTS = process.env.E2E_SHOTS ?? 'test-results/e2e';

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function newPage(browser: Browser, mobile = false): Promise<Page> {
  const ctx = await browser.newContext({
    viewport: mobile ? { width: 375, height: 740 } : { width: 1366, height: 800 },
    locale: 'zh-CN',
    isMobile: mobile,
    hasTouch: mobile,
  });
  return ctx.newPage();
}

export async function login(page: Page, username: string) {
  await page.goto(`${BASE}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 20_000 });
}

export async function shot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: false });
}

/**
 * Under load a click can land while a menu or dialog is still animating in and do nothing:
 * clicks again (three tries) until a request that `is` matches is sent. The caller requires it
 * and its answer.
 */
export async function clickUntilSent(
  page: Page,
  is: (r: Request) => boolean,
  click: () => Promise<void>,
): Promise<Request | null> {
  for (let i = 0; i < 3; i++) {
    const next = page.waitForRequest(is, { timeout: 8_000 }).catch(() => null);
    await click();
    const sent = await next;
    if (sent) return sent;
  }
  return null;
}
