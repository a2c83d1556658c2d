/**
 * An image-folder extraction cut short by a reload resumes: dropping the same
 * folder again says how many pictures are already embedded, loading skips them,
 * and once the dataset is complete nothing is left to resume.
 */
import type { Browser } from 'playwright';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { PICTURE_CLASS_NAMES } from '../../src/core/demos/picture-world.ts';
import { launch } from './browser.ts';
import { writeImageFolder } from './image-folder-files.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launch({ webgpu: true });
});

afterAll(async () => {
  await browser?.close();
});

test('a reload mid-extraction, then the same drop: the pictures already embedded are skipped', async () => {
  const perClass = 2;
  const total = perClass * PICTURE_CLASS_NAMES.length;
  const folder = writeImageFolder(perClass);
  const page = await browser.newPage();
  await page.goto(inject('baseUrl'));
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });

  const drop = async () => {
    await page.getByTestId('folder-input').setInputFiles(folder);
    await expect.poll(() => page.getByTestId('staged-layout').textContent(), { timeout: 60_000 }).toMatch(/pictures in class folders/);
  };
  await drop();
  expect(await page.getByTestId('staged-resume').count()).toBe(0);
  await page.getByTestId('load-button').click();

  // Reload once a few batches are embedded (and kept), well before the end.
  const embedded = async () => Number(/\((\d+) of \d+ pictures/.exec((await page.getByTestId('dataset-progress').textContent().catch(() => '')) ?? '')?.[1] ?? 0);
  await expect.poll(embedded, { timeout: 240_000, interval: 100 }).toBeGreaterThanOrEqual(70);
  await page.reload();
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });

  await drop();
  await expect.poll(() => page.getByTestId('staged-resume').textContent(), { timeout: 60_000 }).toMatch(new RegExp(`^Resuming: \\d+ of ${total} pictures already embedded`));
  const kept = Number(/Resuming: (\d+) of/.exec((await page.getByTestId('staged-resume').textContent())!)![1]);
  expect(kept).toBeGreaterThanOrEqual(32);
  expect(kept).toBeLessThan(total);

  await page.getByTestId('load-button').click();
  await expect.poll(() => page.getByTestId('dataset-images').textContent(), { timeout: 240_000 }).toBe(String(total));
  expect(await page.getByTestId('notice').textContent()).toContain(`Resumed an interrupted extraction: ${kept} of ${total} pictures already embedded.`);

  // Complete: nothing is left to resume.
  await drop();
  await page.getByTestId('staged').waitFor();
  expect(await page.getByTestId('staged-resume').count()).toBe(0);
  await page.close();
});
