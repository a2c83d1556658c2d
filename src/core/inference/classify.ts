/**
 * Classifies one image's features with the current model and explains the
 * answer with attributes. Runs in the worker and the CLI; tfjs only, no DOM.
 */
import * as tf from '@tensorflow/tfjs';
import { gatherRows } from '../data/dataset.ts';
import { sharedAttributes, topAttributes, type AttributeWeight } from './explain.ts';
import type { FrozenModelData } from './frozen-model.ts';
import type { ZslModel } from '../methods/types.ts';
import { scoreMatrix } from './search.ts';

export interface Classification {
  top: Array<{ classId: number; name: string; score: number; seen: boolean; attributes: AttributeWeight[]; shared: AttributeWeight[] }>;
  /** Attributes read in the image, when the model's space is the attribute space; else null. */
  read: AttributeWeight[] | null;
}

export async function classifyFeatures(
  model: ZslModel,
  frozen: FrozenModelData,
  features: Float32Array,
  scope: 'unseen' | 'all',
  k: number,
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
  const order = values.map((score, i) => ({ score, i })).sort((x, y) => y.score - x.score).slice(0, k);
  return {
    top: order.map(({ score, i }) => {
      const classId = candidates[i]!;
      const row = frozen.classAttributes.subarray(classId * a, (classId + 1) * a);
      return {
        classId,
        name: frozen.classNames[classId]!,
        score,
        seen: seen.has(classId),
        attributes: topAttributes(row, frozen.attributeNames, 5),
        shared: read ? sharedAttributes(read, row, frozen.attributeNames, 5) : [],
      };
    }),
    read: read ? topAttributes(read, frozen.attributeNames, 8) : null,
  };
}
