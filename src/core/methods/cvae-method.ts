/**
 * Generative GZSL on fixed features: a conditional VAE learns to generate image
 * features of a class from its attributes (cvae-generator.ts); for a candidate set, real
 * seen features plus synthetic features of the other candidates train a softmax
 * classifier (softmax-classifier.ts), the recipe behind f-CLSWGAN, CADA-VAE and
 * TF-VAEGAN, which lead GZSL because the classifier sees "unseen" data too.
 *
 * Why a CVAE and not f-CLSWGAN's WGAN-GP: the gradient penalty needs second-order
 * gradients (the gradient of a gradient norm), which tfjs does not support
 * reliably, least of all on WebGPU; a CVAE trains stably with first-order
 * gradients only.
 *
 * What decides GZSL here is where the synthetic unseen features land, i.e. how
 * well the decoder's attribute → feature map generalises from the seen classes.
 * The decoder is therefore trained on noisy attributes (attributeNoise), a ridge
 * penalty on that map, and each unseen class gets 300 synthetic features (the
 * generative GZSL papers use hundreds or more on AwA): with fewer, the classifier
 * sees too little of each class's spread (ZSL top-1 29 with 60, 41 with 300 on
 * the evidence data, before the noise).
 * Ideas from the literature that were tried and did not pay on the evidence data
 * (tests/unit/evidence.test.ts): decoupled weight decay on the whole CVAE (it
 * shrinks the output layer too and lets unseen classes swallow seen images).
 *
 * Serving: prepareClasses(attributes) recognises seen candidates by an exact match
 * of their attribute rows to the seen attributes trained with, trains the
 * classifier, and returns prototypes [W_c, b_c] (C × (D+1)) so that metric 'dot'
 * with embedFeatures(x) = [x, 1] reproduces the classifier's logits exactly.
 * Results are cached per (generator version, candidate rows), so the several
 * searches of one evaluation train one classifier per candidate set.
 * embedClasses (sync) falls back to nearest generated class mean; see there.
 * The classifier's loss is class-balanced, since real seen and synthetic classes
 * come in different counts; how long it trains trades u against s (longer → more s).
 * runTraining's per-epoch seen accuracy therefore measures the classifier on real
 * seen features (constant across epochs); the CVAE loss curves show the generator.
 * tfjs only: no DOM; sees only the TrainingView while training.
 */
import * as tf from '@tensorflow/tfjs';
import { ZslError, throwIfAborted } from '../errors.ts';
import { AdamW } from '../training/optimiser.ts';
import { createRng, shuffled } from '../compute/rng.ts';
import type { Trainer } from '../training/train-loop.ts';
import type { TrainingView } from '../data/training-view.ts';
import { Cvae, featureScale, type Reconstruction } from './cvae-generator.ts';
import { BatchOrder, meanLoss, TrainingBatches } from './minibatches.ts';
import { asPrototypes, trainSoftmax } from './softmax-classifier.ts';
import type { PrepareOptions, ZslModel } from './types.ts';

export interface CvaeConfig {
  /** CVAE training. */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Decoupled weight decay on the CVAE (AdamW); 0 = plain Adam. */
  weightDecay: number;
  latentDim: number;
  hiddenUnits: number;
  /** Weight of the KL term once warmed up. */
  beta: number;
  /** β rises linearly from 0 over this many epochs (KL warm-up avoids posterior collapse). */
  klWarmupEpochs: number;
  reconstruction: Reconstruction;
  /** Synthetic features per candidate class without real features (the unseen ones). */
  syntheticPerClass: number;
  /** Real training features kept per seen class for the classifier (a seeded subsample). */
  maxRealPerClass: number;
  /** Softmax classifier trained per candidate set. */
  classifierEpochs: number;
  classifierBatchSize: number;
  classifierLearningRate: number;
  seed: number;
  /**
   * Standard deviation of Gaussian noise added to the attributes the decoder is
   * conditioned on while it trains, as a multiple of the root mean square of the
   * seen attribute values (so it means the same for L2 rows and z-scored columns);
   * 0 turns it off. Why: the decoder sees only as many distinct attribute vectors
   * as there are seen classes (40 on AwA2's PS) and, unregularised, memorises
   * them, including whatever in each class its attributes do not explain; from an
   * unseen class's attributes it then interpolates that noise, and the synthetic
   * unseen features land far from the real ones. Training on noisy inputs is
   * Tikhonov (ridge) regularisation of the map (Bishop 1995), the regularisation
   * the closed forms rely on: nearby attribute vectors must give nearby features,
   * and attribute directions no seen class spans are driven towards no weight.
   * On the evidence test's release (85 attributes, 40 seen classes) it takes the
   * generator's unseen top-1 from 41 to 47 (300 synthetic features per class);
   * on the demo zoo (28 seen classes, 40 near-binary attributes) it costs a few
   * points of ZSL top-1, so it can also be chosen on held-out seen classes
   * (the catalogue's grid, `--tune attributeNoise`).
   */
  attributeNoise: number;
}

export const CVAE_DEFAULTS: CvaeConfig = {
  epochs: 30,
  batchSize: 64,
  learningRate: 1e-3,
  weightDecay: 0,
  latentDim: 32,
  hiddenUnits: 512,
  beta: 1,
  klWarmupEpochs: 10,
  reconstruction: 'bce',
  // Chosen on held-out seen classes at both sizes of scripts/select-cvae-defaults.ts (BENCHMARKS.md).
  syntheticPerClass: 1000,
  maxRealPerClass: 300,
  classifierEpochs: 20,
  classifierBatchSize: 128,
  // Not run to convergence on purpose: a softmax stopped early from zero weights stays close to
  // nearest-mean and does not yet trust the real seen features over the synthetic unseen ones.
  // Held-out ZSL top-1 cannot judge this step (seen classes do not compete there), so it stays 1e-3.
  classifierLearningRate: 1e-3,
  seed: 1,
  attributeNoise: 1.5,
};

/** Real seen training features the model keeps for its classifiers: a reference, not a copy. */
interface RealFeatures {
  features: Float32Array;
  /** Per seen class, row indices into `features` (at most maxRealPerClass). */
  rowsByClass: Int32Array[];
}

const CACHE_SIZE = 4;
const rowKey = (values: Float32Array, row: number, width: number) => values.subarray(row * width, (row + 1) * width).join(',');

export class CvaeModel implements ZslModel {
  readonly method = 'generative';
  readonly metric = 'dot' as const;
  /** Bumped by the trainer after every update, so cached prototypes of older weights are not reused. */
  version = 0;
  private readonly seenByRow: Map<string, number>;
  private readonly cache = new Map<string, tf.Tensor2D>();

  constructor(
    readonly cvae: Cvae,
    /** D: the per-dimension feature scale the CVAE works in. */
    readonly scale: tf.Tensor1D,
    seenAttributes: Float32Array,
    private readonly real: RealFeatures,
    private readonly config: CvaeConfig,
  ) {
    const a = cvae.shape.numAttributes;
    this.seenByRow = new Map(real.rowsByClass.map((_, c) => [rowKey(seenAttributes, c, a), c] as const));
  }

  /** [x, 1]: the constant column carries the classifier's bias. */
  embedFeatures(features: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.concat([features, tf.ones([features.shape[0], 1])], 1));
  }

  /**
   * Synchronous fallback (no classifier can be trained synchronously): the
   * nearest generated class mean, decoded at z = 0. Prototypes [2f_c, −‖f_c‖²]
   * make the dot score −‖x − f_c‖² + ‖x‖², i.e. Euclidean nearest-mean ranking.
   * The search uses prepareClasses, which is far better for GZSL.
   */
  embedClasses(attributes: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const f = tf.mul(this.cvae.decode(tf.zeros([attributes.shape[0], this.cvae.shape.latentDim]), attributes), this.scale);
      return tf.concat([tf.mul(f, 2), tf.neg(tf.sum(tf.square(f), 1, true))], 1) as tf.Tensor2D;
    });
  }

  async prepareClasses(attributes: tf.Tensor2D, options: PrepareOptions = {}): Promise<tf.Tensor2D> {
    const [c, a] = attributes.shape;
    if (a !== this.cvae.shape.numAttributes) {
      throw new ZslError(`expected class attributes with ${this.cvae.shape.numAttributes} columns, got ${a}.`);
    }
    const values = (await attributes.data()) as Float32Array;
    const keys = Array.from({ length: c }, (_, i) => rowKey(values, i, a));
    const seen = keys.map((key) => this.seenByRow.get(key) ?? -1);
    const realOnly = seen.every((s) => s >= 0 && this.real.rowsByClass[s]!.length > 0);
    // Prototypes from real features alone do not depend on the generator's weights.
    const cacheKey = `${realOnly ? 'real' : this.version}|${keys.join('|')}`;
    const hit = this.cache.get(cacheKey);
    if (hit) return tf.clone(hit);

    const prototypes = await this.fitPrototypes(attributes, seen, options);
    // Entries of older weights can never hit again; beyond that, the oldest goes first.
    for (const [key, tensor] of [...this.cache]) {
      const stale = !key.startsWith('real|') && !key.startsWith(`${this.version}|`);
      if (!stale && this.cache.size < CACHE_SIZE) continue;
      tensor.dispose();
      this.cache.delete(key);
    }
    this.cache.get(cacheKey)?.dispose(); // a concurrent call for the same set may have got here first
    this.cache.set(cacheKey, tf.clone(prototypes));
    return prototypes;
  }

  /** Real features for seen candidates, synthetic ones for the rest, then the softmax classifier. */
  private async fitPrototypes(attributes: tf.Tensor2D, seen: number[], options: PrepareOptions): Promise<tf.Tensor2D> {
    const d = this.cvae.shape.featureDim;
    const rng = createRng(this.config.seed ^ 0x51ab1e); // fixed per call: the same inputs give the same prototypes
    const realRows: number[] = [];
    const labels: number[] = [];
    const synthetic: number[] = [];
    seen.forEach((s, candidate) => {
      const rows = s >= 0 ? this.real.rowsByClass[s]! : new Int32Array(0);
      if (rows.length === 0) return synthetic.push(candidate);
      for (const row of rows) realRows.push(row);
      for (let i = 0; i < rows.length; i++) labels.push(candidate);
    });
    const perClass = this.config.syntheticPerClass;
    for (const candidate of synthetic) for (let i = 0; i < perClass; i++) labels.push(candidate);
    throwIfAborted(options.signal);

    const noiseSeed = rng.seed();
    const { x, y } = tf.tidy(() => {
      const parts: tf.Tensor2D[] = [];
      if (realRows.length > 0) {
        const gathered = new Float32Array(realRows.length * d);
        realRows.forEach((row, i) => gathered.set(this.real.features.subarray(row * d, (row + 1) * d), i * d));
        parts.push(tf.div(tf.tensor2d(gathered, [realRows.length, d]), this.scale));
      }
      if (synthetic.length > 0) {
        parts.push(this.cvae.generate(tf.gather(attributes, tf.tensor1d(synthetic, 'int32')), perClass, noiseSeed));
      }
      return { x: parts.length === 1 ? parts[0]! : tf.concat(parts, 0), y: tf.tensor1d(labels, 'int32') };
    });
    try {
      const fit = await trainSoftmax(x, y, seen.length, {
        epochs: this.config.classifierEpochs,
        batchSize: this.config.classifierBatchSize,
        learningRate: this.config.classifierLearningRate,
        weightDecay: 0,
        rng,
        signal: options.signal,
        onProgress: options.onProgress,
      });
      // The classifier works on x / scale: fold the scale into W so raw features score directly.
      const prototypes = asPrototypes(fit, this.scale);
      tf.dispose([fit.weights, fit.bias]);
      return prototypes;
    } finally {
      tf.dispose([x, y]);
    }
  }

  dispose(): void {
    this.cvae.dispose();
    this.scale.dispose();
    tf.dispose([...this.cache.values()]);
    this.cache.clear();
  }
}

export function createCvaeTrainer(view: TrainingView, config: CvaeConfig): Trainer & { readonly model: CvaeModel } {
  checkConfig(view, config);
  const rng = createRng(config.seed);
  const { featureDim: d, numAttributes: a } = view;
  const scaleValues = featureScale(view.train.features, d);
  const scale = tf.tensor1d(scaleValues);
  const cvae = new Cvae({ featureDim: d, numAttributes: a, latentDim: config.latentDim, hiddenUnits: config.hiddenUnits, reconstruction: config.reconstruction }, rng);
  const model = new CvaeModel(cvae, scale, view.seenAttributes, { features: view.train.features, rowsByClass: subsampleByClass(view, config.maxRealPerClass, rng) }, config);
  const optimizer = new AdamW(cvae.variables, { learningRate: config.learningRate, weightDecay: config.weightDecay });
  const rows = new TrainingBatches(view.train.features, view.train.labels, d);
  const attributes = tf.tensor2d(view.seenAttributes, [view.numSeen, a]);
  const batches = new BatchOrder(view.train.size, config.batchSize, rng);
  const warmupSteps = Math.max(1, config.klWarmupEpochs * batches.stepsPerEpoch);
  let steps = 0;
  const attributeNoise = config.attributeNoise * rootMeanSquare(view.seenAttributes);

  return {
    stepsPerEpoch: batches.stepsPerEpoch,
    model,
    beginEpoch: () => batches.reshuffle(),
    step() {
      steps++;
      const beta = config.beta * Math.min(1, steps / warmupSteps);
      const noiseSeed = rng.seed();
      // Drawn only when used, so a run without attribute noise replays as before it existed.
      const conditionNoise = attributeNoise > 0 ? { std: attributeNoise, seed: rng.seed() } : undefined;
      // The batch is taken (and scaled) before the loss is recorded for its gradient (see TrainingBatches).
      const batch = rows.batch(batches.nextRows());
      const x = tf.div(batch.x, scale) as tf.Tensor2D;
      const a = tf.gather(attributes, batch.labels) as tf.Tensor2D;
      const loss = optimizer.minimize(() => tf.tidy(() => cvae.loss(x, a, beta, noiseSeed, conditionNoise).total));
      tf.dispose([batch.x, batch.labels, x, a]);
      model.version++;
      return loss;
    },
    // Full β and a fixed noise seed: comparable across epochs, and it leaves the training Rng alone.
    evaluateLoss: (subset) => meanLoss(subset, d, (x, rows) => cvae.loss(tf.div(x, scale) as tf.Tensor2D, tf.gather(attributes, rows), config.beta, config.seed + 1).total),
    dispose() {
      optimizer.dispose();
      rows.dispose();
      attributes.dispose();
      // The model outlives the trainer: the caller disposes it.
    },
  };
}

function checkConfig(view: TrainingView, config: CvaeConfig): void {
  if (view.train.size === 0) throw new ZslError('there are no training images to train the feature generator on.');
  const positive: Array<keyof CvaeConfig> = ['batchSize', 'learningRate', 'latentDim', 'hiddenUnits', 'syntheticPerClass', 'maxRealPerClass', 'classifierEpochs', 'classifierBatchSize', 'classifierLearningRate'];
  for (const key of positive) {
    if (!(Number(config[key]) > 0)) throw new ZslError(`the generative method expects a positive ${key}, got ${config[key]}.`, { variable: key });
  }
  if (!(config.beta >= 0) || !(config.klWarmupEpochs >= 0) || !(config.weightDecay >= 0) || !(config.attributeNoise >= 0)) {
    throw new ZslError(
      `the generative method expects β, KL warm-up epochs, weight decay and attribute noise ≥ 0, got ${config.beta}, ${config.klWarmupEpochs}, ${config.weightDecay} and ${config.attributeNoise}.`,
    );
  }
}

function rootMeanSquare(values: Float32Array): number {
  let sum = 0;
  for (const v of values) sum += v * v;
  return values.length > 0 ? Math.sqrt(sum / values.length) : 0;
}

/** A seeded subsample of at most `max` training rows per seen class. */
function subsampleByClass(view: TrainingView, max: number, rng: ReturnType<typeof createRng>): Int32Array[] {
  const lists: number[][] = Array.from({ length: view.numSeen }, () => []);
  view.train.labels.forEach((label, row) => lists[label]!.push(row));
  return lists.map((rows) => shuffled(rows, rng).slice(0, max).sort());
}
