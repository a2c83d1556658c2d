/**
 * ResNet-50/101/152 (and any bottleneck ResNet) as a tfjs Layers model whose
 * output is the global average pool (2,048 features at full width). One builder
 * serves both weight layouts: the readers (resnet-keras-h5.ts,
 * resnet-safetensors.ts) say where each block's stride sits, whether convs carry
 * a bias and which batch-norm ε they use; batch norm is folded into the convs
 * here, in float64, so the network runs as conv + bias (+ ReLU) only.
 * Padding is explicit and symmetric (as Caffe, Keras's ZeroPadding2D and torch
 * pad): tfjs's 'same' pads a stride-2 conv asymmetrically and would shift every
 * feature map by half a pixel. tfjs only: no DOM.
 */
import * as tf from '@tensorflow/tfjs';
import { ZslError } from '../errors.ts';

export interface BatchNorm {
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  epsilon: number;
}

/** A convolution followed by its batch norm. `kernel` is [kh, kw, in, out] row-major, as tfjs holds it. */
export interface ConvBn {
  kernel: Float32Array;
  shape: [number, number, number, number];
  bias: Float32Array | null;
  bn: BatchNorm;
  stride: number;
}

export interface Bottleneck {
  /** 1 × 1 to the block's width. */
  reduce: ConvBn;
  /** 3 × 3. */
  spatial: ConvBn;
  /** 1 × 1 to 4 × the width. */
  expand: ConvBn;
  /** The projection on the first block of a stage; null for an identity shortcut. */
  shortcut: ConvBn | null;
}

export type WeightLayout = 'keras' | 'torchvision';

export interface ResNetWeights {
  layout: WeightLayout;
  /** 7 × 7 stride 2, then a 3 × 3 stride-2 max pool. */
  stem: ConvBn;
  stages: Bottleneck[][];
}

const DEPTHS: Record<string, number> = { '3,4,6,3': 50, '3,4,23,3': 101, '3,8,36,3': 152 };

/** "ResNet-101", or "ResNet (blocks 1-2-1-1)" for a block count no published ResNet has. */
export function resNetName(weights: ResNetWeights): string {
  const blocks = weights.stages.map((s) => s.length);
  const depth = DEPTHS[blocks.join(',')];
  return depth ? `ResNet-${depth}` : `ResNet (blocks ${blocks.join('-')})`;
}

/** Features per picture: the last block's output channels. */
export function resNetOutputDim(weights: ResNetWeights): number {
  const last = weights.stages.at(-1)?.at(-1);
  if (!last) throw new ZslError('the weights have no residual blocks.', { variable: 'backbone' });
  return last.expand.shape[3];
}

/** Folds batch norm into the conv: w·s and (b − μ)·s + β with s = γ / √(σ² + ε), computed in float64. */
export function foldBatchNorm(conv: ConvBn): { kernel: Float32Array; bias: Float32Array } {
  const out = conv.shape[3];
  const { gamma, beta, mean, variance, epsilon } = conv.bn;
  const scale = new Float64Array(out);
  const bias = new Float32Array(out);
  for (let o = 0; o < out; o++) {
    scale[o] = gamma[o]! / Math.sqrt(variance[o]! + epsilon);
    bias[o] = ((conv.bias ? conv.bias[o]! : 0) - mean[o]!) * scale[o]! + beta[o]!;
  }
  const kernel = new Float32Array(conv.kernel.length);
  for (let i = 0; i < kernel.length; i++) kernel[i] = conv.kernel[i]! * scale[i % out]!;
  return { kernel, bias };
}

/**
 * The Layers model: input [batch, height, width, 3] already preprocessed, output
 * [batch, channels]. `onLayer` reports each folded conv (for a progress bar over
 * a 170 MB network, whose folding takes seconds).
 */
export function buildResNet(weights: ResNetWeights, onLayer?: (done: number, total: number) => void): tf.LayersModel {
  const total = 1 + weights.stages.reduce((n, stage) => n + stage.reduce((m, b) => m + (b.shortcut ? 4 : 3), 0), 0);
  let done = 0;
  const convBn = (x: tf.SymbolicTensor, conv: ConvBn, name: string, relu: boolean): tf.SymbolicTensor => {
    const [kh, kw, , filters] = conv.shape;
    const pad = (kh - 1) / 2;
    let input = x;
    // Stride 1 with an odd kernel: 'same' is symmetric. Otherwise pad explicitly.
    const same = conv.stride === 1;
    if (!same && pad > 0) input = tf.layers.zeroPadding2d({ padding: pad, name: `${name}_pad` }).apply(input) as tf.SymbolicTensor;
    const folded = foldBatchNorm(conv);
    const layer = tf.layers.conv2d({
      name,
      filters,
      kernelSize: [kh, kw],
      strides: conv.stride,
      padding: same ? 'same' : 'valid',
      useBias: true,
      activation: relu ? 'relu' : 'linear',
      kernelInitializer: 'zeros',
      biasInitializer: 'zeros',
    });
    const y = layer.apply(input) as tf.SymbolicTensor;
    const values = [tf.tensor4d(folded.kernel, conv.shape), tf.tensor1d(folded.bias)];
    layer.setWeights(values);
    tf.dispose(values);
    onLayer?.(++done, total);
    return y;
  };

  const input = tf.input({ shape: [null, null, 3], name: 'image' });
  let x = convBn(input, weights.stem, 'stem_conv', true);
  x = tf.layers.zeroPadding2d({ padding: 1, name: 'stem_pool_pad' }).apply(x) as tf.SymbolicTensor;
  // Zero padding equals −∞ padding here: the values are ReLU outputs, never negative.
  x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid', name: 'stem_pool' }).apply(x) as tf.SymbolicTensor;
  weights.stages.forEach((stage, s) => {
    stage.forEach((block, b) => {
      const name = `stage${s + 1}_block${b + 1}`;
      const shortcut = block.shortcut ? convBn(x, block.shortcut, `${name}_shortcut`, false) : x;
      let y = convBn(x, block.reduce, `${name}_reduce`, true);
      y = convBn(y, block.spatial, `${name}_spatial`, true);
      y = convBn(y, block.expand, `${name}_expand`, false);
      y = tf.layers.add({ name: `${name}_add` }).apply([y, shortcut]) as tf.SymbolicTensor;
      x = tf.layers.activation({ activation: 'relu', name: `${name}_out` }).apply(y) as tf.SymbolicTensor;
    });
  });
  const pooled = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: pooled, name: resNetName(weights).replace(/[^A-Za-z0-9]+/g, '_') });
}

/** The shapes a bottleneck ResNet needs, checked as the readers assemble it, so a wrong file fails with a sentence. */
export function checkResNet(weights: ResNetWeights, file: string): void {
  const expectShape = (conv: ConvBn, what: string, kh: number, cin: number, cout: number | null) => {
    const [h, w, i, o] = conv.shape;
    if (h !== kh || w !== kh || i !== cin || (cout !== null && o !== cout)) {
      throw new ZslError(`${what} has a ${conv.shape.join(' × ')} kernel; expected ${kh} × ${kh} × ${cin} × ${cout ?? 'any'}.`, { file });
    }
    for (const [key, v] of Object.entries(conv.bn)) {
      if (key !== 'epsilon' && (v as Float32Array).length !== o) throw new ZslError(`${what}'s batch norm ${key} has ${(v as Float32Array).length} values; expected ${o}.`, { file });
    }
    if (conv.bias && conv.bias.length !== o) throw new ZslError(`${what}'s bias has ${conv.bias.length} values; expected ${o}.`, { file });
  };
  expectShape(weights.stem, 'the first convolution', 7, 3, null);
  if (weights.stages.length === 0 || weights.stages.some((s) => s.length === 0)) {
    throw new ZslError('expected four stages of residual blocks; found none in some stage.', { file });
  }
  let channels = weights.stem.shape[3];
  weights.stages.forEach((stage, s) => {
    stage.forEach((block, b) => {
      const where = `stage ${s + 1} block ${b + 1}`;
      const width = block.reduce.shape[3];
      expectShape(block.reduce, `${where}'s first 1 × 1 convolution`, 1, channels, null);
      expectShape(block.spatial, `${where}'s 3 × 3 convolution`, 3, width, width);
      expectShape(block.expand, `${where}'s last 1 × 1 convolution`, 1, width, width * 4);
      if (block.shortcut) expectShape(block.shortcut, `${where}'s shortcut`, 1, channels, width * 4);
      else if (channels !== width * 4) throw new ZslError(`${where} has no shortcut convolution but changes ${channels} channels to ${width * 4}.`, { file });
      channels = width * 4;
    });
  });
}
