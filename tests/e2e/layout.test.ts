/**
 * What a newcomer meets, at a phone's width (390 px) and a wide window
 * (1400 px), on the demo zoo, the picture demo and a 200-class xlsa17 folder:
 * nothing is wider than the viewport or than its panel, the results render,
 * and the explainer tells the idea with the dataset's own classes. Full-page
 * screenshots at both widths land in test-artifacts/screenshots/ for a person
 * to look at (CI keeps them as artefacts).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { launch } from './browser.ts';
import { writeXlsaFolder } from './xlsa-folder.ts';

const SHOTS = path.resolve('test-artifacts/screenshots');
const WIDTHS = [390, 1400] as const;

let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launch({ webgpu: true });
});

afterAll(async () => {
  await browser?.close();
});

/** Elements wider than the viewport, and panels whose content is wider than the panel (by more than a pixel). */
async function overflows(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) out.push(`page ${root.scrollWidth} > ${root.clientWidth}`);
    document.querySelectorAll<HTMLElement>('.panel').forEach((panel) => {
      if (panel.scrollWidth > panel.clientWidth + 1) out.push(`${panel.querySelector('h2')?.textContent}: ${panel.scrollWidth} > ${panel.clientWidth}`);
    });
    return out;
  });
}

async function checkAndShoot(page: Page, name: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(300); // charts re-measure their width
    expect(await overflows(page), `${name} at ${width} px`).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
  }
}

/** Fits (or trains) the selected method and waits for its row and details. */
async function fitAndWait(page: Page, rows: number): Promise<void> {
  await page.getByTestId('train-button').click();
  await expect.poll(() => page.getByTestId('run-row').count(), { timeout: 240_000 }).toBe(rows);
  await page.getByTestId('run-details').waitFor();
}

test('the demo zoo: explained with its own animals, results and Classify fit 390 and 1400 px', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(inject('baseUrl'));
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  await expect.poll(() => page.getByTestId('explainer-analogy').textContent(), { timeout: 30_000 }).toMatch(/→/);
  // No empty chart frames before anything is trained.
  expect(await page.locator('figure.chart').count()).toBe(0);
  await checkAndShoot(page, 'demo-start');

  await page.locator('select[name="method"]').selectOption('eszsl');
  await fitAndWait(page, 1);
  expect(await page.locator('[data-testid="per-class-chart"] .per-class-row').count()).toBe(8);
  await page.getByTestId('classify-random').click();
  await page.getByTestId('classification').waitFor();
  expect(await page.locator('[data-testid="top-classes"] li').count()).toBe(5);
  await checkAndShoot(page, 'demo-results');

  // Skipping the explainer is remembered: after a reload it stays hidden, and one click brings it back.
  await page.getByTestId('explainer-skip').click();
  expect(await page.getByTestId('explainer').count()).toBe(0);
  await page.waitForTimeout(500); // the settings are saved as they change
  await page.reload();
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  await page.getByTestId('explainer-show').waitFor();
  expect(await page.getByTestId('explainer').count()).toBe(0);
  await page.getByTestId('explainer-show').click();
  await page.getByTestId('explainer').waitFor();
  await page.close();
});

test('random ZSL picks are unseen-class images; a seen-class image says its class is not a candidate', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(inject('baseUrl'));
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  await page.locator('select[name="method"]').selectOption('eszsl');
  await page.getByTestId('train-button').click();
  await page.getByTestId('run-row').first().waitFor({ timeout: 120_000 });
  await page.locator('select[name="scope"]').selectOption('unseen');

  for (let i = 1; i <= 8; i++) {
    await page.getByTestId('classify-random').click();
    await expect.poll(() => page.getByTestId('classification').getAttribute('data-result')).toBe(String(i));
    expect(await page.getByTestId('true-class').textContent()).toMatch(/test image of an unseen class.*never seen in training/);
    expect(await page.getByTestId('not-a-candidate').count()).toBe(0);
    const rank = Number(await page.getByTestId('true-rank').getAttribute('data-rank'));
    expect(rank).toBeGreaterThanOrEqual(1);
    // Confidences are a softmax over the candidates: within [0, 1], best first.
    const confidences = await page.locator('[data-testid="top-classes"] li').evaluateAll((items) => items.map((li) => Number(li.getAttribute('data-confidence'))));
    expect([...confidences].sort((a, b) => b - a)).toEqual(confidences);
    expect(confidences.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-9);
  }

  // Find a seen-class test image among GZSL picks, then ask about it with unseen classes only.
  await page.locator('select[name="scope"]').selectOption('all');
  let seenIndex: string | null = null;
  for (let i = 0; i < 30 && seenIndex === null; i++) {
    const before = await page.getByTestId('classification').getAttribute('data-result');
    await page.getByTestId('classify-random').click();
    await expect.poll(() => page.getByTestId('classification').getAttribute('data-result')).not.toBe(before);
    if (/\(seen in training\)/.test((await page.getByTestId('true-class').textContent()) ?? '')) seenIndex = await page.locator('input[name="image"]').inputValue();
  }
  expect(seenIndex).not.toBeNull();
  await page.locator('select[name="scope"]').selectOption('unseen');
  await page.locator('input[name="image"]').fill(seenIndex!);
  await page.getByTestId('classify-button').click();
  await expect.poll(() => page.getByTestId('not-a-candidate').count()).toBe(1);
  expect(await page.getByTestId('not-a-candidate').textContent()).toMatch(/is a seen class.*cannot appear/);
  await page.close();
});

test('switching dataset clears the old model status, curves and Classify', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(inject('baseUrl'));
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  await page.locator('select[name="method"]').selectOption('eszsl');
  await page.getByTestId('train-button').click();
  await page.getByTestId('run-row').first().waitFor({ timeout: 120_000 });
  await expect.poll(() => page.getByTestId('model-status').getAttribute('data-state')).toBe('ready');

  await page.getByLabel('Demo seed').fill('8');
  await page.getByRole('button', { name: 'Regenerate demo' }).click();
  await expect.poll(() => page.getByTestId('dataset-summary').textContent(), { timeout: 60_000 }).toMatch(/seed 8/i);
  await expect.poll(() => page.getByTestId('model-status').getAttribute('data-state')).toBe('none');
  expect(await page.getByTestId('model-status').textContent()).not.toMatch(/Ready to classify/);
  expect(await page.getByTestId('classify-empty').count()).toBe(1);
  expect(await page.getByTestId('run-details').count()).toBe(0);
  await page.close();
});

test('the picture demo: its legend lists the never-seen combinations; it fits 390 and 1400 px', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(inject('baseUrl'));
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  await page.getByTestId('picture-demo').click();
  await expect.poll(() => page.getByTestId('dataset-summary').textContent(), { timeout: 180_000 }).toMatch(/picture/i);
  expect(await page.locator('[data-testid="picture-unseen"] li').count()).toBe(24);
  await fitAndWait(page, 1);
  await page.getByTestId('classify-random').click();
  await page.getByTestId('attribute-evidence').waitFor();
  // The dataset's own picture is shown beside the answer (redrawn from the demo's seed).
  expect(await page.getByTestId('dataset-picture').count()).toBe(1);
  await checkAndShoot(page, 'pictures');
  await page.close();
});

test('a 200-class xlsa17 folder: per-class bars, a canvas confusion map and most-confused pairs, inside the panel', async () => {
  const folder = writeXlsaFolder({ classes: 200, unseen: 50 });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(inject('baseUrl'));
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  await page.getByTestId('folder-input').setInputFiles(folder);
  await page.getByTestId('load-button').click({ timeout: 60_000 });
  await expect.poll(() => page.getByTestId('dataset-images').textContent(), { timeout: 120_000 }).toBe('1,200');
  await page.locator('select[name="method"]').selectOption('eszsl');
  await fitAndWait(page, 1);
  expect(await page.locator('[data-testid="per-class-chart"] .per-class-row').count()).toBe(50);
  // Sorted best first, full names.
  const values = await page.locator('[data-testid="per-class-chart"] .per-class-value').allTextContents();
  const numbers = values.map((v) => Number.parseFloat(v));
  expect([...numbers].sort((a, b) => b - a)).toEqual(numbers);
  expect(await page.locator('[data-testid="per-class-chart"]').textContent()).toContain('Black footed Woodpecker');
  await page.getByTestId('confusion-canvas').hover({ position: { x: 5, y: 5 } });
  await expect.poll(() => page.getByTestId('confusion-hover').textContent()).toMatch(/→ .*: \d+ of \d+ images/);
  expect(await page.locator('[data-testid="confused-pairs"] li').count()).toBeGreaterThan(0);
  await checkAndShoot(page, 'xlsa-200');
  await page.close();
});

test('a reload in the middle of training on the picture demo resumes it', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(inject('baseUrl'));
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  await page.getByTestId('picture-demo').click();
  await expect.poll(() => page.getByTestId('dataset-summary').textContent(), { timeout: 180_000 }).toMatch(/picture/i);
  await page.locator('select[name="method"]').selectOption('semantic-mlp');
  // 40 epochs of 60 steps: long enough, even with the fused step on WASM, to reload in the middle.
  await page.locator('input[name="epochs"]').fill('40');
  await page.locator('input[name="hiddenUnits"]').fill('32');
  await page.locator('input[name="batchSize"]').fill('16');
  await page.getByTestId('train-button').click();
  // Two epochs shown: the first one's checkpoint is surely written (the second epoch's may be in flight).
  await expect.poll(async () => Number(await page.getByTestId('training-status').getAttribute('data-epochs')), { timeout: 180_000 }).toBeGreaterThanOrEqual(2);

  await page.reload();
  await expect.poll(() => page.getByTestId('interrupted').textContent(), { timeout: 180_000 }).toMatch(/interrupted after epoch ([1-9]|[1-3][0-9]) of 40/);
  expect(await page.getByTestId('dataset-summary').textContent()).toMatch(/picture/i);
  expect(await page.getByTestId('notice').count()).toBe(0); // no "not stored in this browser" about a built-in demo
  await page.getByTestId('resume-interrupted').click();
  await page.getByTestId('run-row').first().waitFor({ timeout: 180_000 });
  expect(await page.getByTestId('run-row').first().textContent()).toMatch(/^Picture world \(seed 7\)semantic-mlp.*wasm40/);
  await page.close();
});
