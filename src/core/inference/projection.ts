/**
 * A 2-D map of the model's common space: principal components of the embedded
 * images and class prototypes together, so a student sees where an unseen class
 * lands among the images. Pure TypeScript (power iteration): no DOM, no tfjs.
 */
import { createRng } from '../compute/rng.ts';

/** Projects `rows` × `dim` points onto their top two principal components. Returns rows × 2. */
export function pca2d(points: Float32Array, rows: number, dim: number, seed = 1): Float32Array {
  const mean = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let d = 0; d < dim; d++) mean[d]! += points[r * dim + d]! / rows;
  const centred = new Float64Array(rows * dim);
  for (let r = 0; r < rows; r++) for (let d = 0; d < dim; d++) centred[r * dim + d] = points[r * dim + d]! - mean[d]!;
  const rng = createRng(seed);
  const components: Float64Array[] = [];
  for (let k = 0; k < 2; k++) {
    let v: Float64Array = Float64Array.from({ length: dim }, () => rng.normal());
    for (let iteration = 0; iteration < 100; iteration++) {
      const next = covarianceTimes(centred, rows, dim, v);
      for (const c of components) deflate(next, c); // stay orthogonal to the components found
      const norm = Math.hypot(...next);
      if (norm === 0) break;
      for (let d = 0; d < dim; d++) next[d]! /= norm;
      const change = next.reduce((sum, x, d) => sum + Math.abs(x - v[d]!), 0);
      v = next;
      if (change < 1e-9) break;
    }
    components.push(v);
  }
  const out = new Float32Array(rows * 2);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < 2; k++) {
      let sum = 0;
      for (let d = 0; d < dim; d++) sum += centred[r * dim + d]! * components[k]![d]!;
      out[r * 2 + k] = sum;
    }
  }
  return out;
}

function covarianceTimes(centred: Float64Array, rows: number, dim: number, v: Float64Array): Float64Array {
  const out = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    let dot = 0;
    for (let d = 0; d < dim; d++) dot += centred[r * dim + d]! * v[d]!;
    for (let d = 0; d < dim; d++) out[d]! += dot * centred[r * dim + d]!;
  }
  return out;
}

function deflate(v: Float64Array, against: Float64Array): void {
  let dot = 0;
  for (let d = 0; d < v.length; d++) dot += v[d]! * against[d]!;
  for (let d = 0; d < v.length; d++) v[d]! -= dot * against[d]!;
}
