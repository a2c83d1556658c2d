/** DeViSE / ALE / SJE: losses on hand-made cases, gradients against finite differences, training on the demo. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BILINEAR_DEFAULTS, bilinearLoss, createBilinearTrainer, type BilinearLoss } from '../../../src/core/methods/bilinear.ts';
import { createRng } from '../../../src/core/compute/rng.ts';
import { runTraining } from '../../../src/core/training/train-loop.ts';
import { mul, rowsOf, smallDemo, t, type Dense } from './fixtures.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const KINDS: BilinearLoss[] = ['devise', 'ale', 'sje'];

/** Float64 reference: mean over images of the method's hinge on F = x·W·Aᵀ. */
function referenceLoss(kind: BilinearLoss, x: Dense, w: Dense, attributes: Dense, labels: number[], margin: number): number {
  const scores = mul(mul(x, w), t(attributes));
  let total = 0;
  scores.forEach((row, i) => {
    const y = labels[i]!;
    const hinges = row.map((f, c) => (c === y ? 0 : Math.max(0, margin + f - row[y]!)));
    const sum = hinges.reduce((s, h) => s + h, 0);
    if (kind === 'devise') total += sum;
    else if (kind === 'sje') total += Math.max(...hinges);
    else {
      const r = hinges.filter((h) => h > 0).length;
      let beta = 0;
      for (let k = 1; k <= r; k++) beta += 1 / k;
      total += r > 0 ? (beta / r) * sum : 0;
    }
  });
  return total / x.length;
}

async function tfLoss(kind: BilinearLoss, x: Dense, w: Dense, attributes: Dense, labels: number[], margin: number) {
  const value = tf.tidy(() => bilinearLoss(kind, tf.tensor2d(x), tf.tensor2d(w), tf.tensor2d(attributes), tf.tensor1d(labels, 'int32'), margin));
  const out = (await value.data())[0]!;
  value.dispose();
  return out;
}

describe('ranking losses', () => {
  // W = I and one-hot attributes make F(x, c) = x_c.
  const identity = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  const x = [[1, 0.8, 0.5], [0, 3, 0]];
  const labels = [0, 1];
  // Image 1: hinges 0.8 (class 1) and 0.5 (class 2); image 2 violates nothing.
  const expected: Record<BilinearLoss, number> = {
    devise: (0.8 + 0.5) / 2,
    sje: 0.8 / 2,
    ale: ((1 + 1 / 2) / 2) * (0.8 + 0.5) / 2, // r = 2: β₂/2 = 0.75
  };
  for (const kind of KINDS) {
    it(`${kind} gives the hand-computed hinge`, async () => {
      expect(await tfLoss(kind, x, identity, identity, labels, 1)).toBeCloseTo(expected[kind], 6);
      expect(referenceLoss(kind, x, identity, identity, labels, 1)).toBeCloseTo(expected[kind], 12);
    });
  }

  it('two classes, one violation: all three agree', async () => {
    const w = [[1, 0], [0, 1]];
    for (const kind of KINDS) expect(await tfLoss(kind, [[2, 1.5]], w, w, [0], 1)).toBeCloseTo(0.5, 6);
  });

  for (const kind of KINDS) {
    it(`${kind}: value and gradient match a float64 reference and finite differences`, async () => {
      const rng = createRng(5);
      const random = (rows: number, cols: number): Dense => Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal()));
      const features = random(6, 4);
      const w = random(4, 3);
      const attributes = random(5, 3);
      const ys = [0, 1, 2, 3, 4, 2];
      const margin = 1;
      expect(await tfLoss(kind, features, w, attributes, ys, margin)).toBeCloseTo(referenceLoss(kind, features, w, attributes, ys, margin), 4);
      const grad = tf.tidy(() => {
        const fx = tf.tensor2d(features), fa = tf.tensor2d(attributes), fy = tf.tensor1d(ys, 'int32');
        return tf.grad((weights: tf.Tensor) => bilinearLoss(kind, fx, weights as tf.Tensor2D, fa, fy, margin))(tf.tensor2d(w));
      });
      const analytic = rowsOf(await grad.data(), 4, 3);
      grad.dispose();
      const eps = 1e-6;
      for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) {
        const plus = w.map((row) => [...row]);
        const minus = w.map((row) => [...row]);
        plus[i]![j]! += eps;
        minus[i]![j]! -= eps;
        const numeric = (referenceLoss(kind, features, plus, attributes, ys, margin) - referenceLoss(kind, features, minus, attributes, ys, margin)) / (2 * eps);
        expect(Math.abs(analytic[i]![j]! - numeric)).toBeLessThan(1e-3 * Math.max(1, Math.abs(numeric)));
      }
    });
  }
});

describe('bilinear trainers', () => {
  for (const loss of KINDS) {
    it(`${loss}: the loss falls on the demo and nothing leaks`, async () => {
      const { view } = smallDemo(16, 32);
      const before = tf.memory().numTensors;
      const trainer = createBilinearTrainer(view, { ...BILINEAR_DEFAULTS[loss], loss, batchSize: 32, learningRate: 1e-2 });
      const initial = await trainer.evaluateLoss(view.train);
      const epochs: number[] = [];
      await runTraining(trainer, view, { epochs: 4, onEpoch: (p) => void epochs.push(p.trainLoss) });
      const final = await trainer.evaluateLoss(view.train);
      expect(final).toBeLessThan(initial * 0.75);
      expect(epochs[3]!).toBeLessThan(epochs[0]!);
      expect(trainer.model.metric).toBe('dot');
      trainer.dispose();
      trainer.model.dispose();
      expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
    });
  }

  it('refuses a non-positive margin', () => {
    const { view } = smallDemo(4, 8);
    expect(() => createBilinearTrainer(view, { ...BILINEAR_DEFAULTS.sje, loss: 'sje', margin: 0 })).toThrow(/margin/);
  });
});
