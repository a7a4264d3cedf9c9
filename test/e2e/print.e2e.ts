import { mkdirSync, writeFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, launch, PASSWORD, SHOTS, shot } from './browser.js';

/**
 * The print journey (issue 16): a ledger and a case sheet printed to PDF with print media, read
 * back with pdfjs — the header (the area's name, the title, who printed) and the rows are in it.
 */

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function desk(username: string): Promise<Page> {
  const ctx = await browser.newContext({
    viewport: { width: 1366, height: 800 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = await ctx.newPage();
  await page.goto(`${BASE}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 20_000 });
  return page;
}

// pdfjs 5 needs Promise.withResolvers (Node 22); Node 20 lacks it.
const P = Promise as unknown as { withResolvers?: () => unknown };
P.withResolvers ??= () => {
  let resolve: (v: unknown) => void = () => {};
  let reject: (e: unknown) => void = () => {};
  const promise = new Promise((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
};

/** The page as printed (A4, print media), its text per page read with pdfjs, whitespace removed. */
async function printedText(page: Page, name: string): Promise<string[]> {
  await page.emulateMedia({ media: 'print' });
  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  await page.emulateMedia({ media: 'screen' });
  mkdirSync(SHOTS, { recursive: true });
  writeFileSync(`${SHOTS}/${name}.pdf`, pdf);
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = pdfjs.getDocument({ data: new Uint8Array(pdf), useSystemFonts: true });
  const doc = await task.promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(
      content.items
        .map((x) => ('str' in x ? x.str : ''))
        .join('')
        .replace(/\s+/g, ''),
    );
  }
  await task.destroy();
  return pages;
}

describe('printing', () => {
  it('prints the case ledger with the area header and its rows, and a case sheet', async () => {
    const page = await desk('street_admin');
    const me = (await (await page.request.get(`${BASE}/api/auth/me`)).json()) as {
      user: { displayName: string };
      roles: { areaName: string }[];
    };
    await page.goto(`${BASE}/cases?box=all`);
    const table = page.getByTestId('cases-table');
    await table.waitFor({ timeout: 20_000 });
    const firstRow = table.locator('tr[data-testid^="case-row-"]').first();
    await firstRow.waitFor({ timeout: 20_000 });
    const rows = table.locator('tr[data-testid^="case-row-"]');
    const nos = (await rows.locator('td .jy-mono').allTextContents()).map((s) => s.trim()).filter(Boolean);
    expect(nos.length).toBeGreaterThan(0);

    await page.getByTestId('ledger-print').click();
    const view = page.getByTestId('ledger-print-view');
    await view.waitFor({ timeout: 20_000 });
    await view.locator('.jy-print-table tbody tr').first().waitFor();
    await shot(page, 'print-ledger-preview');
    const ledger = (await printedText(page, 'print-ledger')).join('');
    const area = me.roles[0]!.areaName.replace(/\s+/g, '');
    expect(ledger).toContain(area);
    expect(ledger).toContain('事件办理·全部'); // the title: the inbox and its tab
    expect(ledger).toContain(`打印人：${me.user.displayName}`.replace(/\s+/g, ''));
    for (const no of nos) expect(ledger).toContain(no);
    // Nothing of the app around it is printed: no menu, no toolbar.
    expect(ledger).not.toContain('导出Excel');
    await page.getByTestId('print-close').click();
    await view.waitFor({ state: 'detached' });

    // A case sheet from the case page.
    await firstRow.click();
    await page.waitForURL(/\/cases\/\d+$/, { timeout: 20_000 });
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    const c = (await (await page.request.get(`${BASE}/api/cases/${id}`)).json()) as {
      no: string;
      title: string;
      type: string;
      areaPathNames: string[];
    };
    const printButton = page.getByTestId('case-print');
    await printButton.click();
    if (c.type === 'dispute') await page.locator('.ant-dropdown-menu-item').first().click();
    await page.getByTestId(`case-sheet-${id}`).waitFor({ timeout: 20_000 });
    await shot(page, 'print-case-sheet-preview');
    const sheet = (await printedText(page, 'print-case-sheet')).join('');
    expect(sheet).toContain('事件办理单');
    expect(sheet).toContain(c.no);
    expect(sheet).toContain(c.title.replace(/\s+/g, ''));
    expect(sheet).toContain(c.areaPathNames.slice(0, 2).join('').replace(/\s+/g, ''));
    expect(sheet).toContain('办理过程');
    expect(sheet).toContain('承办人签字');
  });
});
