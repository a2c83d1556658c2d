/**
 * The built app in headless Chromium with real WebGPU (SwiftShader): it opens,
 * reports the webgpu backend, trains the demo, the charts fill, accuracy beats
 * chance, and the main thread never blocks for more than 50 ms while training.
 */
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import type { Browser } from 'playwright';
import { deprioritiseGpuProcess, deprioritiseWorkers, launch, longTasksSince, observeLongTasks, setField } from './browser.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launch({ webgpu: true });
});

afterAll(async () => {
  await browser?.close();
});

test('trains the demo on WebGPU with live charts and a smooth page', async () => {
  const page = await browser.newPage();
  expect(deprioritiseGpuProcess()).toBeGreaterThan(0);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await observeLongTasks(page);
  await page.goto(`${inject('baseUrl')}?backend=webgpu`);

  await expect.poll(() => page.getByTestId('backend-name').textContent(), { timeout: 60_000 }).toBe('webgpu');
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  const images = Number((await page.getByTestId('dataset-images').textContent())!.replace(/[^0-9]/g, ''));
  expect(images).toBeGreaterThanOrEqual(1000);

  const epochs = 3;
  await setField(page, 'epochs', String(epochs));
  await setField(page, 'learningRate', '0.001');
  expect(deprioritiseWorkers()).toBeGreaterThan(0);
  const trainingStarted = await page.evaluate(() => performance.now());
  await page.getByTestId('train-button').click();

  await page.getByTestId('run-row').first().waitFor({ timeout: 240_000 });
  // While training: from the click to the moment the result arrived (drawing the results afterwards is not training).
  const finished = await page.evaluate(() => performance.getEntriesByName('zsl:training-finished').at(-1)!.startTime);
  const longTasks = (await longTasksSince(page, trainingStarted)).filter((t) => t.start < finished);

  const lossPoints = Number(await page.getByTestId('loss-chart').getAttribute('data-points'));
  const epochPoints = Number(await page.getByTestId('epoch-accuracy-chart').getAttribute('data-points'));
  expect(lossPoints).toBeGreaterThan(10);
  expect(epochPoints).toBe(epochs);
  // Recharts drew the lines, not just received the data.
  await expect.poll(() => page.locator('[data-testid="loss-chart"] .recharts-line-curve').count()).toBeGreaterThan(0);

  const top1 = Number(await page.getByTestId('run-zsl-top1').first().getAttribute('data-value'));
  const chance = 1 / 8; // the demo keeps 8 animals unseen
  expect(top1).toBeGreaterThan(2 * chance);
  expect(await page.getByTestId('run-row').first().textContent()).toContain('webgpu');

  expect(longTasks, `main-thread tasks over 50 ms: ${JSON.stringify(longTasks)}`).toEqual([]);
  expect(errors).toEqual([]);
  await page.close();
});
