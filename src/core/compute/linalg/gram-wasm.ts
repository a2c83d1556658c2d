/**
 * The Gram matrix XᵀX with a hand-assembled WebAssembly SIMD kernel (no
 * toolchain, no fetch): about 7× the JavaScript kernel of gram.ts. Callers fall
 * back to gram.ts where WebAssembly SIMD is missing (hasWasmSimd).
 * Pure TypeScript + WebAssembly: no DOM, no tfjs.
 */
import { matrix, type Matrix, type Work } from './matrix.ts';

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
