/**
 * The Sylvester equation A·W + W·B = C for symmetric A and B: SAE's closed form.
 * Pure TypeScript: no DOM, no tfjs.
 */
import { symmetricEigen } from './eigen.ts';
import { multiply, runSync, scaled, transpose, type Matrix, type Work } from './matrix.ts';
import { applyQ, householderTridiagonalWork } from './tridiagonal.ts';

/**
 * Solves A·W + W·B = C for symmetric A (m×m) and B (n×n), C m×n, by the
 * Hessenberg–Schur idea specialised to symmetric matrices: A = U·Σ·Uᵀ (full
 * eigen-decomposition, meant for the small side) and B = Q·T·Qᵀ (tridiagonal
 * only, for the large side: it skips the QL sweeps, the costliest part of a full
 * eigen-decomposition, and never forms Q: its reflectors are applied to the m
 * rows of C and W̃ directly). With W̃ = Uᵀ·W·Q every row solves (σᵢ·I + T)·w̃ᵢᵀ = c̃ᵢᵀ, a
 * tridiagonal system. Requires σᵢ·I + T non-singular for every i (true when A and
 * B are positive semi-definite and not both singular, as in SAE).
 */
export function* solveSylvesterWork(a: Matrix, b: Matrix, c: Matrix): Work<Matrix> {
  const m = a.rows;
  const n = b.rows;
  if (a.cols !== m || b.cols !== n || c.rows !== m || c.cols !== n) {
    throw new Error(`solveSylvester: A ${a.rows}×${a.cols}, B ${b.rows}×${b.cols}, C ${c.rows}×${c.cols} do not fit.`);
  }
  const eig = symmetricEigen(a);
  const tri = yield* scaled(householderTridiagonalWork(b), 0, 0.9);
  const rotated = applyQ(multiply(eig.vectors, c), tri, false); // Uᵀ·C·Q
  yield 0.95;
  const w = rotated.data;
  const diag = tri.diagonal;
  const off = tri.offDiagonal;
  const cPrime = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    const sigma = eig.values[i]!;
    const row = i * n;
    // Thomas algorithm on (σ·I + T); the system is symmetric, off[k] couples k-1 and k.
    let denom = diag[0]! + sigma;
    for (let k = 0; k < n; k++) {
      if (k > 0) denom = diag[k]! + sigma - off[k]! * cPrime[k - 1]!;
      if (denom === 0 || !Number.isFinite(denom)) throw new Error('solveSylvester: the shifted system is singular.');
      cPrime[k] = k + 1 < n ? off[k + 1]! / denom : 0;
      w[row + k] = (w[row + k]! - (k > 0 ? off[k]! * w[row + k - 1]! : 0)) / denom;
    }
    for (let k = n - 2; k >= 0; k--) w[row + k]! -= cPrime[k]! * w[row + k + 1]!;
  }
  return multiply(transpose(eig.vectors), applyQ(rotated, tri, true)); // U·W̃·Qᵀ
}

export const solveSylvester = (a: Matrix, b: Matrix, c: Matrix): Matrix => runSync(solveSylvesterWork(a, b, c));
