/**
 * AdamW on the WASM backend updates each variable in place in the module's memory:
 * it must match PyTorch's AdamW (an independent float64 reference) over many steps,
 * and never write through to another tensor that shares the variable's data.
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

test('matches PyTorch AdamW over 20 steps, written in place', () => {
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

test('a tensor sharing the variable\'s data keeps its values', () => {
  const { p0, grads } = scenario(6);
  const w = tf.variable(tf.tensor1d(p0), true, 'adamw_wasm_shared');
  const kept = w.clone(); // shares w's data until w is assigned
  const opt = new AdamW([w], { learningRate: 0.05, weightDecay: 0.1, clipValue: 5 });
  opt.minimize(() => tf.sum(tf.mul(w, tf.tensor1d(grads[0]!))) as tf.Scalar).dispose();
  expect(Array.from(kept.dataSync())).toEqual(Array.from(Float32Array.from(p0)));
  expect(w.dataSync()[0]).toBeCloseTo(adamwReference(p0, [grads[0]!], { lr: 0.05, wd: 0.1, clip: 5 })[0]!, 4);
  opt.dispose();
  tf.dispose([w, kept]);
});
