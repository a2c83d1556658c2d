/**
 * The only window a method gets onto a dataset while it trains: the training
 * images of the seen classes and the attributes of those classes, nothing else.
 * Test images, test labels and unseen classes are not reachable from here, which
 * makes peeking structurally impossible. Pure TypeScript: no DOM, no tfjs.
 */
import { gatherRows, type Split, type ZslDataset } from './dataset.ts';
import { ZslError } from '../errors.ts';
import { createRng, shuffled } from '../compute/rng.ts';

export interface LabelledSubset {
  /** rows × featureDim, row-major. */
  features: Float32Array;
  /** Index into the view's seen classes (0 … numSeen-1). */
  labels: Int32Array;
  size: number;
}

export interface TrainingView {
  featureDim: number;
  numAttributes: number;
  numSeen: number;
  seenClassNames: string[];
  /** numSeen × numAttributes, row-major. */
  seenAttributes: Float32Array;
  train: LabelledSubset;
  /** Held-out images of seen classes for curves and early choices; null when no fraction was asked for. */
  validation: LabelledSubset | null;
}

export interface TrainingViewOptions {
  /** Fraction of each seen class's training images held out for validation (0 disables). */
  validationFraction: number;
  seed: number;
}

export function makeTrainingView(dataset: ZslDataset, split: Split, options: TrainingViewOptions): TrainingView {
  const { validationFraction, seed } = options;
  if (!(validationFraction >= 0 && validationFraction < 0.9)) {
    throw new ZslError(`the validation fraction must be between 0 and 0.9, got ${validationFraction}.`);
  }
  const seen = split.seenClasses;
  const localIndex = new Map(seen.map((c, i) => [c, i] as const));
  const numAttributes = dataset.attributeNames.length;
  const rng = createRng(seed ^ 0x5eed);
  const trainIdx: number[] = [];
  const valIdx: number[] = [];
  // Stratified hold-out: every seen class keeps most of its images for training.
  const byClass = new Map<number, number[]>();
  for (const index of split.trainIndices) {
    const label = dataset.labels[index]!;
    let list = byClass.get(label);
    if (!list) byClass.set(label, (list = []));
    list.push(index);
  }
  for (const c of seen) {
    const images = shuffled(byClass.get(c) ?? [], rng);
    const held = validationFraction > 0 && images.length >= 2 ? Math.max(1, Math.round(images.length * validationFraction)) : 0;
    for (let i = 0; i < images.length; i++) (i < held ? valIdx : trainIdx).push(images[i]!);
  }
  const subset = (indices: number[]): LabelledSubset => ({
    features: gatherRows(dataset.features, dataset.featureDim, indices),
    labels: Int32Array.from(indices, (i) => localIndex.get(dataset.labels[i]!)!),
    size: indices.length,
  });
  return {
    featureDim: dataset.featureDim,
    numAttributes,
    numSeen: seen.length,
    seenClassNames: seen.map((c) => dataset.classNames[c]!),
    seenAttributes: gatherRows(dataset.classAttributes, numAttributes, seen),
    train: subset(trainIdx),
    validation: valIdx.length > 0 ? subset(valIdx) : null,
  };
}
