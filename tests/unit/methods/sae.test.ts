/** SAE: the Sylvester solution against an independent Kronecker solve, its residual, both directions, demo accuracy. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateModel } from '../../../src/core/evaluation/evaluate.ts';
import { fitSae, SAE_DEFAULTS, solveSae } from '../../../src/core/methods/sae.ts';
import { inverse, maxRelativeDiff, mul, randomView, rowsOf, smallDemo, t, type Dense } from './fixtures.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('SAE', () => {
  // 3 classes, 4 attributes: S·Sᵀ is singular, as when classes are fewer than attributes.
  const n = 24, d = 5, a = 4, z = 3, lambda = 0.8;
  const view = randomView(n, d, z, a, 11);
  const xRows = rowsOf(view.train.features, n, d).map((row) => {
    const norm = Math.hypot(...row);
    return row.map((v) => v / norm);
  });
  const x = t(xRows); // D × n
  const attributes = rowsOf(view.seenAttributes, z, a);
  const s = t(Array.from(view.train.labels, (label) => attributes[label]!)); // A × n
  const sst = mul(s, t(s));
  const xxt = mul(x, t(x));
  const c = mul(s, t(x)).map((row) => row.map((v) => (1 + lambda) * v));

  it('solves S·Sᵀ·W + λ·W·X·Xᵀ = (1+λ)·S·Xᵀ like a Kronecker-product solve', async () => {
    const w = await solveSae(view, lambda, 'js');
    const wd: Dense = rowsOf(w.data, a, d);
    const lhs = mul(sst, wd).map((row, i) => row.map((v, j) => v + lambda * mul(wd, xxt)[i]![j]!));
    expect(maxRelativeDiff(lhs.flat(), c)).toBeLessThan(1e-9);
    // vec(W) by columns: (I_D ⊗ S·Sᵀ + λ·X·Xᵀ ⊗ I_A)·vec(W) = vec(C).
    const size = a * d;
    const k: Dense = Array.from({ length: size }, () => new Array<number>(size).fill(0));
    for (let i = 0; i < a; i++) for (let j = 0; j < d; j++) {
      for (let p = 0; p < a; p++) k[j * a + i]![j * a + p]! += sst[i]![p]!;
      for (let q = 0; q < d; q++) k[j * a + i]![q * a + i]! += lambda * xxt[q]![j]!;
    }
    const vec = mul(inverse(k), Array.from({ length: size }, (_, r) => [c[r % a]![Math.floor(r / a)]!]));
    const expected = Array.from({ length: a }, (_, i) => Array.from({ length: d }, (_, j) => vec[j * a + i]![0]!));
    expect(maxRelativeDiff(w.data, expected)).toBeLessThan(1e-8);
    const device = await solveSae(view, lambda, 'device');
    expect(maxRelativeDiff(device.data, expected)).toBeLessThan(1e-4);
  });

  it('serves the encoder (x→s) and the decoder (s→x) by cosine', async () => {
    const w = await solveSae(view, lambda, 'js');
    const encoder = await fitSae(view, { ...SAE_DEFAULTS, lambda, direction: 'x2s', gram: 'js' });
    const decoder = await fitSae(view, { ...SAE_DEFAULTS, lambda, direction: 's2x', gram: 'js' });
    expect(encoder.metric).toBe('cosine');
    expect(decoder.metric).toBe('cosine');
    const features = tf.tensor2d(view.train.features, [n, d]);
    const attrs = tf.tensor2d(view.seenAttributes, [z, a]);
    const encoded = encoder.embedFeatures(features); // normalised x · Wᵀ
    expect(maxRelativeDiff(await encoded.data(), mul(xRows, t(rowsOf(w.data, a, d))))).toBeLessThan(1e-4);
    const decoded = decoder.embedClasses(attrs); // a · W
    expect(maxRelativeDiff(await decoded.data(), mul(attributes, rowsOf(w.data, a, d)))).toBeLessThan(1e-4);
    tf.dispose([features, attrs, encoded, decoded]);
    encoder.dispose();
    decoder.dispose();
  });

  it('reports tridiagonalisation among its phases', async () => {
    const phases = new Set<string>();
    (await fitSae(view, SAE_DEFAULTS, { onProgress: (p) => phases.add(p.phase) })).dispose();
    expect([...phases]).toEqual(expect.arrayContaining(['Computing XXᵀ', 'Tridiagonalising XXᵀ', 'Solving']));
  });

  for (const direction of ['x2s', 's2x'] as const) {
    it(`recognises unseen demo animals above chance (${direction})`, async () => {
      const { dataset, view: demoView } = smallDemo();
      const model = await fitSae(demoView, { ...SAE_DEFAULTS, direction });
      const result = await evaluateModel(model, dataset, dataset.splits[0]!);
      model.dispose();
      expect(result.zslTop1).toBeGreaterThan(0.3);
    });
  }
});
