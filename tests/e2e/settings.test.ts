/**
 * Settings live in IndexedDB, saved as they change: opening the app's bare
 * address (a bookmark without a query) in the same profile brings them back,
 * while a link that carries a setup wins over them.
 */
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import type { Browser, Page } from 'playwright';
import { launch, setField } from './browser.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launch({ webgpu: true });
});

afterAll(async () => {
  await browser?.close();
});

/** The kept settings record, read straight from the app's database. */
function keptSettings(page: Page): Promise<{ config?: { method: string; seed: number; calibration: string; params: Record<string, unknown> }; backendChoice?: string; classifyScope?: string } | null> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('zero-shot-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('settings')) {
            db.close();
            resolve(null);
            return;
          }
          const get = db.transaction('settings').objectStore('settings').get('current');
          get.onsuccess = () => {
            db.close();
            resolve(get.result ?? null);
          };
        };
      }),
  );
}

async function setup(page: Page) {
  return {
    method: await page.locator('select[name="method"]').inputValue(),
    seed: await page.locator('input[name="seed"]').inputValue(),
    calibration: await page.locator('select[name="calibration"]').inputValue(),
    backend: await page.getByTestId('backend-name').textContent(),
  };
}

test('settings come back on a bare address; a shared link overrides them', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const bare = inject('baseUrl');
  await page.goto(bare);
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });

  await page.getByLabel('Backend').selectOption('wasm');
  await expect.poll(() => page.getByTestId('backend-name').textContent(), { timeout: 60_000 }).toBe('wasm');
  await page.locator('select[name="method"]').selectOption('eszsl');
  await setField(page, 'featureReg', '100');
  await setField(page, 'seed', '13');
  await page.locator('select[name="calibration"]').selectOption('holdout');
  await page.getByTestId('train-button').click();
  await page.getByTestId('run-row').first().waitFor({ timeout: 60_000 });
  await page.locator('select[name="scope"]').selectOption('all');
  // Saved as they change (no save button, no unload handler).
  await expect.poll(() => keptSettings(page), { timeout: 10_000 }).toMatchObject({
    config: { method: 'eszsl', seed: 13, calibration: 'holdout', params: { featureReg: 100 } },
    backendChoice: 'wasm',
    classifyScope: 'all',
  });

  // The bookmark without a query, in the same profile: the last visit's settings.
  const again = await context.newPage();
  await again.goto(bare);
  await again.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  await expect.poll(() => setup(again), { timeout: 60_000 }).toEqual({ method: 'eszsl', seed: '13', calibration: 'holdout', backend: 'wasm' });
  expect(await again.locator('input[name="featureReg"]').inputValue()).toBe('100');
  await expect.poll(() => again.locator('select[name="scope"]').inputValue(), { timeout: 60_000 }).toBe('all');
  // The address bar now carries them, so the page's link reproduces the setup.
  expect(new URL(again.url()).searchParams.get('method')).toBe('eszsl');
  await page.close();

  // A shared link wins: its setup, and its defaults for what it leaves out (the automatic backend).
  await again.goto(`${bare}?dataset=demo-3&method=sae&split=demo&seed=5`);
  await again.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  await expect.poll(() => setup(again), { timeout: 60_000 }).toEqual({ method: 'sae', seed: '5', calibration: 'none', backend: 'wasm' });
  // Choices outside a shared setup stay the user's own.
  await expect.poll(() => keptSettings(again), { timeout: 10_000 }).toMatchObject({ config: { method: 'sae', seed: 5 }, backendChoice: 'auto', classifyScope: 'all' });
  await context.close();
});
