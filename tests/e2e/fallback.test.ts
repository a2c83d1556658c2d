/**
 * Without WebGPU the app falls back (WebGL, then WASM, then CPU), says why, and
 * still trains; a backend picked by hand is honoured.
 */
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import type { Browser } from 'playwright';
import { launch, setField } from './browser.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launch({ webgpu: false });
});

afterAll(async () => {
  await browser?.close();
});

test('falls back when WebGPU is missing and explains why', async () => {
  const page = await browser.newPage();
  await page.goto(inject('baseUrl'));
  await expect.poll(() => page.getByTestId('backend-name').textContent(), { timeout: 60_000 }).not.toBe('starting…');
  const backend = await page.getByTestId('backend-name').textContent();
  expect(['webgl', 'wasm', 'cpu']).toContain(backend);
  expect(await page.getByTestId('backend-notes').textContent()).toMatch(/WebGPU unavailable: /);

  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  await setField(page, 'epochs', '1');
  await setField(page, 'hiddenUnits', '64');
  await setField(page, 'learningRate', '0.003');
  await page.getByTestId('train-button').click();
  await page.getByTestId('run-row').first().waitFor({ timeout: 240_000 });
  expect(await page.getByTestId('run-row').first().textContent()).toContain(backend!);
  await page.close();
});

test('honours a backend picked by hand (WASM, its binaries served from public/, threaded in an isolated page)', async () => {
  const page = await browser.newPage();
  const requests: string[] = [];
  const refused: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) refused.push(message.text());
  });
  await page.goto(`${inject('baseUrl')}?backend=wasm`);
  await expect.poll(() => page.getByTestId('backend-name').textContent(), { timeout: 60_000 }).toBe('wasm');
  // The page is cross-origin isolated, so the worker loads the threaded build; its thread workers (blob: URLs) pass the policy.
  expect(requests.filter((url) => url.endsWith('.wasm')).map((url) => url.split('/').at(-1))).toContain('tfjs-backend-wasm-threaded-simd.wasm');
  expect(refused).toEqual([]);
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  await setField(page, 'epochs', '1');
  await setField(page, 'hiddenUnits', '64');
  await page.getByTestId('train-button').click();
  await page.getByTestId('run-row').first().waitFor({ timeout: 240_000 });
  expect(await page.getByTestId('run-row').first().textContent()).toContain('wasm');
  await page.close();
});
