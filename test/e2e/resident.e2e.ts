import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, launch, shot } from './browser.js';

/**
 * The resident channel on a 375 px phone (issue 17): sign in with a demo number and the code the
 * development transport shows, the home cards, large-text mode, a report sent and one written
 * offline (sent when back), my data masked, messages; axe finds no serious violation on any page.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function phoneContext(): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 375, height: 740 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    isMobile: true,
    hasTouch: true,
  });
}

async function signIn(page: Page, phone: string) {
  await page.goto(`${BASE}/r`);
  await page.locator('#r-phone').fill(phone);
  await page.getByRole('button', { name: '获取验证码' }).click();
  const note = page.locator('.r-note', { hasText: '验证码是' });
  await note.waitFor({ timeout: 20_000 });
  const code = /\d{6}/.exec((await note.textContent()) ?? '')![0];
  await page.locator('#r-code').fill(code);
  await page.getByRole('button', { name: '登录' }).click();
}

/** Serious and critical axe violations on the page as it stands (rule ids and targets). */
async function axeSerious(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('the resident channel at 375 px', () => {
  it('signs in, reports (online and offline), reads my data and messages, in large text; no serious axe violation', async () => {
    const ctx = await phoneContext();
    const page = await ctx.newPage();
    await signIn(page, '13900000001');
    await page.getByRole('heading', { name: /您好/ }).waitFor({ timeout: 20_000 });
    expect(await page.locator('.r-card').count()).toBeGreaterThanOrEqual(4);
    // No desk layout: nothing of the staff shell, and the page fits the phone.
    expect(await page.locator('.ant-layout-sider').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await axeSerious(page)).toEqual([]);
    await shot(page, 'resident-home-375');

    // Large text: the base size grows and stays chosen.
    const size = () =>
      page.locator('.r-app').evaluate((e) => Number.parseFloat(getComputedStyle(e).fontSize));
    const before = await size();
    await page.getByRole('button', { name: '大字模式' }).click();
    expect(await size()).toBeGreaterThan(before);
    expect(await page.getByRole('button', { name: '标准字号' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await axeSerious(page)).toEqual([]);
    await shot(page, 'resident-home-375-large');

    // A report, sent at once: its page shows the first step in plain words.
    await page
      .getByRole('link', { name: /我要反映/ })
      .first()
      .click();
    await page.locator('#r-cat').selectOption('help.repair');
    await page.locator('#r-desc').fill('单元门口的路灯不亮了');
    expect(await axeSerious(page)).toEqual([]);
    await shot(page, 'resident-report-375');
    await page.getByRole('button', { name: '提交' }).click();
    await page.waitForURL(/\/r\/requests\/\d+$/, { timeout: 20_000 });
    await page.getByText('您的诉求已提交').waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await shot(page, 'resident-request-375');

    // Offline: kept on the phone, sent when the connection returns.
    const tag = `离线${Date.now().toString(36)}`;
    await page.goto(`${BASE}/r/report`);
    await page.locator('#r-cat').selectOption('complaint.noise');
    await ctx.setOffline(true);
    await page.locator('#r-desc').fill(`${tag} 夜里楼上装修噪音`);
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('当前没有网络').waitFor({ timeout: 20_000 });
    await ctx.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect
      .poll(
        async () =>
          page.evaluate(async () => {
            const r = await fetch('/api/resident/requests');
            return r.ok ? JSON.stringify(await r.json()) : '';
          }),
        { timeout: 30_000 },
      )
      .toContain('夜里楼上装修噪音'.slice(0, 4));
    await page.goto(`${BASE}/r/requests`);
    await page.locator('.r-item').first().waitFor();
    expect(await axeSerious(page)).toEqual([]);

    // My data: masked identifiers, the household, a way to ask for a correction.
    await page.goto(`${BASE}/r/me`);
    await page.getByRole('heading', { name: '我的信息' }).waitFor();
    const body = (await page.locator('.r-main').textContent()) ?? '';
    expect(body).toMatch(/\d\*{13,}[\dX]{2}/);
    expect(body).not.toMatch(/\d{17}[\dX]/);
    expect(await page.getByRole('button', { name: '申请更正' }).count()).toBeGreaterThanOrEqual(2);
    expect(await axeSerious(page)).toEqual([]);
    await shot(page, 'resident-data-375');

    await page.goto(`${BASE}/r/messages`);
    await page.getByRole('heading', { name: '消息' }).waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await ctx.close();
  }, 180_000);

  it('an unverified account is sent to verification; a wrong check digit is named on its field', async () => {
    const ctx = await phoneContext();
    const page = await ctx.newPage();
    await signIn(page, '13900009999');
    await page.getByText('还未实名核验').waitFor({ timeout: 20_000 });
    expect(await axeSerious(page)).toEqual([]);
    await page.goto(`${BASE}/r/requests`);
    await page.waitForURL(/\/r\/bind$/);
    await page.locator('#r-name').fill('张三');
    await page.locator('#r-id').fill('430681198001011231');
    await page.getByRole('button', { name: '核验' }).click();
    await page.locator('#r-id-err').waitFor({ timeout: 20_000 });
    expect(await axeSerious(page)).toEqual([]);
    await shot(page, 'resident-bind-375');
    await ctx.close();
  }, 120_000);
});
