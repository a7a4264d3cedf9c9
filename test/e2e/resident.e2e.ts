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

    // 我的 → 设置: verified, how; large text from here too; the number; sign-out.
    await page.goto(`${BASE}/r/me`);
    await page.getByRole('link', { name: '设置' }).first().click();
    await page.getByRole('heading', { name: '设置' }).waitFor();
    const account = (await page.getByTestId('r-settings-account').textContent()) ?? '';
    expect(account).toContain('已核验');
    expect(account).toContain('信息比对');
    expect(await page.getByText('当前登录手机号：139****0001').count()).toBe(1);
    const large = page.getByRole('checkbox', { name: /大字模式/ });
    expect(await large.isChecked()).toBe(true); // chosen on the home page above, kept
    await large.uncheck();
    expect(await page.locator('.r-app.r-large').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await axeSerious(page)).toEqual([]);
    await shot(page, 'resident-settings-375');
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

  it('an unverified account chooses its community and reads its public notices; settings: status, next step, a new number', async () => {
    const ctx = await phoneContext();
    const page = await ctx.newPage();
    const phone = `137${String(Date.now() % 100_000_000).padStart(8, '0')}`;
    await signIn(page, phone);
    await page.getByText('还未实名核验').waitFor({ timeout: 20_000 });
    // Notices: first the place, then its public notices; the rest still asks for verification.
    await page.getByRole('link', { name: /通知公告/ }).click();
    await page.locator('#r-place').waitFor({ timeout: 20_000 });
    expect(await axeSerious(page)).toEqual([]);
    await shot(page, 'resident-place-375');
    const v = await page.locator('#r-place option', { hasText: '友谊河社区' }).first().getAttribute('value');
    await page.locator('#r-place').selectOption(v!);
    await page.getByRole('button', { name: '确定' }).click();
    await page.getByText('正在查看 友谊河社区 的公开通知').waitFor({ timeout: 20_000 });
    await page
      .locator('[data-testid="resident-notices"], .ant-empty, .jy-empty')
      .first()
      .waitFor({ timeout: 20_000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await axeSerious(page)).toEqual([]);
    await shot(page, 'resident-notices-unverified-375');
    const first = page.locator('[data-testid^="resident-notice-"]').first();
    if (await first.count()) {
      await first.click();
      await page.getByText('返回').first().waitFor({ timeout: 20_000 });
      expect(await axeSerious(page)).toEqual([]);
    }
    await page.goto(`${BASE}/r/me`);
    await page.waitForURL(/\/r\/bind$/);

    // 我的 → 设置: unverified, what to do next; a new number with a code sent to it.
    await page.getByRole('link', { name: '我的', exact: true }).click();
    await page.getByRole('heading', { name: '设置' }).waitFor({ timeout: 20_000 });
    expect((await page.getByTestId('r-settings-account').textContent()) ?? '').toContain('未核验');
    await page.getByText('下一步：填写姓名和身份证号在线核验').waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await shot(page, 'resident-settings-unverified-375');
    const next = `136${String((Date.now() + 7) % 100_000_000).padStart(8, '0')}`;
    await page.getByRole('button', { name: '更换手机号' }).click();
    await page.locator('#r-new-phone').fill(next);
    await page.getByRole('button', { name: '获取验证码' }).click();
    const note = page.locator('.r-note', { hasText: '验证码是' });
    await note.waitFor({ timeout: 20_000 });
    await page.locator('#r-new-code').fill(/\d{6}/.exec((await note.textContent()) ?? '')![0]);
    await page.getByRole('button', { name: '更换手机号' }).click();
    await page.getByText('手机号已更换').waitFor({ timeout: 20_000 });
    expect(await page.getByText(`当前登录手机号：${next.slice(0, 3)}****${next.slice(-4)}`).count()).toBe(1);
    expect(await axeSerious(page)).toEqual([]);
    await shot(page, 'resident-settings-phone-375');
    await page.getByRole('button', { name: '退出' }).last().click();
    await page.locator('#r-phone').waitFor({ timeout: 20_000 });
    await ctx.close();
  }, 180_000);
});
