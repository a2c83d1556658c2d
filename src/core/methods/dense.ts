/**
 * Seeded dense layers as plain tfjs variables, initialised like PyTorch's
 * nn.Linear (uniform in ±1/sqrt(fan_in)) so results replay under a seed.
 *
 * On WASM, x·W is computed as (Wᵀ·xᵀ)ᵀ with a transposed copy of the kernel: XNNPACK
 * packs the right-hand operand of every product into its own layout and keeps it
 * per tensor, and a kernel that an optimiser replaces at every step would be packed
 * again each time (about 20 ms for the seed method's 1024 × 2048 kernel, more than
 * the product itself). With the kernel on the left only the small batch is packed;
 * the copy costs one transpose (about 6 ms with compute/wasm-transpose.ts) and is
 * made once per kernel value.
 * The gradients keep the kernel on the left as well.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../compute/rng.ts';

export interface Dense {
  kernel: tf.Variable;
  bias: tf.Variable;
}

let layerCounter = 0;

export function createDense(inputs: number, outputs: number, rng: Rng, name: string): Dense {
  const bound = 1 / Math.sqrt(inputs);
  const uniform = (n: number) => Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * bound);
  // Unique names: tfjs keys gradients by variable name.
  const id = `${name}_${layerCounter++}`;
  // tidy frees the initial tensors; the variables that wrap them survive it.
  return tf.tidy(() => ({
    kernel: tf.variable(tf.tensor2d(uniform(inputs * outputs), [inputs, outputs]), true, `${id}/kernel`),
    bias: tf.variable(tf.tensor1d(uniform(outputs)), true, `${id}/bias`),
  }));
}

export function applyDense(layer: Dense, x: tf.Tensor2D): tf.Tensor2D {
  if (tf.getBackend() !== 'wasm') return tf.add(tf.matMul(x, layer.kernel as tf.Tensor2D), layer.bias);
  return tf.add(kernelOnTheLeft(x, layer.kernel as tf.Tensor2D, transposedKernel(layer)), layer.bias);
}

/** Frees a layer's variables and its transposed copy. */
export function disposeDense(layer: Dense): void {
  transposedCopies.get(layer)?.tensor.dispose();
  transposedCopies.delete(layer);
  layer.kernel.dispose();
  layer.bias.dispose();
}

/** Each layer's transposed kernel and the kernel data it was made from. */
const transposedCopies = new WeakMap<Dense, { dataId: object; tensor: tf.Tensor2D }>();

function transposedKernel(layer: Dense): tf.Tensor2D {
  const cached = transposedCopies.get(layer);
  if (cached?.dataId === layer.kernel.dataId) return cached.tensor;
  cached?.tensor.dispose();
  // keep: the copy outlives the caller's tidy, until the kernel changes or the layer is disposed.
  const tensor = tf.keep(tf.transpose(layer.kernel as tf.Tensor2D));
  transposedCopies.set(layer, { dataId: layer.kernel.dataId, tensor });
  return tensor;
}

/** x · kernel with the kernel (or its given transpose) always the left operand of a product. */
const kernelOnTheLeft = (x: tf.Tensor2D, kernel: tf.Tensor2D, transposed: tf.Tensor2D): tf.Tensor2D =>
  tf.customGrad((input, weights, save) => {
    (save as tf.GradSaveFunc)([input as tf.Tensor2D, weights as tf.Tensor2D]);
    return {
      value: tf.transpose(tf.matMul(transposed, input as tf.Tensor2D, false, true)),
      gradFunc: (dy, saved) => {
        const [xs, w] = saved as [tf.Tensor2D, tf.Tensor2D];
        const g = dy as tf.Tensor2D;
        return [tf.transpose(tf.matMul(w, g, false, true)), tf.matMul(xs, g, true, false)];
      },
    };
  })(x, kernel) as tf.Tensor2D;
