/**
 * The product's main journey with a photo, in Chromium: load a release, train,
 * drop a photo with no matching backbone (a sentence says what to load), load
 * ResNet weights (the committed narrow Keras fixture), photo answers say "not
 * verified", verify on some release pictures (cosine ≈ 1: the same space), and
 * the photo is named among the unseen classes. A file dropped anywhere on the
 * page never makes the browser leave it.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { decodePicture } from '../../src/cli/node-images.ts';
import { loadResNet, resNetSpec } from '../../src/core/backbones/resnet-backbone.ts';
import { embedPicture } from '../../src/core/demos/picture-dataset.ts';
import { FIXTURES, fixtureFile, testPicture } from '../unit/backbones/resnet-fixtures.ts';
import { CLASSES, makeFixture, PER_CLASS } from '../unit/io/helpers/fixtures.ts';
import { launch } from './browser.ts';
import { encodePng } from './png.ts';

let browser: Browser;
const root = mkdtempSync(path.join(tmpdir(), 'zsl-photo-e2e-'));
const N = CLASSES.length * PER_CLASS;
const names = Array.from({ length: N }, (_, i) => `${CLASSES[Math.floor(i / PER_CLASS)]}_${10001 + i}.jpg`);
const pictureBytes = names.map((_, i) => {
  const width = 40 + 3 * i;
  const height = 36 + ((5 * i) % 17);
  return encodePng(testPicture(width, height).map((v, k) => (k % 4 === 3 ? 255 : (v + 37 * i) % 256)) as Uint8ClampedArray, width, height);
});

beforeAll(async () => {
  await tf.setBackend('cpu');
  // The release: its rows are the fixture Keras ResNet's features (caffe, stretch) of its own pictures.
  const { model, info } = await loadResNet(fixtureFile('keras.h5'), 'keras.h5');
  const spec = resNetSpec(info, { scaling: 'caffe', resize: 'stretch' });
  const rows: string[] = [];
  for (const bytes of pictureBytes) {
    const p = decodePicture(bytes, 'picture');
    rows.push(Array.from(await embedPicture(model, spec, p.pixels, p.width, p.height)).join(' '));
  }
  model.dispose();
  const text = makeFixture().text;
  text['Animals_with_Attributes2/Features/ResNet101/AwA2-features.txt'] = new TextEncoder().encode(rows.join('\n') + '\n');
  for (const [relative, bytes] of Object.entries(text)) {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), bytes);
  }
  names.forEach((name, i) => {
    const dir = path.join(root, 'JPEGImages', name.split('_')[0]!);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, name), pictureBytes[i]!);
  });
  writeFileSync(path.join(root, 'not-a-photo.jpg'), 'this is text');
  browser = await launch({ webgpu: true });
});

afterAll(async () => {
  await browser?.close();
});

test('load a release, train, drop a photo: what to load first, then ResNet weights, the verdict, the top classes', async () => {
  const page = await browser.newPage();
  await page.goto(inject('baseUrl'));
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  const address = page.url().split('?')[0];

  // A file dropped outside any drop zone is kept by the page: the browser's default (open it) is prevented.
  const prevented = await page.evaluate(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['x'], 'photo.jpg', { type: 'image/jpeg' }));
    const fire = (type: string) => {
      const event = new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer });
      document.querySelector('h1')!.dispatchEvent(event);
      return event.defaultPrevented;
    };
    return { dragover: fire('dragover'), drop: fire('drop') };
  });
  expect(prevented).toEqual({ dragover: true, drop: true });

  await page.getByTestId('folder-input').setInputFiles(path.join(root, 'Animals_with_Attributes2'));
  await expect.poll(() => page.getByTestId('staged-layout').textContent(), { timeout: 30_000 }).toBe('AwA2 text release');
  await page.getByTestId('load-button').click();
  await expect.poll(() => page.getByTestId('dataset-images').textContent(), { timeout: 60_000 }).toBe(String(N));
  await page.locator('select').filter({ has: page.locator('option[value="eszsl"]') }).first().selectOption('eszsl');
  await page.locator('select').filter({ has: page.locator('option[value="ss"]') }).first().selectOption('ss');
  await page.getByTestId('train-button').click();
  await page.getByTestId('run-row').first().waitFor({ timeout: 120_000 });

  // A photo before any ResNet weights: the sentence says what to load first.
  const photo = path.join(root, 'JPEGImages', 'persian+cat', names[N - 1]!);
  await page.getByTestId('photo-input').setInputFiles(photo);
  await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 60_000 }).toMatch(/To classify a photo, load ResNet weights giving 128 features first/);

  // A file that is no picture: a sentence.
  await page.getByTestId('photo-input').setInputFiles(path.join(root, 'not-a-photo.jpg'));
  await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 30_000 }).toMatch(/not-a-photo\.jpg: could not be decoded; expected a JPEG, PNG or WebP picture\./);

  await page.getByTestId('backbone-input').setInputFiles(fileURLToPath(new URL('keras.h5', FIXTURES)));
  await expect.poll(() => page.getByTestId('backbone-name').textContent(), { timeout: 60_000 }).toBe('ResNet (blocks 1-2-1-1) (Keras weights)');
  expect(await page.getByTestId('backbone-verification').getAttribute('data-same')).toBe('unknown');

  await page.getByTestId('photo-input').setInputFiles(photo);
  await expect.poll(() => page.getByTestId('space-note').getAttribute('data-status'), { timeout: 60_000 }).toBe('not-verified');
  await expect.poll(() => page.locator('[data-testid="top-classes"] li').count()).toBe(2); // the standard split's unseen classes
  expect(await page.getByTestId('photo-preview').isVisible()).toBe(true);

  // Some of the release's own pictures: the verdict.
  await page.getByTestId('verify-input').setInputFiles(names.slice(0, 10).map((name) => path.join(root, 'JPEGImages', name.split('_')[0]!, name)));
  await expect.poll(() => page.getByTestId('backbone-verification').getAttribute('data-same'), { timeout: 120_000 }).toBe('true');
  expect(await page.getByTestId('backbone-verification').textContent()).toMatch(/caffe preprocessing, stretch\): median cosine 1\.00 \(10th percentile 1\.00\) on 10 release pictures — the same feature space\./);

  // GZSL over all six classes: the top five, unseen ones marked, and the verdict beside the answer.
  await page.locator('select[name="scope"]').selectOption('all');
  await page.getByTestId('photo-input').setInputFiles(photo);
  await expect.poll(() => page.getByTestId('space-note').getAttribute('data-status'), { timeout: 60_000 }).toBe('same');
  await expect.poll(() => page.locator('[data-testid="top-classes"] li').count()).toBe(5);
  expect(await page.locator('[data-testid="top-classes"] .badge-unseen').count()).toBeGreaterThan(0);
  expect(page.url().split('?')[0]).toBe(address);

  // The weights were kept in this browser: after a reload the backbone row names them again, with the preprocessing kept.
  await page.getByTestId('backbone-preprocessing').selectOption('caffe|center-crop');
  await expect.poll(() => page.getByTestId('backbone-preprocessing').inputValue(), { timeout: 30_000 }).toBe('caffe|center-crop');
  await page.reload();
  await expect.poll(() => page.getByTestId('backbone-name').textContent(), { timeout: 120_000 }).toBe('ResNet (blocks 1-2-1-1) (Keras weights)');
  expect(await page.getByTestId('backbone-preprocessing').inputValue()).toBe('caffe|center-crop');
  await page.close();
});
