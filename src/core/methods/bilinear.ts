/**
 * Bilinear compatibility models F(x, c) = xᵀ·W·a_c (W: D × A) trained with the
 * ranking hinge losses of three classic methods, on margins
 * ℓ_c = max(0, Δ + F(x, c) − F(x, y)) over the seen classes c ≠ y (Δ = `margin`):
 * - DeViSE (Frome et al. 2013): Σ_c ℓ_c, every violating class;
 * - SJE (Akata et al. 2015): max_c ℓ_c, the most violating class;
 * - ALE (Akata et al. 2016): (β_r / r)·Σ_c ℓ_c with r the number of violating
 *   classes (the rank of y) and β_r = Σ_{i≤r} 1/i, the WARP-style rank weight.
 * Served as metric 'dot': embedFeatures(x) = x·W, embedClasses(a) = a.
 * Optimiser: Adam (AdamW from training/optimiser.ts; decoupled weight decay, 0 by default):
 * it copes with raw, un-normalised feature scales without tuning a schedule.
 * Minibatches come from TrainingBatches (minibatches.ts), taken before the loss is recorded.
 * tfjs only: no DOM, never the dataset or test data.
 */
import * as tf from '@tensorflow/tfjs';
import { ZslError } from '../errors.ts';
import { checkpointable } from '../training/checkpoint.ts';
import { AdamW } from '../training/optimiser.ts';
import { createRng } from '../compute/rng.ts';
import type { Trainer } from '../training/train-loop.ts';
import type { TrainingView } from '../data/training-view.ts';
import { BatchOrder, meanLoss, TrainingBatches } from './minibatches.ts';
import type { ZslModel } from './types.ts';

export type BilinearLoss = 'devise' | 'ale' | 'sje';

export interface BilinearConfig {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Δ in the hinge: how far the true class must outscore every other. */
  margin: number;
  /** Decoupled weight decay on W (AdamW); 0 = plain Adam. */
  weightDecay: number;
  /** Standard deviation of W's initial entries, times 1/sqrt(D). */
  initScale: number;
  seed: number;
}

const COMMON: BilinearConfig = { epochs: 20, batchSize: 64, learningRate: 1e-3, margin: 1, weightDecay: 0, initScale: 0.1, seed: 1 };

export const BILINEAR_DEFAULTS: Record<BilinearLoss, BilinearConfig> = {
  devise: { ...COMMON },
  ale: { ...COMMON },
  sje: { ...COMMON },
};

let variableCounter = 0;

export class BilinearModel implements ZslModel {
  readonly metric = 'dot' as const;
  constructor(
    readonly method: BilinearLoss,
    /** D × A. */
    readonly weights: tf.Variable<tf.Rank.R2>,
  ) {}

  embedFeatures(features: tf.Tensor2D): tf.Tensor2D {
    return tf.matMul(features, this.weights);
  }

  embedClasses(attributes: tf.Tensor2D): tf.Tensor2D {
    return tf.clone(attributes);
  }

  dispose(): void {
    this.weights.dispose();
  }
}

/**
 * Mean hinge loss of a batch from its N × z score matrix and labels (indices into
 * the z classes). Differentiable in `scores`.
 */
export function rankingLoss(kind: BilinearLoss, scores: tf.Tensor2D, labels: tf.Tensor1D, margin: number): tf.Scalar {
  return tf.tidy(() => {
    const z = scores.shape[1];
    const onehot = tf.oneHot(labels, z).toFloat();
    const trueScore = tf.sum(tf.mul(scores, onehot), 1, true);
    // The true class's own entry is max(0, 0 + F_y − F_y) = 0, so it never counts.
    const hinge = tf.relu(tf.add(tf.sub(scores, trueScore), tf.mul(tf.sub(1, onehot), margin)));
    if (kind === 'devise') return tf.mean(tf.sum(hinge, 1));
    if (kind === 'sje') return tf.mean(tf.max(hinge, 1));
    // r and β_r are piecewise constant in the scores: built from tf.step (zero gradient)
    // and plain float ops, since tfjs cannot stop gradients through an integer gather.
    const violations = tf.sum(tf.step(hinge), 1, true); // N × 1
    const ranks = tf.range(1, z + 1).reshape([1, z]);
    const beta = tf.sum(tf.div(tf.step(tf.sub(tf.add(violations, 0.5), ranks)), ranks), 1, true); // Σ_{i≤r} 1/i
    const weight = tf.div(beta, tf.maximum(violations, 1));
    return tf.mean(tf.sum(tf.mul(weight, hinge), 1));
  });
}

/** The loss of W on a batch: scores x·W·Aᵀ, then the ranking hinge. */
export function bilinearLoss(
  kind: BilinearLoss,
  features: tf.Tensor2D,
  weights: tf.Tensor2D,
  attributes: tf.Tensor2D,
  labels: tf.Tensor1D,
  margin: number,
): tf.Scalar {
  return tf.tidy(() => rankingLoss(kind, tf.matMul(tf.matMul(features, weights), attributes, false, true), labels, margin));
}

export function createBilinearTrainer(
  view: TrainingView,
  config: BilinearConfig & { loss: BilinearLoss },
): Trainer & { readonly model: BilinearModel } {
  if (view.train.size === 0) throw new ZslError('there are no training images to train on.');
  if (!(config.batchSize >= 1) || !(config.learningRate > 0) || !(config.margin > 0)) {
    throw new ZslError(
      `expected a batch size ≥ 1 and a positive learning rate and margin, got ${config.batchSize}, ${config.learningRate} and ${config.margin}.`,
    );
  }
  const rng = createRng(config.seed);
  const { featureDim: d, numAttributes: a } = view;
  const scale = config.initScale / Math.sqrt(d);
  const init = Float32Array.from({ length: d * a }, () => rng.normal() * scale);
  const initial = tf.tensor2d(init, [d, a]);
  const weights = tf.variable(initial, true, `bilinear_${config.loss}_${variableCounter++}/W`);
  initial.dispose(); // the variable holds its own reference to the data
  const model = new BilinearModel(config.loss, weights);
  const optimizer = new AdamW([weights], { learningRate: config.learningRate, weightDecay: config.weightDecay });
  const rows = new TrainingBatches(view.train.features, view.train.labels, d);
  const attributes = tf.tensor2d(view.seenAttributes, [view.numSeen, a]);
  const batches = new BatchOrder(view.train.size, config.batchSize, rng);

  return {
    checkpoint: checkpointable([weights], optimizer, rng),
    stepsPerEpoch: batches.stepsPerEpoch,
    model,
    beginEpoch: () => batches.reshuffle(),
    step() {
      // The batch is taken before the loss is recorded for its gradient (see TrainingBatches).
      const { x, labels } = rows.batch(batches.nextRows());
      const loss = optimizer.minimize(() => tf.tidy(() => bilinearLoss(config.loss, x, weights, attributes, labels, config.margin)));
      tf.dispose([x, labels]);
      return loss;
    },
    evaluateLoss: (subset) => meanLoss(subset, d, (x, y) => bilinearLoss(config.loss, x, weights, attributes, y, config.margin)),
    dispose() {
      optimizer.dispose();
      rows.dispose();
      attributes.dispose();
      // The model outlives the trainer: the caller disposes it.
    },
  };
}
