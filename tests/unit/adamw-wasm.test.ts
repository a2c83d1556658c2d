/**
 * AdamW on the WASM backend reads gradients and variables straight from the module's
 * memory: it must match PyTorch's AdamW (an independent float64 reference) over many
 * steps, and train a network exactly as the tfjs-ops update does.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { nodeProbes } from '../../src/cli/node-backends.ts';
import { selectBackend } from '../../src/core/compute/backend.ts';
import { AdamW } from '../../src/core/training/optimiser.ts';
import { adamwReference, createTestRng } from './helpers/adamw-reference.ts';

beforeAll(async () => {
  expect((await selectBackend('wasm', nodeProbes)).name).toBe('wasm');
});

function scenario(seed: number) {
  const rng = createTestRng(seed);
  const p0 = Array.from({ length: 300 }, () => rng() * 4 - 2);
  const grads = Array.from({ length: 20 }, () => p0.map(() => (rng() - 0.5) * 14));
  return { p0, grads };
}

test('matches PyTorch AdamW over 20 steps', () => {
  const { p0, grads } = scenario(5);
  const w = tf.variable(tf.tensor2d(p0, [20, 15]), true, 'adamw_wasm_w');
  const opt = new AdamW([w], { learningRate: 0.05, weightDecay: 0.1, clipValue: 5 });
  const before = tf.memory().numTensors;
  for (const g of grads) opt.minimize(() => tf.sum(tf.mul(w, tf.tensor2d(g, [20, 15]))) as tf.Scalar).dispose();
  expect(tf.memory().numTensors).toBe(before);
  const expected = adamwReference(p0, grads, { lr: 0.05, wd: 0.1, clip: 5 });
  Array.from(w.dataSync()).forEach((x, k) => expect(x).toBeCloseTo(expected[k]!, 4));
  opt.dispose();
  w.dispose();
});

test('trains a two-layer net exactly as the tfjs-ops update does (the forward pass sees every update)', () => {
  // At the seed method's shapes: XNNPACK keeps packed copies of matrix operands, so an update that wrote a
  // variable in place (instead of giving it new data) would leave the forward pass on stale weights.
  const losses = (fused: boolean) => {
    const x = tf.randomUniform([64, 2048], 0, 1, 'float32', 1);
    const a = tf.randomUniform([64, 85], 0, 1, 'float32', 2);
    const w1 = tf.variable(tf.randomUniform([85, 1024], -0.1, 0.1, 'float32', 3), true, `adamw_net_w1_${fused}`);
    const w2 = tf.variable(tf.randomUniform([1024, 2048], -0.03, 0.03, 'float32', 4), true, `adamw_net_w2_${fused}`);
    const opt = new AdamW([w1, w2], { learningRate: 1e-3, weightDecay: 9e-5, clipValue: 5, fused });
    const out: number[] = [];
    for (let i = 0; i < 12; i++) {
      const loss = opt.minimize(() => tf.tidy(() => tf.losses.meanSquaredError(x, tf.relu(tf.matMul(tf.relu(tf.matMul(a, w1)), w2))) as tf.Scalar));
      out.push(loss.dataSync()[0]!);
      loss.dispose();
    }
    opt.dispose();
    tf.dispose([x, a, w1, w2]);
    return out;
  };
  const ops = losses(false);
  const loop = losses(true);
  expect(ops.at(-1)!).toBeLessThan(ops[0]! * 0.8);
  loop.forEach((l, i) => expect(l).toBeCloseTo(ops[i]!, 5));
});
