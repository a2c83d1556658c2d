/**
 * What every ZSL method produces: a model that places images and classes in one
 * common space where the nearest class wins. The embedding search (search.ts)
 * and the protocol (evaluate.ts) only ever see this interface.
 */
import type * as tf from '@tensorflow/tfjs';

/** How closeness is measured in the common space; higher scores win. */
export type Metric = 'euclidean' | 'dot' | 'cosine';

export interface ZslModel {
  readonly method: string;
  readonly metric: Metric;
  /** Images (N × featureDim) → common space (N × E). The caller owns the result. */
  embedFeatures(features: tf.Tensor2D): tf.Tensor2D;
  /** Class attributes (C × numAttributes) → prototypes in the common space (C × E). The caller owns the result. */
  embedClasses(attributes: tf.Tensor2D): tf.Tensor2D;
  /**
   * Optional asynchronous variant of embedClasses, for models that must do work
   * per candidate set (a generative model trains its classifier on synthetic
   * features of exactly these classes). When present, the search uses it.
   */
  prepareClasses?(attributes: tf.Tensor2D, options: PrepareOptions): Promise<tf.Tensor2D>;
  dispose(): void;
}

export interface PrepareOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}
