/**
 * Small xlsa17-layout releases shaped like the five benchmarks (their classes,
 * attributes and proposed-split class counts; fewer images, 64-d features),
 * written as res101.mat + att_splits.mat with the test MAT writer. The values
 * come from the same integer hash as scripts/reference/eszsl_xlsa17.py, which
 * computes the independent numpy ESZSL figures the tests compare against.
 * Test-only code; runs in Node and in the browser tests.
 */
import { cellOfStrings, num, writeMat5 } from '../io/helpers/mat5-writer.ts';
import { memoryFile } from '../io/helpers/streams.ts';
import type { SourceFile } from '../../../src/core/io/source-file.ts';

export const SHAPED_DIM = 64;
/** classes, attributes, seen, unseen, trainval and test-seen images per seen class, images per unseen class. */
export const SHAPES = {
  SUN: [717, 102, 645, 72, 6, 2, 6],
  CUB: [200, 312, 150, 50, 8, 3, 8],
  AWA1: [50, 85, 40, 10, 24, 6, 24],
  AWA2: [50, 85, 40, 10, 30, 8, 30],
  APY: [32, 64, 20, 12, 30, 8, 30],
} as const;
export type ShapeName = keyof typeof SHAPES;
const NOISE = 4;

/** A 32-bit integer hash of (stream, index) scaled to [0, 1), exactly as the Python reference's. */
export function hashUniform(stream: number, index: number): number {
  let x = (Math.imul(index, 0x9e3779b9) + Math.imul(stream, 0x632be5ab)) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x = (x ^ (x >>> 13)) >>> 0;
  x = Math.imul(x, 0xc2b2ae35) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  return x / 4294967296;
}

function classNames(name: ShapeName, count: number): string[] {
  if (name === 'AWA1' || name === 'AWA2') return Array.from({ length: count }, (_, k) => `animal+${k + 1}`);
  if (name === 'CUB') return Array.from({ length: count }, (_, k) => `${String(k + 1).padStart(3, '0')}.Bird_number_${k + 1}`);
  return Array.from({ length: count }, (_, k) => `${name === 'SUN' ? 'scene' : 'object'}_${k + 1}`);
}

export interface ShapedRelease {
  files: SourceFile[];
  classNames: string[];
  unseen: number[];
  /** Sums of the generated values, to check against the Python reference's. */
  checksums: { features: number; original: number };
}

export function shapedRelease(name: ShapeName): ShapedRelease {
  const shapeIndex = Object.keys(SHAPES).indexOf(name);
  const [c, a, , unseenCount, tv, ts, tu] = SHAPES[name];
  const base = 1000 * (shapeIndex + 1);
  const original = new Float64Array(c * a);
  for (let k = 0; k < c * a; k++) original[k] = 100 * hashUniform(base + 1, k) ** 2;
  const att = new Float64Array(c * a);
  for (let r = 0; r < c; r++) {
    let norm = 0;
    for (let k = 0; k < a; k++) norm += original[r * a + k]! ** 2;
    for (let k = 0; k < a; k++) att[r * a + k] = original[r * a + k]! / Math.sqrt(norm);
  }
  const w = Float64Array.from({ length: a * SHAPED_DIM }, (_, k) => (hashUniform(base + 2, k) - 0.5) * 4);
  const unseen = Array.from({ length: unseenCount }, (_, j) => Math.floor(((2 * j + 1) * c) / (2 * unseenCount)));
  const unseenSet = new Set(unseen);
  const labels: number[] = [];
  const locs = { trainval: [] as number[], testSeen: [] as number[], testUnseen: [] as number[] };
  for (let k = 0; k < c; k++) {
    const roles = unseenSet.has(k) ? Array(tu).fill('u') : [...Array(tv).fill('t'), ...Array(ts).fill('s')];
    for (const role of roles) {
      labels.push(k);
      (role === 'u' ? locs.testUnseen : role === 's' ? locs.testSeen : locs.trainval).push(labels.length);
    }
  }
  const n = labels.length;
  const features = new Float64Array(n * SHAPED_DIM);
  let featureSum = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    for (let j = 0; j < SHAPED_DIM; j++) {
      let proto = 0;
      for (let k = 0; k < a; k++) proto += att[label * a + k]! * w[k * SHAPED_DIM + j]!;
      const value = Math.max(0, proto + NOISE * (hashUniform(base + 3, i * SHAPED_DIM + j) - 0.5));
      features[i * SHAPED_DIM + j] = value;
      featureSum += value;
    }
  }
  const names = classNames(name, c);
  const col = (xs: number[]) => num('double', [xs.length, 1], xs, 'uint16');
  const attSplits = writeMat5(
    {
      allclasses_names: cellOfStrings(names, true),
      att: num('double', [a, c], att),
      original_att: num('double', [a, c], original),
      test_seen_loc: col(locs.testSeen),
      test_unseen_loc: col(locs.testUnseen),
      trainval_loc: col(locs.trainval),
    },
    { compress: true },
  );
  const res101 = writeMat5({
    features: num('double', [SHAPED_DIM, n], features),
    labels: num('double', [n, 1], labels.map((l) => l + 1), 'uint16'),
  });
  const root = `xlsa17/data/${name}/`;
  return {
    files: [memoryFile(`${root}att_splits.mat`, attSplits), memoryFile(`${root}res101.mat`, res101)],
    classNames: names,
    unseen,
    checksums: { features: featureSum, original: original.reduce((s, v) => s + v, 0) },
  };
}
