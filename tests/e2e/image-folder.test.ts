/**
 * An image-folder dataset: pictures in one folder per class plus the class side
 * in AwA2's text format. The worker extracts features with the backbone, the
 * dataset trains as usual, and a picture of an unseen class is then named.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { PICTURE_CLASS_NAMES, PICTURE_UNSEEN } from '../../src/core/demos/picture-world.ts';
import { launch } from './browser.ts';
import { writeImageFolder } from './image-folder-files.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launch({ webgpu: true });
});

afterAll(async () => {
  await browser?.close();
});

test('pictures in class folders become a dataset through the backbone, and train', async () => {
  const folder = writeImageFolder(3);
  const page = await browser.newPage();
  await page.goto(inject('baseUrl'));
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  await page.getByTestId('folder-input').setInputFiles(folder);
  await expect.poll(() => page.getByTestId('staged-layout').textContent(), { timeout: 60_000 }).toMatch(/pictures in class folders/);
  await page.getByTestId('load-button').click();
  await expect.poll(() => page.getByTestId('dataset-images').textContent(), { timeout: 240_000 }).toBe(String(3 * PICTURE_CLASS_NAMES.length));
  expect(await page.getByTestId('dataset-summary').textContent()).toMatch(/picture-world/);

  await page.locator('select[name="method"]').selectOption('eszsl');
  await page.getByTestId('train-button').click();
  await page.getByTestId('run-row').first().waitFor({ timeout: 120_000 });
  const top1 = Number(await page.getByTestId('run-zsl-top1').first().getAttribute('data-value'));
  expect(top1).toBeGreaterThan(4 / PICTURE_UNSEEN.length); // well above chance (1/24)
  await page.close();
});

test('a backbone brought as files is used for image folders and kept for the next visit', async () => {
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  const net = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [16, 16, 3], filters: 6, kernelSize: 3, activation: 'relu', kernelInitializer: 'glorotUniform', seed: 3 } as never),
      tf.layers.globalAveragePooling2d({}),
    ],
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'zsl-backbone-'));
  await net.save(
    tf.io.withSaveHandler(async (artifacts) => {
      writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
      writeFileSync(
        path.join(dir, 'model.json'),
        JSON.stringify({ format: 'layers-model', modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] }),
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  writeFileSync(
    path.join(dir, 'backbone.json'),
    JSON.stringify({ id: 'tiny', name: 'Tiny test net', inputSize: 16, resize: 'stretch', scaling: { kind: 'unit' }, outputDim: 6, featureSourceNetwork: 'tiny-test-net v1' }),
  );
  net.dispose();

  const page = await browser.newPage();
  await page.goto(inject('baseUrl'));
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  await page.getByTestId('backbone-input').setInputFiles(['model.json', 'weights.bin', 'backbone.json'].map((f) => path.join(dir, f)));
  await expect.poll(() => page.getByTestId('backbone-name').textContent(), { timeout: 60_000 }).toBe('Tiny test net');

  // Kept: after a reload the same backbone is back, with no files dropped.
  await page.reload();
  await expect.poll(() => page.getByTestId('backbone-name').textContent(), { timeout: 60_000 }).toBe('Tiny test net');
  await expect.poll(() => page.getByTestId('backbone').textContent()).toMatch(/kept in this browser/);

  // An image folder is now embedded with it.
  await page.getByTestId('folder-input').setInputFiles(writeImageFolder(1));
  await expect.poll(() => page.getByTestId('staged-layout').textContent(), { timeout: 60_000 }).toMatch(/pictures in class folders/);
  await page.getByTestId('load-button').click();
  await expect.poll(() => page.getByTestId('dataset-summary').textContent(), { timeout: 240_000 }).toMatch(/tiny-test-net v1/);
  await page.close();
});
