import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, launch, login, shot } from './browser.js';

/**
 * Times on screen are China's whatever the browser's zone (issue 16): a desk laptop set to New
 * York sees a case reported at 14:30 in Beijing as 14:30, not as New York's 01:30.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** An instant as YYYY-MM-DD HH:mm at UTC+8, computed here (not by the app's helper). */
function chinaText(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}
/** The same instant as New York's clock would print it. */
function newYorkText(iso: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: 'America/New_York',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

describe('a browser in New York', () => {
  let page: Page;

  it('shows a case’s times in China’s time', async () => {
    const ctx = await browser.newContext({
      viewport: { width: 1366, height: 800 },
      locale: 'zh-CN',
      timezoneId: 'America/New_York',
    });
    page = await ctx.newPage();
    await login(page, 'community_admin');
    // The browser really is in New York.
    const offset = await page.evaluate(() => new Date('2026-01-15T12:00:00Z').getTimezoneOffset());
    expect(offset).toBe(300);

    const list = await page.evaluate(async () => {
      const r = await fetch('/api/cases?pageSize=1', { credentials: 'same-origin' });
      return (await r.json()) as { items: { id: number; reportedAt: string }[] };
    });
    const c = list.items[0]!;
    expect(c, 'a case in the community').toBeTruthy();
    const china = chinaText(c.reportedAt);
    const newYork = newYorkText(c.reportedAt);
    expect(china).not.toBe(newYork);

    await page.goto(`${BASE}/cases/${c.id}`);
    const details = page.getByText(china, { exact: false }).first();
    await details.waitFor({ timeout: 20_000 });
    const body = (await page.locator('body').textContent()) ?? '';
    expect(body).toContain(china);
    expect(body).not.toContain(newYork);
    await shot(page, 'timezone-case-1366');
  });

  it('the home page’s date is China’s day', async () => {
    await page.goto(`${BASE}/`);
    const today = chinaText(new Date().toISOString()).slice(0, 10);
    const [y, m, d] = today.split('-').map(Number);
    await page.getByText(`${y}年${m}月${d}日`, { exact: false }).first().waitFor({ timeout: 20_000 });
  });
});
