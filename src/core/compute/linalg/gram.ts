/**
 * The Gram matrix XᵀX, the cost centre of the closed forms at real size, in
 * plain JavaScript, exactly in float64 (gram-wasm.ts has the SIMD kernel).
 * Pure TypeScript: no DOM, no tfjs.
 */
import { matrix, runSync, type Matrix, type Work } from './matrix.ts';

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
