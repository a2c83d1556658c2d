/**
 * The seed notebook's method, as described in docs/zsl.md:
 * semantic unit Dropout(0.3) → Linear(A→1024) → ReLU → Dropout(0.5) → Linear(1024→D) → ReLU,
 * image branch the identity, MSE between the class embedding and the image feature,
 * AdamW (lr 1e-4, weight decay 9e-5), gradient values clipped at 5, batch 64.
 * Nearest class by Euclidean distance. tfjs only: no DOM.
 */
import * as tf from '@tensorflow/tfjs';
import { checkpointable } from '../training/checkpoint.ts';
import { ZslError } from '../errors.ts';
import { AdamW } from '../training/optimiser.ts';
import { createRng } from '../compute/rng.ts';
import type { Trainer } from '../training/train-loop.ts';
import type { TrainingView } from '../data/training-view.ts';
import { FusedMlpStep } from './semantic-mlp-fused.ts';
import type { Rng } from '../compute/rng.ts';
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
  /** refresh: brings the layers' variables up to date before they are read (a trainer that keeps the weights elsewhere). */
  constructor(
    readonly layers: [Dense, Dense],
    private readonly refresh?: () => void,
  ) {}

  embedFeatures(features: tf.Tensor2D): tf.Tensor2D {
    return features; // the image branch is the identity
  }

  embedClasses(attributes: tf.Tensor2D): tf.Tensor2D {
    return this.forward(attributes, null);
  }

  /** The semantic unit; `dropout` carries rates and a seed source while training. */
  forward(attributes: tf.Tensor2D, dropout: { input: number; hidden: number; seed: () => number } | null): tf.Tensor2D {
    this.refresh?.();
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

const CPU_BACKENDS = new Set(['wasm', 'cpu']);

export interface SemanticMlpTrainerOptions {
  /**
   * Train with the fused SIMD step (semantic-mlp-fused.ts): the default on the
   * backends that compute on the CPU where WebAssembly SIMD runs; false keeps tfjs
   * ops (the GPU backends' path).
   */
  fused?: boolean;
}

export function createSemanticMlpTrainer(view: TrainingView, config: SemanticMlpConfig, options: SemanticMlpTrainerOptions = {}): Trainer {
  const rng = createRng(config.seed);
  const layers: [Dense, Dense] = [
    createDense(view.numAttributes, config.hiddenUnits, rng, 'semantic_hidden'),
    createDense(config.hiddenUnits, view.featureDim, rng, 'semantic_out'),
  ];
  if (options.fused ?? CPU_BACKENDS.has(tf.getBackend())) {
    const fused = FusedMlpStep.create(layers, { ...config });
    if (fused) return fusedTrainer(view, config, layers, fused, rng);
  }
  const model = new SemanticMlpModel(layers);
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

/**
 * The same training with the fused step: the weights and moments live in the
 * step's memory and reach the model's variables when the model is used.
 */
function fusedTrainer(view: TrainingView, config: SemanticMlpConfig, layers: [Dense, Dense], fused: FusedMlpStep, rng: Rng): Trainer {
  let stale = false;
  const settle = () => {
    if (!stale) return;
    fused.writeTo(layers);
    stale = false;
  };
  const model = new SemanticMlpModel(layers, settle);
  const attributes = tf.tensor2d(view.seenAttributes, [view.numSeen, view.numAttributes]);
  const batches = new BatchOrder(view.train.size, config.batchSize, rng);
  const { features, labels } = view.train;
  return {
    stepsPerEpoch: batches.stepsPerEpoch,
    model,
    settle,
    checkpoint: {
      async snapshot() {
        const { values, moments } = fused.arrays();
        return { variables: values, optimizer: { t: fused.steps, moments }, rng: rng.snapshot() };
      },
      restore(state) {
        const expected = layers.flatMap((l) => [l.kernel.size, l.bias.size]);
        if (state.variables.length !== expected.length || state.variables.some((v, i) => v.length !== expected[i])) {
          throw new ZslError(`the checkpoint's weights (${state.variables.map((v) => v.length).join(', ')} values) do not fit this model (${expected.join(', ')}).`);
        }
        fused.load({ values: state.variables, moments: state.optimizer.moments }, state.optimizer.t);
        rng.restore(state.rng);
        stale = true;
      },
    },
    beginEpoch: () => batches.reshuffle(),
    step() {
      const loss = fused.step(batches.nextRows(), features, labels, view.seenAttributes, rng);
      stale = true;
      return tf.scalar(loss);
    },
    evaluateLoss: (subset) =>
      meanLoss(subset, view.featureDim, (x, y) => tf.losses.meanSquaredError(x, model.forward(tf.gather(attributes, y), null)) as tf.Scalar),
    dispose() {
      // The model outlives the trainer with the final weights.
      settle();
      attributes.dispose();
    },
  };
}
