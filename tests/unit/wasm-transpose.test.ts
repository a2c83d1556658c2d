/**
 * The WASM Transpose kernel that swaps the last two axes with SIMD tiles
 * (src/core/compute/wasm-transpose.ts) gives what a plain index loop gives, at
 * rank 2 and 3, on sides that are and are not multiples of 4; other permutations
 * keep tfjs's kernel and stay right; nothing leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { nodeProbes } from '../../src/cli/node-backends.ts';
import { selectBackend } from '../../src/core/compute/backend.ts';
import { fastTransposeInstalled, swapsLastTwo } from '../../src/core/compute/wasm-transpose.ts';

beforeAll(async () => {
  expect((await selectBackend('wasm', nodeProbes)).name).toBe('wasm');
  expect(fastTransposeInstalled()).toBe(true);
});

/** out[idx permuted] by explicit strides: an independent reference. */
function transposeByIndex(values: Float32Array, shape: number[], perm: number[]): Float32Array {
  const outShape = perm.map((p) => shape[p]!);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(values.length);
  const index = new Array(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let rest = o;
    for (let i = outShape.length - 1; i >= 0; i--) {
      index[i] = rest % outShape[i]!;
      rest = Math.floor(rest / outShape[i]!);
    }
    let source = 0;
    for (let i = 0; i < perm.length; i++) source += index[i]! * strides[perm[i]!]!;
    out[o] = values[source]!;
  }
  return out;
}

test('swapping the last two axes matches the index loop at rank 2 and 3, aligned or not', () => {
  const cases: [number[], number[]][] = [
    [[64, 128], [1, 0]],
    [[85, 1024], [1, 0]],
    [[129, 67], [1, 0]],
    [[3, 40, 52], [0, 2, 1]],
    [[2, 33, 130], [0, 2, 1]],
  ];
  for (const [shape, perm] of cases) {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = Float32Array.from({ length: size }, (_, i) => Math.sin(i) * 10);
    const before = tf.memory().numTensors;
    const x = tf.tensor(values, shape);
    const y = tf.transpose(x, perm);
    expect(y.shape).toEqual(perm.map((p) => shape[p]!));
    expect(Array.from(y.dataSync()), shape.join(' × ')).toEqual(Array.from(transposeByIndex(values, shape, perm)));
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  }
});

test('other permutations and small tensors go to the original kernel and stay right', () => {
  for (const [shape, perm] of [[[4, 30, 50], [2, 0, 1]], [[10, 12], [1, 0]], [[20, 30, 40], [1, 0, 2]]] as [number[], number[]][]) {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = Float32Array.from({ length: size }, (_, i) => i % 97);
    const y = tf.tidy(() => tf.transpose(tf.tensor(values, shape), perm));
    expect(Array.from(y.dataSync())).toEqual(Array.from(transposeByIndex(values, shape, perm)));
    y.dispose();
  }
  expect(swapsLastTwo([0, 2, 1])).toBe(true);
  expect(swapsLastTwo([1, 0, 2])).toBe(false);
  expect(swapsLastTwo([0])).toBe(false);
});
