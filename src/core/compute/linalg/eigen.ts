/**
 * Symmetric eigen-decomposition: tridiagonalisation, then implicit QL
 * (EISPACK tql2). Pure TypeScript: no DOM, no tfjs.
 */
import { runSync, scaled, type Matrix, type Work } from './matrix.ts';
import { tridiagonaliseWork } from './tridiagonal.ts';

export interface Eigen {
  /** Ascending. */
  values: Float64Array;
  /** Row i is the unit eigenvector of values[i] (so A = vectorsᵀ·diag(values)·vectors). */
  vectors: Matrix;
}

/**
 * Symmetric eigen-decomposition: tridiagonalisation, then implicit QL with
 * Wilkinson-style shifts (EISPACK tql2) rotating the rows of Qᵀ.
 */
export function* symmetricEigenWork(a: Matrix): Work<Eigen> {
  const n = a.rows;
  const tri = yield* scaled(tridiagonaliseWork(a), 0, 0.4);
  const d = tri.diagonal;
  const e = tri.offDiagonal;
  const s = tri.qt.data;
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  if (n > 0) e[n - 1] = 0;
  const carry = { shift: 0, tst1: 0 };
  for (let l = 0; l < n; l++) {
    qlStep(d, e, s, n, l, carry);
    yield 0.4 + (0.6 * (l + 1)) / n;
  }
  // Sort ascending, moving eigenvector rows along.
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = d[i]!;
    for (let j = i + 1; j < n; j++) if (d[j]! < p) p = d[(k = j)]!;
    if (k !== i) {
      d[k] = d[i]!;
      d[i] = p;
      const row = s.slice(i * n, (i + 1) * n);
      s.copyWithin(i * n, k * n, (k + 1) * n);
      s.set(row, k * n);
    }
  }
  return { values: d, vectors: tri.qt };
}

/** One eigenvalue of tql2: implicit QL sweeps until e[l] vanishes, rotating rows of Qᵀ. */
function qlStep(d: Float64Array, e: Float64Array, s: Float64Array, n: number, l: number, carry: { shift: number; tst1: number }): void {
  const eps = 2 ** -52;
  carry.tst1 = Math.max(carry.tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
  let m = l;
  while (m < n - 1 && Math.abs(e[m]!) > eps * carry.tst1) m++;
  if (m > l) {
    let iterations = 0;
    do {
      if (++iterations > 100) throw new Error('symmetricEigen: the QL iteration did not converge (non-finite input?).');
      let g = d[l]!;
      let p = (d[l + 1]! - g) / (2 * e[l]!);
      let r = Math.hypot(p, 1);
      if (p < 0) r = -r;
      d[l] = e[l]! / (p + r);
      d[l + 1] = e[l]! * (p + r);
      const dl1 = d[l + 1]!;
      let h = g - d[l]!;
      for (let i = l + 2; i < n; i++) d[i]! -= h;
      carry.shift += h;
      p = d[m]!;
      let c = 1;
      let c2 = c;
      let c3 = c;
      const el1 = e[l + 1]!;
      let sn = 0;
      let s2 = 0;
      for (let i = m - 1; i >= l; i--) {
        c3 = c2;
        c2 = c;
        s2 = sn;
        g = c * e[i]!;
        h = c * p;
        r = Math.hypot(p, e[i]!);
        e[i + 1] = sn * r;
        sn = e[i]! / r;
        c = p / r;
        p = c * d[i]! - sn * g;
        d[i + 1] = h + sn * (c * g + sn * d[i]!);
        const ri = i * n;
        const rn = ri + n;
        for (let k = 0; k < n; k++) {
          const vh = s[rn + k]!;
          const vi = s[ri + k]!;
          s[rn + k] = sn * vi + c * vh;
          s[ri + k] = c * vi - sn * vh;
        }
      }
      p = (-sn * s2 * c3 * el1 * e[l]!) / dl1;
      e[l] = sn * p;
      d[l] = c * p;
    } while (Math.abs(e[l]!) > eps * carry.tst1);
  }
  d[l] = d[l]! + carry.shift;
  e[l] = 0;
}

export const symmetricEigen = (a: Matrix): Eigen => runSync(symmetricEigenWork(a));
