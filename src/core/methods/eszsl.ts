/**
 * ESZSL (Romera-Paredes & Torr 2015), fitted in closed form from a TrainingView:
 *   V = (XᵀX + γI)⁻¹ · XᵀY · Sᵀ · (S·Sᵀ + λI)⁻¹
 * X: n × D training features, Y: n × z one-hot (0/1) over the seen classes,
 * S: A × z seen attributes. Score(x, c) = xᵀ·V·a_c, served as metric 'dot' with
 * embedFeatures(x) = x·V (n × A) and embedClasses(a) = a (the identity), so the
 * same attribute rows score seen and unseen classes alike.
 * Also holds what the closed forms share: the Gram matrix on the device or in JS,
 * per-class feature sums, the linear model class and progress plumbing.
 * tfjs + linalg only: no DOM, never the dataset or test data.
 */
import * as tf from '@tensorflow/tfjs';
import type { SemanticNormalisation } from '../data/semantic.ts';
import { ZslError, throwIfAborted } from '../errors.ts';
import { choleskySolve, choleskyWork, solveSpd } from '../compute/linalg/cholesky.ts';
import { gramWork } from '../compute/linalg/gram.ts';
import { gramWasmWork, hasWasmSimd } from '../compute/linalg/gram-wasm.ts';
import { addToDiagonal, fromArray, matrix, type Matrix, multiply, runAsync, transpose } from '../compute/linalg/matrix.ts';
import type { TrainingView } from '../data/training-view.ts';
import type { Metric, ZslModel } from './types.ts';
import type { PhaseProgress } from '../progress.ts';

export interface EszslConfig {
  /** Ridge on the feature side, (XᵀX + γI). */
  gamma: number;
  /** Ridge on the attribute side, (S·Sᵀ + λI). */
  lambda: number;
  /**
   * How the caller should preprocess class attributes before building the view:
   * the common reimplementation L2-normalises each class ('l2'). Recorded with the
   * run; fitEszsl itself uses the attributes it is given as they are.
   */
  attributeNormalisation: SemanticNormalisation;
  /**
   * How XᵀX is computed: 'device' = tfjs matMul in float32 on the active backend;
   * 'wasm' = our WebAssembly SIMD kernel (float32 products, float64 accumulation);
   * 'js' = exact float64 JS (slowest); 'auto' = 'device' on a GPU backend
   * (anything but cpu and wasm), else 'wasm' where WebAssembly SIMD exists, else 'js'.
   */
  gram: 'auto' | 'device' | 'wasm' | 'js';
}

export const ESZSL_DEFAULTS: EszslConfig = { gamma: 1e3, lambda: 1, attributeNormalisation: 'l2', gram: 'auto' };

export interface ClosedFormHooks {
  onProgress?(progress: PhaseProgress): void;
  signal?: AbortSignal;
}

/** A model linear in both branches; either map may be the identity (null). */
export class LinearModel implements ZslModel {
  constructor(
    readonly method: string,
    readonly metric: Metric,
    /** D × E, or null for the identity. */
    readonly featureMap: tf.Tensor2D | null,
    /** A × E, or null for the identity. */
    readonly classMap: tf.Tensor2D | null,
    /** L2-normalise each feature row before mapping (SAE trains on normalised features). */
    readonly normaliseFeatures = false,
  ) {}

  embedFeatures(features: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const x = this.normaliseFeatures ? tf.div(features, tf.add(tf.norm(features, 2, 1, true), 1e-12)) as tf.Tensor2D : features;
      return this.featureMap ? tf.matMul(x, this.featureMap) : tf.clone(x);
    });
  }

  embedClasses(attributes: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => (this.classMap ? tf.matMul(attributes, this.classMap) : tf.clone(attributes)));
  }

  dispose(): void {
    this.featureMap?.dispose();
    this.classMap?.dispose();
  }
}

export async function fitEszsl(view: TrainingView, config: EszslConfig = ESZSL_DEFAULTS, hooks: ClosedFormHooks = {}): Promise<LinearModel> {
  checkView(view);
  if (!(config.gamma > 0) || !(config.lambda > 0)) {
    throw new ZslError(`ESZSL needs positive γ and λ, got γ = ${config.gamma} and λ = ${config.lambda}.`);
  }
  const { featureDim: d, numAttributes: a, numSeen: z } = view;
  const n = view.train.size;
  // Weights ≈ seconds on a 2-core CPU with the wasm Gram (scripts/bench-closed-form.ts): a smooth bar.
  const report = phases(hooks, [['Computing XᵀX', (n * d * d) / 14e9], ['Solving', (d * d * d) / 6e9], ['Finishing', (3 * d * d * a) / 1e9]]);

  report(0, 0);
  const g = await computeGram(view.train.features, n, d, config.gram, { signal: hooks.signal, onProgress: (f) => report(0, f) });
  addToDiagonal(g, config.gamma);
  report(1, 0);
  const st = fromArray(z, a, view.seenAttributes); // Sᵀ
  const xty = transpose(classSums(view)); // XᵀY, D × z
  const m = multiply(xty, st); // XᵀY·Sᵀ, D × A
  const k = addToDiagonal(multiply(transpose(st), st), config.lambda); // S·Sᵀ + λI
  const right = transpose(solveSpd(k, transpose(m))); // M·K⁻¹ (K symmetric)
  const factor = await runAsync(choleskyWork(g), { signal: hooks.signal, onProgress: (f) => report(1, f) });
  report(2, 0);
  const v = choleskySolve(factor, right); // D × A
  throwIfAborted(hooks.signal);
  report(2, 1);
  return new LinearModel('eszsl', 'dot', tf.tensor2d(Float32Array.from(v.data), [d, a]), null);
}

/**
 * XᵀX (D × D, float64) of row-major features, optionally with each row scaled
 * first; see EszslConfig.gram for the ways. Float32 products (device, wasm) give
 * ~1e-6 relative error, ample next to the ridge.
 */
export async function computeGram(
  features: Float32Array,
  rows: number,
  cols: number,
  where: EszslConfig['gram'],
  hooks: { onProgress?(fraction: number): void; signal?: AbortSignal },
  rowScale?: Float64Array,
): Promise<Matrix> {
  const backend = tf.getBackend();
  const gpu = backend !== 'cpu' && backend !== 'wasm'; // webgpu, webgl, tensorflow (tfjs-node)
  const way = where !== 'auto' ? where : gpu ? 'device' : hasWasmSimd() ? 'wasm' : 'js';
  if (way === 'wasm') return runAsync(gramWasmWork(features, rows, cols, rowScale), hooks);
  if (way === 'js') return runAsync(gramWork(features, rows, cols, rowScale), hooks);
  // At most ~64 MB of float32 per upload, and at least ~20 uploads, so the progress bar moves.
  const chunk = Math.max(1, Math.min(Math.floor(2 ** 24 / cols), Math.max(256, Math.ceil(rows / 20))));
  let acc = tf.zeros([cols, cols]) as tf.Tensor2D;
  try {
    for (let start = 0; start < rows; start += chunk) {
      throwIfAborted(hooks.signal);
      const count = Math.min(chunk, rows - start);
      const next = tf.tidy(() => {
        let x: tf.Tensor2D = tf.tensor2d(features.subarray(start * cols, (start + count) * cols), [count, cols]);
        if (rowScale) x = tf.mul(x, tf.tensor2d(Float32Array.from(rowScale.subarray(start, start + count)), [count, 1]));
        // tfjs-wasm's transposed-operand matMul is far slower than transposing first.
        const xt = backend === 'wasm' ? tf.transpose(x) : null;
        return tf.add(acc, xt ? tf.matMul(xt, x) : tf.matMul(x, x, true, false)) as tf.Tensor2D;
      });
      acc.dispose();
      acc = next;
      await acc.data(); // one chunk in flight at a time keeps memory bounded and progress honest
      hooks.onProgress?.((start + count) / rows);
    }
    return matrix(cols, cols, Float64Array.from(await acc.data()));
  } finally {
    acc.dispose();
  }
}

/** Per seen class, the sum of its training feature rows (z × D, float64): YᵀX. */
export function classSums(view: TrainingView, rowScale?: Float64Array): Matrix {
  const d = view.featureDim;
  const out = matrix(view.numSeen, d);
  const { features, labels, size } = view.train;
  for (let i = 0; i < size; i++) {
    const row = labels[i]! * d;
    const s = rowScale ? rowScale[i]! : 1;
    for (let j = 0; j < d; j++) out.data[row + j]! += s * features[i * d + j]!;
  }
  return out;
}

export function checkView(view: TrainingView): void {
  if (view.train.size === 0) throw new ZslError('there are no training images to fit on.');
  if (view.numSeen < 2) throw new ZslError(`expected at least 2 seen classes, got ${view.numSeen}.`);
}

/**
 * Progress over weighted phases: report(i, f) says phase i is f done; the
 * overall fraction is the weight-averaged sum, never moving backwards.
 */
export function phases(hooks: ClosedFormHooks, list: Array<[string, number]>): (index: number, fraction: number) => void {
  const total = list.reduce((s, [, w]) => s + w, 0) || 1;
  let last = 0;
  return (index, fraction) => {
    const [phase] = list[index]!;
    let done = 0;
    for (let i = 0; i < index; i++) done += list[i]![1];
    last = Math.max(last, Math.min(1, (done + fraction * list[index]![1]) / total));
    hooks.onProgress?.({ phase, fraction: last });
  };
}
