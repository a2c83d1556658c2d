/**
 * The dataset model: image features, labels, class and attribute names, the class
 * attribute matrix and the splits. Validated on construction so that every later
 * stage can trust its shapes. Pure TypeScript: no DOM, no tfjs.
 */
import { validateSemanticSets, type SemanticSets } from './class-semantics.ts';
import type { BenchmarkId } from './dataset-identity.ts';
import { ZslError } from '../errors.ts';

/** Where a dataset's features came from; a photo can only be matched in the same space. */
export interface FeatureSource {
  /** 'synthetic' for generated data, 'release' for a published feature file, 'backbone' for features we extracted. */
  kind: 'synthetic' | 'release' | 'backbone';
  /** e.g. "ResNet101 (AwA2 release)", "demo generator v1". */
  network: string;
}

export interface Split {
  /** e.g. "ps" (proposed), "ss" (standard), "demo", "custom". */
  name: string;
  description: string;
  /** Class indices (0-based) whose images may be trained on. */
  seenClasses: number[];
  /** Class indices never seen in training. */
  unseenClasses: number[];
  /** Image indices (0-based) used for training: only seen classes. */
  trainIndices: Int32Array;
  /** Held-out images of seen classes (GZSL "s"). */
  testSeenIndices: Int32Array;
  /** Images of unseen classes (ZSL, GZSL "u"). */
  testUnseenIndices: Int32Array;
}

export interface ZslDataset {
  id: string;
  name: string;
  numSamples: number;
  featureDim: number;
  /** numSamples × featureDim, row-major. */
  features: Float32Array;
  /** 0-based class index per sample. */
  labels: Int32Array;
  classNames: string[];
  attributeNames: string[];
  /** numClasses × numAttributes, row-major, as used by the methods. */
  classAttributes: Float32Array;
  splits: Split[];
  featureSource: FeatureSource;
  /** The release's other class × attribute matrices, for runs that ask for them (see data/class-semantics.ts). */
  semanticSets?: SemanticSets;
  /** Which of the five xlsa17 benchmarks it is, when recognised (its published numbers apply). */
  benchmark?: BenchmarkId;
}

export type DatasetInput = Omit<ZslDataset, 'numSamples' | 'featureDim'> & { featureDim: number };

/** Validates every invariant the methods rely on and returns the dataset. */
export function createDataset(input: DatasetInput): ZslDataset {
  const { features, labels, classNames, attributeNames, classAttributes, featureDim } = input;
  if (!Number.isInteger(featureDim) || featureDim <= 0) {
    throw new ZslError(`expected a positive feature dimension, got ${featureDim}.`, { variable: 'featureDim' });
  }
  if (features.length % featureDim !== 0) {
    throw new ZslError(
      `expected a whole number of ${featureDim}-value rows, got ${features.length} values.`,
      { variable: 'features' },
    );
  }
  const numSamples = features.length / featureDim;
  if (numSamples === 0) throw new ZslError('the dataset has no images.', { variable: 'features' });
  if (labels.length !== numSamples) {
    throw new ZslError(`expected ${numSamples} labels (one per feature row), got ${labels.length}.`, {
      variable: 'labels',
    });
  }
  const numClasses = classNames.length;
  if (numClasses < 2) throw new ZslError('expected at least 2 classes.', { variable: 'classNames' });
  assertUnique(classNames, 'classNames');
  if (attributeNames.length === 0) throw new ZslError('expected at least one attribute.', { variable: 'attributeNames' });
  if (classAttributes.length !== numClasses * attributeNames.length) {
    throw new ZslError(
      `expected ${numClasses} × ${attributeNames.length} class attributes, got ${classAttributes.length} values.`,
      { variable: 'classAttributes' },
    );
  }
  assertFinite(classAttributes, 'classAttributes', attributeNames.length);
  if (input.semanticSets) validateSemanticSets(input.semanticSets, numClasses, attributeNames.length);
  assertFinite(features, 'features', featureDim);
  for (let i = 0; i < numSamples; i++) {
    const label = labels[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new ZslError(`image ${i + 1} has label ${label + 1}; expected 1 to ${numClasses}.`, { variable: 'labels' });
    }
  }
  if (input.splits.length === 0) throw new ZslError('expected at least one split.', { variable: 'splits' });
  for (const split of input.splits) validateSplit(split, labels, numClasses);
  return { ...input, numSamples, featureDim };
}

export function validateSplit(split: Split, labels: Int32Array, numClasses: number): void {
  const variable = `split ${split.name}`;
  const seen = new Set(split.seenClasses);
  const unseen = new Set(split.unseenClasses);
  if (seen.size === 0) throw new ZslError('expected at least one seen class.', { variable });
  if (unseen.size === 0) throw new ZslError('expected at least one unseen class.', { variable });
  for (const c of [...seen, ...unseen]) {
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new ZslError(`class index ${c} is outside 0…${numClasses - 1}.`, { variable });
    }
    if (seen.has(c) && unseen.has(c)) {
      throw new ZslError(`class ${c + 1} is both seen and unseen.`, { variable });
    }
  }
  const checkImages = (indices: Int32Array, allowed: Set<number>, role: string) => {
    for (const index of indices) {
      if (index < 0 || index >= labels.length) {
        throw new ZslError(`${role} image index ${index + 1} is outside 1…${labels.length}.`, { variable });
      }
      if (!allowed.has(labels[index]!)) {
        throw new ZslError(
          `${role} image ${index + 1} belongs to class ${labels[index]! + 1}, which is not a ${role === 'test-unseen' ? 'unseen' : 'seen'} class.`,
          { variable },
        );
      }
    }
  };
  checkImages(split.trainIndices, seen, 'training');
  checkImages(split.testSeenIndices, seen, 'test-seen');
  checkImages(split.testUnseenIndices, unseen, 'test-unseen');
  if (split.trainIndices.length === 0) throw new ZslError('expected at least one training image.', { variable });
  if (split.testUnseenIndices.length === 0) throw new ZslError('expected at least one unseen test image.', { variable });
  const train = new Set(split.trainIndices);
  for (const index of split.testSeenIndices) {
    if (train.has(index)) {
      throw new ZslError(
        `image ${index + 1} is both a training and a test-seen image; GZSL results would be inflated.`,
        { variable },
      );
    }
  }
}

function assertUnique(names: string[], variable: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new ZslError(`the name "${name}" appears twice.`, { variable });
    seen.add(name);
  }
}

function assertFinite(values: Float32Array, variable: string, rowLength: number): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new ZslError(
        `row ${Math.floor(i / rowLength) + 1}, column ${(i % rowLength) + 1} is ${values[i]}; expected a finite number.`,
        { variable },
      );
    }
  }
}

export function findSplit(dataset: ZslDataset, name: string): Split {
  const split = dataset.splits.find((s) => s.name === name);
  if (!split) {
    const known = dataset.splits.map((s) => s.name).join(', ');
    throw new ZslError(`this dataset has no split "${name}"; it has: ${known}.`);
  }
  return split;
}

/** Copies the rows at `indices` of a row-major matrix. */
export function gatherRows(matrix: Float32Array, rowLength: number, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indices.length * rowLength);
  for (let i = 0; i < indices.length; i++) {
    const start = indices[i]! * rowLength;
    out.set(matrix.subarray(start, start + rowLength), i * rowLength);
  }
  return out;
}

/** A short summary for the UI and the command line. */
export function describeDataset(dataset: ZslDataset) {
  return {
    id: dataset.id,
    name: dataset.name,
    images: dataset.numSamples,
    featureDim: dataset.featureDim,
    classes: dataset.classNames.length,
    classNames: dataset.classNames,
    attributes: dataset.attributeNames.length,
    featureSource: dataset.featureSource,
    benchmark: dataset.benchmark ?? null,
    splits: dataset.splits.map((s) => ({
      name: s.name,
      description: s.description,
      seen: s.seenClasses.length,
      unseen: s.unseenClasses.length,
      unseenClasses: s.unseenClasses,
      train: s.trainIndices.length,
      testSeen: s.testSeenIndices.length,
      testUnseen: s.testUnseenIndices.length,
    })),
  };
}
export type DatasetSummary = ReturnType<typeof describeDataset>;
