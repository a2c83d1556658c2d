/**
 * The SIMD kernels (src/core/compute/simd): the committed module is what its .wat
 * source compiles to; the AdamW kernel matches an independent float64 PyTorch AdamW;
 * the transpose matches a plain double loop at every shape class (multiples of 4 or
 * not); and the dense layer that multiplies with the kernel on the left (WASM) gives
 * the values and gradients of a plain x·W, following every update of the kernel.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { compileKernels, OUT_PATH } from '../../scripts/build-simd-kernels.ts';
import { nodeProbes } from '../../src/cli/node-backends.ts';
import { selectBackend } from '../../src/core/compute/backend.ts';
import { createRng } from '../../src/core/compute/rng.ts';
import { SimdWorkspace, transposeInScratch } from '../../src/core/compute/simd/simd-kernels.ts';
import { applyDense, createDense, disposeDense } from '../../src/core/methods/dense.ts';
import { AdamW } from '../../src/core/training/optimiser.ts';
import { adamwReference, createTestRng } from './helpers/adamw-reference.ts';

beforeAll(async () => {
  expect((await selectBackend('wasm', nodeProbes)).name).toBe('wasm');
});

test('the committed kernels-wasm.ts is what kernels.wat compiles to', async () => {
  expect(readFileSync(OUT_PATH, 'utf8')).toBe(await compileKernels());
});

test('the AdamW kernel matches PyTorch AdamW (float64 reference) over 20 steps, on a length that is not a multiple of 4', () => {
  const workspace = SimdWorkspace.create()!;
  expect(workspace).not.toBeNull();
  const n = 91;
  const rng = createTestRng(11);
  const p0 = Array.from({ length: n }, () => rng() * 4 - 2);
  const grads = Array.from({ length: 20 }, () => p0.map(() => (rng() - 0.5) * 14)); // beyond the clip of 5
  const [p, g, m, v, out] = [n, n, n, n, n].map((k) => workspace.alloc(k));
  workspace.view(p!, n).set(p0);
  const [lr, wd, clip, b1, b2] = [0.05, 0.1, 5, 0.9, 0.999];
  grads.forEach((gradient, t) => {
    workspace.view(g!, n).set(gradient);
    const c = { decay: 1 - lr * wd, step: lr / (1 - b1 ** (t + 1)), invRoot2: 1 / Math.sqrt(1 - b2 ** (t + 1)), beta1: b1, beta2: b2, epsilon: 1e-8, clip };
    workspace.adamw(p!, g!, m!, v!, out!, n, c);
    workspace.view(p!, n).set(workspace.view(out!, n));
  });
  const expected = adamwReference(p0, grads, { lr, wd, clip });
  Array.from(workspace.view(p!, n)).forEach((x, k) => expect(x).toBeCloseTo(expected[k]!, 4));
});

test('AdamW through the optimiser (SIMD on WASM) matches the float64 reference on an odd-sized variable', () => {
  const rng = createTestRng(3);
  const p0 = Array.from({ length: 7 * 13 }, () => rng() * 2 - 1);
  const grads = Array.from({ length: 15 }, () => p0.map(() => rng() - 0.5));
  const w = tf.variable(tf.tensor2d(p0, [7, 13]), true, 'simd_adamw_w');
  const opt = new AdamW([w], { learningRate: 0.01, weightDecay: 0.05, clipValue: 0.3 });
  for (const g of grads) opt.minimize(() => tf.sum(tf.mul(w, tf.tensor2d(g, [7, 13]))) as tf.Scalar).dispose();
  const expected = adamwReference(p0, grads, { lr: 0.01, wd: 0.05, clip: 0.3 });
  Array.from(w.dataSync()).forEach((x, k) => expect(x).toBeCloseTo(expected[k]!, 5));
  opt.dispose();
  w.dispose();
});

test('the transpose matches a plain loop for square, wide, tall, multiple-of-4 and odd shapes', () => {
  for (const [rows, cols] of [[4, 4], [8, 12], [64, 48], [85, 1024], [7, 5], [1, 9], [17, 33], [36, 20]] as const) {
    const values = Float32Array.from({ length: rows * cols }, (_, i) => i * 0.5 - 3);
    const out = transposeInScratch(values, rows, cols)!;
    const expected = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) expected[j * rows + i] = values[i * cols + j]!;
    expect(Array.from(out), `${rows} × ${cols}`).toEqual(Array.from(expected));
  }
});

test('a dense layer on WASM gives x·W + b and its gradients, and follows every update of W', () => {
  const rng = createRng(4);
  const layer = createDense(40, 24, rng, 'simd_dense');
  const x = tf.randomNormal([6, 40], 0, 1, 'float32', 5) as tf.Tensor2D;
  const dy = tf.randomNormal([6, 24], 0, 1, 'float32', 6) as tf.Tensor2D;
  const before = tf.memory().numTensors;
  const compare = () => tf.tidy(() => {
    // The reference: the same expression with a plain product, its gradients from tfjs.
    const plain = (a: tf.Tensor2D, w: tf.Tensor2D) => tf.add(tf.matMul(a, w), layer.bias);
    const ours = (a: tf.Tensor2D, w: tf.Tensor2D) => (w === layer.kernel ? applyDense(layer, a) : plain(a, w));
    const { value: expected, grads: expectedGrads } = tf.variableGrads(() => tf.sum(tf.mul(plain(x, layer.kernel as tf.Tensor2D), dy)) as tf.Scalar, [layer.kernel]);
    const { value: actual, grads: actualGrads } = tf.variableGrads(() => tf.sum(tf.mul(ours(x, layer.kernel as tf.Tensor2D), dy)) as tf.Scalar, [layer.kernel]);
    expect(actual.dataSync()[0]).toBeCloseTo(expected.dataSync()[0]!, 3);
    const a = actualGrads[layer.kernel.name]!.dataSync();
    const e = expectedGrads[layer.kernel.name]!.dataSync();
    e.forEach((value, k) => expect(a[k]).toBeCloseTo(value, 4));
    const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(applyDense(layer, input as tf.Tensor2D), dy)))(x).dataSync();
    const dxPlain = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(plain(input as tf.Tensor2D, layer.kernel as tf.Tensor2D), dy)))(x).dataSync();
    dxPlain.forEach((value, k) => expect(dx[k]).toBeCloseTo(value, 4));
    const y = applyDense(layer, x).dataSync();
    const yPlain = plain(x, layer.kernel as tf.Tensor2D).dataSync();
    yPlain.forEach((value, k) => expect(y[k]).toBeCloseTo(value, 4));
  });
  compare();
  // The product went through the transposed copy, which the layer keeps (one tensor).
  expect(tf.memory().numTensors).toBe(before + 1);
  // A new kernel value: the transposed copy must be made again, not reused.
  tf.tidy(() => layer.kernel.assign(tf.randomNormal([40, 24], 0, 1, 'float32', 7)));
  compare();
  disposeDense(layer);
  // The kernel, the bias and the transposed copy are gone; nothing else was left behind.
  expect(tf.memory().numTensors).toBe(before - 2);
  tf.dispose([x, dy]);
});
