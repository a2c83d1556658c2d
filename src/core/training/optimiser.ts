/**
 * AdamW with decoupled weight decay and gradient value clipping, matching
 * PyTorch's torch.optim.AdamW + clip_grad_value_ (tfjs ships neither).
 *
 * On the backends that compute on the CPU (wasm, cpu) the update runs as ONE loop
 * over each variable's values in JavaScript, the moments in Float32Arrays: the
 * gradient and the variable are read (on WASM straight from the module's memory,
 * no copy, no device sync) and the new values go back in one upload. Written with tfjs ops,
 * the same update is ~15 element-wise kernels, each a pass over every parameter,
 * which on WASM took longer than the forward and backward passes together. On GPU
 * backends, where a read-back would stall the device, it stays tfjs ops.
 * tfjs only: no DOM.
 */
import * as tf from '@tensorflow/tfjs';

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

export class AdamW {
  private moments: Moments[];
  private t = 0;

  constructor(
    private readonly variables: tf.Variable[],
    private readonly options: AdamWOptions,
  ) {
    this.moments = variables.map((variable) => ({ kind: 'arrays', m: new Float32Array(variable.size), v: new Float32Array(variable.size) }));
  }

  private get fused(): boolean {
    return this.options.fused ?? CPU_BACKENDS.has(tf.getBackend());
  }

  /** One optimisation step; returns the loss (the caller disposes it). */
  minimize(loss: () => tf.Scalar): tf.Scalar {
    const { value, grads } = tf.variableGrads(loss, this.variables);
    this.t += 1;
    const fused = this.fused;
    this.variables.forEach((variable, i) => {
      const moments = this.momentsAs(i, fused ? 'arrays' : 'tensors');
      const g = grads[variable.name]!;
      if (moments.kind === 'arrays') this.updateLoop(variable, g, moments);
      else this.updateOps(variable, g, moments);
    });
    tf.dispose(grads);
    return value;
  }

  private coefficients() {
    const { learningRate: lr, weightDecay, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, clipValue = Infinity } = this.options;
    return { lr, weightDecay, beta1, beta2, epsilon, clipValue, correction1: 1 - beta1 ** this.t, correction2: 1 - beta2 ** this.t };
  }

  private updateLoop(variable: tf.Variable, gradient: tf.Tensor, { m, v }: { m: Float32Array; v: Float32Array }): void {
    const { lr, weightDecay, beta1, beta2, epsilon, clipValue, correction1, correction2 } = this.coefficients();
    // On WASM the loop reads the gradient and the variable where they lie in the module's memory (no copy). It
    // never writes there: tensors are immutable to tfjs (XNNPACK keeps packed copies of matrix operands by
    // tensor), so the new values go into a new tensor, one upload.
    const g = wasmValues(gradient) ?? (gradient.dataSync() as Float32Array);
    const p = wasmValues(variable) ?? (variable.dataSync() as Float32Array);
    const next = new Float32Array(p.length);
    const decay = 1 - lr * weightDecay;
    const step = lr / correction1;
    const root2 = Math.sqrt(correction2);
    for (let k = 0; k < p.length; k++) {
      const gk = Math.min(clipValue, Math.max(-clipValue, g[k]!));
      const mk = beta1 * m[k]! + (1 - beta1) * gk;
      const vk = beta2 * v[k]! + (1 - beta2) * gk * gk;
      m[k] = mk;
      v[k] = vk;
      next[k] = p[k]! * decay - (step * mk) / (Math.sqrt(vk) / root2 + epsilon);
    }
    // tidy frees the uploaded tensor; the variable keeps its data.
    tf.tidy(() => variable.assign(tf.tensor(next, variable.shape, 'float32')));
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
    const next: Moments =
      current.kind === 'arrays'
        ? { kind: 'tensors', m: tf.variable(tf.tensor(current.m, this.variables[i]!.shape), false), v: tf.variable(tf.tensor(current.v, this.variables[i]!.shape), false) }
        : { kind: 'arrays', m: (current.m.dataSync() as Float32Array).slice(), v: (current.v.dataSync() as Float32Array).slice() };
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
    this.moments = this.variables.map((_, i) => ({ kind: 'arrays', m: Float32Array.from(saved.moments[2 * i]!), v: Float32Array.from(saved.moments[2 * i + 1]!) }));
  }

  dispose(): void {
    for (const x of this.moments) disposeMoments(x);
  }
}

interface WasmBackendInternals {
  dataIdMap: { get(dataId: object): { memoryOffset: number | null } | undefined };
  wasm: { HEAPF32: Float32Array };
}

/**
 * A float32 tensor's values as a read-only view into the WASM backend's memory,
 * or null (another backend, or tfjs internals other than 4.22's). The view is
 * taken afresh each step and used before tfjs allocates again: the module's
 * memory can grow (and move) whenever it does.
 */
function wasmValues(t: tf.Tensor): Float32Array | null {
  if (t.dtype !== 'float32' || tf.getBackend() !== 'wasm') return null;
  const backend = tf.backend() as unknown as Partial<WasmBackendInternals>;
  const entry = backend.dataIdMap?.get?.(t.dataId);
  const heap = backend.wasm?.HEAPF32;
  if (!entry || entry.memoryOffset === null || !heap) return null;
  return new Float32Array(heap.buffer, entry.memoryOffset, t.size);
}

function disposeMoments(x: Moments): void {
  if (x.kind === 'tensors') {
    x.m.dispose();
    x.v.dispose();
  }
}
