/**
 * Dense float64 matrices for the closed-form methods (ESZSL, SAE), row-major,
 * their basic products, and how long kernels run: as generators that yield their
 * fraction done, so one body serves both a blocking call (tests) and a sliced
 * async call that reports progress and honours an AbortSignal (the worker).
 * Pure TypeScript: no DOM, no tfjs.
 */
import { throwIfAborted } from '../../errors.ts';

export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** A long computation: yields fractions done (0…1), returns its result. */
export type Work<T> = Generator<number, T, void>;

export interface WorkHooks {
  onProgress?(fraction: number): void;
  signal?: AbortSignal;
  /** Milliseconds of computing between yields to the event loop. */
  sliceMs?: number;
}

export function matrix(rows: number, cols: number, data = new Float64Array(rows * cols)): Matrix {
  if (data.length !== rows * cols) throw new Error(`matrix: expected ${rows * cols} values, got ${data.length}.`);
  return { rows, cols, data };
}

export function fromArray(rows: number, cols: number, values: ArrayLike<number>): Matrix {
  return matrix(rows, cols, Float64Array.from(values));
}

export function identity(n: number, scale = 1): Matrix {
  const out = matrix(n, n);
  for (let i = 0; i < n; i++) out.data[i * n + i] = scale;
  return out;
}

export function transpose(a: Matrix): Matrix {
  const out = matrix(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out.data[j * a.rows + i] = a.data[i * a.cols + j]!;
  return out;
}

/** A + s·I in place (A square); returns A. */
export function addToDiagonal(a: Matrix, s: number): Matrix {
  for (let i = 0; i < a.rows; i++) a.data[i * a.cols + i]! += s;
  return a;
}

/** A·B (i-k-j order: the inner loop streams rows of B and C). */
export function multiply(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new Error(`multiply: ${a.rows}×${a.cols} by ${b.rows}×${b.cols}.`);
  const { rows: m, cols: k } = a;
  const n = b.cols;
  const out = matrix(m, n);
  const c = out.data;
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a.data[i * k + p]!;
      if (aip === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j]! += aip * b.data[bp + j]!;
    }
  }
  return out;
}

/** A·Bᵀ (dot products of rows: both operands stream contiguously). */
export function multiplyTransposed(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.cols) throw new Error(`multiplyTransposed: ${a.rows}×${a.cols} by (${b.rows}×${b.cols})ᵀ.`);
  const k = a.cols;
  const out = matrix(a.rows, b.rows);
  for (let i = 0; i < a.rows; i++) {
    const ai = i * k;
    for (let j = 0; j < b.rows; j++) {
      const bj = j * k;
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a.data[ai + p]! * b.data[bj + p]!;
      out.data[i * b.rows + j] = sum;
    }
  }
  return out;
}

/** Runs a work generator to completion without yielding to the event loop. */
export function runSync<T>(work: Work<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Runs a work generator in time slices, reporting progress and checking the signal between slices. */
export async function runAsync<T>(work: Work<T>, hooks: WorkHooks = {}): Promise<T> {
  const slice = hooks.sliceMs ?? 50;
  let last = performance.now();
  throwIfAborted(hooks.signal);
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
    if (performance.now() - last >= slice) {
      hooks.onProgress?.(step.value);
      await macrotask();
      throwIfAborted(hooks.signal);
      last = performance.now();
    }
  }
}


/** Maps a sub-computation's fractions into [from, to] of the caller's. */
export function* scaled<T>(work: Work<T>, from: number, to: number): Work<T> {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
    yield from + (to - from) * step.value;
  }
}
