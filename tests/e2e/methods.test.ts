/**
 * The method zoo from the page: a closed form and a ranking method, calibrated,
 * side by side in the runs table, with their details; the demo has no published numbers.
 */
import type { Browser } from 'playwright';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { launch, setField } from './browser.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launch({ webgpu: true });
});

afterAll(async () => {
  await browser?.close();
});

test('ESZSL and DeViSE train from the page, each row naming its dataset and semantics, and the demo shows no published numbers', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 2400 } });
  await page.goto(inject('baseUrl'));
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });

  await page.locator('select[name="method"]').selectOption('eszsl');
  await page.locator('select[name="calibration"]').selectOption('holdout');
  await page.getByTestId('train-button').click();
  await expect.poll(() => page.getByTestId('run-row').count(), { timeout: 120_000 }).toBe(1);

  await page.locator('select[name="method"]').selectOption('devise');
  await setField(page, 'epochs', '3');
  await setField(page, 'learningRate', '0.01');
  await page.getByTestId('train-button').click();
  await expect.poll(() => page.getByTestId('run-row').count(), { timeout: 180_000 }).toBe(2);

  const rows = await page.getByTestId('run-row').allTextContents();
  // Each row names its dataset and the class semantics its method's protocol uses.
  expect(rows[0]).toMatch(/^Demo zoo \(seed 7\)devisedemoatt/);
  expect(rows[1]).toMatch(/^Demo zoo \(seed 7\)eszsldemoatt.*closed form/);
  const top1 = await page.getByTestId('run-zsl-top1').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value'))));
  for (const value of top1) expect(value).toBeGreaterThan(1 / 8);

  // The newest run's details: per-class bars, confusion matrix, embedding map.
  await page.getByTestId('run-details').waitFor();
  expect(await page.locator('[data-testid="confusion-matrix"] tbody tr').count()).toBe(8);
  await page.getByTestId('map-button').click();
  await expect.poll(async () => Number(await page.getByTestId('embedding-map').getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThan(36);

  // Clicking the older run shows its curves again (a closed form has none, and says so instead of an empty frame) and its details.
  await page.getByTestId('run-row').nth(1).click();
  await expect.poll(() => page.getByTestId('no-curves').count()).toBe(1);
  expect(await page.getByTestId('epoch-loss-chart').count()).toBe(0);
  await page.getByTestId('run-row').nth(0).click();
  await expect.poll(() => page.getByTestId('epoch-loss-chart').getAttribute('data-points')).toBe('3');

  // The demo is none of the five benchmarks: no published numbers stand beside it (an xlsa17 drop shows its own, drop-dataset.test.ts).
  await page.getByTestId('no-published').waitFor();
  expect(await page.getByTestId('published-table').count()).toBe(0);
  await page.screenshot({ path: 'test-results/methods.png', fullPage: true });
  await page.close();
});

test('a shared link reproduces the setup, and the address bar follows every change', async () => {
  const page = await browser.newPage();
  await page.goto(`${inject('baseUrl')}?dataset=demo-3&method=eszsl&split=demo&seed=5&p.featureReg=100&calibration=holdout`);
  await expect.poll(() => page.getByTestId('dataset-summary').textContent(), { timeout: 60_000 }).toMatch(/Demo zoo \(seed 3\)/);
  expect(await page.locator('select[name="method"]').inputValue()).toBe('eszsl');
  expect(await page.locator('input[name="featureReg"]').inputValue()).toBe('100');
  expect(await page.locator('input[name="seed"]').inputValue()).toBe('5');
  expect(await page.locator('select[name="calibration"]').inputValue()).toBe('holdout');

  await setField(page, 'attributeReg', '10');
  await expect.poll(() => new URL(page.url()).searchParams.get('p.attributeReg')).toBe('10');
  expect(new URL(page.url()).searchParams.get('dataset')).toBe('demo-3');
  await page.close();
});
