/**
 * The tfjs ResNet against an independent float64 torch forward of the same
 * weights (committed fixtures, scripts/make-resnet-fixtures.py), per weight
 * layout and preprocessing; a full-depth ResNet-101 written here as safetensors
 * for loading and shapes; and the sentences bad weight files get.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { embedImages, preprocess } from '../../../src/core/backbones/backbone.ts';
import { loadResNet, preprocessingVariants, readResNetWeights, resNetSpec } from '../../../src/core/backbones/resnet-backbone.ts';
import { writeSafetensors, type NamedTensor } from '../../../src/core/backbones/safetensors.ts';
import { ZslError } from '../../../src/core/errors.ts';
import { randomResNetSafetensors } from '../helpers/random-resnet.ts';
import { fixtureFile, maxRelativeError, reference, testPicture } from './resnet-fixtures.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const FILES = { keras: 'keras.h5', torchvision: 'torchvision.safetensors' } as const;

describe.each(['keras', 'torchvision'] as const)('%s weights', (layout) => {
  test('read as a bottleneck ResNet with its layout', () => {
    const weights = readResNetWeights(fixtureFile(FILES[layout]), FILES[layout]);
    expect(weights.layout).toBe(layout);
    expect(weights.stages.map((s) => s.length)).toEqual([1, 2, 1, 1]);
    // Keras: stride on the first 1 × 1 conv; torchvision v1.5: on the 3 × 3.
    const first = weights.stages[1]![0]!;
    expect([first.reduce.stride, first.spatial.stride]).toEqual(layout === 'keras' ? [2, 1] : [1, 2]);
    expect(first.reduce.bias !== null).toBe(layout === 'keras');
  });

  test.each(reference.outputs.filter((o) => o.weights === layout).map((o) => [`${o.scaling}, ${o.resize}`, o] as const))(
    'forward with %s preprocessing matches the torch reference (max relative error ≤ 1e-4)',
    async (_, expected) => {
      const { model, info } = await loadResNet(fixtureFile(FILES[layout]), FILES[layout]);
      expect(info.outputDim).toBe(128);
      const spec = resNetSpec(info, { scaling: expected.scaling, resize: expected.resize });
      const { width, height } = expected.picture;
      const input = preprocess(testPicture(width, height), width, height, spec);
      const out = embedImages(model, input);
      const feature = await out.data();
      tf.dispose([input, out]);
      model.dispose();
      expect(feature.length).toBe(expected.feature.length);
      expect(maxRelativeError(feature, expected.feature)).toBeLessThanOrEqual(1e-4);
    },
  );

  test('the other layout\'s preprocessing gives other features (the reference tells them apart)', () => {
    const own = reference.outputs.find((o) => o.weights === layout && o.scaling === (layout === 'keras' ? 'caffe' : 'torchvision') && o.resize === 'stretch')!;
    const other = reference.outputs.find((o) => o.weights === layout && o.scaling !== own.scaling && o.resize === 'stretch')!;
    expect(maxRelativeError(other.feature, own.feature)).toBeGreaterThan(0.1);
  });
});

test('preprocessing variants: the layout\'s own first, stretch before crop', () => {
  expect(preprocessingVariants('keras')[0]).toEqual({ scaling: 'caffe', resize: 'stretch' });
  expect(preprocessingVariants('torchvision')[0]).toEqual({ scaling: 'torchvision', resize: 'stretch' });
  expect(preprocessingVariants('keras')).toHaveLength(4);
});

test('a full-depth ResNet-101 (torchvision safetensors, 170 MB) loads, is named and gives 2,048 features', async () => {
  const bytes = randomResNetSafetensors([3, 4, 23, 3], 64);
  expect(bytes.byteLength).toBeGreaterThan(160e6);
  const fractions: number[] = [];
  const { model, info } = await loadResNet(bytes.buffer as ArrayBuffer, 'resnet101.safetensors', { onProgress: (f) => fractions.push(f) });
  expect(info).toMatchObject({ name: 'ResNet-101', layout: 'torchvision', outputDim: 2048 });
  expect(fractions.at(-1)).toBe(1);
  const out = tf.tidy(() => embedImages(model, tf.randomUniform([2, 64, 64, 3], -1, 1, 'float32', 3) as tf.Tensor4D));
  expect(out.shape).toEqual([2, 2048]);
  const values = await out.data();
  expect(values.every(Number.isFinite)).toBe(true);
  expect(Math.min(...values)).toBeGreaterThanOrEqual(0); // a pool of ReLU outputs
  out.dispose();
  model.dispose();
}, 300_000);

describe('bad weight files get a sentence naming what was expected', () => {
  const message = (buffer: ArrayBuffer, name: string) => {
    try {
      readResNetWeights(buffer, name);
    } catch (error) {
      expect(error).toBeInstanceOf(ZslError);
      return (error as Error).message;
    }
    throw new Error('expected the file to be refused');
  };

  test('neither HDF5 nor safetensors', () => {
    expect(message(new TextEncoder().encode('hello, this is not weights').buffer as ArrayBuffer, 'notes.h5')).toMatch(/^notes\.h5: is neither HDF5 nor safetensors; expected Keras ResNet weights/);
  });

  test('truncated safetensors', () => {
    const full = fixtureFile('torchvision.safetensors');
    expect(message(full.slice(0, full.byteLength - 1000), 'cut.safetensors')).toMatch(/^cut\.safetensors, variable ".*": ends at byte \d+ of the data but the file has \d+; the file is truncated\./);
  });

  test('truncated HDF5', () => {
    const full = fixtureFile('keras.h5');
    expect(message(full.slice(0, 40_000), 'cut.h5')).toMatch(/^cut\.h5(, variable "[^"]+")?: .*(truncated|could not be read)/);
  });

  test('safetensors of another network: names the tensor it expected', () => {
    const other = writeSafetensors({ 'encoder.weight': { shape: [2, 2], values: new Float32Array(4) } });
    expect(message(other.buffer as ArrayBuffer, 'bert.safetensors')).toBe(
      'bert.safetensors: has no "conv1.weight"; expected a torchvision ResNet state_dict (conv1, bn1, layer1.0.conv1, …), found encoder.weight.',
    );
  });

  test('a kernel of the wrong shape', () => {
    const tensors: Record<string, NamedTensor> = {};
    const conv = (name: string, shape: number[]) => (tensors[`${name}.weight`] = { shape, values: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
    const bn = (name: string, n: number) => {
      for (const k of ['weight', 'bias', 'running_mean', 'running_var']) tensors[`${name}.${k}`] = { shape: [n], values: new Float32Array(n).fill(1) };
    };
    conv('conv1', [8, 3, 7, 7]);
    bn('bn1', 8);
    for (let l = 1; l <= 4; l++) {
      conv(`layer${l}.0.conv1`, [4, l === 1 ? 8 : 16, 1, 1]);
      bn(`layer${l}.0.bn1`, 4);
      conv(`layer${l}.0.conv2`, [4, 4, 5, 5]); // 5 × 5 where a bottleneck has 3 × 3
      bn(`layer${l}.0.bn2`, 4);
      conv(`layer${l}.0.conv3`, [16, 4, 1, 1]);
      bn(`layer${l}.0.bn3`, 16);
    }
    expect(message(writeSafetensors(tensors).buffer as ArrayBuffer, 'odd.safetensors')).toBe(
      "odd.safetensors: stage 1 block 1's 3 × 3 convolution has a 5 × 5 × 4 × 4 kernel; expected 3 × 3 × 4 × 4.",
    );
  });

  test('HDF5 without the Keras layers', async () => {
    // The Keras fixture read as another model: its layers are there, but not conv1_conv under that name.
    const full = fixtureFile('keras.h5');
    const patched = new Uint8Array(full.slice(0));
    // Rename every "conv1_conv" to "conv1_cnv_" (same length): the stem's layer is gone.
    const from = new TextEncoder().encode('conv1_conv');
    const to = new TextEncoder().encode('conv1_cnv_');
    for (let i = 0; i + from.length <= patched.length; i++) {
      if (from.every((b, j) => patched[i + j] === b)) patched.set(to, i);
    }
    expect(message(patched.buffer, 'other.h5')).toMatch(/^other\.h5: (has no layer "conv1_conv"; expected Keras ResNet weights|could not be read as HDF5)/);
  });
});
