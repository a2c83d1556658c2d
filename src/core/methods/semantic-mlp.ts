/**
 * The seed notebook's method, as described in docs/zsl.md:
 * semantic unit Dropout(0.3) → Linear(A→1024) → ReLU → Dropout(0.5) → Linear(1024→D) → ReLU,
 * image branch the identity, MSE between the class embedding and the image feature,
 * AdamW (lr 1e-4, weight decay 9e-5), gradient values clipped at 5, batch 64.
 * Nearest class by Euclidean distance. tfjs only: no DOM.
 */
import * as tf from '@tensorflow/tfjs';
import { checkpointable } from '../training/checkpoint.ts';
import { AdamW } from '../training/optimiser.ts';
import { createRng } from '../compute/rng.ts';
import type { Trainer } from '../training/train-loop.ts';
import type { TrainingView } from '../data/training-view.ts';
import { applyDense, createDense, disposeDense, type Dense } from './dense.ts';
import { BatchOrder, meanLoss, TrainingBatches } from './minibatches.ts';
import type { ZslModel } from './types.ts';

export interface SemanticMlpConfig {
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay: number;
  clipValue: number;
  hiddenUnits: number;
  inputDropout: number;
  hiddenDropout: number;
  seed: number;
}

export class SemanticMlpModel implements ZslModel {
  readonly method = 'semantic-mlp';
  readonly metric = 'euclidean' as const;
  constructor(readonly layers: [Dense, Dense]) {}

  embedFeatures(features: tf.Tensor2D): tf.Tensor2D {
    return features; // the image branch is the identity
  }

  embedClasses(attributes: tf.Tensor2D): tf.Tensor2D {
    return this.forward(attributes, null);
  }

  /** The semantic unit; `dropout` carries rates and a seed source while training. */
  forward(attributes: tf.Tensor2D, dropout: { input: number; hidden: number; seed: () => number } | null): tf.Tensor2D {
    return tf.tidy(() => {
      let x = attributes;
      if (dropout && dropout.input > 0) x = tf.dropout(x, dropout.input, undefined, dropout.seed()) as tf.Tensor2D;
      let h = tf.relu(applyDense(this.layers[0], x));
      if (dropout && dropout.hidden > 0) h = tf.dropout(h, dropout.hidden, undefined, dropout.seed()) as tf.Tensor2D;
      return tf.relu(applyDense(this.layers[1], h));
    });
  }

  dispose(): void {
    for (const layer of this.layers) disposeDense(layer);
  }
}

export function createSemanticMlpTrainer(view: TrainingView, config: SemanticMlpConfig): Trainer {
  const rng = createRng(config.seed);
  const model = new SemanticMlpModel([
    createDense(view.numAttributes, config.hiddenUnits, rng, 'semantic_hidden'),
    createDense(config.hiddenUnits, view.featureDim, rng, 'semantic_out'),
  ]);
  const optimizer = new AdamW(
    model.layers.flatMap((l) => [l.kernel, l.bias]),
    { learningRate: config.learningRate, weightDecay: config.weightDecay, clipValue: config.clipValue },
  );
  const rows = new TrainingBatches(view.train.features, view.train.labels, view.featureDim);
  const attributes = tf.tensor2d(view.seenAttributes, [view.numSeen, view.numAttributes]);
  const batches = new BatchOrder(view.train.size, config.batchSize, rng);
  const dropout = { input: config.inputDropout, hidden: config.hiddenDropout, seed: () => rng.seed() };

  const batchLoss = (x: tf.Tensor2D, a: tf.Tensor2D, training: boolean) =>
    tf.losses.meanSquaredError(x, model.forward(a, training ? dropout : null)) as tf.Scalar;

  return {
    stepsPerEpoch: batches.stepsPerEpoch,
    model,
    checkpoint: checkpointable(model.layers.flatMap((l) => [l.kernel, l.bias]), optimizer, rng),
    beginEpoch: () => batches.reshuffle(),
    step() {
      // The batch is taken before the loss is recorded for its gradient (see TrainingBatches).
      const { x, labels } = rows.batch(batches.nextRows());
      const a = tf.gather(attributes, labels) as tf.Tensor2D;
      const loss = optimizer.minimize(() => tf.tidy(() => batchLoss(x, a, true)));
      tf.dispose([x, labels, a]);
      return loss;
    },
    evaluateLoss: (subset) => meanLoss(subset, view.featureDim, (x, y) => batchLoss(x, tf.gather(attributes, y), false)),
    dispose() {
      optimizer.dispose();
      rows.dispose();
      attributes.dispose();
      // The model outlives the trainer: the caller disposes it.
    },
  };
}
