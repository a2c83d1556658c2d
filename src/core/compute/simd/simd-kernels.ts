/**
 * The SIMD kernels of kernels.wat and the memory they work in: a workspace is one
 * instance of the module with its own linear memory, carved into regions. The CPU
 * backends use it for the two passes over every parameter that a training step
 * makes outside the matrix products (the AdamW update; the transpose that lets
 * XNNPACK multiply by a freshly updated kernel without re-packing it), and the
 * closed forms for their Gram matrix (linalg/gram-wasm.ts).
 * Null where WebAssembly SIMD is missing; callers then keep their JavaScript loops.
 * No DOM, no tfjs.
 */
import { KERNELS_WASM_BASE64 } from './kernels-wasm.ts';

interface KernelExports {
  memory: WebAssembly.Memory;
  adamw(
    p: number, g: number, m: number, v: number, out: number, n: number,
    decay: number, step: number, invRoot2: number, beta1: number, beta2: number, beta1c: number, beta2c: number, epsilon: number, clip: number,
  ): void;
  transpose(src: number, dst: number, rows: number, cols: number): void;
  gramStripe(panel: number, acc: number, padded: number, R: number, i: number): void;
  mlpHidden(x: number, A: number, w: number, bias: number, mask: number, h: number, K: number, B: number): void;
  mlpNonzero(h: number, K: number, B: number, idx: number, count: number): void;
  mlpOutput(
    h: number, idx: number, count: number, K: number, B: number, w: number, bias: number, target: number, N: number,
    dh: number, grad: number, m: number, v: number, mb: number, vb: number, scale: number, ...adam: AdamWArgs
  ): number;
  mlpHiddenBackward(
    x: number, A: number, w: number, bias: number, mask: number, idx: number, count: number, dh: number, dpre: number,
    K: number, B: number, grad: number, m: number, v: number, mb: number, vb: number, ...adam: AdamWArgs
  ): void;
}

/** AdamWStep's coefficients in the kernels' argument order. */
type AdamWArgs = [decay: number, step: number, invRoot2: number, beta1: number, beta2: number, beta1c: number, beta2c: number, epsilon: number, clip: number];

/** 1 - β is taken here, in float64: in float32 lanes 1 - 0.999 is off by 1e-5 relative. */
const adamArgs = (c: AdamWStep): AdamWArgs => [c.decay, c.step, c.invRoot2, c.beta1, c.beta2, 1 - c.beta1, 1 - c.beta2, c.epsilon, c.clip];

/** A layer's weights, moments and biases in a workspace, as the MLP kernels take them. */
export interface SimdLayer {
  /** The kernel in panels of 32 output columns (inputs × 32 values each). */
  w: SimdRegion;
  bias: SimdRegion;
  m: SimdRegion;
  v: SimdRegion;
  mb: SimdRegion;
  vb: SimdRegion;
}

/** The regions one MLP step works in (see kernels.wat, "The seed method's training step"). */
export interface SimdMlpStep {
  /** B × A dropped-out inputs; B × K hidden mask, values and non-zero lists; B × N targets. */
  x: SimdRegion;
  mask: SimdRegion;
  h: SimdRegion;
  idx: SimdRegion;
  count: SimdRegion;
  target: SimdRegion;
  /** B × K float32x4 partial sums of the hidden gradient (kept at zero between steps); B × K its reduction. */
  dh: SimdRegion;
  dpre: SimdRegion;
  /** Scratch for one panel's gradient and its biases'. */
  grad: SimdRegion;
}

/** A run of float32 values in a workspace (its length padded to a multiple of 4). */
export interface SimdRegion {
  readonly offset: number;
  readonly length: number;
}

/** The coefficients of one AdamW step, as the kernel takes them. */
export interface AdamWStep {
  /** 1 - lr · weight decay. */
  decay: number;
  /** lr / (1 - β1^t). */
  step: number;
  /** 1 / sqrt(1 - β2^t). */
  invRoot2: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  clip: number;
}

let compiled: WebAssembly.Module | null | undefined;

function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const bytes = Uint8Array.from(atob(KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));
      // Small enough (about 1 KB) to compile synchronously on any thread.
      compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

const PAGE = 65536;

export class SimdWorkspace {
  private top = 0;

  private constructor(private readonly kernels: KernelExports) {}

  /** Whether this engine runs WebAssembly SIMD (create then returns a workspace). */
  static available(): boolean {
    return kernelModule() !== null;
  }

  /** A workspace, or null where this engine has no WebAssembly SIMD. */
  static create(): SimdWorkspace | null {
    const module = kernelModule();
    if (!module) return null;
    return new SimdWorkspace(new WebAssembly.Instance(module, {}).exports as unknown as KernelExports);
  }

  /** Room for n float32 values, 16-byte aligned; the memory grows as needed (earlier views then go stale). */
  alloc(n: number): SimdRegion {
    const length = (n + 3) & ~3;
    const region = { offset: this.top, length };
    this.top += length * 4;
    const pages = Math.ceil(this.top / PAGE) - this.kernels.memory.buffer.byteLength / PAGE;
    if (pages > 0) this.kernels.memory.grow(pages);
    return region;
  }

  /** Where the next region will start: `release(mark())` frees every region allocated since. */
  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  /** The first n values of a region, as a view that is valid until the next alloc. */
  view(region: SimdRegion, n = region.length): Float32Array {
    return new Float32Array(this.kernels.memory.buffer, region.offset, n);
  }

  /** A region (allocated for 2n float32 values) read as n float64 values. */
  view64(region: SimdRegion, n = region.length / 2): Float64Array {
    return new Float64Array(this.kernels.memory.buffer, region.offset, n);
  }

  /** One AdamW step over n values: m and v are updated in place, the new parameters go to out. */
  adamw(p: SimdRegion, g: SimdRegion, m: SimdRegion, v: SimdRegion, out: SimdRegion, n: number, c: AdamWStep): void {
    this.kernels.adamw(p.offset, g.offset, m.offset, v.offset, out.offset, n, ...adamArgs(c));
  }

  /**
   * One training step of the two-layer MLP of kernels.wat, on a batch of B rows
   * whose inputs, hidden mask and targets are already in `step`: updates both
   * layers in place and returns the batch's summed squared error.
   * A inputs, K hidden and N outputs (K and N multiples of 32), scale = 2 / (B · real N).
   */
  mlpStep(hidden: SimdLayer, out: SimdLayer, s: SimdMlpStep, A: number, K: number, N: number, B: number, scale: number, c: AdamWStep): number {
    const k = this.kernels;
    const adam = adamArgs(c);
    k.mlpHidden(s.x.offset, A, hidden.w.offset, hidden.bias.offset, s.mask.offset, s.h.offset, K, B);
    k.mlpNonzero(s.h.offset, K, B, s.idx.offset, s.count.offset);
    const sse = k.mlpOutput(
      s.h.offset, s.idx.offset, s.count.offset, K, B, out.w.offset, out.bias.offset, s.target.offset, N,
      s.dh.offset, s.grad.offset, out.m.offset, out.v.offset, out.mb.offset, out.vb.offset, scale, ...adam,
    );
    k.mlpHiddenBackward(
      s.x.offset, A, hidden.w.offset, hidden.bias.offset, s.mask.offset, s.idx.offset, s.count.offset, s.dh.offset, s.dpre.offset,
      K, B, s.grad.offset, hidden.m.offset, hidden.v.offset, hidden.mb.offset, hidden.vb.offset, ...adam,
    );
    return sse;
  }

  /** dst (cols × rows) = src (rows × cols) transposed, both row-major. */
  transpose(src: SimdRegion, dst: SimdRegion, rows: number, cols: number): void {
    this.kernels.transpose(src.offset, dst.offset, rows, cols);
  }

  /**
   * Adds rows i … i+3 × columns j ≥ i of one panel's XᵀX (panel: padded features × R
   * samples, by feature) into acc (padded × padded float64, from view64).
   */
  gramStripe(panel: SimdRegion, acc: SimdRegion, padded: number, R: number, i: number): void {
    this.kernels.gramStripe(panel.offset, acc.offset, padded, R, i);
  }
}

let scratch: SimdWorkspace | null | undefined;

/**
 * values (rows × cols) transposed, as a view into a shared scratch workspace that
 * the next call overwrites (copy it, or hand it to something that copies); null
 * where there is no SIMD.
 */
export function transposeInScratch(values: Float32Array, rows: number, cols: number): Float32Array | null {
  if (scratch === undefined) scratch = SimdWorkspace.create();
  if (!scratch) return null;
  scratch.release(0);
  const src = scratch.alloc(values.length);
  const dst = scratch.alloc(values.length);
  scratch.view(src, values.length).set(values);
  scratch.transpose(src, dst, rows, cols);
  return scratch.view(dst, values.length);
}
