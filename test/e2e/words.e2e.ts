import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, launch, login, newPage, shot } from './browser.js';

/** Issue 16 "Words on screen" and its small fixes, as the people who meet them. */

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function getJson<T>(page: Page, path: string): Promise<T> {
  const r = await page.request.get(`${BASE}${path}`);
  expect(r.status(), `${path}: ${await r.text()}`).toBe(200);
  return (await r.json()) as T;
}

const CODE = /\b[a-z]+\.[a-z_]+\b|\b[a-z]+_[a-z_]+\b/;

describe('the audit log reads as sentences', () => {
  for (const mobile of [false, true]) {
    it(`shows who did what in words, filters by an action's Chinese name and exports${mobile ? ' (phone)' : ''}`, async () => {
      const page = await newPage(browser, mobile);
      await login(page, 'audit_admin');
      await page.goto(`${BASE}/audit`);
      await page.getByTestId('audit-sentence').first().waitFor({ timeout: 20_000 });
      // What people typed (a ledger's file name "ledger-fixed.csv") is quoted “…”: not a code.
      const text = ((await page.getByTestId('audit-table').textContent()) ?? '').replace(/“[^”]*”/g, '“”');
      expect(text).toContain('登录系统');
      expect(text).not.toMatch(CODE);
      await shot(page, `words-audit${mobile ? '-375' : '-1366'}`);

      // The action filter offers the actions by name, searchable in Chinese.
      if (mobile) await page.getByTestId('audit-filters').click();
      // On a phone the filters slide up in a drawer, which takes the focus when it has opened: a
      // choice typed while it slides can go nowhere, so the choice is made again until it shows.
      for (let attempt = 0; ; attempt++) {
        await page.getByTestId('audit-action').click();
        await page.keyboard.type('登录');
        await page
          .locator('.ant-select-item-option', { hasText: /^登录$/ })
          .first()
          .click({ timeout: 5_000 })
          .catch(() => undefined);
        const chosen = await expect
          .poll(() => new URL(page.url()).searchParams.get('action'), { timeout: 4_000 })
          .toBe('auth.login')
          .then(() => true)
          .catch(() => false);
        if (chosen) break;
        if (attempt >= 3) throw new Error('the action filter was not applied after 4 tries');
        await page.keyboard.press('Escape');
        if (mobile && !(await page.getByTestId('audit-action').isVisible()))
          await page.getByTestId('audit-filters').click();
      }
      if (mobile) await page.keyboard.press('Escape');
      await expect
        .poll(
          async () =>
            (await page.getByTestId('audit-sentence').allTextContents()).every((s) => s.includes('登录')),
          {
            timeout: 10_000,
          },
        )
        .toBe(true);

      if (!mobile) {
        const done = page.waitForResponse((r) => r.url().endsWith('/api/audit/export'), { timeout: 20_000 });
        await page.getByTestId('ledger-export').click();
        await page.locator('.ant-modal-confirm-btns .ant-btn-primary').click();
        const res = await done;
        expect(res.status()).toBe(200);
        expect(res.headers()['content-type']).toContain('spreadsheetml');
        // The export is in the log itself, as a sentence.
        const last = await getJson<{ items: { sentence: string }[] }>(page, '/api/audit?action=audit.export');
        expect(last.items[0]?.sentence).toMatch(/^审计管理员 导出了审计日志（\d+ 条）$/);
      }
      await page.context().close();
    });
  }
});

describe('the small fixes', () => {
  it('offers no retry on a record that is not there, but a way back', async () => {
    const page = await newPage(browser);
    await login(page, 'street_admin');
    await page.goto(`${BASE}/cases/987654321`);
    await page.getByTestId('error-not-found').waitFor({ timeout: 20_000 });
    expect(await page.getByRole('button', { name: /重\s*试/ }).count()).toBe(0);
    expect(await page.getByText('返回上一页').count()).toBeGreaterThan(0);
    await shot(page, 'words-404');
    await page.context().close();
  });

  it('disables the street’s delete button and says why', async () => {
    const page = await newPage(browser);
    await login(page, 'street_admin');
    const streets = await getJson<{ items: { id: number; name: string }[] }>(page, '/api/areas?kind=street');
    await page.goto(`${BASE}/areas?focus=${streets.items[0]!.id}`);
    const del = page.getByTestId('area-delete');
    await del.waitFor({ timeout: 20_000 });
    expect(await del.isDisabled()).toBe(true);
    await del.hover({ force: true });
    await expect
      .poll(async () => (await page.locator('.ant-tooltip').textContent()) ?? '', { timeout: 5_000 })
      .toMatch(/下级区域/);
    await shot(page, 'words-street-delete');
    await page.context().close();
  });

  it('says how many cases the map leaves out for want of a location, and links to them', async () => {
    const page = await newPage(browser);
    await login(page, 'street_admin');
    const missing = await getJson<{ total: number }>(page, '/api/cases?located=false&open=true&pageSize=1');
    await page.goto(`${BASE}/cases/map`);
    await page.getByTestId('case-map-canvas').waitFor({ timeout: 20_000 });
    if (missing.total === 0) {
      await page.waitForTimeout(1000);
      expect(await page.getByTestId('map-unlocated').count()).toBe(0);
    } else {
      const note = page.getByTestId('map-unlocated');
      await note.waitFor({ timeout: 10_000 });
      expect(await note.textContent()).toContain(`另有 ${missing.total} 件没有位置`);
      await page.getByTestId('map-unlocated-link').click();
      await page.waitForURL((u) => u.pathname === '/cases' && u.searchParams.get('located') === 'false');
      await expect
        .poll(async () => (await page.locator('body').textContent()) ?? '')
        .toContain('没有位置的案件');
    }
    await shot(page, 'words-map');
    await page.context().close();
  });
});
