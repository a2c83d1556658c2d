/** Float64 linear algebra checked against naive independent computations. */
import { describe, expect, it } from 'vitest';
import { cholesky, choleskySolve } from '../../src/core/compute/linalg/cholesky.ts';
import { symmetricEigen, symmetricEigenWork } from '../../src/core/compute/linalg/eigen.ts';
import { gram } from '../../src/core/compute/linalg/gram.ts';
import { gramWasmWork, hasWasmSimd } from '../../src/core/compute/linalg/gram-wasm.ts';
import { fromArray, identity, matrix, type Matrix, multiply, multiplyTransposed, runAsync, runSync, transpose } from '../../src/core/compute/linalg/matrix.ts';
import { solveSylvester } from '../../src/core/compute/linalg/sylvester.ts';
import { applyQ, householderTridiagonalWork, tridiagonalise } from '../../src/core/compute/linalg/tridiagonal.ts';
import { createRng } from '../../src/core/compute/rng.ts';

const rng = createRng(42);
const random = (rows: number, cols: number) => fromArray(rows, cols, Array.from({ length: rows * cols }, () => rng.normal()));
const symmetric = (n: number) => {
  const a = random(n, n);
  const out = matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.data[i * n + j] = a.data[i * n + j]! + a.data[j * n + i]!;
  return out;
};
const maxAbsDiff = (a: Matrix, b: Matrix) => a.data.reduce((m, v, i) => Math.max(m, Math.abs(v - b.data[i]!)), 0);
const naiveMultiply = (a: Matrix, b: Matrix) => {
  const out = matrix(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < b.cols; j++) {
    let s = 0;
    for (let k = 0; k < a.cols; k++) s += a.data[i * a.cols + k]! * b.data[k * b.cols + j]!;
    out.data[i * b.cols + j] = s;
  }
  return out;
};

describe('products', () => {
  it('multiply, multiplyTransposed and gram agree with the naive triple loop', () => {
    const a = random(7, 5);
    const b = random(5, 6);
    expect(maxAbsDiff(multiply(a, b), naiveMultiply(a, b))).toBeLessThan(1e-12);
    expect(maxAbsDiff(multiplyTransposed(a, transpose(b)), naiveMultiply(a, b))).toBeLessThan(1e-12);
    for (const [rows, cols] of [[9, 5], [300, 7], [3, 8], [1, 1]] as const) {
      const x = random(rows, cols);
      expect(maxAbsDiff(gram(x.data, rows, cols), naiveMultiply(transpose(x), x))).toBeLessThan(1e-9);
    }
  });
});

describe('gram with the WebAssembly SIMD kernel', () => {
  it.runIf(hasWasmSimd())('matches the float64 Gram to float32 precision, with and without row scales', () => {
    for (const [rows, cols] of [[9, 5], [300, 7], [600, 33], [1, 1]] as const) {
      const x = Float32Array.from({ length: rows * cols }, () => rng.normal());
      const scale = Float64Array.from({ length: rows }, () => 0.5 + rng.next());
      const scaled = Float64Array.from(x, (v, i) => Math.fround(v * scale[Math.floor(i / cols)]!));
      for (const [input, rowScale] of [[x, undefined], [scaled, scale]] as const) {
        const expected = naiveMultiply(transpose(fromArray(rows, cols, input)), fromArray(rows, cols, input));
        const actual = runSync(gramWasmWork(x, rows, cols, rowScale));
        const size = Math.max(...expected.data.map(Math.abs));
        expect(maxAbsDiff(actual, expected) / size).toBeLessThan(1e-5);
      }
    }
  });
});

describe('cholesky', () => {
  it('factors an SPD matrix and solves with it', () => {
    const n = 37; // not a multiple of the 4-column blocks
    const x = random(50, n);
    const a = gram(x.data, 50, n);
    const l = cholesky(a);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(l.data[i * n + j]).toBe(0);
    expect(maxAbsDiff(multiply(l, transpose(l)), a)).toBeLessThan(1e-10);
    const b = random(n, 3);
    expect(maxAbsDiff(multiply(a, choleskySolve(l, b)), b)).toBeLessThan(1e-9);
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() => cholesky(fromArray(2, 2, [1, 2, 2, 1]))).toThrow(/positive definite/);
  });
});

describe('symmetric eigen-decomposition', () => {
  for (const n of [1, 2, 5, 33]) {
    it(`satisfies A·v = λ·v with orthonormal vectors (n = ${n})`, () => {
      const a = symmetric(n);
      const { values, vectors } = symmetricEigen(a);
      for (let i = 1; i < n; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
      expect(maxAbsDiff(multiplyTransposed(vectors, vectors), identity(n))).toBeLessThan(1e-10);
      const av = multiplyTransposed(a, vectors); // column i = A·vᵢ
      for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
        expect(Math.abs(av.data[k * n + i]! - values[i]! * vectors.data[i * n + k]!)).toBeLessThan(1e-9);
      }
    });
  }

  it('handles repeated eigenvalues and an already diagonal matrix', () => {
    const { values } = symmetricEigen(fromArray(3, 3, [2, 0, 0, 0, 2, 0, 0, 0, -1]));
    expect(Array.from(values)).toEqual([-1, 2, 2]);
  });

  it('tridiagonalises with an orthogonal Q', () => {
    const n = 9;
    const a = symmetric(n);
    const { diagonal, offDiagonal, qt } = tridiagonalise(a);
    const t = matrix(n, n);
    for (let i = 0; i < n; i++) {
      t.data[i * n + i] = diagonal[i]!;
      if (i > 0) t.data[i * n + i - 1] = t.data[(i - 1) * n + i] = offDiagonal[i]!;
    }
    expect(maxAbsDiff(multiply(transpose(qt), multiply(t, qt)), a)).toBeLessThan(1e-10);
  });

  it('keeps Q as reflectors that apply like the explicit Q', () => {
    for (const n of [1, 2, 6, 17]) {
      const a = symmetric(n);
      const explicit = tridiagonalise(a);
      const reflectors = runSync(householderTridiagonalWork(a));
      expect(Array.from(reflectors.diagonal).map((v, i) => v - explicit.diagonal[i]!).every((v) => Math.abs(v) < 1e-12)).toBe(true);
      expect(Array.from(reflectors.offDiagonal)).toEqual(Array.from(explicit.offDiagonal));
      const m = random(3, n);
      expect(maxAbsDiff(applyQ(fromArray(3, n, m.data), reflectors, false), multiply(m, transpose(explicit.qt)))).toBeLessThan(1e-12);
      expect(maxAbsDiff(applyQ(fromArray(3, n, m.data), reflectors, true), multiply(m, explicit.qt))).toBeLessThan(1e-12);
    }
  });

  it('reports progress and stops on abort when run asynchronously', async () => {
    const a = symmetric(40);
    const fractions: number[] = [];
    const result = await runAsync(symmetricEigenWork(a), { sliceMs: 0, onProgress: (f) => fractions.push(f) });
    expect(result.values.length).toBe(40);
    expect(fractions.length).toBeGreaterThan(10);
    expect(fractions.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= fractions[i - 1]!))).toBe(true);
    const controller = new AbortController();
    controller.abort();
    await expect(runAsync(symmetricEigenWork(a), { signal: controller.signal })).rejects.toThrow(/Cancelled/);
  });
});

describe('Sylvester solver', () => {
  it('matches a Kronecker-product solve and leaves no residual', () => {
    const m = 3;
    const n = 4;
    const sa = random(m, 6);
    const sb = random(n, 8);
    const a = multiplyTransposed(sa, sa); // PSD, like S·Sᵀ
    const b = multiplyTransposed(sb, sb);
    const c = random(m, n);
    const w = solveSylvester(a, b, c);
    const residual = naiveMultiply(a, w);
    const wb = naiveMultiply(w, b);
    residual.data.forEach((v, i) => (residual.data[i] = v + wb.data[i]! - c.data[i]!));
    expect(Math.max(...residual.data.map(Math.abs))).toBeLessThan(1e-9);
    // vec(A·W + W·B) = (I⊗A + Bᵀ⊗I)·vec(W), vec stacking columns; solve by Gauss-Jordan.
    const size = m * n;
    const k = matrix(size, size);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      const row = j * m + i;
      for (let p = 0; p < m; p++) k.data[row * size + j * m + p]! += a.data[i * m + p]!;
      for (let q = 0; q < n; q++) k.data[row * size + q * m + i]! += b.data[q * n + j]!;
    }
    const rhs = Array.from({ length: size }, (_, r) => c.data[(r % m) * n + Math.floor(r / m)]!);
    const vec = gaussJordanSolve(k, rhs);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(w.data[i * n + j]).toBeCloseTo(vec[j * m + i]!, 9);
  });
});

function gaussJordanSolve(a: Matrix, b: number[]): number[] {
  const n = a.rows;
  const m = Array.from({ length: n }, (_, i) => [...a.data.slice(i * n, (i + 1) * n), b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]![col]!;
    for (let c = 0; c <= n; c++) m[col]![c]! /= p;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]!;
      for (let c = 0; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  return m.map((row) => row[n]!);
}
