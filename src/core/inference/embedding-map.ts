/**
 * The embedding map, computed in the worker: test images and class prototypes in
 * the model's common space, projected to 2-D together. No DOM, no React.
 */
import * as tf from '@tensorflow/tfjs';
import { gatherRows, type Split, type ZslDataset } from '../data/dataset.ts';
import type { ZslModel } from '../methods/types.ts';
import { pca2d } from './projection.ts';

export interface MapPoint {
  x: number;
  y: number;
  classId: number;
  /** An image, or a class's prototype. */
  kind: 'image' | 'class';
  unseen: boolean;
}

export async function embeddingMap(model: ZslModel, dataset: ZslDataset, split: Split, maxImages: number): Promise<MapPoint[]> {
  const unseen = new Set(split.unseenClasses);
  const pool = [...split.testUnseenIndices, ...split.testSeenIndices];
  const step = Math.max(1, pool.length / maxImages);
  const images = Array.from({ length: Math.min(maxImages, pool.length) }, (_, i) => pool[Math.floor(i * step)]!);
  const classes = dataset.classNames.map((_, c) => c);
  const numAttributes = dataset.attributeNames.length;
  const attributes = tf.tensor2d(gatherRows(dataset.classAttributes, numAttributes, classes), [classes.length, numAttributes]);
  const prototypes = model.prepareClasses ? await model.prepareClasses(attributes, {}) : tf.tidy(() => model.embedClasses(attributes));
  attributes.dispose();
  const embedded = tf.tidy(() => {
    const x = tf.tensor2d(gatherRows(dataset.features, dataset.featureDim, images), [images.length, dataset.featureDim]);
    // Cosine-scored spaces are compared by direction: normalise so the map shows what the score sees.
    const z = model.embedFeatures(x);
    const unit = (t: tf.Tensor2D) => (model.metric === 'cosine' ? tf.div(t, tf.add(tf.norm(t, 2, 1, true), 1e-12)) : t);
    return tf.concat([unit(z), unit(prototypes)]);
  });
  prototypes.dispose();
  const rows = embedded.shape[0]!;
  const dim = embedded.shape[1]!;
  const data = (await embedded.data()) as Float32Array;
  embedded.dispose();
  const xy = pca2d(data, rows, dim);
  return Array.from({ length: rows }, (_, r) => {
    const isImage = r < images.length;
    const classId = isImage ? dataset.labels[images[r]!]! : classes[r - images.length]!;
    return { x: xy[r * 2]!, y: xy[r * 2 + 1]!, classId, kind: isImage ? 'image' : 'class', unseen: unseen.has(classId) };
  });
}
