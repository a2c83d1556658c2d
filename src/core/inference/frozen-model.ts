/**
 * A trained model as one portable file: how an image feature enters the common
 * space (an affine map, or the identity padded with constant columns), every
 * class's embedding, the class and attribute names, where the features came
 * from, the run's configuration and metrics. Another browser, or the command
 * line, classifies with it and gets identical predictions. Every method here is
 * affine in its image branch, which freezing checks rather than assumes.
 * tfjs only: no DOM.
 */
import * as tf from '@tensorflow/tfjs';
import type { FeatureSource } from '../data/dataset.ts';
import { ZslError } from '../errors.ts';
import { currentMethodName } from '../methods/catalog.ts';
import type { Metric, ZslModel } from '../methods/types.ts';

export const MODEL_FORMAT = 'zero-shot-studio-model';
export const MODEL_VERSION = 1;

export interface FrozenModelData {
  format: typeof MODEL_FORMAT;
  version: number;
  method: string;
  metric: Metric;
  featureDim: number;
  /** x → x·matrix + bias, or x → [x, 0…] + bias (identity padded with `extra` columns). */
  featureMap: { kind: 'matrix'; columns: number; matrix: Float32Array } | { kind: 'identity'; extra: number };
  bias: Float32Array;
  /** numClasses × embedding size. */
  prototypes: Float32Array;
  /**
   * unseenClasses × embedding size, for models whose class embeddings depend on
   * the candidate set (a generative model trains one classifier for ZSL, over the
   * unseen classes, and another for GZSL); absent when they do not.
   */
  zslPrototypes?: Float32Array;
  classNames: string[];
  attributeNames: string[];
  /** numClasses × numAttributes, as the method saw them; a candidate is matched to its class by these. */
  classAttributes: Float32Array;
  seenClasses: number[];
  unseenClasses: number[];
  /** Calibrated-stacking constant the run used for GZSL. */
  gamma: number;
  featureSource: FeatureSource;
  /** The run's configuration and metrics, as JSON. */
  run: unknown;
}

/** What freezing needs besides the model: the descriptive fields of the file, taken as they are. */
export type FreezeInput = Pick<
  FrozenModelData,
  'featureDim' | 'classNames' | 'attributeNames' | 'classAttributes' | 'seenClasses' | 'unseenClasses' | 'gamma' | 'featureSource' | 'run'
> & { model: ZslModel };

export async function freezeModel(input: FreezeInput): Promise<FrozenModelData> {
  const { model, featureDim: d } = input;
  const numClasses = input.classNames.length;
  const numAttributes = input.attributeNames.length;
  const embed = async (rows: Float32Array, count: number) => {
    const attributes = tf.tensor2d(rows, [count, numAttributes]);
    const prototypes = model.prepareClasses ? await model.prepareClasses(attributes, {}) : tf.tidy(() => model.embedClasses(attributes));
    attributes.dispose();
    const data = (await prototypes.data()) as Float32Array;
    const width = prototypes.shape[1]!;
    prototypes.dispose();
    return { data, width };
  };
  const { data: prototypeData, width: columns } = await embed(input.classAttributes, numClasses);
  const unseenRows = new Float32Array(input.unseenClasses.length * numAttributes);
  input.unseenClasses.forEach((c, i) => unseenRows.set(input.classAttributes.subarray(c * numAttributes, (c + 1) * numAttributes), i * numAttributes));
  const zslPrototypes = model.prepareClasses ? (await embed(unseenRows, input.unseenClasses.length)).data : undefined;
  // Probe the image branch: f(0) is the bias, f(e_i) - f(0) the i-th row of the map.
  const probe = tf.tidy(() => model.embedFeatures(tf.concat([tf.zeros([1, d]), tf.eye(d)]) as tf.Tensor2D));
  const probed = (await probe.data()) as Float32Array;
  probe.dispose();
  const bias = probed.slice(0, columns);
  const matrix = new Float32Array(d * columns);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < columns; j++) matrix[i * columns + j] = probed[(i + 1) * columns + j]! - bias[j]!;
  }
  await assertAffine(model, d, matrix, bias, columns);
  const identity = columns >= d && isPaddedIdentity(matrix, d, columns);
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    method: model.method,
    metric: model.metric,
    featureDim: d,
    featureMap: identity ? { kind: 'identity', extra: columns - d } : { kind: 'matrix', columns, matrix },
    bias,
    prototypes: prototypeData,
    ...(zslPrototypes ? { zslPrototypes } : {}),
    classNames: input.classNames,
    attributeNames: input.attributeNames,
    classAttributes: input.classAttributes,
    seenClasses: input.seenClasses,
    unseenClasses: input.unseenClasses,
    gamma: input.gamma,
    featureSource: input.featureSource,
    run: input.run,
  };
}

/**
 * Checks the probed map on random non-negative inputs, so a non-affine method is
 * refused, not silently wrong. Under the cosine metric only directions count, so
 * a map that also normalises its input (as SAE does) is compared by direction.
 */
async function assertAffine(model: ZslModel, d: number, matrix: Float32Array, bias: Float32Array, columns: number): Promise<void> {
  const x = tf.randomUniform([4, d], 0, 1, 'float32', 7);
  const direction = (t: tf.Tensor2D) => (model.metric === 'cosine' ? tf.div(t, tf.add(tf.norm(t, 2, 1, true), 1e-12)) : t);
  const [actual, expected] = tf.tidy(() => [
    direction(model.embedFeatures(x as tf.Tensor2D)),
    direction(tf.add(tf.matMul(x as tf.Tensor2D, tf.tensor2d(matrix, [d, columns])), tf.tensor1d(bias))),
  ]);
  // Asynchronous reads: a synchronous one stalls WebGPU and, on some adapters, breaks later uploads.
  const stats = tf.tidy(() => tf.stack([tf.max(tf.abs(tf.sub(actual!, expected!))), tf.max(tf.abs(expected!))]));
  const [error, scale] = Array.from(await stats.data()) as [number, number];
  tf.dispose([x, actual!, expected!, stats]);
  if (error > 1e-3 * Math.max(1, scale)) {
    throw new ZslError(`the ${model.method} model's image branch is not affine, so it cannot be exported as a frozen model.`);
  }
}

function isPaddedIdentity(matrix: Float32Array, d: number, columns: number): boolean {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < columns; j++) if (matrix[i * columns + j] !== (i === j ? 1 : 0)) return false;
  }
  return true;
}

/** A frozen model as a ZslModel: classifies with exactly the stored map and prototypes. */
export class FrozenModel implements ZslModel {
  readonly method: string;
  readonly metric: Metric;
  private readonly map: tf.Tensor2D | null;
  private readonly bias: tf.Tensor1D;
  private readonly prototypes: tf.Tensor2D;
  private readonly zslPrototypes: tf.Tensor2D | null;
  private readonly rowOf = new Map<string, number>();

  constructor(readonly data: FrozenModelData) {
    this.method = data.method;
    this.metric = data.metric;
    const columns = data.featureMap.kind === 'matrix' ? data.featureMap.columns : data.featureDim + data.featureMap.extra;
    this.map = data.featureMap.kind === 'matrix' ? tf.tensor2d(data.featureMap.matrix, [data.featureDim, columns]) : null;
    this.bias = tf.tensor1d(data.bias);
    this.prototypes = tf.tensor2d(data.prototypes, [data.classNames.length, columns]);
    this.zslPrototypes = data.zslPrototypes ? tf.tensor2d(data.zslPrototypes, [data.unseenClasses.length, columns]) : null;
    const a = data.attributeNames.length;
    data.classNames.forEach((_, c) => this.rowOf.set(key(data.classAttributes.subarray(c * a, (c + 1) * a)), c));
  }

  embedFeatures(features: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const { featureMap } = this.data;
      const mapped =
        featureMap.kind === 'matrix' ? tf.matMul(features, this.map!) : featureMap.extra > 0 ? tf.pad(features, [[0, 0], [0, featureMap.extra]]) : features;
      return tf.add(mapped, this.bias);
    });
  }

  /** The stored embeddings of the classes whose attribute rows these are (reads the rows synchronously). */
  embedClasses(attributes: tf.Tensor2D): tf.Tensor2D {
    return this.gatherRows(attributes.dataSync() as Float32Array, attributes.shape[1]);
  }

  /** The same without a synchronous read, which the search prefers. */
  async prepareClasses(attributes: tf.Tensor2D): Promise<tf.Tensor2D> {
    return this.gatherRows((await attributes.data()) as Float32Array, attributes.shape[1]);
  }

  private gatherRows(values: Float32Array, width: number): tf.Tensor2D {
    const rows = Array.from({ length: values.length / width }, (_, r) => {
      const c = this.rowOf.get(key(values.subarray(r * width, (r + 1) * width)));
      if (c === undefined) throw new ZslError('this exported model only knows the classes it was exported with.');
      return c;
    });
    // Exactly the unseen classes: the ZSL embeddings, when the model has its own for them.
    const unseen = this.data.unseenClasses;
    if (this.zslPrototypes && rows.length === unseen.length && new Set([...rows, ...unseen]).size === unseen.length) {
      const position = new Map(unseen.map((c, i) => [c, i] as const));
      return tf.tidy(() => tf.gather(this.zslPrototypes!, tf.tensor1d(rows.map((c) => position.get(c)!), 'int32')));
    }
    return tf.tidy(() => tf.gather(this.prototypes, tf.tensor1d(rows, 'int32')));
  }

  dispose(): void {
    tf.dispose([this.bias, this.prototypes, ...(this.map ? [this.map] : []), ...(this.zslPrototypes ? [this.zslPrototypes] : [])]);
  }
}

const key = (row: Float32Array) => Array.from(row, (v) => v.toPrecision(7)).join(',');

/** One JSON file: arrays as base64 of their little-endian float32 bytes. */
export function serialiseModel(data: FrozenModelData): string {
  return JSON.stringify(data, (_, value) => (value instanceof Float32Array ? { float32: toBase64(value) } : value));
}

export function parseModel(text: string, file = 'model file'): FrozenModelData {
  let data: FrozenModelData;
  try {
    data = JSON.parse(text, (_, value) =>
      value && typeof value === 'object' && typeof value.float32 === 'string' ? fromBase64(value.float32) : value,
    ) as FrozenModelData;
  } catch (error) {
    throw new ZslError(`is not a Zero-Shot Studio model (${error instanceof Error ? error.message : String(error)}); expected the JSON file the app exports.`, { file });
  }
  if (data?.format !== MODEL_FORMAT) throw new ZslError(`is not a Zero-Shot Studio model; expected "format": "${MODEL_FORMAT}".`, { file });
  if (data.version > MODEL_VERSION) {
    throw new ZslError(`was written by a newer version of the app (model version ${data.version}); expected version ${MODEL_VERSION} or older.`, { file });
  }
  const columns = data.featureMap.kind === 'matrix' ? data.featureMap.columns : data.featureDim + data.featureMap.extra;
  const sizes: Array<[string, number, number]> = [
    ['prototypes', data.prototypes.length, data.classNames.length * columns],
    ['classAttributes', data.classAttributes.length, data.classNames.length * data.attributeNames.length],
    ['bias', data.bias.length, columns],
    ...(data.zslPrototypes ? [['zslPrototypes', data.zslPrototypes.length, data.unseenClasses.length * columns] as [string, number, number]] : []),
    ...(data.featureMap.kind === 'matrix' ? [['featureMap', data.featureMap.matrix.length, data.featureDim * columns] as [string, number, number]] : []),
  ];
  for (const [variable, got, expected] of sizes) {
    if (got !== expected) throw new ZslError(`holds ${got} values; expected ${expected}. The file is damaged.`, { file, variable });
  }
  // Files exported before a method was renamed name it by its old id.
  return { ...data, method: currentMethodName(data.method) };
}

function toBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Float32Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}
