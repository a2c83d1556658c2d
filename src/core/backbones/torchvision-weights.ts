/**
 * A torchvision ResNet state_dict saved as .safetensors (torchvision's own names,
 * also used by timm's `resnet*.tv_in1k`: conv1, bn1, layer1.0.conv1, …,
 * layer1.0.downsample.0/1) → ResNetWeights. torchvision's v1.5 puts a block's
 * stride on its 3 × 3 conv; its convs have no bias; batch norm ε is 1e-5.
 * Kernels are turned from [out, in, kh, kw] to tfjs's [kh, kw, in, out].
 * Pure TypeScript: no DOM, no tfjs.
 */
import { ZslError } from '../errors.ts';
import { checkResNet, type Bottleneck, type ConvBn, type ResNetWeights } from './resnet.ts';
import { readSafetensors, type NamedTensor } from './safetensors.ts';

export const TORCH_BN_EPSILON = 1e-5;

export function torchvisionResNet(buffer: ArrayBuffer, file: string): ResNetWeights {
  const st = readSafetensors(buffer, file);
  // A state_dict saved from a wrapper carries a prefix ("model.", "backbone."): find it from the stem.
  const stemName = st.names.find((n) => n.endsWith('conv1.weight') && !/layer\d/.test(n));
  if (!stemName) {
    const some = st.names.slice(0, 4).join(', ') || 'no tensors';
    throw new ZslError(`has no "conv1.weight"; expected a torchvision ResNet state_dict (conv1, bn1, layer1.0.conv1, …), found ${some}.`, { file });
  }
  const prefix = stemName.slice(0, -'conv1.weight'.length);
  const need = (name: string): NamedTensor => {
    const t = st.get(prefix + name);
    if (!t) throw new ZslError(`has no tensor "${prefix + name}"; expected a torchvision ResNet state_dict.`, { file });
    return t;
  };
  const convBn = (conv: string, bn: string, stride: number): ConvBn => {
    const w = need(`${conv}.weight`);
    if (w.shape.length !== 4) throw new ZslError(`has shape ${w.shape.join(' × ')}; expected a 4-D convolution kernel.`, { file, variable: prefix + conv });
    const [out, inp, kh, kw] = w.shape as [number, number, number, number];
    return {
      kernel: oihwToHwio(w.values, out, inp, kh, kw),
      shape: [kh, kw, inp, out],
      bias: null,
      bn: {
        gamma: need(`${bn}.weight`).values,
        beta: need(`${bn}.bias`).values,
        mean: need(`${bn}.running_mean`).values,
        variance: need(`${bn}.running_var`).values,
        epsilon: TORCH_BN_EPSILON,
      },
      stride,
    };
  };
  const stages: Bottleneck[][] = [];
  for (let layer = 1; layer <= 4; layer++) {
    const blocks: Bottleneck[] = [];
    for (let b = 0; st.get(`${prefix}layer${layer}.${b}.conv1.weight`) !== null; b++) {
      const name = `layer${layer}.${b}`;
      const stride = layer > 1 && b === 0 ? 2 : 1;
      blocks.push({
        reduce: convBn(`${name}.conv1`, `${name}.bn1`, 1),
        spatial: convBn(`${name}.conv2`, `${name}.bn2`, stride),
        expand: convBn(`${name}.conv3`, `${name}.bn3`, 1),
        shortcut: st.get(`${prefix}${name}.downsample.0.weight`) ? convBn(`${name}.downsample.0`, `${name}.downsample.1`, stride) : null,
      });
    }
    if (blocks.length === 0) throw new ZslError(`has no "${prefix}layer${layer}.0.conv1.weight"; expected four stages, layer1 to layer4.`, { file });
    stages.push(blocks);
  }
  const weights: ResNetWeights = { layout: 'torchvision', stem: convBn('conv1', 'bn1', 2), stages };
  checkResNet(weights, file);
  return weights;
}

export function oihwToHwio(values: Float32Array, out: number, inp: number, kh: number, kw: number): Float32Array {
  const result = new Float32Array(values.length);
  for (let o = 0; o < out; o++) {
    for (let i = 0; i < inp; i++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) result[((y * kw + x) * inp + i) * out + o] = values[((o * inp + i) * kh + y) * kw + x]!;
      }
    }
  }
  return result;
}
