/**
 * Dense float64 linear algebra for the closed-form methods (ESZSL, SAE): Gram
 * matrices, products, Cholesky, symmetric tridiagonalisation and eigen-solving,
 * and a Sylvester solver for symmetric coefficients. Matrices are row-major.
 * Long kernels are generators that yield their fraction done, so one body serves
 * both a blocking call (tests) and a sliced async call that reports progress and
 * honours an AbortSignal (the worker). The Gram matrix, the cost centre at real
 * size, also has a hand-assembled WebAssembly SIMD kernel (no toolchain, no
 * fetch; plain JS where WebAssembly SIMD is missing).
 * Pure TypeScript + WebAssembly: no DOM, no tfjs.
 */
import { throwIfAborted } from './errors.ts';

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

/**
 * XᵀX for X (rows × cols, row-major, float32 or float64), exactly in float64.
 * This is the cost centre of the closed forms: rows·cols²/2 multiply-adds.
 * Rows are packed in panels, transposed so every column is contiguous, and a 4×2
 * register-blocked kernel fills the upper triangle, mirrored at the end.
 */
export function* gramWork(
  x: ArrayLike<number>,
  rows: number,
  cols: number,
  /** Optional per-row factors applied first (e.g. 1/‖row‖ for L2-normalised rows), without copying X. */
  rowScale?: ArrayLike<number>,
  panelRows = 256,
): Work<Matrix> {
  if (x.length !== rows * cols) throw new Error(`gram: expected ${rows * cols} values, got ${x.length}.`);
  const out = matrix(cols, cols);
  const c = out.data;
  const padded = cols + (4 - (cols % 4)) % 4; // kernel steps of 4 columns; padding columns stay 0
  const acc = new Float64Array(padded * padded);
  const panel = new Float64Array(padded * panelRows);
  for (let r0 = 0; r0 < rows; r0 += panelRows) {
    const n = Math.min(panelRows, rows - r0);
    const R = panelRows;
    packPanel(x, rowScale, panel, r0, n, cols, R);
    for (let i = 0; i < padded; i += 4) {
      gramStripe(panel, acc, padded, R, n, i);
      yield (r0 + (n * (i + 4)) / padded) / rows;
    }
  }
  // The 4×2 tiles also wrote a few entries just below the diagonal; only i ≤ j is read back.
  for (let i = 0; i < cols; i++) {
    for (let j = i; j < cols; j++) {
      const v = acc[i * padded + j]!;
      c[i * cols + j] = v;
      c[j * cols + i] = v;
    }
  }
  return out;
}

/**
 * Rows i…i+3 of the upper triangle of one panel's contribution, in 4×2 register
 * tiles. Hot loops live in plain functions: V8 optimises them far better than
 * code inside a generator, whose locals live in the suspended frame.
 */
/** Rows r0…r0+n-1 of X, scaled, transposed into the panel (column i contiguous at i·R). */
function packPanel(x: ArrayLike<number>, rowScale: ArrayLike<number> | undefined, panel: Float64Array, r0: number, n: number, cols: number, R: number): void {
  for (let r = 0; r < n; r++) {
    const base = (r0 + r) * cols;
    const f = rowScale ? rowScale[r0 + r]! : 1;
    for (let i = 0; i < cols; i++) panel[i * R + r] = f * x[base + i]!;
  }
}

function gramStripe(panel: Float64Array, acc: Float64Array, padded: number, R: number, n: number, i: number): void {
  const a0 = i * R, a1 = a0 + R, a2 = a1 + R, a3 = a2 + R;
  for (let j = i; j < padded; j += 2) {
    const b0 = j * R, b1 = b0 + R;
    let c00 = 0, c01 = 0, c10 = 0, c11 = 0, c20 = 0, c21 = 0, c30 = 0, c31 = 0;
    for (let k = 0; k < n; k++) {
      const y0 = panel[b0 + k]!, y1 = panel[b1 + k]!;
      let v = panel[a0 + k]!;
      c00 += v * y0; c01 += v * y1;
      v = panel[a1 + k]!;
      c10 += v * y0; c11 += v * y1;
      v = panel[a2 + k]!;
      c20 += v * y0; c21 += v * y1;
      v = panel[a3 + k]!;
      c30 += v * y0; c31 += v * y1;
    }
    let o = i * padded + j;
    acc[o]! += c00; acc[o + 1]! += c01; o += padded;
    acc[o]! += c10; acc[o + 1]! += c11; o += padded;
    acc[o]! += c20; acc[o + 1]! += c21; o += padded;
    acc[o]! += c30; acc[o + 1]! += c31;
  }
}

export const gram = (x: ArrayLike<number>, rows: number, cols: number): Matrix => runSync(gramWork(x, rows, cols));

// A hand-assembled WebAssembly module (no toolchain, no fetch): LEB128 helpers and sections.
const leb = (value: number): number[] => {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
};
const sleb = (value: number): number[] => {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
};
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const name = (s: string) => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/** The kernel: stripe(panel, acc, padded, R, i) adds rows i…i+3 × columns j ≥ i (4×2 tiles) of one panel. */
function gramKernelBytes(): Uint8Array<ArrayBuffer> {
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const tee = (i: number) => [0x22, i];
  const i32 = (v: number) => [0x41, ...sleb(v)];
  const add = 0x6a, mul = 0x6c, shl = 0x74, geU = 0x4f, ltU = 0x49;
  const v128load = [0xfd, 0x00, 4, 0];
  const f32x4add = [0xfd, 0xe4, 0x01];
  const f32x4mul = [0xfd, 0xe6, 0x01];
  const lane = (l: number) => [0xfd, 0x1f, l];
  const [PANEL, ACC, PADDED, R, I] = [0, 1, 2, 3, 4];
  const [A0, B0, B1, J, K, ROW, O, STRIDE] = [5, 9, 10, 11, 12, 13, 14, 15];
  const C = (r: number, c: number) => 16 + r * 2 + c;
  const [Y0, Y1, V] = [24, 25, 26];
  const code: number[] = [
    ...get(R), ...i32(2), shl, ...set(ROW),
    ...get(PADDED), ...i32(3), shl, ...set(STRIDE),
    ...get(PANEL), ...get(I), ...get(ROW), mul, add, ...set(A0),
    ...get(A0), ...get(ROW), add, ...set(A0 + 1),
    ...get(A0 + 1), ...get(ROW), add, ...set(A0 + 2),
    ...get(A0 + 2), ...get(ROW), add, ...set(A0 + 3),
    ...get(I), ...set(J),
    0x02, 0x40, // block
    0x03, 0x40, // loop over j
    ...get(J), ...get(PADDED), geU, 0x0d, 1,
    ...get(PANEL), ...get(J), ...get(ROW), mul, add, ...set(B0),
    ...get(B0), ...get(ROW), add, ...set(B1),
  ];
  for (let r = 0; r < 4; r++) for (let c = 0; c < 2; c++) code.push(0xfd, 0x0c, ...new Array(16).fill(0), ...set(C(r, c)));
  code.push(...i32(0), ...set(K), 0x03, 0x40); // loop over k
  code.push(...get(B0), ...get(K), add, ...v128load, ...set(Y0));
  code.push(...get(B1), ...get(K), add, ...v128load, ...set(Y1));
  for (let r = 0; r < 4; r++) {
    code.push(...get(A0 + r), ...get(K), add, ...v128load, ...set(V));
    for (let c = 0; c < 2; c++) code.push(...get(C(r, c)), ...get(V), ...get(c === 0 ? Y0 : Y1), ...f32x4mul, ...f32x4add, ...set(C(r, c)));
  }
  code.push(...get(K), ...i32(16), add, ...tee(K), ...get(ROW), ltU, 0x0d, 0, 0x0b); // end k loop
  // o = acc + (i·padded + j)·8; acc[o + c·8] += Σ lanes, row by row.
  code.push(...get(ACC), ...get(I), ...get(PADDED), mul, ...get(J), add, ...i32(3), shl, add, ...set(O));
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 2; c++) {
      const x = C(r, c);
      code.push(...get(O), ...get(O), 0x2b, 3, c * 8);
      code.push(...get(x), ...lane(0), ...get(x), ...lane(1), 0x92, ...get(x), ...lane(2), 0x92, ...get(x), ...lane(3), 0x92, 0xbb, 0xa0);
      code.push(0x39, 3, c * 8);
    }
    code.push(...get(O), ...get(STRIDE), add, ...set(O));
  }
  code.push(...get(J), ...i32(2), add, ...set(J), 0x0c, 0, 0x0b, 0x0b); // j += 2; br loop; end loop; end block
  code.push(0x0b); // end function
  const body = [2, 11, 0x7f, 11, 0x7b, ...code];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 1]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('stripe'), 0x00, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

let compiled: WebAssembly.Module | null | undefined; // undefined: not tried yet

/** The compiled kernel, or null where WebAssembly SIMD is unavailable. */
function gramKernel(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const bytes = gramKernelBytes();
      compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/**
 * XᵀX like gramWork, with a WebAssembly SIMD kernel (about 7× the JS kernel):
 * products and the per-panel sums run in float32 lanes (≈1e-7 relative error;
 * exact inputs, since features are float32), and every panel's sums are added
 * into a float64 accumulator. Throws where WebAssembly SIMD is unavailable.
 */
export function* gramWasmWork(x: ArrayLike<number>, rows: number, cols: number, rowScale?: ArrayLike<number>, R = 256): Work<Matrix> {
  const kernel = gramKernel();
  if (!kernel) throw new Error('gram: WebAssembly SIMD is not available here.');
  const padded = cols + ((4 - (cols % 4)) % 4);
  const panelBytes = padded * R * 4;
  const accBytes = padded * padded * 8;
  const memory = new WebAssembly.Memory({ initial: Math.ceil((panelBytes + accBytes) / 65536) + 1 });
  const stripe = new WebAssembly.Instance(kernel, { env: { memory } }).exports.stripe as (p: number, a: number, padded: number, r: number, i: number) => void;
  const accPtr = 0;
  const panelPtr = accBytes;
  const panel = new Float32Array(memory.buffer, panelPtr, padded * R);
  const acc = new Float64Array(memory.buffer, accPtr, padded * padded);
  for (let r0 = 0; r0 < rows; r0 += R) {
    const n = Math.min(R, rows - r0);
    if (n < R) panel.fill(0);
    packPanel32(x, rowScale, panel, r0, n, cols, R);
    for (let i = 0; i < padded; i += 4) {
      stripe(panelPtr, accPtr, padded, R, i);
      if ((i & 63) === 60) yield (r0 + (n * (i + 4)) / padded) / rows;
    }
  }
  const out = matrix(cols, cols);
  for (let i = 0; i < cols; i++) {
    for (let j = i; j < cols; j++) {
      const v = acc[i * padded + j]!;
      out.data[i * cols + j] = v;
      out.data[j * cols + i] = v;
    }
  }
  return out;
}

function packPanel32(x: ArrayLike<number>, rowScale: ArrayLike<number> | undefined, panel: Float32Array, r0: number, n: number, cols: number, R: number): void {
  for (let r = 0; r < n; r++) {
    const base = (r0 + r) * cols;
    const f = rowScale ? rowScale[r0 + r]! : 1;
    for (let i = 0; i < cols; i++) panel[i * R + r] = f * x[base + i]!;
  }
}

/** Whether gramWasmWork can run here. */
export const hasWasmSimd = (): boolean => gramKernel() !== null;

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

export interface Eigen {
  /** Ascending. */
  values: Float64Array;
  /** Row i is the unit eigenvector of values[i] (so A = vectorsᵀ·diag(values)·vectors). */
  vectors: Matrix;
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

/** Maps a sub-computation's fractions into [from, to] of the caller's. */
function* scaled<T>(work: Work<T>, from: number, to: number): Work<T> {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
    yield from + (to - from) * step.value;
  }
}
