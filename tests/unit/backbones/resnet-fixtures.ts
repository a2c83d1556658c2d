/**
 * The committed ResNet fixtures (scripts/make-resnet-fixtures.py) and the test
 * picture formula that script uses, so tests rebuild the reference pictures exactly.
 */
import { readFileSync } from 'node:fs';

export const FIXTURES = new URL('../../fixtures/resnet/', import.meta.url);

export interface ReferenceOutput {
  weights: 'keras' | 'torchvision';
  scaling: 'caffe' | 'torchvision';
  resize: 'stretch' | 'center-crop';
  picture: { width: number; height: number };
  feature: number[];
}

export const reference = JSON.parse(readFileSync(new URL('reference.json', FIXTURES), 'utf8')) as { outputs: ReferenceOutput[] };

export const fixtureFile = (name: 'keras.h5' | 'torchvision.safetensors'): ArrayBuffer => {
  const bytes = readFileSync(new URL(name, FIXTURES));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
};

/** RGBA pixels of the script's picture(width, height): r = 7x + 3y, g = x² + 2y, b = xy + 5x (mod 256). */
export function testPicture(width: number, height: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      out[i] = (x * 7 + y * 3) % 256;
      out[i + 1] = (x * x + 2 * y) % 256;
      out[i + 2] = (x * y + 5 * x) % 256;
      out[i + 3] = 255;
    }
  }
  return out;
}

/** Largest |a − b| relative to |b|, each |b| floored at 1% of the largest (a pooled ReLU output can be near zero). */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / Math.max(Math.abs(expected[i]!), 0.01 * scale));
  return worst;
}
