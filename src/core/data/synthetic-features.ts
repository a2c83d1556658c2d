/**
 * Synthetic image features from class attributes, for the demo and for tests and
 * benchmarks that need AwA2-shaped data without the 733 MB feature file:
 * features = relu(W2 · tanh(W1 · a_c + class noise) + b + image noise), a fixed
 * random non-linear "image network". The class noise is what attributes cannot
 * explain (it makes zero-shot transfer imperfect, as on real data); the ReLU makes
 * the features non-negative like pooled CNN features (mean ≈ 0.45 at the defaults).
 * Deterministic under a seed. Pure TypeScript: no DOM, no tfjs, no Node modules.
 */
import { createRng, type Rng } from '../compute/rng.ts';

export interface SynthesisOptions {
  /** numClasses × numAttributes, row-major (usually z-scored columns). */
  classAttributes: Float32Array;
  numClasses: number;
  numAttributes: number;
  /** The same count for every class, or one count per class. */
  imagesPerClass: number | ArrayLike<number>;
  featureDim: number;
  /** A seed, or a generator to draw from (left advanced, so a caller can keep drawing from it). */
  seed: number | Rng;
  /** Standard deviation of the per-class offset in the hidden layer (before tanh). */
  classNoise: number;
  /** Standard deviation of the per-image noise in feature space (before the ReLU). */
  imageNoise: number;
  /** Width of the hidden layer of the "image network". */
  hidden: number;
  /** Standard deviation of the feature-space bias b (default 0.3). */
  biasScale?: number;
}

export interface SynthesisedFeatures {
  /** (Σ images) × featureDim, row-major; rows grouped by class in class order. */
  features: Float32Array;
  labels: Int32Array;
}

/**
 * Draws, in this order: W1, W2, b, then per class its hidden-layer noise, then per
 * image of every class its feature noise. The order is part of the contract: the
 * demo dataset's exact values (and the tests that depend on them) rely on it.
 */
export function synthesiseFeatures(options: SynthesisOptions): SynthesisedFeatures {
  const { classAttributes, numClasses, numAttributes, featureDim, classNoise, imageNoise, hidden } = options;
  const counts = countsOf(options.imagesPerClass, numClasses);
  if (classAttributes.length !== numClasses * numAttributes) {
    throw new RangeError(`expected ${numClasses}×${numAttributes} class attributes, got ${classAttributes.length} values.`);
  }
  for (const [name, value] of Object.entries({ featureDim, hidden })) {
    if (!(Number.isInteger(value) && value > 0)) throw new RangeError(`expected a positive whole ${name}, got ${value}.`);
  }
  const rng = typeof options.seed === 'number' ? createRng(options.seed) : options.seed;
  const w1 = gaussian(rng, hidden * numAttributes, 1 / Math.sqrt(numAttributes));
  const w2 = gaussian(rng, featureDim * hidden, 1 / Math.sqrt(hidden));
  const bias = gaussian(rng, featureDim, options.biasScale ?? 0.3);

  const prototypes = new Float32Array(numClasses * featureDim);
  const h = new Float32Array(hidden);
  for (let c = 0; c < numClasses; c++) {
    for (let j = 0; j < hidden; j++) {
      let sum = 0;
      for (let a = 0; a < numAttributes; a++) sum += w1[j * numAttributes + a]! * classAttributes[c * numAttributes + a]!;
      h[j] = Math.tanh(sum + classNoise * rng.normal());
    }
    for (let d = 0; d < featureDim; d++) {
      let sum = bias[d]!;
      for (let j = 0; j < hidden; j++) sum += w2[d * hidden + j]! * h[j]!;
      prototypes[c * featureDim + d] = sum;
    }
  }

  const total = counts.reduce((n, k) => n + k, 0);
  const features = new Float32Array(total * featureDim);
  const labels = new Int32Array(total);
  for (let c = 0, i = 0; c < numClasses; c++) {
    const prototype = prototypes.subarray(c * featureDim, (c + 1) * featureDim);
    for (let k = 0; k < counts[c]!; k++, i++) {
      labels[i] = c;
      const row = i * featureDim;
      for (let d = 0; d < featureDim; d++) features[row + d] = Math.max(0, prototype[d]! + imageNoise * rng.normal());
    }
  }
  return { features, labels };
}

/**
 * Images per class in the real AwA2 release (37,322 in all), by class name. They
 * agree with the real att_splits.mat: the PS unseen classes sum to 7,913, laid out
 * in the index runs of test_unseen_loc (images are ordered by class folder name).
 */
export const AWA2_IMAGES_PER_CLASS: Readonly<Record<string, number>> = {
  antelope: 1046, 'grizzly+bear': 852, 'killer+whale': 291, beaver: 193, dalmatian: 549,
  'persian+cat': 747, horse: 1645, 'german+shepherd': 1033, 'blue+whale': 174, 'siamese+cat': 500,
  skunk: 188, mole: 100, tiger: 877, hippopotamus: 684, leopard: 720,
  moose: 704, 'spider+monkey': 291, 'humpback+whale': 709, elephant: 1038, gorilla: 872,
  ox: 728, fox: 664, sheep: 1420, seal: 988, chimpanzee: 728,
  hamster: 779, squirrel: 1200, rhinoceros: 696, rabbit: 1088, bat: 383,
  giraffe: 1202, wolf: 589, chihuahua: 567, rat: 310, weasel: 272,
  otter: 758, buffalo: 895, zebra: 1170, 'giant+panda': 874, deer: 1344,
  bobcat: 630, pig: 713, lion: 1019, mouse: 185, 'polar+bear': 868,
  collie: 1028, walrus: 215, raccoon: 512, cow: 1338, dolphin: 946,
};

/** Counts scaled by `factor` (rounded, at least `min`): AwA2's imbalance at a smaller size. */
export function scaleCounts(counts: ArrayLike<number>, factor: number, min = 1): Int32Array {
  return Int32Array.from(counts, (n) => Math.max(min, Math.round(n * factor)));
}

/** A seeded spread of counts between `min` and `max`, log-uniform (AwA2's range is about 100…1,650). */
export function spreadCounts(numClasses: number, min: number, max: number, seed: number): Int32Array {
  const rng = createRng(seed);
  return Int32Array.from({ length: numClasses }, () => Math.round(min * (max / min) ** rng.next()));
}

function countsOf(imagesPerClass: number | ArrayLike<number>, numClasses: number): number[] {
  const counts = typeof imagesPerClass === 'number' ? Array.from({ length: numClasses }, () => imagesPerClass) : Array.from(imagesPerClass);
  if (counts.length !== numClasses || !counts.every((n) => Number.isInteger(n) && n >= 0)) {
    throw new RangeError(`expected ${numClasses} whole, non-negative image counts, got ${typeof imagesPerClass === 'number' ? imagesPerClass : counts.length + ' counts'}.`);
  }
  return counts;
}

function gaussian(rng: Rng, n: number, scale: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal() * scale);
}
