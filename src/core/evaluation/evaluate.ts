/**
 * The benchmark protocol on a trained model:
 * - ZSL: unseen test images, unseen classes as candidates, per-class top-1 and top-5;
 * - GZSL: all classes as candidates, u on unseen test images, s on seen test images, H;
 * - the seed notebook's own figure (all classes, unseen images, averaged per batch of 32)
 *   as a clearly labelled extra.
 * Pure TypeScript + tfjs.
 */
import { gatherRows, type Split, type ZslDataset } from '../data/dataset.ts';
import { accuracyByClass, confusionMatrix, harmonicMean, perBatchAccuracy, perClassAccuracy } from './metrics.ts';
import type { ZslModel } from '../methods/types.ts';
import { rankClasses } from '../inference/search.ts';

export interface EvaluationResult {
  /** Per-class accuracies in [0, 1]. */
  zslTop1: number;
  zslTop5: number;
  u: number;
  s: number;
  h: number;
  /** Calibration constant used for GZSL (0 = none). */
  gamma: number;
  /** The seed notebook's figure: all classes as candidates, unseen images, mean of per-batch accuracies. */
  seedFigure: { top1: number; top5: number };
  /** ZSL top-1 by unseen class id. */
  perClassZsl: Array<{ classId: number; accuracy: number }>;
  /** ZSL confusion counts over the unseen classes: rows true, columns predicted, in `classes` order. */
  zslConfusion: { classes: number[]; matrix: number[][] };
}

export interface EvaluateOptions {
  gamma?: number;
  signal?: AbortSignal;
  /** Only evaluate at most this many images per test set (for cheap per-epoch curves). */
  maxImages?: number;
}

export async function evaluateModel(
  model: ZslModel,
  dataset: ZslDataset,
  split: Split,
  options: EvaluateOptions = {},
): Promise<EvaluationResult> {
  const gamma = options.gamma ?? 0;
  const dim = dataset.featureDim;
  const numAttributes = dataset.attributeNames.length;
  const unseenIdx = subsample(split.testUnseenIndices, options.maxImages);
  const seenIdx = subsample(split.testSeenIndices, options.maxImages);
  const unseenFeatures = gatherRows(dataset.features, dim, unseenIdx);
  const unseenLabels = Int32Array.from(unseenIdx, (i) => dataset.labels[i]!);
  const allClasses = dataset.classNames.map((_, i) => i);
  const seenSet = new Set(split.seenClasses);
  const attributesOf = (classes: number[]) => gatherRows(dataset.classAttributes, numAttributes, classes);
  const rank = (features: Float32Array, candidates: number[], calibrate: boolean) =>
    rankClasses(model, features, dim, candidates, attributesOf(candidates), {
      k: 5,
      signal: options.signal,
      calibration: calibrate && gamma !== 0 ? { gamma, seenMask: candidates.map((c) => seenSet.has(c)) } : undefined,
    });

  const zsl = await rank(unseenFeatures, split.unseenClasses, false);
  const gzslUnseen = await rank(unseenFeatures, allClasses, true);
  const seedRanks = gamma === 0 ? gzslUnseen : await rank(unseenFeatures, allClasses, false);
  let s = 0;
  if (seenIdx.length > 0) {
    const seenFeatures = gatherRows(dataset.features, dim, seenIdx);
    const seenLabels = Int32Array.from(seenIdx, (i) => dataset.labels[i]!);
    s = perClassAccuracy(await rank(seenFeatures, allClasses, true), 5, seenLabels, 1);
  }
  const u = perClassAccuracy(gzslUnseen, 5, unseenLabels, 1);
  return {
    zslTop1: perClassAccuracy(zsl, 5, unseenLabels, 1),
    zslTop5: perClassAccuracy(zsl, 5, unseenLabels, 5),
    u,
    s,
    h: harmonicMean(u, s),
    gamma,
    seedFigure: {
      top1: perBatchAccuracy(seedRanks, 5, unseenLabels, 32, 1),
      top5: perBatchAccuracy(seedRanks, 5, unseenLabels, 32, 5),
    },
    perClassZsl: [...accuracyByClass(zsl, 5, unseenLabels)].map(([classId, accuracy]) => ({ classId, accuracy })),
    zslConfusion: {
      classes: split.unseenClasses,
      matrix: confusionMatrix(Int32Array.from({ length: unseenLabels.length }, (_, i) => zsl[i * 5]!), unseenLabels, split.unseenClasses),
    },
  };
}

/** Evenly spaced subsample (deterministic), so cheap curves still cover every class. */
function subsample(indices: Int32Array, max: number | undefined): Int32Array {
  if (max === undefined || indices.length <= max) return indices;
  const out = new Int32Array(max);
  const step = indices.length / max;
  for (let i = 0; i < max; i++) out[i] = indices[Math.floor(i * step)]!;
  return out;
}
