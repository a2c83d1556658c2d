/**
 * The WASM matrix-product wrapper (src/core/compute/wasm-matmul.ts) must give the same
 * products and gradients as the cpu backend for every transpose combination,
 * rank 2 and batched rank 3, and choose the cheaper rewrite.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { nodeProbes } from '../../src/cli/node-backends.ts';
import { selectBackend } from '../../src/core/compute/backend.ts';
import { createRng } from '../../src/core/compute/rng.ts';
import { planTransposes } from '../../src/core/compute/wasm-matmul.ts';

const rng = createRng(3);
const random = (shape: number[]) => Array.from({ length: shape.reduce((n, d) => n * d, 1) }, () => rng.normal());

interface Case {
  name: string;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}
const CASES: Case[] = [
  { name: 'a·b', a: [7, 5], b: [5, 9], transposeA: false, transposeB: false },
  { name: 'a·bᵀ, large b (result rewrite)', a: [3, 40], b: [50, 40], transposeA: false, transposeB: true },
  { name: 'a·bᵀ, large a (operand rewrite)', a: [50, 40], b: [3, 40], transposeA: false, transposeB: true },
  { name: 'aᵀ·b', a: [6, 4], b: [6, 8], transposeA: true, transposeB: false },
  { name: 'aᵀ·bᵀ', a: [6, 4], b: [9, 6], transposeA: true, transposeB: true },
  { name: 'batched a·bᵀ', a: [3, 4, 5], b: [3, 6, 5], transposeA: false, transposeB: true },
  { name: 'batched aᵀ·b', a: [3, 5, 4], b: [3, 5, 6], transposeA: true, transposeB: false },
  { name: 'batched aᵀ·bᵀ', a: [2, 5, 4], b: [2, 6, 5], transposeA: true, transposeB: true },
];

type Result = { product: number[]; shape: number[]; da: number[]; db: number[] };
const inputs = new Map(CASES.map((c) => [c.name, { a: random(c.a), b: random(c.b) }]));
/** Per-output weights of the loss, drawn once per case on the first backend and reused. */
const lossWeights = new Map<string, number[]>();

function compute(c: Case): Result {
  const { a, b } = inputs.get(c.name)!;
  return tf.tidy(() => {
    const ta = tf.tensor(a, c.a);
    const tb = tf.tensor(b, c.b);
    const product = tf.matMul(ta, tb, c.transposeA, c.transposeB);
    // A loss with distinct weights per output, so every gradient entry is checked.
    if (!lossWeights.has(c.name)) lossWeights.set(c.name, random(product.shape));
    const weights = tf.tensor(lossWeights.get(c.name)!, product.shape);
    const grads = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, c.transposeA, c.transposeB), weights)))([ta, tb]);
    return { product: [...product.dataSync()], shape: product.shape, da: [...grads[0]!.dataSync()], db: [...grads[1]!.dataSync()] };
  });
}

let onCpu: Map<string, Result>;
let wasmReady = false;
beforeAll(async () => {
  await tf.setBackend('cpu');
  onCpu = new Map(CASES.map((c) => [c.name, compute(c)]));
  wasmReady = (await selectBackend('wasm', nodeProbes).catch(() => null))?.name === 'wasm';
});
afterAll(() => tf.setBackend('cpu'));

describe('the WASM matMul wrapper', () => {
  test('chooses the rewrite that moves fewer values', () => {
    // dy (64×2048) · Wᵀ (W 1024×2048): transposing W moves 2 M values; (W·dyᵀ)ᵀ moves 0.2 M.
    expect(planTransposes(64 * 2048, 1024 * 2048, 64 * 1024, false, true)).toBe('result');
    // xᵀ (x 64×1024) · dy (64×2048): transposing x moves 65 k values.
    expect(planTransposes(64 * 1024, 64 * 2048, 1024 * 2048, true, false)).toBe('operands');
    // aᵀ·bᵀ = (b·a)ᵀ: only the result moves.
    expect(planTransposes(100, 100, 4, true, true)).toBe('result');
  });

  test.each(CASES.map((c) => [c.name, c] as const))('%s: product and gradients match the cpu backend', (_, c) => {
    if (!wasmReady) throw new Error('the WASM backend did not start under Node');
    const got = compute(c);
    const want = onCpu.get(c.name)!;
    expect(got.shape).toEqual(want.shape);
    for (const key of ['product', 'da', 'db'] as const) {
      expect(got[key]).toHaveLength(want[key].length);
      got[key].forEach((v, i) => expect(v, `${key}[${i}]`).toBeCloseTo(want[key][i]!, 4));
    }
  });

  test('leaves no tensors and no backend buffers behind', () => {
    const buffers = () => tf.engine().backend.numDataIds();
    const before = tf.memory().numTensors;
    const buffersBefore = buffers();
    const bytesBefore = tf.memory().numBytes;
    tf.tidy(() => void tf.matMul(tf.ones([4, 3]), tf.ones([5, 3]), false, true));
    tf.tidy(() => void tf.matMul(tf.ones([3, 4]), tf.ones([3, 5]), true, false));
    tf.tidy(() => void tf.matMul(tf.ones([30, 4]), tf.ones([3, 4]), false, true));
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.memory().numBytes).toBe(bytesBefore);
    // The rewrite's transposed copies live only in the backend: they must be freed there too.
    expect(buffers()).toBe(buffersBefore);
  });
});
