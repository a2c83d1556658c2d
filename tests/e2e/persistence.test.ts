/**
 * Nothing lost: a reload brings back the runs, their curves and the model ready
 * to classify; an exported model round-trips into a fresh browser profile and
 * into the command line with identical predictions.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { launch } from './browser.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launch({ webgpu: true });
});

afterAll(async () => {
  await browser?.close();
});

async function topClasses(page: Page, image: number): Promise<string[]> {
  await page.locator('input[name="image"]').fill(String(image));
  await page.getByTestId('classify-button').click();
  await expect.poll(() => page.locator('[data-testid="classification"] p').first().textContent()).toContain(`Image ${image} `);
  return page.locator('[data-testid="top-classes"] li').evaluateAll((items) => items.map((li) => li.getAttribute('data-class') ?? ''));
}

test('a reload restores runs, curves and the model; an exported model predicts identically elsewhere', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${inject('baseUrl')}?backend=webgpu`);
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  await page.locator('select[name="method"]').selectOption('devise');
  await page.locator('input[name="epochs"]').fill('2');
  await page.locator('input[name="learningRate"]').fill('0.01');
  await page.getByTestId('train-button').click();
  await page.getByTestId('run-row').first().waitFor({ timeout: 120_000 });
  const before = await topClasses(page, 1);
  expect(before).toHaveLength(5);
  const lossPoints = await page.getByTestId('loss-chart').getAttribute('data-points');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-model').click()]);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'zsl-model-')), download.suggestedFilename());
  await download.saveAs(file);

  // Reload: the run, its curves and the model come back.
  await page.reload();
  await expect.poll(() => page.getByTestId('run-row').count(), { timeout: 60_000 }).toBe(1);
  await expect.poll(() => page.getByTestId('model-status').textContent(), { timeout: 60_000 }).toMatch(/Ready to classify: devise/);
  expect(await page.getByTestId('loss-chart').getAttribute('data-points')).toBe(lossPoints);
  expect(await page.getByTestId('epoch-loss-chart').getAttribute('data-points')).toBe('2');
  expect(await topClasses(page, 1)).toEqual(before);
  await context.close();

  // A fresh profile imports the file and predicts the same.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(inject('baseUrl'));
  await other.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  expect(await other.getByTestId('run-row').count()).toBe(0);
  await other.getByTestId('import-model-input').setInputFiles(file);
  await expect.poll(() => other.getByTestId('model-status').textContent(), { timeout: 30_000 }).toMatch(/devise \(imported\)/);
  expect(await topClasses(other, 1)).toEqual(before);
  await fresh.close();

  // The command line reads the same file and agrees.
  const { stdout } = await promisify(execFile)('npx', ['tsx', 'src/cli/zsl.ts', 'predict', file, 'demo', '--images', '1', '--json']);
  const cli = JSON.parse(stdout.trim().split('\n').at(-1)!);
  expect(cli.predictions[0].top).toEqual(before);
});

test('a reload in the middle of training loses nothing: the curves come back and training resumes', async () => {
  const page = await browser.newPage();
  await page.goto(`${inject('baseUrl')}?backend=webgpu`);
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  await page.locator('input[name="epochs"]').fill('5');
  await page.locator('input[name="hiddenUnits"]').fill('64');
  await page.locator('input[name="learningRate"]').fill('0.003');
  await page.getByTestId('train-button').click();
  await expect.poll(async () => Number(await page.getByTestId('training-status').getAttribute('data-epochs')), { timeout: 120_000 }).toBeGreaterThanOrEqual(2);
  const stepsBefore = Number(await page.getByTestId('loss-chart').getAttribute('data-points'));

  await page.reload();
  await expect.poll(() => page.getByTestId('interrupted').textContent(), { timeout: 60_000 }).toMatch(/interrupted after epoch [2-4] of 5/);
  await page.getByTestId('resume-interrupted').click();
  // The earlier curves are back at once, before new epochs arrive.
  await expect.poll(async () => Number(await page.getByTestId('epoch-loss-chart').getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  expect(Number(await page.getByTestId('loss-chart').getAttribute('data-points'))).toBeGreaterThanOrEqual(Math.min(stepsBefore, 10));
  await page.getByTestId('run-row').first().waitFor({ timeout: 180_000 });
  expect(await page.getByTestId('run-row').first().textContent()).toMatch(/^Demo zoo \(seed 7\)semantic-mlp.*webgpu5/);
  expect(await page.getByTestId('epoch-loss-chart').getAttribute('data-points')).toBe('5');
  await expect.poll(() => page.getByTestId('interrupted').count()).toBe(0);
  await page.close();
});
