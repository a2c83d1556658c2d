/**
 * SAE, the semantic autoencoder (Kodirov, Xiang & Gong 2017), fitted in closed form
 * from a TrainingView. With X the D × n L2-normalised training features (columns)
 * and S the A × n attributes of each image's class, W (A × D) solves the Sylvester
 * equation
 *   S·Sᵀ·W + λ·W·X·Xᵀ = (1 + λ)·S·Xᵀ.
 * Both left-hand matrices are symmetric: S·Sᵀ (A × A) is eigen-decomposed and
 * X·Xᵀ (D × D) only tridiagonalised (see compute/linalg/sylvester.ts).
 * Two ways to score, both by cosine:
 * - 'x2s' (encoder): an image is projected to attributes, cos(W·x, a_c);
 * - 's2x' (decoder): a class is projected to feature space, cos(x, Wᵀ·a_c).
 * tfjs + linalg only: no DOM, never the dataset or test data.
 */
import * as tf from '@tensorflow/tfjs';
import { ZslError, throwIfAborted } from '../errors.ts';
import { fromArray, matrix, multiply, runAsync, transpose } from '../compute/linalg/matrix.ts';
import { solveSylvesterWork } from '../compute/linalg/sylvester.ts';
import type { TrainingView } from '../data/training-view.ts';
import { checkView, classSums, computeGram, LinearModel, phases, type ClosedFormHooks, type EszslConfig } from './eszsl.ts';

export interface SaeConfig {
  /**
   * Weight of the encoder term ‖W·X − S‖² against the decoder ‖X − Wᵀ·S‖². The
   * method is very sensitive to it and its scale depends on n (X·Xᵀ grows with
   * the number of images): choose it on held-out seen classes. The default is the
   * authors' AwA demo value; on the demo zoo anything from 10² up works for 's2x'.
   */
  lambda: number;
  direction: 'x2s' | 's2x';
  /** How X·Xᵀ is computed, as for ESZSL. */
  gram: EszslConfig['gram'];
}

export const SAE_DEFAULTS: SaeConfig = { lambda: 5e5, direction: 's2x', gram: 'auto' };

export async function fitSae(view: TrainingView, config: SaeConfig = SAE_DEFAULTS, hooks: ClosedFormHooks = {}): Promise<LinearModel> {
  checkView(view);
  if (!(config.lambda > 0)) throw new ZslError(`SAE needs a positive λ, got ${config.lambda}.`);
  const w = await solveSae(view, config.lambda, config.gram, hooks);
  const d = view.featureDim;
  const a = view.numAttributes;
  if (config.direction === 'x2s') {
    return new LinearModel('sae', 'cosine', tf.tensor2d(Float32Array.from(transpose(w).data), [d, a]), null, true);
  }
  return new LinearModel('sae', 'cosine', null, tf.tensor2d(Float32Array.from(w.data), [a, d]), true);
}

/** The Sylvester solution W (A × D, float64). Exposed for tests and inspection. */
export async function solveSae(view: TrainingView, lambda: number, gram: EszslConfig['gram'], hooks: ClosedFormHooks = {}) {
  const { featureDim: d, numAttributes: a, numSeen: z } = view;
  const n = view.train.size;
  // Weights ≈ seconds on a 2-core CPU with the wasm Gram (scripts/bench-closed-form.ts): a smooth bar.
  const report = phases(hooks, [
    ['Computing XXᵀ', (n * d * d) / 14e9],
    ['Tridiagonalising XXᵀ', (d * d * d) / 6e8],
    ['Solving', (3 * a * d * d) / 1e9],
  ]);
  // 1/‖x‖ per image: normalisation is applied on the fly, X is never copied.
  const scale = new Float64Array(n);
  const { features } = view.train;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += features[i * d + j]! ** 2;
    scale[i] = s > 0 ? 1 / Math.sqrt(s) : 0;
  }
  report(0, 0);
  const xxt = await computeGram(features, n, d, gram, { signal: hooks.signal, onProgress: (f) => report(0, f) }, scale);
  for (let i = 0; i < xxt.data.length; i++) xxt.data[i]! *= lambda;
  // S·Sᵀ = Σ_c count_c·a_c·a_cᵀ and S·Xᵀ = Σ_c a_c·(Σ_{i∈c} x_i)ᵀ: per-class sums avoid n-sized products.
  const counts = new Float64Array(z);
  for (let i = 0; i < n; i++) counts[view.train.labels[i]!]! += 1;
  const st = fromArray(z, a, view.seenAttributes);
  const weighted = matrix(z, a);
  for (let c = 0; c < z; c++) for (let k = 0; k < a; k++) weighted.data[c * a + k] = counts[c]! * st.data[c * a + k]!;
  const sst = multiply(transpose(st), weighted);
  const sxt = multiply(transpose(st), classSums(view, scale));
  for (let i = 0; i < sxt.data.length; i++) sxt.data[i]! *= 1 + lambda;
  report(1, 0);
  const w = await runAsync(solveSylvesterWork(sst, xxt, sxt), {
    signal: hooks.signal,
    onProgress: (f) => (f < 0.9 ? report(1, f / 0.9) : report(2, (f - 0.9) / 0.1)),
  });
  throwIfAborted(hooks.signal);
  report(2, 1);
  return w;
}
