import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { generateDemoDataset } from '../../src/core/demos/demo-dataset.ts';
import { DEFAULT_TRAIN_CONFIG, defaultConfig, validateTrainConfig, type TrainConfig } from '../../src/core/methods/catalog.ts';
import { AdamW } from '../../src/core/training/optimiser.ts';
import { adamwReference, createTestRng } from './helpers/adamw-reference.ts';


import { trainAndEvaluate, type RunCheckpoint } from '../../src/core/training/train-and-evaluate.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const demo = generateDemoDataset({ seed: 3, imagesPerClass: 40, featureDim: 32 });
const split = demo.splits[0]!;
const withParams = (base: TrainConfig, params: Record<string, number>): TrainConfig => ({ ...base, params: { ...base.params, ...params } });
const config = withParams(DEFAULT_TRAIN_CONFIG, { epochs: 4, hiddenUnits: 64, learningRate: 3e-3, batchSize: 64 });

describe("the semantic MLP (the seed notebook's method)", () => {
  test('its loss falls and it beats chance on unseen classes', async () => {
    const epochs: number[] = [];
    const { model, run } = await trainAndEvaluate(demo, split, config, 'cpu', {
      epochTestImages: 0,
      onEpoch: (p) => epochs.push(p.trainLoss),
    });
    model.dispose();
    expect(epochs).toHaveLength(4);
    expect(epochs[3]!).toBeLessThan(epochs[0]! * 0.9);
    const chance = 1 / split.unseenClasses.length;
    expect(run.evaluation.zslTop1).toBeGreaterThan(2 * chance);
    expect(run.evaluation.h).toBeGreaterThan(0);
  });

  test('replays exactly under a seed and differs under another', async () => {
    const losses = async (seed: number) => {
      const out: number[] = [];
      const { model } = await trainAndEvaluate(demo, split, { ...withParams(config, { epochs: 1 }), seed }, 'cpu', {
        epochTestImages: 0,
        onSteps: (points) => out.push(...points.map((p) => p.loss)),
      });
      model.dispose();
      return out;
    };
    const a = await losses(11);
    const b = await losses(11);
    const c = await losses(12);
    expect(a.length).toBeGreaterThan(5);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  test('leaks no tensors across epochs', async () => {
    const counts: number[] = [];
    const { model } = await trainAndEvaluate(demo, split, withParams(config, { epochs: 3 }), 'cpu', {
      epochTestImages: 50,
      onEpoch: () => counts.push(tf.memory().numTensors),
    });
    model.dispose();
    expect(counts[2]).toBe(counts[0]);
  });

  test('stops early and keeps the model trained so far', async () => {
    const stop = new AbortController();
    const { model, run } = await trainAndEvaluate(demo, split, withParams(config, { epochs: 50 }), 'cpu', {
      epochTestImages: 0,
      stopSignal: stop.signal,
      onEpoch: (p) => {
        if (p.epoch === 2) stop.abort();
      },
    });
    model.dispose();
    expect(run.stopped).toBe(true);
    expect(run.epochsCompleted).toBe(2);
    expect(run.evaluation.zslTop1).toBeGreaterThan(0);
  });
});

describe('AdamW', () => {
  test('matches a hand-computed PyTorch AdamW step with value clipping', () => {
    const w = tf.variable(tf.tensor1d([1, -2]), true, 'adamw_test_w');
    const opt = new AdamW([w], { learningRate: 0.1, weightDecay: 0.5, clipValue: 5 });
    // loss = 10·w0 + 0.5·w1²  → grad = [10, w1] = [10, -2]; clipped to [5, -2]
    opt.minimize(() => tf.add(tf.mul(w.gather([0]).sum(), 10), tf.mul(tf.square(w.gather([1])).sum(), 0.5)) as tf.Scalar).dispose();
    // First step: m̂ = g, v̂ = g², update = g/|g| = sign(g); p ← p(1 − lr·wd) − lr·sign(g)
    const [w0, w1] = Array.from(w.dataSync());
    expect(w0).toBeCloseTo(1 * (1 - 0.05) - 0.1, 5);
    expect(w1).toBeCloseTo(-2 * (1 - 0.05) + 0.1, 5);
    opt.dispose();
    w.dispose();
  });
});

describe('AdamW over many steps', () => {
  test.each([
    ['the loop on the CPU backends', true],
    ['tfjs ops (GPU backends)', false],
  ])('%s: matches PyTorch AdamW over 20 steps, and both agree', (_name, fused) => {
    const rng = createTestRng(17);
    const p0 = Array.from({ length: 64 }, () => rng() * 4 - 2);
    // loss = Σ c_t·w: the gradient of step t is c_t, chosen up front (some beyond the clip value).
    const grads = Array.from({ length: 20 }, () => p0.map(() => (rng() - 0.5) * 14));
    const w = tf.variable(tf.tensor1d(p0), true, `adamw_many_${fused}`);
    const opt = new AdamW([w], { learningRate: 0.05, weightDecay: 0.1, clipValue: 5, fused });
    for (const g of grads) opt.minimize(() => tf.sum(tf.mul(w, tf.tensor1d(g))) as tf.Scalar).dispose();
    const expected = adamwReference(p0, grads, { lr: 0.05, wd: 0.1, clip: 5 });
    const got = Array.from(w.dataSync());
    got.forEach((x, k) => expect(x).toBeCloseTo(expected[k]!, 4));
    opt.dispose();
    w.dispose();
  });
});

describe('validateTrainConfig', () => {
  test.each([
    ['epochs', 0],
    ['epochs', 1.5],
    ['batchSize', 0],
    ['learningRate', 0],
    ['learningRate', Number.NaN],
    ['weightDecay', -1],
    ['hiddenUnits', 0],
    ['margin', 1],
  ])('rejects the setting %s = %s with a sentence naming it', (field, value) => {
    expect(() => validateTrainConfig(withParams(DEFAULT_TRAIN_CONFIG, { [field]: value }))).toThrow(new RegExp(`variable "${field}": expected`));
  });

  test.each([
    ['validationFraction', 0.9],
    ['seed', 0.5],
    ['method', 'nope'],
    ['calibration', 'sometimes'],
  ])('rejects %s = %s with a sentence naming the field', (field, value) => {
    expect(() => validateTrainConfig({ ...DEFAULT_TRAIN_CONFIG, [field]: value })).toThrow(new RegExp(`variable "${field}": expected`));
  });

  test('fills settings left out with the method defaults', () => {
    const filled = validateTrainConfig({ ...DEFAULT_TRAIN_CONFIG, method: 'eszsl', params: { featureReg: 10 } });
    expect(filled.params).toEqual({ featureReg: 10, attributeReg: 1, attributes: 'l2' });
  });

  test('accepts the defaults', () => {
    expect(validateTrainConfig(DEFAULT_TRAIN_CONFIG)).toEqual(DEFAULT_TRAIN_CONFIG);
  });
});

describe('checkpoints', () => {
  test.each(['semantic-mlp', 'devise'] as const)('%s: a run resumed from its epoch-2 checkpoint ends exactly like an uninterrupted one', async (method) => {
    const base = defaultConfig(method, 'demo');
    const cfg = withParams(base, method === 'semantic-mlp' ? { epochs: 4, hiddenUnits: 32, learningRate: 3e-3 } : { epochs: 4, learningRate: 1e-2 });
    const whole: number[] = [];
    const checkpoints: RunCheckpoint[] = [];
    const full = await trainAndEvaluate(demo, split, cfg, 'cpu', {
      epochTestImages: 0,
      onSteps: (points) => whole.push(...points.map((p) => p.loss)),
      onCheckpoint: async (c) => void checkpoints.push(c),
    });
    full.model.dispose();
    expect(checkpoints.map((c) => c.epoch)).toEqual([1, 2, 3, 4]);

    const resumedLosses: number[] = [];
    const resumed = await trainAndEvaluate(demo, split, cfg, 'cpu', {
      epochTestImages: 0,
      resume: checkpoints[1],
      onSteps: (points) => resumedLosses.push(...points.map((p) => p.loss)),
    });
    resumed.model.dispose();
    expect(resumed.run.epochsCompleted).toBe(4);
    expect(resumedLosses).toEqual(whole.slice(whole.length - resumedLosses.length));
    expect(resumedLosses.length).toBe(whole.length / 2);
    expect(resumed.run.evaluation).toEqual(full.run.evaluation);
  });

  test('a resumed run counts the time taken before the interruption', async () => {
    const cfg = withParams(defaultConfig('semantic-mlp', 'demo'), { epochs: 2, hiddenUnits: 16, learningRate: 3e-3 });
    const checkpoints: RunCheckpoint[] = [];
    const started = performance.now();
    const full = await trainAndEvaluate(demo, split, cfg, 'cpu', { epochTestImages: 0, onCheckpoint: async (c) => void checkpoints.push(c) });
    full.model.dispose();
    const [first, second] = checkpoints.map((c) => c.seconds!);
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first!);
    expect(full.run.seconds).toBeGreaterThanOrEqual(second!);
    expect(full.run.seconds).toBeLessThanOrEqual((performance.now() - started) / 1000);

    // As if the first epoch had taken 500 s before a reload.
    const before = performance.now();
    const resumed = await trainAndEvaluate(demo, split, cfg, 'cpu', { epochTestImages: 0, resume: { ...checkpoints[0]!, seconds: 500 } });
    resumed.model.dispose();
    const thisPart = (performance.now() - before) / 1000;
    expect(resumed.run.seconds).toBeGreaterThanOrEqual(500);
    expect(resumed.run.seconds).toBeLessThanOrEqual(500 + thisPart);
  });
});
