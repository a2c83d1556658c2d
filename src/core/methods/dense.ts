/**
 * Seeded dense layers as plain tfjs variables, initialised like PyTorch's
 * nn.Linear (uniform in ±1/sqrt(fan_in)) so results replay under a seed.
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
  return tf.add(tf.matMul(x, layer.kernel as tf.Tensor2D), layer.bias);
}
