/**
 * The seed method's training step as one pass of the SIMD kernels (compute/simd,
 * "The seed method's training step"), for the backends that compute on the CPU.
 *
 * Written with tfjs ops, a step on WASM is a few dozen kernels: the output layer's
 * three 64 × 1024 × 2048 products alone took 30 ms (XNNPACK, 128-bit lanes), and the
 * rest (dropout masks, element-wise passes, transposes, the update) as much again.
 * The fused step does the same arithmetic with two facts tfjs cannot use:
 * - after ReLU and dropout 0.5 about three hidden values in four are zero, so the
 *   output layer's forward pass, its weight gradient and the hidden gradient only
 *   visit the non-zero ones (the hidden gradient is not needed where ReLU or
 *   dropout zeroed the value);
 * - the output layer is walked in panels of 32 columns that stay in cache while the
 *   whole batch goes through them, forward and backward, and each panel gets its
 *   AdamW update (clipping included) before the next panel is read.
 * The weights and moments live in the kernels' memory while training; the model's
 * tfjs variables are brought up to date whenever the model is used (refresh), so
 * evaluation, checkpoints and saving see the current weights.
 * The dropout masks come from the trainer's seeded generator, so runs replay.
 * No DOM; tfjs only for the model's variables.
 */
import type { Rng } from '../compute/rng.ts';
import { SimdWorkspace, type AdamWStep, type SimdLayer, type SimdMlpStep, type SimdRegion } from '../compute/simd/simd-kernels.ts';
import { hostValues, tensorFromScratch } from '../compute/wasm-values.ts';
import type { Dense } from './dense.ts';

const PANEL = 32;
const padTo = (n: number, m: number) => Math.ceil(n / m) * m;

export interface FusedMlpOptions {
  learningRate: number;
  weightDecay: number;
  clipValue: number;
  inputDropout: number;
  hiddenDropout: number;
  /** The largest batch a step is given. */
  batchSize: number;
}

/** A layer's shapes: inputs (rows), real and padded outputs. */
interface LayerShape {
  inputs: number;
  outputs: number;
  padded: number;
}

/** The kernel (rows × outputs, row-major) → panels of 32 columns (padding columns zero). */
function pack(values: Float32Array, shape: LayerShape, into: Float32Array): void {
  const { inputs, outputs, padded } = shape;
  into.fill(0);
  for (let jb = 0; jb < padded / PANEL; jb++) {
    const width = Math.min(PANEL, outputs - jb * PANEL);
    for (let r = 0; r < inputs; r++) {
      const from = r * outputs + jb * PANEL;
      into.set(values.subarray(from, from + width), (jb * inputs + r) * PANEL);
    }
  }
}

/** The inverse of pack: the panels' real columns back in row-major order. */
function unpack(panels: Float32Array, shape: LayerShape, rows = shape.inputs): Float32Array {
  const { inputs, outputs, padded } = shape;
  const out = new Float32Array(rows * outputs);
  for (let jb = 0; jb < padded / PANEL; jb++) {
    const width = Math.min(PANEL, outputs - jb * PANEL);
    for (let r = 0; r < rows; r++) {
      const from = (jb * inputs + r) * PANEL;
      out.set(panels.subarray(from, from + width), r * outputs + jb * PANEL);
    }
  }
  return out;
}

/** The two layers' four variables in checkpoint order: kernel, bias, kernel, bias. */
export interface MlpArrays {
  values: Float32Array[];
  /** Per variable its first then second moment (AdamW.snapshot's order). */
  moments: Float32Array[];
}

export class FusedMlpStep {
  private t = 0;
  private readonly A: number;
  private readonly K: number;
  private readonly N: number;
  private readonly hiddenShape: LayerShape;
  /** The output layer's panels have K rows; rows past the real hidden units stay zero. */
  private readonly outputShape: LayerShape;
  private readonly layers: [SimdLayer, SimdLayer];
  private readonly regions: SimdMlpStep;

  private constructor(
    private readonly workspace: SimdWorkspace,
    private readonly realHidden: number,
    private readonly realOutputs: number,
    attributes: number,
    private readonly options: FusedMlpOptions,
  ) {
    this.A = attributes;
    this.K = padTo(realHidden, PANEL);
    this.N = padTo(realOutputs, PANEL);
    this.hiddenShape = { inputs: attributes, outputs: realHidden, padded: this.K };
    this.outputShape = { inputs: this.K, outputs: realOutputs, padded: this.N };
    const layer = (inputs: number, padded: number): SimdLayer => {
      const n = inputs * padded;
      return { w: workspace.alloc(n), m: workspace.alloc(n), v: workspace.alloc(n), bias: workspace.alloc(padded), mb: workspace.alloc(padded), vb: workspace.alloc(padded) };
    };
    this.layers = [layer(this.A, this.K), layer(this.K, this.N)];
    const B = options.batchSize;
    this.regions = {
      x: workspace.alloc(B * this.A),
      mask: workspace.alloc(B * this.K),
      h: workspace.alloc(B * this.K),
      idx: workspace.alloc(B * this.K),
      count: workspace.alloc(B),
      target: workspace.alloc(B * this.N),
      dh: workspace.alloc(4 * B * this.K),
      dpre: workspace.alloc(B * this.K),
      grad: workspace.alloc(Math.max(this.A, this.K) * PANEL + PANEL),
    };
    // Fresh memory is zero: the moments, the hidden gradient's partial sums and the targets' padding.
  }

  /** Null where this engine has no WebAssembly SIMD. */
  static create(layers: [Dense, Dense], options: FusedMlpOptions): FusedMlpStep | null {
    const workspace = SimdWorkspace.create();
    if (!workspace) return null;
    const [attributes, hidden] = layers[0].kernel.shape as [number, number];
    const outputs = layers[1].kernel.shape[1]!;
    const step = new FusedMlpStep(workspace, hidden, outputs, attributes, options);
    step.load({ values: layers.flatMap((l) => [hostValues(l.kernel).slice(), hostValues(l.bias).slice()]), moments: [] }, 0);
    return step;
  }

  private view(region: SimdRegion, n?: number): Float32Array {
    return this.workspace.view(region, n);
  }

  /**
   * One AdamW step on the batch of `rows` (indices into features/labels):
   * targets = the rows' features, inputs = their classes' attributes; the dropout
   * masks are drawn from rng. Returns the batch's mean squared error.
   */
  step(rows: Int32Array, features: Float32Array, labels: Int32Array, classAttributes: Float32Array, rng: Rng): number {
    const { A, K, N, realHidden, realOutputs } = this;
    const B = rows.length;
    if (B > this.options.batchSize) throw new Error(`a batch of ${B} rows is larger than the ${this.options.batchSize} this step was made for.`);
    const x = this.view(this.regions.x, B * A);
    const mask = this.view(this.regions.mask, B * K);
    const target = this.view(this.regions.target, B * N);
    const keep = (p: number) => (p > 0 ? 1 / (1 - p) : 1);
    const { inputDropout: pIn, hiddenDropout: pHidden } = this.options;
    const [inScale, hiddenScale] = [keep(pIn), keep(pHidden)];
    for (let b = 0; b < B; b++) {
      const row = rows[b]!;
      target.set(features.subarray(row * realOutputs, (row + 1) * realOutputs), b * N);
      const label = labels[row]!;
      for (let a = 0; a < A; a++) x[b * A + a] = pIn > 0 && rng.next() < pIn ? 0 : classAttributes[label * A + a]! * inScale;
      for (let k = 0; k < realHidden; k++) mask[b * K + k] = pHidden > 0 && rng.next() < pHidden ? 0 : hiddenScale;
    }
    return this.run(B);
  }

  /**
   * One step on given values: inputs (B × A, dropout already applied), the hidden
   * layer's mask (B × hidden: 0 or the keep scale) and targets (B × outputs).
   */
  stepOn(inputs: Float32Array, hiddenMask: Float32Array, targets: Float32Array): number {
    const { A, K, N, realHidden, realOutputs } = this;
    const B = inputs.length / A;
    this.view(this.regions.x, B * A).set(inputs);
    const mask = this.view(this.regions.mask, B * K);
    const target = this.view(this.regions.target, B * N);
    for (let b = 0; b < B; b++) {
      mask.set(hiddenMask.subarray(b * realHidden, (b + 1) * realHidden), b * K);
      target.set(targets.subarray(b * realOutputs, (b + 1) * realOutputs), b * N);
    }
    return this.run(B);
  }

  private run(B: number): number {
    const { A, K, N, realOutputs } = this;
    this.t += 1;
    const sse = this.workspace.mlpStep(this.layers[0], this.layers[1], this.regions, A, K, N, B, 2 / (B * realOutputs), this.coefficients());
    return sse / (B * realOutputs);
  }

  private coefficients(): AdamWStep {
    const { learningRate: lr, weightDecay, clipValue } = this.options;
    const [beta1, beta2] = [0.9, 0.999];
    return { decay: 1 - lr * weightDecay, step: lr / (1 - beta1 ** this.t), invRoot2: 1 / Math.sqrt(1 - beta2 ** this.t), beta1, beta2, epsilon: 1e-8, clip: clipValue };
  }

  /** The current weights and moments, row-major, in checkpoint order. */
  arrays(): MlpArrays {
    const values: Float32Array[] = [];
    const moments: Float32Array[] = [];
    const shapes = [this.hiddenShape, this.outputShape];
    this.layers.forEach((layer, i) => {
      const shape = shapes[i]!;
      // The output layer's panels hold K rows; only the real hidden units' rows are weights.
      const rows = i === 0 ? shape.inputs : this.realHidden;
      const bias = (r: SimdRegion) => this.view(r, shape.outputs).slice();
      values.push(unpack(this.view(layer.w), shape, rows), bias(layer.bias));
      moments.push(unpack(this.view(layer.m), shape, rows), unpack(this.view(layer.v), shape, rows), bias(layer.mb), bias(layer.vb));
    });
    return { values, moments };
  }

  /** Weights (and moments, when given) in checkpoint order; t is the optimiser's step count. */
  load(state: MlpArrays, t: number): void {
    this.t = t;
    const shapes = [this.hiddenShape, this.outputShape];
    this.layers.forEach((layer, i) => {
      const shape = shapes[i]!;
      // The output layer's source has only the real hidden rows; its padding rows stay zero.
      const full = (values: Float32Array) => {
        if (i === 0 || this.realHidden === this.K) return values;
        const grown = new Float32Array(this.K * shape.outputs);
        grown.set(values);
        return grown;
      };
      const bias = (r: SimdRegion, values: Float32Array | undefined) => {
        const into = this.view(r);
        into.fill(0);
        if (values) into.set(values);
      };
      pack(full(state.values[2 * i]!), shape, this.view(layer.w));
      bias(layer.bias, state.values[2 * i + 1]);
      const m = state.moments;
      const zeros = new Float32Array(shape.inputs * shape.outputs);
      pack(m.length ? full(m[4 * i]!) : zeros, shape, this.view(layer.m));
      pack(m.length ? full(m[4 * i + 1]!) : zeros, shape, this.view(layer.v));
      bias(layer.mb, m[4 * i + 2]);
      bias(layer.vb, m[4 * i + 3]);
    });
  }

  get steps(): number {
    return this.t;
  }

  /** Writes the current weights into the layers' variables. */
  writeTo(layers: [Dense, Dense]): void {
    const { values } = this.arrays();
    const variables = layers.flatMap((l) => [l.kernel, l.bias]);
    variables.forEach((variable, i) => {
      const next = tensorFromScratch(values[i]!, variable.shape);
      variable.assign(next);
      next.dispose();
    });
  }
}
