/**
 * Accuracy evidence without the 733 MB AwA2 feature file: a small release in the
 * real text formats (the REAL classes, predicates, continuous attribute matrix and
 * proposed split from ../shared/awa2; features synthesised from those attributes),
 * parsed by buildDataset like a user's download, then every catalogue method
 * trained on PS and evaluated uncalibrated and with γ chosen on held-out seen
 * classes (one fit per method: calibration changes only γ).
 *   (a) calibrated stacking raises H for every embedding method;
 *   (b) the generative method's H beats every embedding method's H, each method at
 *       its best protocol setting (the higher of its uncalibrated and calibrated H;
 *       every method in METHOD_NAMES that is not an embedding method counts as
 *       generative; skipped while there is none);
 *   (c) closed forms against references are tested elsewhere: ESZSL against its
 *       formula (methods/eszsl.test.ts), SAE's Sylvester solve against a Kronecker
 *       solve (methods/sae.test.ts, linalg.test.ts), the ranking losses against
 *       hand-computed values and float64 gradients (methods/bilinear.test.ts).
 * Small sizes and epochs keep it to about 1.5 minutes on the tfjs cpu backend (3 on
 * a busy 2-core machine), most of it the CVAE; scripts/bench-methods.ts runs the same at larger sizes.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { filesFromPath } from '../../src/cli/node-files.ts';
import type { Split, ZslDataset } from '../../src/core/data/dataset.ts';
import { buildDataset } from '../../src/core/io/build-dataset.ts';
import { readRealClassSide, writeAwa2Release } from './helpers/awa2-writer.ts';
import { bestH, EMBEDDING_METHODS, evidenceTable, generativeMethods, runEvidence, type EvidenceRow, type Overrides } from './helpers/method-evidence.ts';

/** Short training for the trained methods; the closed forms keep their catalogue defaults. */
const TEST_OVERRIDES: Overrides = {
  'semantic-mlp': { epochs: 10, hiddenUnits: 64, learningRate: 3e-3 },
  devise: { epochs: 6 },
  ale: { epochs: 6 },
  sje: { epochs: 6 },
  // With 1,200 training images the CVAE needs small batches and a larger step to learn at all;
  // z-scored attributes (semantics 'zscore', not L2-normalised after) condition it better than att here.
  // Its attribute noise, synthetic features per class and classifier step were chosen on held-out SEEN
  // classes only, on this release with these settings: `npx tsx scripts/select-cvae-defaults.ts --size test`
  // (BENCHMARKS.md has its table).
  cvae: {
    epochs: 40, batchSize: 32, learningRate: 3e-3, hiddenUnits: 128, latentDim: 16, beta: 0.1, classifierEpochs: 15, attributes: 'dataset', semantics: 'zscore',
    attributeNoise: 2, syntheticPerClass: 1000, classifierLearningRate: 1e-3,
  },
};

const generative = generativeMethods();
let dir = '';
let dataset: ZslDataset;
let split: Split;
let rows: EvidenceRow[] = [];
const row = (method: string) => rows.find((r) => r.method === method)!;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(path.join(tmpdir(), 'zsl-evidence-'));
  writeAwa2Release(dir, { imagesPerClass: 30, featureDim: 64, seed: 5, hidden: 64, classNoise: 0.9, imageNoise: 1 });
  ({ dataset } = await buildDataset(await filesFromPath(dir)));
  split = dataset.splits.find((s) => s.name === 'ps')!;
  // Every method is calibrated, the generative one too (calibrated stacking is part of the
  // protocol for all of them), so (b) compares best H with best H.
  rows = await runEvidence(dataset, split, { backend: 'cpu', overrides: TEST_OVERRIDES });
  console.log(`Evidence on a synthetic AwA2 text release (50 classes × 30 images × 64 dims, PS):\n${evidenceTable(rows)}`);
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a synthetic release on the real AwA2 class side', () => {
  test('parses like AwA2: real classes, 85 attributes, the real proposed split, ResNet-like features', () => {
    const real = readRealClassSide();
    expect(dataset.classNames).toEqual(real.classNames);
    expect(dataset.attributeNames).toHaveLength(85);
    expect(split.seenClasses).toHaveLength(40);
    expect(split.unseenClasses.map((c) => dataset.classNames[c]).sort()).toEqual(
      ['bat', 'blue+whale', 'bobcat', 'dolphin', 'giraffe', 'horse', 'rat', 'seal', 'sheep', 'walrus'],
    );
    expect(dataset.splits.map((s) => s.name).sort()).toEqual(['ps', 'ss']);
    let min = Infinity;
    let sum = 0;
    for (const v of dataset.features) {
      min = Math.min(min, v);
      sum += v;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(sum / dataset.features.length).toBeGreaterThan(0.3);
    expect(sum / dataset.features.length).toBeLessThan(0.6);
  });

  test('every catalogue method ran and recognises unseen classes at twice chance or better (chance: 10%)', () => {
    expect(rows.map((r) => r.method)).toEqual(expect.arrayContaining([...EMBEDDING_METHODS]));
    for (const r of rows) expect(r.uncalibrated.evaluation.zslTop1, r.method).toBeGreaterThan(0.2);
  });
});

describe('(a) calibrated stacking raises GZSL H', () => {
  test.each(EMBEDDING_METHODS)('%s: H with γ chosen on held-out seen classes > H uncalibrated', (method) => {
    const { uncalibrated, calibrated } = row(method);
    if (!calibrated) throw new Error(`${method} was not run calibrated`);
    expect(calibrated.calibration.gamma).not.toBe(0);
    expect(calibrated.evaluation.h).toBeGreaterThan(uncalibrated.evaluation.h);
    // Calibration trades seen accuracy for unseen accuracy, never the other way round.
    expect(calibrated.evaluation.u).toBeGreaterThan(uncalibrated.evaluation.u);
  });
});

// What lets the CVAE lead is its decoder trained on noisy attributes (CvaeConfig.attributeNoise):
// without the noise it memorises the 40 seen classes and places the unseen ones badly, below
// calibrated SJE on this data; with it and the catalogue's 300 synthetic features per unseen
// class it leads. BENCHMARKS.md has the larger run (`scripts/bench-methods.ts`).
describe('(b) the generative method leads GZSL', () => {
  (generative.length === 0 ? test.skip : test)(
    `generative H beats every embedding method's H${generative.length === 0 ? " — SKIPPED: no generative method (e.g. 'cvae') in METHOD_NAMES yet" : ''}`,
    () => {
      for (const g of generative) {
        for (const e of EMBEDDING_METHODS) expect(bestH(row(g)), `${g} vs ${e}`).toBeGreaterThan(bestH(row(e)));
      }
    },
  );
});
