/**
 * The embedding search: score images against class prototypes in the model's
 * common space and keep the k best classes of each. Runs in the worker and in
 * Node alike (tfjs only, no DOM). Works in chunks so memory stays bounded.
 */
import * as tf from '@tensorflow/tfjs';
import { throwIfAborted } from '../errors.ts';
import type { Metric, ZslModel } from '../methods/types.ts';

/** N × C scores, higher is better. */
export function scoreMatrix(embedded: tf.Tensor2D, prototypes: tf.Tensor2D, metric: Metric): tf.Tensor2D {
  return tf.tidy(() => {
    if (metric === 'dot') return tf.matMul(embedded, prototypes, false, true);
    if (metric === 'cosine') {
      const a = tf.div(embedded, tf.add(tf.norm(embedded, 2, 1, true), 1e-12));
      const b = tf.div(prototypes, tf.add(tf.norm(prototypes, 2, 1, true), 1e-12));
      return tf.matMul(a, b, false, true);
    }
    // -||x - p||² = 2 x·p - ||x||² - ||p||²; the ||x||² term is constant per row but kept
    // so scores are true negative squared distances.
    const cross = tf.mul(tf.matMul(embedded, prototypes, false, true), 2);
    const xx = tf.sum(tf.square(embedded), 1, true);
    const pp = tf.reshape(tf.sum(tf.square(prototypes), 1), [1, -1]);
    return tf.sub(tf.sub(cross, xx), pp);
  });
}

export interface RankOptions {
  k: number;
  /** Rows scored at once; bounds GPU memory. */
  chunkRows?: number;
  /** Calibrated stacking: subtract `gamma` from the scores of classes flagged in `seenMask` (one flag per candidate). */
  calibration?: { gamma: number; seenMask: boolean[] };
  signal?: AbortSignal;
}

/**
 * Ranks `candidates` (class ids, with their attribute rows in `candidateAttributes`)
 * for every feature row. Returns N × k class ids, best first.
 */
export async function rankClasses(
  model: ZslModel,
  features: Float32Array,
  featureDim: number,
  candidates: number[],
  candidateAttributes: Float32Array,
  options: RankOptions,
): Promise<Int32Array> {
  const n = features.length / featureDim;
  const k = Math.min(options.k, candidates.length);
  const chunkRows = options.chunkRows ?? 2048;
  const out = new Int32Array(n * options.k).fill(-1);
  const attributes = tf.tensor2d(candidateAttributes, [candidates.length, candidateAttributes.length / candidates.length]);
  let prototypes: tf.Tensor2D;
  try {
    prototypes = model.prepareClasses
      ? await model.prepareClasses(attributes, { signal: options.signal })
      : tf.tidy(() => model.embedClasses(attributes));
  } finally {
    attributes.dispose();
  }
  const offset = options.calibration
    ? tf.tensor2d(options.calibration.seenMask.map((seen) => (seen ? -options.calibration!.gamma : 0)), [1, candidates.length])
    : null;
  try {
    for (let start = 0; start < n; start += chunkRows) {
      throwIfAborted(options.signal);
      const rows = Math.min(chunkRows, n - start);
      const indices = tf.tidy(() => {
        const x = tf.tensor2d(features.subarray(start * featureDim, (start + rows) * featureDim), [rows, featureDim]);
        let scores = scoreMatrix(model.embedFeatures(x), prototypes, model.metric);
        if (offset) scores = tf.add(scores, offset);
        return tf.topk(scores, k).indices;
      });
      const local = (await indices.data()) as Int32Array;
      indices.dispose();
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < k; j++) out[(start + r) * options.k + j] = candidates[local[r * k + j]!]!;
      }
    }
  } finally {
    prototypes.dispose();
    offset?.dispose();
  }
  return out;
}
