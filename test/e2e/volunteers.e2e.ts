import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, launch, login, shot } from './browser.js';

/**
 * Issue 19's journey on the wall clock: a resident registers as a volunteer on a phone, the
 * community verifies her, an organiser's activity starts a minute later; she signs up, scans the
 * rotating QR code to check in and (a code later, after the start) to check out; the organiser
 * confirms the hours; they are on her record; the organiser issues a certificate and a stranger
 * verifies it.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function context(mobile: boolean): Promise<Page> {
  const ctx = await browser.newContext({
    viewport: mobile ? { width: 375, height: 740 } : { width: 1366, height: 800 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    isMobile: mobile,
    hasTouch: mobile,
    ...(mobile
      ? { geolocation: { latitude: 28.8, longitude: 113.07, accuracy: 10 }, permissions: ['geolocation'] }
      : {}),
  });
  return ctx.newPage();
}

/** A JSON call from the page's session (cookies and the CSRF header as the app sends them). */
async function call<T>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  const csrf = (await page.context().cookies()).find((c) => c.name === 'jy_csrf')?.value ?? '';
  const r = await page.request.fetch(`${BASE}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok()) throw new Error(`${method} ${path}: ${r.status()} ${await r.text()}`);
  return (await r.json()) as T;
}

describe('volunteer journey', () => {
  it('registers, signs up, checks in and out by QR, gets confirmed hours and a verifiable certificate', async () => {
    const resident = await context(true);
    await login(resident, 'resident');
    // A fresh demo street: she registers; a server the journey ran on before: she is already one.
    const before = await call<{ status: string } | null>(resident, 'GET', '/api/volunteers/me');
    await resident.goto(`${BASE}/my-activities`);
    if (!before) {
      await resident.getByTestId('vol-apply').waitFor();
      await shot(resident, 'volunteers-register-375');
      await resident.locator('#name').fill('黄美华');
      await resident.locator('#birthDate').fill('1980-05-05');
      await resident.locator('#phone').fill('13912345678');
      await resident.locator('#publicConsent').check();
      await resident.getByTestId('vol-submit').click();
      await resident.getByTestId('vol-applied').waitFor({ timeout: 15_000 });
    }

    const worker = await context(false);
    await login(worker, 'community_worker');
    await worker.goto(`${BASE}/volunteers?status=applied`);
    await worker
      .getByTestId('ledger-row-' + 'x')
      .or(worker.locator('.ant-table'))
      .first()
      .waitFor({ timeout: 15_000 });
    await shot(worker, 'volunteers-ledger-1366');
    if (!before || before.status === 'applied') {
      const verify = worker.locator('[data-testid^="vol-verify-"]').first();
      await verify.waitFor({ timeout: 15_000 });
      await verify.click();
      await expect
        .poll(async () => worker.locator('[data-testid^="vol-verify-"]').count(), { timeout: 15_000 })
        .toBe(0);
    }
    expect((await call<{ status: string }>(resident, 'GET', '/api/volunteers/me')).status).toBe('active');

    // The organiser's activity starts in a minute; sign-up stays open until the start.
    // The demo community's activities (seeded) give the area the organiser works in.
    const seeded = await call<{ items: { areaId: number }[] }>(worker, 'GET', '/api/activities?pageSize=1');
    const areaId = seeded.items[0]!.areaId;
    const start = new Date(Date.now() + 60_000);
    const a = await call<{ id: number }>(worker, 'POST', '/api/activities', {
      kind: 'volunteer_service',
      areaId,
      ownerKind: 'team',
      ownerName: '友谊河社区志愿服务队',
      title: '旅程·社区敬老服务',
      placeName: '友谊河社区日间照料中心',
      lat: 28.8,
      lng: 113.07,
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 3600_000).toISOString(),
      deadlineHours: 0,
      capacity: 10,
    });
    await worker.goto(`${BASE}/activities/${a.id}`);
    await worker.getByTestId('act-publish').click();
    await worker.getByTestId('act-show-qr').waitFor({ timeout: 15_000 });

    await resident.goto(`${BASE}/activities/${a.id}`);
    await resident.getByTestId('act-signup').click();
    await expect
      .poll(async () => resident.getByTestId('act-mine-status').textContent(), { timeout: 15_000 })
      .toContain('已报名');
    await shot(resident, 'activity-signed-up-375');

    // Check in by the code on the organiser's screen (the phone's camera opens this link).
    await worker.getByTestId('act-show-qr').click();
    await worker.getByTestId('act-qr-svg').locator('svg').waitFor({ timeout: 15_000 });
    await shot(worker, 'activity-qr-1366');
    const token1 = (await worker.getByTestId('act-qr-token').textContent())!.trim();
    await resident.goto(`${BASE}/m/checkin?t=${encodeURIComponent(token1)}`);
    await resident.getByTestId('scan-ok').waitFor({ timeout: 15_000 });
    expect(await resident.getByTestId('scan-ok').textContent()).toContain('签到成功');
    await shot(resident, 'checkin-375');
    await expect
      .poll(async () => worker.getByTestId('act-qr-count').textContent(), { timeout: 30_000 })
      .toContain('1');

    // After the start and on a later code: check out.
    const wait = start.getTime() + 75_000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const qr = await call<{ token: string }>(worker, 'GET', `/api/activities/${a.id}/qr`);
    expect(qr.token).not.toBe(token1);
    await resident.goto(`${BASE}/m/checkin?t=${encodeURIComponent(qr.token)}`);
    await resident.getByTestId('scan-ok').waitFor({ timeout: 15_000 });
    expect(await resident.getByTestId('scan-ok').textContent()).toContain('签退成功');

    // The organiser confirms; the hours are on the volunteer's record.
    await worker.reload();
    await worker.getByTestId('act-roll').waitFor({ timeout: 15_000 });
    await worker.getByTestId('act-confirm').click();
    await expect
      .poll(async () => worker.getByTestId('act-confirm').isDisabled(), { timeout: 15_000 })
      .toBe(true);
    await shot(worker, 'activity-confirmed-1366');
    const hours = await call<{
      confirmedMinutes: number;
      items: { activityId: number; hoursStatus: string }[];
    }>(resident, 'GET', '/api/activities/my-hours');
    expect(hours.items.find((i) => i.activityId === a.id)?.hoursStatus).toBe('confirmed');
    expect(hours.confirmedMinutes).toBeGreaterThan(0);
    await resident.goto(`${BASE}/my-activities`);
    await resident.getByRole('tab', { name: '我的时长' }).click();
    await resident.getByTestId('my-hours-confirmed').waitFor();
    await shot(resident, 'my-hours-375');

    // A certificate, checked by a stranger.
    await worker.goto(`${BASE}/volunteers?q=${encodeURIComponent('黄')}`);
    await worker.locator('[data-testid^="vol-certify-"]').first().click();
    await worker.locator('#personInCharge').fill('李秀英');
    await worker.locator('#contact').fill('0730-5221234');
    await worker.getByRole('button', { name: /确\s*定|OK/ }).click();
    await worker.getByTestId('certificate').waitFor({ timeout: 15_000 });
    await shot(worker, 'certificate-1366');
    const number = (await worker.getByTestId('cert-number').textContent())!.trim();
    const code = (await worker.getByTestId('cert-code').textContent())!.trim();
    const stranger = await context(true);
    await stranger.goto(`${BASE}/verify-certificate`);
    await stranger.getByTestId('verify-number').fill(number);
    await stranger.getByTestId('verify-code').fill(code);
    await stranger.getByTestId('verify-submit').click();
    await stranger.getByTestId('verify-valid').waitFor({ timeout: 15_000 });
    expect(await stranger.getByTestId('verify-valid').textContent()).toContain('黄**');
    await shot(stranger, 'certificate-verify-375');
  }, 300_000);
});

describe('room booking journey', () => {
  it('a worker sees the rooms, books one on next week’s calendar (approved at once) and cancels it; a resident sees the week on a phone', async () => {
    const worker = await context(false);
    await login(worker, 'community_worker');
    await worker.goto(`${BASE}/venues`);
    await worker.getByText('会议室', { exact: true }).first().waitFor({ timeout: 15_000 });
    await shot(worker, 'venues-rooms-1366');
    const rooms = await call<{ items: { id: number; name: string }[] }>(
      worker,
      'GET',
      '/api/venues/rooms?q=会议室',
    );
    const room = rooms.items.find((r) => r.name === '会议室')!;
    // next Monday (China time), so the slot is always ahead and inside the rules' window
    const today = new Date(Date.now() + 8 * 3_600_000);
    const dow = today.getUTCDay() === 0 ? 7 : today.getUTCDay();
    const monday = new Date(today.getTime() + (8 - dow) * 86_400_000).toISOString().slice(0, 10);
    await worker.goto(`${BASE}/venues/calendar?week=${monday}&room=${room.id}`);
    await worker.getByTestId(`day-${monday}`).waitFor({ timeout: 15_000 });
    await worker.getByTestId('booking-new').click();
    await worker.getByTestId('booking-from').fill('15:00');
    await worker.getByTestId('booking-to').fill('16:30');
    await worker.getByTestId('booking-purpose').fill('楼栋长例会');
    await worker.getByTestId('booking-submit').click();
    const card = worker.getByTestId(`day-${monday}`).getByText('楼栋长例会');
    await card.waitFor({ timeout: 15_000 });
    expect(await worker.getByTestId(`day-${monday}`).textContent()).toContain('已批准');
    await shot(worker, 'venues-calendar-1366');
    // the same slot again: refused, in words
    const again = await worker.request.fetch(`${BASE}/api/venues/bookings`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-csrf-token': (await worker.context().cookies()).find((c) => c.name === 'jy_csrf')?.value ?? '',
      },
      data: JSON.stringify({
        roomId: room.id,
        startsAt: `${monday}T15:30:00+08:00`,
        endsAt: `${monday}T16:00:00+08:00`,
        purpose: '重叠',
      }),
    });
    expect(again.status()).toBe(409);
    expect((await again.json()).message).toContain('已有预约');

    const resident = await context(true);
    await login(resident, 'resident');
    await resident.goto(`${BASE}/venues/calendar?week=${monday}`);
    await resident.getByTestId(`day-${monday}`).waitFor({ timeout: 15_000 });
    // someone else's booking shows as busy, without its purpose
    expect(await resident.getByTestId(`day-${monday}`).textContent()).not.toContain('楼栋长例会');
    await shot(resident, 'venues-calendar-375');

    const mine = await call<{ items: { id: number; purpose: string }[] }>(
      worker,
      'GET',
      `/api/venues/bookings?from=${monday}&to=${monday}&roomId=${room.id}`,
    );
    const b = mine.items.find((x) => x.purpose === '楼栋长例会')!;
    await worker.getByTestId(`booking-${b.id}-cancel`).click();
    await worker.getByTestId(`booking-${b.id}`).getByText('已取消').waitFor({ timeout: 15_000 });
  }, 180_000);
});
