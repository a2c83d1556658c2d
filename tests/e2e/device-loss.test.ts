/**
 * The WebGPU device is really lost in the middle of a training: the test calls
 * destroy() on the GPUDevice tfjs computes on, from outside the app (through
 * tfjs's engine, which it keeps on the worker's global scope), as a driver
 * reset or the browser reclaiming the GPU would take it away. Nothing in the
 * app is told beforehand and no test hook is built into it. Its reads then
 * fail with an AbortError and device.lost resolves (reason 'destroyed'); the
 * app must treat both as a loss, not as a cancel.
 *
 * Checked: the app falls back to the next backend and says so in a sentence,
 * keeps the runs table and the curves drawn up to the loss, offers to resume
 * from the last finished epoch, resumes there, classifies, and can go back to
 * WebGPU on a new device.
 */
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import type { Browser } from 'playwright';
import { launch, setField } from './browser.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launch({ webgpu: true });
});

afterAll(async () => {
  await browser?.close();
});

test('a lost WebGPU device mid-training: fallback, explained, nothing lost, training resumes', async () => {
  const page = await browser.newPage();
  await page.goto(`${inject('baseUrl')}?backend=webgpu`);
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  expect(await page.getByTestId('backend-name').textContent()).toBe('webgpu');
  const rows = () => page.getByTestId('run-row').count();
  const points = async (chart: string) => Number(await page.getByTestId(chart).getAttribute('data-points'));

  // A finished run in the table first, which the loss must not cost.
  await page.locator('select[name="method"]').selectOption('eszsl');
  await page.getByTestId('train-button').click();
  await expect.poll(rows, { timeout: 60_000 }).toBe(1);

  await page.locator('select[name="method"]').selectOption('semantic-mlp');
  await setField(page, 'epochs', '3');
  await setField(page, 'hiddenUnits', '64');
  await setField(page, 'learningRate', '0.003');
  await page.getByTestId('train-button').click();
  await expect.poll(async () => Number(await page.getByTestId('training-status').getAttribute('data-epochs')), { timeout: 120_000 }).toBeGreaterThanOrEqual(1);

  const [worker] = page.workers();
  expect(worker).toBeDefined();
  const destroyed = await worker!.evaluate(() => {
    const engine = (self as unknown as { _tfengine?: { backendName: string; backend: { device?: GPUDevice } } })._tfengine;
    if (engine?.backendName !== 'webgpu' || !engine.backend.device) return false;
    engine.backend.device.destroy();
    return true;
  });
  expect(destroyed).toBe(true);
  const lossPoints = await points('loss-chart');
  const epochPoints = await points('epoch-loss-chart');

  // One sentence says what happened and where the app went.
  await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 60_000 }).toMatch(
    /^The WebGPU device was lost \(Device was destroyed\); switched to (webgl|wasm|cpu)\. Train, resume or restore a model again\./,
  );
  const fallback = (/switched to (\w+)/.exec((await page.getByTestId('notice').textContent())!) ?? [])[1]!;
  expect(await page.getByTestId('backend-name').textContent()).toBe(fallback);
  await expect.poll(() => page.getByTestId('training-status').textContent()).toBe('Ready');

  // Nothing lost: the table, the curves drawn up to the loss, and the last finished epoch to resume from.
  expect(await rows()).toBe(1);
  expect(await points('loss-chart')).toBeGreaterThanOrEqual(lossPoints);
  expect(await points('epoch-loss-chart')).toBeGreaterThanOrEqual(Math.max(1, epochPoints));
  await expect.poll(() => page.getByTestId('interrupted').textContent(), { timeout: 30_000 }).toMatch(/interrupted after epoch [12] of 3/);

  await page.getByTestId('resume-interrupted').click();
  await expect.poll(rows, { timeout: 240_000 }).toBe(2);
  expect(await page.getByTestId('run-row').first().textContent()).toMatch(new RegExp(`^Demo zoo \\(seed 7\\)semantic-mlp.*${fallback}3`));
  expect(await points('epoch-loss-chart')).toBe(3);

  await page.locator('input[name="image"]').fill('1');
  await page.getByTestId('classify-button').click();
  await expect.poll(() => page.locator('[data-testid="top-classes"] li').count(), { timeout: 30_000 }).toBe(5);

  // Choosing WebGPU again asks for a new device, which computes.
  await page.getByLabel('Backend').selectOption('webgpu');
  await expect.poll(() => page.getByTestId('backend-name').textContent(), { timeout: 30_000 }).toBe('webgpu');
  await page.locator('select[name="method"]').selectOption('eszsl');
  await page.getByTestId('train-button').click();
  await expect.poll(rows, { timeout: 60_000 }).toBe(3);
  expect(await page.getByTestId('run-row').first().textContent()).toMatch(/^Demo zoo \(seed 7\)eszsl.*webgpu/);
  await page.close();
});
