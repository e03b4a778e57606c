import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startFakeIics, type FakeIics } from '../src/index.js';
import { call, loginV2, startReceiver } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI !== 'true') {
  console.log(`dashboard browser tests skipped: no ${CHROMIUM} (apt-get install chromium to run them; with CI=true they fail)`);
}
const SCREENSHOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'dashboard.png');

// With CI=true a missing Chromium is a failure, not a skip: launch() below throws.
describe.runIf(available || process.env.CI === 'true')('dashboard in a real browser', () => {
  let browser: Browser;
  const open: Array<{ close(): Promise<void> }> = [];
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((each) => each.close()));
  });

  async function openPage(fake: FakeIics): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    open.push({ close: () => page.close() });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    open.push({ close: async () => expect(errors).toEqual([]) });
    await page.goto(fake.dashboardUrl!);
    await page.locator('#live:not(.off)').waitFor();
    // Set once: if the page reloaded, it would be gone.
    await page.evaluate(() => ((globalThis as unknown as { loadedOnce: boolean }).loadedOnce = true));
    return page;
  }

  const notReloaded = async (page: Page) => expect(await page.evaluate(() => (globalThis as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);

  test('a job started over HTTP appears as a run, runs and finishes, without a reload', async () => {
    const fake = await startFakeIics({ timeScale: 0.01, tasks: [{ name: 'MT_Slow', type: 'MTT', durationMs: 150_000, queuedMs: 0 }] });
    open.push(fake);
    const page = await openPage(fake);
    const { session, serverUrl } = await loginV2(fake);
    const task = fake.tasks[0]!;
    const started = await call(serverUrl, 'POST', '/api/v2/job', { session, body: { taskId: task.id, taskType: task.type } });
    expect(started.status).toBe(200);
    const row = page.locator(`tr.run[data-task="MT_Slow"][data-run="${started.body.runId}"]`);
    await row.and(page.locator('[data-state="RUNNING"]')).waitFor();
    await row.and(page.locator('[data-state="SUCCESS"]')).waitFor({ timeout: 10_000 });
    expect(await row.locator('.bar').count()).toBe(1);
    expect(await page.locator('#requests tr.req[data-status="200"]').count()).toBe(2);
    // A request's body on click, its password masked.
    await page.locator('#requests tr.req', { hasText: '/ma/api/v2/user/login' }).click();
    const detail = await page.locator('#request-detail').textContent();
    expect(detail).toContain('********');
    expect(detail).not.toContain(fake.credentials.password);
    await notReloaded(page);
  });

  test('a callback attempt that got a 500 shows with its next retry, then the retry that got 200', async () => {
    let answers = 0;
    const receiver = await startReceiver(() => (++answers === 1 ? 500 : 200));
    open.push(receiver);
    const fake = await startFakeIics({ timeScale: 0.01, callbackRetrySchedule: [120_000] });
    open.push(fake);
    const page = await openPage(fake);
    const { session, serverUrl } = await loginV2(fake);
    const task = fake.tasks.find((t) => t.name === 'MT_Load')!;
    const started = await call(serverUrl, 'POST', '/api/v2/job', { session, body: { taskId: task.id, taskType: task.type, callbackURL: `${receiver.url}?secret=hunter2` } });
    const row = page.locator(`tr.run[data-task="MT_Load"][data-run="${started.body.runId}"]`);
    await row.locator('li.attempt.bad', { hasText: 'HTTP 500' }).waitFor({ timeout: 10_000 });
    await row.locator('li.next-retry').waitFor();
    await row.locator('li.attempt.ok', { hasText: 'HTTP 200' }).waitFor({ timeout: 10_000 });
    await row.locator('li', { hasText: 'delivered' }).waitFor();
    expect(await page.content()).not.toContain('hunter2');
    await notReloaded(page);
  });

  test('a fault set from the page (click) fails the next request, which the page then shows', async () => {
    const fake = await startFakeIics({ timeScale: 0.01 });
    open.push(fake);
    const page = await openPage(fake);
    const { session, serverUrl } = await loginV2(fake);
    await page.selectOption('#fault-route', 'job');
    await page.fill('#fault-count', '1');
    await page.fill('#fault-status', '503');
    await page.click('#fault-fail-button');
    await page.locator('#fault-message', { hasText: 'fail-next: set' }).waitFor();
    const task = fake.tasks.find((t) => t.name === 'MT_Load')!;
    const failed = await call(serverUrl, 'POST', '/api/v2/job', { session, body: { taskId: task.id, taskType: task.type } });
    expect(failed.status).toBe(503);
    await page.locator('#requests tr.req[data-status="503"]', { hasText: '/saas/api/v2/job' }).waitFor();
    // Filter by status: only the failed request stays.
    await page.selectOption('#filter-status', 'error');
    expect(await page.locator('#requests tr.req').count()).toBe(1);
    await page.selectOption('#filter-status', '');
    const ok = await call(serverUrl, 'POST', '/api/v2/job', { session, body: { taskId: task.id, taskType: task.type } });
    expect(ok.status).toBe(200);
    await page.locator(`tr.run[data-run="${ok.body.runId}"]`).waitFor();

    if (process.env.UPDATE_SCREENSHOT === '1') {
      await page.locator(`tr.run[data-run="${ok.body.runId}"][data-state="SUCCESS"]`).waitFor({ timeout: 10_000 });
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    }
  });
});
