/**
 * Training keeps going in a background tab. "Background" here is what a
 * desktop Chromium does to a tab when another tab of its window is brought to
 * the front: the page's document.visibilityState is 'hidden' and its timers
 * are throttled to about one wake-up a second (both are checked below, so the
 * test cannot pass on a page that merely looks hidden). Headless Chromium
 * driven by Playwright never hides a page, hence the hand-started browser of
 * real-tabs.ts. Chromium's stronger measures (intensive throttling after five
 * hidden minutes, freezing a tab) are left out: the first only slows the
 * page's timers further, and a frozen tab is no longer running at all.
 *
 * The worker trains on regardless (its timers are not the page's); the page
 * receives at most a few throttled messages a second and does not redraw the
 * loss curve while hidden, then catches up once shown.
 */
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import type { Page } from 'playwright';
import { setField } from './browser.ts';
import { launchWithRealTabs, type RealTabsBrowser } from './real-tabs.ts';

let tabs: RealTabsBrowser;

beforeAll(async () => {
  tabs = await launchWithRealTabs();
});

afterAll(async () => {
  await tabs?.close();
});

/** The checkpoint the worker keeps after each finished epoch, read straight from IndexedDB (never throttled). */
function checkpoint(page: Page): Promise<{ epoch: number; step: number } | null> {
  return page.evaluate(
    () =>
      new Promise<{ epoch: number; step: number } | null>((resolve, reject) => {
        const open = indexedDB.open('zero-shot-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const get = db.transaction('checkpoints').objectStore('checkpoints').get('interrupted');
          get.onsuccess = () => {
            db.close();
            resolve(get.result ? { epoch: get.result.epoch, step: get.result.step } : null);
          };
        };
      }),
  );
}

const counters = (page: Page) =>
  page.evaluate(() => {
    const { __ticks, __messages } = window as unknown as { __ticks: number; __messages: number };
    return { __ticks, __messages };
  });
const lastStep = async (page: Page) => Number(await page.getByTestId('loss-chart').getAttribute('data-last-step'));
const epochsShown = async (page: Page) => Number(await page.getByTestId('training-status').getAttribute('data-epochs'));

test('a hidden tab keeps training; its charts catch up when it is shown again', async () => {
  const page = tabs.context.pages()[0] ?? (await tabs.context.newPage());
  // Counts what reaches the page from its worker, and a 10 ms timer that shows whether the page is throttled.
  await page.addInitScript(() => {
    const w = window as unknown as { __ticks: number; __messages: number };
    w.__ticks = 0;
    w.__messages = 0;
    setInterval(() => w.__ticks++, 10);
    const Native = window.Worker;
    window.Worker = class extends Native {
      constructor(...args: ConstructorParameters<typeof Worker>) {
        super(...args);
        this.addEventListener('message', () => w.__messages++);
      }
    };
  });
  await page.goto(`${inject('baseUrl')}?backend=webgpu`);
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  expect(await page.getByTestId('backend-name').textContent()).toBe('webgpu');
  await setField(page, 'epochs', '8');
  await setField(page, 'hiddenUnits', '64');
  await setField(page, 'learningRate', '0.003');
  await page.getByTestId('train-button').click();
  await expect.poll(() => epochsShown(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(1);

  // Another tab comes to the front: ours is now a background tab.
  const other = await tabs.context.newPage();
  await other.bringToFront();
  await expect.poll(() => page.evaluate(() => document.visibilityState)).toBe('hidden');
  const hiddenAt = { ...(await counters(page)), time: Date.now(), step: await lastStep(page), epoch: (await checkpoint(page))?.epoch ?? 0 };

  // The worker finishes two more epochs (checkpoints) while the tab stays hidden.
  await expect.poll(async () => (await checkpoint(page))?.epoch ?? 0, { timeout: 180_000, interval: 1000 }).toBeGreaterThanOrEqual(hiddenAt.epoch + 2);
  const reached = (await checkpoint(page))!;
  const now = { ...(await counters(page)), time: Date.now() };
  const seconds = (now.time - hiddenAt.time) / 1000;
  expect(await page.evaluate(() => document.visibilityState)).toBe('hidden');
  // Really in the background: the 10 ms timer ran about once a second, not a hundred times.
  expect((now.__ticks - hiddenAt.__ticks) / seconds).toBeLessThan(5);
  // Throttled in the worker: loss deltas and progress at most four times a second each, plus epoch reports.
  expect((now.__messages - hiddenAt.__messages) / seconds).toBeLessThan(10);
  // Nobody sees the loss curve, so it was not rebuilt while hidden...
  expect(await lastStep(page)).toBe(hiddenAt.step);
  // ...but the epochs are counted as they come.
  expect(await epochsShown(page)).toBeGreaterThanOrEqual(reached.epoch);

  // Shown again: the chart catches up with every step trained meanwhile.
  await page.bringToFront();
  await expect.poll(() => page.evaluate(() => document.visibilityState)).toBe('visible');
  await expect.poll(() => lastStep(page), { timeout: 10_000 }).toBeGreaterThanOrEqual(reached.step);
  expect(Number(await page.getByTestId('epoch-loss-chart').getAttribute('data-points'))).toBeGreaterThanOrEqual(reached.epoch);

  await page.getByTestId('stop-button').click();
  await page.getByTestId('run-row').first().waitFor({ timeout: 120_000 });
  expect(await page.getByTestId('run-row').first().textContent()).toMatch(/^Demo zoo \(seed 7\)semantic-mlp.*webgpu/);
  await other.close();
});
