/**
 * A linear softmax classifier trained with Adam on features given as a tensor: the final stage of generative GZSL (real seen + synthetic unseen
 * features → one classifier over all candidates). Zero-initialised (the problem
 * is convex), shuffled by a seeded Rng, so a fit replays exactly. Cancellable;
 * reads nothing back per step except every few steps to yield and report.
 * On the CPU backends the step is written out by hand: two matrix products
 * (logits = x·W; ∂W = xᵀ·g) around the loss's gradient g with respect to the
 * logits, computed in one pass over the B × C logits. Through tfjs's gradients
 * the same step was a few dozen small kernels (one-hot, gathers, softmax, the
 * weighted reduction and their gradients), more than twice the two products.
 * tfjs only: no DOM.
 */
import * as tf from '@tensorflow/tfjs';
import { throwIfAborted } from '../errors.ts';
import { AdamW } from '../training/optimiser.ts';
import { hostValues, tensorFromScratch } from '../compute/wasm-values.ts';
import { transposeInScratch } from '../compute/simd/simd-kernels.ts';
import { shuffled, type Rng } from '../compute/rng.ts';
import { TrainingBatches } from './minibatches.ts';

export interface SoftmaxOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Decoupled weight decay (AdamW); 0 = plain Adam. */
  weightDecay: number;
  rng: Rng;
  signal?: AbortSignal;
  /** Fraction of the fit done, 0…1. */
  onProgress?: (fraction: number) => void;
  /** The hand-written step (true) or tfjs's gradients (false); default: hand-written on the CPU backends. */
  manualGradient?: boolean;
}

export interface SoftmaxWeights {
  /** D × C. */
  weights: tf.Tensor2D;
  /** C. */
  bias: tf.Tensor1D;
}

let fitCounter = 0;
const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Fits logits = x·W + b to `labels` (int32 indices into `numClasses`). The caller owns the result. */
export async function trainSoftmax(features: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number, options: SoftmaxOptions): Promise<SoftmaxWeights> {
  const [n, d] = features.shape;
  const id = `softmax_${fitCounter++}`;
  // tidy frees the zero tensors; the variables that wrap them survive it.
  const [weights, bias] = tf.tidy(() => [
    tf.variable(tf.zeros([d, numClasses]), true, `${id}/W`) as tf.Variable<tf.Rank.R2>,
    tf.variable(tf.zeros([numClasses]), true, `${id}/b`) as tf.Variable<tf.Rank.R1>,
  ]);
  const optimizer = new AdamW([weights, bias], { learningRate: options.learningRate, weightDecay: options.weightDecay });
  // Class-balanced weights n / (C·n_c): the benchmark averages accuracy per class, and
  // real and synthetic classes come in different counts, so no class may win by numbers.
  const classWeights = tf.tidy(() => tf.div(n / numClasses, tf.maximum(tf.sum(tf.oneHot(labels, numClasses), 0), 1)) as tf.Tensor1D);
  // Batches are cut before the loss is recorded for its gradient (see TrainingBatches); on the CPU backends from
  // one read of the features (a device gather there is slow), on GPU backends on the device.
  const cpu = tf.getBackend() === 'wasm' || tf.getBackend() === 'cpu';
  const rows = cpu ? new TrainingBatches(features.dataSync() as Float32Array, labels.dataSync() as Int32Array, d) : null;
  const batchOf = (index: Int32Array): { x: tf.Tensor2D; labels: tf.Tensor1D } =>
    rows?.batch(index) ??
    tf.tidy(() => {
      const at = tf.tensor1d(index, 'int32');
      return { x: tf.gather(features, at) as tf.Tensor2D, labels: tf.gather(labels, at) as tf.Tensor1D };
    });
  const manual = options.manualGradient ?? cpu;
  const hostLabels = manual ? (labels.dataSync() as Int32Array) : null;
  const hostWeights = manual ? (classWeights.dataSync() as Float32Array) : null;
  const trainOn = (index: Int32Array) => {
    const batch = batchOf(index);
    if (hostLabels && hostWeights) {
      const y = index.map((row) => hostLabels[row]!);
      const logits = tf.tidy(() => tf.add(tf.matMul(batch.x, weights), bias));
      const g = hostValues(logits).slice();
      logits.dispose();
      softmaxCrossEntropyGradient(g, y, Float32Array.from(y, (c) => hostWeights[c]!), numClasses);
      const gradients = weightGradients(batch.x, g, y.length, numClasses);
      optimizer.applyGradients(gradients);
      tf.dispose([batch.x, batch.labels, ...gradients]);
      return;
    }
    const [y, w] = tf.tidy(() => [tf.oneHot(batch.labels, numClasses).toFloat(), tf.gather(classWeights, batch.labels)]);
    const loss = optimizer.minimize(() => tf.tidy(() => tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(batch.x, weights), bias), w) as tf.Scalar));
    tf.dispose([batch.x, batch.labels, y, w, loss]);
  };
  const stepsPerEpoch = Math.ceil(n / options.batchSize);
  const totalSteps = options.epochs * stepsPerEpoch;
  // Read back (to yield, report and let cancellation in) about 20 times a fit, at most every 32 steps.
  const every = Math.max(1, Math.min(32, Math.ceil(totalSteps / 20)));
  try {
    let step = 0;
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const order = shuffled(Int32Array.from({ length: n }, (_, i) => i), options.rng);
      for (let start = 0; start < n; start += options.batchSize, step++) {
        trainOn(order.subarray(start, start + options.batchSize));
        if (step % every === every - 1) {
          // A read-back bounds the queue of pending GPU work and lets cancellation in.
          await weights.data();
          await yieldToEventLoop();
          throwIfAborted(options.signal);
          options.onProgress?.(step / totalSteps);
        }
      }
    }
    throwIfAborted(options.signal);
    options.onProgress?.(1);
    return { weights: tf.clone(weights), bias: tf.clone(bias) };
  } finally {
    optimizer.dispose();
    rows?.dispose();
    tf.dispose([weights, bias, classWeights]);
  }
}

/**
 * ∂W = xᵀ·g (D × C) and ∂b = Σ rows of g, from g (B × C, row-major). x is
 * transposed by the SIMD kernel before the product: XNNPACK packs a product's
 * right operand on every call, so xᵀ (unpacked) · g (small) is the cheap way round;
 * on WASM x transposed inside the product, or gᵀ·x, took about twice as long.
 * The caller disposes both.
 */
function weightGradients(x: tf.Tensor2D, g: Float32Array, rows: number, numClasses: number): [tf.Tensor, tf.Tensor1D] {
  const bias = new Float32Array(numClasses);
  for (let i = 0; i < g.length; i++) bias[i % numClasses] = bias[i % numClasses]! + g[i]!;
  const byLogit = tf.tensor2d(g, [rows, numClasses]);
  const transposed = transposeInScratch(hostValues(x), rows, x.shape[1]);
  let weights: tf.Tensor;
  if (transposed) {
    const xT = tensorFromScratch(transposed, [x.shape[1], rows]) as tf.Tensor2D;
    weights = tf.matMul(xT, byLogit);
    xT.dispose();
  } else {
    weights = tf.matMul(x, byLogit, true, false);
  }
  byLogit.dispose();
  return [weights, tf.tensor1d(bias)];
}

/**
 * The gradient of tf.losses.softmaxCrossEntropy(oneHot(labels), logits, weights)
 * (its default reduction: the weighted sum over the non-zero weights' count B')
 * with respect to the logits, in place: row i (C logits) becomes
 * w_i · (softmax(row i) − onehot(label i)) / B'. Returns the loss.
 */
export function softmaxCrossEntropyGradient(logits: Float32Array, labels: Int32Array, weights: Float32Array, numClasses: number): number {
  const counted = weights.reduce((k, w) => k + (w !== 0 ? 1 : 0), 0);
  if (counted === 0) {
    logits.fill(0);
    return 0;
  }
  let loss = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = logits.subarray(i * numClasses, (i + 1) * numClasses);
    let top = -Infinity;
    for (const z of row) top = Math.max(top, z);
    let sum = 0;
    for (let c = 0; c < numClasses; c++) sum += Math.exp(row[c]! - top);
    const label = labels[i]!;
    const w = weights[i]!;
    loss += w * (top + Math.log(sum) - row[label]!);
    const scale = w / counted;
    for (let c = 0; c < numClasses; c++) row[c] = scale * (Math.exp(row[c]! - top) / sum - (c === label ? 1 : 0));
  }
  return loss / counted;
}

/**
 * The classifier as prototypes for metric 'dot' against [x, 1]: row c is
 * [W_c / scale, b_c] (C × (D+1)), so [x, 1]·row = (x / scale)·W_c + b_c, the
 * logit of a classifier trained on features divided by `scale` (D). The caller owns the result.
 */
export function asPrototypes({ weights, bias }: SoftmaxWeights, scale: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    const w = tf.div(weights, tf.reshape(scale, [-1, 1]));
    return tf.concat([tf.transpose(w), tf.reshape(bias, [-1, 1])], 1) as tf.Tensor2D;
  });
}
