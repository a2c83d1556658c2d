// evaluateModel on a tiny case computed by hand: per-class (not per-sample) ZSL top-1,
// GZSL u, s and H with and without calibrated stacking, and the seed notebook's figure
// (mean over batches of 32, not over images). The model is the identity with a dot
// product, so image i scores x_i · a_c and every figure below follows from the table.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDataset, type Split } from '../../../src/core/data/dataset.ts';
import { evaluateModel } from '../../../src/core/evaluation/evaluate.ts';
import { LinearModel } from '../../../src/core/methods/eszsl.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Four classes with one-hot attributes: 0 and 1 seen, 2 and 3 unseen.
const attributes = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
const identity = () => new LinearModel('identity', 'dot', null, null);

function datasetOf(images: Array<{ x: number[]; label: number; role: 'train' | 'seen' | 'unseen' }>) {
  const split: Split = {
    name: 'ps',
    description: 'hand-made',
    seenClasses: [0, 1],
    unseenClasses: [2, 3],
    trainIndices: Int32Array.from(images.flatMap((im, i) => (im.role === 'train' ? [i] : []))),
    testSeenIndices: Int32Array.from(images.flatMap((im, i) => (im.role === 'seen' ? [i] : []))),
    testUnseenIndices: Int32Array.from(images.flatMap((im, i) => (im.role === 'unseen' ? [i] : []))),
  };
  return {
    split,
    dataset: createDataset({
      id: 'hand',
      name: 'hand-made',
      featureDim: 4,
      features: Float32Array.from(images.flatMap((im) => im.x)),
      labels: Int32Array.from(images.map((im) => im.label)),
      classNames: ['c0', 'c1', 'c2', 'c3'],
      attributeNames: ['a0', 'a1', 'a2', 'a3'],
      classAttributes: Float32Array.from(attributes),
      splits: [split],
      featureSource: { kind: 'synthetic', network: 'hand' },
    }),
  };
}

describe('evaluateModel, by hand', () => {
  const { dataset, split } = datasetOf([
    { x: [1, 0, 0, 0], label: 0, role: 'train' },
    { x: [0, 1, 0, 0], label: 1, role: 'train' },
    // Unseen class 2: ZSL (2 vs 3) picks 2, 2, 3; GZSL (all four) picks 2, 0, 3.
    { x: [0, 0, 1, 0.2], label: 2, role: 'unseen' },
    { x: [0.9, 0, 0.5, 0.1], label: 2, role: 'unseen' },
    { x: [0, 0, 0.3, 0.6], label: 2, role: 'unseen' },
    // Unseen class 3: ZSL picks 3; GZSL picks 1.
    { x: [0, 0.8, 0, 0.7], label: 3, role: 'unseen' },
    // Seen test images: class 0 → 0 and 2; class 1 → 1.
    { x: [1, 0, 0, 0], label: 0, role: 'seen' },
    { x: [0.2, 0, 0.9, 0], label: 0, role: 'seen' },
    { x: [0, 1, 0, 0], label: 1, role: 'seen' },
  ]);

  it('averages per class, not per image', async () => {
    const model = identity();
    const r = await evaluateModel(model, dataset, split);
    model.dispose();
    // ZSL: class 2 has 2 of 3 right, class 3 has 1 of 1: (2/3 + 1) / 2, not 3/4 per image.
    expect(r.zslTop1).toBeCloseTo((2 / 3 + 1) / 2, 6);
    expect(r.zslTop5).toBe(1);
    // GZSL u: class 2 has 1 of 3, class 3 none: (1/3 + 0) / 2; s: class 0 has 1 of 2, class 1 has 1 of 1.
    expect(r.u).toBeCloseTo(1 / 6, 6);
    expect(r.s).toBeCloseTo(0.75, 6);
    expect(r.h).toBeCloseTo((2 * (1 / 6) * 0.75) / (1 / 6 + 0.75), 6);
    expect(r.perClassZsl).toEqual([
      { classId: 2, accuracy: expect.closeTo(2 / 3, 6) },
      { classId: 3, accuracy: 1 },
    ]);
    expect(r.zslConfusion).toEqual({ classes: [2, 3], matrix: [[2, 1], [0, 1]] });
  });

  it('subtracts γ from the seen classes’ scores in GZSL only', async () => {
    const model = identity();
    const r = await evaluateModel(model, dataset, split, { gamma: 0.5 });
    model.dispose();
    // With 0.5 off seen scores, image 2 (0.9 − 0.5 < 0.5) and image 4 (0.8 − 0.5 < 0.7) turn right;
    // seen images keep their answers (1 − 0.5 > 0; 0.2 − 0.5 < 0.9; 1 − 0.5 > 0).
    expect(r.u).toBeCloseTo((2 / 3 + 1) / 2, 6);
    expect(r.s).toBeCloseTo(0.75, 6);
    expect(r.zslTop1).toBeCloseTo((2 / 3 + 1) / 2, 6); // ZSL has no seen candidates: unchanged
    expect(r.gamma).toBe(0.5);
  });
});

describe("the seed notebook's figure", () => {
  it('is the mean of per-batch accuracies over batches of 32, all classes as candidates, uncalibrated', async () => {
    // 40 unseen images: the first batch of 32 holds 16 right (class 2, [0,0,1,0]) and 16 wrong
    // (class 3 whose best class is seen 1); the second batch of 8 is all right.
    const right = { x: [0, 0, 1, 0], label: 2, role: 'unseen' as const };
    const wrong = { x: [0, 0.8, 0, 0.7], label: 3, role: 'unseen' as const };
    const { dataset, split } = datasetOf([
      { x: [1, 0, 0, 0], label: 0, role: 'train' },
      { x: [0, 1, 0, 0], label: 1, role: 'train' },
      ...Array.from({ length: 32 }, (_, i) => (i % 2 === 0 ? right : wrong)),
      ...Array.from({ length: 8 }, () => right),
      { x: [1, 0, 0, 0], label: 0, role: 'seen' },
    ]);
    const model = identity();
    const r = await evaluateModel(model, dataset, split, { gamma: 0.5 });
    model.dispose();
    // Batches: 16/32 and 8/8 → (0.5 + 1) / 2 = 0.75; per image it would be 24/40 = 0.6.
    expect(r.seedFigure.top1).toBeCloseTo(0.75, 6);
    // Top-5 of four candidates always holds the true class.
    expect(r.seedFigure.top5).toBe(1);
    // The benchmark's u is per class, and calibrated: both classes right with γ = 0.5.
    expect(r.u).toBe(1);
  });
});
