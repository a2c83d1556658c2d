import { describe, expect, test } from 'vitest';
import { createDataset, type DatasetInput } from '../../src/core/data/dataset.ts';
import { ZslError } from '../../src/core/errors.ts';
import { makeTrainingView } from '../../src/core/data/training-view.ts';

/** 3 classes × 2 attributes, 6 images of 2 features; class 2 unseen. */
function input(overrides: Partial<DatasetInput> = {}): DatasetInput {
  return {
    id: 't',
    name: 'tiny',
    featureDim: 2,
    features: Float32Array.from([1, 0, 1, 1, 0, 1, 0, 2, 5, 5, 6, 5]),
    labels: Int32Array.from([0, 0, 1, 1, 2, 2]),
    classNames: ['cat', 'dog', 'fox'],
    attributeNames: ['fur', 'tail'],
    classAttributes: Float32Array.from([1, 0, 0, 1, 1, 1]),
    splits: [
      {
        name: 'custom',
        description: 'test',
        seenClasses: [0, 1],
        unseenClasses: [2],
        trainIndices: Int32Array.from([0, 2]),
        testSeenIndices: Int32Array.from([1, 3]),
        testUnseenIndices: Int32Array.from([4, 5]),
      },
    ],
    featureSource: { kind: 'synthetic', network: 'test' },
    ...overrides,
  };
}

function errorOf(fn: () => unknown): ZslError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ZslError);
    return error as ZslError;
  }
  throw new Error('expected an error');
}

describe('createDataset', () => {
  test('accepts a consistent dataset and derives its sizes', () => {
    const d = createDataset(input());
    expect(d.numSamples).toBe(6);
    expect(d.featureDim).toBe(2);
  });

  test('rejects features that are not whole rows', () => {
    expect(errorOf(() => createDataset(input({ features: new Float32Array(7) }))).message).toMatch(/features.*whole number of 2-value rows, got 7/);
  });

  test('rejects a label count that does not match the rows', () => {
    expect(errorOf(() => createDataset(input({ labels: Int32Array.from([0, 0, 1]) }))).message).toMatch(/expected 6 labels.*got 3/);
  });

  test('rejects a label outside the classes, in 1-based words', () => {
    const e = errorOf(() => createDataset(input({ labels: Int32Array.from([0, 0, 1, 1, 2, 3]) })));
    expect(e.message).toMatch(/image 6 has label 4; expected 1 to 3/);
    expect(e.location.variable).toBe('labels');
  });

  test('rejects NaN and infinite values with their position', () => {
    const features = input().features.slice();
    features[3] = Number.NaN;
    expect(errorOf(() => createDataset(input({ features }))).message).toMatch(/row 2, column 2 is NaN/);
    const attributes = input().classAttributes.slice();
    attributes[0] = Infinity;
    expect(errorOf(() => createDataset(input({ classAttributes: attributes }))).message).toMatch(/classAttributes.*Infinity/);
  });

  test('rejects duplicate class names and wrong attribute matrix sizes', () => {
    expect(errorOf(() => createDataset(input({ classNames: ['cat', 'cat', 'fox'] }))).message).toMatch(/"cat" appears twice/);
    expect(errorOf(() => createDataset(input({ classAttributes: new Float32Array(5) }))).message).toMatch(/3 × 2 class attributes, got 5/);
  });

  test('rejects splits that would leak', () => {
    const base = input().splits[0]!;
    const bad = (patch: object) => input({ splits: [{ ...base, ...patch }] });
    expect(errorOf(() => createDataset(bad({ unseenClasses: [1, 2] }))).message).toMatch(/class 2 is both seen and unseen/);
    expect(errorOf(() => createDataset(bad({ trainIndices: Int32Array.from([0, 4]) }))).message).toMatch(/training image 5 belongs to class 3, which is not a seen class/);
    expect(errorOf(() => createDataset(bad({ testSeenIndices: Int32Array.from([0]) }))).message).toMatch(/both a training and a test-seen image/);
    expect(errorOf(() => createDataset(bad({ testUnseenIndices: Int32Array.from([0]) }))).message).toMatch(/not a unseen class/);
    expect(errorOf(() => createDataset(bad({ trainIndices: Int32Array.from([9]) }))).message).toMatch(/outside 1…6/);
  });
});

describe('makeTrainingView', () => {
  test('exposes only seen classes and training images', () => {
    const d = createDataset(input());
    const view = makeTrainingView(d, d.splits[0]!, { validationFraction: 0, seed: 1 });
    expect(view.seenClassNames).toEqual(['cat', 'dog']);
    expect(Array.from(view.seenAttributes)).toEqual([1, 0, 0, 1]);
    expect(view.train.size).toBe(2);
    expect(Array.from(view.train.labels).sort()).toEqual([0, 1]);
    // No field of the view holds a test image's features.
    const testRow = [5, 5];
    const rows = Array.from({ length: view.train.size }, (_, i) => Array.from(view.train.features.subarray(i * 2, i * 2 + 2)));
    expect(rows).not.toContainEqual(testRow);
    expect(view.validation).toBeNull();
  });

  test('holds out a stratified validation share', () => {
    const labels = Int32Array.from({ length: 40 }, (_, i) => (i < 20 ? 0 : i < 30 ? 1 : 2));
    const d = createDataset(
      input({
        features: new Float32Array(80),
        labels,
        splits: [
          {
            name: 'custom',
            description: '',
            seenClasses: [0, 1],
            unseenClasses: [2],
            trainIndices: Int32Array.from({ length: 30 }, (_, i) => i),
            testSeenIndices: new Int32Array(0),
            testUnseenIndices: Int32Array.from({ length: 10 }, (_, i) => 30 + i),
          },
        ],
      }),
    );
    const view = makeTrainingView(d, d.splits[0]!, { validationFraction: 0.2, seed: 3 });
    const count = (l: Int32Array, c: number) => l.filter((x) => x === c).length;
    expect(count(view.validation!.labels, 0)).toBe(4);
    expect(count(view.validation!.labels, 1)).toBe(2);
    expect(view.train.size + view.validation!.size).toBe(30);
  });
});
