/**
 * The seed method's fused SIMD training step (src/core/methods/semantic-mlp-fused.ts)
 * against torch: tests/fixtures/seed-step.json holds three steps computed in float64 by
 * torch's autograd, clip_grad_value_ and AdamW (scripts/make-seed-step-fixture.py), on
 * shapes that are not multiples of the kernels' 32-column panels.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { FusedMlpStep } from '../../src/core/methods/semantic-mlp-fused.ts';
import { createSemanticMlpTrainer } from '../../src/core/methods/semantic-mlp.ts';
import type { Dense } from '../../src/core/methods/dense.ts';
import { generateDemoDataset } from '../../src/core/demos/demo-dataset.ts';
import { makeTrainingView } from '../../src/core/data/training-view.ts';
import { perClassAccuracy } from '../../src/core/evaluation/metrics.ts';

interface Fixture {
  shape: { attributes: number; hidden: number; outputs: number };
  options: { learningRate: number; weightDecay: number; clipValue: number };
  initial: number[][];
  steps: { inputs: number[]; hiddenMask: number[]; targets: number[]; loss: number; clipped: number }[];
  final: number[][];
  moments: number[][];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/seed-step.json', import.meta.url), 'utf8')) as Fixture;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function layersFrom(values: number[][]): [Dense, Dense] {
  const { attributes: A, hidden: K, outputs: N } = fixture.shape;
  const dense = (kernel: number[], bias: number[], rows: number, cols: number): Dense => ({
    kernel: tf.variable(tf.tensor2d(kernel, [rows, cols])),
    bias: tf.variable(tf.tensor1d(bias)),
  });
  return [dense(values[0]!, values[1]!, A, K), dense(values[2]!, values[3]!, K, N)];
}

/** Largest |a - b| / (scale + |b|) over two arrays. */
function worst(actual: ArrayLike<number>, expected: ArrayLike<number>, scale: number): number {
  expect(actual.length).toBe(expected.length);
  let out = 0;
  for (let i = 0; i < expected.length; i++) out = Math.max(out, Math.abs(actual[i]! - expected[i]!) / (scale + Math.abs(expected[i]!)));
  return out;
}

describe('the fused seed step', () => {
  const options = { ...fixture.options, inputDropout: 0.3, hiddenDropout: 0.5, batchSize: 5 };

  test('matches torch (float64) over three steps: losses, weights and AdamW moments, with clipping and padded panels', () => {
    const layers = layersFrom(fixture.initial);
    const step = FusedMlpStep.create(layers, options)!;
    expect(step).not.toBeNull();
    expect(fixture.steps.every((s) => s.clipped > 0)).toBe(true); // the fixture exercises the clip
    for (const s of fixture.steps) {
      const loss = step.stepOn(Float32Array.from(s.inputs), Float32Array.from(s.hiddenMask), Float32Array.from(s.targets));
      expect(Math.abs(loss - s.loss) / s.loss).toBeLessThan(1e-5);
    }
    const { values, moments } = step.arrays();
    // Weights move by about lr = 0.01 a step; float32 against float64.
    values.forEach((v, i) => expect(worst(v, fixture.final[i]!, 1e-3)).toBeLessThan(1e-4));
    moments.forEach((m, i) => {
      const expected = fixture.moments[i]!;
      const scale = Math.max(...expected.map(Math.abs));
      expect(worst(m, expected, 1e-3 * scale)).toBeLessThan(1e-3);
    });
    // The weights really changed: the comparison is not against the start.
    expect(worst(values[2]!, fixture.initial[2]!, 1e-3)).toBeGreaterThan(1e-2);
    tf.dispose(layers.flatMap((l) => [l.kernel, l.bias]));
  });

  test('writes the trained weights into the model variables, row-major', () => {
    const layers = layersFrom(fixture.initial);
    const step = FusedMlpStep.create(layers, options)!;
    for (const s of fixture.steps) step.stepOn(Float32Array.from(s.inputs), Float32Array.from(s.hiddenMask), Float32Array.from(s.targets));
    step.writeTo(layers);
    const read = layers.flatMap((l) => [l.kernel.dataSync(), l.bias.dataSync()]);
    read.forEach((v, i) => expect(worst(v, fixture.final[i]!, 1e-3)).toBeLessThan(1e-4));
    tf.dispose(layers.flatMap((l) => [l.kernel, l.bias]));
  });

  test('a state loaded into a fresh step continues exactly as the uninterrupted one', () => {
    const [first, ...rest] = fixture.steps;
    const run = (s: Fixture['steps'][number], step: FusedMlpStep) =>
      step.stepOn(Float32Array.from(s.inputs), Float32Array.from(s.hiddenMask), Float32Array.from(s.targets));
    const layersA = layersFrom(fixture.initial);
    const a = FusedMlpStep.create(layersA, options)!;
    run(first!, a);
    const saved = a.arrays();
    const layersB = layersFrom(fixture.initial);
    const b = FusedMlpStep.create(layersB, options)!;
    b.load(saved, a.steps);
    const lossesA = rest.map((s) => run(s, a));
    const lossesB = rest.map((s) => run(s, b));
    expect(lossesB).toEqual(lossesA);
    expect(b.arrays().values).toEqual(a.arrays().values);
    tf.dispose([...layersA, ...layersB].flatMap((l) => [l.kernel, l.bias]));
  });
});

describe('the semantic MLP trainer on the fused step', () => {
  const demo = generateDemoDataset({ seed: 3, imagesPerClass: 40, featureDim: 48 });
  const split = demo.splits[0]!;
  const view = makeTrainingView(demo, split, { validationFraction: 0, seed: 1 });
  const config = { epochs: 6, batchSize: 32, learningRate: 3e-3, weightDecay: 9e-5, clipValue: 5, hiddenUnits: 70, inputDropout: 0.3, hiddenDropout: 0.5, seed: 4 };

  /** Trains `epochs` epochs; returns the per-epoch mean losses and the unseen per-class accuracy. */
  async function train(fused: boolean) {
    const trainer = createSemanticMlpTrainer(view, config, { fused });
    const losses: number[] = [];
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      trainer.beginEpoch(epoch);
      let sum = 0;
      for (let s = 0; s < trainer.stepsPerEpoch; s++) {
        const loss = trainer.step();
        sum += loss.dataSync()[0]!;
        loss.dispose();
      }
      losses.push(sum / trainer.stepsPerEpoch);
    }
    const unseen = split.unseenClasses;
    const attributes = tf.tensor2d(unseen.flatMap((c) => [...demo.classAttributes.subarray(c * demo.attributeNames.length, (c + 1) * demo.attributeNames.length)]), [unseen.length, demo.attributeNames.length]);
    const prototypes = trainer.model.embedClasses(attributes);
    const rows = [...split.testUnseenIndices];
    const x = tf.tensor2d(rows.flatMap((r) => [...demo.features.subarray(r * demo.featureDim, (r + 1) * demo.featureDim)]), [rows.length, demo.featureDim]);
    const distances = tf.tidy(() => tf.sum(tf.square(tf.sub(tf.expandDims(x, 1), tf.expandDims(prototypes, 0))), 2));
    const nearest = Array.from(tf.argMin(distances, 1).dataSync()).map((i) => unseen[i]!);
    const accuracy = perClassAccuracy(Int32Array.from(nearest), 1, Int32Array.from(rows.map((r) => demo.labels[r]!)));
    tf.dispose([attributes, prototypes, x, distances]);
    trainer.dispose();
    trainer.model.dispose();
    return { losses, accuracy };
  }

  test('learns as the tfjs-ops trainer does: the loss falls by the same amount and unseen accuracy is well above chance', async () => {
    const fused = await train(true);
    const ops = await train(false);
    const chance = 1 / split.unseenClasses.length;
    expect(fused.losses.at(-1)!).toBeLessThan(0.8 * fused.losses[0]!);
    // Same model, same data, different dropout draws: the curves agree closely.
    expect(Math.abs(fused.losses.at(-1)! - ops.losses.at(-1)!) / ops.losses.at(-1)!).toBeLessThan(0.1);
    expect(fused.accuracy).toBeGreaterThan(2 * chance);
    expect(fused.accuracy).toBeGreaterThan(ops.accuracy - 0.15);
  });
});
