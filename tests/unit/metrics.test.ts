import { describe, expect, test } from 'vitest';
import {
  confusionMatrix,
  harmonicMean,
  perBatchAccuracy,
  perClassAccuracy,
  perSampleAccuracy,
} from '../../src/core/evaluation/metrics.ts';

// Class 0 has 4 images (3 right), class 1 has 1 image (wrong).
const labels = Int32Array.from([0, 0, 0, 0, 1]);
const top1 = Int32Array.from([0, 0, 0, 1, 0]);

describe('per-class accuracy', () => {
  test('is the mean over classes, not over samples', () => {
    expect(perClassAccuracy(top1, 1, labels)).toBeCloseTo((3 / 4 + 0 / 1) / 2, 12);
    expect(perSampleAccuracy(top1, 1, labels)).toBeCloseTo(3 / 5, 12);
  });

  test('top-k counts a hit anywhere in the first k', () => {
    // k = 2 ranks per sample: [best, second]
    const top2 = Int32Array.from([0, 1, 1, 0, 1, 0, 1, 0, 0, 1]);
    expect(perClassAccuracy(top2, 2, labels, 1)).toBeCloseTo((1 / 4 + 0) / 2, 12);
    expect(perClassAccuracy(top2, 2, labels, 2)).toBeCloseTo((4 / 4 + 1) / 2, 12);
  });

  test('ignores classes without images', () => {
    expect(perClassAccuracy(Int32Array.from([2, 2]), 1, Int32Array.from([2, 2]))).toBe(1);
  });

  test('per-batch mean differs from per-sample when batches are uneven', () => {
    const l = Int32Array.from([0, 0, 0]);
    const p = Int32Array.from([0, 1, 1]);
    expect(perBatchAccuracy(p, 1, l, 2)).toBeCloseTo((1 / 2 + 0) / 2, 12);
    expect(perSampleAccuracy(p, 1, l)).toBeCloseTo(1 / 3, 12);
  });
});

test('harmonic mean of u and s', () => {
  expect(harmonicMean(0.5, 0.5)).toBeCloseTo(0.5, 12);
  expect(harmonicMean(0.2, 0.8)).toBeCloseTo(0.32, 12);
  expect(harmonicMean(0, 0)).toBe(0);
  expect(harmonicMean(0, 0.9)).toBe(0);
});

test('confusion matrix rows are true classes, columns predictions', () => {
  expect(confusionMatrix(top1, labels, [0, 1])).toEqual([
    [3, 1],
    [1, 0],
  ]);
});
