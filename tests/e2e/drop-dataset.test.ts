/**
 * A user picks a generated AwA2-format folder: the page shows what it recognised,
 * parses it in the worker, stores it for the next visit, and trains on its proposed split. A broken feature file
 * is explained (file and line) and the loaded dataset stays.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { STRICT_POLICY } from '../../src/client/site-policy.ts';
import { makeFixture } from '../unit/io/helpers/fixtures.ts';
import { genericRelease } from '../unit/io/helpers/generic-release.ts';
import { shapedRelease } from '../unit/helpers/xlsa17-shaped.ts';
import { foreignRequests, launch, setField, watchEgress } from './browser.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launch({ webgpu: true });
});

afterAll(async () => {
  await browser?.close();
});

function writeRelease(files: Record<string, Uint8Array>, patch: (p: string, bytes: Uint8Array) => Uint8Array = (_, b) => b): string {
  const root = mkdtempSync(path.join(tmpdir(), 'zsl-drop-'));
  for (const [relative, bytes] of Object.entries(files)) {
    const target = path.join(root, relative);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, patch(relative, bytes));
  }
  return path.join(root, Object.keys(files)[0]!.split('/')[0]!);
}

test('a dropped AwA2 folder is recognised, parsed, and trained on', async () => {
  const fixture = makeFixture();
  const folder = writeRelease(fixture.text);
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const egress = await watchEgress(page);
  await page.goto(`${inject('baseUrl')}?backend=webgpu`);
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 }); // the demo first
  // One policy (written by csp.js before any other script): the app's own origin only, no site allowed.
  expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').count()).toBe(1);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toBe(STRICT_POLICY);
  expect(csp).toMatch(/default-src 'self'/);
  expect(csp).toMatch(/connect-src 'self';/);

  await page.getByTestId('folder-input').setInputFiles(folder);
  await expect.poll(() => page.getByTestId('staged-layout').textContent(), { timeout: 30_000 }).toBe('AwA2 text release');
  await page.getByTestId('load-button').click();
  await expect
    .poll(() => page.getByTestId('dataset-images').textContent(), { timeout: 60_000 })
    .toBe(String(fixture.labels.length));

  // It was stored for next time: after a reload it loads without parsing.
  await expect.poll(() => page.getByTestId('stored-dataset').count(), { timeout: 30_000 }).toBe(1);
  await page.reload();
  await page.getByTestId('stored-dataset').first().waitFor({ timeout: 60_000 });
  await page.getByTestId('stored-dataset').first().getByRole('button', { name: 'Load' }).click();
  await expect
    .poll(() => page.getByTestId('dataset-images').textContent(), { timeout: 60_000 })
    .toBe(String(fixture.labels.length));

  await page.locator('select').filter({ has: page.locator('option[value="ps"]') }).selectOption('ps');
  await setField(page, 'epochs', '2');
  await setField(page, 'hiddenUnits', '32');
  await setField(page, 'batchSize', '8');
  await page.getByTestId('train-button').click();
  await page.getByTestId('run-row').first().waitFor({ timeout: 120_000 });
  const row = await page.getByTestId('run-row').first().textContent();
  expect(row).toContain('ps');
  expect(row).toContain('webgpu');

  // Classify one of the dropped images and export the model: still nothing leaves the machine.
  await page.locator('input[name="image"]').fill('1');
  await page.getByTestId('classify-button').click();
  await expect.poll(() => page.locator('[data-testid="top-classes"] li').count(), { timeout: 30_000 }).toBeGreaterThan(0);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-model').click()]);
  expect(download.suggestedFilename()).toMatch(/^zero-shot-studio-semantic-mlp-.*\.json$/);

  // A broken feature file: a clear sentence naming the file and line; the dataset stays.
  const broken = writeRelease(fixture.text, (p, bytes) => {
    if (!p.endsWith('-features.txt')) return bytes;
    const lines = new TextDecoder().decode(bytes).split('\n');
    lines[6] = lines[6]!.replace(/\S+$/, 'oops');
    return new TextEncoder().encode(lines.join('\n'));
  });
  await page.getByTestId('folder-input').setInputFiles(broken);
  await expect.poll(() => page.getByTestId('staged-layout').textContent(), { timeout: 30_000 }).toBe('AwA2 text release');
  await page.getByTestId('load-button').click();
  await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 30_000 }).toMatch(/AwA2-features\.txt, line 7: .*oops/);
  expect(await page.getByTestId('dataset-images').textContent()).toBe(String(fixture.labels.length));

  // The whole session (load, drop, parse, store, reload, train, classify, export) stayed on this machine.
  expect(egress.requests.length).toBeGreaterThan(3);
  expect(foreignRequests(egress.requests, inject('baseUrl'))).toEqual([]);
  expect(await egress.violations()).toEqual([]);
  // Dropped files are read locally: no request ever carried their names.
  expect(egress.requests.filter((url) => /AwA2-|classes\.txt|predicate/.test(url))).toEqual([]);
  await context.close();
});

test('a dropped folder of own .npy features loads and trains; an xlsa17 CUB folder is named CUB and compared with CUB’s published numbers', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 2400 } });
  await page.goto(inject('baseUrl'));
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });

  await page.getByTestId('folder-input').setInputFiles(writeRelease(genericRelease('my-dataset/').files));
  await expect.poll(() => page.getByTestId('staged-layout').textContent(), { timeout: 30_000 }).toMatch(/your own features/);
  await page.getByTestId('load-button').click();
  await expect.poll(() => page.getByTestId('dataset-images').textContent(), { timeout: 60_000 }).toBe('72');
  expect(await page.getByTestId('dataset-summary').textContent()).toMatch(/6 classes × 4 attributes \(own features\)/);
  await page.locator('select[name="method"]').selectOption('eszsl');
  await page.getByTestId('train-button').click();
  await page.getByTestId('run-row').first().waitFor({ timeout: 120_000 });
  expect(await page.getByTestId('run-row').first().textContent()).toMatch(/^6 classes × 4 attributes \(own features\)eszslgivenatt/);
  await page.getByTestId('no-published').waitFor();

  const cub = shapedRelease('CUB');
  const files: Record<string, Uint8Array> = {};
  for (const file of cub.files) files[file.path] = new Uint8Array(await new Response(file.stream()).arrayBuffer());
  await page.getByTestId('folder-input').setInputFiles(writeRelease(files));
  await expect.poll(() => page.getByTestId('staged-layout').textContent(), { timeout: 30_000 }).toBe('xlsa17 release');
  await page.getByTestId('load-button').click();
  await expect.poll(() => page.getByTestId('dataset-summary').textContent(), { timeout: 60_000 }).toMatch(/CUB \(xlsa17 release\)/);
  await page.getByTestId('train-button').click();
  await expect.poll(() => page.getByTestId('run-row').count(), { timeout: 120_000 }).toBe(2);
  expect(await page.getByTestId('run-row').first().textContent()).toMatch(/^CUB \(xlsa17 release\)eszslpsatt/);
  await page.getByRole('button', { name: /published CUB results/ }).click();
  const table = await page.getByTestId('published-table').textContent();
  expect(table).toMatch(/ESZSL.*53\.9.*12\.6.*63\.8.*21\.0/);
  expect(table).not.toMatch(/AGZSL/); // an AwA2-only row
  // Both datasets stay stored side by side.
  await expect.poll(() => page.getByTestId('stored-dataset').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  await page.close();
});
