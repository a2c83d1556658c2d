/**
 * The Gram matrix XᵀX with the WebAssembly SIMD kernel gramStripe of
 * compute/simd/kernels.wat: about 7× the JavaScript kernel of gram.ts. Callers fall
 * back to gram.ts where WebAssembly SIMD is missing (hasWasmSimd).
 * Pure TypeScript + WebAssembly: no DOM, no tfjs.
 */
import { SimdWorkspace } from '../simd/simd-kernels.ts';
import { matrix, type Matrix, type Work } from './matrix.ts';

/**
 * XᵀX like gramWork, with a WebAssembly SIMD kernel (about 7× the JS kernel):
 * products and the per-panel sums run in float32 lanes (≈1e-7 relative error;
 * exact inputs, since features are float32), and every panel's sums are added
 * into a float64 accumulator. Throws where WebAssembly SIMD is unavailable.
 */
export function* gramWasmWork(x: ArrayLike<number>, rows: number, cols: number, rowScale?: ArrayLike<number>, R = 256): Work<Matrix> {
  const workspace = SimdWorkspace.create();
  if (!workspace) throw new Error('gram: WebAssembly SIMD is not available here.');
  const padded = cols + ((4 - (cols % 4)) % 4);
  // Both regions before either view: allocating can grow (and detach) the memory. A new workspace is zeroed.
  const accRegion = workspace.alloc(2 * padded * padded);
  const panelRegion = workspace.alloc(padded * R);
  const acc = workspace.view64(accRegion, padded * padded);
  const panel = workspace.view(panelRegion, padded * R);
  for (let r0 = 0; r0 < rows; r0 += R) {
    const n = Math.min(R, rows - r0);
    if (n < R) panel.fill(0);
    packPanel32(x, rowScale, panel, r0, n, cols, R);
    for (let i = 0; i < padded; i += 4) {
      workspace.gramStripe(panelRegion, accRegion, padded, R, i);
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
export const hasWasmSimd = (): boolean => SimdWorkspace.available();
