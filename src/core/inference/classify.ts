/**
 * Classifies one image's features with the current model and explains the
 * answer with attributes. Every candidate gets a rank and a confidence: the
 * softmax of the candidates' scores after scaling them to unit standard
 * deviation over the candidates (raw scores range from ±0.01 for ESZSL to
 * ±100 for a distance, so a plain softmax would read as uniform for one method
 * and certain for another); the confidences of all candidates add up to 1, and
 * the raw score is kept beside them. A relative confidence, not a calibrated
 * probability. Runs in the worker and the CLI; tfjs only, no DOM.
 */
import * as tf from '@tensorflow/tfjs';
import { gatherRows } from '../data/dataset.ts';
import { attributeEvidence, sharedAttributes, topAttributes, type AttributeEvidence, type AttributeWeight } from './explain.ts';
import type { FrozenModelData } from './frozen-model.ts';
import type { ZslModel } from '../methods/types.ts';
import { scoreMatrix } from './search.ts';

export interface RankedClass {
  classId: number;
  name: string;
  /** 1 for the best candidate. */
  rank: number;
  /** The model's raw score (higher is better; its scale depends on the method). */
  score: number;
  /** Softmax of the candidates' scores scaled to unit standard deviation (see scaledSoftmax), in [0, 1]. */
  confidence: number;
  seen: boolean;
  attributes: AttributeWeight[];
  shared: AttributeWeight[];
}

export interface Classification {
  top: RankedClass[];
  /** How many classes were candidates (the unseen ones in ZSL, all in GZSL). */
  candidates: number;
  /** Attributes read in the image, when the model's space is the attribute space; else null. */
  read: AttributeWeight[] | null;
  /** What the model reads beside what the best class has, on one scale each, for a bar chart. */
  evidence: AttributeEvidence[];
  /** The rank a given class got, by class id (for the image's true class); absent when it was not a candidate. */
  rankOf: Record<number, number>;
}

/**
 * softmax(s / σ) with σ the standard deviation of the scores over the
 * candidates (1 when they are all equal): independent of the method's score
 * scale. Computed as exp((s − max) / σ) / Σ, stable for scores of any size.
 */
export function scaledSoftmax(scores: readonly number[]): number[] {
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const sd = Math.sqrt(scores.reduce((a, s) => a + (s - mean) ** 2, 0) / scores.length) || 1;
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp((s - max) / sd));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export async function classifyFeatures(
  model: ZslModel,
  frozen: FrozenModelData,
  features: Float32Array,
  scope: 'unseen' | 'all',
  k: number,
  options: { rankOf?: number[] } = {},
): Promise<Classification> {
  const a = frozen.attributeNames.length;
  const candidates = scope === 'unseen' ? frozen.unseenClasses : frozen.classNames.map((_, c) => c);
  const seen = new Set(frozen.seenClasses);
  const attributes = tf.tensor2d(gatherRows(frozen.classAttributes, a, candidates), [candidates.length, a]);
  const prototypes = model.prepareClasses ? await model.prepareClasses(attributes, {}) : tf.tidy(() => model.embedClasses(attributes));
  attributes.dispose();
  const [scores, embedded] = tf.tidy(() => {
    const z = model.embedFeatures(tf.tensor2d(features, [1, frozen.featureDim]));
    let s = scoreMatrix(z, prototypes, model.metric);
    if (scope === 'all' && frozen.gamma !== 0) {
      s = tf.sub(s, tf.tensor2d(candidates.map((c) => (seen.has(c) ? frozen.gamma : 0)), [1, candidates.length]));
    }
    return [s, z];
  });
  prototypes.dispose();
  const values = Array.from(await scores.data());
  const read = embedded.shape[1] === a ? Array.from(await embedded.data()) : null;
  tf.dispose([scores, embedded]);
  const confidence = scaledSoftmax(values);
  const ordered = values.map((score, i) => ({ score, i })).sort((x, y) => y.score - x.score);
  const rankOf: Record<number, number> = {};
  for (const classId of options.rankOf ?? []) {
    const at = ordered.findIndex((o) => candidates[o.i] === classId);
    if (at >= 0) rankOf[classId] = at + 1;
  }
  const rowOf = (classId: number) => frozen.classAttributes.subarray(classId * a, (classId + 1) * a);
  const top = ordered.slice(0, k).map(({ score, i }, position) => {
    const classId = candidates[i]!;
    const row = rowOf(classId);
    return {
      classId,
      name: frozen.classNames[classId]!,
      rank: position + 1,
      score,
      confidence: confidence[i]!,
      seen: seen.has(classId),
      attributes: topAttributes(row, frozen.attributeNames, 5),
      shared: read ? sharedAttributes(read, row, frozen.attributeNames, 5) : [],
    };
  });
  return {
    top,
    candidates: candidates.length,
    read: read ? topAttributes(read, frozen.attributeNames, 8) : null,
    evidence: top[0] ? attributeEvidence(read, rowOf(top[0].classId), frozen.attributeNames, 8) : [],
    rankOf,
  };
}
