import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idCheckDigit } from '../../src/contract/identifiers.js';
import { launch, login, newPage, shot } from './browser.js';

const id = (first17: string) => first17 + idCheckDigit(first17);
const good1 = id('43068119800101123');
const good2 = id('43068119850615234');
const fixed = id('43068119900320345');
// The same number with a wrong check character: the row fails and is reported.
const broken = fixed.slice(0, 17) + (fixed.endsWith('1') ? '2' : '1');

const csv = (rows: string[][]) =>
  Buffer.from(
    `${[['姓名', '身份证号', '性别', '联系电话'], ...rows].map((r) => r.join(',')).join('\n')}\n`,
    'utf8',
  );

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function importFile(page: Page, name: string, body: Buffer) {
  await page.locator('input[type=file]').setInputFiles({ name, mimeType: 'text/csv', buffer: body });
  await page.getByTestId('import-columns').waitFor({ timeout: 20_000 });
  await page.getByTestId('import-area').click();
  await page.locator('.ant-select-tree-title', { hasText: '友谊河社区' }).first().click();
  await page.getByTestId('import-confirm').click();
  await page.getByTestId('import-result').waitFor({ timeout: 30_000 });
}

describe('registry, as a community worker', () => {
  it('imports a ledger, fixes the failed row, finds people by initials and opens a house', async () => {
    const page = await newPage(browser);
    await login(page, 'community_admin');

    await page.goto(`${new URL(page.url()).origin}/people/import`);
    await importFile(
      page,
      'ledger.csv',
      csv([
        ['禤晓冬', good1, '男', '13800138000'],
        ['禤晓春', good2, '女', '13900139000'],
        ['禤晓秋', broken, '女', ''],
      ]),
    );
    const errors = page.getByTestId('import-errors');
    await expect
      .poll(async () => (await errors.textContent()) ?? '', { timeout: 10_000 })
      .toContain('身份证号');
    await shot(page, 'import-result');

    // Fix the failed row and import only it.
    await page.getByTestId('import-restart').click();
    await importFile(page, 'ledger-fixed.csv', csv([['禤晓秋', fixed, '女', '']]));
    await expect
      .poll(async () => (await page.getByTestId('import-result').textContent()) ?? '', { timeout: 10_000 })
      .not.toContain('未导入');

    // Pinyin initials find the imported people: 禤晓秋 → xxq.
    await page.getByTestId('menu-people').click();
    const search = page
      .locator('[data-testid="people-search"] input, input[data-testid="people-search"]')
      .first();
    await search.fill('xxq');
    await search.press('Enter');
    await expect
      .poll(async () => (await page.getByTestId('people-table').textContent()) ?? '', { timeout: 15_000 })
      .toContain('禤晓秋');
    await shot(page, 'people-search-initials');

    // 以房管人: a seeded resident's house lists who lives there.
    await page.goto(`${new URL(page.url()).origin}/people?residenceType=floating`);
    await page.locator('[data-testid^="person-row-"]').first().click();
    await page.getByTestId('person-house').click();
    await page.getByTestId('house-residents').waitFor({ timeout: 15_000 });
    expect(((await page.getByTestId('house-residents').textContent()) ?? '').length).toBeGreaterThan(0);
    await shot(page, 'house');
    await page.context().close();
  });
});
