/**
 * The fused seed step (src/core/methods/semantic-mlp-fused.ts) run on the torch
 * fixture (tests/fixtures/seed-step.json, from scripts/make-seed-step-fixture.py:
 * three steps of float64 autograd, clip_grad_value_ and AdamW). Returns the
 * deviations for the caller to assert; shared by the Node test and the test that
 * runs it in a Chromium worker. No Node or DOM imports.
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import fixture from '../../fixtures/seed-step.json';
import type { Dense } from '../../../src/core/methods/dense.ts';
import { FusedMlpStep } from '../../../src/core/methods/semantic-mlp-fused.ts';

export type SeedStepFixture = typeof fixture;
export { fixture as seedStepFixture };

export const FIXTURE_OPTIONS = { ...fixture.options, inputDropout: 0.3, hiddenDropout: 0.5, batchSize: 5 };

/** The fixture's initial (or given) weights as two dense layers (the caller disposes them). */
export function fixtureLayers(values: number[][] = fixture.initial): [Dense, Dense] {
  const { attributes: A, hidden: K, outputs: N } = fixture.shape;
  const dense = (kernel: number[], bias: number[], rows: number, cols: number): Dense => ({
    kernel: tf.variable(tf.tensor2d(kernel, [rows, cols])),
    bias: tf.variable(tf.tensor1d(bias)),
  });
  return [dense(values[0]!, values[1]!, A, K), dense(values[2]!, values[3]!, K, N)];
}

/** One fixture step on a fused step; returns its loss. */
export const runFixtureStep = (step: FusedMlpStep, s: SeedStepFixture['steps'][number]): number =>
  step.stepOn(Float32Array.from(s.inputs), Float32Array.from(s.hiddenMask), Float32Array.from(s.targets));

/** Largest |a - b| / (scale + |b|) over two arrays of the same length (Infinity when they differ). */
export function worstDeviation(actual: ArrayLike<number>, expected: ArrayLike<number>, scale: number): number {
  if (actual.length !== expected.length) return Infinity;
  let out = 0;
  for (let i = 0; i < expected.length; i++) out = Math.max(out, Math.abs(actual[i]! - expected[i]!) / (scale + Math.abs(expected[i]!)));
  return out;
}

export interface FixtureDeviations {
  /** Relative error of each step's loss. */
  losses: number[];
  /** Per variable (kernel, bias, kernel, bias): the worst deviation of the final weights (scale 1e-3). */
  values: number[];
  /** Per moment (m, v per variable): the worst deviation (scale 1e-3 of the moment's largest value). */
  moments: number[];
  /** How far the output kernel moved from its start (the comparison is not against the start). */
  moved: number;
  /** Whether every fixture step clipped some gradients. */
  clips: boolean;
}

export function fusedAgainstTorch(): FixtureDeviations {
  const layers = fixtureLayers();
  try {
    const step = FusedMlpStep.create(layers, FIXTURE_OPTIONS);
    if (!step) throw new Error('no WebAssembly SIMD here');
    const losses = fixture.steps.map((s) => Math.abs(runFixtureStep(step, s) - s.loss) / s.loss);
    const { values, moments } = step.arrays();
    return {
      losses,
      values: values.map((v, i) => worstDeviation(v, fixture.final[i]!, 1e-3)),
      moments: moments.map((m, i) => {
        const expected = fixture.moments[i]!;
        return worstDeviation(m, expected, 1e-3 * Math.max(...expected.map(Math.abs)));
      }),
      moved: worstDeviation(values[2]!, fixture.initial[2]!, 1e-3),
      clips: fixture.steps.every((s) => s.clipped > 0),
    };
  } finally {
    tf.dispose(layers.flatMap((l) => [l.kernel, l.bias]));
  }
}

/** Asserts the deviations the fixture check found. */
export function expectCloseToTorch(d: FixtureDeviations): void {
  expect(d.clips).toBe(true); // the fixture exercises the clip
  for (const e of d.losses) expect(e).toBeLessThan(1e-5);
  // Weights move by about lr = 0.01 a step; float32 against float64.
  for (const e of d.values) expect(e).toBeLessThan(1e-4);
  for (const e of d.moments) expect(e).toBeLessThan(1e-3);
  expect(d.moved).toBeGreaterThan(1e-2);
}

