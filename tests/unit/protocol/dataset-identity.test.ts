// Which benchmark a dataset is, its human class names, and its content key.
import { describe, expect, it } from 'vitest';
import { contentKey, humanClassName, recogniseBenchmark } from '../../../src/core/data/dataset-identity.ts';

const names = (n: number, f: (k: number) => string) => Array.from({ length: n }, (_, k) => f(k + 1));
const awa = names(50, (k) => `animal${k}`);

describe('recogniseBenchmark', () => {
  it('names each of the five by folder and shape', () => {
    expect(recogniseBenchmark({ paths: ['xlsa17/data/AWA1/res101.mat'], classNames: awa, attributes: 85, images: 100 })).toBe('AWA1');
    expect(recogniseBenchmark({ paths: ['Animals_with_Attributes2/classes.txt'], classNames: awa, attributes: 85, images: 100 })).toBe('AWA2');
    expect(recogniseBenchmark({ paths: ['x/CUB/att_splits.mat'], classNames: names(200, (k) => `${String(k).padStart(3, '0')}.Bird`), attributes: 312, images: 9 })).toBe('CUB');
    expect(recogniseBenchmark({ paths: ['data/SUN/res101.mat'], classNames: names(717, (k) => `s${k}`), attributes: 102, images: 9 })).toBe('SUN');
    expect(recogniseBenchmark({ paths: ['data/APY/res101.mat'], classNames: names(32, (k) => `o${k}`), attributes: 64, images: 9 })).toBe('APY');
  });

  it('tells AwA1 from AwA2 by the release image count when no folder says, and guesses neither otherwise', () => {
    expect(recogniseBenchmark({ paths: ['res101.mat'], classNames: awa, attributes: 85, images: 30_475 })).toBe('AWA1');
    expect(recogniseBenchmark({ paths: ['res101.mat'], classNames: awa, attributes: 85, images: 37_322 })).toBe('AWA2');
    expect(recogniseBenchmark({ paths: ['res101.mat'], classNames: awa, attributes: 85, images: 1_000 })).toBeNull();
  });

  it('never names a dataset whose shape is not the benchmark’s, whatever its folder', () => {
    expect(recogniseBenchmark({ paths: ['data/CUB/res101.mat'], classNames: names(717, (k) => `s${k}`), attributes: 102, images: 9 })).toBe('SUN');
    expect(recogniseBenchmark({ paths: ['data/CUB/res101.mat'], classNames: names(12, (k) => `c${k}`), attributes: 7, images: 9 })).toBeNull();
    // CUB's shape without a folder needs CUB-like class names.
    expect(recogniseBenchmark({ paths: ['res101.mat'], classNames: names(200, (k) => `c${k}`), attributes: 312, images: 9 })).toBeNull();
  });
});

describe('humanClassName', () => {
  it('reads releases’ class names as a person would', () => {
    expect(humanClassName('giant+panda')).toBe('giant panda');
    expect(humanClassName('001.Black_footed_Albatross')).toBe('Black footed Albatross');
    expect(humanClassName('airplane_cabin')).toBe('airplane cabin');
    expect(humanClassName('antelope')).toBe('antelope');
  });
});

describe('contentKey', () => {
  const parts = (seed: number) => ({
    classNames: ['a', 'b'],
    attributeNames: ['x'],
    labels: Int32Array.from([0, 1, 0, 1]),
    features: Float32Array.from({ length: 8 }, (_, k) => k * seed),
    featureDim: 2,
  });

  it('is the 64-bit FNV-1a of the content: equal for equal content, different otherwise', () => {
    expect(contentKey(parts(1))).toBe(contentKey(parts(1)));
    expect(contentKey(parts(1))).not.toBe(contentKey(parts(2)));
    expect(contentKey({ ...parts(1), classNames: ['a', 'c'] })).not.toBe(contentKey(parts(1)));
    expect(contentKey(parts(1))).toMatch(/^[0-9a-f]{16}$/);
    // An empty dataset hashes only the text "1|0||"; Python's FNV-1a 64 of it is 30b411fdfd68aa68.
    expect(contentKey({ classNames: [], attributeNames: [], labels: new Int32Array(0), features: new Float32Array(0), featureDim: 1 })).toBe('30b411fdfd68aa68');
  });
});
