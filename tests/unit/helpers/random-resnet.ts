/**
 * A torchvision-layout ResNet state_dict with seeded random weights and batch-norm statistics,
 * as safetensors bytes: the full-depth loading test and the ResNet benchmark build their
 * networks here. Pure TypeScript over the core's safetensors writer.
 */
import { writeSafetensors, type NamedTensor } from '../../../src/core/backbones/safetensors.ts';
import { createRng } from '../../../src/core/compute/rng.ts';

/** A torchvision-layout state_dict with seeded random weights and batch-norm statistics, as safetensors bytes. */
export function randomResNetSafetensors(blocks: number[], base: number, seed = 5): Uint8Array {
  const rng = createRng(seed);
  const tensors: Record<string, NamedTensor> = {};
  const conv = (name: string, out: number, inp: number, k: number) => {
    const values = new Float32Array(out * inp * k * k);
    const bound = Math.sqrt(6 / (inp * k * k));
    for (let i = 0; i < values.length; i++) values[i] = (rng.next() * 2 - 1) * bound;
    tensors[`${name}.weight`] = { shape: [out, inp, k, k], values };
  };
  const bn = (name: string, n: number) => {
    const fill = (f: () => number) => Float32Array.from({ length: n }, f);
    tensors[`${name}.weight`] = { shape: [n], values: fill(() => 0.5 + rng.next()) };
    tensors[`${name}.bias`] = { shape: [n], values: fill(() => rng.next() * 0.2 - 0.1) };
    tensors[`${name}.running_mean`] = { shape: [n], values: fill(() => rng.next() * 0.2 - 0.1) };
    tensors[`${name}.running_var`] = { shape: [n], values: fill(() => 0.5 + rng.next()) };
  };
  conv('conv1', base, 3, 7);
  bn('bn1', base);
  let cin = base;
  blocks.forEach((count, s) => {
    const width = base * 2 ** s;
    for (let b = 0; b < count; b++) {
      const name = `layer${s + 1}.${b}`;
      conv(`${name}.conv1`, width, cin, 1);
      bn(`${name}.bn1`, width);
      conv(`${name}.conv2`, width, width, 3);
      bn(`${name}.bn2`, width);
      conv(`${name}.conv3`, width * 4, width, 1);
      bn(`${name}.bn3`, width * 4);
      if (b === 0) {
        conv(`${name}.downsample.0`, width * 4, cin, 1);
        bn(`${name}.downsample.1`, width * 4);
      }
      cin = width * 4;
    }
  });
  return writeSafetensors(tensors);
}
