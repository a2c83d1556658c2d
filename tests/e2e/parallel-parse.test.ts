/**
 * The built app parses a big feature file on several threads: a 70 MB AwA2-layout
 * release (11,000 images × 1,024 %g-style values) goes through the production
 * bundle's part workers (the page is cross-origin isolated) and the dataset
 * arrives whole: 11,000 images of 1,024 values, no notice. That the parallel result
 * is bit-identical to the one-thread parse is tested in tests/browser/parallel-parse;
 * this test is about the production bundle (its part-worker chunk, the headers and
 * policy it is served with).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { createRng } from '../../src/core/compute/rng.ts';
import { makeFixture, CLASSES } from '../unit/io/helpers/fixtures.ts';
import { launch } from './browser.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launch({ webgpu: false });
});

afterAll(async () => {
  await browser?.close();
});

const IMAGES = 11000;
const DIM = 1024;

/** The fixture's class side with 11,000 images of 1,024 values, written as a release folder. */
function writeBigRelease(): { folder: string; bytes: number } {
  const fixture = makeFixture();
  const root = mkdtempSync(path.join(tmpdir(), 'zsl-parallel-'));
  const rng = createRng(21);
  const lines: string[] = [];
  for (let i = 0; i < IMAGES; i++) {
    const row: string[] = new Array(DIM);
    // Varying lengths and exponents, as %g prints them.
    for (let k = 0; k < DIM; k++) {
      const x = rng.next();
      row[k] = k % 5 === 0 ? (x * 1e-6).toExponential(4) : String(Number((x * 3).toPrecision(1 + (k % 6))));
    }
    lines.push(row.join(' '));
  }
  const files: Record<string, string | Uint8Array> = { ...fixture.text };
  const features = 'Animals_with_Attributes2/Features/ResNet101/';
  files[`${features}AwA2-features.txt`] = lines.join('\n') + '\n';
  files[`${features}AwA2-labels.txt`] = Array.from({ length: IMAGES }, (_, i) => String((i % CLASSES.length) + 1)).join('\n') + '\n';
  files[`${features}AwA2-filenames.txt`] = Array.from({ length: IMAGES }, (_, i) => `${CLASSES[i % CLASSES.length]}_${10001 + i}.jpg`).join('\n') + '\n';
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(root, relative);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  return { folder: path.join(root, 'Animals_with_Attributes2'), bytes: Buffer.byteLength(files[`${features}AwA2-features.txt`] as string) };
}

test('a 70 MB feature file is parsed by the built app on several threads and arrives whole', async () => {
  const { folder, bytes } = writeBigRelease();
  expect(bytes).toBeGreaterThan(64 << 20); // big enough for two parts (and the early start of a part worker)
  const page = await browser.newPage();
  const workers: string[] = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  await page.goto(`${inject('baseUrl')}?backend=wasm`);
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await page.getByTestId('folder-input').setInputFiles(folder);
  await page.getByTestId('load-button').click();
  await expect.poll(() => page.getByTestId('dataset-images').textContent(), { timeout: 120_000 }).toMatch(/^11\D?000$/);
  expect(await page.getByTestId('dataset-summary').textContent()).toContain(`Feature size${DIM}`);
  // The production bundle's part worker was started next to the app's worker.
  expect(workers.some((url) => /feature-part/.test(url)), workers.join(', ')).toBe(true);
  expect(await page.getByTestId('notice').count()).toBe(0);
  await page.close();
});
