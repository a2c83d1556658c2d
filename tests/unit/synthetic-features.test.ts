/** The synthetic feature generator, the AwA2 image counts it is sized by, and the demo built on it. */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { generateDemoDataset } from '../../src/core/demos/demo-dataset.ts';
import { getVariable, readMat5 } from '../../src/core/io/mat5.ts';
import { matIndices } from '../../src/core/io/mat5-values.ts';
import { createRng } from '../../src/core/compute/rng.ts';
import { AWA2_IMAGES_PER_CLASS, scaleCounts, spreadCounts, synthesiseFeatures, type SynthesisOptions } from '../../src/core/data/synthetic-features.ts';
import { readRealClassSide, SHARED_AWA2, writeAwa2Release } from './helpers/awa2-writer.ts';

const options = (overrides: Partial<SynthesisOptions> = {}): SynthesisOptions => {
  const numClasses = 5;
  const numAttributes = 7;
  const rng = createRng(99);
  return {
    classAttributes: Float32Array.from({ length: numClasses * numAttributes }, () => rng.normal()),
    numClasses,
    numAttributes,
    imagesPerClass: 40,
    featureDim: 32,
    seed: 3,
    classNoise: 0.9,
    imageNoise: 1,
    hidden: 16,
    ...overrides,
  };
};

describe('synthesiseFeatures', () => {
  test('is deterministic under a seed and differs between seeds', () => {
    const a = synthesiseFeatures(options());
    expect(synthesiseFeatures(options()).features).toEqual(a.features);
    expect(synthesiseFeatures(options({ seed: 4 })).features).not.toEqual(a.features);
  });

  test('gives non-negative features with a ResNet-like mean, labels grouped by class', () => {
    const { features, labels } = synthesiseFeatures(options({ imagesPerClass: 200, featureDim: 128, hidden: 64 }));
    expect(features).toHaveLength(5 * 200 * 128);
    expect(features.reduce((m, v) => Math.min(m, v), Infinity)).toBe(0);
    const mean = features.reduce((s, v) => s + v, 0) / features.length;
    expect(mean).toBeGreaterThan(0.3);
    expect(mean).toBeLessThan(0.65);
    expect(Array.from(labels)).toEqual(Array.from({ length: 1000 }, (_, i) => Math.floor(i / 200)));
  });

  test('takes one image count per class, zero included', () => {
    const { features, labels } = synthesiseFeatures(options({ imagesPerClass: [3, 0, 5, 1, 2] }));
    expect(Array.from(labels)).toEqual([0, 0, 0, 2, 2, 2, 2, 2, 3, 4, 4]);
    expect(features).toHaveLength(11 * 32);
  });

  test('images of a class lie closer to their own class mean than to others (the signal is there)', () => {
    const d = 32;
    const { features, labels } = synthesiseFeatures(options({ imagesPerClass: 100, featureDim: d, classNoise: 0.5, imageNoise: 0.5 }));
    const means = Array.from({ length: 5 }, () => new Float64Array(d));
    labels.forEach((c, i) => {
      for (let k = 0; k < d; k++) means[c]![k]! += features[i * d + k]! / 100;
    });
    let right = 0;
    labels.forEach((c, i) => {
      const dist = means.map((m) => m.reduce((s, v, k) => s + (v - features[i * d + k]!) ** 2, 0));
      if (dist.indexOf(Math.min(...dist)) === c) right++;
    });
    expect(right / labels.length).toBeGreaterThan(0.9);
  });

  test('continues a generator it is given, leaving it advanced', () => {
    const rng = createRng(3);
    const a = synthesiseFeatures(options({ seed: rng }));
    expect(a.features).toEqual(synthesiseFeatures(options({ seed: 3 })).features);
    expect(rng.next()).not.toBe(createRng(3).next());
  });

  test.each([
    [{ imagesPerClass: [1, 2] }, /expected 5 whole, non-negative image counts/],
    [{ imagesPerClass: -1 }, /expected 5 whole, non-negative image counts/],
    [{ featureDim: 0 }, /positive whole featureDim/],
    [{ classAttributes: new Float32Array(3) }, /expected 5×7 class attributes/],
  ])('refuses %o', (bad, message) => {
    expect(() => synthesiseFeatures(options(bad as Partial<SynthesisOptions>))).toThrow(message);
  });
});

describe('the demo built on it', () => {
  test('generates exactly the features it did before the generator was factored out', () => {
    const d = generateDemoDataset();
    const digest = createHash('sha256').update(new Uint8Array(d.features.buffer, d.features.byteOffset, d.features.byteLength)).digest('hex');
    expect(digest.slice(0, 16)).toBe('3e5122c2beda52e8');
  });
});

describe('AwA2 image counts', () => {
  const real = readRealClassSide();
  const counts = real.classNames.map((name) => AWA2_IMAGES_PER_CLASS[name]!);

  test('cover the 50 real classes and sum to 37,322 images, 100 to 1,645 a class', () => {
    expect(counts.every((n) => Number.isInteger(n))).toBe(true);
    expect(counts.reduce((s, n) => s + n, 0)).toBe(37_322);
    expect(Math.min(...counts)).toBe(100);
    expect(Math.max(...counts)).toBe(1_645);
  });

  test("agree with the real att_splits.mat: the unseen classes' index runs in folder-name order", () => {
    const mat = readMat5(new Uint8Array(readFileSync(path.join(SHARED_AWA2, 'att_splits.mat'))), 'att_splits.mat');
    const unseen = new Set(Array.from(matIndices(getVariable(mat, 'test_unseen_loc'), 'att_splits.mat', 37_322)));
    const byFolder = [...real.classNames].sort();
    let start = 0;
    const expected = new Set<number>();
    for (const name of byFolder) {
      if (['sheep', 'dolphin', 'bat', 'seal', 'blue+whale', 'rat', 'horse', 'walrus', 'giraffe', 'bobcat'].includes(name)) {
        for (let k = 0; k < AWA2_IMAGES_PER_CLASS[name]!; k++) expected.add(start + k);
      }
      start += AWA2_IMAGES_PER_CLASS[name]!;
    }
    expect(unseen.size).toBe(7_913);
    expect([...unseen].every((i) => expected.has(i))).toBe(true);
    expect(expected.size).toBe(7_913);
  });

  test('scale and spread keep a floor and stay deterministic', () => {
    expect(Array.from(scaleCounts([100, 1645, 3], 0.1, 5))).toEqual([10, 165, 5]);
    const spread = spreadCounts(50, 100, 1600, 1);
    expect(Array.from(spread)).toEqual(Array.from(spreadCounts(50, 100, 1600, 1)));
    expect(Math.min(...spread)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...spread)).toBeLessThanOrEqual(1600);
  });
});

describe('writeAwa2Release', () => {
  test('writes the text release with rows in folder-name order and per-class counts', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'zsl-release-'));
    try {
      const counts = Array.from({ length: 50 }, (_, c) => 1 + (c % 3));
      const release = writeAwa2Release(dir, { imagesPerClass: counts, featureDim: 4, seed: 1, hidden: 8, classNoise: 0.5, imageNoise: 0.5 });
      const featureDir = path.join(release.root, 'Features', 'ResNet101');
      const labels = readFileSync(path.join(featureDir, 'AwA2-labels.txt'), 'utf8').trim().split('\n').map(Number);
      const names = readFileSync(path.join(featureDir, 'AwA2-filenames.txt'), 'utf8').trim().split('\n');
      const lines = readFileSync(path.join(featureDir, 'AwA2-features.txt'), 'utf8').trim().split('\n');
      expect(labels).toHaveLength(counts.reduce((s, n) => s + n, 0));
      expect(lines).toHaveLength(labels.length);
      expect(lines.every((l) => l.split(' ').length === 4)).toBe(true);
      expect(names[0]).toBe('antelope_10001.jpg');
      expect(names[1]).toBe('bat_10001.jpg'); // antelope has 1 image; bat is next by folder name
      expect(labels[1]).toBe(real().classNames.indexOf('bat') + 1);
      expect(readFileSync(path.join(release.root, 'testclasses.txt'), 'utf8').trim().split('\n')).toContain('giant+panda');
      expect(readFileSync(path.join(release.root, 'trainclasses.txt'), 'utf8').trim().split('\n')).toHaveLength(40);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function real() {
  return readRealClassSide();
}
