/**
 * AdamW with decoupled weight decay and gradient value clipping, matching
 * PyTorch's torch.optim.AdamW + clip_grad_value_ (tfjs ships neither).
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
}

export class AdamW {
  private readonly moments: Array<{ m: tf.Variable; v: tf.Variable }>;
  private t = 0;

  constructor(
    private readonly variables: tf.Variable[],
    private readonly options: AdamWOptions,
  ) {
    // tidy frees the zero tensors; the variables that wrap them survive it.
    this.moments = tf.tidy(() =>
      variables.map((variable) => ({
        m: tf.variable(tf.zerosLike(variable), false),
        v: tf.variable(tf.zerosLike(variable), false),
      })),
    );
  }

  /** One optimisation step; returns the loss (the caller disposes it). */
  minimize(loss: () => tf.Scalar): tf.Scalar {
    const { value, grads } = tf.variableGrads(loss, this.variables);
    this.t += 1;
    const { learningRate: lr, weightDecay, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, clipValue } = this.options;
    const correction1 = 1 - beta1 ** this.t;
    const correction2 = 1 - beta2 ** this.t;
    tf.tidy(() => {
      this.variables.forEach((variable, i) => {
        let g: tf.Tensor = grads[variable.name]!;
        if (clipValue !== undefined) g = tf.clipByValue(g, -clipValue, clipValue);
        const { m, v } = this.moments[i]!;
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        const update = tf.div(tf.div(m, correction1), tf.add(tf.sqrt(tf.div(v, correction2)), epsilon));
        variable.assign(tf.sub(tf.mul(variable, 1 - lr * weightDecay), tf.mul(update, lr)));
      });
    });
    tf.dispose(grads);
    return value;
  }

  /** Step count and moments, for a checkpoint. */
  async snapshot(): Promise<{ t: number; moments: Float32Array[] }> {
    const moments = await Promise.all(this.moments.flatMap(({ m, v }) => [m.data(), v.data()]));
    return { t: this.t, moments: moments as Float32Array[] };
  }

  restore(saved: { t: number; moments: Float32Array[] }): void {
    this.t = saved.t;
    this.moments.forEach(({ m, v }, i) => {
      tf.tidy(() => {
        m.assign(tf.tensor(saved.moments[2 * i]!, m.shape));
        v.assign(tf.tensor(saved.moments[2 * i + 1]!, v.shape));
      });
    });
  }

  dispose(): void {
    for (const { m, v } of this.moments) {
      m.dispose();
      v.dispose();
    }
  }
}
