/**
 * A linear softmax classifier trained with Adam on features already on the
 * device: the final stage of generative GZSL (real seen + synthetic unseen
 * features → one classifier over all candidates). Zero-initialised (the problem
 * is convex), shuffled by a seeded Rng, so a fit replays exactly. Cancellable;
 * reads nothing back per step except every few steps to yield and report.
 * tfjs only: no DOM.
 */
import * as tf from '@tensorflow/tfjs';
import { throwIfAborted } from '../errors.ts';
import { AdamW } from '../training/optimiser.ts';
import { shuffled, type Rng } from '../compute/rng.ts';

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
  const onehot = tf.tidy(() => tf.oneHot(labels, numClasses).toFloat());
  // Class-balanced weights n / (C·n_c): the benchmark averages accuracy per class, and
  // real and synthetic classes come in different counts, so no class may win by numbers.
  const sampleWeights = tf.tidy(() => {
    const counts = tf.sum(onehot, 0);
    const perClass = tf.div(n / numClasses, tf.maximum(counts, 1));
    return tf.matMul(onehot, tf.reshape(perClass, [numClasses, 1])).reshape([n]);
  });
  const stepsPerEpoch = Math.ceil(n / options.batchSize);
  const totalSteps = options.epochs * stepsPerEpoch;
  // Read back (to yield, report and let cancellation in) about 20 times a fit, at most every 32 steps.
  const every = Math.max(1, Math.min(32, Math.ceil(totalSteps / 20)));
  try {
    let step = 0;
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const order = shuffled(Int32Array.from({ length: n }, (_, i) => i), options.rng);
      for (let start = 0; start < n; start += options.batchSize, step++) {
        // The batch is gathered before the loss is recorded for its gradient: a gather on the tape keeps a copy
        // of its whole input for the backward pass (on WASM, of every feature, every step).
        const batch = tf.tidy(() => {
          const index = tf.tensor1d(order.subarray(start, start + options.batchSize), 'int32');
          return [tf.gather(features, index), tf.gather(onehot, index), tf.gather(sampleWeights, index)] as const;
        });
        const [x, y, w] = batch;
        const loss = optimizer.minimize(() =>
          tf.tidy(() => tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(x, weights), bias), w) as tf.Scalar),
        );
        tf.dispose([x, y, w, loss]);
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
    tf.dispose([weights, bias, onehot, sampleWeights]);
  }
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
