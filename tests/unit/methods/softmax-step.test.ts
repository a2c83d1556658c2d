/**
 * The softmax classifier's hand-written step (the CPU backends' default) against
 * tfjs's own gradients of tf.losses.softmaxCrossEntropy, an independent
 * implementation of the same loss: the gradient with respect to the logits, and
 * whole fits on the cpu and wasm backends.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeProbes } from '../../../src/cli/node-backends.ts';
import { selectBackend } from '../../../src/core/compute/backend.ts';
import { createRng } from '../../../src/core/compute/rng.ts';
import { softmaxCrossEntropyGradient, trainSoftmax } from '../../../src/core/methods/softmax-classifier.ts';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));

describe('softmaxCrossEntropyGradient', () => {
  it("matches tf.grad of tf.losses.softmaxCrossEntropy with weights, a zero weight included, and its loss", async () => {
    await tf.setBackend('cpu');
    const rng = createRng(3);
    const [rows, classes] = [7, 5];
    const logits = Float32Array.from({ length: rows * classes }, () => 3 * rng.normal());
    logits[4] = 60; // a large logit: the softmax must not overflow
    const labels = Int32Array.from([0, 4, 2, 2, 1, 3, 0]);
    const weights = Float32Array.from([0.5, 2, 1, 0, 1.5, 0.25, 3]);
    const reference = (z: tf.Tensor) => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), classes), z, tf.tensor1d(weights)) as tf.Scalar;
    const z = tf.tensor2d(logits, [rows, classes]);
    const expectedGradient = await tf.grad(reference)(z).data();
    const expectedLoss = (await reference(z).data())[0]!;

    const g = logits.slice();
    const loss = softmaxCrossEntropyGradient(g, labels, weights, classes);
    expect(loss).toBeCloseTo(expectedLoss, 4);
    expect(maxDiff(g, expectedGradient)).toBeLessThan(1e-6);
    // The zero-weighted row has no gradient; the others sum to zero across classes (softmax − one-hot).
    expect(maxDiff(g.subarray(3 * classes, 4 * classes), new Float32Array(classes))).toBe(0);
    expect(Math.abs(g.subarray(0, classes).reduce((s, v) => s + v, 0))).toBeLessThan(1e-6);
    tf.dispose(z);
  });
});

describe.each(['cpu', 'wasm'] as const)('trainSoftmax on %s', (backend) => {
  it('fits the same weights with the hand-written step as with tfjs gradients, and leaks no tensors', async () => {
    expect((await selectBackend(backend, nodeProbes)).name).toBe(backend);
    const rng = createRng(11);
    const [n, d, classes] = [90, 12, 4];
    const labels = Int32Array.from({ length: n }, (_, i) => (i * 7) % classes);
    // Unequal class sizes exercise the class weights: class 3 gets a quarter of the rows of the others.
    labels.forEach((c, i) => {
      if (c === 3 && i % 4 !== 0) labels[i] = 0;
    });
    const features = Float32Array.from({ length: n * d }, (_, k) => Math.abs(rng.normal()) + (k % d === labels[Math.floor(k / d)]! ? 1 : 0));
    const x = tf.tensor2d(features, [n, d]);
    const y = tf.tensor1d(labels, 'int32');
    const fit = async (manualGradient: boolean) => {
      const before = tf.memory().numTensors;
      const result = await trainSoftmax(x, y, classes, { epochs: 6, batchSize: 16, learningRate: 0.01, weightDecay: 0.01, rng: createRng(2), manualGradient });
      expect(tf.memory().numTensors).toBe(before + 2);
      const out = { weights: await result.weights.data(), bias: await result.bias.data() };
      tf.dispose([result.weights, result.bias]);
      return out;
    };
    const manual = await fit(true);
    const autograd = await fit(false);
    // Adam's first steps move every weight by about the learning rate: the fits have really moved.
    expect(Math.max(...Array.from(manual.weights, Math.abs))).toBeGreaterThan(0.02);
    expect(maxDiff(manual.weights, autograd.weights)).toBeLessThan(2e-5);
    expect(maxDiff(manual.bias, autograd.bias)).toBeLessThan(2e-5);
    tf.dispose([x, y]);
  });
});
