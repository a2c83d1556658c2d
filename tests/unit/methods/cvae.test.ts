/** The generative method (CVAE feature generator + softmax classifier): training, determinism, serving, memory, demo GZSL. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateModel } from '../../../src/core/evaluation/evaluate.ts';
import { fitEszsl } from '../../../src/core/methods/eszsl.ts';
import { createCvaeTrainer, CVAE_DEFAULTS, type CvaeConfig } from '../../../src/core/methods/cvae-method.ts';
import { asPrototypes, trainSoftmax } from '../../../src/core/methods/softmax-classifier.ts';
import { createRng } from '../../../src/core/compute/rng.ts';
import { runTraining, seenAccuracy } from '../../../src/core/training/train-loop.ts';
import { smallDemo } from './fixtures.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Small and quick on the cpu backend. */
const FAST: CvaeConfig = {
  ...CVAE_DEFAULTS,
  epochs: 4,
  hiddenUnits: 32,
  latentDim: 8,
  learningRate: 3e-3,
  beta: 0.1,
  klWarmupEpochs: 2,
  syntheticPerClass: 40,
  classifierEpochs: 5,
};
const small = smallDemo(20, 24);

async function stepLosses(config: CvaeConfig, steps: number): Promise<number[]> {
  const trainer = createCvaeTrainer(small.view, config);
  trainer.beginEpoch(1);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const loss = trainer.step();
    out.push((await loss.data())[0]!);
    loss.dispose();
  }
  trainer.dispose();
  trainer.model.dispose();
  return out;
}

describe('generative (CVAE + softmax)', () => {
  it('its CVAE loss falls on the demo and the epoch summaries are finite', async () => {
    const trainer = createCvaeTrainer(small.view, FAST);
    const epochs: Array<{ train: number; val: number | null }> = [];
    await runTraining(trainer, small.view, { epochs: FAST.epochs, onEpoch: (p) => void epochs.push({ train: p.trainLoss, val: p.valLoss }) });
    trainer.dispose();
    trainer.model.dispose();
    expect(epochs).toHaveLength(FAST.epochs);
    expect(epochs.at(-1)!.train).toBeLessThan(epochs[0]!.train * 0.9);
    expect(epochs.every((e) => Number.isFinite(e.val))).toBe(true);
  });

  it('replays exactly under a seed and differs under another', async () => {
    const a = await stepLosses(FAST, 6);
    expect(await stepLosses(FAST, 6)).toEqual(a);
    expect(await stepLosses({ ...FAST, seed: 2 }, 6)).not.toEqual(a);
    // The attribute noise (on by default) is part of what replays, and it changes the training.
    expect(FAST.attributeNoise).toBeGreaterThan(0);
    expect(await stepLosses({ ...FAST, attributeNoise: 0 }, 6)).not.toEqual(a);
  });

  it('prepareClasses returns C × (D+1) prototypes, is deterministic and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const { dataset } = small;
    const c = dataset.classNames.length;
    const d = dataset.featureDim;
    const attributes = tf.tensor2d(dataset.classAttributes, [c, dataset.attributeNames.length]);
    const trainer = createCvaeTrainer(small.view, FAST);
    const progress: number[] = [];
    const first = await trainer.model.prepareClasses(attributes, { onProgress: (f) => progress.push(f) });
    expect(first.shape).toEqual([c, d + 1]);
    expect(progress.at(-1)).toBe(1);
    const firstValues = await first.data();
    first.dispose();
    // Steady state: every call (new weights each time) leaves the count where it was.
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      trainer.beginEpoch(1);
      trainer.step().dispose();
      (await trainer.model.prepareClasses(attributes, {})).dispose();
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size).toBe(1);
    // The same inputs give the same prototypes (fresh model, same seed).
    const again = createCvaeTrainer(small.view, FAST);
    const second = await again.model.prepareClasses(attributes, {});
    expect(Array.from(await second.data())).toEqual(Array.from(firstValues));
    second.dispose();
    for (const t of [trainer, again]) {
      t.dispose();
      t.model.dispose();
    }
    attributes.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('recognises seen candidates and trains them on real features only', async () => {
    const { view } = small;
    const seenAttributes = tf.tensor2d(view.seenAttributes, [view.numSeen, view.numAttributes]);
    const untrained = createCvaeTrainer(view, FAST);
    const trained = createCvaeTrainer(view, FAST);
    await runTraining(trained, view, { epochs: 1 });
    // With every candidate seen, the generator's weights play no part.
    const a = await untrained.model.prepareClasses(seenAttributes, {});
    const b = await trained.model.prepareClasses(seenAttributes, {});
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([a, b, seenAttributes]);
    // [x, 1]·[W_c, b_c] are the classifier's logits on raw features (the feature scale folded into W).
    expect(await seenAccuracy(trained.model, view, view.train)).toBeGreaterThan(0.2); // 28 classes: chance is 0.036
    for (const t of [untrained, trained]) {
      t.dispose();
      t.model.dispose();
    }
  });

  it('honours cancellation without leaking, and falls back to class means in embedClasses', async () => {
    const trainer = createCvaeTrainer(small.view, FAST);
    const { dataset } = small;
    const attributes = tf.tensor2d(dataset.classAttributes, [dataset.classNames.length, dataset.attributeNames.length]);
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    controller.abort();
    await expect(trainer.model.prepareClasses(attributes, { signal: controller.signal })).rejects.toThrow(/Cancelled/);
    expect(tf.memory().numTensors).toBe(before);
    const midway = new AbortController();
    const fractions: number[] = [];
    const onProgress = (f: number) => {
      fractions.push(f);
      midway.abort();
    };
    await expect(trainer.model.prepareClasses(attributes, { signal: midway.signal, onProgress })).rejects.toThrow(/Cancelled/);
    expect(fractions).toHaveLength(1);
    expect(fractions[0]).toBeLessThan(1);
    expect(tf.memory().numTensors).toBe(before);
    const fallback = tf.tidy(() => trainer.model.embedClasses(attributes));
    expect(fallback.shape).toEqual([dataset.classNames.length, dataset.featureDim + 1]);
    tf.dispose([fallback, attributes]);
    trainer.dispose();
    trainer.model.dispose();
  });

  it('rejects a configuration it cannot train with', () => {
    expect(() => createCvaeTrainer(small.view, { ...FAST, syntheticPerClass: 0 })).toThrow(/syntheticPerClass/);
    expect(() => createCvaeTrainer(small.view, { ...FAST, beta: -1 })).toThrow(/β/);
    expect(() => createCvaeTrainer(small.view, { ...FAST, attributeNoise: -0.5 })).toThrow(/attribute noise/);
  });
});

describe('the softmax classifier', () => {
  it('fits separable classes of very different sizes', async () => {
    const rng = createRng(5);
    const sizes = [60, 6, 20];
    const rows: number[] = [];
    const labels: number[] = [];
    sizes.forEach((size, c) => {
      for (let i = 0; i < size; i++) {
        rows.push(...[0, 1, 2].map((j) => (j === c ? 2 : 0) + 0.3 * rng.normal()));
        labels.push(c);
      }
    });
    const x = tf.tensor2d(rows, [labels.length, 3]);
    const y = tf.tensor1d(labels, 'int32');
    const fit = await trainSoftmax(x, y, 3, { epochs: 30, batchSize: 16, learningRate: 0.05, weightDecay: 0, rng });
    const predicted = tf.tidy(() => tf.argMax(tf.add(tf.matMul(x, fit.weights), fit.bias), 1));
    const correct = Array.from(await predicted.data()).filter((p, i) => p === labels[i]).length;
    expect(correct / labels.length).toBeGreaterThan(0.95);
    tf.dispose([x, y, fit.weights, fit.bias, predicted]);
  });

  it('serves as prototypes whose dot with [x, 1] are its logits on x / scale', async () => {
    const rng = createRng(9);
    const normal = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
    const fit = { weights: tf.tensor2d(normal(12), [4, 3]), bias: tf.tensor1d(normal(3)) };
    const scale = tf.tensor1d([0.5, 2, 3, 1]);
    const x = tf.tensor2d(normal(20), [5, 4]);
    const prototypes = asPrototypes(fit, scale);
    expect(prototypes.shape).toEqual([3, 5]);
    const served = tf.tidy(() => tf.matMul(tf.concat([x, tf.ones([5, 1])], 1), prototypes, false, true));
    const logits = tf.tidy(() => tf.add(tf.matMul(tf.div(x, scale), fit.weights), fit.bias));
    const [a, b] = [await served.data(), await logits.data()];
    expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)))).toBeLessThan(1e-5);
    tf.dispose([fit.weights, fit.bias, scale, x, prototypes, served, logits]);
  });
});

describe('generative GZSL on the demo', () => {
  it('recognises unseen animals far above chance and beats ESZSL on H', async () => {
    const { dataset, view } = smallDemo(60, 64);
    const split = dataset.splits[0]!;
    const config: CvaeConfig = { ...CVAE_DEFAULTS, epochs: 10, hiddenUnits: 64, learningRate: 3e-3, beta: 0.1, syntheticPerClass: 100, classifierEpochs: 15 };
    const trainer = createCvaeTrainer(view, config);
    await runTraining(trainer, view, { epochs: config.epochs });
    const generative = await evaluateModel(trainer.model, dataset, split);
    trainer.dispose();
    trainer.model.dispose();
    const eszslModel = await fitEszsl(view);
    const eszsl = await evaluateModel(eszslModel, dataset, split);
    eszslModel.dispose();
    const show = (r: typeof eszsl) => `ZSL ${r.zslTop1.toFixed(3)}, u ${r.u.toFixed(3)}, s ${r.s.toFixed(3)}, H ${r.h.toFixed(3)}`;
    console.info(`generative: ${show(generative)}; ESZSL (uncalibrated): ${show(eszsl)}`);
    expect(generative.zslTop1).toBeGreaterThan(0.35); // 8 unseen classes: chance is 0.125
    expect(generative.h).toBeGreaterThan(eszsl.h + 0.2);
  });
});
