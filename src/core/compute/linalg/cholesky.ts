/**
 * Cholesky factorisation and solves for symmetric positive definite systems
 * (ESZSL's two regularised solves). Pure TypeScript: no DOM, no tfjs.
 */
import { matrix, runSync, type Matrix, type Work } from './matrix.ts';

/** Lower-triangular L with A = L·Lᵀ (A symmetric positive definite; only its lower triangle is read). */
export function* choleskyWork(a: Matrix): Work<Matrix> {
  const n = a.rows;
  if (a.cols !== n) throw new Error(`cholesky: expected a square matrix, got ${a.rows}×${a.cols}.`);
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    choleskyRow(a.data, l, n, i);
    // Row i costs ~i²/2: report progress by work done, not rows done.
    if ((i & 15) === 15) yield ((i + 1) / n) ** 3;
  }
  return matrix(n, n, l);
}

/** Row i of L: columns in blocks of four share each load of L[i][k] (left-looking). */
function choleskyRow(a: Float64Array, l: Float64Array, n: number, i: number): void {
  const li = i * n;
  let j = 0;
  for (; j + 3 < i; j += 4) {
    const l0 = j * n, l1 = l0 + n, l2 = l1 + n, l3 = l2 + n;
    let s0 = a[li + j]!, s1 = a[li + j + 1]!, s2 = a[li + j + 2]!, s3 = a[li + j + 3]!;
    for (let k = 0; k < j; k++) {
      const v = l[li + k]!;
      s0 -= v * l[l0 + k]!;
      s1 -= v * l[l1 + k]!;
      s2 -= v * l[l2 + k]!;
      s3 -= v * l[l3 + k]!;
    }
    // The 4×4 triangle of the block, in order.
    const x0 = s0 / l[l0 + j]!;
    const x1 = (s1 - x0 * l[l1 + j]!) / l[l1 + j + 1]!;
    const x2 = (s2 - x0 * l[l2 + j]! - x1 * l[l2 + j + 1]!) / l[l2 + j + 2]!;
    const x3 = (s3 - x0 * l[l3 + j]! - x1 * l[l3 + j + 1]! - x2 * l[l3 + j + 2]!) / l[l3 + j + 3]!;
    l[li + j] = x0;
    l[li + j + 1] = x1;
    l[li + j + 2] = x2;
    l[li + j + 3] = x3;
  }
  for (; j <= i; j++) {
    const lj = j * n;
    let sum = a[li + j]!;
    for (let k = 0; k < j; k++) sum -= l[li + k]! * l[lj + k]!;
    if (i === j) {
      if (!(sum > 0)) throw new Error(`cholesky: the matrix is not positive definite (pivot ${i} is ${sum}).`);
      l[li + i] = Math.sqrt(sum);
    } else {
      l[li + j] = sum / l[lj + j]!;
    }
  }
}

export const cholesky = (a: Matrix): Matrix => runSync(choleskyWork(a));

/** Solves (L·Lᵀ)·X = B for X, given the Cholesky factor L; B is n × m. */
export function choleskySolve(l: Matrix, b: Matrix): Matrix {
  const n = l.rows;
  if (b.rows !== n) throw new Error(`choleskySolve: factor is ${n}×${n}, right-hand side has ${b.rows} rows.`);
  const m = b.cols;
  const x = Float64Array.from(b.data);
  // Forward: L·Y = B, rows of Y computed in order (row axpys stream contiguously).
  for (let i = 0; i < n; i++) {
    const xi = i * m;
    for (let k = 0; k < i; k++) {
      const f = l.data[i * n + k]!;
      if (f === 0) continue;
      const xk = k * m;
      for (let j = 0; j < m; j++) x[xi + j]! -= f * x[xk + j]!;
    }
    const d = l.data[i * n + i]!;
    for (let j = 0; j < m; j++) x[xi + j]! /= d;
  }
  // Backward: Lᵀ·X = Y; row i of X needs rows k > i, and (Lᵀ)[i][k] = L[k][i].
  for (let i = n - 1; i >= 0; i--) {
    const xi = i * m;
    for (let k = i + 1; k < n; k++) {
      const f = l.data[k * n + i]!;
      if (f === 0) continue;
      const xk = k * m;
      for (let j = 0; j < m; j++) x[xi + j]! -= f * x[xk + j]!;
    }
    const d = l.data[i * n + i]!;
    for (let j = 0; j < m; j++) x[xi + j]! /= d;
  }
  return matrix(n, m, x);
}

/** Solves A·X = B for symmetric positive definite A. */
export function solveSpd(a: Matrix, b: Matrix): Matrix {
  return choleskySolve(cholesky(a), b);
}
