/** ESZSL: the closed form against a naive float64 computation, progress, cancellation, demo accuracy. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateModel } from '../../../src/core/evaluation/evaluate.ts';
import { ESZSL_DEFAULTS, fitEszsl } from '../../../src/core/methods/eszsl.ts';
import { inverse, maxRelativeDiff, mul, plusDiagonal, randomView, rowsOf, smallDemo, t } from './fixtures.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ESZSL', () => {
  const view = randomView(40, 7, 4, 5);
  const gamma = 0.7;
  const lambda = 0.3;
  // V = (XᵀX + γI)⁻¹ XᵀY Sᵀ (SSᵀ + λI)⁻¹, by Gauss-Jordan inverses.
  const x = rowsOf(view.train.features, 40, 7);
  const y = Array.from(view.train.labels, (label) => [0, 1, 2, 3].map((c) => (c === label ? 1 : 0)));
  const st = rowsOf(view.seenAttributes, 4, 5);
  const expected = mul(mul(mul(inverse(plusDiagonal(mul(t(x), x), gamma)), mul(t(x), y)), st), inverse(plusDiagonal(mul(t(st), st), lambda)));

  for (const gram of ['js', 'wasm', 'device'] as const) {
    it(`matches the formula to 1e-4 (XᵀX in ${gram})`, async () => {
      const model = await fitEszsl(view, { ...ESZSL_DEFAULTS, gamma, lambda, gram });
      expect(model.metric).toBe('dot');
      expect(model.featureMap!.shape).toEqual([7, 5]);
      expect(maxRelativeDiff(await model.featureMap!.data(), expected)).toBeLessThan(1e-4);
      // Scores are xᵀ·V·a_c through the ZslModel interface.
      const scores = tf.tidy(() => tf.matMul(model.embedFeatures(tf.tensor2d(view.train.features, [40, 7])), model.embedClasses(tf.tensor2d(view.seenAttributes, [4, 5])), false, true));
      expect(maxRelativeDiff(await scores.data(), mul(mul(x, expected), t(st)))).toBeLessThan(1e-4);
      scores.dispose();
      model.dispose();
    });
  }

  it('reports its phases with a non-decreasing fraction and honours cancellation', async () => {
    const seen: Array<{ phase: string; fraction: number }> = [];
    const model = await fitEszsl(view, ESZSL_DEFAULTS, { onProgress: (p) => seen.push(p) });
    model.dispose();
    const phases = new Set(seen.map((p) => p.phase));
    expect(phases.has('Computing XᵀX')).toBe(true);
    expect(phases.has('Solving')).toBe(true);
    expect(seen.every((p, i) => i === 0 || p.fraction >= seen[i - 1]!.fraction)).toBe(true);
    expect(seen.at(-1)!.fraction).toBe(1);
    const controller = new AbortController();
    controller.abort();
    await expect(fitEszsl(view, ESZSL_DEFAULTS, { signal: controller.signal })).rejects.toThrow(/Cancelled/);
  });

  it('rejects a non-positive regulariser', async () => {
    await expect(fitEszsl(view, { ...ESZSL_DEFAULTS, gamma: 0 })).rejects.toThrow(/positive/);
  });

  it('recognises unseen demo animals far above chance', async () => {
    const { dataset, view: demoView } = smallDemo();
    const model = await fitEszsl(demoView);
    const result = await evaluateModel(model, dataset, dataset.splits[0]!);
    model.dispose();
    expect(result.zslTop1).toBeGreaterThan(0.35); // 8 unseen classes: chance is 0.125
  });
});
