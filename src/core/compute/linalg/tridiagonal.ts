/**
 * Householder tridiagonalisation of a symmetric matrix, with Q accumulated
 * (for the eigen-solver) or kept as reflectors (for the Sylvester solver, which
 * only applies Q to a few rows). Pure TypeScript: no DOM, no tfjs.
 */
import { matrix, runSync, scaled, type Matrix, type Work } from './matrix.ts';

/**
 * A = Q·T·Qᵀ with T tridiagonal. `qt` holds Qᵀ (row i is the
 * i-th column of Q) so that every kernel below streams rows.
 */
export interface Tridiagonal {
  diagonal: Float64Array;
  /** offDiagonal[i] couples i-1 and i; offDiagonal[0] is 0. */
  offDiagonal: Float64Array;
  qt: Matrix;
}


/**
 * Householder tridiagonalisation (EISPACK tred2, after the public-domain JAMA
 * version) on the transposed working matrix: JAMA walks columns, which in a
 * row-major array would stride; transposing the storage makes the inner loops
 * contiguous. Only symmetric input is meaningful.
 */
export function* tridiagonaliseWork(a: Matrix): Work<Tridiagonal> {
  const n = a.rows;
  const { s, d, e } = yield* scaled(reduceWork(a), 0, 0.5);
  const total = n * n * n;
  // Accumulate the Householder transformations into Q.
  for (let i = 0; i < n - 1; i++) {
    accumulateStep(s, d, n, i);
    yield 0.5 + (0.5 * (i + 1) ** 3) / total;
  }
  for (let j = 0; j < n; j++) {
    d[j] = s[j * n + n - 1]!;
    s[j * n + n - 1] = 0;
  }
  if (n > 0) s[n * n - 1] = 1;
  return { diagonal: d, offDiagonal: e, qt: matrix(n, n, s) };
}

/**
 * A = Q·T·Qᵀ with Q kept as its Householder reflectors, Q = P_{n-1}···P_1 with
 * P_k = I − u_k·u_kᵀ / h_k and u_k supported on 0…k-1. Applying Q to a few rows
 * costs rows·n² instead of the ~n³ of forming it (see applyQ).
 */
export interface HouseholderTridiagonal {
  diagonal: Float64Array;
  /** offDiagonal[i] couples i-1 and i; offDiagonal[0] is 0. */
  offDiagonal: Float64Array;
  /** Row k holds u_k in columns 0…k-1 (other entries are scratch). */
  vectors: Matrix;
  /** h_k; 0 means P_k = I. */
  scales: Float64Array;
}

export function* householderTridiagonalWork(a: Matrix): Work<HouseholderTridiagonal> {
  const n = a.rows;
  const { s, d, e } = yield* reduceWork(a);
  const diagonal = new Float64Array(n);
  for (let i = 0; i < n; i++) diagonal[i] = s[i * n + i]!;
  return { diagonal, offDiagonal: e, vectors: matrix(n, n, s), scales: d };
}

/** M ← M·Q (transposed = false) or M ← M·Qᵀ (transposed = true), in place; returns M. */
export function applyQ(m: Matrix, q: HouseholderTridiagonal, transposed: boolean): Matrix {
  const n = q.scales.length;
  if (m.cols !== n) throw new Error(`applyQ: ${m.rows}×${m.cols} by ${n}×${n}.`);
  // M·Q = M·P_{n-1}···P_1 applies P_{n-1} first; M·Qᵀ = M·P_1···P_{n-1} applies P_1 first.
  for (let step = 1; step < n; step++) {
    const k = transposed ? step : n - step;
    if (q.scales[k] !== 0) reflectRows(m.data, m.rows, n, q.vectors.data, k, q.scales[k]!);
  }
  return m;
}

/** Every row x of M (rows × n) becomes x − (x·u_k / h_k)·u_kᵀ. */
function reflectRows(m: Float64Array, rows: number, n: number, u: Float64Array, k: number, h: number): void {
  const uk = k * n;
  for (let r = 0; r < rows; r++) {
    const row = r * n;
    let dot = 0;
    for (let j = 0; j < k; j++) dot += m[row + j]! * u[uk + j]!;
    const f = dot / h;
    for (let j = 0; j < k; j++) m[row + j]! -= f * u[uk + j]!;
  }
}

/**
 * tred2's reduction sweep, restructured so each step reads the shrinking
 * triangle once instead of twice: step i's rank-2 update of a row is fused with
 * step i-1's matrix-vector product on the same, freshly updated row (the next
 * Householder vector is derived first from row i-1 alone). At D = 2,048 the
 * triangle outgrows the caches, so passes over memory are what cost.
 * Output as tred2 leaves it: h_k in d[k] (k ≥ 1), the off-diagonal in e, u_k in
 * row k of s (columns < k), T's diagonal on s's diagonal, s's column k zeroed
 * above the diagonal (the accumulation of Q relies on it).
 */
function* reduceWork(a: Matrix): Work<{ s: Float64Array<ArrayBuffer>; d: Float64Array<ArrayBuffer>; e: Float64Array<ArrayBuffer> }> {
  const n = a.rows;
  if (a.cols !== n) throw new Error(`tridiagonalise: expected a square matrix, got ${a.rows}×${a.cols}.`);
  const s = Float64Array.from(a.data); // upper triangle used: s[j*n+k], k ≥ j
  const hs = new Float64Array(n);
  const e = new Float64Array(n);
  if (n < 2) return { s, d: hs, e };
  const total = n * n * n;
  const source = new Float64Array(n);
  let u = new Float64Array(n);
  let q = new Float64Array(n);
  let nextU = new Float64Array(n);
  let nextQ = new Float64Array(n);
  for (let j = 0; j < n - 1; j++) source[j] = s[j * n + n - 1]!;
  let h = householderVector(source, n - 1, u, e, s, n);
  if (h !== 0) {
    symmetricProduct(s, n, n - 1, u, q);
    finishQ(q, u, h, n - 1);
  }
  for (let i = n - 1; i >= 1; i--) {
    hs[i] = h;
    let nextH = 0;
    if (i >= 2) {
      // Row i-1 after this step's update, then the next step's Householder vector from it.
      for (let j = 0; j < i - 1; j++) source[j] = s[j * n + i - 1]! - (u[j]! * q[i - 1]! + q[j]! * u[i - 1]!);
      nextH = householderVector(source, i - 1, nextU, e, s, n);
      nextQ.fill(0, 0, i - 1);
      fusedStep(s, n, i, u, q, h !== 0, nextU, nextQ, nextH !== 0);
      if (nextH !== 0) finishQ(nextQ, nextU, nextH, i - 1);
    }
    if (h !== 0) s[(i - 1) * n + i - 1]! -= 2 * u[i - 1]! * q[i - 1]!;
    s[(i - 1) * n + i] = 0;
    [u, nextU] = [nextU, u];
    [q, nextQ] = [nextQ, q];
    h = nextH;
    yield (total - i * i * i) / total;
  }
  e[0] = 0;
  return { s, d: hs, e };
}

/** The Householder vector of step i from row i's first i entries: u into `u` and row i of s, e[i]; returns h (0: no reflection). */
function householderVector(source: Float64Array, i: number, u: Float64Array, e: Float64Array, s: Float64Array, n: number): number {
  let scale = 0;
  for (let k = 0; k < i; k++) scale += Math.abs(source[k]!);
  if (scale === 0) {
    e[i] = source[i - 1]!;
    u.fill(0, 0, i);
    s.fill(0, i * n, i * n + i);
    return 0;
  }
  let h = 0;
  for (let k = 0; k < i; k++) {
    const x = source[k]! / scale;
    u[k] = x;
    h += x * x;
  }
  const f = u[i - 1]!;
  let g = Math.sqrt(h);
  if (f > 0) g = -g;
  e[i] = scale * g;
  h -= f * g;
  u[i - 1] = f - g;
  s.set(u.subarray(0, i), i * n);
  return h;
}

/** p = B·u for the leading m × m block B (upper triangle stored). */
function symmetricProduct(s: Float64Array, n: number, m: number, u: Float64Array, p: Float64Array): void {
  p.fill(0, 0, m);
  for (let j = 0; j < m; j++) {
    const row = j * n;
    const uj = u[j]!;
    let g = 0;
    for (let k = j; k < m; k++) {
      const v = s[row + k]!;
      g += v * u[k]!;
      p[k]! += v * uj;
    }
    p[j]! += g - s[row + j]! * uj; // the diagonal was counted twice
  }
}

/** p → q = p/h − (uᵀp / 2h²)·u over the first m entries. */
function finishQ(p: Float64Array, u: Float64Array, h: number, m: number): void {
  let f = 0;
  for (let j = 0; j < m; j++) {
    p[j]! /= h;
    f += p[j]! * u[j]!;
  }
  const hh = f / (h + h);
  for (let j = 0; j < m; j++) p[j]! -= hh * u[j]!;
}

/**
 * Rows j < i-1: the rank-2 update A −= u·qᵀ + q·uᵀ of step i on columns j…i-1,
 * column i cleared, and step i-1's product p += B·u' on columns j…i-2 of the
 * updated row, in one pass.
 */
function fusedStep(
  s: Float64Array, n: number, i: number,
  u: Float64Array, q: Float64Array, update: boolean,
  nu: Float64Array, np: Float64Array, product: boolean,
): void {
  const qi = q[i - 1]!;
  const ui = u[i - 1]!;
  for (let j = 0; j < i - 1; j++) {
    const row = j * n;
    const uj = update ? u[j]! : 0;
    const qj = update ? q[j]! : 0;
    if (product) {
      const nuj = nu[j]!;
      let v = s[row + j]! - 2 * uj * q[j]!;
      s[row + j] = v;
      let g = v * nuj;
      for (let k = j + 1; k < i - 1; k++) {
        v = s[row + k]! - (uj * q[k]! + qj * u[k]!);
        s[row + k] = v;
        g += v * nu[k]!;
        np[k]! += v * nuj;
      }
      np[j]! += g;
    } else if (update) {
      for (let k = j; k < i - 1; k++) s[row + k]! -= uj * q[k]! + qj * u[k]!;
    }
    s[row + i - 1]! -= uj * qi + qj * ui;
    s[row + i] = 0;
  }
}

/** Folds Householder vector i+1 into the accumulated Q. */
function accumulateStep(s: Float64Array, d: Float64Array, n: number, i: number): void {
  s[i * n + n - 1] = s[i * n + i]!;
  s[i * n + i] = 1;
  const h = d[i + 1]!;
  const next = (i + 1) * n;
  if (h !== 0) {
    for (let k = 0; k <= i; k++) d[k] = s[next + k]! / h;
    for (let j = 0; j <= i; j++) {
      const row = j * n;
      let g = 0;
      for (let k = 0; k <= i; k++) g += s[next + k]! * s[row + k]!;
      for (let k = 0; k <= i; k++) s[row + k]! -= g * d[k]!;
    }
  }
  for (let k = 0; k <= i; k++) s[next + k] = 0;
}

export const tridiagonalise = (a: Matrix): Tridiagonal => runSync(tridiagonaliseWork(a));
