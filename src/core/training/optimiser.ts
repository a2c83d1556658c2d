/**
 * AdamW with decoupled weight decay and gradient value clipping, matching
 * PyTorch's torch.optim.AdamW + clip_grad_value_ (tfjs ships neither).
 *
 * On the backends that compute on the CPU (wasm, cpu) the update is ONE pass over
 * each variable's values, the moments in Float32Arrays: the gradient and the
 * variable are read (on WASM straight from the module's memory, no device sync) and
 * the new values go back in one upload. The pass is the SIMD kernel of
 * compute/simd (four lanes; about 5× the JavaScript loop, which stays as the
 * fallback where WebAssembly SIMD is missing). Written with tfjs ops, the same
 * update is ~15 element-wise kernels, each a pass over every parameter, which on
 * WASM took longer than the forward and backward passes together. On GPU backends,
 * where a read-back would stall the device, it stays tfjs ops.
 * tfjs only: no DOM.
 */
import * as tf from '@tensorflow/tfjs';
import { SimdWorkspace, type SimdRegion } from '../compute/simd/simd-kernels.ts';
import { hostValues, tensorFromScratch } from '../compute/wasm-values.ts';

export interface AdamWOptions {
  learningRate: number;
  weightDecay: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Clip every gradient value to [-clipValue, clipValue] before the update (PyTorch clip_grad_value_). */
  clipValue?: number;
  /** Force the JavaScript loop (true) or tfjs ops (false); default: the loop on the wasm and cpu backends. */
  fused?: boolean;
}

/** First and second moments of one variable: tfjs variables (GPU backends) or arrays (CPU backends). */
type Moments = { kind: 'tensors'; m: tf.Variable; v: tf.Variable } | { kind: 'arrays'; m: Float32Array; v: Float32Array };

const CPU_BACKENDS = new Set(['wasm', 'cpu']);

/**
 * The SIMD kernel's memory for one optimiser: every variable's moments, and room for
 * one variable's parameters, gradient and result. Allocated once, so views of it
 * never go stale.
 */
interface SimdState {
  workspace: SimdWorkspace;
  moments: { m: SimdRegion; v: SimdRegion }[];
  p: SimdRegion;
  g: SimdRegion;
  out: SimdRegion;
}

export class AdamW {
  private moments: Moments[];
  private t = 0;
  private readonly simd: SimdState | null;

  constructor(
    private readonly variables: tf.Variable[],
    private readonly options: AdamWOptions,
  ) {
    this.simd = createSimdState(variables);
    this.moments = variables.map((_, i) => this.freshArrays(i));
  }

  /** Zeroed moment arrays for variable i: views of the SIMD memory when there is one. */
  private freshArrays(i: number): Moments & { kind: 'arrays' } {
    const size = this.variables[i]!.size;
    if (!this.simd) return { kind: 'arrays', m: new Float32Array(size), v: new Float32Array(size) };
    const { workspace, moments } = this.simd;
    const m = workspace.view(moments[i]!.m, size);
    const v = workspace.view(moments[i]!.v, size);
    m.fill(0);
    v.fill(0);
    return { kind: 'arrays', m, v };
  }

  private get fused(): boolean {
    return this.options.fused ?? CPU_BACKENDS.has(tf.getBackend());
  }

  /** One optimisation step; returns the loss (the caller disposes it). */
  minimize(loss: () => tf.Scalar): tf.Scalar {
    const { value, grads } = tf.variableGrads(loss, this.variables);
    this.applyGradients(this.variables.map((variable) => grads[variable.name]!));
    tf.dispose(grads);
    return value;
  }

  /** One optimisation step with gradients computed elsewhere, in the variables' order (the caller disposes them). */
  applyGradients(gradients: tf.Tensor[]): void {
    if (gradients.length !== this.variables.length) throw new Error(`${gradients.length} gradients for ${this.variables.length} variables.`);
    this.t += 1;
    const fused = this.fused;
    this.variables.forEach((variable, i) => {
      const moments = this.momentsAs(i, fused ? 'arrays' : 'tensors');
      const g = gradients[i]!;
      if (moments.kind === 'arrays') this.updateLoop(variable, g, i, moments);
      else this.updateOps(variable, g, moments);
    });
  }

  private coefficients() {
    const { learningRate: lr, weightDecay, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, clipValue = Infinity } = this.options;
    return { lr, weightDecay, beta1, beta2, epsilon, clipValue, correction1: 1 - beta1 ** this.t, correction2: 1 - beta2 ** this.t };
  }

  private updateLoop(variable: tf.Variable, gradient: tf.Tensor, i: number, { m, v }: { m: Float32Array; v: Float32Array }): void {
    const { lr, weightDecay, beta1, beta2, epsilon, clipValue, correction1, correction2 } = this.coefficients();
    const g = hostValues(gradient);
    const p = hostValues(variable);
    const n = p.length;
    // The variable gets new data (one upload) rather than being written in place.
    let next: tf.Tensor;
    if (this.simd) {
      const { workspace, moments } = this.simd;
      workspace.view(this.simd.p, n).set(p);
      workspace.view(this.simd.g, n).set(g);
      const step = { decay: 1 - lr * weightDecay, step: lr / correction1, invRoot2: 1 / Math.sqrt(correction2), beta1, beta2, epsilon, clip: clipValue };
      workspace.adamw(this.simd.p, this.simd.g, moments[i]!.m, moments[i]!.v, this.simd.out, n, step);
      next = tensorFromScratch(workspace.view(this.simd.out, n), variable.shape);
    } else {
      const values = new Float32Array(n);
      const decay = 1 - lr * weightDecay;
      const step = lr / correction1;
      const root2 = Math.sqrt(correction2);
      for (let k = 0; k < n; k++) {
        const gk = Math.min(clipValue, Math.max(-clipValue, g[k]!));
        const mk = beta1 * m[k]! + (1 - beta1) * gk;
        const vk = beta2 * v[k]! + (1 - beta2) * gk * gk;
        m[k] = mk;
        v[k] = vk;
        values[k] = p[k]! * decay - (step * mk) / (Math.sqrt(vk) / root2 + epsilon);
      }
      next = tf.tensor(values, variable.shape, 'float32');
    }
    variable.assign(next);
    next.dispose(); // the variable keeps the data
  }

  private updateOps(variable: tf.Variable, gradient: tf.Tensor, { m, v }: { m: tf.Variable; v: tf.Variable }): void {
    const { lr, weightDecay, beta1, beta2, epsilon, clipValue, correction1, correction2 } = this.coefficients();
    tf.tidy(() => {
      const g = Number.isFinite(clipValue) ? tf.clipByValue(gradient, -clipValue, clipValue) : gradient;
      m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
      v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
      const update = tf.div(tf.div(m, correction1), tf.add(tf.sqrt(tf.div(v, correction2)), epsilon));
      variable.assign(tf.sub(tf.mul(variable, 1 - lr * weightDecay), tf.mul(update, lr)));
    });
  }

  /** Variable i's moments in the wanted form, moved over if the backend changed since the last step. */
  private momentsAs(i: number, kind: Moments['kind']): Moments {
    const current = this.moments[i]!;
    if (current.kind === kind) return current;
    let next: Moments;
    if (current.kind === 'arrays') {
      next = { kind: 'tensors', m: tf.variable(tf.tensor(current.m, this.variables[i]!.shape), false), v: tf.variable(tf.tensor(current.v, this.variables[i]!.shape), false) };
    } else {
      const arrays = this.freshArrays(i);
      arrays.m.set(current.m.dataSync() as Float32Array);
      arrays.v.set(current.v.dataSync() as Float32Array);
      next = arrays;
    }
    disposeMoments(current);
    this.moments[i] = next;
    return next;
  }

  /** Step count and moments, for a checkpoint. */
  async snapshot(): Promise<{ t: number; moments: Float32Array[] }> {
    const moments: Float32Array[] = [];
    for (const x of this.moments) {
      if (x.kind === 'arrays') moments.push(x.m.slice(), x.v.slice());
      else moments.push((await x.m.data()) as Float32Array, (await x.v.data()) as Float32Array);
    }
    return { t: this.t, moments };
  }

  restore(saved: { t: number; moments: Float32Array[] }): void {
    this.t = saved.t;
    this.moments.forEach(disposeMoments);
    this.moments = this.variables.map((_, i) => {
      const arrays = this.freshArrays(i);
      arrays.m.set(saved.moments[2 * i]!);
      arrays.v.set(saved.moments[2 * i + 1]!);
      return arrays;
    });
  }

  dispose(): void {
    for (const x of this.moments) disposeMoments(x);
  }
}

function createSimdState(variables: tf.Variable[]): SimdState | null {
  const workspace = SimdWorkspace.create();
  if (!workspace || variables.length === 0) return null;
  const moments = variables.map((x) => ({ m: workspace.alloc(x.size), v: workspace.alloc(x.size) }));
  const largest = Math.max(...variables.map((x) => x.size));
  return { workspace, moments, p: workspace.alloc(largest), g: workspace.alloc(largest), out: workspace.alloc(largest) };
}

function disposeMoments(x: Moments): void {
  if (x.kind === 'tensors') {
    x.m.dispose();
    x.v.dispose();
  }
}
