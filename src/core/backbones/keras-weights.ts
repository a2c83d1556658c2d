/**
 * Keras applications' ResNet weights (`resnet101_weights_tf_dim_ordering_tf_kernels_notop.h5`,
 * the original authors' Caffe ResNets converted) → ResNetWeights. Layers are
 * named conv1_conv, conv1_bn, conv{2..5}_block{i}_{0..3}_{conv,bn}; each layer's
 * group lists its weights in a `weight_names` attribute. These convs carry a
 * bias, a block's stride sits on its first 1 × 1 conv (and its shortcut), and
 * batch norm ε is 1.001e-5. HDF5 is read with jsfive (pure JavaScript, so it runs
 * under the worker's content policy and in Node alike; the app only reads).
 * No DOM, no tfjs.
 */
import * as hdf5 from 'jsfive';
import { ZslError } from '../errors.ts';
import { checkResNet, type Bottleneck, type ConvBn, type ResNetWeights } from './resnet.ts';

export const KERAS_BN_EPSILON = 1.001e-5;

const text = (v: unknown) => String(v).replace(/\0+$/, '');

export function kerasResNet(buffer: ArrayBuffer, file: string): ResNetWeights {
  let root: hdf5.Group;
  try {
    root = new hdf5.File(buffer, file);
    void root.keys;
  } catch (error) {
    throw new ZslError(`could not be read as HDF5 (${describe(error)}); expected Keras weights (.h5). Is the file truncated?`, { file });
  }
  // A whole saved model keeps its weights under model_weights/; a weights file at the root.
  if (root.keys.includes('model_weights')) root = root.get('model_weights') as hdf5.Group;
  const layers = new Set(root.keys);
  const weightsOf = (layer: string): Record<string, { shape: number[]; values: Float32Array }> => {
    if (!layers.has(layer)) {
      const some = [...layers].slice(0, 4).join(', ') || 'no layers';
      throw new ZslError(`has no layer "${layer}"; expected Keras ResNet weights (conv1_conv, conv2_block1_1_conv, …), found ${some}.`, { file });
    }
    try {
      const group = root.get(layer) as hdf5.Group;
      const names = (group.attrs.weight_names as unknown[] | undefined)?.map(text) ?? [];
      const out: Record<string, { shape: number[]; values: Float32Array }> = {};
      for (const name of names) {
        const dataset = group.get(name) as hdf5.Dataset;
        // "conv1_conv/kernel:0" → "kernel"
        const key = name.split('/').pop()!.replace(/:\d+$/, '');
        out[key] = { shape: dataset.shape, values: Float32Array.from(dataset.value) };
      }
      return out;
    } catch (error) {
      if (error instanceof ZslError) throw error;
      throw new ZslError(`its weights could not be read (${describe(error)}); is the file truncated?`, { file, variable: layer });
    }
  };
  const convBn = (name: string, stride: number): ConvBn => {
    const conv = weightsOf(`${name}_conv`);
    const bn = weightsOf(`${name}_bn`);
    const need = (set: typeof conv, key: string, layer: string) => {
      const w = set[key];
      if (!w) throw new ZslError(`has no ${key}; its weights are ${Object.keys(set).join(', ') || 'none'}.`, { file, variable: layer });
      return w;
    };
    const kernel = need(conv, 'kernel', `${name}_conv`);
    if (kernel.shape.length !== 4) throw new ZslError(`has a ${kernel.shape.join(' × ')} kernel; expected 4-D.`, { file, variable: `${name}_conv` });
    return {
      kernel: kernel.values,
      shape: kernel.shape as [number, number, number, number],
      bias: conv.bias?.values ?? null,
      bn: {
        gamma: need(bn, 'gamma', `${name}_bn`).values,
        beta: need(bn, 'beta', `${name}_bn`).values,
        mean: need(bn, 'moving_mean', `${name}_bn`).values,
        variance: need(bn, 'moving_variance', `${name}_bn`).values,
        epsilon: KERAS_BN_EPSILON,
      },
      stride,
    };
  };
  const stages: Bottleneck[][] = [];
  for (let stage = 2; stage <= 5; stage++) {
    const blocks: Bottleneck[] = [];
    for (let b = 1; layers.has(`conv${stage}_block${b}_1_conv`); b++) {
      const name = `conv${stage}_block${b}`;
      const stride = stage > 2 && b === 1 ? 2 : 1;
      blocks.push({
        reduce: convBn(`${name}_1`, stride),
        spatial: convBn(`${name}_2`, 1),
        expand: convBn(`${name}_3`, 1),
        shortcut: layers.has(`${name}_0_conv`) ? convBn(`${name}_0`, stride) : null,
      });
    }
    if (blocks.length === 0) weightsOf(`conv${stage}_block1_1_conv`);
    stages.push(blocks);
  }
  const weights: ResNetWeights = { layout: 'keras', stem: convBn('conv1', 2), stages };
  checkResNet(weights, file);
  return weights;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
