/**
 * The seed method's fused SIMD training step (src/core/methods/semantic-mlp-fused.ts)
 * against torch: tests/fixtures/seed-step.json holds three steps computed in float64 by
 * torch's autograd, clip_grad_value_ and AdamW (scripts/make-seed-step-fixture.py), on
 * shapes that are not multiples of the kernels' 32-column panels.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { FusedMlpStep } from '../../src/core/methods/semantic-mlp-fused.ts';
import { createSemanticMlpTrainer } from '../../src/core/methods/semantic-mlp.ts';
import { generateDemoDataset } from '../../src/core/demos/demo-dataset.ts';
import { makeTrainingView } from '../../src/core/data/training-view.ts';
import { perClassAccuracy } from '../../src/core/evaluation/metrics.ts';
import { expectCloseToTorch, FIXTURE_OPTIONS, fixtureLayers, fusedAgainstTorch, runFixtureStep, seedStepFixture as fixture, worstDeviation } from './helpers/seed-step-fixture.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('the fused seed step', () => {
  test('matches torch (float64) over three steps: losses, weights and AdamW moments, with clipping and padded panels', () => {
    expectCloseToTorch(fusedAgainstTorch());
  });

  test('writes the trained weights into the model variables, row-major', () => {
    const layers = fixtureLayers();
    const step = FusedMlpStep.create(layers, FIXTURE_OPTIONS)!;
    for (const s of fixture.steps) runFixtureStep(step, s);
    step.writeTo(layers);
    const read = layers.flatMap((l) => [l.kernel.dataSync(), l.bias.dataSync()]);
    read.forEach((v, i) => expect(worstDeviation(v, fixture.final[i]!, 1e-3)).toBeLessThan(1e-4));
    tf.dispose(layers.flatMap((l) => [l.kernel, l.bias]));
  });

  test('a state loaded into a fresh step continues exactly as the uninterrupted one', () => {
    const [first, ...rest] = fixture.steps;
    const layersA = fixtureLayers();
    const a = FusedMlpStep.create(layersA, FIXTURE_OPTIONS)!;
    runFixtureStep(a, first!);
    const saved = a.arrays();
    const layersB = fixtureLayers();
    const b = FusedMlpStep.create(layersB, FIXTURE_OPTIONS)!;
    b.load(saved, a.steps);
    const lossesA = rest.map((s) => runFixtureStep(a, s));
    const lossesB = rest.map((s) => runFixtureStep(b, s));
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
